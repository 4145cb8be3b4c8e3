"""YAML read with YAML 1.2 core-schema rules and line marks.

PyYAML resolves plain scalars by YAML 1.1 rules: `python: 3.10` becomes the float 3.1 and
`generation: off` becomes False. Here only `true`/`false` (any case form the 1.2 core schema
allows) are booleans, only `null`/`~`/empty are null, and numbers follow the 1.2 core patterns
(https://yaml.org/spec/1.2.2/#1032-tag-resolution). A float keeps the text it was written as
(`YamlFloat.text`) so a consumer can keep "3.10" instead of 3.1.

Values come back as plain dicts, lists and scalars; `YamlDoc.key_location(path)` and
`value_location(path)` give the place of any key or value, `path` being the tuple of keys and
indices that leads to it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

import yaml

from envlint.facts import Location, SourceText

_Loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)  # libyaml's parser is ~3.5x faster

MAX_NODES = 1_000_000  # logical nodes after alias expansion; an alias bomb has billions


class _CoreLoader(_Loader):
    """Composes nodes with YAML 1.2 core-schema tags instead of YAML 1.1's."""


_CoreLoader.yaml_implicit_resolvers = {}
for _tag, _pattern, _first in (
    ("tag:yaml.org,2002:bool", r"^(?:true|True|TRUE|false|False|FALSE)$", "tTfF"),
    ("tag:yaml.org,2002:null", r"^(?:~|null|Null|NULL|)$", ["~", "n", "N", ""]),
    ("tag:yaml.org,2002:int", r"^(?:[-+]?[0-9]+|0o[0-7]+|0x[0-9a-fA-F]+)$", "-+0123456789"),
    (
        "tag:yaml.org,2002:float",
        r"^(?:[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?"
        r"|[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN))$",
        "-+0123456789.",
    ),
):
    _CoreLoader.add_implicit_resolver(_tag, re.compile(_pattern), list(_first))


class YamlFloat(float):
    """A float that remembers how it was written (`3.10`, not 3.1)."""

    text: str

    def __new__(cls, text: str):
        lowered = text.lower().lstrip("+")
        value = float("nan") if lowered.endswith(".nan") else float(lowered.replace(".inf", "inf"))
        obj = super().__new__(cls, value)
        obj.text = text
        return obj


class YamlError(Exception):
    """A file that is not YAML we can read; `location` points at the problem."""

    def __init__(self, message: str, location: Location):
        super().__init__(message)
        self.message = message
        self.location = location


@dataclass
class YamlDoc:
    path: str
    data: object
    source_lines: list[str] = field(default_factory=list, repr=False)
    key_marks: dict[tuple, Location] = field(default_factory=dict)
    value_marks: dict[tuple, Location] = field(default_factory=dict)
    duplicates: list[tuple[str, Location, Location]] = field(default_factory=list)  # key, here, first
    styles: dict[tuple, str | None] = field(default_factory=dict)  # scalar style: None plain, '"', "'", "|", ">"

    def key_location(self, path: tuple) -> Location:
        """Where the key of `path` is written; falls back to the nearest enclosing place."""
        while path:
            if path in self.key_marks:
                return self.key_marks[path]
            if path in self.value_marks:
                return self.value_marks[path]
            path = path[:-1]
        return self.value_marks.get((), Location(self.path, 1, 1))

    def value_location(self, path: tuple) -> Location:
        return self.value_marks.get(path) or self.key_location(path)

    def scalar_text(self, path: tuple) -> SourceText:
        """The string value at `path` as a SourceText whose offsets map to the file: quoted
        scalars start one column in; block scalars (`|`, `>`) put line i of the value on the
        i-th line after the indicator, at the block's indentation."""
        value = self.data_at(path)
        text = value.text if isinstance(value, YamlFloat) else str(value)
        where = self.value_location(path)
        style = self.styles.get(path)
        if style in ("|", ">"):
            lines = text.splitlines(keepends=True)
            indent = _block_indent(self.source_lines, where.line, len(lines))
            return SourceText(
                self.path, [(piece, where.line + 1 + i, indent + 1) for i, piece in enumerate(lines)]
            )
        return SourceText.single(self.path, text, where.line, where.column + (1 if style else 0))

    def data_at(self, path: tuple) -> object:
        node = self.data
        for part in path:
            node = node[part]
        return node


def _block_indent(source_lines: list[str], indicator_line: int, count: int) -> int:
    """Indentation of a block scalar's first non-empty content line (0-based columns)."""
    for line in source_lines[indicator_line:indicator_line + max(count, 1)]:
        if line.strip():
            return len(line) - len(line.lstrip(" "))
    return 0


def _location(path: str, node: yaml.Node) -> Location:
    start, end = node.start_mark, node.end_mark
    return Location(path, start.line + 1, start.column + 1, end.line + 1, end.column + 1)


def load_yaml(text: str, path: str) -> YamlDoc:
    """Parse one YAML document. Raises YamlError for syntax errors, several documents, tags
    other than the core ones (`!!python/object` is refused, never constructed) and alias bombs."""
    loader = _CoreLoader(text)
    try:
        node = loader.get_single_node()
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line, column = (mark.line + 1, mark.column + 1) if mark else (1, 1)
        problem = exc.problem or exc.context or "invalid YAML"
        raise YamlError(f"YAML syntax error: {problem}", Location(path, line, column)) from None
    except yaml.YAMLError as exc:
        raise YamlError(f"YAML syntax error: {exc}", Location(path, 1, 1)) from None
    except RecursionError:
        raise YamlError("YAML nesting is too deep to read", Location(path, 1, 1)) from None
    finally:
        loader.dispose()
    doc = YamlDoc(path, None, source_lines=text.splitlines())
    if node is not None:
        doc.data = _Builder(doc).build(node)
    return doc


def _children(node: yaml.Node) -> list[yaml.Node]:
    if isinstance(node, yaml.MappingNode):
        return [n for pair in node.value for n in pair]
    if isinstance(node, yaml.SequenceNode):
        return list(node.value)
    return []


def _logical_size(root: yaml.Node, path: str) -> int:
    """How many nodes the document has once aliases are expanded, computed over the distinct
    nodes only, so an alias bomb is measured without being expanded."""
    sizes: dict[int, int] = {}
    pending: set[int] = set()
    stack: list[tuple[yaml.Node, bool]] = [(root, False)]
    while stack:
        node, children_done = stack.pop()
        if id(node) in sizes:
            continue
        children = _children(node)
        if children_done:
            pending.discard(id(node))
            sizes[id(node)] = 1 + sum(sizes[id(child)] for child in children)
            continue
        if id(node) in pending:
            raise YamlError("a YAML alias refers to the node that contains it", _location(path, node))
        pending.add(id(node))
        stack.append((node, True))
        for child in children:
            if id(child) in pending:
                raise YamlError("a YAML alias refers to the node that contains it", _location(path, child))
            stack.append((child, False))
    return sizes[id(root)]


class _Builder:
    def __init__(self, doc: YamlDoc):
        self.doc = doc

    def build(self, root: yaml.Node) -> object:
        if _logical_size(root, self.doc.path) > MAX_NODES:
            raise YamlError(
                f"more than {MAX_NODES:,} YAML nodes once aliases are expanded (an alias bomb?)",
                _location(self.doc.path, root),
            )
        # Iterative, so deep nesting cannot overflow Python's stack; an aliased node is built
        # once and shared, as PyYAML does.
        built: dict[int, object] = {}
        result: list = [None]
        stack: list[tuple[yaml.Node, tuple, object, object]] = [(root, (), result, 0)]
        while stack:
            node, path, parent, slot = stack.pop()
            self.doc.value_marks.setdefault(path, _location(self.doc.path, node))
            if id(node) in built:
                parent[slot] = built[id(node)]
                continue
            if isinstance(node, yaml.MappingNode):
                self._check_tag(node, "tag:yaml.org,2002:map")
                value: object = {}
                entries: dict = {}  # the last of duplicate keys wins, as in PyYAML
                for key_node, value_node in node.value:
                    key = self._scalar_key(key_node)
                    key_loc = _location(self.doc.path, key_node)
                    if key in entries:
                        self.doc.duplicates.append((str(key), key_loc, entries[key][0]))
                    entries[key] = (key_loc, value_node)
                for key, (key_loc, value_node) in entries.items():
                    self.doc.key_marks.setdefault(path + (key,), key_loc)
                    value[key] = None
                    stack.append((value_node, path + (key,), value, key))
            elif isinstance(node, yaml.SequenceNode):
                self._check_tag(node, "tag:yaml.org,2002:seq")
                value = [None] * len(node.value)
                for index, item in enumerate(node.value):
                    stack.append((item, path + (index,), value, index))
            else:
                value = self._scalar(node)
                self.doc.styles[path] = node.style
            built[id(node)] = value
            parent[slot] = value
        return result[0]

    def _check_tag(self, node: yaml.Node, expected: str) -> None:
        if node.tag != expected:
            raise YamlError(
                f"unsupported YAML tag {node.tag!r}: envlint reads plain YAML only",
                _location(self.doc.path, node),
            )

    def _scalar_key(self, node: yaml.Node) -> object:
        if not isinstance(node, yaml.ScalarNode):
            raise YamlError("a mapping key must be a plain value", _location(self.doc.path, node))
        key = self._scalar(node)
        return key if isinstance(key, (str, int, bool)) or key is None else str(key)

    def _scalar(self, node: yaml.ScalarNode) -> object:
        tag, text = node.tag, node.value
        if tag == "tag:yaml.org,2002:str":
            return text
        if tag == "tag:yaml.org,2002:bool":
            return text.lower() == "true"
        if tag == "tag:yaml.org,2002:null":
            return None
        if tag == "tag:yaml.org,2002:int":
            if text.startswith(("0o", "0x")):
                return int(text[2:], 8 if text[1] == "o" else 16)
            return int(text)
        if tag == "tag:yaml.org,2002:float":
            return YamlFloat(text)
        raise YamlError(
            f"unsupported YAML tag {tag!r}: envlint reads plain YAML only",
            _location(self.doc.path, node),
        )

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

import yaml

from envlint.facts import Location, SourceText
from envlint.gcpause import gc_paused
from envlint.record import field, record

_Loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)  # libyaml's parser is ~3.5x faster

MAX_NODES = 1_000_000  # logical nodes after alias expansion; an alias bomb has billions
# Nested collections; a Blueprint or spec nests fewer than 10 deep. Below the limit of 1,000 that
# PyYAML 6.0.4's bundled libyaml enforces itself ("exceeded maximum nesting depth", where 6.0.3
# has none), so that envlint's own message and location do not depend on the PyYAML version.
MAX_DEPTH = 500
_TOO_DEEP = f"YAML nesting deeper than {MAX_DEPTH:,} levels"
# 5x a 1,000-service render.yaml; PyYAML composes ~300 bytes and ~6 µs a node: 2 MB of one-character
# list items is 1M nodes
MAX_YAML_CHARS = 2 * 1024 * 1024
_COMPOSE_SAFE = 5_000  # libyaml composes recursively in C: ~30,000 levels overflow an 8 MB stack


_TAG = "tag:yaml.org,2002:"
_STR, _SEQ, _MAP = _TAG + "str", _TAG + "seq", _TAG + "map"
_DEFAULT_TAGS = {yaml.ScalarNode: _STR, yaml.SequenceNode: _SEQ, yaml.MappingNode: _MAP}
# YAML 1.2 core schema: the tags a plain scalar may resolve to, by its first character, tried in order
_RESOLVERS: dict[str, list[tuple[str, re.Pattern]]] = {}
for _tag, _pattern, _first in (
    ("bool", r"^(?:true|True|TRUE|false|False|FALSE)$", "tTfF"),
    ("null", r"^(?:~|null|Null|NULL|)$", ["~", "n", "N", ""]),
    ("int", r"^(?:[-+]?[0-9]+|0o[0-7]+|0x[0-9a-fA-F]+)$", "-+0123456789"),
    (
        "float",
        r"^(?:[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?"
        r"|[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN))$",
        "-+0123456789.",
    ),
):
    _compiled = re.compile(_pattern)
    for _char in _first:
        _RESOLVERS.setdefault(_char, []).append((_TAG + _tag, _compiled))


class _CoreLoader(_Loader):
    """Composes nodes with YAML 1.2 core-schema tags instead of YAML 1.1's."""

    def resolve(self, kind, value, implicit):
        """PyYAML's Resolver.resolve for a loader without path resolvers. libyaml calls it for
        every node (40,000 for a 1,000-service render.yaml): ~40 % less a call, composing 7 % less."""
        if kind is yaml.ScalarNode and implicit[0]:  # plain: `3.10`, not `'3.10'`
            for tag, regexp in _RESOLVERS.get(value[:1], ()):
                if regexp.match(value):
                    return tag
        return _DEFAULT_TAGS[kind]

    # Path resolvers (PyYAML's `add_path_resolver`) are not used, yet libyaml calls these two for
    # every node; C callables that ignore their arguments spare a Python call each: composing a
    # 1,000-service render.yaml (80,000 calls) 7 % less
    descend_resolver = slice  # (parent, index)
    ascend_resolver = tuple  # ()


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


@record
class YamlDoc:
    path: str
    data: object
    source_lines: list[str] = field(default_factory=list, repr=False)
    # where each key and value is, as 0-based (line, column, end line, end column): made into a
    # Location only when asked for, as few are (a 1,000-service render.yaml has 60,000 marks)
    key_marks: dict[tuple, tuple[int, int, int, int]] = field(default_factory=dict)
    value_marks: dict[tuple, tuple[int, int, int, int]] = field(default_factory=dict)
    duplicates: list[tuple[str, Location, Location]] = field(default_factory=list)  # key, here, first
    styles: dict[tuple, str] = field(default_factory=dict)  # scalar style, '"', "'", "|" or ">"; plain ones absent

    def key_location(self, path: tuple) -> Location:
        """Where the key of `path` is written; falls back to the nearest enclosing place."""
        while path:
            if path in self.key_marks:
                return self._location(self.key_marks[path])
            if path in self.value_marks:
                return self._location(self.value_marks[path])
            path = path[:-1]
        return self._location(self.value_marks[()]) if () in self.value_marks else Location(self.path, 1, 1)

    def value_location(self, path: tuple) -> Location:
        span = self.value_marks.get(path)
        return self.key_location(path) if span is None else self._location(span)

    def _location(self, span: tuple[int, int, int, int]) -> Location:
        line, column, end_line, end_column = span
        return Location(self.path, line + 1, column + 1, end_line + 1, end_column + 1)

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
    with gc_paused():
        return _load(text, path)


def _load(text: str, path: str) -> YamlDoc:
    if len(text) > MAX_YAML_CHARS:
        raise YamlError(f"too large to check ({len(text):,} characters; envlint reads YAML files of up to "
                        f"{MAX_YAML_CHARS:,})", Location(path, 1, 1))
    loader = _CoreLoader(text)
    try:
        _check_depth(text, path)
        node = loader.get_single_node()
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line, column = (mark.line + 1, mark.column + 1) if mark else (1, 1)
        problem = exc.problem or exc.context or "invalid YAML"
        if "maximum nesting depth" in problem:  # libyaml's own limit: scanning flow `[` ahead of our count
            raise YamlError(_TOO_DEEP, Location(path, line, column)) from None
        raise YamlError(f"YAML syntax error: {problem}", Location(path, line, column)) from None
    except yaml.reader.ReaderError as exc:  # a character YAML forbids; libyaml counts UTF-8 bytes
        before = text.encode("utf-8", "surrogatepass")[: exc.position].decode("utf-8", "ignore") \
            if _Loader is not yaml.SafeLoader else text[: exc.position]
        line, column = before.count("\n") + 1, len(before) - before.rfind("\n")
        raise YamlError(f"YAML syntax error: {str(exc).splitlines()[0]}", Location(path, line, column)) from None
    except yaml.YAMLError as exc:
        raise YamlError(f"YAML syntax error: {str(exc).splitlines()[0]}", Location(path, 1, 1)) from None
    except RecursionError:
        raise YamlError("YAML nesting is too deep to read", Location(path, 1, 1)) from None
    finally:
        loader.dispose()
    doc = YamlDoc(path, None, source_lines=text.splitlines())
    if node is not None:
        doc.data = _Builder(doc).build(node, shared="*" in text)
    return doc


def _check_depth(text: str, path: str) -> None:
    """Raise YamlError when collections nest deeper than MAX_DEPTH, read from the parser's events
    before the recursive composer sees them. Skipped when the text cannot nest deep enough to
    endanger the composer: each block level needs a column of indentation or a `- `/`? ` (two
    levels a column at most), each flow level a `[` or `{` (`${` is a shell variable); or
    when it cannot nest deeper than MAX_DEPTH, all that the scan looks for."""
    flows = text.count("[") + text.count("{") - text.count("${")
    longest = max(map(len, text.split("\n")))  # 1.7 ms for 430 kB, where a regex took 11.5 ms
    if flows < 1_000 and longest < 1999:
        return  # at most 999 + 2 * 1998 + 2 < _COMPOSE_SAFE levels; the builder checks MAX_DEPTH
    # A spec writes `DATABASE_URL: {required: true}` a thousand times. Such a one-line collection,
    # with no bracket, quote, comment or tag inside, holds no other: all of them add one level at
    # most, every other `[`/`{` one, each column two. Within MAX_DEPTH, the scan cannot find
    # anything: skipping it saves 36 ms on a 1,000-service spec (this test: 2 ms).
    one_line = len(re.findall(r"\{[^\[\]{}\n\"'#!]*\}|\[[^\[\]{}\n\"'#!]*\]", text))
    if 2 * longest + 2 + (text.count("[") + text.count("{") - one_line) + 1 <= MAX_DEPTH:
        return
    loader = _CoreLoader(text)
    depth = 0
    try:
        while (event := loader.get_event()) is not None:
            if isinstance(event, (yaml.MappingStartEvent, yaml.SequenceStartEvent)):
                depth += 1
                if depth > MAX_DEPTH:
                    raise YamlError(_TOO_DEEP, Location(
                        path, event.start_mark.line + 1, event.start_mark.column + 1))
            elif isinstance(event, (yaml.MappingEndEvent, yaml.SequenceEndEvent)):
                depth -= 1
    finally:
        loader.dispose()


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

    def build(self, root: yaml.Node, shared: bool = True) -> object:
        """`shared`: whether the text may hold aliases (`*name`); without, each node is reached
        once, so built nodes need not be remembered."""
        # Iterative, so deep nesting cannot overflow Python's stack; an aliased node is built
        # once and shared, as PyYAML does, so building costs the distinct nodes only. A consumer
        # walking the result meets every alias expanded: measure that when there are aliases.
        # One loop with the common cases inline: a method call per node and key cost more. A string
        # (most values) is built with its mapping or list, not pushed: it can raise no error, so
        # the errors found first stay the same. 48 -> 32 ms for a 1,000-service render.yaml.
        doc = self.doc
        value_marks, key_marks, styles, duplicates = doc.value_marks, doc.key_marks, doc.styles, doc.duplicates
        scalar_node, mapping_node = yaml.ScalarNode, yaml.MappingNode
        aliased = False
        built: dict[int, object] = {}
        result: list = [None]
        stack: list[tuple[yaml.Node, tuple, object, object]] = [(root, (), result, 0)]
        pop, push = stack.pop, stack.append
        while stack:
            node, path, parent, slot = pop()
            start, end = node.start_mark, node.end_mark
            value_marks[path] = (start.line, start.column, end.line, end.column)  # each path is reached once
            if shared and id(node) in built:
                parent[slot] = built[id(node)]
                aliased = True
                continue
            kind = node.__class__
            if kind is scalar_node:
                value: object = node.value if node.tag == _STR else self._scalar(node)
                if node.style:  # plain scalars (most) are left out: `styles.get` gives None
                    styles[path] = node.style
            elif len(path) >= MAX_DEPTH:
                raise YamlError(_TOO_DEEP, _location(doc.path, node))
            elif kind is mapping_node:
                self._check_tag(node, _MAP)
                value = {}
                entries: dict = {}  # the last of duplicate keys wins, as in PyYAML
                for key_node, value_node in node.value:
                    if key_node.__class__ is not scalar_node:
                        raise YamlError("a mapping key must be a plain value", _location(doc.path, key_node))
                    key = key_node.value if key_node.tag == _STR else self._scalar_key(key_node)
                    start, end = key_node.start_mark, key_node.end_mark
                    key_span = (start.line, start.column, end.line, end.column)
                    if key in entries:
                        here, first = doc._location(key_span), doc._location(entries[key][0])
                        duplicates.append((str(key), here, first))
                    entries[key] = (key_span, value_node)
                for key, (key_span, value_node) in entries.items():
                    child = path + (key,)
                    key_marks[child] = key_span
                    if not shared and value_node.__class__ is scalar_node and value_node.tag == _STR:
                        start, end = value_node.start_mark, value_node.end_mark  # a string: at once
                        value_marks[child] = (start.line, start.column, end.line, end.column)
                        if value_node.style:
                            styles[child] = value_node.style
                        value[key] = value_node.value
                    else:
                        value[key] = None
                        push((value_node, child, value, key))
            else:
                self._check_tag(node, _SEQ)
                value = [None] * len(node.value)
                for index, item in enumerate(node.value):
                    if not shared and item.__class__ is scalar_node and item.tag == _STR:
                        start, end = item.start_mark, item.end_mark
                        child = path + (index,)
                        value_marks[child] = (start.line, start.column, end.line, end.column)
                        if item.style:
                            styles[child] = item.style
                        value[index] = item.value
                    else:
                        push((item, path + (index,), value, index))
            if shared:
                built[id(node)] = value
            parent[slot] = value
        if aliased and _logical_size(root, doc.path) > MAX_NODES:
            raise YamlError(
                f"more than {MAX_NODES:,} YAML nodes once aliases are expanded (an alias bomb?)",
                _location(doc.path, root),
            )
        return result[0]

    def _check_tag(self, node: yaml.Node, expected: str) -> None:
        if node.tag != expected:
            raise YamlError(
                f"unsupported YAML tag {node.tag!r}: envlint reads plain YAML only",
                _location(self.doc.path, node),
            )

    def _scalar_key(self, node: yaml.ScalarNode) -> object:
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

"""Source lines of the checked files, for `--show-source`, fingerprints and suppressions, with
secrets masked before any line is shown.

Lines are read through `Repo`, so nothing outside the repository is read, and each file once.
"""

from __future__ import annotations

import re

from envlint.repo import ReadError, Repo
from envlint.secrets import looks_secret

# Universal newlines, as the extractors count lines (str.splitlines would also split on \f, \x1c…).
_NEWLINE = re.compile(r"\r\n|\r|\n")


class Sources:
    def __init__(self, repo: Repo):
        self.repo = repo
        self._lines: dict[str, list[str] | None] = {}

    def text(self, path: str) -> str | None:
        """The file's text, or None when it is not a readable file inside the repository."""
        relpath = self.repo.normalize(path)
        if relpath and self.repo.is_file(relpath):
            try:
                return self.repo.read_text(relpath)
            except ReadError:
                pass
        return None

    def lines(self, path: str) -> list[str] | None:
        """The file's lines, or None when it is not a readable file inside the repository."""
        if path not in self._lines:
            text = self.text(path)
            self._lines[path] = None if text is None else _NEWLINE.split(text)
        return self._lines[path]

    def line(self, path: str, number: int) -> str | None:
        lines = self.lines(path)
        return lines[number - 1] if lines is not None and 0 < number <= len(lines) else None


# --- masking ------------------------------------------------------------------------------
# envlint never prints a secret whole (envlint/secrets.py). A source line is shown with every
# value that may be one replaced by `*`, one per character, so carets still line up. When it is
# unclear whether a value is secret, it is masked.

_MASKED_IN_MESSAGE = re.compile(r"'[^']{0,3}…' \(\d+ characters?\)")  # what secrets.mask() writes
_URL_USERINFO = re.compile(r"[A-Za-z][A-Za-z0-9+.-]*://([^/\s@]+)@")
_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
_SEPARATOR = re.compile(r"""["'\]\s]*[=:,(]?[\s"'(]*""")
_FLAG = re.compile(r"(?:true|false)\s*(?:[,}#]|$)")
_FLOW_VALUE = re.compile(r"\b(?:value|default)\s*:\s*([^,}]*)")
_YAML_VALUE = re.compile(r"^\s*(?:-\s+)?(value|default)\s*:\s*(\S)")
_YAML_KEY = re.compile(r"""^\s*(?:-\s+)?key\s*:\s*["']?([^"'\s#]+)""")
_YAML_PARENT = re.compile(r"""^\s*(?:-\s+)?["']?([A-Za-z_][A-Za-z0-9_.-]*)["']?\s*:\s*(?:#.*)?$""")


def masked(lines: list[str], number: int, span: tuple[int, int] | None = None) -> str:
    """Line `number` (1-based) with possible secrets masked. `span` is a [start, end) column range
    to mask regardless: the finding's own value, when its message says it is a secret."""
    line = lines[number - 1]
    hidden = [False] * len(line)

    def hide(start: int, end: int) -> None:
        for i in range(max(start, 0), min(end, len(line))):
            hidden[i] = True

    if span is not None:
        hide(span[0] - 1, span[1] - 1)
    for match in _URL_USERINFO.finditer(line):
        hide(match.start(1), match.end(1))
    for match in _NAME.finditer(line):  # `ENV API_KEY=…`, `API_KEY: …`, `export TOKEN=…`
        if looks_secret(match.group()):
            start = _SEPARATOR.match(line, match.end()).end()
            if _FLAG.match(line, start):  # the spec's `secret: true` is a flag, not a value
                continue
            if line.startswith("{", start):  # the spec's `NAME: {secret: true, default: …}`: its values
                for value in _FLOW_VALUE.finditer(line, start):
                    hide(value.start(1), value.end(1))
            else:
                hide(start, len(line))
    value = _YAML_VALUE.match(line)
    if value and not _owner_is_plain(lines, number - 1, value.group(1)):
        hide(value.start(2), len(line))
    return "".join("*" if h and not c.isspace() else c for c, h in zip(line, hidden))


def secret_span(message: str, start: int, end: int | None) -> tuple[int, int] | None:
    """The finding's columns to mask, when its message shows a masked value."""
    if not _MASKED_IN_MESSAGE.search(message):
        return None
    return (start, end if end is not None else 10**9)


def _owner_is_plain(lines: list[str], index: int, kind: str) -> bool:
    """Whether a YAML `value:`/`default:` line provably belongs to a name that does not look
    secret: render.yaml's `key:` beside `value:`, or the spec's variable above `default:`."""
    indent = _indent(lines[index])
    if kind == "value":  # the `key:` of the same list item, never a neighbour's
        start = index
        while start > max(index - 8, 0) and not _item_start(lines[start]):
            start -= 1
        end = index + 1
        while end < min(index + 8, len(lines)) and not _item_start(lines[end]):
            end += 1
        for other in range(start, end):
            key = _YAML_KEY.match(lines[other])
            if key and abs(_indent(lines[other]) - indent) <= 2:
                return not looks_secret(key.group(1))
        return False
    for other in range(index - 1, -1, -1):
        text = lines[other]
        if text.strip() and not text.lstrip().startswith("#") and _indent(text) < indent:
            parent = _YAML_PARENT.match(text)
            return bool(parent) and not looks_secret(parent.group(1))
    return False


def _item_start(line: str) -> bool:
    return line.lstrip().startswith("- ")


def _indent(line: str) -> int:
    """Columns before the mapping key, counting a list item's `- ` as indentation."""
    stripped = line.lstrip()
    extra = 2 if stripped.startswith("- ") else 0
    return len(line) - len(stripped) + extra

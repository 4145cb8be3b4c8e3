"""`envlint check --fix` / `--diff`: rewrite the few findings whose remedy is mechanical.

Design: rules stay pure (facts in, located messages out), so fixes are derived here, after the
check, from the reported findings and the facts behind them: a finding's Location spans exactly
the text it is about (a requirement, a host literal, a render.yaml value), and the facts say what
it should become (the spec's pin, the spec's bind, `sync: false`). Each fix is an `Edit` of a
character span of one file; it is applied only when the text there is still the text the
finding was about, so a location that does not span exactly that text is skipped, never guessed.
Only the span's characters change: comments, quoting, indentation, line endings and the BOM stay.

Fixed kinds:
- EL101/EL102/EL103: an exact pin (`pkg==X`, in a requirements file or a `pip install` in a
  Dockerfile or buildCommand) → the spec's exact `==` version. Not when the line has `--hash`.
- EL201: a literal `127.0.0.1` / `localhost` host → the spec's bind (0.0.0.0 without a spec).
- EL302: `value: <literal secret>` of a render.yaml service → `sync: false`, for a variable the
  spec marks `secret: true`. Not EL303, whose name only looks secret: the fix deletes the value
  the user wrote, and `sync: false` is prompted for only when a Blueprint is first created and is
  not copied to preview environments (render-blueprint.md §5), so a wrong guess silently loses a
  setting. Declaring the variable `secret: true` opts in (the finding is then EL302).
"""

from __future__ import annotations

import difflib
import os
import re
import stat
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from envlint.facts import Facts, Location
from envlint.findings import Finding
from envlint.repo import byte_order_mark
from envlint.spec import Spec

PIN_CODES = ("EL101", "EL102", "EL103")
SECRET_CODES = ("EL302", "EL303")
LOOPBACK = ("127.0.0.1", "localhost")


@dataclass(frozen=True)
class Edit:
    """Replace `old` at characters [start, end) of a file's decoded text (BOM excluded)."""

    path: str
    start: int
    end: int
    old: str
    new: str


@dataclass
class Plan:
    edits: list[Edit] = field(default_factory=list)
    fixed: list[Finding] = field(default_factory=list)  # the findings the edits resolve
    notes: list[str] = field(default_factory=list)  # fixable-looking findings left alone, and why
    files: dict[str, _File] = field(default_factory=dict)

    def texts(self) -> dict[str, str]:
        """Each changed file's new decoded text, by path."""
        edited = {path: f.edited(self.edits) for path, f in self.files.items()}
        return {path: text for path, text in edited.items() if text != self.files[path].text}

    def diff(self) -> str:
        """A unified diff of every change, a/ b/ prefixed as git prints it, secrets starred out."""
        out = []
        for path, new in sorted(self.texts().items()):
            file = self.files[path]
            bom = file.bom.decode(file.encoding)  # so that `patch` finds the first line's bytes
            old_lines, new_lines = _hidden(_lines(bom + file.text)), _hidden(_lines(bom + new))
            lines = difflib.unified_diff(old_lines, new_lines, f"a/{path}", f"b/{path}")
            for line in lines:
                out.append(line if line.endswith("\n") else line + "\n\\ No newline at end of file\n")
        return "".join(out)

    def write(self) -> list[str]:
        """Write every changed file atomically; the paths written."""
        written = []
        for path, new in sorted(self.texts().items()):
            self.files[path].write(new)
            written.append(path)
        return written


def _hidden(lines: list[str]) -> list[str]:
    """The lines with every value that may be a secret starred out, as --show-source shows them:
    a diff is output too, and envlint never prints a secret (a hunk that removes one is then for
    reading only; `patch` rejects it)."""
    from envlint.report.source import masked

    return [masked(lines, number) for number in range(1, len(lines) + 1)]


def _lines(text: str) -> list[str]:
    """Lines as `diff` and `patch` see them: ended by \n only (a \r stays in its line)."""
    return [line for line in re.split(r"(?<=\n)", text) if line]


class _File:
    """One file as bytes on disk and as the text the extractors read, with its line starts."""

    def __init__(self, root: Path, path: str):
        self.path = path
        self.real = Path(os.path.realpath(root / path))
        self.data = self.real.read_bytes()
        self.bom, self.encoding = byte_order_mark(self.data)  # kept, to write the file back as it was
        self.text = self.data[len(self.bom):].decode(self.encoding)
        # line breaks as the extractor of this kind of file counts them
        name = path.rsplit("/", 1)[-1]
        if name.endswith(".py"):
            breaks = r"\r\n|\r|\n"
        elif name.endswith((".yaml", ".yml")):
            breaks = r"\r\n|[\r\n\x85\u2028\u2029]"
        elif name.endswith(".txt"):  # pip reads requirements files with str.splitlines()
            breaks = r"\r\n|[\r\n\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029]"
        else:  # Dockerfile: BuildKit splits on \n only
            breaks = r"\n"
        self.starts = [0] + [m.end() for m in re.finditer(breaks, self.text)]

    def offset(self, line: int, column: int) -> int | None:
        if not 1 <= line <= len(self.starts):
            return None
        end = self.starts[line] if line < len(self.starts) else len(self.text)
        offset = self.starts[line - 1] + column - 1
        return offset if offset <= end else None

    def span(self, location: Location) -> tuple[int, int] | None:
        if location.end_line is None or location.end_column is None:
            return None
        start = self.offset(location.line, location.column)
        end = self.offset(location.end_line, location.end_column)
        return (start, end) if start is not None and end is not None and start < end else None

    def line_of(self, offset: int) -> tuple[int, int]:
        """[start, end) of the physical line holding `offset`, its line break excluded."""
        import bisect

        i = bisect.bisect_right(self.starts, offset) - 1
        end = self.starts[i + 1] if i + 1 < len(self.starts) else len(self.text)
        while end > self.starts[i] and self.text[end - 1] in "\r\n\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029":
            end -= 1
        return self.starts[i], end

    def edited(self, edits: list[Edit]) -> str:
        text = self.text
        for edit in sorted((e for e in edits if e.path == self.path), key=lambda e: e.start, reverse=True):
            text = text[:edit.start] + edit.new + text[edit.end:]
        return text

    def write(self, text: str) -> None:
        """Temp file in the same directory, the original's mode, then os.replace: a reader sees
        the old file or the new one, never half of it. Refuses if the file changed meanwhile."""
        if self.real.read_bytes() != self.data:
            raise OSError(f"{self.path}: changed while envlint was fixing it; not written")
        write_atomically(self.real, self.bom + text.encode(self.encoding), stat.S_IMODE(os.stat(self.real).st_mode))


def write_atomically(target: Path, data: bytes, mode: int) -> None:
    """A temporary file beside `target`, then a rename: a reader sees the old file or the new
    one, never half of it."""
    fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=".envlint")
    try:
        with os.fdopen(fd, "wb") as stream:
            stream.write(data)
        os.chmod(tmp, mode)
        os.replace(tmp, target)
    except BaseException:
        os.unlink(tmp)
        raise


def plan(root: Path, facts: Facts, spec: Spec | None, findings: list[Finding]) -> Plan:
    """The edits that fix what can be fixed mechanically among `findings` (the reported ones)."""
    result = Plan()
    wanted: dict[tuple[str, int, int], tuple[str, str]] = {}  # span -> (old, new)
    by_span: dict[tuple[str, int, int], list[Finding]] = {}
    for finding in findings:
        maker = _MAKERS.get(finding.code)
        if maker is None:
            continue
        path = finding.location.path
        if path not in result.files:
            try:
                result.files[path] = _File(root, path)
            except (OSError, UnicodeDecodeError) as exc:
                result.notes.append(f"{finding.location}: {finding.code} not fixed: cannot read {path}: {exc}")
                continue
        file = result.files[path]
        span = file.span(finding.location)
        if span is None:
            result.notes.append(f"{finding.location}: {finding.code} not fixed: its location is not a span of the file")
            continue
        made = maker(facts, spec, finding, file, span)
        if isinstance(made, str):
            if made:
                result.notes.append(f"{finding.location}: {finding.code} not fixed: {made}")
            continue
        start, end, new = made
        key = (path, start, end)
        if wanted.setdefault(key, (file.text[start:end], new)) != (file.text[start:end], new):
            result.notes.append(f"{finding.location}: {finding.code} not fixed: two fixes disagree here")
            wanted[key] = (file.text[start:end], None)
        by_span.setdefault(key, []).append(finding)
    taken: list[tuple[str, int, int]] = []
    for key, (old, new) in sorted(wanted.items()):
        if new is None:
            continue
        if any(p == key[0] and s < key[2] and key[1] < e for p, s, e in taken):
            result.notes.append(f"{by_span[key][0].location}: not fixed: overlaps another fix")
            continue
        taken.append(key)
        result.edits.append(Edit(key[0], key[1], key[2], old, new))
        result.fixed.extend(by_span[key])
    return result


# --- pins ----------------------------------------------------------------------------------------


def _pin(facts: Facts, spec: Spec | None, finding: Finding, file: _File, span: tuple[int, int]):
    from envlint.rules.pins import scoped, sources

    targets = set()
    for scope, requirements in scoped(facts, spec):
        exact = {r.name: r for r in scope.spec.requirements() if r.specifier.startswith("==") and r.pinned_version}
        for source in requirements:
            if source.location == finding.location and source.name in exact:
                targets.add(exact[source.name].pinned_version)
    found = [r for r in sources(facts) if r.location == finding.location]
    if not found or found[0].pinned_version is None:
        return "not an exact pin"
    source = found[0]
    if finding.location.path.endswith((".toml", ".lock")):
        return "a project's or lock file's pin: change it with uv or poetry (`uv add pkg==X`), which also updates the lock"
    if not targets:
        return "which version is right is not mechanical without an exact `==` pin in the spec"
    if len(targets) > 1:
        return f"the spec pins {source.name} to {' and '.join(sorted(targets))} for different services"
    target = targets.pop()
    if _same_version(target, source.pinned_version):
        return ""  # this is the spec's version; the other pin gets the fix
    start, end = span
    logical = file.text[file.line_of(start)[0]:]
    logical = logical[:re.search(r"(?<!\\)(?<!\\\r)(\r\n|\n|\r)|$", logical).start()]  # to the first unescaped line break
    if "--hash" in logical or "--require-hashes" in logical:
        return "the line has --hash: the hashes are of the old version and would make pip refuse the new one"
    text = file.text[start:end]
    matches = list(re.finditer(r"===?\s*(" + re.escape(source.pinned_version) + r")(?![\w.*+!-])", text))
    if len(matches) != 1:
        return f"cannot find the version {source.pinned_version} in {text!r}"
    return start + matches[0].start(1), start + matches[0].end(1), target


def _same_version(a: str, b: str) -> bool:
    """`1.0` and `1.0.0` install the same thing (PEP 440 comparison; text that is no version: as text)."""
    from packaging.version import InvalidVersion, Version

    try:
        return Version(a) == Version(b)
    except InvalidVersion:
        return a == b


# --- bind ----------------------------------------------------------------------------------------


def _bind(facts: Facts, spec: Spec | None, finding: Finding, file: _File, span: tuple[int, int]):
    from envlint.rules.base import described

    specs = described(facts, spec)
    binds = set()
    for build in facts.builds:
        for listen in build.listens:
            if (listen.host_location or listen.location) == finding.location:
                if listen.host_implicit:
                    return "the host is the server's default, not written: add the bind option by hand"
                if listen.host not in LOOPBACK:
                    return "" if listen.host is None else f"{listen.host} is not loopback; which address is meant is not mechanical"
                own = specs.get(id(build))
                binds.add((own.bind if own is not None else None) or "0.0.0.0")
    if len(binds) != 1:
        return "" if not binds else "the services that run this command want different binds"
    bind = binds.pop()
    if ":" in bind:
        return f"an IPv6 bind ({bind}) needs brackets in most host:port forms; fix it by hand"
    start, end = span
    text = file.text[start:end]
    if len(text) >= 2 and text[0] == text[-1] and text[0] in "\"'":
        start, end, text = start + 1, end - 1, text[1:-1]
    if text not in LOOPBACK:
        return f"the location spans {text!r}, not the host alone"
    return start, end, bind


# --- secrets -------------------------------------------------------------------------------------

_VALUE_KEY = re.compile(r"([ \t]*(?:-[ \t]+)?)value[ \t]*:[ \t]+")


def _secret(facts: Facts, spec: Spec | None, finding: Finding, file: _File, span: tuple[int, int]):
    blueprint = facts.blueprint
    if blueprint is None or finding.location.path != blueprint.path:
        return "only render.yaml values are fixed; remove the value by hand and set it in Render's Dashboard"
    if any(v.value_location == finding.location for g in blueprint.env_groups.values() for v in g):
        return "an env group cannot hold `sync: false`; move the variable to the service or the Dashboard by hand"
    if not any(v.kind == "value" and v.value_location == finding.location for s in blueprint.services for v in s.env_vars):
        return "not a service's `value:`"
    if finding.code == "EL303":
        return ("the name only looks secret and the fix would delete the value: declare it `secret: true` in "
                "envspec.yaml to have --fix replace it with `sync: false`")
    start, end = span
    line_start, line_end = file.line_of(start)
    if end > line_end:
        return "the value spans several lines"
    prefix = _VALUE_KEY.fullmatch(file.text[line_start:start])
    rest = file.text[end:line_end]
    if prefix is None or not (rest.strip() == "" or rest.lstrip().startswith("#") and rest[:1] in " \t"):
        return "not a `value: …` line of its own (a flow mapping?)"
    return line_start + prefix.end(1), end, "sync: false"


_MAKERS = {**{code: _pin for code in PIN_CODES}, "EL201": _bind, **{code: _secret for code in SECRET_CODES}}

"""Inline suppressions: `# envlint: ignore[EL103, EL101] optional reason`.

A comment with code before it (`value: x  # envlint: ignore[EL302]`) covers its own line; a
comment on a line of its own covers the line below it, as hadolint's `# hadolint ignore=` and
yamllint's `disable-line` do (integrations.md §4.3). It must name its codes: there is no blanket
ignore. Applied once, after every rule, to the findings list; each code that suppressed nothing
is an EL901 finding and each unknown code an EL902 (ruff's RUF100 does the same for `noqa`).

Comments are read from the files the findings point into and from the deploy files envlint
checks by name, through `Repo`. Any file where `#` starts a comment can carry them; a JSON file
cannot, so its findings can only be ignored through the configuration.
"""

from __future__ import annotations

import posixpath
import re
from pathlib import Path

from envlint.engine import BLUEPRINT_NAMES, DOCKERFILE_PATTERNS, REQUIREMENTS_PATTERNS, matches_any
from envlint.facts import Location
from envlint.findings import Finding
from envlint.record import field, record
from envlint.report.source import Sources
from envlint.rules import ALL_RULES
from envlint.rules.meta import unknown_code_in_suppression as EL902
from envlint.rules.meta import unused_suppression as EL901

_COMMENT = re.compile(r"#\s*envlint\s*:\s*ignore\b(?:\[([^\]]*)\])?[\s:,-]*(.*)$")
_CODE = re.compile(r"[^\s,]+")
# Files envlint reads by name besides the engine's Dockerfile and requirements patterns.
_ROOT_FILES = (*BLUEPRINT_NAMES, "envspec.yaml", ".python-version", "runtime.txt")


@record
class Suppression:
    path: str
    line: int  # the comment's line
    covers: int  # the line whose findings it suppresses
    codes: list[tuple[str, int]]  # (code, column) as written
    column: int  # of the `#`
    reason: str
    used: set[str] = field(default_factory=set)


@record
class Result:
    findings: list[Finding]  # kept findings, plus EL901/EL902
    suppressed: list[tuple[Finding, str]]  # each suppressed finding with the comment's reason


def apply(findings: list[Finding], sources: Sources, extra_paths: tuple[str, ...] = ()) -> Result:
    paths = {f.location.path for f in findings} | set(extra_paths) | set(_deploy_files(sources))
    by_line: dict[tuple[str, int], list[Suppression]] = {}
    comments = []
    for path in sorted(paths):
        if path.endswith(".json") or "envlint" not in (sources.text(path) or ""):
            continue  # no suppression can be written there: its lines are not split (issue 7)
        for suppression in scan(path, sources.lines(path) or []):
            comments.append(suppression)
            by_line.setdefault((path, suppression.covers), []).append(suppression)
    kept, suppressed = [], []
    for finding in findings:
        hit = next(
            (s for s in by_line.get((finding.location.path, finding.location.line), [])
             if any(code == finding.code for code, _ in s.codes)),
            None,
        )
        if hit is None:
            kept.append(finding)
        else:
            hit.used.add(finding.code)
            suppressed.append((finding, hit.reason))
    kept.extend(_meta_findings(comments))
    return Result(sorted(kept, key=lambda f: f.sort_key), suppressed)


def scan(path: str, lines: list[str]) -> list[Suppression]:
    found = []
    for number, text in enumerate(lines, 1):
        match = _COMMENT.search(text) if "envlint" in text else None  # the substring test is 10x cheaper
        if match is None:
            continue
        own_line = not text[: match.start()].strip()
        codes = []
        if match.group(1) is not None:
            codes = [(m.group(), match.start(1) + m.start() + 1) for m in _CODE.finditer(match.group(1))]
        found.append(Suppression(
            path, number, number + 1 if own_line else number, codes, match.start() + 1, match.group(2).strip()
        ))
    return found


def _meta_findings(comments: list[Suppression]) -> list[Finding]:
    known = {rule.code for rule in ALL_RULES}
    findings = []
    for s in comments:
        if not s.codes:
            findings.append(_finding(EL902, "this suppression names no rule code: write `# envlint: ignore[CODE]`",
                                     Location(s.path, s.line, s.column, s.line, s.column + 1)))
        for code, column in s.codes:
            where = Location(s.path, s.line, column, s.line, column + len(code))
            if code not in known:
                findings.append(_finding(EL902, f"{code} is not an envlint rule code (see envlint rule --all)", where))
            elif code not in s.used:
                target = "this line" if s.covers == s.line else f"line {s.covers}"
                findings.append(_finding(EL901, f"{code} is not reported on {target}; remove it from the suppression",
                                         where))
    return findings


def _finding(rule, message: str, location: Location) -> Finding:
    return Finding(rule.code, rule.name, rule.severity, message, location)


def _deploy_files(sources: Sources):
    """The files envlint reads by name, so their comments are read even when nothing is reported
    in them (an unused suppression there is still found), matched as the engine matches them."""
    for path in sources.repo.walk():
        name = posixpath.basename(path)
        if path in _ROOT_FILES or name in ("pyproject.toml", *BLUEPRINT_NAMES) or matches_any(  # a Blueprint may lie anywhere
            path, DOCKERFILE_PATTERNS + REQUIREMENTS_PATTERNS
        ):
            yield path


def spec_path(sources: Sources, spec_file: Path | None) -> tuple[str, ...]:
    """The --spec file's repository path, when it lies inside the repository."""
    if spec_file is None:
        return ()
    try:
        relpath = spec_file.resolve().relative_to(sources.repo.root).as_posix()
    except ValueError:
        return ()
    return (relpath,)

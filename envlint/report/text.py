"""`path:line:column: CODE message`, one finding a line (ruff's concise form), then a summary.

`--show-source` adds the source line under each finding with carets under the span (secrets
masked); `--statistics` prints one count per rule instead of the findings. Colour only when the
CLI says so (a TTY, NO_COLOR, FORCE_COLOR; see envlint.cli).
"""

from __future__ import annotations

from collections import Counter

from envlint.findings import Finding, Severity
from envlint.report import Context

_BOLD, _RESET = "\x1b[1m", "\x1b[0m"
_COLOURS = {Severity.ERROR: "\x1b[31m", Severity.WARNING: "\x1b[33m", Severity.INFO: "\x1b[36m"}

TYPE_CHECKING = False  # typing costs ~4 ms at start-up; the names are for type checkers only
if TYPE_CHECKING:
    from typing import TextIO


def write(findings: list[Finding], stream: TextIO, context: Context | None = None) -> None:
    context = context or Context()
    paint = _painter(context.color)
    if context.statistics:
        for line in statistics(findings):
            stream.write(line + "\n")
    else:
        for finding in findings:
            colour = _COLOURS[finding.severity]
            code = paint(finding.code, _BOLD + colour)
            stream.write(f"{paint(str(finding.location), _BOLD)}: {code} {finding.message}\n")
            if context.show_source and context.sources is not None:
                lines = snippet(finding, context.sources, colour if context.color else "")
                stream.write("".join(line + "\n" for line in lines) + ("\n" if lines else ""))
    stream.write(paint(summary(findings), _BOLD) + "\n")


def summary(findings: list[Finding]) -> str:
    if not findings:
        return "All checks passed!"
    counts = Counter(f.severity.value for f in findings)
    parts = [
        f"{counts[level]} {word}{'' if counts[level] == 1 else 's'}"
        for level, word in (("error", "error"), ("warning", "warning"), ("info", "note"))
        if counts[level]
    ]
    return f"Found {', '.join(parts)}."


def statistics(findings: list[Finding]) -> list[str]:
    """One line a rule, most frequent first: count, code, name (ruff's `--statistics`)."""
    counts = Counter(f.code for f in findings)
    names = {f.code: f.name for f in findings}
    rows = sorted(counts.items(), key=lambda item: (-item[1], item[0]))
    width = max((len(str(n)) for _, n in rows), default=1)
    return [f"{n:>{width}}  {code}  {names[code]}" for code, n in rows]


def snippet(finding: Finding, sources, colour: str = "") -> list[str]:
    """The finding's first line, numbered, with `^` under its columns; [] when unreadable."""
    from envlint.report.source import masked, secret_span

    loc = finding.location
    lines = sources.lines(loc.path)
    if lines is None or not 0 < loc.line <= len(lines):
        return []
    text = masked(lines, loc.line, secret_span(finding.message, loc.column, loc.end_column))
    if loc.end_line == loc.line and loc.end_column is not None:
        end = max(loc.end_column, loc.column + 1)
    elif loc.end_line is not None and loc.end_line > loc.line:
        end = max(len(text) + 1, loc.column + 1)  # the span goes on below: mark to the end of this line
    else:
        end = loc.column + 1
    # keep tabs in the margin so the carets line up under tab-indented text
    margin = "".join("\t" if c == "\t" else " " for c in text[: loc.column - 1])
    gutter = " " * len(str(loc.line))
    reset = _RESET if colour else ""
    return [
        f"{loc.line} | {text}",
        f"{gutter} | {margin}{colour}{'^' * (end - loc.column)}{reset}",
    ]


def _painter(enabled: bool):
    return (lambda text, style: f"{style}{text}{_RESET}") if enabled else (lambda text, style: text)

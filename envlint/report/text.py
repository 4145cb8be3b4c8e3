"""`path:line:column: CODE message`, one finding a line, then a summary."""

from __future__ import annotations

from collections import Counter
from typing import TextIO

from envlint.findings import Finding


def write(findings: list[Finding], stream: TextIO) -> None:
    for finding in findings:
        stream.write(f"{finding.location}: {finding.code} {finding.message}\n")
    stream.write(summary(findings) + "\n")


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

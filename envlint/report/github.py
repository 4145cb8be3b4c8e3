"""GitHub Actions workflow commands: one `::error`/`::warning`/`::notice` annotation a finding.

Syntax from GitHub's "Workflow commands for GitHub Actions"; the escaping is the runner's
(actions/runner `src/Runner.Common/ActionCommand.cs`, `_escapeDataMappings` and
`_escapePropertyMappings`; actions/toolkit `packages/core/src/command.ts` writes the same):
the message escapes `%`, CR and LF; property values also `:` and `,`. `%` goes first, so an
escape already in the text survives the runner's unescaping. `col`/`endColumn` are sent only
for a single-line span (the toolkit's AnnotationProperties); `endColumn` is one past the last
character, as ruff's github format sends it. The message repeats `path:line:column: CODE`, so
the log line says where even when GitHub drops annotations beyond its per-step limit.
"""

from __future__ import annotations

from envlint.findings import Finding, Severity
from envlint.report import Context

TYPE_CHECKING = False  # typing costs ~4 ms at start-up; the names are for type checkers only
if TYPE_CHECKING:
    from typing import TextIO

COMMANDS = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.INFO: "notice"}


def escape_data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def escape_property(text: str) -> str:
    return escape_data(text).replace(":", "%3A").replace(",", "%2C")


def write(findings: list[Finding], stream: TextIO, context: Context | None = None) -> None:
    from envlint.baseline import repo_path

    context = context or Context()
    for finding in findings:
        loc = finding.location
        path = repo_path(context.prefix, loc.path)
        properties = [("file", path), ("line", str(loc.line))]
        if loc.end_line is None or loc.end_line == loc.line:
            properties += [("endLine", str(loc.line)), ("col", str(loc.column))]
            if loc.end_column is not None:
                properties.append(("endColumn", str(loc.end_column)))
        else:
            properties.append(("endLine", str(loc.end_line)))
        properties.append(("title", f"envlint {finding.code} ({finding.name})"))
        props = ",".join(f"{key}={escape_property(value)}" for key, value in properties)
        message = f"{path}:{loc.line}:{loc.column}: {finding.code} {finding.message}"
        stream.write(f"::{COMMANDS[finding.severity]} {props}::{escape_data(message)}\n")

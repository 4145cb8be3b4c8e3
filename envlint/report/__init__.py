"""Reporters: each writes findings to the stream it is given and decides nothing.

A reporter is imported by name only when it is used, so a pre-commit run pays for the text
reporter alone.
"""

from __future__ import annotations

from envlint.record import record

TYPE_CHECKING = False  # typing costs ~4 ms at start-up; these names are for type checkers only
if TYPE_CHECKING:
    from envlint.findings import Finding
    from envlint.report.source import Sources

FORMATS = ("text", "json", "sarif", "github", "gitlab")
_MODULES = {"text": "text", "json": "json_format", "sarif": "sarif", "github": "github", "gitlab": "gitlab"}


@record(frozen=True)
class Context:
    """What a reporter may need beyond the findings; every field has a plain default."""

    sources: Sources | None = None  # the checked files' lines (source snippets, fingerprints)
    prefix: str = ""  # the checked PATH relative to the repository root ("" when it is the root)
    root_uri: str | None = None  # file URI of the repository root, for SARIF's %SRCROOT%
    suppressed: tuple[tuple[Finding, str], ...] = ()  # findings hidden by comments, with the reason
    show_source: bool = False
    statistics: bool = False
    color: bool = False


def reporter(name: str):
    """The `write(findings, stream, context=None)` function of the format `name`."""
    return __import__(f"envlint.report.{_MODULES[name]}", fromlist=["write"]).write

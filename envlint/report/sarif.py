"""SARIF 2.1.0 for GitHub code scanning and other SARIF viewers.

Follows the OASIS standard (sarif-v2.1.0, errata 01; the schema is ../shared/schemas/) and
GitHub's "SARIF support for code scanning" (integrations.md §2):
- `$schema`, `version`, one run; `tool.driver.rules` holds every rule a result refers to, with
  `shortDescription`, `fullDescription` and `help` from the rule's docstring (GitHub requires
  them non-empty, the descriptions at most 1024 characters); results carry `ruleId` and
  `ruleIndex` into that array (§3.27.5, §3.27.6).
- `level` is error, warning or note (§3.27.10): envlint's `info` is `note`.
- Locations are repository-relative URIs with `uriBaseId: %SRCROOT%`, resolved through
  `originalUriBaseIds` (§3.4.4, §3.14.14), as GitHub recommends; regions are complete, 1-based,
  `endColumn` one past the last character (§3.30.8); columns count code points, said by
  `columnKind: unicodeCodePoints` (§3.14.17; the default is UTF-16 code units).
- `partialFingerprints` holds envlint's line-independent identity (envlint.baseline) under a
  versioned key (§3.27.17). GitHub computes its own `primaryLocationLineHash` on upload.
- Findings suppressed by `# envlint: ignore[...]` are kept as results with an `inSource`
  suppression and its reason (§3.27.23, §3.35), as checkov does, so viewers show them closed.
"""

from __future__ import annotations

import json

from envlint import __version__
from envlint.findings import Finding, Severity
from envlint.report import Context

SCHEMA = "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json"
LEVELS = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.INFO: "note"}
FINGERPRINT_KEY = "envlint/v1"
_DESCRIPTION_LIMIT = 1024  # GitHub rejects longer shortDescription / fullDescription texts

TYPE_CHECKING = False  # typing costs ~4 ms at start-up; the names are for type checkers only
if TYPE_CHECKING:
    from typing import TextIO


def write(findings: list[Finding], stream: TextIO, context: Context | None = None) -> None:
    json.dump(document(findings, context or Context()), stream, indent=2, ensure_ascii=False)
    stream.write("\n")


def document(findings: list[Finding], context: Context) -> dict:
    from envlint.baseline import fingerprints, repo_path
    from envlint.rules import ALL_RULES

    entries = [(finding, None) for finding in findings] + list(context.suppressed)  # (finding, reason)
    every = [finding for finding, _ in entries]
    rules = [r for r in ALL_RULES if r.code in {f.code for f in every}]
    index = {r.code: i for i, r in enumerate(rules)}
    results = []
    for (finding, reason), fingerprint in zip(entries, fingerprints(every, context.sources, context.prefix)):
        result = {
            "ruleId": finding.code,
            "ruleIndex": index[finding.code],
            "level": LEVELS[finding.severity],
            "message": {"text": finding.message},
            "locations": [{"physicalLocation": {
                "artifactLocation": {"uri": repo_path(context.prefix, finding.location.path), "uriBaseId": "%SRCROOT%"},
                "region": _region(finding, context),
            }}],
            "partialFingerprints": {FINGERPRINT_KEY: fingerprint},
        }
        if reason is not None:  # hidden by `# envlint: ignore[...]`
            result["suppressions"] = [{"kind": "inSource", **({"justification": reason} if reason else {})}]
        results.append(result)
    run = {
        "tool": {"driver": {
            "name": "envlint",
            "version": __version__,
            "semanticVersion": __version__,
            "rules": [_rule(r) for r in rules],
        }},
        "automationDetails": {"id": "envlint/"},
        "columnKind": "unicodeCodePoints",
        "invocations": [{"executionSuccessful": True}],
        "results": results,
    }
    if context.root_uri:
        run["originalUriBaseIds"] = {"%SRCROOT%": {"uri": context.root_uri}}
    return {"$schema": SCHEMA, "version": "2.1.0", "runs": [run]}


def _rule(rule) -> dict:
    from envlint.report.ruledoc import markdown, sections

    parts = sections(rule)
    full = " ".join(parts.get("What it does", rule.summary).split())
    return {
        "id": rule.code,
        "name": rule.name,
        "shortDescription": {"text": _limit(rule.summary)},
        "fullDescription": {"text": _limit(full)},
        "help": {"text": rule.doc, "markdown": markdown(rule)},
        "defaultConfiguration": {"level": LEVELS[rule.severity]},
        "properties": {"tags": ["envlint", rule.code[:3] + "xx"]},
    }


def _region(finding: Finding, context: Context) -> dict:
    """A complete region; a finding without an end ends at the end of its line (SARIF's own
    default for a missing endColumn, §3.30.8), or one character on when the line is unknown."""
    loc = finding.location
    end_line, end_column = loc.end_line, loc.end_column
    if end_line is None or end_column is None:
        text = context.sources.line(loc.path, loc.line) if context.sources else None
        end_line = loc.line
        end_column = max(len(text) + 1 if text is not None else 0, loc.column + 1)
    return {"startLine": loc.line, "startColumn": loc.column, "endLine": end_line, "endColumn": end_column}


def _limit(text: str) -> str:
    return text if len(text) <= _DESCRIPTION_LIMIT else text[: _DESCRIPTION_LIMIT - 1] + "…"

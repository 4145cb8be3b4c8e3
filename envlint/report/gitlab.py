"""GitLab Code Quality report: a JSON array of issues for `artifacts:reports:codequality`.

Fields from GitLab's "Code Quality" documentation (doc/ci/testing/code_quality.md), a subset of
the Code Climate issue format: `description`, `check_name`, `fingerprint`, `severity` (info,
minor, major, critical, blocker), `location.path` relative to the project, `location.lines.begin`.
GitLab's parser checks each issue against `app/validators/json_schemas/codeclimate.json`
(description, fingerprint, severity and location required). Issues with one fingerprint show
as one, so each fingerprint is unique in a report and stable across runs (envlint.baseline).
Severities map as ruff's gitlab format does: error → major, warning → minor, info → info.
No byte-order mark (GitLab rejects one): the stream is written as plain UTF-8.
"""

from __future__ import annotations

import json

from envlint.findings import Finding, Severity
from envlint.report import Context

SEVERITIES = {Severity.ERROR: "major", Severity.WARNING: "minor", Severity.INFO: "info"}

TYPE_CHECKING = False  # typing costs ~4 ms at start-up; the names are for type checkers only
if TYPE_CHECKING:
    from typing import TextIO


def write(findings: list[Finding], stream: TextIO, context: Context | None = None) -> None:
    from envlint.baseline import fingerprints, repo_path

    context = context or Context()
    issues = [
        {
            "type": "issue",
            "check_name": finding.code,
            "description": f"{finding.code} {finding.message}",
            "categories": ["Bug Risk"],
            "severity": SEVERITIES[finding.severity],
            "fingerprint": fingerprint,
            "location": {
                "path": repo_path(context.prefix, finding.location.path),
                "lines": {"begin": finding.location.line, "end": finding.location.end_line or finding.location.line},
            },
        }
        for finding, fingerprint in zip(findings, fingerprints(findings, context.sources, context.prefix))
    ]
    json.dump(issues, stream, indent=2, ensure_ascii=False)
    stream.write("\n")

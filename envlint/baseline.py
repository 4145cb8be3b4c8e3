"""A finding's identity, and baselines built from it.

The identity is (rule code, repository-relative path, the offending line's text with whitespace
collapsed, which occurrence of that triple it is), never the line number: it survives edits
elsewhere in the file, as detect-secrets' baseline and semgrep's findings do (integrations.md
§4.4). The same hash is SARIF's `partialFingerprints` and GitLab's `fingerprint`.

`--write-baseline FILE` records today's findings; `--baseline FILE` then reports only findings
whose identity is not in it, so a team can adopt envlint on a repository that already has some.
"""

from __future__ import annotations

import hashlib
import json
import posixpath
from collections import Counter
from pathlib import Path

from envlint.findings import Finding
from envlint.report.source import Sources

FORMAT_KEY = "envlint-baseline"


class BaselineError(Exception):
    """A baseline file envlint cannot use (exit 2)."""


def fingerprints(findings: list[Finding], sources: Sources | None, prefix: str) -> list[str]:
    """One hex digest per finding, in order; `prefix` makes paths repository-relative. Without
    `sources` the line's content is left out (then the identity is code, path, occurrence)."""
    seen: Counter = Counter()
    digests = [""] * len(findings)
    for index in sorted(range(len(findings)), key=lambda i: findings[i].sort_key):
        loc = findings[index].location
        text = sources.line(loc.path, loc.line) if sources is not None else None
        key = (findings[index].code, repo_path(prefix, loc.path), " ".join((text or "").split()))
        digests[index] = _digest(*key, str(seen[key]))
        seen[key] += 1
    return digests


def repo_path(prefix: str, path: str) -> str:
    return posixpath.normpath(posixpath.join(prefix, path)) if prefix else path


def write(file: Path, findings: list[Finding], sources: Sources, prefix: str) -> None:
    entries = [
        {"fingerprint": fp, "code": f.code, "path": repo_path(prefix, f.location.path), "message": f.message}
        for f, fp in zip(findings, fingerprints(findings, sources, prefix))
    ]
    text = json.dumps({FORMAT_KEY: 1, "findings": entries}, indent=2, ensure_ascii=False) + "\n"
    try:
        file.write_text(text, encoding="utf-8")
    except OSError as exc:
        raise BaselineError(f"{file}: cannot write: {exc.strerror or exc}") from None


def load(file: Path) -> set[str]:
    try:
        document = json.loads(file.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise BaselineError(f"{file}: baseline file not found (create it with --write-baseline)") from None
    except OSError as exc:
        raise BaselineError(f"{file}: cannot read: {exc.strerror or exc}") from None
    except UnicodeDecodeError as exc:
        raise BaselineError(f"{file}: not valid UTF-8 ({exc.reason} at byte {exc.start})") from None
    except json.JSONDecodeError as exc:
        raise BaselineError(f"{file}:{exc.lineno}:{exc.colno}: not valid JSON: {exc.msg}") from None
    except RecursionError:  # json recurses per nested array or object
        raise BaselineError(f"{file}: not valid JSON: arrays or objects nested too deep to read") from None
    entries = document.get("findings") if isinstance(document, dict) and document.get(FORMAT_KEY) == 1 else None
    if not isinstance(entries, list) or not all(isinstance(e, dict) and isinstance(e.get("fingerprint"), str)
                                                for e in entries):
        raise BaselineError(f"{file}: not an envlint baseline (write one with --write-baseline)")
    return {e["fingerprint"] for e in entries}


def new_findings(findings: list[Finding], known: set[str], sources: Sources, prefix: str) -> tuple[list[Finding], int]:
    """The findings not in the baseline, and how many baseline entries no longer occur."""
    prints = fingerprints(findings, sources, prefix)
    fresh = [f for f, fp in zip(findings, prints) if fp not in known]
    return fresh, len(known - set(prints))


def _digest(*parts: str) -> str:
    return hashlib.sha256("\0".join(parts).encode("utf-8")).hexdigest()[:32]

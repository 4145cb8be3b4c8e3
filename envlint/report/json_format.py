"""Machine-readable findings: `{"findings": [...], "summary": {...}}` on stdout."""

from __future__ import annotations

import json
from collections import Counter

from envlint import __version__
from envlint.findings import Finding

TYPE_CHECKING = False  # typing costs ~4 ms at start-up; the names are for type checkers only
if TYPE_CHECKING:
    from typing import TextIO


def write(findings: list[Finding], stream: TextIO, context=None) -> None:
    counts = Counter(f.severity.value for f in findings)
    document = {
        "version": __version__,
        "findings": [f.as_dict() for f in findings],
        "summary": {level: counts[level] for level in ("error", "warning", "info")},
    }
    json.dump(document, stream, indent=2, ensure_ascii=False)
    stream.write("\n")

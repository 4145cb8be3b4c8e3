"""Regenerate the README's generated sections: the rule table and the example's output.

    python scripts/update_readme.py          # rewrite README.md
    python scripts/update_readme.py --check  # exit 1 if README.md is stale (tests/test_readme.py)
"""

from __future__ import annotations

import io
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from envlint.engine import check  # noqa: E402
from envlint.report.text import write  # noqa: E402
from envlint.rules import rule_table  # noqa: E402


def example_output() -> str:
    out = io.StringIO()
    write(check(ROOT / "examples" / "supply-scout"), out)
    return "```\n$ envlint check examples/supply-scout\n" + out.getvalue() + "```\n"


def render(readme: str) -> str:
    for marker, body in (("rules", rule_table()), ("example", example_output())):
        readme = re.sub(
            rf"(<!-- {marker}:start -->\n).*?(<!-- {marker}:end -->)",
            lambda m: m.group(1) + body + m.group(2),
            readme,
            flags=re.S,
        )
    return readme


if __name__ == "__main__":
    path = ROOT / "README.md"
    current = path.read_text()
    fresh = render(current)
    if "--check" in sys.argv[1:]:
        sys.exit(0 if fresh == current else 1)
    path.write_text(fresh)

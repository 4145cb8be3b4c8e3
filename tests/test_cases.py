"""Fixture repositories: tests/cases/<rule-or-topic>/<case>/ is a tiny repository with an
`expected.txt` beside its files, one finding a line as `path:line:column CODE` (lines starting
with # are comments). The case passes when envlint reports exactly those findings, after the
inline suppressions (`# envlint: ignore[CODE]`) are applied, as `envlint check` applies them."""

from pathlib import Path

import pytest

from envlint.engine import check
from envlint.repo import Repo
from envlint.report.source import Sources
from envlint.suppress import apply as apply_suppressions

CASES = Path(__file__).parent / "cases"
ALL = sorted(p.parent for p in CASES.glob("*/*/expected.txt"))


def expected_findings(case: Path) -> list[str]:
    lines = (case / "expected.txt").read_text().splitlines()
    return sorted(line.strip() for line in lines if line.strip() and not line.startswith("#"))


@pytest.mark.parametrize("case", ALL, ids=[str(c.relative_to(CASES)) for c in ALL])
def test_case(case: Path):
    spec = case / "envspec.yaml"
    findings = apply_suppressions(check(case, spec if spec.exists() else None), Sources(Repo(case))).findings
    got = sorted(f"{f.location} {f.code}" for f in findings)
    assert got == expected_findings(case), "\n".join(f"{f.location}: {f.code} {f.message}" for f in findings)


def test_cases_exist():
    assert len(ALL) >= 20

"""Every rule has a unique code, documentation in the agreed sections, and a fixture case."""

import re
from pathlib import Path

from envlint.rules import ALL_RULES

CASES = Path(__file__).parent / "cases"


def test_codes_and_names_are_unique_and_well_formed():
    codes = [r.code for r in ALL_RULES]
    names = [r.name for r in ALL_RULES]
    assert len(set(codes)) == len(codes)
    assert len(set(names)) == len(names)
    for rule in ALL_RULES:
        assert re.fullmatch(r"EL\d{3}", rule.code), rule.code
        assert re.fullmatch(r"[a-z]+(-[a-z]+)*", rule.name), rule.name


def test_every_rule_is_documented():
    for rule in ALL_RULES:
        for section in ("What it does:", "Why is this bad?", "Example:", "Use instead:"):
            assert section in rule.doc, f"{rule.code} lacks {section!r}"
        assert rule.summary and not rule.summary.startswith("What it does")


def test_every_rule_has_a_fixture_that_expects_it():
    expected = "\n".join(p.read_text() for p in CASES.glob("*/*/expected.txt"))
    for rule in ALL_RULES:
        assert re.search(rf" {rule.code}$", expected, re.M), f"no fixture case expects {rule.code}"

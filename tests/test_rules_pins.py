"""envlint.rules.pins compares plain release versions (`1.2.0`) without packaging; it must agree
with packaging on every pair of versions, plain or not."""

from __future__ import annotations

import random

from packaging.specifiers import SpecifierSet
from packaging.version import InvalidVersion, Version

from envlint.rules import pins


def _versions() -> list[str]:
    rng = random.Random(440)
    fixed = ["0", "0.0", "1", "1.0", "1.0.0", "01.0", "1.00.0", "v1.0", "V1", "1.0.post0", "1.0.0a1", "1.0.dev0",
             "1.0+local", "0!1.0", "1!1.0", "1.0-1", "2.31.0", "2.32.3", "10.0", "1.10", "1.1", "abc", "1..0", ""]
    pieces = ["0", "1", "2", "10", "01"]
    suffixes = ["", "", "", ".0", "a1", ".post1", "+x", ".dev0", "rc1"]
    made = {".".join(rng.choice(pieces) for _ in range(rng.randint(1, 4))) + rng.choice(suffixes) for _ in range(300)}
    return fixed + sorted(made)


def _parsed(text: str) -> Version | None:
    try:
        return Version(text)
    except InvalidVersion:
        return None


def test_same_version_agrees_with_packaging():
    versions = _versions()
    for a in versions:
        for b in versions:
            va, vb = _parsed(a), _parsed(b)
            expected = (va == vb) if va is not None and vb is not None else a == b
            assert (pins._same_version(a) == pins._same_version(b)) == expected, (a, b)


def test_exact_pin_admits_as_packaging_does():
    versions = [v for v in _versions() if _parsed(v) is not None]
    for pinned in versions:
        for version in versions:
            specifier = str(SpecifierSet(f"=={pinned}"))
            expected = SpecifierSet(specifier).contains(Version(version), prereleases=True)
            assert pins._admits(specifier, version) is expected, (specifier, version)

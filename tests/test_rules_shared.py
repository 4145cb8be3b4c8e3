"""What rules share (envlint.rules.base.shared) is worked out once per facts and spec, and never
handed to a check of other facts; requirement lists keep their first/last-object choice."""

from __future__ import annotations

from envlint.facts import Build, Facts, Installed, Location, Requirement
from envlint.rules import base, pins


def _requirement(name: str, specifier: str, line: int, constraint: bool = False) -> Requirement:
    return Requirement(name, specifier, f"{name}{specifier}", Location("requirements.txt", line), constraint=constraint)


def test_shared_is_worked_out_once_per_facts_and_spec():
    calls = []

    @base.shared
    def derive(facts, spec):
        calls.append(facts)
        return [len(facts.builds)]

    one, two = Facts(builds=[Build("a")]), Facts()
    first = derive(one, None)
    assert derive(one, None) is first and calls == [one]
    assert derive(two, None) == [0]  # other facts: worked out again, not the first result
    assert derive(one, None) == [1] and calls == [one, two, one]


def test_sources_keep_the_first_object_and_installed_the_last_at_each_place():
    # two objects read at one place (a file included from two others is parsed twice)
    plain, constrained = _requirement("flask", "==3.0.3", 1), _requirement("flask", "==3.0.3", 1, constraint=True)
    other = _requirement("requests", "==2.32.3", 2)
    build = Build("api", installs=[Installed(plain, 1), Installed(other, 1), Installed(constrained, 2)])
    facts = Facts(requirements=[plain, other], builds=[build])
    assert [r is plain for r in pins.sources(facts)] == [True, False]
    assert pins.sources(facts, {"requests"}) == [other]
    chosen = pins.installed([build])
    assert chosen[0] is constrained and chosen[1] is other
    assert pins.installed([build], {"flask"}) == [constrained]
    assert pins.installed([build], set()) == []


def test_disputed_packages_are_those_pinned_to_two_versions():
    written = [_requirement("a", "==1.0", 1), _requirement("a", "==1.0.0", 2), _requirement("b", "==1", 3),
               _requirement("b", "==2", 4), _requirement("c", ">=1", 5), _requirement("c", "==1", 6)]
    assert pins._disputed(written) == {"b"}

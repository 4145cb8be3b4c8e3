"""EL1xx: package pins — what each source installs, against the spec and against each other."""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Collection, Iterator
from functools import lru_cache

from envlint.facts import Build, Facts, Installed, Requirement
from envlint.findings import Severity
from envlint.rules.base import Scope, rule, scopes, shared
from envlint.spec import Spec


def sources(facts: Facts, names: Collection[str] | None = None) -> list[Requirement]:
    """Every requirement any source writes: requirements files, Dockerfile RUN installs in any
    stage, render.yaml buildCommands. Each appears once, at its own location (the first object
    written there). With `names`, only those packages: a name is part of what makes two
    requirements one, so choosing by name first leaves the others as they were."""
    return _first_at_each_place(_written(facts), names)


def _written(facts: Facts) -> list[Requirement]:
    """The requirements of every source, with repeats (one object is reached through many builds)."""
    direct = [i.requirement for b in facts.builds for i in b.installs if i.via is None]
    in_dockerfiles = [
        r for d in facts.dockerfiles for s in d.stages for c in s.runs for i in c.installs for r in i.requirements
    ]
    return facts.requirements + direct + in_dockerfiles


def _first_at_each_place(requirements: list[Requirement], names: Collection[str] | None) -> list[Requirement]:
    found: dict[tuple, Requirement] = {}
    for requirement in requirements:
        if names is None or requirement.name in names:
            found.setdefault(_same_place(requirement), requirement)
    return list(found.values())


def _same_place(requirement: Requirement) -> tuple:
    """What makes two requirement objects one: their location and name. The location's fields,
    not the Location: a tuple of strings and ints hashes in C, a record runs Python code to
    hash (twice as slow, and requirements are the repository's most numerous facts)."""
    loc = requirement.location
    return (loc.path, loc.line, loc.column, loc.end_line, loc.end_column, requirement.name)


def installed(builds: list[Build], names: Collection[str] | None = None) -> list[Requirement]:
    """What `builds` install, each (location, name) once: in the place it is first installed,
    as the object last installed there. With `names`, only those packages (see `sources`)."""
    chosen = [i.requirement for b in builds for i in b.installs if names is None or i.requirement.name in names]
    return list({_same_place(r): r for r in chosen}.values())


def scoped(facts: Facts, spec: Spec | None) -> Iterator[tuple[Scope, list[Requirement]]]:
    """Each part of the spec with the requirements it governs: every source for a spec of the
    whole repository, else what its service's build installs."""
    for scope in governing(facts, spec):
        yield scope, governed(facts, scope)


def governing(facts: Facts, spec: Spec | None) -> Iterator[Scope]:
    """The parts of the spec that govern some requirements."""
    for scope in scopes(facts, spec):
        if scope.builds or scope.whole:  # else an entry for a service render.yaml lacks: EL502 says so
            yield scope


def governed(facts: Facts, scope: Scope, names: Collection[str] | None = None) -> list[Requirement]:
    """The requirements one part of the spec governs (see `scoped`); with `names`, only those
    packages: the rules ask about the few the spec lists, not the many a build installs."""
    if names is not None and not names:
        return []
    return sources(facts, names) if scope.whole else installed(scope.builds, names)


@shared
def _listed(facts: Facts, spec: Spec | None) -> list[tuple[Scope, list[Requirement]]]:
    """Each part of the spec with what it governs of the packages it lists: all EL101, EL104
    and EL105 compare, worked out once (a build installs many packages, a spec lists a few)."""
    return [(scope, governed(facts, scope, {r.name for r in scope.spec.requirements()}))
            for scope in governing(facts, spec)]


@lru_cache(maxsize=None)
def _version(text: str):
    """packaging's Version of `text`, None when it is not one. packaging is imported only here
    and in `_admits`, when a pin is more than release numbers (~7 ms of a small check)."""
    from packaging.version import InvalidVersion, Version

    try:
        return Version(text)
    except InvalidVersion:
        return None


@lru_cache(maxsize=None)
def _admits(specifier: str, version: str) -> bool | None:
    """Whether a specifier admits a version; None when either cannot be read."""
    if specifier.startswith("==") and _RELEASE.fullmatch(specifier[2:]) and _RELEASE.fullmatch(version):
        return _same_version(specifier[2:]) == _same_version(version)  # `==1.2` against `1.2.0`
    from packaging.specifiers import InvalidSpecifier, SpecifierSet

    parsed = _version(version)
    try:
        return None if parsed is None else SpecifierSet(specifier).contains(parsed, prereleases=True)
    except InvalidSpecifier:
        return None


_RELEASE = re.compile(r"[0-9]+(?:\.[0-9]+)*")  # a plain release: `1.2.0`


@lru_cache(maxsize=None)
def _same_version(text: str) -> object:
    """What two pins must share to install the same version, as packaging compares versions:
    for a plain release its numbers without trailing zeros (`1.0` is `1.0.0`, `v1.0` too);
    any other version as parsed; text that is no PEP 440 version as itself.
    (tests/test_rules_pins.py compares this with packaging.)"""
    if _RELEASE.fullmatch(text):
        return _release([int(part) for part in text.split(".")])
    parsed = _version(text)
    if parsed is None:
        return ("text", text)
    if parsed.epoch == 0 and parsed.pre is None and parsed.post is None and parsed.dev is None and parsed.local is None:
        return _release(list(parsed.release))
    return parsed


def _release(numbers: list[int]) -> tuple:
    while len(numbers) > 1 and numbers[-1] == 0:
        numbers.pop()
    return ("release", tuple(numbers))


def _differ(a: str, b: str) -> bool:
    return _same_version(a) != _same_version(b)


def overrides(build: Build) -> Iterator[tuple[Installed, Installed, str]]:
    """Later install commands that replace a version an earlier command pinned, as pip does
    across separate commands: no resolution, the last install wins (requirements-grammar.md §5).
    Yields (later, earlier, what the build ends up with)."""
    state: dict[str, Installed] = {}
    for item in build.installs:
        name = item.requirement.name
        prior = state.get(name)
        if prior is None:
            state[name] = item
            continue
        if item.step == prior.step:
            continue  # one command: pip resolves its requirements together
        old = prior.requirement.pinned_version
        new = item.requirement.pinned_version
        if old is None:
            if new is not None:
                state[name] = item
            continue
        if new is not None:
            replaced, result = _differ(new, old), new
        elif _admits(item.requirement.specifier, old) is False:
            replaced, result = True, f"a version matching '{item.requirement.specifier}'"
        else:
            replaced, result = item.upgrade, "the newest release"
        if replaced:
            yield item, prior, result
            state[name] = item


@shared
def _overridden(facts: Facts, spec: Spec | None) -> list[tuple[Build, Installed, Installed, str]]:
    """Every build's `overrides`, with the build: once for EL102 and EL103."""
    return [(build, *override) for build in facts.builds for override in overrides(build)]


def _where(item: Installed) -> str:
    via = f", installed by {item.via.short()}" if item.via else ""
    copied = f", copied into the image by {item.copied.short()}" if item.copied else ""
    return f"{item.requirement.location.short()}{via}{copied}"


@rule("EL101", "pin-rejected-by-spec", Severity.ERROR)
def pin_rejected_by_spec(facts, spec):
    """A pinned version that the spec's requirement for that package rejects.

    What it does: compares every exact pin (`==`, `===`) in requirements files, Dockerfile RUN
    installs and render.yaml buildCommands with the spec's `packages` entry of the same name.

    Why is this bad? The spec says which version the service is known to work with; a source
    that pins another one installs it, and the service runs code nobody tested.

    Example: the spec has `coze-coding-dev-sdk==0.5.5`, the Dockerfile runs
    `pip install coze-coding-dev-sdk==0.5.3`.

    Use instead: pin the spec's version everywhere, or change the spec.
    """
    for scope, requirements in _listed(facts, spec):
        wanted = {r.name: r for r in scope.spec.requirements() if r.specifier}
        for source in requirements:
            target = wanted.get(source.name)
            version = source.pinned_version
            if target is None or version is None or source.marker or source.constraint:
                continue
            if _admits(target.specifier, version) is False:
                yield source.location, (
                    f"{source.name}=={version} is not allowed by the spec's "
                    f"'{target.text}' ({target.location.short()})"
                )


@rule("EL102", "pin-mismatch", Severity.ERROR)
def pin_mismatch(facts, spec):
    """One package pinned to different versions in two places that end up in one environment.

    What it does: finds exact pins of the same package (names compared after PEP 503
    normalisation) that disagree, with or without a spec. Two pins are compared when one build
    installs both, or when either is in a file no build installs (a requirements file someone
    installs by hand, a Dockerfile stage nothing copies from). Pins that only separate builds
    install (two services of a monorepo, two images) are not compared: each image has its own
    packages. Pairs where a later install replaces an earlier one are reported by EL103 instead.

    Why is this bad? In one pip command the two pins make the install fail
    (ResolutionImpossible); in two commands one silently wins, and which one depends on the
    order of the build.

    Example: requirements.txt has `requests==2.31.0`, requirements-prod.txt has
    `requests==2.32.3`.

    Use instead: pin the package in one file and include it (`-r`) from the other.
    """
    written = _written(facts)
    disputed = _disputed(written)
    if not disputed:
        return  # one version of each package everywhere: the common case, and nothing to pair
    replaced = {
        frozenset((later.requirement.location, earlier.requirement.location))
        for _, later, earlier, _ in _overridden(facts, spec)
    }
    builds_of: dict[tuple, set[int]] = defaultdict(set)  # a pin's place (`_same_place`) -> the builds installing it
    for index, build in enumerate(facts.builds):
        for item in build.installs:
            if item.requirement.name in disputed:
                builds_of[_same_place(item.requirement)].add(index)
    groups: dict[tuple, list[Requirement]] = defaultdict(list)
    for source in _first_at_each_place(written, disputed):
        if source.pinned_version is not None:
            groups[(source.name, source.marker)].append(source)
    for pins in groups.values():
        if len({_same_version(p.pinned_version) for p in pins}) < 2:
            continue
        pins.sort(key=_place)
        loose = [p for p in pins if not builds_of[_same_place(p)]]
        by_build: dict[int, list[Requirement]] = defaultdict(list)
        for pin in pins:
            for index in builds_of[_same_place(pin)]:
                by_build[index].append(pin)
        for pin in pins:
            own = builds_of[_same_place(pin)]
            pools = [by_build[i] for i in own] + [loose] if own else [pins]
            version = _same_version(pin.pinned_version)
            found = [
                next((o for o in pool if _same_version(o.pinned_version) != version
                      and frozenset((o.location, pin.location)) not in replaced), None)
                for pool in pools
            ]
            other = min((o for o in found if o is not None), key=_place, default=None)
            if other is not None:
                yield pin.location, (
                    f"{pin.name} is pinned to {pin.pinned_version} here but to "
                    f"{other.pinned_version} at {other.location.short()}"
                )


def _disputed(written: list[Requirement]) -> set[str]:
    """The packages some source pins to two different versions. Counts every pin as written,
    before `sources` keeps one object per place: that can only drop versions, so a package
    this leaves out has no mismatch, and pin_mismatch pairs the pins of the few it keeps.
    A pin's version follows from its specifier alone: each package's few distinct specifiers
    are read, not its thousands of requirements (`pinned_version` is first computed here)."""
    written_with: dict[str, dict[str, Requirement]] = defaultdict(dict)  # name -> specifier -> a requirement
    for requirement in written:
        written_with[requirement.name].setdefault(requirement.specifier, requirement)
    disputed = set()
    for name, by_specifier in written_with.items():
        versions = {r.pinned_version for r in by_specifier.values()} - {None}
        if len({_same_version(v) for v in versions}) > 1:
            disputed.add(name)
    return disputed


def _place(requirement: Requirement) -> tuple:
    return (requirement.location.path, requirement.location.line, requirement.location.column)


@rule("EL103", "pin-overridden", Severity.ERROR)
def pin_overridden(facts, spec):
    """A later install in the same build that replaces a version an earlier install pinned.

    What it does: follows each build's install commands in order (Dockerfile RUN lines of the
    final stage and the stages it is built from, or a render.yaml buildCommand), including the
    requirements files they install with `-r`, and reports an install that changes a version
    pinned before it.

    Why is this bad? pip does not resolve across commands: the last install wins, silently. The
    image runs a version that no requirements file shows.

    Example: `RUN pip install -r requirements.txt` (which pins `coze-coding-dev-sdk==0.5.5`),
    then `RUN pip install coze-coding-dev-sdk==0.5.3`: the image runs 0.5.3.

    Use instead: one pin, in one place; drop the second install or make it the same version.
    """
    for build, later, earlier, result in _overridden(facts, spec):
        old = earlier.requirement.pinned_version
        yield later.requirement.location, (
            f"this install replaces {later.requirement.name}=={old} pinned at {_where(earlier)}: "
            f"{build.name} ends up with {result}"
        )


@rule("EL104", "spec-package-not-installed", Severity.ERROR)
def spec_package_not_installed(facts, spec):
    """A package the spec lists that no source installs.

    What it does: looks for each spec package in requirements files, Dockerfile RUN installs
    and render.yaml buildCommands.

    Why is this bad? The service needs it (that is why it is in the spec), but nothing puts it
    into the image: the app fails at import time.

    Example: the spec lists `coze-coding-dev-sdk==0.5.5`; requirements.txt does not mention it.

    Use instead: add it to the requirements file the build installs.
    """
    for scope, requirements in _listed(facts, spec):
        installed = {s.name for s in requirements if not s.constraint}
        nothing = "no requirements file, Dockerfile RUN or buildCommand"
        if not scope.whole:  # a `services:` entry: only its own build counts
            nothing = f"nothing service '{scope.spec.service}' builds"
        for requirement in scope.spec.requirements():
            if requirement.name not in installed:
                yield requirement.location, f"the spec needs {requirement.text} but {nothing} installs {requirement.name}"


@rule("EL105", "spec-package-unpinned", Severity.WARNING)
def spec_package_unpinned(facts, spec):
    """A source that installs a package the spec pins, without pinning it.

    What it does: reports requirements of a spec-pinned package that allow any version (or a
    range) instead of the spec's exact version.

    Why is this bad? pip takes the newest release that matches; the build changes whenever the
    package publishes, and may drift from the version the spec was written for.

    Example: the spec has `flask==3.0.3`, requirements.txt has `flask>=3`.

    Use instead: `flask==3.0.3`.
    """
    for scope, requirements in _listed(facts, spec):
        pinned = {r.name: r for r in scope.spec.requirements() if r.pinned_version}
        for source in requirements:
            target = pinned.get(source.name)
            if target is None or source.pinned_version or source.constraint or source.url or source.editable:
                continue
            shown = source.specifier or "any version"
            yield source.location, (
                f"{source.name} is installed as {shown}; the spec pins '{target.text}' "
                f"({target.location.short()})"
            )


RULES = (pin_rejected_by_spec, pin_mismatch, pin_overridden, spec_package_not_installed, spec_package_unpinned)

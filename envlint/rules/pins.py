"""EL1xx: package pins — what each source installs, against the spec and against each other."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator

from packaging.specifiers import InvalidSpecifier, SpecifierSet
from packaging.version import InvalidVersion, Version

from envlint.facts import Build, Facts, Installed, Requirement
from envlint.findings import Severity
from envlint.rules.base import Scope, rule, scopes
from envlint.spec import Spec


def sources(facts: Facts) -> list[Requirement]:
    """Every requirement any source writes: requirements files, Dockerfile RUN installs in any
    stage, render.yaml buildCommands. Each appears once, at its own location."""
    found: dict[tuple, Requirement] = {}
    direct = [i.requirement for b in facts.builds for i in b.installs if i.via is None]
    in_dockerfiles = [
        r for d in facts.dockerfiles for s in d.stages for c in s.runs for i in c.installs for r in i.requirements
    ]
    for requirement in facts.requirements + direct + in_dockerfiles:
        found.setdefault((requirement.location, requirement.name), requirement)
    return list(found.values())


def scoped(facts: Facts, spec: Spec | None) -> Iterator[tuple[Scope, list[Requirement]]]:
    """Each part of the spec with the requirements it governs: every source for a spec of the
    whole repository, else what its service's build installs."""
    for scope in scopes(facts, spec):
        if not scope.builds and not scope.whole:
            continue  # an entry for a service render.yaml lacks: EL502 says so
        if scope.whole:
            yield scope, sources(facts)
        else:
            found = {(i.requirement.location, i.requirement.name): i.requirement for b in scope.builds for i in b.installs}
            yield scope, list(found.values())


def _version(text: str) -> Version | None:
    try:
        return Version(text)
    except InvalidVersion:
        return None


def _admits(specifier: str, version: str) -> bool | None:
    """Whether a specifier admits a version; None when either cannot be read."""
    parsed = _version(version)
    try:
        return None if parsed is None else SpecifierSet(specifier).contains(parsed, prereleases=True)
    except InvalidSpecifier:
        return None


def _differ(a: str, b: str) -> bool:
    va, vb = _version(a), _version(b)
    return (va != vb) if va is not None and vb is not None else a != b


def overrides(build: Build) -> Iterator[tuple[Installed, Installed, str]]:
    """Later install commands that replace a version an earlier command pinned, as pip does
    across separate commands: no resolution, the last install wins (requirements-grammar.md §5).
    Yields (later, earlier, what the build ends up with)."""
    state: dict[str, Installed] = {}
    for item in build.installs:
        name = item.requirement.name
        prior = state.get(name)
        if prior is None or item.step == prior.step:
            state.setdefault(name, item)
            continue
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
    for scope, requirements in scoped(facts, spec):
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
    """One package pinned to different versions in two places.

    What it does: finds exact pins of the same package (names compared after PEP 503
    normalisation) that disagree, in any two sources, with or without a spec. Pairs where a later
    install replaces an earlier one are reported by EL103 instead.

    Why is this bad? In one pip command the two pins make the install fail
    (ResolutionImpossible); in two commands one silently wins, and which one depends on the
    order of the build.

    Example: requirements.txt has `requests==2.31.0`, requirements-prod.txt has
    `requests==2.32.3`.

    Use instead: pin the package in one file and include it (`-r`) from the other.
    """
    replaced = {
        frozenset((later.requirement.location, earlier.requirement.location))
        for build in facts.builds
        for later, earlier, _ in overrides(build)
    }
    groups: dict[str, list[Requirement]] = defaultdict(list)
    for source in sources(facts):
        if source.pinned_version is not None:
            groups[source.name].append(source)
    for pins in groups.values():
        pins.sort(key=lambda r: (r.location.path, r.location.line, r.location.column))
        for pin in pins:
            other = next(
                (
                    o for o in pins
                    if o.marker == pin.marker
                    and _differ(o.pinned_version, pin.pinned_version)
                    and frozenset((o.location, pin.location)) not in replaced
                ),
                None,
            )
            if other is not None:
                yield pin.location, (
                    f"{pin.name} is pinned to {pin.pinned_version} here but to "
                    f"{other.pinned_version} at {other.location.short()}"
                )


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
    for build in facts.builds:
        for later, earlier, result in overrides(build):
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
    for scope, requirements in scoped(facts, spec):
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
    for scope, requirements in scoped(facts, spec):
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

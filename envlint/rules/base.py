"""What a rule is: a code, a name, a default severity, a docstring and a pure check."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from functools import wraps

from envlint.facts import Build, Facts, Location
from envlint.findings import Finding, Severity
from envlint.record import record
from envlint.secrets import mask_urls
from envlint.spec import Spec

Check = Callable[[Facts, "Spec | None"], Iterable[tuple[Location, str]]]


@record(frozen=True)
class Rule:
    code: str
    name: str
    severity: Severity
    check: Check

    @property
    def doc(self) -> str:
        """The rule's documentation: the check's docstring (What it does / Why is this bad? / …)."""
        import inspect  # not at import: only `envlint rule` and SARIF read docs (inspect costs ~6 ms)

        return inspect.cleandoc(self.check.__doc__ or "")

    @property
    def summary(self) -> str:
        """The docstring's first paragraph, on one line."""
        return " ".join(self.doc.split("\n\n", 1)[0].split())

    def run(self, facts: Facts, spec: Spec | None) -> list[Finding]:
        return [
            Finding(self.code, self.name, self.severity, mask_urls(message), location)  # no URL credentials
            for location, message in self.check(facts, spec)
        ]


def rule(code: str, name: str, severity: Severity) -> Callable[[Check], Rule]:
    def wrap(check: Check) -> Rule:
        return Rule(code, name, severity, check)

    return wrap


@record(frozen=True)
class Scope:
    """What one part of the spec describes: `spec` (for a `services:` entry, merged over the
    top-level keys) applies to `builds`; `whole` is true when it describes the repository as a
    whole (no `services:` map), so repository-wide sources count too."""

    spec: Spec
    builds: list[Build]
    whole: bool


class _Memo:
    """What `shared` functions worked out for the facts and spec last checked."""

    facts: Facts | None = None
    spec: Spec | None = None
    results: dict = {}


def shared(derive: Callable) -> Callable:
    """Work `derive(facts, spec)` out once for the facts and spec being checked, and give every
    rule that asks the same result (which it must not change).

    Why: several rules need one view of the repository (which builds each part of the spec
    describes, which code each build owns); on a 1,000-service monorepo working it out again in
    each rule was a third of the rules' time (issue 7). Sound because facts and specs are
    finished before any rule runs: engine.load makes them, and nothing changes them after. The
    results of the last pair checked are kept, with the pair (so their ids are not reused)."""

    @wraps(derive)
    def get(facts: Facts, spec: Spec | None):
        if _Memo.facts is not facts or _Memo.spec is not spec:
            _Memo.facts, _Memo.spec, _Memo.results = facts, spec, {}
        if derive not in _Memo.results:
            _Memo.results[derive] = derive(facts, spec)
        return _Memo.results[derive]

    return get


@shared
def scopes(facts: Facts, spec: Spec | None) -> list[Scope]:
    """The builds each part of the spec describes: each `services:` entry its render.yaml
    service; else the spec's `service`, or every build when it names none."""
    if spec is None:
        return []
    if spec.services:
        named = _by_service(facts)
        return [Scope(spec.for_service(name), named.get(name, []), False) for name in spec.services]
    return [Scope(spec, facts.builds if spec.service is None else _by_service(facts).get(spec.service, []), True)]


@shared
def described(facts: Facts, spec: Spec | None) -> dict[int, Spec]:
    """The spec that describes each build, by `id(build)`; builds no spec part names are absent."""
    return {id(build): scope.spec for scope in scopes(facts, spec) for build in scope.builds}


def _by_service(facts: Facts) -> dict[str, list[Build]]:
    """The builds of each render.yaml service, by service name."""
    named: dict[str, list[Build]] = {}
    for build in facts.builds:
        if build.service is not None:
            named.setdefault(build.service.name, []).append(build)
    return named

"""What a rule is: a code, a name, a default severity, a docstring and a pure check."""

from __future__ import annotations

import inspect
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from envlint.facts import Build, Facts, Location
from envlint.findings import Finding, Severity
from envlint.spec import Spec

Check = Callable[[Facts, "Spec | None"], Iterable[tuple[Location, str]]]


@dataclass(frozen=True)
class Rule:
    code: str
    name: str
    severity: Severity
    check: Check

    @property
    def doc(self) -> str:
        """The rule's documentation: the check's docstring (What it does / Why is this bad? / …)."""
        return inspect.cleandoc(self.check.__doc__ or "")

    @property
    def summary(self) -> str:
        """The docstring's first paragraph, on one line."""
        return " ".join(self.doc.split("\n\n", 1)[0].split())

    def run(self, facts: Facts, spec: Spec | None) -> list[Finding]:
        return [
            Finding(self.code, self.name, self.severity, message, location)
            for location, message in self.check(facts, spec)
        ]


def rule(code: str, name: str, severity: Severity) -> Callable[[Check], Rule]:
    def wrap(check: Check) -> Rule:
        return Rule(code, name, severity, check)

    return wrap


def targets(facts: Facts, spec: Spec | None) -> list[Build]:
    """The builds the spec describes: the render.yaml service it names, else every build."""
    if spec is None:
        return []
    if spec.service is None:
        return facts.builds
    return [b for b in facts.builds if b.service is not None and b.service.name == spec.service]

"""EL4xx: the Python version the service runs."""

from __future__ import annotations

from envlint.findings import Severity
from envlint.rules.base import rule, scopes


def agree(declared: str, wanted: str) -> bool:
    """Versions agree when they match on every component both give: "3.12" admits 3.12.4,
    "3.12.4" rejects 3.12.5 (a `python:3.12` tag or a bare `.python-version` 3.12 floats)."""
    a, b = declared.split("."), wanted.split(".")
    return a[: len(b)] == b[: len(a)]


@rule("EL401", "python-version-mismatch", Severity.ERROR)
def python_version_mismatch(facts, spec):
    """A Python version in a deploy source that disagrees with the spec's `python`.

    What it does: reads the version from the final image's `FROM python:X` base, from
    render.yaml's `PYTHON_VERSION` (native Python services) and from `.python-version`, and
    compares each with the spec; "3.12" in the spec admits any 3.12.x.

    Why is this bad? Wheels, syntax and behaviour differ between Python versions. A build that
    works on one can fail to install or crash on another (for example packages with no wheel
    for a newer Python fall back to a source build that fails).

    Example: the spec says "3.12"; the Dockerfile starts `FROM python:3.11-slim`.

    Use instead: `FROM python:3.12-slim`.
    """
    for scope in scopes(facts, spec):
        wanted = scope.spec.python
        if wanted is None:
            continue
        versions = list(facts.versions)
        for build in scope.builds:
            versions += [v for v in build.versions if v not in versions]
        for version in versions:
            if version.text[:1].isdigit() and not agree(version.text, wanted):
                yield version.location, (
                    f"{version.source} says Python {version.text} but the spec says {wanted} "
                    f"({scope.spec.where('python').short()})"
                )


RULES = (python_version_mismatch,)

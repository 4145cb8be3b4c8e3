"""EL4xx: the Python version the service runs."""

from __future__ import annotations

import re

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


_FULL_VERSION = re.compile(r"\d+\.\d+\.\d+")


def _native(facts):
    return [b for b in facts.builds if b.service is not None and b.service.runtime == "python"]


@rule("EL402", "python-version-not-full", Severity.ERROR)
def python_version_not_full(facts, spec):
    """A `PYTHON_VERSION` on a native Python service that is not a full `X.Y.Z` version.

    What it does: checks the value render.yaml gives `PYTHON_VERSION` (in the service's envVars
    or an env group it links).

    Why is this bad? Render reads `PYTHON_VERSION` only as a fully qualified version
    (render.com/docs/python-version): `3.11` is rejected, and the build fails or falls back to
    the default Python of the service's creation date.

    Example: `- key: PYTHON_VERSION` / `value: 3.11`.

    Use instead: `value: 3.11.9`, or a `.python-version` file at the repository root, where
    `3.11` (the latest patch) is allowed.
    """
    for build in _native(facts):
        for version in build.versions:
            if version.source == "PYTHON_VERSION" and not _FULL_VERSION.fullmatch(version.text):
                yield version.location, (
                    f"PYTHON_VERSION must be a full version like 3.12.4 for Render, not {version.text!r}"
                )


@rule("EL403", "python-version-unpinned", Severity.WARNING)
def python_version_unpinned(facts, spec):
    """A native Python service that pins no Python version.

    What it does: looks for `PYTHON_VERSION` in the service's render.yaml env and for a
    `.python-version` file at the repository root, the two places Render reads. A `runtime.txt`
    does not count: it is Heroku's, and Render ignores it.

    Why is this bad? Render then picks the default of the day the service was created
    (3.13.4 from 2025-06-12, 3.14.3 from 2026-02-11, …): the same repository gets another Python
    on a new service, and packages without wheels for it fail to build.

    Example: a `runtime: python` service with no `PYTHON_VERSION` and a `runtime.txt` saying
    `python-3.11.9`.

    Use instead: a `.python-version` file with `3.11`, or `PYTHON_VERSION: 3.11.9`.
    """
    if any(v.source == ".python-version" for v in facts.versions):
        return
    heroku = facts.runtime_txt
    for build in _native(facts):
        if not any(v.source == "PYTHON_VERSION" for v in build.versions):
            note = (f"; {heroku.location.short()} says {heroku.text} but Render ignores runtime.txt"
                    if heroku is not None else "")
            yield build.service.location, (
                f"service '{build.service.name}' pins no Python version (no PYTHON_VERSION, no "
                f".python-version), so Render uses the default of the day the service was created{note}"
            )


@rule("EL404", "python-version-ignored", Severity.WARNING)
def python_version_ignored(facts, spec):
    """`PYTHON_VERSION` set on a Docker service, where it changes nothing.

    What it does: reports `PYTHON_VERSION` in the render.yaml env of a `runtime: docker`
    service.

    Why is this bad? Only native builds read it (render-blueprint.md §7.2); in a Docker service
    the Dockerfile's `FROM` decides the Python version, so the variable tells readers a version
    the service may not run.

    Example: `runtime: docker` with `PYTHON_VERSION: 3.12.4` and `FROM python:3.11-slim`.

    Use instead: remove it, and set the version in `FROM python:3.12-slim`.
    """
    for build in facts.builds:
        if build.service is None or build.service.runtime != "docker":
            continue
        for variable in build.runtime_env:
            if variable.key == "PYTHON_VERSION" and variable.kind == "value":
                base = build.versions[0] if build.versions else None
                decides = f"; the image's {base.source} ({base.location.short()}) says {base.text}" if base else ""
                yield variable.location, (
                    f"PYTHON_VERSION does nothing on Docker service '{build.service.name}': FROM decides{decides}"
                )


RULES = (python_version_mismatch, python_version_not_full, python_version_unpinned, python_version_ignored)

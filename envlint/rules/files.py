"""EL5xx: files and services that deploy files name but that do not exist."""

from __future__ import annotations

from envlint.findings import Severity
from envlint.rules.base import rule


@rule("EL501", "missing-file", Severity.ERROR)
def missing_file(facts, spec):
    """A file a deploy step names that is not there.

    What it does: checks that render.yaml's dockerfilePath, every `-r`/`-c` requirements file
    (in requirements files, Dockerfile RUN lines — through the COPY that brings it into the
    image — and buildCommands), the script a start command runs (`python app.py`) and the module
    given to gunicorn/uvicorn (`app:app`) exist.

    Why is this bad? The build stops with "No such file or directory", or the service starts and
    exits with "ModuleNotFoundError" — after the deploy has already begun.

    Example: `pip install -r requirements.txt` in a Dockerfile whose COPY lines never bring
    requirements.txt into the image.

    Use instead: fix the path, or COPY the file before the RUN that uses it.
    """
    for problem in facts.problems:
        if problem.kind == "missing-file":
            yield problem.location, problem.message


@rule("EL502", "unknown-service", Severity.ERROR)
def unknown_service(facts, spec):
    """The spec's `service` (or a `services:` entry) names no service in render.yaml.

    What it does: looks for the spec's `service` and each `services:` key among render.yaml's services (a typo, or a
    renamed service).

    Why is this bad? The spec then describes nothing: its env, port and bind checks are skipped
    for the real service.

    Example: `service: api` while render.yaml names the service `api-server`.

    Use instead: the service's exact `name` from render.yaml.
    """
    if spec is None:
        return
    names = [s.name for s in facts.blueprint.services] if facts.blueprint else []
    known = f"render.yaml has {', '.join(repr(n) for n in names)}" if names else "there is no render.yaml service"
    wanted = [(spec.service, ("service",))] if spec.service is not None else []
    wanted += [(name, ("services", name)) for name in spec.services]
    present = set(names)
    for name, path in wanted:
        if name not in present:
            yield spec.where(*path), f"the spec describes service {name!r} but {known}"


RULES = (missing_file, unknown_service)

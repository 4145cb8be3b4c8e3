"""EL31x: what the code reads against what the spec declares and the deploy provides.

The reads come from envlint.extract.codescan (syntax trees only). Code belongs to the builds
whose code directory (Docker context, native rootDir) holds it, the deepest such directory
winning, so in a monorepo `services/api/` is the api service's code and not the worker's.
"""

from __future__ import annotations

import re

from envlint.facts import Build, EnvRead, Facts
from envlint.findings import Severity
from envlint.rules.base import Scope, described, rule, scopes, shared
from envlint.rules.env import RENDER_INJECTED
from envlint.secrets import looks_secret

# Read by the platform, the build tools or the server rather than by the app's code: a spec
# that declares one has a reason to that the code scan cannot see.
_TOOL_NAMES = {"PORT", "PYTHON_VERSION", "WEB_CONCURRENCY", "TZ", "LANG", "HOME", "PATH", "VIRTUAL_ENV"}
_TOOL_PREFIXES = ("PYTHON", "PIP_", "UV_", "POETRY_", "GUNICORN_", "UVICORN_", "HYPERCORN_", "FLASK_",
                  "GRADIO_", "STREAMLIT_", "LC_", "RENDER")
_REFERENCE = re.compile(r"\$\{?([A-Za-z_][A-Za-z0-9_]*)")
# Set in every container and on every Render machine: Docker sets PATH, HOSTNAME and HOME; the
# python images LANG and PYTHON_VERSION (which Render's native runtime also has).
_ALWAYS_SET = {"PATH", "HOME", "HOSTNAME", "PWD", "LANG", "PYTHON_VERSION"}


def owned_reads(facts: Facts) -> dict[int, list[EnvRead]]:
    """The reads in each build's code, by `id(build)`; a read under several builds' code
    directories belongs to those with the deepest one."""
    roots = [(b, b.code_root) for b in facts.builds if b.code_root is not None]
    owned: dict[int, list[EnvRead]] = {id(b): [] for b, _ in roots}
    everywhere = [(b, root) for b, root in roots if root in ("", ".")]
    by_directory: dict[str, list] = {}  # builds by their code directory
    for build, root in roots:
        if root not in ("", ".") and root.rstrip("/"):
            by_directory.setdefault(root.rstrip("/"), []).append((build, root))
    owners: dict[str, list[Build]] = {}  # by file: a file's many reads have the same owners
    for read in facts.env_reads:
        path = read.location.path
        if path not in owners:
            owners[path] = _owners(path, everywhere, by_directory)
        for build in owners[path]:
            owned[id(build)].append(read)
    return owned


def _owners(path: str, everywhere: list, by_directory: dict[str, list]) -> list[Build]:
    """The builds whose code directory is the deepest holding `path`."""
    # look up the file's few parent directories rather than test every build's root
    inside, parent = list(everywhere), path
    while "/" in parent:
        parent = parent.rsplit("/", 1)[0]
        inside += by_directory.get(parent, [])
    deepest = max((_depth(root) for _, root in inside), default=0)
    return [build for build, root in inside if _depth(root) == deepest]


@shared
def _owned(facts: Facts, spec) -> dict[int, list[EnvRead]]:
    """`owned_reads`, once for the rules that need it."""
    return owned_reads(facts)


def _depth(root: str) -> int:
    return 0 if root in ("", ".") else root.count("/") + 1


def _scope_reads(facts: Facts, builds: list[Build], whole: bool, owned) -> list[EnvRead]:
    if not builds:
        return list(facts.env_reads) if whole else []
    return list(dict.fromkeys(r for b in builds for r in owned.get(id(b), [])))


@shared
def _read_in_scopes(facts: Facts, spec) -> list[tuple[Scope, list[EnvRead]]]:
    """Each part of the spec with the reads in the code of the builds it describes: once for
    EL310 and EL312."""
    owned = _owned(facts, spec)
    return [(scope, _scope_reads(facts, scope.builds, scope.whole, owned)) for scope in scopes(facts, spec)]


def _provided_by_platform(name: str) -> bool:
    return name in RENDER_INJECTED or name in _ALWAYS_SET or name == "PORT"


def _dotenv_note(facts: Facts, name: str) -> str:
    listed = next((d for d in facts.declared if d.key == name), None)
    return f"; {listed.source} lists it, so it is expected at run time" if listed else ""


@rule("EL310", "code-env-undeclared", Severity.WARNING)
def code_env_undeclared(facts, spec):
    """A variable the code reads without a default that the spec does not declare, or does not
    declare required.

    What it does: with a spec, finds every `os.environ["X"]`, `os.environ.pop("X")`, required
    pydantic-settings field and wrapper call (`env("X")` where `env` reads `os.environ[key]`) in
    the code of the builds the spec describes (tests excluded) and reports the names the spec's
    `env` does not list, or lists without `required: true`. PORT and Render's RENDER_* variables
    are provided by Render, PATH, HOME and HOSTNAME by every container. A name `.env.example`
    also lists is said so: the author meant it to be set.

    Why is this bad? The spec is the list the deploy is checked against (EL301). A variable it
    misses is never checked, and the app dies with a KeyError at boot when it is not set.

    Example: `api_key = os.environ["OPENAI_API_KEY"]` in app.py; the spec lists only
    `COZE_WORKSPACE_PATH`.

    Use instead: declare it: `OPENAI_API_KEY: {required: true, secret: true}` under `env:`.
    """
    for scope, reads in _read_in_scopes(facts, spec):
        whom = "the spec" if scope.whole else f"the spec for service '{scope.spec.service}'"
        for read in reads:
            if not read.required or _provided_by_platform(read.name):
                continue
            declared = scope.spec.env.get(read.name)
            if declared is None:
                secret = ", secret: true" if read.secret or looks_secret(read.name) else ""
                yield read.location, (
                    f"{read.name} is read without a default ({read.how}) but {whom} does not declare it"
                    f"{_dotenv_note(facts, read.name)}; add it under env: with required: true{secret}"
                )
            elif not declared.required:
                yield read.location, (
                    f"{read.name} is read without a default ({read.how}) but {whom} does not require it "
                    f"({scope.spec.where('env', read.name).short()}), so nothing checks that the deploy sets it; "
                    f"add required: true"
                )


@rule("EL311", "spec-env-unused", Severity.INFO)
def spec_env_unused(facts, spec):
    """A spec variable that nothing in the repository reads.

    What it does: reports spec `env` entries that no scanned Python file reads (in any form, with
    or without a default), that no package reads (`read_by:`), that no command names (`$X` in a
    start, build or Dockerfile command) and that no docker-compose `environment` or `env_file` lists. Names
    the platform and tools read (PORT, PYTHON_VERSION, PIP_*, GUNICORN_*, …) are never reported,
    nor is anything when the scanned code reads no variable at all in a form envlint knows (its
    configuration then comes some way envlint does not see).

    Why is this bad? A stale entry makes EL301 demand a variable nobody needs, and hides the
    ones that are needed among the ones that are not.

    Example: the spec lists `REDIS_URL` but the code that used it was removed.

    Use instead: remove the entry, or name the package that reads it:
    `COZE_API_KEY: {required: true, read_by: [coze-coding-dev-sdk]}`.
    """
    if spec is None or not facts.env_reads:
        return
    consumed = {read.name for read in facts.env_reads} | _commands_use(facts)
    consumed |= {v.key for c in facts.compose for s in c.services for v in s.environment}
    parts = [spec] + [spec.for_service(name) for name in spec.services]
    seen = set()
    for part in parts:
        for name, var in part.env.items():
            if name in consumed or var.read_by or name in _TOOL_NAMES or name.startswith(_TOOL_PREFIXES):
                continue
            where = part.where("env", name)
            if where in seen:
                continue
            seen.add(where)
            yield where, f"{name} is declared but no code, package or command here reads it"


def _commands_use(facts: Facts) -> set[str]:
    """Variables the deploy's commands refer to (`$X`, `${X:-…}`) or read a port from."""
    commands = [c for b in facts.builds for c in b.start]
    for build in facts.builds:
        if build.service is not None:
            commands += [c for c in (build.service.build_command, build.service.start_command) if c]
    commands += [c for d in facts.dockerfiles for s in d.stages for c in [*s.runs, s.cmd, s.entrypoint] if c]
    commands += [s.command for c in facts.compose for s in c.services if s.command is not None]
    if facts.procfile is not None:
        commands.append(facts.procfile)
    used = {listen.port_env for c in commands for listen in c.listens if listen.port_env}
    used |= {name for c in commands for word in c.words if "$" in word.text for name in _REFERENCE.findall(word.text)}
    used |= {v.key for d in facts.dockerfiles for s in d.stages for v in s.env if v.kind == "ARG"}
    return used


@rule("EL312", "code-default-differs", Severity.WARNING)
def code_default_differs(facts, spec):
    """A default in the code that differs from the spec's `default` for the same variable.

    What it does: compares the literal fallback of each read (`os.getenv("X", "d")`,
    `os.environ.get("X") or "d"`, a settings field's default) with the spec's `default` for X.

    Why is this bad? The spec documents what happens when X is unset; when the code falls back
    to something else, whoever trusts the spec (and `envlint env`) is told the wrong value.

    Example: spec `LOG_LEVEL: {default: info}`; code `os.getenv("LOG_LEVEL", "debug")`.

    Use instead: make them agree: change the code's fallback or the spec's default.
    """
    for scope, reads in _read_in_scopes(facts, spec):
        for read in reads:
            var = scope.spec.env.get(read.name)
            if var is None or var.default is None or read.default is None or _same(read.default, var.default):
                continue
            yield read.location, (
                f"{read.name} falls back to {read.default!r} here but the spec's default is {var.default!r}"
            )


def _same(code: str, spec: str) -> bool:
    """`5000` and "5000", `True` and "true" are the same default."""
    return code == spec or code.lower() == spec.lower() in ("true", "false")


@rule("EL313", "code-env-not-provided", Severity.WARNING)
def code_env_not_provided(facts, spec):
    """Without a spec, a variable the code reads without a default that its render.yaml service
    does not provide.

    What it does: for each render.yaml service no spec part describes and that keeps an
    `envVars` list (or links env groups), finds the variables its code requires (see EL310)
    and reports those neither envVars, its env groups, the Dockerfile's ENV nor Render (PORT,
    RENDER_*) provide. Services with no envVars at all are skipped: their variables are set in
    the Dashboard, which envlint cannot see; so are services linking a group not defined in
    render.yaml. With a spec, EL310 and EL301 do this job.

    Why is this bad? The app raises KeyError at boot: the deploy fails, or loops until timeout.

    Example: app.py reads `os.environ["DATABASE_URL"]`; render.yaml lists only `PYTHON_VERSION`.

    Use instead: `- key: DATABASE_URL` with `fromDatabase`, `sync: false` or a value.
    """
    owned = _owned(facts, spec)
    covered = described(facts, spec)
    groups = facts.blueprint.env_groups if facts.blueprint is not None else {}
    for build in facts.builds:
        service = build.service
        if service is None or id(build) in covered or not (service.env_vars or service.from_groups):
            continue
        if any(name not in groups for name, _ in service.from_groups):
            continue
        provided = {v.key for v in build.runtime_env} | RENDER_INJECTED | _ALWAYS_SET
        if build.is_web:
            provided.add("PORT")
        for read in owned.get(id(build), []):
            if read.required and read.name not in provided:
                yield read.location, (
                    f"{read.name} is read without a default ({read.how}) but {build.name} does not provide it"
                    f"{_dotenv_note(facts, read.name)}; add `- key: {read.name}` to its envVars"
                )


RULES = (code_env_undeclared, spec_env_unused, code_default_differs, code_env_not_provided)

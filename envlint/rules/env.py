"""EL3xx: environment variables — required ones provided, secrets never written in files."""

from __future__ import annotations

from collections.abc import Callable

from envlint.facts import EnvVar, Facts, normalize_name
from envlint.findings import Severity
from envlint.rules.base import rule, scopes
from envlint.extract.render import NUMBER_HIDDEN
from envlint.secrets import is_placeholder, looks_secret, mask

# Render injects these into every service (render-blueprint.md §7.1); PORT only into web services.
RENDER_INJECTED = {
    "RENDER", "RENDER_SERVICE_TYPE", "RENDER_SERVICE_ID", "RENDER_SERVICE_NAME", "RENDER_INSTANCE_ID",
    "RENDER_EXTERNAL_URL", "RENDER_EXTERNAL_HOSTNAME", "RENDER_DISCOVERY_SERVICE", "RENDER_GIT_COMMIT",
    "RENDER_GIT_BRANCH", "IS_PULL_REQUEST", "RENDER_CPU_COUNT", "RENDER_WEB_CONCURRENCY",
}


def _literals(facts: Facts, named: Callable[[str], bool]) -> list[EnvVar]:
    """Every variable given a literal value in a deploy file, of the names `named` accepts:
    render.yaml `value:` (services and env groups) and Dockerfile ENV / ARG defaults in any
    stage. (Names first, each name once: a rule wants a few of the many variables, and both
    judging a name and telling a placeholder cost a regular expression.)"""
    found: list[EnvVar] = []
    if facts.blueprint is not None:
        found += [v for s in facts.blueprint.services for v in s.env_vars]
        found += [v for group in facts.blueprint.env_groups.values() for v in group]
    found += [v for d in facts.dockerfiles for s in d.stages for v in s.env]
    found = [v for v in found if v.kind in ("value", "ENV", "ARG") and v.value]
    chosen = {key for key in {v.key for v in found} if named(key)}
    return [v for v in found if v.key in chosen and not is_placeholder(v.value)]


def _where(variable: EnvVar) -> str:
    if variable.kind == "value":
        return "render.yaml"
    return f"the Dockerfile's {variable.kind}"


@rule("EL301", "required-env-missing", Severity.ERROR)
def required_env_missing(facts, spec):
    """A required variable that no deploy source provides.

    What it does: for each spec variable with `required: true`, looks for it in the render.yaml
    service's envVars (any form: value, `sync: false`, generateValue, fromDatabase, fromService),
    in the env groups it links with `fromGroup`, and in the Dockerfile's ENV; PORT and RENDER_*
    count as provided by Render. The spec's `default` does not count: it is what the code falls
    back to. A variable with `read_by: [package]` is required only by builds that install one
    of those packages (when envlint sees what a build installs).

    Why is this bad? A variable set only on a laptop is missing in production. The app crashes
    at boot or, worse, runs and answers with empty responses because an SDK has no API key.

    Example: the spec requires `COZE_WORKLOAD_IDENTITY_API_KEY`; render.yaml's service lists
    only `PYTHON_VERSION`.

    Use instead: `- key: COZE_WORKLOAD_IDENTITY_API_KEY` with `sync: false` (a secret, entered
    in the Dashboard) or a `value:` (not a secret).
    """
    for scope in scopes(facts, spec):
        yield from _missing(facts, scope.spec, scope.builds)


def _missing(facts, spec, builds):
    required = [name for name, var in spec.env.items() if var.required]
    if not facts.builds:
        for name in required:
            yield spec.where("env", name), (
                f"{name} is required but there is no render.yaml service or Dockerfile to provide it"
            )
    for build in builds:
        provided = {v.key for v in build.runtime_env if v.kind != "unset"} | RENDER_INJECTED
        if build.is_web:
            provided.add("PORT")
        unknown_groups = [
            name for name, _ in (build.service.from_groups if build.service else [])
            if name not in facts.blueprint.env_groups
        ]
        if unknown_groups:
            continue  # a Dashboard-made group may set anything; don't guess
        installed = None  # the names of what the build installs, when a variable's read_by asks
        for name in required:
            readers = {normalize_name(p) for p in spec.env[name].read_by}
            if readers:
                if installed is None:
                    installed = {i.requirement.name for i in build.installs}
                if installed and not readers & installed:
                    continue  # only a package this build does not install reads it
            if name not in provided:
                how = "sync: false" if spec.env[name].secret else "a value"
                if readers:
                    readers &= installed
                by = f" (read by {', '.join(sorted(readers))}, which it installs)" if readers else ""
                yield spec.where("env", name), (
                    f"{name} is required{by} but {build.name} does not provide it (envVars, env groups "
                    f"and Dockerfile ENV checked); add `- key: {name}` with {how}"
                )


@rule("EL302", "secret-in-file", Severity.ERROR)
def secret_in_file(facts, spec):
    """A variable the spec marks `secret: true` given a literal value in a deploy file.

    What it does: reports render.yaml `value:` entries and Dockerfile ENV/ARG defaults that
    write a spec secret's value into the repository. The value is never printed, only a
    masked prefix.

    Why is this bad? Anyone who can read the repository has the credential; Dockerfile ENV and
    ARG values also stay in the image's history. Leaked keys get revoked, which then breaks the
    service.

    Example: `- key: ARK_API_KEY` / `value: sk-...` in render.yaml.

    Use instead: `sync: false` (entered in Render's Dashboard) or `generateValue: true`.
    """
    secrets = {name for scope in scopes(facts, spec) for name, var in scope.spec.env.items() if var.secret}
    for variable in _literals(facts, secrets.__contains__):
        yield variable.value_location or variable.location, (
            f"{variable.key} is a secret in the spec but {_where(variable)} sets it to a literal "
            f"{mask(variable.value)}; use sync: false or generateValue"
        )


@rule("EL303", "secret-like-literal", Severity.WARNING)
def secret_like_literal(facts, spec):
    """A literal value under a name that looks like a credential.

    What it does: without needing a spec, reports literal values in render.yaml and Dockerfile
    ENV/ARG whose names look secret (`*_SECRET`, `*PASSWORD`, `*_API_KEY`, `*_TOKEN`, …, but not
    `MAX_TOKENS`); empty values, placeholders and `$VAR` references are ignored. Variables the
    spec declares are left to EL302.

    Why is this bad? See EL302: a credential in the repository is a leaked credential.

    Example: `ENV OPENAI_API_KEY=sk-...` in a Dockerfile.

    Use instead: set it in Render's Dashboard (`sync: false`) and declare it in the spec.
    """
    declared = {name for scope in scopes(facts, spec) for name in scope.spec.env}
    for variable in _literals(facts, lambda key: key not in declared and looks_secret(key)):
        yield variable.value_location or variable.location, (
            f"{variable.key} looks like a secret but {_where(variable)} sets it to a literal "
            f"{mask(variable.value)}; keep credentials out of the repository"
        )


@rule("EL304", "duplicate-env-var", Severity.ERROR)
def duplicate_env_var(facts, spec):
    """The same key twice in one service's `envVars`, or in one env group.

    What it does: reports each repeated `key:` in a render.yaml service's or env group's
    `envVars` list, at the repeat.

    Why is this bad? Only one value can reach the service; which one is not something the file
    shows, and the other is dead text someone will edit in vain.

    Example: `- key: MEMCACHED_HOST` twice in one service's envVars.

    Use instead: one entry per key.
    """
    if facts.blueprint is None:
        return
    lists = [(f"service '{s.name}'", s.env_vars) for s in facts.blueprint.services]
    lists += [(f"env group '{name}'", group) for name, group in facts.blueprint.env_groups.items()]
    for owner, variables in lists:
        first: dict[str, EnvVar] = {}
        for variable in variables:
            if variable.key in first:
                yield variable.location, (
                    f"{variable.key} is set twice in {owner}: here and at "
                    f"{first[variable.key].location.short()}; keep one"
                )
            else:
                first[variable.key] = variable


@rule("EL305", "env-group-conflict", Severity.WARNING)
def env_group_conflict(facts, spec):
    """Two env groups linked to one service that set the same key, which the service does not
    set itself.

    What it does: for each service, compares the keys of the groups it links with `fromGroup`.

    Why is this bad? Render does not document which group wins ("the group that was most
    recently created wins… not documented as stable", render-blueprint.md §7.7): the value can
    change when a group is recreated.

    Example: groups `shared` and `payments` both set `LOG_LEVEL`, and service `api` links both.

    Use instead: set the key in one group only, or in the service's own envVars (which beat
    every group).
    """
    if facts.blueprint is None:
        return
    for service in facts.blueprint.services:
        settled = {v.key for v in service.env_vars}  # the service decides these; or already reported
        seen: dict[str, str] = {}
        for name, _ in service.from_groups:
            for variable in facts.blueprint.env_groups.get(name, []):
                other = seen.setdefault(variable.key, name)
                if other != name and variable.key not in settled:
                    settled.add(variable.key)
                    yield variable.location, (
                        f"{variable.key} is set by env groups '{other}' and '{name}', both linked to service "
                        f"'{service.name}'; Render does not document which wins"
                    )


@rule("EL306", "unresolved-reference", Severity.WARNING)
def unresolved_reference(facts, spec):
    """A `fromDatabase` or `fromService` naming nothing the Blueprint defines in its environment.

    What it does: looks up each reference's `name` among the databases (and read replicas) or
    services of the same environment (the root and `ungrouped` count as one), and checks that a
    found service has the `type` the reference states.

    Why is this bad? Render resolves the reference when it syncs the Blueprint: if no resource
    by that name and type exists, the sync fails and the variable is never set. References do
    not cross project environments (render-blueprint.md §2). A warning, not an error: Render
    also accepts a resource that already exists in the workspace outside this file
    (https://render.com/docs/blueprint-spec, `fromService`).

    Example: `fromDatabase: {name: app-db, property: connectionString}` with the database named
    `appdb` under `databases:`; or `fromService: {type: pserv, name: api, …}` where `api` is a
    web service.

    Use instead: the exact name (and type) of a resource in the same environment.
    """
    blueprint = facts.blueprint
    if blueprint is None:
        return
    for ref in blueprint.references:
        if ref.kind == "database":
            found = [d for d in blueprint.databases if d.name == ref.name]
            what = "database"
        else:
            found = [s for s in blueprint.services if s.name == ref.name]
            what = "service"
        here = [r for r in found if r.scope == ref.scope]
        if not found:
            names = [d.name for d in blueprint.databases] if ref.kind == "database" else [
                s.name for s in blueprint.services]
            import difflib  # only for this message: not on every start-up

            close = difflib.get_close_matches(ref.name, names, n=1)
            guess = f" (did you mean '{close[0]}'?)" if close else ""
            yield ref.location, (
                f"no {what} named '{ref.name}' in {blueprint.path}{guess}; unless it already exists in your "
                f"Render workspace, the Blueprint sync fails"
            )
        elif not here:
            yield ref.location, f"{what} '{ref.name}' is in another environment; references resolve within one"
        elif ref.kind == "service" and ref.type and not any(_is_type(s, ref.type) for s in here):
            actual = here[0].type if here[0].runtime != "static" else "static"
            yield ref.location, f"service '{ref.name}' is of type `{actual}`, not `{ref.type}`"


def _is_type(service, wanted: str) -> bool:
    """Whether a service is what a `fromService.type` names: `static` is a web service with the
    static runtime; `redis` and `keyvalue` are one thing (render-blueprint.md §3)."""
    if wanted == "static":
        return service.type == "web" and service.runtime == "static"
    if wanted in ("redis", "keyvalue"):
        return service.type in ("redis", "keyvalue")
    if wanted in ("web", "pserv", "worker", "cron", "workflow"):
        return service.type == wanted and not (wanted == "web" and service.runtime == "static")
    return True  # dpg, job: not services of the Blueprint; nothing to compare


@rule("EL307", "yaml-number-value", Severity.WARNING)
def yaml_number_value(facts, spec):
    """An unquoted render.yaml env value that YAML reads as a number written differently.

    What it does: reports `value:` (and `previewValue:`) entries in services and env groups that
    are plain YAML numbers whose text is not the number's own form: `3.10` (3.1), `010` (10;
    YAML 1.1 tools read the octal 8), `0x1F` (31), `1e3` (1000), `.5` (0.5). `5000` and `0.5`
    are left alone. A value the spec marks `secret` is never quoted in the message.

    Why is this bad? Render's schema takes a number for `value` and its variables are strings,
    made from the number, not from the text (an inference from render.com/docs/blueprint-spec;
    every YAML reader gets 3.1 from `3.10`). `PYTHON_VERSION: 3.10` asks for Python 3.1.

    Example: `- key: PYTHON_VERSION` / `value: 3.10`.

    Use instead: `value: "3.10"`.
    """
    secrets = {name for scope in scopes(facts, spec) for name, var in scope.spec.env.items() if var.secret}
    for problem in facts.problems:
        if problem.kind == "yaml-number":
            key = problem.message.split(": ", 1)[0]  # the extractor starts each message with the key
            yield problem.location, NUMBER_HIDDEN.format(key=key) if key in secrets else problem.message


RULES = (
    required_env_missing, secret_in_file, secret_like_literal, duplicate_env_var, env_group_conflict,
    unresolved_reference, yaml_number_value,
)

"""EL0xx: files envlint could not read as intended. Extractors record `Problem`s; these rules
report them, so a parse error is a located finding like any other."""

from __future__ import annotations

from envlint.findings import Severity
from envlint.rules.base import Rule


def _problems(code: str, name: str, severity: Severity, kinds: tuple[str, ...], doc: str) -> Rule:
    def check(facts, spec):
        for problem in facts.problems:
            if problem.kind in kinds:
                yield problem.location, problem.message

    check.__doc__ = doc
    return Rule(code, name, severity, check)


INVALID_REQUIREMENT = _problems(
    "EL001", "invalid-requirement", Severity.ERROR, ("requirement-syntax",),
    """A requirements line that pip cannot parse.

    What it does: reads every requirements file with pip's own grammar (continuations, comments,
    options, PEP 508) and reports lines pip would reject.

    Why is this bad? pip stops the whole install at the first bad line, so the build fails.

    Example: `flask=2.0` or `flask==2.0#pinned` (`#` starts a comment only after whitespace).

    Use instead: `flask==2.0  # pinned`.""",
)

INVALID_DOCKERFILE = _problems(
    "EL002", "invalid-dockerfile", Severity.ERROR, ("dockerfile-syntax",),
    """A Dockerfile that BuildKit would refuse to build.

    What it does: parses the Dockerfile as BuildKit does and reports syntax errors such as an
    unterminated heredoc or an unknown instruction.

    Why is this bad? The image is never built, and the deploy fails before anything runs.

    Example: `RUN <<EOF` with no closing `EOF` line.

    Use instead: close every heredoc and use only Dockerfile instructions.""",
)

INVALID_YAML = _problems(
    "EL003", "invalid-yaml", Severity.ERROR, ("yaml-syntax", "duplicate-key"),
    """render.yaml that is not valid YAML, or sets the same key twice.

    What it does: reads render.yaml with YAML 1.2 rules and reports syntax errors and duplicate
    keys.

    Why is this bad? Render rejects a Blueprint it cannot parse; with a duplicate key the last
    value silently wins, so half of what you wrote is ignored.

    Example: two `envVars:` keys in one service.

    Use instead: one key, with all the entries under it.""",
)

RENDER_STRUCTURE = _problems(
    "EL004", "unreadable-blueprint-entry", Severity.ERROR, ("render-schema",),
    """A render.yaml entry that does not have the shape Render expects.

    What it does: checks the whole Blueprint against Render's Blueprint spec
    (https://render.com/docs/blueprint-spec, as schemas/render.schema.json): unknown keys,
    missing required keys, values of the wrong type, plans, regions, runtimes and other values
    Render does not know (with the likely intended one), envVars entries that mix or lack a
    source, `sync: false` inside an env group.

    Why is this bad? Render rejects the Blueprint (or the IDE schema does), and envlint cannot
    check an entry it cannot read.

    Example: `plan: Starter` (plans are lower case), `startCommnd:`, `envVars: {KEY: value}`.

    Use instead: `plan: starter`, `startCommand:`, `envVars: [{key: KEY, value: value}]`.""",
)

DEPRECATED_BLUEPRINT_KEY = _problems(
    "EL014", "deprecated-blueprint-key", Severity.WARNING, ("render-deprecated",),
    """A render.yaml key or value Render has replaced with another.

    What it does: reports the deprecated forms of the Blueprint spec and names what replaces
    each: `env:` (`runtime:`), `autoDeploy:` (`autoDeployTrigger:`), `type: redis`
    (`type: keyvalue`), `pullRequestPreviewsEnabled:` and `previewsEnabled:`
    (`previews.generation:`), `previewPlan:` on a service (`previews.plan:`).

    Why is this bad? Render still reads them but "discourages" them; they are absent from
    Render's JSON schema, so an editor flags them as errors, and new options (such as
    `autoDeployTrigger: checksPass`) have no deprecated spelling.

    Example: `env: docker` and `autoDeploy: false`.

    Use instead: `runtime: docker` and `autoDeployTrigger: off`.""",
)

YAML11_BOOLEAN = _problems(
    "EL015", "ambiguous-yaml-boolean", Severity.INFO, ("yaml11-boolean",),
    """An unquoted yes/no/on/off value in render.yaml.

    What it does: notes plain scalars that YAML 1.2 reads as strings and YAML 1.1 as booleans.

    Why is this bad? In YAML 1.2 (Render's own examples rely on it) `generation: off` is the
    string "off"; PyYAML, older editors and scripts read YAML 1.1, where it is `false`, so they
    see (and may rewrite) a different Blueprint. Render's docs quote these values.

    Example: `previews: {generation: off}`.

    Use instead: `generation: 'off'`.""",
)

INCLUDE_CYCLE = _problems(
    "EL005", "include-cycle", Severity.ERROR, ("include-cycle",),
    """Requirements files that include each other in a loop.

    What it does: follows `-r` and `-c` includes and reports a file that includes itself,
    directly or through others.

    Why is this bad? pip stops with "recursively references itself".

    Example: `a.txt` has `-r b.txt` and `b.txt` has `-r a.txt`.

    Use instead: move the shared lines into a third file both include.""",
)

INVALID_PYTHON = _problems(
    "EL006", "unparsable-python", Severity.WARNING, ("python-syntax",),
    """A Python file the start command runs, or that reads the environment, that cannot be parsed.

    What it does: parses (never imports) the file the start command runs, to find where it
    listens, and each file that names `os.environ`/`getenv`/`BaseSettings`, to find what it
    reads; reports a syntax error (or an undecodable file) that stops that.

    Why is this bad? The app will not start, and envlint cannot check its host, port and
    variables.

    Example: `python app.py` where app.py has a syntax error.

    Use instead: fix the syntax error.""",
)

OUTSIDE_REPOSITORY = _problems(
    "EL007", "outside-repository", Severity.ERROR, ("outside-repo",),
    """A path in a deploy file that leads outside the repository.

    What it does: reports `-r` includes and other paths that leave the repository through `..`
    or a symlink; envlint does not read them.

    Why is this bad? The build sees only the repository (or its rootDir), so the file will not
    be there when Render builds.

    Example: `-r ../../shared/requirements.txt`.

    Use instead: keep every file the build needs inside the repository.""",
)

UNRESOLVED = _problems(
    "EL008", "unresolved-variable", Severity.INFO, ("requirement-unresolved",),
    """A requirement whose version comes from an environment variable.

    What it does: notes requirement lines that use `${VAR}`; envlint never fills them in from
    its own environment, so it cannot check their versions.

    Why is this bad? The version installed depends on the machine that builds; two builds of one
    commit can differ.

    Example: `coze-coding-dev-sdk==${SDK_VERSION}`.

    Use instead: a literal pin, or accept that envlint cannot check this line.""",
)

IGNORED_BY_PIP = _problems(
    "EL009", "ignored-by-pip", Severity.WARNING, ("requirement-ignored",),
    """Something in a requirements file that pip reads and silently ignores.

    What it does: reports what pip drops without a word — words after the options on a line, a
    second `-r` on one line (only the first is followed), global options such as `--index-url`
    on a requirement line, `--hash` on a line with no requirement.

    Why is this bad? The file says something that never happens: a package or an index the
    author thinks is used is not.

    Example: `-r base.txt -r extra.txt` (extra.txt is never read).

    Use instead: one include or global option per line.""",
)

SHELL_SYNTAX = _problems(
    "EL010", "invalid-shell-command", Severity.ERROR, ("shell-syntax",),
    """A shell command in a deploy file that a shell would refuse.

    What it does: reads RUN lines, shell-form CMD/ENTRYPOINT and render.yaml commands with a
    POSIX shell grammar and reports an unclosed quote or `$(`.

    Why is this bad? `/bin/sh` stops with a syntax error: the build or the start command fails.

    Example: `RUN pip install "flask==3.0.3`.

    Use instead: close the quote.""",
)

INVALID_TOML = _problems(
    "EL011", "invalid-toml", Severity.ERROR, ("toml-syntax",),
    """A pyproject.toml or lock file that is not valid TOML.

    What it does: reads pyproject.toml files and the uv.lock / poetry.lock a build installs from
    with a TOML 1.0 parser and reports where it stops.

    Why is this bad? pip, uv and poetry refuse the file, so the install step fails.

    Example: `dependencies = ["flask==3.0.3"` with no closing bracket.

    Use instead: close the array (`]`).""",
)

NOT_FOLLOWED = _problems(
    "EL012", "dockerfile-not-followed", Severity.INFO, ("dockerfile-unsupported",),
    """A Dockerfile construct BuildKit accepts but envlint stops following.

    What it does: notes where envlint stopped expanding or inheriting: variable substitutions
    nested hundreds deep, an expansion that grows past a size budget (a "billion laughs" of
    `ENV A2=$A1$A1`), a very long chain of stages built FROM one another.

    Why is this bad? It is not wrong, but what follows that point may hold pins, ports or
    variables envlint cannot see, so its silence there proves nothing.

    Example: `ENV A1=$A0$A0`, `ENV A2=$A1$A1`, … twenty times over.

    Use instead: plain values; or accept that envlint skips this part.""",
)

UNKNOWN_TARGET = _problems(
    "EL016", "unknown-docker-target", Severity.ERROR, ("unknown-target",),
    """The spec's `docker_target` names no stage of the service's Dockerfile.

    What it does: looks for the spec's `docker_target` among the `FROM … AS name` stages of each
    Dockerfile the spec describes (BuildKit matches the name without regard to case).

    Why is this bad? `docker build --target` stops with "target stage could not be found"; and
    envlint, which builds its checks on that stage, falls back to the last one.

    Example: `docker_target: dev` for a Dockerfile whose stages are `builder` and `runtime`.

    Use instead: the stage's exact name, or no `docker_target` to build the last stage.""",
)

BLUEPRINT_ELSEWHERE = _problems(
    "EL017", "blueprint-not-at-root", Severity.INFO, ("blueprint-elsewhere",),
    """The only render.yaml is in a subdirectory, and the spec does not name it.

    What it does: with no render.yaml (or render.yml) at the root, reads the one found in a
    subdirectory (outside tests, examples, docs and fixtures) as the Blueprint, and notes that
    Render uses it only if told.

    Why is this bad? Render looks for render.yaml at the repository root unless the Blueprint's
    file path is set (render.com/docs/infrastructure-as-code); a Blueprint elsewhere that nobody
    pointed Render at is never applied, and the services run with Dashboard settings instead.

    Example: `infra/render.yaml` and nothing at the root.

    Use instead: set the Blueprint file path in Render to `infra/render.yaml` and say so in
    envspec.yaml with `blueprint: infra/render.yaml`; or move the file to the root.""",
)

SEVERAL_BLUEPRINTS = _problems(
    "EL018", "several-blueprints", Severity.WARNING, ("several-blueprints",),
    """Several render.yaml files in subdirectories, none at the root, and no `blueprint:` in the spec.

    What it does: reports each Blueprint candidate (render.yaml or render.yml outside tests,
    examples, docs and fixtures) when there are several and none is at the root; envlint then
    reads none of them.

    Why is this bad? envlint cannot tell which one Render applies (a Blueprint's file path is a
    Render setting, not in the repository), so it checks no render.yaml service, env var or port.

    Example: `staging/render.yaml` and `production/render.yaml`.

    Use instead: `blueprint: production/render.yaml` in envspec.yaml (run envlint once per
    Blueprint with `--spec` to check each).""",
)

RULES = (
    INVALID_REQUIREMENT, INVALID_DOCKERFILE, INVALID_YAML, RENDER_STRUCTURE, INCLUDE_CYCLE,
    INVALID_PYTHON, OUTSIDE_REPOSITORY, UNRESOLVED, IGNORED_BY_PIP,
    SHELL_SYNTAX, INVALID_TOML, NOT_FOLLOWED, DEPRECATED_BLUEPRINT_KEY, YAML11_BOOLEAN,
    UNKNOWN_TARGET, BLUEPRINT_ELSEWHERE, SEVERAL_BLUEPRINTS,
)

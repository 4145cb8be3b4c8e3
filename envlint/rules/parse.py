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
    "EL004", "unreadable-blueprint-entry", Severity.ERROR, ("render-structure",),
    """A render.yaml entry that does not have the shape Render expects.

    What it does: reports services without a name, envVars entries without a key, and lists
    written as something else.

    Why is this bad? Render rejects the Blueprint, and envlint cannot check that entry.

    Example: `envVars: {KEY: value}` (a mapping instead of a list).

    Use instead: `envVars: [{key: KEY, value: value}]`.""",
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
    """A Python file the start command runs that cannot be parsed.

    What it does: parses (never imports) the file the start command runs, to find where it
    listens; reports a syntax error that stops that.

    Why is this bad? The app will not start, and envlint cannot check its host and port.

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

RULES = (
    INVALID_REQUIREMENT, INVALID_DOCKERFILE, INVALID_YAML, RENDER_STRUCTURE, INCLUDE_CYCLE,
    INVALID_PYTHON, OUTSIDE_REPOSITORY, UNRESOLVED, IGNORED_BY_PIP,
    SHELL_SYNTAX, INVALID_TOML, NOT_FOLLOWED,
)

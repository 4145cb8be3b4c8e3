"""Located facts: what the extractors read out of files, before any judgement.

Every fact carries the `Location` of the text it came from, so a rule can point at it. Paths are
repository-relative POSIX strings; lines and columns are 1-based (columns count characters).
"""

from __future__ import annotations

import bisect
import re
from functools import cached_property

from envlint.record import field, record


@record(frozen=True, slots=True)  # the most numerous object: slots halve its size
class Location:
    path: str
    line: int
    column: int = 1
    end_line: int | None = None
    end_column: int | None = None

    def __str__(self) -> str:
        return f"{self.path}:{self.line}:{self.column}"

    def short(self) -> str:
        """`path:line`, the form messages use to name another place."""
        return f"{self.path}:{self.line}"


class SourceText:
    """A logical piece of text (a joined Dockerfile instruction, a requirements line) that maps
    each character offset back to the physical line and column it was read from.

    Built from (text, line, column) segments in order; `locate(offset)` gives the position of
    the character at `offset`, `span(start, end)` a Location covering `[start, end)`.
    """

    def __init__(self, path: str, segments: list[tuple[str, int, int]]):
        self.path = path
        self.text = "".join(s for s, _, _ in segments)
        self._starts: list[int] = []
        self._origins: list[tuple[int, int]] = []
        offset = 0
        for piece, line, column in segments:
            self._starts.append(offset)
            self._origins.append((line, column))
            offset += len(piece)

    @classmethod
    def single(cls, path: str, text: str, line: int, column: int = 1) -> SourceText:
        return cls(path, [(text, line, column)])

    def locate(self, offset: int) -> tuple[int, int]:
        if not self._starts:
            return (1, 1)
        if len(self._starts) == 1:  # one physical piece, the usual case: no search
            line, column = self._origins[0]
            return line, column + offset
        i = max(bisect.bisect_right(self._starts, offset) - 1, 0)
        line, column = self._origins[i]
        return line, column + offset - self._starts[i]

    def span(self, start: int, end: int) -> Location:
        line, column = self.locate(start)
        end_line, end_column = self.locate(max(end - 1, start))
        return Location(self.path, line, column, end_line, end_column + 1)

    def spanner(self):
        """`span` as one function, for a text located many times (each word of a shell command):
        three calls a Location were a quarter of the analysis of a three-line RUN (issue 7)."""
        path, starts, origins = self.path, self._starts, self._origins
        if len(starts) == 1:  # one physical piece, most texts: no search
            return line_span(path, *origins[0])
        if not starts:
            return self.span

        def span(start: int, end: int) -> Location:
            last = end - 1 if end - 1 > start else start
            i = max(bisect.bisect_right(starts, start) - 1, 0)
            j = max(bisect.bisect_right(starts, last) - 1, 0)
            line, column = origins[i]
            end_line, end_column = origins[j]
            return Location(path, line, column + start - starts[i], end_line, end_column + last - starts[j] + 1)

        return span


def line_span(path: str, line: int, column: int):
    """`SourceText.single(path, text, line, column).spanner()`, without building the SourceText."""
    return lambda start, end: Location(path, line, column + start, line, column + (end if end > start else start + 1))


def normalize_name(name: str) -> str:
    """PEP 503 normalisation: `Coze_Coding.dev-SDK` and `coze-coding-dev-sdk` are one package."""
    return re.sub(r"[-_.]+", "-", name).lower()


@record(frozen=True)
class Problem:
    """Something an extractor could not read as intended. `kind` names the reserved rule that
    reports it (see envlint.rules.parse); extractors never decide severity."""

    kind: str
    message: str
    location: Location


# --- packages -------------------------------------------------------------------------------


@record(frozen=True)
class Requirement:
    """One requirement as written in a requirements file, a pip command or the spec."""

    name: str  # PEP 503-normalised
    specifier: str  # canonical text of the SpecifierSet, "" when none ("==0.5.5", ">=1,<2")
    text: str  # the requirement exactly as written
    location: Location
    marker: str | None = None
    url: str | None = None
    extras: tuple[str, ...] = ()
    editable: bool = False
    constraint: bool = False  # read from a -c file: limits versions, installs nothing

    @cached_property  # a rule asks for it once per pair of pins; the instance stays frozen
    def pinned_version(self) -> str | None:
        """The version an exact pin (`==X`, `===X`, not a wildcard) installs, else None."""
        match = _PIN.fullmatch(self.specifier)
        return match.group(1) if match else None


_PIN = re.compile(r"===?\s*([^,*\s]+)")


@record(frozen=True)
class FileArg:
    """A file named by an option: `-r requirements.txt`, `-c constraints.txt`, `-e ./pkg`."""

    option: str  # "-r", "-c", "-e", "." (a local project path), "--group" (its pyproject.toml)
    path: str  # as written
    location: Location
    extras: tuple[str, ...] = ()  # a local project's `.[dev,test]`, or `--group`'s group; normalised (PEP 685)


@record
class RequirementsFile:
    """A requirements file with its includes followed: `requirements` are in pip's order, each
    at its own physical location (inside the included file for `-r` lines)."""

    path: str
    requirements: list[Requirement] = field(default_factory=list)
    includes: list[FileArg] = field(default_factory=list)  # every -r/-c line, resolved or not
    files_read: list[str] = field(default_factory=list)  # this file and every included one
    problems: list[Problem] = field(default_factory=list)


@record(frozen=True)
class Install:
    """One package-install command inside a build step (`pip install …`, `uv sync`, `poetry add …`).

    Paths are as the command sees them: a relative `target`, `project` or file path is relative
    to `cwd`, and `cwd` (when relative) to the directory the command starts in (WORKDIR, a
    service's rootDir). A value with a variable envlint does not know is kept as written, `$`
    included. envlint.extract.commands documents each tool string.
    """

    tool: str  # "pip", "uv pip", "uv pip sync", "uv add", "uv sync", "poetry add", "poetry install", …
    location: Location  # the command's words
    requirements: tuple[Requirement, ...] = ()
    files: tuple[FileArg, ...] = ()  # -r / -c / -e / local paths, in order
    upgrade: bool = False
    force_reinstall: bool = False
    no_deps: bool = False
    # the word that runs the install, expanded: "pip", "/opt/venv/bin/pip", "python3", "uv"; the
    # interpreter of `--python X` when given; "python" for `uv pip --system` (the first on PATH)
    program: str = ""
    # where packages land when the command says: --target/--prefix/--root DIR, "~/.local" for
    # --user, the wheel/download directory of `pip wheel`/`pip download`; None: the environment
    # of `program` (or, for uv/poetry project commands, the project's environment)
    target: str | None = None
    project: str | None = None  # uv add/sync, poetry add/install/sync: the project dir ("." = cwd)
    cwd: str | None = None  # after `cd`s (and uv/poetry --directory); None: unchanged; "?": unknown
    isolated: bool = False  # pipx / uv tool: its own venv, not importable by the app
    exact: bool = False  # removes what the set does not list: uv pip sync, uv sync, poetry sync
    groups: tuple[str, ...] = ()  # uv sync's dependency-group options as written: "--group=lint", "--no-dev"


# --- commands and listening -----------------------------------------------------------------


@record(frozen=True, slots=True)  # every word of every command: slots make it smaller and quicker to make
class Word:
    """One shell word after quote removal, with the location of its raw text."""

    text: str
    location: Location
    quoted: bool = False


@record(frozen=True)
class Listen:
    """Where a server started by a command (or by `app.run(...)` in code) listens.

    `host`/`port` are the literal values when known. `port_env` names the variable the port is
    read from (`$PORT`, `int(os.environ.get("PORT", 5000))`) and `port` is then its fallback
    default, if any. `*_implicit` is true when the value is the server's own default because the
    command did not say.
    """

    server: str  # "gunicorn", "uvicorn", "flask run", "app.run", …
    location: Location
    host: str | None = None
    host_location: Location | None = None
    host_implicit: bool = False
    port: int | None = None
    port_env: str | None = None
    port_location: Location | None = None
    port_implicit: bool = False


@record(frozen=True)
class Command:
    """A command line as some deploy file states it (Dockerfile CMD/ENTRYPOINT/RUN, render.yaml
    startCommand/buildCommand/dockerCommand), analysed for what it installs, runs and binds."""

    source: str  # "CMD", "ENTRYPOINT", "RUN", "startCommand", "buildCommand", "dockerCommand"
    location: Location
    exec_form: bool = False
    installs: tuple[Install, ...] = ()
    listens: tuple[Listen, ...] = ()
    scripts: tuple[Word, ...] = ()  # files the command runs: `python app.py`, `sh start.sh`
    modules: tuple[Word, ...] = ()  # `module:attr` app paths given to gunicorn/uvicorn
    words: tuple[Word, ...] = ()
    problems: tuple[Problem, ...] = ()  # unreadable requirement arguments, unclosed quotes
    # directories the command creates a virtual environment in (`python -m venv DIR`,
    # `virtualenv DIR`, `uv venv [DIR]`), relative ones joined onto the command's `cd`s
    venvs: tuple[Word, ...] = ()


# --- environment ----------------------------------------------------------------------------


@record(frozen=True)
class EnvVar:
    """A variable some deploy source sets.

    kind: "ENV" / "ARG" (Dockerfile; `value` None for an ARG with no default), or a render.yaml
    form: "value", "sync" (sync: false, prompted in the Dashboard), "generateValue",
    "fromDatabase", "fromService". `group` names the envVarGroup it came through, if any.
    """

    key: str
    kind: str
    location: Location  # the key
    value: str | None = None
    value_location: Location | None = None
    group: str | None = None


@record(frozen=True)
class EnvRead:
    """One place the repository's Python code reads an environment variable
    (envlint.extract.codescan documents each form)."""

    name: str
    location: Location  # the expression naming the variable; the field, for settings classes
    default: str | None = None  # the literal default as text, when there is one
    has_default: bool = False  # also True when the default is not a literal
    required: bool = False  # the read raises (or the settings class fails) without the variable
    secret: bool = False  # a SecretStr/SecretBytes settings field
    how: str = ""  # "os.environ[]", "os.environ.get", "os.getenv", "settings field", "wrapper env()", …


@record(frozen=True)
class DeclaredVar:
    """A variable a file for local runs names: `.env.example` (names only: values are never
    kept) or a docker-compose service's `environment`. Neither reaches a Render service."""

    key: str
    source: str  # the file's path
    location: Location  # the key


# --- Dockerfile -----------------------------------------------------------------------------


@record(frozen=True)
class Expose:
    text: str  # as written after expansion: "5000", "5000/tcp", "8000-8010"
    port: int | None  # the single port, None for a range or an unexpanded variable
    location: Location


@record(frozen=True)
class Copy:
    """COPY/ADD: `sources` are context-relative (or stage-relative with `from_stage`)."""

    sources: tuple[str, ...]
    dest: str  # absolute in the image, WORKDIR applied
    location: Location
    from_stage: str | None = None


@record
class DockerStage:
    index: int
    name: str | None  # `FROM … AS name`, lower-cased as BuildKit does
    base: str  # the image reference, ARGs expanded where known
    location: Location  # the FROM instruction
    env: list[EnvVar] = field(default_factory=list)  # ENV and ARG, in order
    exposes: list[Expose] = field(default_factory=list)
    runs: list[Command] = field(default_factory=list)  # RUN, in order, installs analysed
    copies: list[Copy] = field(default_factory=list)
    workdir: str = "/"
    cmd: Command | None = None
    entrypoint: Command | None = None
    # SHELL, as in force at the end of the stage (inherited from a stage it is built FROM). When
    # it is not a POSIX shell (`powershell -Command`, `cmd /S /C`), shell-form RUN/CMD/ENTRYPOINT
    # after it are not analysed: their Commands hold no installs, listens or problems.
    shell: tuple[str, ...] = ("/bin/sh", "-c")


@record
class Dockerfile:
    path: str
    stages: list[DockerStage] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    args: list[EnvVar] = field(default_factory=list)  # ARGs before the first FROM (FROM lines only)

    @property
    def final(self) -> DockerStage | None:
        return self.stages[-1] if self.stages else None


# --- render.yaml ----------------------------------------------------------------------------


@record
class RenderService:
    name: str
    location: Location  # the `name:` value
    type: str | None = None
    runtime: str | None = None  # `runtime`, or the deprecated `env` when runtime is absent
    root_dir: str = ""
    repo: str | None = None  # built from another repository: its files are not here
    dockerfile_path: tuple[str, Location] | None = None
    docker_context: tuple[str, Location] | None = None
    build_command: Command | None = None
    start_command: Command | None = None
    docker_command: Command | None = None
    env_vars: list[EnvVar] = field(default_factory=list)  # the service's own envVars
    from_groups: list[tuple[str, Location]] = field(default_factory=list)
    scope: tuple = ()  # its environment: () for the root and `ungrouped`, else (project, environment) indices


@record(frozen=True)
class RenderDatabase:
    """A Render Postgres database or one of its read replicas (both can be referenced)."""

    name: str
    location: Location  # the `name:` value
    scope: tuple = ()  # as RenderService.scope


@record(frozen=True)
class RenderRef:
    """A `fromDatabase` (kind "database") or `fromService` (kind "service") in an envVars entry."""

    kind: str
    name: str
    location: Location  # the `name:` value
    scope: tuple = ()  # as RenderService.scope: references resolve within one environment
    type: str | None = None  # fromService.type


@record
class Blueprint:
    path: str
    services: list[RenderService] = field(default_factory=list)
    env_groups: dict[str, list[EnvVar]] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)
    databases: list[RenderDatabase] = field(default_factory=list)
    references: list[RenderRef] = field(default_factory=list)


# --- docker-compose and Procfile -----------------------------------------------------------


@record(frozen=True)
class ComposePort:
    """One `ports:` entry: `"8080:5000"`, `5000`, `{target: 5000, published: 8080}`."""

    text: str
    container: int | None  # the port inside the container; None for a range or a variable
    location: Location


@record
class ComposeService:
    """A docker-compose service: how it is built and run locally."""

    name: str
    location: Location  # the service's key
    build_context: str | None = None  # repository-relative, when the service is built here
    dockerfile: str | None = None  # repository-relative
    environment: list[DeclaredVar] = field(default_factory=list)
    ports: list[ComposePort] = field(default_factory=list)
    command: Command | None = None


@record
class ComposeFile:
    path: str
    services: list[ComposeService] = field(default_factory=list)


# --- the repository, linked -----------------------------------------------------------------


@record(frozen=True)
class Installed:
    """A requirement one build step installs. `via` is the install command that pulled it in
    when the requirement itself is written elsewhere (a `-r` file, a lock file); `step` orders
    the build's install commands; `upgrade` says the command asked for the newest allowed
    version; `copied` is set when it was installed in another stage and copied across."""

    requirement: Requirement
    step: int
    via: Location | None = None
    upgrade: bool = False
    copied: Location | None = None  # the `COPY --from` that brought it from another stage


@record(frozen=True)
class Version:
    """A Python version some source declares (`FROM python:3.12`, `.python-version`, …)."""

    text: str
    source: str  # "FROM python image", ".python-version", "PYTHON_VERSION"
    location: Location


@record
class Build:
    """One deployable: a render.yaml service (Docker or native), or a Dockerfile no service
    names. Everything here is what ends up in that one running service."""

    name: str  # "render.yaml service 'api'" or "Dockerfile"
    service: RenderService | None = None
    dockerfile: Dockerfile | None = None
    installs: list[Installed] = field(default_factory=list)  # in install order
    start: list[Command] = field(default_factory=list)  # what runs the app
    listens: list[Listen] = field(default_factory=list)  # from `start` and the scripts it runs
    runtime_env: list[EnvVar] = field(default_factory=list)  # highest precedence first
    code_root: str | None = None  # the directory its code comes from: Docker context, native rootDir
    versions: list[Version] = field(default_factory=list)
    stage: DockerStage | None = None  # the stage the image is: the last, or the spec's docker_target

    @property
    def is_web(self) -> bool:
        return self.service is not None and self.service.type == "web"


@record
class Facts:
    """All facts about one repository, for the rules."""

    requirements: list[Requirement] = field(default_factory=list)  # every file's, deduplicated
    dockerfiles: list[Dockerfile] = field(default_factory=list)
    blueprint: Blueprint | None = None
    builds: list[Build] = field(default_factory=list)
    versions: list[Version] = field(default_factory=list)  # repository-wide (.python-version)
    runtime_txt: Version | None = None  # Heroku's runtime.txt at the root, which Render ignores
    problems: list[Problem] = field(default_factory=list)
    code_files: list[str] = field(default_factory=list)  # the .py files the code scan read
    env_reads: list[EnvRead] = field(default_factory=list)  # by location
    declared: list[DeclaredVar] = field(default_factory=list)  # .env.example and the like: names only
    compose: list[ComposeFile] = field(default_factory=list)
    procfile: Command | None = None  # its `web:` process (Heroku's; Render does not read it)

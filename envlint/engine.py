"""Collect the repository's facts and link them into builds: which Dockerfile or native build
belongs to which render.yaml service, what each build installs in which order, what starts the
app and where it listens. Rules then judge these facts; nothing here decides what is wrong.
"""

from __future__ import annotations

import fnmatch
import posixpath
import re
from collections.abc import Callable, Mapping
from functools import lru_cache
from pathlib import Path

from envlint.extract.codescan import scan_env_reads
from envlint.extract.commands import UNKNOWN_DIR, analyze_exec
from envlint.extract.compose import is_compose, parse_compose
from envlint.extract.dockerfile import image_path_source, parse_dockerfile, python_version_of
from envlint.extract.dotenv import declared_in_template, is_template
from envlint.extract.procfile import parse_procfile
from envlint.extract.pyentry import imported_modules, listens_in_python
from envlint.extract.pyproject import LOCK_FILES, project_dependencies, read_lock
from envlint.extract.render import parse_render
from envlint.extract.requirements import parse_requirements_file
from envlint.facts import (
    Build,
    Command,
    Copy,
    Dockerfile,
    DockerStage,
    EnvVar,
    Facts,
    Install,
    Installed,
    Location,
    Problem,
    RenderService,
    Requirement,
    Version,
)
from envlint.findings import Finding
from envlint.record import field, record, replace
from envlint.repo import ReadError, Repo, decode, read_bytes
from envlint.rules import ALL_RULES
from envlint.spec import Spec, load_spec

REQUIREMENTS_PATTERNS = ("requirements*.txt", "*requirements*.txt", "requirements/*.txt", "constraints*.txt")
DOCKERFILE_PATTERNS = ("Dockerfile", "*.Dockerfile", "Dockerfile.*", "*.dockerfile")
BLUEPRINT_NAMES = ("render.yaml", "render.yml")


class InputError(Exception):
    """Input envlint cannot read at all (exit 2)."""


def matches_any(path: str, patterns: tuple[str, ...]) -> bool:
    """Whether the file name (or `parent/name`, for a pattern with a slash) matches a pattern."""
    by_name, by_parent = _compiled(patterns)
    name = posixpath.basename(path)
    if by_name is not None and by_name.match(name):
        return True
    return by_parent is not None and by_parent.match(f"{posixpath.basename(posixpath.dirname(path))}/{name}") is not None


@lru_cache(maxsize=None)
def _compiled(patterns: tuple[str, ...]) -> tuple[re.Pattern, re.Pattern | None]:
    """One regex for the name patterns and one for the `parent/name` ones: a walk tests every
    file, and fnmatch pattern by pattern was 8 % of a 1,000-service check."""
    def union(group: list[str]) -> re.Pattern | None:
        return re.compile("|".join(fnmatch.translate(p) for p in group)) if group else None

    return union([p for p in patterns if "/" not in p]), union([p for p in patterns if "/" in p])


def is_test_code(path: str) -> bool:
    """Tests and their helpers: what they read is not something the deploy must provide."""
    parts = path.split("/")
    name = parts[-1]
    return any(p in ("tests", "test") for p in parts[:-1]) or name == "conftest.py" \
        or name.startswith("test_") or name.endswith("_test.py")


def collect(repo: Repo, skip: Callable[[str], bool] | None = None, spec: Spec | None = None) -> Facts:
    """`skip(path)` is true for files the code scan leaves out ([tool.envlint] `exclude`). The
    spec, when given, says what no deploy file does: the stage built and the build args."""
    facts = Facts()
    linker = _Linker(repo, facts, spec)
    try:
        files = list(repo.walk())
    except ReadError as exc:  # a directory that cannot be listed
        raise InputError(str(exc)) from None
    present = set(files)
    for path in files:
        if matches_any(path, REQUIREMENTS_PATTERNS):
            linker.requirements(path)
        elif posixpath.basename(path) == "pyproject.toml" and not _locked(path, present):
            linker.project(path)  # with a lock beside it, its ranges are the lock's inputs
    blueprint_path = _blueprint_path(linker, files, present)
    if blueprint_path:
        facts.blueprint = parse_render(repo, blueprint_path)
        linker.record(*facts.blueprint.problems)
        for service in facts.blueprint.services:
            for command in (service.build_command, service.start_command, service.docker_command):
                if command is not None:
                    linker.record(*command.problems)
    if ".python-version" in present:
        facts.versions.extend(linker.python_version_file(".python-version"))
    facts.code_files = [p for p in files if p.endswith(".py") and not is_test_code(p) and not (skip and skip(p))]
    facts.env_reads, problems = scan_env_reads(repo, facts.code_files)
    linker.record(*problems)
    _local_sources(repo, facts, files)
    if "runtime.txt" in present:
        facts.runtime_txt = next(iter(linker.python_version_file("runtime.txt")), None)
    used_dockerfiles: set[str] = set()
    for service in facts.blueprint.services if facts.blueprint else []:
        build = linker.service_build(service)
        if build is not None:
            facts.builds.append(build)
            if build.dockerfile is not None:
                used_dockerfiles.add(build.dockerfile.path)
    for path in files:
        if matches_any(path, DOCKERFILE_PATTERNS) and path not in used_dockerfiles:
            facts.builds.append(linker.docker_build(path, posixpath.dirname(path), None, path))
    unreadable = [p for p in facts.problems if p.kind == "unreadable"]
    if unreadable:
        raise InputError(unreadable[0].message)
    return facts


_SAMPLE_DIRS = {"examples", "example", "docs", "fixtures", "testdata"}  # Blueprints shown, not deployed


def _blueprint_path(linker: _Linker, files: list[str], present: set[str]) -> str | None:
    """The Blueprint Render reads: the spec's `blueprint`, else render.yaml (or .yml) at the
    root, Render's default, else the only one elsewhere (tests, examples and docs aside): Render reads a
    Blueprint anywhere once its file path is set ("By default, Render looks for the render.yaml
    file at the root of your repo, but you can define your Blueprint file anywhere",
    render.com/docs/infrastructure-as-code). Several are not guessed between: each is noted
    and none is read. Paths inside a Blueprint stay relative to the repository root wherever it
    lies (dockerfilePath, dockerContext, buildFilter: "relative to the repo root",
    render.com/docs/blueprint-spec), so nothing else changes."""
    spec = linker.spec
    if spec is not None and spec.blueprint is not None:
        path = linker.repo.normalize(spec.blueprint)
        if path is None or not linker.repo.is_file(path):
            where = "leads outside the repository" if path is None else "is not a file in the repository"
            linker.record(Problem("missing-file", f"the spec's blueprint {spec.blueprint!r} {where}",
                                  spec.where("blueprint")))
            return None
        return path
    root = next((name for name in BLUEPRINT_NAMES if name in present), None)
    if root is not None:
        return root
    found = [p for p in files if posixpath.basename(p) in BLUEPRINT_NAMES and not is_test_code(p)
             and not _SAMPLE_DIRS.intersection(p.split("/")[:-1])]
    if len(found) == 1:
        linker.record(Problem(
            "blueprint-elsewhere", f"{found[0]} is not at the repository root, where Render looks by default: it "
            f"is used only if the Blueprint's file path is set to {found[0]} in Render; envlint reads it as the "
            "Blueprint (say so with `blueprint:` in envspec.yaml to silence this)", Location(found[0], 1, 1)))
        return found[0]
    for path in found:
        others = ", ".join(p for p in found if p != path)
        linker.record(Problem(
            "several-blueprints", f"{path} is one of {len(found)} Blueprints (also {others}) and none is at the "
            "root: envlint reads none of them; name the one Render uses with `blueprint:` in envspec.yaml",
            Location(path, 1, 1)))
    return None


def _local_sources(repo: Repo, facts: Facts, files: list[str]) -> None:
    """Files for running the app elsewhere than on Render: `.env.example` templates (names
    only), docker-compose files and the Procfile at the root. Nothing in them reaches a Render
    service; rules use them as evidence of what the app expects."""
    for path in files:
        if is_template(path):
            facts.declared.extend(declared_in_template(repo, path)[0])
        elif is_compose(path):
            facts.compose.append(parse_compose(repo, path))
    if "Procfile" in files:
        facts.procfile = parse_procfile(repo, "Procfile")


def _locked(pyproject: str, present: set[str]) -> bool:
    directory = posixpath.dirname(pyproject)
    return any(posixpath.join(directory, lock) in present for lock in LOCK_FILES.values())


@record
class _Linker:
    repo: Repo
    facts: Facts
    spec: Spec | None = None
    _parsed: dict = field(default_factory=dict)
    _seen_requirements: set = field(default_factory=set)
    _seen_problems: set = field(default_factory=set)
    _dockerfile_paths: set = field(default_factory=set)

    # --- files --------------------------------------------------------------------------

    def requirements(self, path: str, constraint: bool = False):
        """Parse a requirements file once; record its requirements and problems repo-wide."""
        key = ("req", path, constraint)
        if key not in self._parsed:
            parsed = parse_requirements_file(self.repo, path, constraint=constraint)
            self._parsed[key] = parsed
            self._record_requirements(parsed.requirements, parsed.problems)
        return self._parsed[key]

    def project(self, path: str, extras: tuple[str, ...] = (), groups: tuple[str, ...] | None = None,
                tool: str = "pip") -> list[Requirement]:
        """A pyproject.toml's `[project].dependencies` (and those of the optional-dependency
        groups `extras` names, and the dependency groups `tool` installs by `groups`), read
        once, recorded repo-wide."""
        key = ("project", path, extras, groups, tool)
        if key not in self._parsed:
            self._parsed[key] = self._record_requirements(*project_dependencies(self.repo, path, extras, groups, tool))
        return self._parsed[key]

    def lock(self, path: str) -> list[Requirement]:
        """A lock file's pins, read once. Recorded only once a build installs from it: a lock
        lists every transitive package, which no other file is expected to agree with."""
        key = ("lock", path)
        if key not in self._parsed:
            self._parsed[key] = self._record_requirements(*read_lock(self.repo, path))
        return self._parsed[key]

    def _record_requirements(self, requirements: list[Requirement], problems: list[Problem]) -> list[Requirement]:
        for requirement in requirements:
            if (requirement.location, requirement.name) not in self._seen_requirements:
                self._seen_requirements.add((requirement.location, requirement.name))
                self.facts.requirements.append(requirement)
        self.record(*problems)
        return requirements

    def dockerfile(self, path: str, build_args: Mapping[str, str]) -> Dockerfile:
        key = ("docker", path, tuple(sorted(build_args.items())))
        if key not in self._parsed:
            parsed = parse_dockerfile(self.repo, path, build_args=build_args)
            self._parsed[key] = parsed
            if path not in self._dockerfile_paths:
                self._dockerfile_paths.add(path)
                self.facts.dockerfiles.append(parsed)
            self.record(*parsed.problems)
            for stage in parsed.stages:
                for command in [*stage.runs, stage.cmd, stage.entrypoint]:
                    if command is not None:
                        self.record(*command.problems)
        return self._parsed[key]

    def record(self, *problems: Problem) -> None:
        """Record problems once, however many builds read the same file."""
        for problem in problems:
            if problem not in self._seen_problems:
                self._seen_problems.add(problem)
                self.facts.problems.append(problem)

    def python_version_file(self, path: str) -> list[Version]:
        try:
            text = self.repo.read_text(path)
        except ReadError as exc:
            self.record(Problem("unreadable", str(exc), Location(path, 1, 1)))
            return []
        for number, line in enumerate(text.splitlines(), 1):
            stripped = line.strip()
            if stripped and not stripped.startswith("#"):
                column = line.index(stripped) + 1
                return [Version(stripped, path, Location(path, number, column, number, column + len(stripped)))]
        return []

    # --- builds -------------------------------------------------------------------------

    def service_build(self, service: RenderService) -> Build | None:
        runtime = service.runtime
        if service.repo is not None:
            return None  # its Dockerfile and code live in another repository
        if runtime == "docker":
            return self._render_docker_build(service)
        if runtime == "python":
            return self._native_build(service)
        return None

    def _render_docker_build(self, service: RenderService) -> Build:
        """Render resolves dockerfilePath and dockerContext against rootDir (render-blueprint.md
        §7.5); we also try the repository root, as older Blueprints assume."""
        name = f"render.yaml service '{service.name}'"
        path_text, path_location = service.dockerfile_path or ("./Dockerfile", service.location)
        context_text, _ = service.docker_context or (".", service.location)
        bases = [service.root_dir, ""] if service.root_dir else [""]
        for base in bases:
            path = self.repo.normalize(path_text, base)
            if path is not None and self.repo.is_file(path):
                context = self.repo.normalize(context_text, base) or ""
                # Render passes every env var as a build argument; the highest-precedence one wins
                build_args = {v.key: v.value for v in reversed(self._render_env(service)) if v.value is not None}
                return self.docker_build(path, context, service, name, build_args)  # the spec's go over them
        build = Build(name, service=service)
        where = f"under rootDir {service.root_dir!r} or the repository root" if service.root_dir else "in the repository"
        self.record(
            Problem("missing-file", f"dockerfilePath {path_text!r} of service '{service.name}' is not a file {where}", path_location)
        )
        return build

    def docker_build(
        self, path: str, context: str, service: RenderService | None, name: str,
        build_args: Mapping[str, str] | None = None,
    ) -> Build:
        spec = self._spec_for(service)
        if spec is not None and spec.build_args:
            # `--build-arg`s beat what Render passes: the spec says what the deploy passes, incl.
            # values render.yaml cannot show (`sync: false`, env groups made in the Dashboard)
            build_args = {**(build_args or {}), **spec.build_args}
        dockerfile = self.dockerfile(path, build_args or {})
        build = Build(name, service=service, dockerfile=dockerfile, code_root=context)
        target = spec.docker_target if spec is not None else None
        chain = _stage_chain(dockerfile, target)
        if target is not None and dockerfile.stages and not any(s.name == target.lower() for s in dockerfile.stages):
            names = ", ".join(repr(s.name) for s in dockerfile.stages if s.name) or "no named stage"
            self.record(Problem(
                "unknown-target", f"docker_target {target!r} is not a stage of {path} ({names}): "
                f"`docker build --target {target}` fails; envlint checks the last stage instead",
                spec.where("docker_target"),
            ))
        build.stage = chain[-1] if chain else None
        step = 0
        for stage in chain:
            for item in _steps(stage, chain):
                if isinstance(item, Copy):
                    for source, install in _copied_installs(dockerfile, item):
                        step += 1
                        resolve = lambda p, s=source: _context_path(s, p, context)  # noqa: E731
                        self._add_install(build, install, step, resolve, True, copied=item.location)
                    continue
                before = _copied_before(stage, item.location.line)
                for install in item.installs:
                    step += 1
                    self._add_install(build, install, step, lambda p, s=before: _context_path(s, p, context), True)
        final = chain[-1] if chain else None
        if final is not None:
            base_version = python_version_of(chain[0].base)
            if base_version:
                build.versions.append(Version(base_version, "FROM python image", chain[0].location))
        if service is not None:
            build.runtime_env.extend(self._render_env(service))
        if final is not None:
            build.runtime_env.extend(reversed([v for v in final.env if v.kind == "ENV"]))
        if service is not None and service.docker_command is not None:
            build.start.append(service.docker_command)
        elif final is not None:
            build.start.extend(_image_start(final))
        if final is not None:
            self._link_start(build, lambda p: _context_path(final, p, context), True)
        return build

    def _spec_for(self, service: RenderService | None) -> Spec | None:
        """The part of the spec that describes this build, as `rules.base.scopes` decides."""
        spec = self.spec
        if spec is None:
            return None
        if spec.services:
            return spec.for_service(service.name) if service is not None and service.name in spec.services else None
        if spec.service is not None:
            return spec if service is not None and service.name == spec.service else None
        return spec

    def _native_build(self, service: RenderService) -> Build:
        """Render's native Python runtime: buildCommand and startCommand run in rootDir."""
        build = Build(f"render.yaml service '{service.name}'", service=service, code_root=service.root_dir)
        root = service.root_dir
        if service.build_command is not None:
            for step, install in enumerate(service.build_command.installs, 1):
                self._add_install(build, install, step, lambda p: self.repo.normalize(p, root), False)
        if service.start_command is not None:
            build.start.append(service.start_command)
        build.runtime_env.extend(self._render_env(service))
        for variable in build.runtime_env:
            if variable.key == "PYTHON_VERSION" and variable.value:
                build.versions.append(Version(variable.value, "PYTHON_VERSION", variable.value_location or variable.location))
        self._link_start(build, lambda p: self.repo.normalize(p, root), False)
        return build

    def _render_env(self, service: RenderService) -> list[EnvVar]:
        """What render.yaml gives the service, highest precedence first: its own envVars, then
        each linked env group's (render-blueprint.md §7.7). A group named but not defined here
        may exist in the Dashboard: it contributes nothing we can see."""
        groups = self.facts.blueprint.env_groups
        return service.env_vars + [v for name, _ in service.from_groups for v in groups.get(name, [])]

    def _add_install(self, build: Build, install: Install, step: int, resolve, in_image: bool,
                     copied: Location | None = None) -> None:
        """Record what one install command installs, following its `-r` files, local projects
        and lock files. `resolve` maps a path as the command sees it (before its `cd`s) to a
        repository path: None means no COPY brought it into the image (`in_image`) or it leaves
        the repository. `copied` is the COPY --from that brought this install's result from
        another stage: only then do wheels built by `pip wheel` count."""
        if install.isolated or (install.tool in WHEEL_TOOLS and copied is None):
            return  # pipx's own venv; wheels nobody has installed yet

        def add(requirement: Requirement, via: Location | None = None) -> None:
            build.installs.append(Installed(requirement, step, via, install.upgrade, copied))

        for requirement in install.requirements:
            add(requirement)
        if install.tool in LOCK_FILES:
            self._add_locked(install, add, resolve)
        for file_arg in install.files:
            written = _in_cwd(install, file_arg.path)
            if written is None:
                continue  # after a `cd` envlint cannot follow
            if file_arg.option in (".", "-e"):
                self._add_project(posixpath.join(written, "pyproject.toml"), install, add, resolve, file_arg.extras)
            if file_arg.option not in ("-r", "-c", "--group"):
                continue
            path = resolve(written)
            if path is None and in_image:
                self.record(Problem(
                    "missing-file", f"no COPY before this RUN brings {file_arg.path!r} into the image", file_arg.location
                ))
                continue
            if not self._exists(file_arg.path, path, file_arg.location):
                continue
            if file_arg.option == "--group":  # `pip install --group NAME`: the dependency group alone
                for requirement in self.project(path, (), file_arg.extras, install.tool):
                    add(requirement, install.location)
                continue
            parsed = self.requirements(path, constraint=file_arg.option == "-c")
            for requirement in parsed.requirements:
                if not requirement.constraint:  # constraints limit versions, install nothing
                    add(requirement, install.location)

    def _add_locked(self, install: Install, add, resolve) -> None:
        """`uv sync` / `poetry install`: the lock file's versions, exactly; without a lock,
        what the project's pyproject.toml asks for (uv and poetry resolve it then)."""
        project = _in_cwd(install, install.project or ".")
        if project is None:
            return
        lock = resolve(posixpath.join(project, LOCK_FILES[install.tool]))
        if lock is not None and self.repo.is_file(lock):
            for requirement in self.lock(lock):
                add(requirement, install.location)
        else:  # uv sync: also the dependency groups its options select
            groups = install.groups if install.tool == "uv sync" else None
            self._add_project(posixpath.join(project, "pyproject.toml"), install, add, resolve, (), groups)

    def _add_project(self, pyproject: str, install: Install, add, resolve, extras: tuple[str, ...] = (),
                     groups: tuple[str, ...] | None = None) -> None:
        """`pip install ./dir`: what the directory's pyproject.toml depends on (PEP 621, else
        Poetry's [tool.poetry.dependencies]). A project without one (setup.py), a wheel or a URL
        is not read."""
        path = resolve(pyproject)
        if path is not None and self.repo.is_file(path):
            for requirement in self.project(path, extras, groups, install.tool):
                add(requirement, install.location)

    def _exists(self, written: str, path: str | None, location: Location) -> bool:
        """Whether a file a build names is in the repository; records why when it is not."""
        if path is None or self.repo.normalize(path) is None:  # by `..`, or by a symlink
            self.record(Problem("outside-repo", f"{written!r} leads outside the repository", location))
            return False
        if not self.repo.is_file(path):
            self.record(Problem("missing-file", f"{written!r} does not exist (looked for {path})", location))
            return False
        return True

    def _link_start(self, build: Build, resolve, in_image: bool) -> None:
        """Listen addresses from the start commands, and from the Python files they run. A file
        no COPY brought into the image may have been made there (a build step, a base image):
        it is not reported."""
        for command in build.start:
            build.listens.extend(command.listens)
            for script in command.scripts:
                path = resolve(script.text)
                if (path is None and in_image) or not self._exists(script.text, path, script.location):
                    continue
                if path.endswith(".py"):
                    listens, problems = listens_in_python(self.repo, path)
                    for module in imported_modules(self.repo, path):  # `from server import serve`
                        more, unread = listens_in_python(self.repo, module, imported=True)
                        listens, problems = listens + more, problems + unread
                    build.listens.extend(listens)
                    self.record(*problems)
            for module in command.modules:
                if ":" not in module.text:
                    continue  # `python -m pkg` may name an installed package
                dotted = module.text.split(":", 1)[0].replace(".", "/")
                candidates = [resolve(f"{dotted}.py"), resolve(f"{dotted}/__init__.py")]
                if all(c is not None for c in candidates) and not any(self.repo.is_file(c) for c in candidates):
                    self.record(
                        Problem("missing-file", f"app module {module.text!r}: neither {candidates[0]} nor {candidates[1]} exists", module.location)
                    )


def _stage_chain(dockerfile: Dockerfile, target: str | None = None) -> list[DockerStage]:
    """The final stage (the last, or the `--target` one; BuildKit matches stage names without
    case) and the stages it is built FROM, base first."""
    if dockerfile.final is None:
        return []
    by_name = {stage.name: stage for stage in dockerfile.stages if stage.name}
    chain = [by_name.get(target.lower(), dockerfile.final) if target else dockerfile.final]
    while chain[0].base.lower() in by_name and by_name[chain[0].base.lower()] not in chain:
        chain.insert(0, by_name[chain[0].base.lower()])
    return chain


WHEEL_TOOLS = ("pip wheel", "pip download")  # files for a later install, not an install


def _in_cwd(install: Install, path: str) -> str | None:
    """A path an install names, relative to where its command started; None after a `cd`
    envlint cannot follow."""
    if install.cwd is None:
        return path
    if install.cwd == UNKNOWN_DIR or "$" in install.cwd:
        return None
    return posixpath.join(install.cwd, path)


def _image_start(stage: DockerStage) -> list[Command]:
    """What the container runs, as Docker combines ENTRYPOINT and CMD (docs.docker.com,
    "Understand how CMD and ENTRYPOINT interact"): a shell-form ENTRYPOINT ignores CMD; an
    exec-form one gets CMD as its arguments. When the combined argv shows no server (the
    entrypoint is a script that, by convention, ends in `exec "$@"`), both are read apart."""
    entrypoint, cmd = stage.entrypoint, stage.cmd
    if entrypoint is None or cmd is None:
        return [c for c in (entrypoint, cmd) if c is not None]
    if not entrypoint.exec_form:
        return [entrypoint]
    if cmd.exec_form:
        combined = analyze_exec("ENTRYPOINT + CMD", [*entrypoint.words, *cmd.words], entrypoint.location)
        if combined.listens:
            return [combined]
    return [entrypoint, cmd]


def _steps(stage: DockerStage, chain: list[DockerStage]) -> list[Command | Copy]:
    """The stage's RUNs and its COPY --from of stages outside the chain, in file order."""
    inside = {s.name for s in chain if s.name} | {str(s.index) for s in chain}
    copies = [c for c in stage.copies if c.from_stage is not None and c.from_stage not in inside]
    return sorted([*stage.runs, *copies], key=lambda item: (item.location.line, item.location.column))


def _copied_installs(dockerfile: Dockerfile, copy: Copy) -> list[tuple[DockerStage, Install]]:
    """The installs of the stage a COPY --from names (and of the stages it is built FROM) whose
    packages lie under what the COPY copies, each with that stage as its RUN saw it. A COPY
    from an outside image (`--from=ghcr.io/astral-sh/uv`) brings no install we can see."""
    stages = {s.name: s for s in dockerfile.stages if s.name} | {str(s.index): s for s in dockerfile.stages}
    source = stages.get(copy.from_stage or "")
    if source is None:
        return []
    found = []
    for stage in _stage_chain(replace(dockerfile, stages=dockerfile.stages[: source.index + 1])):
        for command in stage.runs:
            for install in command.installs:
                home = _install_home(stage, install)
                if home is not None and _covers(copy.sources, home):
                    found.append((_copied_before(stage, command.location.line), install))
    return found


_SYSTEM_BINS = {"/usr/local/bin", "/usr/local/sbin", "/usr/bin", "/usr/sbin", "/bin", "/sbin"}


def _install_home(stage: DockerStage, install: Install) -> str | None:
    """Where an install puts packages in the stage's filesystem: its --target/--prefix/--user
    directory or wheel directory; the venv whose pip or python runs it (by path, VIRTUAL_ENV or
    a venv's bin first on PATH); uv's project `.venv` (or UV_PROJECT_ENVIRONMENT); poetry's venv
    (in the project with POETRY_VIRTUALENVS_IN_PROJECT, none with POETRY_VIRTUALENVS_CREATE=false);
    else the Python environment PATH finds first. None when a `cd` or a variable hides it."""
    cwd = _in_cwd(install, ".")
    if cwd is None:
        return None
    here = posixpath.join(stage.workdir, cwd)
    env = {v.key: v.value or "" for v in stage.env if v.kind == "ENV"}
    project = posixpath.join(here, install.project or ".")
    if install.target is not None:
        home = "/root/.local" if install.target == "~/.local" else posixpath.join(here, install.target)
    elif install.tool in ("uv sync", "uv add"):
        home = posixpath.join(project, env.get("UV_PROJECT_ENVIRONMENT") or ".venv")
    elif install.tool.startswith("poetry") and env.get("POETRY_VIRTUALENVS_CREATE", "").lower() not in ("false", "0"):
        in_project = env.get("POETRY_VIRTUALENVS_IN_PROJECT", "").lower() in ("true", "1")
        home = posixpath.join(project, ".venv") if in_project else "/root/.cache/pypoetry/virtualenvs"
    elif "/bin/" in install.program:
        home = posixpath.join(here, install.program.rsplit("/bin/", 1)[0])
    elif env.get("VIRTUAL_ENV"):
        home = env["VIRTUAL_ENV"]
    else:
        home = _python_on_path(stage, env.get("PATH", ""))
    return None if "$" in home else posixpath.normpath(home)


def _python_on_path(stage: DockerStage, path: str) -> str:
    """The environment a bare `pip` runs from: the first PATH entry `DIR/bin` where DIR is a
    Python environment — a venv a RUN of the stage creates or a COPY brings in, or a directory
    named like one (venv, .venv, env, conda…) — else the image's Python under /usr/local. Other
    tools' bin directories (`/root/.cargo/bin`, `/root/.bun/bin`) hold no pip."""
    made = {posixpath.normpath(posixpath.join(stage.workdir, v.text)) for c in stage.runs for v in c.venvs}
    copied = {posixpath.normpath(c.dest) for c in stage.copies}
    for entry in path.split(":"):
        if not entry.endswith("/bin") or entry in _SYSTEM_BINS:
            continue
        home = posixpath.normpath(posixpath.dirname(entry))
        name = posixpath.basename(home).lower()
        if home in made or home in copied or "venv" in name or name == "env" or "conda" in name or "forge" in name:
            return home
    return "/usr/local"


def _covers(sources: tuple[str, ...], home: str) -> bool:
    """Whether a COPY --from of `sources` (paths from the source stage's root) carries the
    packages installed under `home`: the directory itself, one above it, or its site-packages."""
    for source in sources:
        path = posixpath.normpath("/" + source.lstrip("/"))
        if path == "/" or home == path or home.startswith(path + "/"):
            return True
        if path.startswith(home + "/") and "site-packages" in path:
            return True
    return False


def _copied_before(stage: DockerStage, line: int) -> DockerStage:
    """The stage as a RUN on `line` sees it: only the COPY/ADD lines above it have run."""
    return replace(stage, copies=[c for c in stage.copies if c.location.line < line])


def _context_path(stage: DockerStage, image_path: str, context: str) -> str | None:
    """Repository path of a file the image has at `image_path`, via the stage's COPY lines."""
    source = image_path_source(stage, image_path, stage.workdir)
    if source is None:
        return None
    return posixpath.normpath(posixpath.join(context, source)) if context else posixpath.normpath(source)


def load(root: Path, spec_file: Path | None = None,
         skip: Callable[[str], bool] | None = None, repo: Repo | None = None) -> tuple[Facts, Spec | None]:
    """The spec and the repository's facts. Raises SpecError or InputError for what the CLI
    reports with exit 2. Pass `repo` (a `Repo(root)`) to read each file once across this and
    whatever reads the repository afterwards (suppressions, --show-source)."""
    if not root.is_dir():
        raise InputError(f"{root}: {'not a directory' if root.exists() else 'does not exist'}")
    repo = repo or Repo(root)
    spec = _load_spec(repo, spec_file)
    return collect(repo, skip, spec), spec


def check(root: Path, spec_file: Path | None = None, skip: Callable[[str], bool] | None = None,
          repo: Repo | None = None) -> list[Finding]:
    """Everything `envlint check` does short of printing: every rule over the facts."""
    return run_rules(*load(root, spec_file, skip, repo))


def run_rules(facts: Facts, spec: Spec | None) -> list[Finding]:
    """Every rule's findings over loaded facts, once each, in report order."""
    findings = [finding for rule in ALL_RULES for finding in rule.run(facts, spec)]
    return sorted(set(findings), key=lambda f: f.sort_key)


def _load_spec(repo: Repo, spec_file: Path | None) -> Spec | None:
    explicit = spec_file is not None
    path = spec_file if explicit else repo.root / "envspec.yaml"
    if not path.is_file():
        if explicit:
            raise InputError(f"{spec_file}: spec file not found")
        return None
    if not explicit and repo.normalize("envspec.yaml") is None:
        raise InputError("envspec.yaml: leads outside the repository; not read (name it with --spec to use it)")
    resolved = path.resolve()
    shown = resolved.relative_to(repo.root).as_posix() if repo.root in resolved.parents else str(path)
    try:
        text = decode(read_bytes(str(path), shown), shown)
    except ReadError as exc:
        raise InputError(str(exc)) from None
    return load_spec(text, shown)

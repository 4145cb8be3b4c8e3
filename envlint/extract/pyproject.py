"""pyproject.toml dependencies and lock files (uv.lock, poetry.lock) as located requirements.

`pip install .` installs a project's `[project].dependencies` (PEP 621); `uv sync` installs
exactly the versions in uv.lock, `poetry install` those in poetry.lock (docs.astral.sh/uv
"Locking and syncing"; python-poetry.org/docs/basic-usage "Installing dependencies"); `pip
install --group NAME` and `uv sync` (without a lock) the PEP 735 `[dependency-groups]`. TOML
parsers give values without positions, so each value is located afterwards in the text: a lock
file's `[[package]]` tables are found in order, a dependency string by its quoted text.
"""

from __future__ import annotations

import re
import sys

from envlint.extract.requirements import requirement_from_string
from envlint.facts import Location, Problem, Requirement, normalize_name
from envlint.record import replace
from envlint.repo import ReadError, Repo

LOCK_FILES = {"uv sync": "uv.lock", "poetry install": "poetry.lock", "poetry sync": "poetry.lock"}
_PACKAGE_TABLE = re.compile(r"^[ \t]*(\[\[[ \t]*package[ \t]*\]\])", re.MULTILINE)
_LOCAL_SOURCES = ("editable", "virtual", "directory")  # uv.lock: the project itself, not a download


def _load(repo: Repo, path: str) -> tuple[str, dict] | Problem:
    if sys.version_info >= (3, 11):  # imported here: most repositories have no TOML to read
        import tomllib
    else:  # pragma: no cover - exercised on 3.10 only
        import tomli as tomllib
    try:
        text = repo.read_text(path)
    except ReadError as exc:
        return Problem("unreadable", str(exc), Location(path, 1, 1))
    try:
        return text, tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        message = str(exc)
        match = re.search(r"at line (\d+), column (\d+)", message)
        line, column = (int(match.group(1)), int(match.group(2))) if match else _line_column(text, len(text))
        return Problem("toml-syntax", f"invalid TOML: {message.split(' (at ')[0]}", Location(path, line, column))
    except RecursionError:  # tomllib recurses per nested array or inline table
        return Problem("toml-syntax", "invalid TOML: arrays or inline tables nested too deep to read",
                       Location(path, 1, 1))


def _line_column(text: str, offset: int) -> tuple[int, int]:
    line = text.count("\n", 0, offset) + 1
    return line, offset - (text.rfind("\n", 0, offset) + 1) + 1


def read_lock(repo: Repo, path: str) -> tuple[list[Requirement], list[Problem]]:
    """Every package a lock file pins, as `name==version` located at its `[[package]]` table.
    The project's own entry (an editable or virtual source in uv.lock) is left out."""
    loaded = _load(repo, path)
    if isinstance(loaded, Problem):
        return [], [loaded]
    text, data = loaded
    packages = data.get("package")
    if not isinstance(packages, list):
        return [], []
    headers = [m.start(1) for m in _PACKAGE_TABLE.finditer(text)]
    requirements = []
    for index, package in enumerate(packages):
        if not isinstance(package, dict):
            continue
        name, version, source = package.get("name"), package.get("version"), package.get("source")
        if not isinstance(name, str) or not isinstance(version, str):
            continue
        if isinstance(source, dict) and any(key in source for key in _LOCAL_SOURCES):
            continue
        line, column = _line_column(text, headers[index]) if index < len(headers) else (1, 1)
        location = Location(path, line, column)
        requirements.append(Requirement(normalize_name(name), f"=={version}", f"{name}=={version}", location))
    return requirements, []


def project_dependencies(repo: Repo, path: str, extras: tuple[str, ...] = (), groups: tuple[str, ...] | None = None,
                         tool: str = "pip") -> tuple[list[Requirement], list[Problem]]:
    """The PEP 621 `[project].dependencies` of a pyproject.toml, each at its quoted string, and
    those of the `[project.optional-dependencies]` groups `extras` names (`pip install .[dev]`);
    without them, a Poetry project's [tool.poetry.dependencies], each at its key. With `groups`,
    the dependency groups an install takes too (`select_groups` says which), or instead."""
    loaded = _load(repo, path)
    if isinstance(loaded, Problem):
        return [], [loaded]
    text, data = loaded
    with_project, names = select_groups(data, groups, tool) if groups is not None else (True, ())
    requirements, problems = _project_dependencies(text, data, path, extras) if with_project else ([], [])
    if names:
        more, more_problems = _group_dependencies(text, data, path, names, tool == "uv sync")
        requirements, problems = requirements + more, problems + more_problems
    return requirements, problems


def _project_dependencies(text: str, data: dict, path: str, extras: tuple[str, ...]) -> tuple[list, list]:
    project = data.get("project") if isinstance(data.get("project"), dict) else {}
    dependencies = project.get("dependencies")
    if not isinstance(dependencies, list):
        return _poetry_dependencies(text, data, path), []
    table = re.search(r"^\[\s*project\s*\]", text, re.MULTILINE)
    key = re.compile(r"^\s*dependencies\s*=", re.MULTILINE).search(text, table.end() if table else 0)
    requirements, problems = _located(text, dependencies, key.start() if key else 0, path)
    optional = project.get("optional-dependencies")
    groups = {normalize_name(name): value for name, value in optional.items()} if isinstance(optional, dict) else {}
    for extra in extras:  # an unknown extra: pip warns and installs the rest
        if isinstance(groups.get(extra), list):
            group = re.search(r"^\[\s*project\.optional-dependencies\s*\]", text, re.MULTILINE)
            more, more_problems = _located(text, groups[extra], group.end() if group else 0, path)
            requirements += more
            problems += more_problems
    return requirements, problems


# --- dependency groups ---------------------------------------------------------------------------
# PEP 735 (packaging.python.org/en/latest/specifications/dependency-groups): `[dependency-groups]`
# maps a name (compared PEP 503-normalised) to PEP 508 strings and `{include-group = "NAME"}`
# tables; a cycle of includes is an error. uv also reads `[tool.uv] dev-dependencies`, merged
# into `dev` (docs.astral.sh/uv/concepts/projects/dependencies, "Legacy dev-dependencies").


def select_groups(data: dict, options: tuple[str, ...], tool: str) -> tuple[bool, tuple[str, ...]]:
    """(whether the project's own dependencies install too, the group names) for one install.
    `pip install --group NAME` / `uv pip install --group NAME` (`options` are then the names)
    install the groups alone (pip docs, `--group`: "Install a named dependency-group"). `uv sync`
    takes its options as written (`--group=lint`, `--no-dev`, …) over the default groups,
    `[tool.uv] default-groups` or `dev` ("Default groups"): `--group`/`--dev` add one,
    `--all-groups` adds every group, `--no-default-groups` drops the defaults, `--no-group`/
    `--no-dev` remove one whatever else says, and `--only-group`/`--only-dev` install that group
    without the project (docs.astral.sh/uv/reference/cli, `uv sync`)."""
    if tool != "uv sync":
        return False, tuple(normalize_name(name) for name in options)
    uv = data.get("tool", {}).get("uv", {}) if isinstance(data.get("tool"), dict) else {}
    uv = uv if isinstance(uv, dict) else {}
    table = data.get("dependency-groups")
    every = [normalize_name(name) for name in table] if isinstance(table, dict) else []
    if isinstance(uv.get("dev-dependencies"), list):
        every.append("dev")
    defaults = uv.get("default-groups", ["dev"])
    defaults = every if defaults == "all" else [normalize_name(g) for g in defaults if isinstance(g, str)] \
        if isinstance(defaults, list) else ["dev"]
    added, removed, only, all_groups, no_defaults = [], set(), False, False, False
    for option in options:
        name, _, value = option.partition("=")
        value = "dev" if name.endswith("-dev") else normalize_name(value)
        if name in ("--group", "--dev", "--only-group", "--only-dev"):
            added.append(value)
            only = only or name.startswith("--only")
        elif name in ("--no-group", "--no-dev"):
            removed.add(value)
        all_groups = all_groups or name == "--all-groups"
        no_defaults = no_defaults or name == "--no-default-groups"
    chosen = added if only else [*(every if all_groups else []), *([] if no_defaults else defaults), *added]
    return not only, tuple(dict.fromkeys(g for g in chosen if g not in removed))


def _group_dependencies(text: str, data: dict, path: str, names: tuple[str, ...], uv: bool) -> tuple[list, list]:
    """The requirements of the groups `names` (and of those they include), each at its quoted
    string; with `uv`, `[tool.uv] dev-dependencies` in `dev`. A group that does not exist adds
    nothing (pip and uv stop there; envlint has no rule for it)."""
    table = data.get("dependency-groups")
    table = table if isinstance(table, dict) else {}
    groups = {normalize_name(k): (k, v) for k, v in table.items() if isinstance(v, list)}
    header = re.search(r"^[ \t]*\[[ \t]*dependency-groups[ \t]*\]", text, re.MULTILINE)
    start = header.end() if header else 0
    requirements: list = []
    problems: list = []
    done: set[str] = set()

    def add(name: str, chain: tuple[str, ...]) -> None:
        if name in done or name not in groups:
            return
        key, items = groups[name]
        at = re.compile(rf"^[ \t]*[\"']?{re.escape(key)}[\"']?[ \t]*=", re.MULTILINE).search(text, start)
        offset = at.start() if at else start
        if name in chain:
            line, column = _line_column(text, offset + len(at.group(0)) - len(at.group(0).lstrip()) if at else offset)
            problems.append(Problem("include-cycle", f"dependency group '{key}' includes itself: "
                                    f"{' -> '.join((*chain, name))}; pip and uv stop", Location(path, line, column)))
            return
        more, bad = _located(text, [i for i in items if isinstance(i, str)], offset, path)
        requirements.extend(more)
        problems.extend(bad)
        for item in items:
            if isinstance(item, dict) and isinstance(item.get("include-group"), str):
                add(normalize_name(item["include-group"]), (*chain, name))
        done.add(name)

    for name in names:
        add(name, ())
    uv_table = data.get("tool", {}).get("uv") if isinstance(data.get("tool"), dict) else None
    legacy = uv_table.get("dev-dependencies") if isinstance(uv_table, dict) else None
    if uv and "dev" in names and isinstance(legacy, list):
        found = re.search(r"^[ \t]*\[[ \t]*tool[ \t]*\.[ \t]*uv[ \t]*\]", text, re.MULTILINE)
        key = re.compile(r"^[ \t]*dev-dependencies[ \t]*=", re.MULTILINE).search(text, found.end() if found else 0)
        more, bad = _located(text, legacy, key.start() if key else 0, path)
        requirements.extend(more)
        problems.extend(bad)
    return requirements, problems


def _located(text: str, dependencies: list, offset: int, path: str) -> tuple[list[Requirement], list[Problem]]:
    """Each dependency string parsed at its quoted text, searched in order from `offset` (the
    table or key that lists them; a string written with escapes is placed there)."""
    start = offset
    requirements, problems = [], []
    for dependency in dependencies:
        if not isinstance(dependency, str):
            continue
        found = min((i for i in (text.find(q + dependency + q, offset) for q in "\"'") if i >= 0), default=-1)
        if found >= 0:
            offset = found + len(dependency) + 2
            line, column = _line_column(text, found + 1)
        else:
            line, column = _line_column(text, start)
        parsed = requirement_from_string(dependency, Location(path, line, column))
        (requirements if isinstance(parsed, Requirement) else problems).append(parsed)
    return requirements, problems


# --- Poetry's own table -------------------------------------------------------------------------
# A Poetry project without [project].dependencies lists them in [tool.poetry.dependencies], with
# Poetry's constraint syntax; both `poetry install` (without a lock) and `pip install .` (through
# poetry-core) install them. python-poetry.org/docs/dependency-specification, "Version constraints".

_POETRY_TOKEN = re.compile(r"(\^|~=|~|===|==|!=|>=|<=|>|<|=)?\s*(\*|[0-9][0-9A-Za-z.*+!-]*)")
_CONDITIONAL = ("python", "platform", "markers", "optional", "git", "path", "url", "file", "source", "develop")


def poetry_constraint(constraint: str) -> str | None:
    """A Poetry version constraint as a PEP 440 specifier ("" for any version), or None when it
    has no PEP 440 form (`||`) or cannot be read. Per Poetry's docs: `^1.2.3` is >=1.2.3,<2.0.0
    (the left-most non-zero part may not change; `^0.2.3` is <0.3.0, `^0.0` <0.1.0); `~1.2.3`
    and `~1.2` are <1.3.0, `~1` <2.0.0; `1.2.*` is ==1.2.*; a bare `1.2.3` is exactly ==1.2.3."""
    constraint = constraint.strip()
    if "||" in constraint or "|" in constraint:
        return None  # an "or" of ranges: PEP 440 specifiers cannot say it
    parts, position = [], 0
    for piece in (p.strip() for p in constraint.split(",")):
        for match in _POETRY_TOKEN.finditer(piece):
            if piece[position:match.start()].strip():
                return None
            position = match.end()
            parts += _poetry_specifiers(match.group(1) or "", match.group(2))
        if piece[position:].strip():
            return None
        position = 0
    if any(p is None for p in parts):
        return None
    from packaging.specifiers import InvalidSpecifier, SpecifierSet

    try:
        return str(SpecifierSet(",".join(parts)))
    except InvalidSpecifier:
        return None


def _poetry_specifiers(operator: str, version: str) -> list[str | None]:
    if version == "*":
        return [] if operator in ("", "==", "=") else [None]
    release = [int(n) for n in re.match(r"[0-9]+(?:\.[0-9]+)*", version).group(0).split(".")]
    if operator == "^":
        if len(release) == 1:
            upper = [release[0] + 1]
        else:
            first = next((i for i, n in enumerate(release) if n), len(release) - 1)
            upper = release[:first] + [release[first] + 1]
        return [f">={version}", "<" + _dotted(upper)]
    if operator == "~":
        upper = [release[0] + 1] if len(release) == 1 else [release[0], release[1] + 1]
        return [f">={version}", "<" + _dotted(upper)]
    if operator in ("", "="):
        return [f"=={version}"]  # "1.2.3" means exactly 1.2.3; "1.2.*" a wildcard
    return [f"{operator}{version}"]


def _dotted(release: list[int]) -> str:
    return ".".join(map(str, release + [0] * (3 - len(release))))


def _poetry_dependencies(text: str, data: dict, path: str) -> list[Requirement]:
    """[tool.poetry.dependencies], each at its key; `python` (the interpreter), optional ones
    (installed only through an extra), conditional ones (`python`/`markers`) and ones from git, a
    path or a URL are left out: what they install depends on what envlint does not know."""
    tool = data.get("tool")
    poetry = tool.get("poetry") if isinstance(tool, dict) else None
    table = poetry.get("dependencies") if isinstance(poetry, dict) else None
    if not isinstance(table, dict):
        return []
    header = re.search(r"^\s*\[\s*tool\s*\.\s*poetry\s*\.\s*dependencies\s*\]", text, re.MULTILINE)
    start = header.end() if header else 0
    requirements = []
    for name, value in table.items():
        if name.lower() == "python":
            continue
        if isinstance(value, dict):
            if any(key in value for key in _CONDITIONAL) or not isinstance(value.get("version"), str):
                continue
            value = value["version"]
        if not isinstance(value, str):
            continue  # a list of constraints, one per Python or platform
        specifier = poetry_constraint(value)
        if specifier is None:
            continue
        key = re.compile(rf"^[ \t]*[\"']?{re.escape(name)}[\"']?[ \t]*=", re.MULTILINE).search(text, start)
        line, column = _line_column(text, key.start() + len(key.group(0)) - len(key.group(0).lstrip())) if key else (1, 1)
        parsed = requirement_from_string(f"{name}{specifier}", Location(path, line, column))
        if isinstance(parsed, Requirement):
            requirements.append(replace(parsed, text=f"{name} = {value!r}"))
    return requirements

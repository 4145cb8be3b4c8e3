"""pyproject.toml dependencies and lock files (uv.lock, poetry.lock) as located requirements.

`pip install .` installs a project's `[project].dependencies` (PEP 621); `uv sync` installs
exactly the versions in uv.lock, `poetry install` those in poetry.lock (docs.astral.sh/uv
"Locking and syncing"; python-poetry.org/docs/basic-usage "Installing dependencies"). TOML
parsers give values without positions, so each value is located afterwards in the text: a lock
file's `[[package]]` tables are found in order, a dependency string by its quoted text.
"""

from __future__ import annotations

import re
import sys

from envlint.extract.requirements import requirement_from_string
from envlint.facts import Location, Problem, Requirement, normalize_name
from envlint.repo import ReadError, Repo

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - exercised on 3.10 only
    import tomli as tomllib

LOCK_FILES = {"uv sync": "uv.lock", "poetry install": "poetry.lock", "poetry sync": "poetry.lock"}
_PACKAGE_TABLE = re.compile(r"^[ \t]*(\[\[[ \t]*package[ \t]*\]\])", re.MULTILINE)
_LOCAL_SOURCES = ("editable", "virtual", "directory")  # uv.lock: the project itself, not a download


def _load(repo: Repo, path: str) -> tuple[str, dict] | Problem:
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


def project_dependencies(repo: Repo, path: str) -> tuple[list[Requirement], list[Problem]]:
    """The PEP 621 `[project].dependencies` of a pyproject.toml, each at its quoted string."""
    loaded = _load(repo, path)
    if isinstance(loaded, Problem):
        return [], [loaded]
    text, data = loaded
    project = data.get("project")
    dependencies = project.get("dependencies") if isinstance(project, dict) else None
    if not isinstance(dependencies, list):
        return [], []
    table = re.search(r"^\[\s*project\s*\]", text, re.MULTILINE)
    key = re.compile(r"^\s*dependencies\s*=", re.MULTILINE).search(text, table.end() if table else 0)
    offset = key.start() if key else 0
    requirements, problems = [], []
    for dependency in dependencies:
        if not isinstance(dependency, str):
            continue
        found = min((i for i in (text.find(q + dependency + q, offset) for q in "\"'") if i >= 0), default=-1)
        if found >= 0:
            offset = found + len(dependency) + 2
            line, column = _line_column(text, found + 1)
        else:  # written with escapes: point at the key
            line, column = _line_column(text, key.start()) if key else (1, 1)
        parsed = requirement_from_string(dependency, Location(path, line, column))
        (requirements if isinstance(parsed, Requirement) else problems).append(parsed)
    return requirements, problems

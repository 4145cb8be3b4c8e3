"""Variable names from `.env.example`-style templates (what the authors expect to be set at run
time) and from the env files a docker-compose service names (`env_file:`). Only names are kept;
values are dropped as they are read. A real `.env` (which holds values, often secrets) is opened
only when a compose file names it, and then read past the cache other readers share, so no
later reader (`--show-source`) can print its text.
"""

from __future__ import annotations

import posixpath
import re

from envlint.facts import DeclaredVar, Location, Problem
from envlint.repo import ReadError, Repo, decode, read_bytes

TEMPLATE_NAMES = frozenset({".env.example", ".env.sample", ".env.template", ".env.dist", "env.example",
                            "example.env", "sample.env"})
_LINE = re.compile(r"[ \t]*(?:export[ \t]+)?([A-Za-z_][A-Za-z0-9_]*)[ \t]*(?:=|$)")


def is_template(path: str) -> bool:
    return posixpath.basename(path) in TEMPLATE_NAMES


def declared_in_template(repo: Repo, path: str) -> tuple[list[DeclaredVar], list[Problem]]:
    """`KEY=value`, `export KEY=value` and bare `KEY` lines, each at its key. Quoted values that
    span lines are not followed (a continuation line that looks like `KEY=` would count)."""
    try:
        text = repo.read_text(path)
    except ReadError:
        return [], []  # a template is a hint, not a deploy file: an undecodable one is skipped
    return _names(text, path), []


def declared_in_env_file(repo: Repo, path: str) -> list[DeclaredVar]:
    """The names an env file sets, each at its key, in the same line grammar as a template;
    nothing when it is missing (often it is git-ignored), unreadable or outside the repository."""
    if repo.normalize(path) is None:
        return []
    try:
        text = decode(read_bytes(str(repo.root / path), path), path)
    except ReadError:
        return []
    return _names(text, path)


def _names(text: str, path: str) -> list[DeclaredVar]:
    found = []
    for number, line in enumerate(text.splitlines(), 1):
        match = _LINE.match(line)
        if match:
            start = match.start(1) + 1
            found.append(DeclaredVar(match[1], path, Location(path, number, start, number, start + len(match[1]))))
    return found

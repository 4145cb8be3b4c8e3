"""Heroku's Procfile: its `web:` process, read like a start command.

Render never reads a Procfile (render-blueprint.md §7.2: the start command comes from
`startCommand` or the Dashboard); envlint reads it to tell when it says something else than
what Render runs, and for the variables its command names.
"""

from __future__ import annotations

import re

from envlint.extract.commands import analyze_shell
from envlint.facts import Command, SourceText
from envlint.repo import ReadError, Repo

_PROCESS = re.compile(r"[ \t]*web[ \t]*:[ \t]*")


def parse_procfile(repo: Repo, path: str) -> Command | None:
    """The `web:` process line as a Command (the last one, as Heroku keeps it); None when
    there is none or the file cannot be decoded."""
    try:
        text = repo.read_text(path)
    except ReadError:
        return None
    found = None
    for number, line in enumerate(text.splitlines(), 1):
        match = _PROCESS.match(line)
        if match and line[match.end():].strip():
            command = line[match.end():].rstrip()
            found = analyze_shell("Procfile web", SourceText.single(path, command, number, match.end() + 1))
    return found

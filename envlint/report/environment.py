"""`envlint env`: each build's variables, their values (secrets masked) and where they come from."""

from __future__ import annotations

import json

from envlint import __version__
from envlint.environment import Resolved

TYPE_CHECKING = False  # typing costs ~4 ms at start-up; the names are for type checkers only
if TYPE_CHECKING:
    from typing import TextIO


def _explain(variable: Resolved) -> str:
    where = f" ({variable.location})" if variable.location is not None else ""
    text = f"{variable.origin}{where}"
    if variable.kind == "unset" and variable.required:
        text = f"required by the spec, but nothing sets it{where}"
    if variable.shadowed:
        text += "; beats " + ", ".join(str(loc) for loc in variable.shadowed)
    return text


def write_text(views: list[tuple[str, list[Resolved]]], stream: TextIO) -> None:
    if not views:
        stream.write("No service or Dockerfile found.\n")
    for index, (name, variables) in enumerate(views):
        stream.write(("\n" if index else "") + f"{name}\n")
        pairs = [(f"{v.name}={v.shown}", _explain(v)) for v in variables]
        width = max((len(left) for left, _ in pairs), default=0)
        for left, right in pairs:
            stream.write(f"  {left.ljust(width)}  {right}\n")
        if not pairs:
            stream.write("  (no variables)\n")


def _location(location) -> dict | None:
    if location is None:
        return None
    return {"path": location.path, "line": location.line, "column": location.column}


def write_json(views: list[tuple[str, list[Resolved]]], stream: TextIO) -> None:
    document = {
        "version": __version__,
        "builds": [
            {
                "name": name,
                "variables": [
                    {
                        "name": v.name,
                        "value": v.shown,
                        "source": v.kind,
                        "origin": v.origin,
                        "location": _location(v.location),
                        "secret": v.secret,
                        "required": v.required,
                        "shadowed": [_location(loc) for loc in v.shadowed],
                    }
                    for v in variables
                ],
            }
            for name, variables in views
        ],
    }
    json.dump(document, stream, indent=2, ensure_ascii=False)
    stream.write("\n")

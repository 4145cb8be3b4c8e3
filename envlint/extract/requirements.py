"""Requirements files, read with pip's grammar (../shared/docs/requirements-grammar.md)."""

from __future__ import annotations

from packaging.requirements import InvalidRequirement
from packaging.requirements import Requirement as PackagingRequirement

from envlint.facts import Location, Problem, Requirement, normalize_name


def requirement_from_string(
    text: str, location: Location, *, editable: bool = False, constraint: bool = False
) -> Requirement | Problem:
    """A PEP 508 requirement string as a located `Requirement`, or a `Problem` saying why it is
    not one (pip's own hint for `=`: "= is not a valid operator. Did you mean == ?")."""
    try:
        parsed = PackagingRequirement(text)
    except InvalidRequirement as exc:
        hint = ""
        if "=" in text and "==" not in text and not any(op in text for op in ("<=", ">=", "!=", "~=")):
            hint = " (= is not a valid operator; did you mean == ?)"
        detail = str(exc).splitlines()[0]
        return Problem("requirement-syntax", f"invalid requirement {text!r}: {detail}{hint}", location)
    return Requirement(
        name=normalize_name(parsed.name),
        specifier=str(parsed.specifier),
        text=text,
        location=location,
        marker=str(parsed.marker) if parsed.marker else None,
        url=parsed.url,
        extras=tuple(sorted(parsed.extras)),
        editable=editable,
        constraint=constraint,
    )

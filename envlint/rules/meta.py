"""EL9xx: findings about envlint's own suppression comments.

They are real rules, so `envlint rule`, the README table, `select`/`ignore` and SARIF cover them,
but no fact produces them: `envlint.suppress` reports them after every other rule has run, once
it knows which comments suppressed something. Their checks here yield nothing.
"""

from __future__ import annotations

from envlint.findings import Severity
from envlint.rules.base import rule


@rule("EL901", "unused-suppression", Severity.WARNING)
def unused_suppression(facts, spec):
    """An `# envlint: ignore[CODE]` comment that suppresses nothing.

    What it does: after every rule has run, reports each code in a suppression comment that
    matched no finding on the comment's line (or, for a comment on a line of its own, the line
    below it).

    Why is this bad? A stale suppression hides nothing today but will silently hide the next
    real problem of that kind on that line; it also tells readers a problem exists that does not.

    Example: `# envlint: ignore[EL103]` above a `RUN pip install` that no longer replaces a pin.

    Use instead: delete the comment, or the codes in it that no longer apply. (EL9xx findings
    cannot be suppressed by comments; turn them off with `ignore` in `[tool.envlint]`.)"""
    return ()


@rule("EL902", "unknown-code-in-suppression", Severity.WARNING)
def unknown_code_in_suppression(facts, spec):
    """An `# envlint: ignore[...]` comment that names no known rule code.

    What it does: reports each code in a suppression comment that is not an envlint rule
    (`envlint rule --all` lists them), and a suppression comment with no `[CODE]` list at all.

    Why is this bad? A misspelt code suppresses nothing: the finding the comment meant to hide is
    still reported, and the comment misleads. Suppressions always name the codes they hide, so a
    blanket ignore never hides problems nobody looked at.

    Example: `# envlint: ignore[EL13]` or `# envlint: ignore` with no codes.

    Use instead: the exact code of the finding, e.g. `# envlint: ignore[EL103] pinned on purpose`."""
    return ()


RULES = (unused_suppression, unknown_code_in_suppression)

"""The registry: every rule, in code order. A code is never reused."""

from envlint.rules import code, env, files, local, meta, network, parse, pins, python

ALL_RULES = (
    *parse.RULES, *pins.RULES, *network.RULES, *local.RULES, *env.RULES, *code.RULES, *python.RULES, *files.RULES,
    *meta.RULES,
)


def rule_table() -> str:
    """The README's rule table, generated from the rules themselves (a test keeps them equal)."""
    rows = ["| code | name | severity | what it reports |", "|---|---|---|---|"]
    rows += [f"| {r.code} | {r.name} | {r.severity.value} | {r.summary} |" for r in ALL_RULES]
    return "\n".join(rows) + "\n"

"""A rule's documentation, from its docstring: the one source for `envlint rule`, the README's rule
table and SARIF's rule descriptions (the way `ruff rule` renders its rule docs).

A docstring is a summary paragraph, then paragraphs that open with the section headings below;
a paragraph that opens with none continues the section before it.
"""

from __future__ import annotations

import re

from envlint.rules.base import Rule

_LOWER_CASE_NAMES = ("pip", "uv", "pipx", "poetry", "gunicorn", "uvicorn", "python")
HEADINGS = ("What it does", "Why is this bad?", "Example", "Use instead")


def sections(rule: Rule) -> dict[str, str]:
    """{heading: text} in docstring order; "" holds the summary."""
    found: dict[str, list[str]] = {"": []}
    current = ""
    for paragraph in rule.doc.split("\n\n"):
        for heading in HEADINGS:
            marker = heading if heading.endswith("?") else heading + ":"
            if paragraph.startswith(marker):
                current, paragraph = heading, paragraph[len(marker):].strip()
                found[current] = []
                break
        found[current].append(paragraph)
    return {heading: _capitalized("\n\n".join(parts)) for heading, parts in found.items()}


def _capitalized(text: str) -> str:
    """`What it does: compares …` reads as a sentence under its heading: `Compares …`; names
    that are lower case (`pip`, `requirements.txt`, `` `RUN` ``) stay as written."""
    word = re.match(r"[a-z]+(?=[\s,;:])", text)
    if word is None or word.group() in _LOWER_CASE_NAMES:
        return text
    return text[:1].upper() + text[1:]


def markdown(rule: Rule) -> str:
    """`envlint rule CODE`: a Markdown page, readable as plain text too."""
    parts = sections(rule)
    lines = [f"# {rule.name} ({rule.code})", "", f"Default severity: {rule.severity.value}", "", parts[""]]
    for heading in HEADINGS:
        if parts.get(heading):
            lines += ["", f"## {heading}", "", parts[heading]]
    return "\n".join(lines) + "\n"


def as_dict(rule: Rule) -> dict:
    return {
        "code": rule.code,
        "name": rule.name,
        "severity": rule.severity.value,
        "summary": rule.summary,
        "explanation": markdown(rule),
    }

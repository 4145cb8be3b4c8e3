"""Write a small repository for a test: {relative path: text or bytes}."""

from __future__ import annotations

import textwrap
from pathlib import Path


def write_tree(root: Path, files: dict[str, str | bytes], *, dedent: bool = False) -> Path:
    """Bytes are written as given; text as UTF-8 with its line endings kept exactly (`\\r` too),
    after `textwrap.dedent` and dropping a leading newline when `dedent` (for triple-quoted
    blocks)."""
    for name, content in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, str):
            content = (textwrap.dedent(content).lstrip("\n") if dedent else content).encode("utf-8")
        path.write_bytes(content)
    return root

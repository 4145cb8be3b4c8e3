"""The checked repository on disk: the only place extractors read from.

Everything goes through `Repo` so that no path outside the repository root is ever read (a
`../../etc/passwd` in a deploy file, or a symlink out of the tree, is reported, not followed) and
every file is decoded the same way.
"""

from __future__ import annotations

import codecs
import os
import posixpath
from pathlib import Path

# Longest BOM first: the UTF-32-LE BOM starts with the UTF-16-LE one (pip's req_file.py does the same).
_BOMS = (
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF32_LE, "utf-32-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
)

SKIP_DIRS = frozenset(
    {".git", ".hg", ".svn", "node_modules", "__pycache__", ".venv", "venv", ".tox", ".nox",
     ".mypy_cache", ".pytest_cache", ".ruff_cache", "site-packages", "dist", "build"}
)


class ReadError(Exception):
    """A file that exists in the repository's view but cannot be read or decoded."""


class Repo:
    def __init__(self, root: Path):
        self.root = root.resolve()
        self._cache: dict[str, str] = {}

    def normalize(self, path: str, base: str = "") -> str | None:
        """Repository-relative POSIX form of `path` (relative to the repo directory `base`),
        or None when it leaves the repository, lexically or through a symlink."""
        joined = posixpath.normpath(posixpath.join(base, path.replace("\\", "/")))
        if posixpath.isabs(joined) or joined == ".." or joined.startswith("../"):
            return None
        real = (self.root / joined).resolve()
        if real != self.root and self.root not in real.parents:
            return None
        return "" if joined == "." else joined

    def exists(self, relpath: str) -> bool:
        return (self.root / relpath).exists()

    def is_file(self, relpath: str) -> bool:
        return (self.root / relpath).is_file()

    def read_text(self, relpath: str) -> str:
        """Decoded text of a repository file (BOM-aware, UTF-8 by default); cached, so each
        file is read once however many extractors look at it."""
        if relpath in self._cache:
            return self._cache[relpath]
        try:
            data = (self.root / relpath).read_bytes()
        except OSError as exc:
            raise ReadError(f"{relpath}: cannot read: {exc.strerror or exc}") from None
        text = decode(data, relpath)
        self._cache[relpath] = text
        return text

    def walk(self):
        """Repository-relative paths of all files, skipping VCS, virtualenv and cache folders,
        in a stable order; symlinked directories are not followed."""
        for dirpath, dirnames, filenames in os.walk(self.root):
            dirnames[:] = sorted(
                d for d in dirnames
                if d not in SKIP_DIRS and not (Path(dirpath) / d / "pyvenv.cfg").exists()
            )
            rel = Path(dirpath).relative_to(self.root).as_posix()
            for name in sorted(filenames):
                yield name if rel == "." else f"{rel}/{name}"


def decode(data: bytes, name: str) -> str:
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            try:
                return data[len(bom):].decode(encoding)
            except UnicodeDecodeError as exc:
                raise ReadError(f"{name}: not valid {encoding}: {exc.reason} at byte {exc.start}") from None
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise ReadError(f"{name}: not valid UTF-8 ({exc.reason} at byte {exc.start}); save it as UTF-8") from None

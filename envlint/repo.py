"""The checked repository on disk: the only place extractors read from.

Everything goes through `Repo` so that no path outside the repository root is ever read (a
`../../etc/passwd` in a deploy file, or a symlink out of the tree, is reported, not followed) and
every file is decoded the same way.
"""

from __future__ import annotations

import codecs
import os
import posixpath
import stat
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


# Far above any deploy file (a 1,000-service render.yaml is 0.4 MB), below what would take minutes
# and gigabytes to parse. YAML, the costliest to parse, has a lower limit (yamlload.MAX_YAML_CHARS).
MAX_FILE_BYTES = 32 * 1024 * 1024


class ReadError(Exception):
    """A file that exists in the repository's view but cannot be read or decoded."""


def read_bytes(path: str, shown: str) -> bytes:
    """A regular file's bytes. A FIFO or device (a read could block or never end) and a file over
    MAX_FILE_BYTES (minutes and gigabytes to parse) are refused, unread, with ReadError."""
    try:
        info = os.stat(path)
        if not stat.S_ISREG(info.st_mode):
            raise ReadError(f"{shown}: not a regular file")
        data = b""
        if info.st_size <= MAX_FILE_BYTES:
            # A read sized by stat, through the file descriptor: a file object costs more than the
            # read itself (8 against 3 µs a file), and `read(MAX_FILE_BYTES + 1)` allocated 32 MB.
            fd = os.open(path, os.O_RDONLY | getattr(os, "O_BINARY", 0))
            try:
                data = os.read(fd, info.st_size + 1)
                while info.st_size < len(data) <= MAX_FILE_BYTES:  # it grew since: read on, bounded
                    more = os.read(fd, MAX_FILE_BYTES + 1 - len(data))
                    if not more:
                        break
                    data += more
            finally:
                os.close(fd)
    except OSError as exc:
        raise ReadError(f"{shown}: cannot read: {exc.strerror or exc}") from None
    if max(info.st_size, len(data)) > MAX_FILE_BYTES:
        raise ReadError(f"{shown}: too large to check ({max(info.st_size, len(data)):,} bytes; "
                        f"envlint reads files of up to {MAX_FILE_BYTES:,})")
    return data


class Repo:
    def __init__(self, root: Path):
        self.root = root.resolve()
        self._root = str(self.root)
        self._inside_prefix = self._root.rstrip(os.sep) + os.sep
        self._cache: dict[str, str] = {}
        # normalized path -> whether its real path is inside. `walk` fills it for what it meets
        # through real directories, no symlink on the way: realpath's lstat per path component was
        # 4 % of a 1,000-service check.
        self._inside: dict[str, bool] = {}
        self._walked: set[str] = set()  # the regular files among those: `is_file` without a stat
        self._files: list[str] | None = None

    def normalize(self, path: str, base: str = "") -> str | None:
        """Repository-relative POSIX form of `path` (relative to the repo directory `base`),
        or None when it leaves the repository, lexically or through a symlink."""
        joined = posixpath.normpath(posixpath.join(base, path.replace("\\", "/")))
        if posixpath.isabs(joined) or joined == ".." or joined.startswith("../"):
            return None
        if joined not in self._inside:  # symlinks do not move during a check: resolve each path once
            real = os.path.realpath(os.path.join(self._root, joined))
            self._inside[joined] = real == self._root or real.startswith(self._inside_prefix)
        if not self._inside[joined]:
            return None
        return "" if joined == "." else joined

    def exists(self, relpath: str) -> bool:
        return os.path.exists(os.path.join(self._root, relpath))

    def is_file(self, relpath: str) -> bool:
        return relpath in self._walked or os.path.isfile(os.path.join(self._root, relpath))

    def read_text(self, relpath: str) -> str:
        """Decoded text of a repository file (BOM-aware, UTF-8 by default); cached, so each
        file is read once however many extractors look at it."""
        if relpath in self._cache:
            return self._cache[relpath]
        if self.normalize(relpath) is None:  # a symlink out of the tree
            raise ReadError(f"{relpath}: leads outside the repository; not read")
        text = decode(read_bytes(os.path.join(self._root, relpath), relpath), relpath)
        self._cache[relpath] = text
        return text

    def walk(self) -> list[str]:
        """Repository-relative paths of all files, skipping VCS, virtualenv and cache folders,
        in a stable order (a directory's files, then its subdirectories, each sorted by name);
        symlinked directories are not followed, as in `os.walk`. A directory that cannot be
        listed raises ReadError: the files in it would otherwise go unchecked, silently. Listed
        once: the check and the suppressions both walk."""
        if self._files is None:
            self._files = list(self._scan())
        return self._files

    def _scan(self):
        pending = [""]
        while pending:
            rel = pending.pop()
            try:
                with os.scandir(os.path.join(self._root, rel) if rel else self._root) as entries:
                    entries = sorted(entries, key=lambda entry: entry.name)
            except OSError as exc:
                shown = f"{rel}/" if rel else str(self.root)
                raise ReadError(f"{shown}: cannot read directory: {exc.strerror or exc}") from None
            if rel and any(entry.name == "pyvenv.cfg" for entry in entries):
                continue  # a virtual environment: installed packages, not the repository's code
            subdirs = []
            for entry in entries:
                path = f"{rel}/{entry.name}" if rel else entry.name
                if _is_dir(entry):
                    if entry.name not in SKIP_DIRS and not entry.is_symlink():
                        subdirs.append(path)
                        self._inside[path] = True
                    continue
                if not entry.is_symlink():
                    self._inside[path] = True
                    if entry.is_file(follow_symlinks=False):
                        self._walked.add(path)
                yield path
            pending.extend(reversed(subdirs))


def _is_dir(entry: os.DirEntry) -> bool:
    """`os.walk`'s test: a directory or a symlink to one; an entry that cannot be tested is a file."""
    try:
        return entry.is_dir()
    except OSError:
        return False


def byte_order_mark(data: bytes) -> tuple[bytes, str]:
    """The BOM `data` starts with and the encoding it names; (b"", "utf-8") when none."""
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            return bom, encoding
    return b"", "utf-8"


def decode(data: bytes, name: str) -> str:
    bom, encoding = byte_order_mark(data)
    if bom:
        try:
            return data[len(bom):].decode(encoding)
        except UnicodeDecodeError as exc:
            raise ReadError(f"{name}: not valid {encoding}: {exc.reason} at byte {exc.start}") from None
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise ReadError(f"{name}: not valid UTF-8 ({exc.reason} at byte {exc.start}); save it as UTF-8") from None

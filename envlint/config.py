"""`[tool.envlint]` in pyproject.toml: which rules run, at what severity, where, and when envlint
fails. Post-processing of the findings list; the engine knows nothing of it.

Discovery walks up from the checked PATH to the repository root (the first directory holding
`.git`, or PATH itself when there is none) and takes the closest pyproject.toml that has a
`[tool.envlint]` table, as mypy stops at the repository root and ruff skips a pyproject.toml
without its table (integrations.md §4.2). Command-line flags replace the file's values.

Rule selectors are codes or code prefixes (`EL1` is every EL1xx rule). Between `select` and
`ignore` the longest matching selector wins, `ignore` on a tie, as in ruff; a selector that
matches no rule is an error (exit 2), as in ruff, not silently accepted as in flake8 (§4.5).
"""

from __future__ import annotations

import fnmatch
import functools
import os
import posixpath
import re
from pathlib import Path

from envlint.findings import Finding, Severity
from envlint.record import field, record, replace

FAIL_ON = ("error", "warning", "info", "never")
_RANK = {Severity.INFO: 0, Severity.WARNING: 1, Severity.ERROR: 2}
KEYS = ("select", "ignore", "severity", "per-file-ignores", "fail-on", "exclude")


class ConfigError(Exception):
    """A configuration envlint cannot use; the message names the file and line (exit 2)."""


@record(frozen=True)
class Config:
    select: tuple[str, ...] | None = None  # None: every rule
    ignore: tuple[str, ...] = ()
    severity: dict[str, Severity] = field(default_factory=dict)
    per_file_ignores: tuple[tuple[str, tuple[str, ...]], ...] = ()
    fail_on: str = "error"
    prefix: str = ""  # the checked PATH relative to the config file's directory, for per-file patterns
    exclude: tuple[str, ...] = ()  # globs of Python files the code scan does not read (besides tests)


def find_root(path: Path) -> Path:
    """The repository root: the nearest directory at or above PATH holding `.git` (a directory,
    or a file in worktrees and submodules); PATH itself when there is none."""
    start = path.resolve()
    for directory in (start, *start.parents):
        if (directory / ".git").exists():
            return directory
    return start


def discover(path: Path, root: Path) -> Path | None:
    """The closest pyproject.toml with a `[tool.envlint]` table, from PATH up to `root`."""
    start = path.resolve()
    for directory in (start, *start.parents):
        candidate = directory / "pyproject.toml"
        if candidate.is_file() and "envlint" in _read(candidate) and _table(candidate) is not None:
            return candidate
        if directory == root:
            return None
    return None


def load(file: Path, checked: Path) -> Config:
    """The Config in `file`'s `[tool.envlint]`; ConfigError names file:line when it is wrong."""
    table = _table(file)
    if table is None:
        raise ConfigError(f"{_shown(file)}: no [tool.envlint] table")
    where = _Locator(file)
    if not isinstance(table, dict):
        raise ConfigError(f"{where('envlint')}: tool.envlint must be a table")
    for key in table:
        if key not in KEYS:
            raise ConfigError(f"{where(key)}: unknown key {key!r} in [tool.envlint] (known: {', '.join(KEYS)})")
    fail_on = table.get("fail-on", "error")
    if fail_on not in FAIL_ON:
        raise ConfigError(f"{where('fail-on')}: fail-on must be one of {', '.join(FAIL_ON)}, got {fail_on!r}")
    return Config(
        select=_selectors(table["select"], "select", where) if "select" in table else None,
        ignore=_selectors(table.get("ignore", []), "ignore", where),
        severity=_severities(table.get("severity", {}), where),
        per_file_ignores=_per_file(table.get("per-file-ignores", {}), where),
        fail_on=fail_on,
        prefix=relative(checked, file.parent),
        exclude=_globs(table.get("exclude", []), where),
    )


def excluded(path: str, config: Config) -> bool:
    """Whether the code scan leaves out `path` (relative to the checked PATH): `exclude` globs
    match as per-file-ignores do; a directory's glob (`scripts/` or `scripts`) covers its files."""
    full = posixpath.normpath(posixpath.join(config.prefix, path))
    for pattern in config.exclude:
        directory = pattern.removeprefix("./").rstrip("/")
        if _path_matches(pattern.rstrip("/"), full) or full.startswith(directory + "/"):
            return True
    return False


def parse_selectors(values: tuple[str, ...], option: str) -> tuple[str, ...]:
    """`--select EL1,EL201 --select EL3` from the command line; exit 2 on an unknown selector."""
    selectors = tuple(s.strip() for value in values for s in value.split(",") if s.strip())
    for selector in selectors:
        if not _known(selector):
            raise ConfigError(f"{option}: unknown rule code or prefix {selector!r} (see envlint rule --all)")
    return selectors


def apply(findings: list[Finding], config: Config) -> list[Finding]:
    """The findings the configuration keeps, with its severities."""
    return [shown for finding in findings if (shown := configured(finding, config)) is not None]


def configured(finding: Finding, config: Config) -> Finding | None:
    """The finding as the configuration reports it, or None when it turns it off."""
    if not _enabled(finding.code, config.select, config.ignore):
        return None
    path = posixpath.normpath(posixpath.join(config.prefix, finding.location.path))
    if any(_match_length(finding.code, codes) >= 0
           for pattern, codes in config.per_file_ignores if _path_matches(pattern, path)):
        return None  # a per-file ignore is an exception to the selection, whatever its length
    level = _longest(finding.code, config.severity)
    return replace(finding, severity=config.severity[level]) if level is not None else finding


def fails(findings: list[Finding], fail_on: str) -> bool:
    if fail_on == "never":
        return False
    threshold = _RANK[Severity(fail_on)]
    return any(_RANK[f.severity] >= threshold for f in findings)


# --- selection --------------------------------------------------------------------------------

def _enabled(code: str, select: tuple[str, ...] | None, ignore: tuple[str, ...]) -> bool:
    selected = 0 if select is None else _match_length(code, select)
    return selected >= 0 and selected > _match_length(code, ignore)


def _match_length(code: str, selectors) -> int:
    """Length of the longest selector that is a prefix of `code`; -1 when none is."""
    return max((len(s) for s in selectors if code.startswith(s)), default=-1)


def _longest(code: str, selectors) -> str | None:
    matching = [s for s in selectors if code.startswith(s)]
    return max(matching, key=len) if matching else None


def _known(selector: str) -> bool:
    from envlint.rules import ALL_RULES

    return bool(selector) and any(rule.code.startswith(selector) for rule in ALL_RULES)


def _path_matches(pattern: str, path: str) -> bool:
    """fnmatch on the path relative to the config file (`*` also crosses `/`); a pattern without
    `/` also matches the file name alone, so `Dockerfile` means every Dockerfile."""
    pattern = pattern.removeprefix("./")
    if fnmatch.fnmatchcase(path, pattern):
        return True
    return "/" not in pattern and fnmatch.fnmatchcase(posixpath.basename(path), pattern)


# --- reading the file -------------------------------------------------------------------------

def _selectors(value, key: str, where) -> tuple[str, ...]:
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise ConfigError(f"{where(key)}: {key} must be a list of rule codes, e.g. [\"EL1\", \"EL201\"]")
    for selector in value:
        if not _known(selector):
            raise ConfigError(f"{where(selector, quoted=True)}: unknown rule code or prefix {selector!r} in {key}")
    return tuple(value)


def _severities(value, where) -> dict[str, Severity]:
    if not isinstance(value, dict):
        raise ConfigError(f"{where('severity')}: severity must be a table of code = \"error|warning|info\"")
    levels = {}
    for selector, level in value.items():
        if not _known(selector):
            raise ConfigError(f"{where(selector)}: unknown rule code or prefix {selector!r} in severity")
        if level not in ("error", "warning", "info"):
            raise ConfigError(
                f"{where(selector)}: severity of {selector} must be error, warning or info, got {level!r}")
        levels[selector] = Severity(level)
    return levels


def _globs(value, where) -> tuple[str, ...]:
    if not isinstance(value, list) or not all(isinstance(v, str) and v for v in value):
        raise ConfigError(f"{where('exclude')}: exclude must be a list of globs, e.g. [\"scripts/\", \"*_local.py\"]")
    return tuple(value)


def _per_file(value, where) -> tuple[tuple[str, tuple[str, ...]], ...]:
    if not isinstance(value, dict):
        raise ConfigError(f"{where('per-file-ignores')}: per-file-ignores must be a table of \"glob\" = [codes]")
    return tuple((pattern, _selectors(codes, pattern, where)) for pattern, codes in value.items())


@functools.lru_cache(maxsize=None)  # discovery, loading and locating errors read a file once a process
def _read(file: Path) -> str:
    try:
        return file.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError as exc:  # worded as repo.decode words it for the files it reads
        raise ConfigError(f"{_shown(file)}: not valid UTF-8 ({exc.reason} at byte {exc.start}); save it as UTF-8") from None
    except OSError as exc:
        raise ConfigError(f"{_shown(file)}: cannot read: {exc.strerror or exc}") from None


@functools.lru_cache(maxsize=None)
def _table(file: Path):
    """`tool.envlint` of a TOML file, or None. Only called for a file that mentions envlint."""
    try:
        import tomllib
    except ModuleNotFoundError:  # Python 3.10
        import tomli as tomllib
    text = _read(file)
    try:
        document = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        # tomllib ends its message with "(at line L, column C)" or "(at end of document)"
        match = re.search(r"\s*\(at (?:line (\d+), column (\d+)|end of document)\)$", str(exc))
        place = _shown(file)
        if match:
            place += f":{match[1]}:{match[2]}" if match[1] else f":{max(len(text.splitlines()), 1)}"
        reason = str(exc)[: match.start()] if match else str(exc)
        raise ConfigError(f"{place}: invalid TOML: {reason}") from None
    except RecursionError:  # tomllib recurses per nested array or inline table
        raise ConfigError(f"{_shown(file)}: invalid TOML: arrays or inline tables nested too deep to read") from None
    tool = document.get("tool")
    return tool.get("envlint") if isinstance(tool, dict) else None


class _Locator:
    """`file:line` of a key or value inside `[tool.envlint]`; tomllib keeps no positions, so the
    text is searched, from the table's header on."""

    def __init__(self, file: Path):
        self.file = file
        self.lines = _read(file).splitlines()
        header = re.compile(r"^\s*\[\s*tool\s*\.\s*envlint\s*[\].]")
        self.start = next((i for i, line in enumerate(self.lines) if header.match(line)), 0)

    def __call__(self, needle: str, quoted: bool = False) -> str:
        pattern = (
            re.compile(r"""["']""" + re.escape(needle) + r"""["']""") if quoted
            else re.compile(r"""(^|[\s.{,"'])""" + re.escape(needle) + r"""["']?\s*=""")
        )
        for index in range(self.start, len(self.lines)):
            if pattern.search(self.lines[index]):
                return f"{_shown(self.file)}:{index + 1}"
        return f"{_shown(self.file)}:{self.start + 1}"


def _shown(file: Path) -> str:
    """The config file as the user would name it: relative to the working directory."""
    try:
        return os.path.relpath(file.resolve(), Path.cwd().resolve()).replace(os.sep, "/")
    except ValueError:  # another drive, on Windows
        return str(file)


def relative(path: Path, base: Path) -> str:
    """`path` relative to the directory `base`, POSIX-style; "" when they are the same."""
    rel = os.path.relpath(path.resolve(), base.resolve()).replace(os.sep, "/")
    return "" if rel == "." else rel

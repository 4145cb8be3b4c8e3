"""Requirements files, read with pip's grammar (../shared/docs/requirements-grammar.md).

The steps follow pip 26's `src/pip/_internal/req/req_file.py` in order: `splitlines()`,
`join_lines`, `ignore_comments`, `break_args_options`, `shlex` + `optparse` on the options, then
`_parse_and_recurse` for `-r`/`-c`. What a requirement names follows
`req/constructors.py` (`parse_req_from_line`, `parse_editable`). Two deliberate differences:
`${VAR}` is never filled in from envlint's own environment (a CI's secrets must not reach a
report), and envlint does not stop at the first bad line: it records a `Problem` and reads on.
"""

from __future__ import annotations

import posixpath
import re
import urllib.parse
from functools import lru_cache

from envlint.facts import FileArg, Location, Problem, Requirement, RequirementsFile, SourceText, normalize_name
from envlint.record import record, replace
from envlint.repo import ReadError, Repo

# The only form pip expands (req_file.py ENV_VAR_RE); envlint reports it instead.
ENV_VAR_RE = re.compile(r"\$\{([A-Z0-9_]+)\}")
_SYNTAX = "requirement-syntax"

# req_file.py SUPPORTED_OPTIONS + SUPPORTED_OPTIONS_REQ as of pip 26 (cmdoptions.py):
# long option -> whether it takes a value. `--pypi-url` is an alias of `--index-url`.
_LONG_OPTIONS = {
    "--index-url": True, "--pypi-url": True, "--extra-index-url": True, "--no-index": False,
    "--constraint": True, "--requirement": True, "--editable": True, "--find-links": True,
    "--no-binary": True, "--only-binary": True, "--prefer-binary": False,
    "--require-hashes": False, "--no-require-hashes": False, "--pre": False,
    "--all-releases": True, "--only-final": True, "--trusted-host": True, "--use-feature": True,
    "--hash": True, "--config-settings": True,
}
_ALIASES = {"--pypi-url": "--index-url"}
_SHORT_OPTIONS = {"-i": "--index-url", "-c": "--constraint", "-r": "--requirement", "-e": "--editable",
                  "-f": "--find-links", "-C": "--config-settings"}
_PER_REQUIREMENT = {"--hash", "--config-settings"}  # SUPPORTED_OPTIONS_REQ
_PER_EDITABLE = {"--config-settings"}  # SUPPORTED_OPTIONS_EDITABLE_REQ
_INCLUDES = {"--requirement", "--constraint"}
_REMOVED_OPTIONS = {"--install-option", "--global-option", "--no-use-wheel"}
_STRONG_HASHES = ("sha256", "sha384", "sha512")  # pip utils/hashes.py STRONG_HASHES
# `--use-feature` choices pip has offered recently; anything else is an optparse "invalid choice".
_FEATURES = {"fast-deps", "truststore", "no-binary-enable-wheel-cache", "build-constraint", "inprocess-build-deps"}

# vcs/*.py `schemes` of each backend, plus the plain schemes of pip's `is_url` (vcs/versioncontrol.py).
_VCS_SCHEMES = {
    "git+http", "git+https", "git+ssh", "git+git", "git+file",
    "hg+file", "hg+http", "hg+https", "hg+ssh", "hg+static-http",
    "svn+ssh", "svn+http", "svn+https", "svn+svn", "svn+file",
    "bzr+http", "bzr+https", "bzr+ssh", "bzr+sftp", "bzr+ftp", "bzr+lp", "bzr+file",
}
_URL_SCHEMES = {"http", "https", "file", "ftp"} | _VCS_SCHEMES
_VCS_NAMES = ("git", "hg", "svn", "bzr")
# utils/filetypes.py ARCHIVE_EXTENSIONS
_ARCHIVE_EXTENSIONS = {".zip", ".whl", ".tar.bz2", ".tbz", ".tar.xz", ".txz", ".tlz", ".tar.lz",
                       ".tar.lzma", ".tar.gz", ".tgz", ".tar"}
_ARCHIVE_SUFFIXES = tuple(_ARCHIVE_EXTENSIONS)
_SPECIFIER_OPERATORS = ("~=", "==", "!=", "<=", ">=", "<", ">", "===")
_SHELL_SPACE = " \t\r\n"  # shlex.whitespace

# Guards against pathological include graphs; pip itself would recurse without bound.
_MAX_INCLUDE_DEPTH = 64
_MAX_INCLUDES = 256


# --- requirement strings ------------------------------------------------------------------------


def requirement_from_string(
    text: str, location: Location, *, editable: bool = False, constraint: bool = False
) -> Requirement | Problem:
    """A PEP 508 requirement string as a located `Requirement`, or a `Problem` saying why it is
    not one, with pip's hints (constructors.py `_parse_req_string`). A string that only fails
    because of a `${VAR}` pip would fill in is "requirement-unresolved", not a user error."""
    parsed = parse_pep508(text)
    if isinstance(parsed, str):
        return _invalid(text, parsed, location)
    name, specifier, marker, url, extras = parsed
    if url and _scheme(url) not in _URL_SCHEMES:
        return Problem(_SYNTAX, f"{text!r}: pip cannot fetch {url!r}, it is not an http(s), file, "
                       "ftp or git+/hg+/svn+/bzr+ URL; pip stops here", location)
    return Requirement(name, specifier, text, location, marker, url, extras, editable, constraint)


# `name`, `name==1.2.3`, `name>=2`: most requirements in the wild. packaging reads them the same
# way (tests/test_extract_requirements.py compares the two) at a fraction of the cost, and a
# repository of only such lines never imports packaging.requirements (~25 ms).
_NAME = r"[A-Za-z0-9](?:[A-Za-z0-9._-]*[A-Za-z0-9])?"  # PEP 508 names
_SIMPLE_REQUIREMENT = re.compile(rf"({_NAME})(?:(==|!=|>=|<=|<|>)([0-9]+(?:\.[0-9]+)*))?")
# Beyond those, what a requirement line usually adds: extras (`uvicorn[standard]`), several
# comparisons (`celery>=5,<6`) and pre, post and dev releases (`2.9.0.post0`). packaging's
# SpecifierSet writes its specifiers sorted, each as written; two with one operator could be one
# (`>=1,>=1.0`), so those go to packaging. Checked against packaging as above.
_COMPARISON = r"(?:==|!=|>=|<=|<|>)[0-9]+(?:\.[0-9]+)*(?:(?:a|b|rc)[0-9]+)?(?:\.post[0-9]+)?(?:\.dev[0-9]+)?"
_PLAIN_REQUIREMENT = re.compile(rf"({_NAME})(?:\[({_NAME}(?:,{_NAME})*)\])?({_COMPARISON}(?:,{_COMPARISON})*)?")
_OPERATOR = re.compile(r"[=!<>]+")
_PEP508_CACHE: dict[str, tuple | str] = {}


def parse_pep508(text: str) -> tuple[str, str, str | None, str | None, tuple[str, ...]] | str:
    """A PEP 508 string as packaging reads it: (normalised name, canonical specifier text,
    marker text or None, URL or None, sorted normalised extras); else the first line of
    packaging's error message. Each distinct string is parsed once."""
    found = _PEP508_CACHE.get(text)
    if found is not None:
        return found
    plain = _PLAIN_REQUIREMENT.fullmatch(text)
    comparisons = plain.group(3).split(",") if plain and plain.group(3) else []
    operators = [_OPERATOR.match(comparison).group() for comparison in comparisons]
    if plain and len(set(operators)) == len(operators):
        name, extras = plain.group(1), plain.group(2).split(",") if plain.group(2) else []
        found = (normalize_name(name), ",".join(sorted(comparisons)), None, None,
                 tuple(sorted({normalize_name(extra) for extra in extras})))
    else:
        from packaging.requirements import InvalidRequirement
        from packaging.requirements import Requirement as PackagingRequirement

        try:
            parsed = PackagingRequirement(text)
        except InvalidRequirement as exc:
            found = str(exc).splitlines()[0]
        else:
            found = (
                normalize_name(parsed.name),
                str(parsed.specifier),
                str(parsed.marker) if parsed.marker else None,
                parsed.url,
                tuple(sorted({normalize_name(extra) for extra in parsed.extras})),  # PEP 685
            )
    _PEP508_CACHE[text] = found
    return found


@lru_cache(maxsize=16384)
def _simple_line(text: str) -> tuple[str, str] | None:
    """(name, specifier) of a requirements line that is just `name`, `name==1.2.3`, `name>=2`
    (no options, marker, extras or URL, not an archive): what `requirement_from_line` reads
    from it. Memoised, within bounds: a repository repeats its pins from file to file."""
    if _SIMPLE_REQUIREMENT.fullmatch(text) and not _is_archive(text):
        return parse_pep508(text)[:2]  # type: ignore[return-value]
    return None


def _invalid(text: str, detail: str, location: Location) -> Problem:
    variables = ENV_VAR_RE.findall(text)
    if variables:
        names = ", ".join(f"${{{name}}}" for name in sorted(set(variables)))
        return Problem(
            "requirement-unresolved",
            f"{text!r} depends on {names}, which pip fills in from the build environment; "
            "envlint never reads its own environment, so this requirement is not checked",
            location,
        )
    hints = []
    if re.search(r"\S#", text):
        hints.append("pip treats # as a comment only after whitespace")
    if "\t-" in text:
        hints.append("pip separates options from the requirement only at a space, not a tab")
    scheme = _scheme(text)
    if scheme and scheme not in _URL_SCHEMES and "/" in text:
        hints.append(f"pip does not download {scheme}: URLs, only http(s), file, ftp and git+/hg+/svn+/bzr+ ones")
    elif "/" in text:
        hints.append("it looks like a path: pip installs a local directory only if it exists when pip runs")
    elif "=" in text and not any(op in text for op in _SPECIFIER_OPERATORS):
        hints.append("= is not a valid operator; did you mean == ?")
    elif re.search(r"[\w\])]\s+[A-Za-z]", text) and ";" not in text and "@" not in text:
        hints.append("pip reads one requirement per line")
    hint = f" ({'; '.join(hints)})" if hints else ""
    return Problem(_SYNTAX, f"invalid requirement {text!r}: {detail}{hint}; pip stops here", location)


def requirement_from_line(
    text: str, location: Location, *, constraint: bool = False
) -> Requirement | FileArg | Problem:
    """What a requirement argument names, as pip's `parse_req_from_line` decides it: a PEP 508
    requirement, a URL or archive (named by `#egg=` or by its wheel file name, which also pins
    the version), or a local project path (`FileArg(".")`). pip looks at the disk to tell a
    directory from a name; envlint does not know pip's working directory, so anything that
    looks like a path and is neither an archive nor a valid PEP 508 string counts as one."""
    if _SIMPLE_REQUIREMENT.fullmatch(text) and not _is_archive(text):  # `name==1.2`: what the steps below make of it
        return requirement_from_string(text, location, constraint=constraint)
    sep = "; " if _is_url(text) else ";"  # URLs may contain ';', so pip wants "; " after them
    head, _, marker_text = text.partition(sep)
    head, marker_text = head.strip(), marker_text.strip()
    marker = None
    if marker_text:
        from packaging.markers import InvalidMarker, Marker

        try:
            marker = str(Marker(marker_text))
        except InvalidMarker as exc:
            if ENV_VAR_RE.search(marker_text):
                return _invalid(text, "", location)
            return Problem(_SYNTAX, f"invalid marker in {text!r}: {str(exc).splitlines()[0]}; pip stops here",
                           location)
    if _is_url(head):
        return _from_link(head, head, None, text, marker, location, constraint)
    path, extras = _strip_extras(head)
    # pip reads `name @ …` as PEP 508 when the part before '@' does not look like a path
    before_at, at, _ = head.partition("@")
    name_at_url = bool(at) and not _looks_like_path(before_at)
    if _is_archive(path) and not name_at_url:
        return _from_link(path, path, extras, text, marker, location, constraint)
    parsed = requirement_from_string(head, location, constraint=constraint)
    if (isinstance(parsed, Problem) and _looks_like_path(head) and not name_at_url and not _scheme(head)
            and not ENV_VAR_RE.search(head)):
        return FileArg(".", path, location, _extra_names(extras))
    return _with_marker(parsed, text, marker)


def _with_marker(parsed: Requirement | Problem, text: str, marker: str | None) -> Requirement | Problem:
    if isinstance(parsed, Problem):
        return parsed
    return Requirement(parsed.name, parsed.specifier, text, parsed.location, marker, parsed.url, parsed.extras,
                       parsed.editable, parsed.constraint)


def _from_link(
    link: str, shown: str, extras: str | None, text: str, marker: str | None, location: Location,
    constraint: bool, editable: bool = False,
) -> Requirement | FileArg | Problem:
    """A URL or archive path: named by its wheel file name (`name==version`) or `#egg=`."""
    filename = _link_filename(link)
    if filename.lower().endswith(".whl"):
        name_version = _wheel_name_version(filename)
        if name_version is None:
            return Problem(_SYNTAX, f"{filename!r} is not a valid wheel file name "
                           "(name-version-pythontag-abitag-platform.whl); pip stops here", location)
        req_text = f"{name_version[0]}{extras or ''}=={name_version[1]}"
    else:
        egg = re.search(r"[#&]egg=([^&]*)", link)  # models/link.py _egg_fragment_re
        if _scheme(link) == "file" and "../" in link:
            egg = None  # parse_req_from_line rebuilds relative file: URLs from their path, dropping the fragment
        if egg is None:
            if editable or _scheme(link) in (None, "file"):
                return FileArg("-e" if editable else ".", link, location)
            return Problem("requirement-unresolved", f"{shown!r} names no package: pip learns the name only by "
                           "downloading and building it; write `name @ URL` so envlint can check it", location)
        if not re.fullmatch(r"[A-Za-z0-9](?:[A-Za-z0-9._-]*[A-Za-z0-9])?", egg.group(1)):
            # models/link.py `_project_name_re`: deprecated since pip 23, an error since pip 26.0
            return Problem(_SYNTAX, f"#egg={egg.group(1)} in {shown!r} is not a bare project name, "
                           "which pip 26 and later reject; write `name[extras] @ URL` instead", location)
        req_text = egg.group(1) + (extras or "")
    parsed = requirement_from_string(req_text, location, editable=editable, constraint=constraint)
    if isinstance(parsed, Problem):
        return Problem(parsed.kind, f"{text!r} names an invalid project {req_text!r}; pip stops here", location)
    return Requirement(parsed.name, parsed.specifier, text, location, marker, link, parsed.extras, editable, constraint)


def _editable(value: str, location: Location, constraint: bool) -> Requirement | FileArg | Problem:
    """`-e VALUE`, as pip's `parse_editable`: a local project path, a VCS URL (named by
    `#egg=`), or `name @ URL` (accepted by current pip)."""
    path, extras = _strip_extras(value)
    scheme = _scheme(path)
    if scheme is None:
        name_part = value.split("@", 1)
        if len(name_part) == 2 and not _looks_like_path(name_part[0]):
            named = requirement_from_string(value, location, editable=True, constraint=constraint)
            if isinstance(named, Requirement) or named.kind != _SYNTAX:
                return named
            return Problem(_SYNTAX, f"-e {value!r} is neither a local project path nor a URL pip knows "
                           "(git+https://…, git+ssh://…, `name @ URL`); pip stops here", location)
        return FileArg("-e", path, location, _extra_names(extras))
    if scheme == "file":
        return _from_link(path, value, extras, value, None, location, constraint, editable=True)
    if scheme in _VCS_NAMES:
        value = f"{scheme}+{value}"  # parse_editable turns `git:` into `git+git:`
    elif scheme not in _VCS_SCHEMES:
        return Problem(_SYNTAX, f"-e {value!r}: pip installs in editable mode only a local project "
                       "path or a VCS URL (git+https://…); drop -e to install an archive", location)
    named = _from_link(value, value, None, value, None, location, constraint, editable=True)
    if isinstance(named, FileArg):
        return Problem("requirement-unresolved", f"-e {value!r} names no package: add #egg=name or write "
                       "`-e name @ URL` (some pip versions reject it without one)", location)
    return named


def _scheme(text: str) -> str | None:
    match = re.match(r"([A-Za-z][A-Za-z0-9+.-]*):", text)
    return match.group(1).lower() if match and len(match.group(1)) > 1 else None  # 1 letter: `C:\`


def _is_url(text: str) -> bool:
    """pip's `is_url`: a scheme pip downloads from, before the first ':'."""
    return ":" in text and text.split(":", 1)[0].lower() in _URL_SCHEMES


def _looks_like_path(text: str) -> bool:
    return "/" in text or text.startswith(".")  # constructors.py _looks_like_path on Linux


def _extra_names(extras: str | None) -> tuple[str, ...]:
    """`[dev, Test]` → ("dev", "test"): the optional-dependency groups a local project asks for."""
    names = (extras or "").strip("[]").split(",")
    return tuple(sorted({normalize_name(name.strip()) for name in names if name.strip()}))


def _strip_extras(path: str) -> tuple[str, str | None]:
    match = re.match(r"^(.+)(\[[^\]]+\])$", path)  # constructors.py _strip_extras
    return (match.group(1), match.group(2)) if match else (path, None)


def _is_archive(path: str) -> bool:
    lower = path.lower()
    if not lower.endswith(_ARCHIVE_SUFFIXES):  # an archive's extension ends it: 1.2 -> 0.5 µs for the rest
        return False
    base, ext = posixpath.splitext(lower)  # utils/misc.py splitext keeps `.tar.gz` whole
    if base.endswith(".tar"):
        ext = base[-4:] + ext
    return ext in _ARCHIVE_EXTENSIONS


def _link_filename(link: str) -> str:
    """models/link.py `Link.filename`: the last path segment, unquoted."""
    try:
        parts = urllib.parse.urlsplit(link) if _scheme(link) else None
    except ValueError:
        parts = None
    path = parts.path if parts else link.split("#", 1)[0]
    name = posixpath.basename(urllib.parse.unquote(path).rstrip("/"))
    return name or (parts.netloc if parts else "")


def _wheel_name_version(filename: str) -> tuple[str, str] | None:
    from packaging.utils import InvalidWheelFilename, parse_wheel_filename

    try:
        name, version, _, _ = parse_wheel_filename(filename)
        return name, str(version)
    except InvalidWheelFilename:
        # pip still accepts some legacy names (models/wheel.py legacy_wheel_file_re)
        legacy = re.fullmatch(r"([^\s-]+?)-([^\s-]*?)(?:-\d[^-]*?)?-[^\s-]+?-[^\s-]+?-[^\s-]+?\.whl", filename)
        return (legacy.group(1).replace("_", "-"), legacy.group(2).replace("_", "-")) if legacy else None


# --- lines and options --------------------------------------------------------------------------


@record(slots=True)
class _Line:
    """One logical line, joined from `segments` (text, line, column); its content (comment gone,
    blanks trimmed) is `text[start:end]`."""

    path: str
    segments: list[tuple[str, int, int]]
    text: str
    start: int
    end: int

    @property
    def source(self) -> SourceText:
        """Built only for a line the fast path in `_Reader.line` does not take (issue 7)."""
        return SourceText(self.path, self.segments)


def _logical_lines(path: str, text: str):
    """pip's `preprocess` without env expansion: `join_lines` then `ignore_comments`, keeping
    for every character the physical line and column it came from."""
    pending: list[tuple[str, int, int]] = []
    for number, raw in enumerate(text.splitlines(), 1):
        is_comment = raw.lstrip().startswith("#")  # COMMENT_RE.match
        if raw.endswith("\\") and not is_comment:
            leading = len(raw) - len(raw.lstrip("\\"))
            pending.append((raw.strip("\\"), number, 1 + leading))  # join_lines: line.strip("\\")
            continue
        if not pending:  # one physical line, the usual case (a comment line then has no content)
            if not is_comment:
                bounds = _content(raw)
                if bounds:
                    yield _Line(path, [(raw, number, 1)], raw, *bounds)
            continue
        # join_lines puts a space before a comment line so its '#' is stripped once joined.
        segments = [*pending, *([(" ", number, 1)] if is_comment else []), (raw, number, 1)]
        pending = []
        yield from _joined(path, segments)
    if pending:  # a '\' on the last line is tolerated
        yield from _joined(path, pending)


def _joined(path: str, segments: list[tuple[str, int, int]]):
    text = "".join(piece for piece, _, _ in segments)
    bounds = _content(text)
    if bounds:
        yield _Line(path, segments, text, *bounds)


def _content(text: str) -> tuple[int, int] | None:
    """`ignore_comments`: where the text is once `(^|\\s+)#.*$` and surrounding blanks are
    dropped, in linear time; None when nothing is left."""
    cut = text.find("#")
    while cut > 0 and not text[cut - 1].isspace():
        cut = text.find("#", cut + 1)
    kept = text if cut < 0 else text[:cut]
    start = len(kept) - len(kept.lstrip())
    end = len(kept.rstrip())
    return (start, end) if end > start else None


def _options_start(content: str) -> int | None:
    """`break_args_options`: the first space-separated token starting with '-' begins the options."""
    offset = 0
    for token in content.split(" "):
        if token.startswith("-"):
            return offset
        offset += len(token) + 1
    return None


def _shell_words(text: str) -> list[tuple[str, int, int]]:
    """`shlex.split(text)` (POSIX mode, as pip splits options), each word with its [start, end)
    in `text`. Raises ValueError on an unclosed quote or a trailing backslash, as shlex does."""
    words = []
    i, n = 0, len(text)
    while i < n:
        if text[i] in _SHELL_SPACE:
            i += 1
            continue
        start, chars = i, []
        while i < n and text[i] not in _SHELL_SPACE:
            char = text[i]
            if char == "\\":
                if i + 1 >= n:
                    raise ValueError("No escaped character")
                chars.append(text[i + 1])
                i += 2
            elif char == "'":
                close = text.find("'", i + 1)
                if close < 0:
                    raise ValueError("No closing quotation")
                chars.append(text[i + 1:close])
                i = close + 1
            elif char == '"':
                i += 1
                while True:
                    if i >= n:
                        raise ValueError("No closing quotation")
                    if text[i] == '"':
                        i += 1
                        break
                    if text[i] == "\\" and i + 1 < n and text[i + 1] in '"\\':
                        i += 1
                    chars.append(text[i])
                    i += 1
            else:
                chars.append(char)
                i += 1
        words.append(("".join(chars), start, i))
    return words


@record
class _Option:
    name: str  # the long form, abbreviations and short forms resolved
    value: str | None
    span: tuple[int, int]  # the option and its value, in the options text
    value_span: tuple[int, int]


class _OptionError(Exception):
    def __init__(self, message: str, span: tuple[int, int]):
        super().__init__(message)
        self.span = span


def _long_option(typed: str, span: tuple[int, int]) -> str:
    """optparse `_match_abbrev`: an exact name or an unambiguous prefix."""
    if typed in _LONG_OPTIONS:
        return _ALIASES.get(typed, typed)
    matches = sorted(name for name in _LONG_OPTIONS if name.startswith(typed))
    if len(matches) == 1:
        return _ALIASES.get(matches[0], matches[0])
    if matches:
        raise _OptionError(f"ambiguous option {typed} (could be {', '.join(matches)}); pip stops here", span)
    removed = " (removed from pip; only old pips accepted it)" if typed in _REMOVED_OPTIONS else ""
    raise _OptionError(f"pip has no option {typed} in requirements files{removed}; pip stops here", span)


def _parse_options(
    text: str, words: list[tuple[str, int, int]]
) -> tuple[list[_Option], list[tuple[str, int, int]]]:
    """optparse as pip configures it (req_file.py `build_parser`) on the shell words of `text`:
    interspersed positional words are collected (pip discards them), the first error raises
    `_OptionError`."""

    def attached(word: str, start: int, end: int, prefix: int) -> tuple[int, int]:
        """Where a value glued to its option (`--requirement=x`, `-rx`) is, when unquoted."""
        return (start + prefix, end) if text[start:end] == word else (start, end)

    options, leftovers = [], []
    i = 0
    while i < len(words):
        word, start, end = words[i]
        i += 1
        if word == "--":
            leftovers.extend(words[i:])
            break
        if word.startswith("--"):
            typed, eq, value = word.partition("=")
            name = _long_option(typed, (start, end))
            takes_value = _LONG_OPTIONS[name]
            if not takes_value:
                if eq:
                    raise _OptionError(f"{name} takes no value; pip stops here", (start, end))
                options.append(_Option(name, None, (start, end), (start, end)))
                continue
            if eq:
                options.append(_Option(name, value, (start, end), attached(word, start, end, len(typed) + 1)))
                continue
        elif word.startswith("-") and word != "-":
            name = _SHORT_OPTIONS.get(word[:2])
            if name is None:
                raise _OptionError(f"pip has no option {word[:2]} in requirements files; pip stops here", (start, end))
            if len(word) > 2:
                options.append(_Option(name, word[2:], (start, end), attached(word, start, end, 2)))
                continue
        else:
            leftovers.append(words[i - 1])
            continue
        if i >= len(words):
            raise _OptionError(f"{word} needs a value; pip stops here", (start, end))
        value, value_start, value_end = words[i]
        i += 1
        options.append(_Option(name, value, (start, value_end), (value_start, value_end)))
    return options, leftovers


def _check_value(option: _Option) -> str | None:
    """The checks pip's option callbacks make (cmdoptions.py `_handle_merge_hash`,
    `_handle_config_settings`, `--use-feature` choices)."""
    value = option.value or ""
    if option.name == "--hash":
        algorithm, sep, digest = value.partition(":")
        if not sep or not digest:
            return f"--hash {value!r} must be algorithm:digest, like --hash=sha256:abcd…; pip stops here"
        if algorithm not in _STRONG_HASHES:
            return f"--hash algorithm {algorithm!r} is not one pip allows (sha256, sha384, sha512); pip stops here"
    elif option.name == "--config-settings" and "=" not in value:
        return f"--config-settings {value!r} must be KEY=VALUE; pip stops here"
    elif option.name == "--use-feature" and value not in _FEATURES:
        return f"--use-feature {value!r} is not a feature pip 26 knows; pip stops here"
    return None


def _ignored_message(option: _Option, where: str) -> str:
    if option.name in _INCLUDES and where.endswith("without a requirement"):
        return f"pip follows only the first -r (else -c) on a line and ignores {option.name} {option.value}"
    if option.name in _PER_REQUIREMENT:
        return f"pip ignores {option.name} {where}"
    return f"pip ignores {option.name} {where}; put it on a line of its own"


# --- files --------------------------------------------------------------------------------------


def parse_requirements_file(repo: Repo, relpath: str, *, constraint: bool = False) -> RequirementsFile:
    """Read `relpath` and every file it includes as pip would, in pip's order. Never raises:
    what pip would reject, or envlint cannot know, is a located `Problem`."""
    result = RequirementsFile(relpath)
    try:
        inside = repo.normalize(relpath)
    except (OSError, ValueError, RuntimeError):
        inside = None
    if inside is None:
        result.problems.append(Problem("outside-repo", f"{relpath} is not a path inside the repository; envlint "
                                       "does not read it", Location(relpath, 1, 1)))
        return result
    _Reader(repo, result).read(relpath, constraint, (inside,), None)
    return result


class _Reader:
    def __init__(self, repo: Repo, result: RequirementsFile):
        self.repo = repo
        self.result = result
        self.includes_followed = 0

    def problem(self, kind: str, message: str, location: Location) -> None:
        self.result.problems.append(Problem(kind, message, location))

    def read(self, path: str, constraint: bool, chain: tuple[str, ...], included_at: Location | None) -> None:
        try:
            text = self.repo.read_text(path)
        except (ReadError, OSError, ValueError) as exc:
            self.problem("unreadable", str(exc), included_at or Location(path, 1, 1))
            return
        if path not in self.result.files_read:
            self.result.files_read.append(path)
        for line in _logical_lines(path, text):
            self.line(line, path, constraint, chain)

    def line(self, line: _Line, path: str, constraint: bool, chain: tuple[str, ...]) -> None:
        """One logical line: pip's `RequirementsFileParser._parse_file`, then `handle_line`."""
        content = line.text[line.start:line.end]
        simple = _simple_line(content) if len(line.segments) == 1 else None
        if simple is not None:  # what the steps below make of `name==1.2`: a file of 20 pins 290 -> 120 µs
            _, number, column = line.segments[0]
            where = Location(path, number, column + line.start, number, column + line.end)
            self.result.requirements.append(Requirement(*simple, content, where, constraint=constraint))
            return
        source = line.source
        at = _options_start(content)
        args = content if at is None else content[:at].rstrip()
        options_text = "" if at is None else content[at:]

        def span(start: int, end: int) -> Location:  # offsets in `options_text`
            return source.span(line.start + (at or 0) + start, line.start + (at or 0) + end)

        options, leftovers = self.options(options_text, span) if options_text else ([], [])
        editables = [o for o in options if o.name == "--editable"]
        if args:  # ParsedLine: a requirement wins over everything else on the line
            where_written = source.span(line.start, line.start + len(args))
            self.add(requirement_from_line(args, where_written, constraint=constraint))
            used = [o for o in options if o.name in _PER_REQUIREMENT]
            where = "on a requirement line"
        elif editables:  # "We don't support multiple -e on one line"
            value_start, value_end = editables[0].value_span
            self.editable(editables[0].value or "", options_text[value_start:value_end], span(value_start, value_end),
                          constraint)
            used = [editables[0], *(o for o in options if o.name in _PER_EDITABLE)]
            where = "on an -e line"
        else:  # _parse_and_recurse follows requirements[0], else constraints[0]
            includes = [o for o in options if o.name == "--requirement"] or [
                o for o in options if o.name == "--constraint"]
            if includes:
                self.include(includes[0], span(*includes[0].value_span), path, chain)
            used = [*includes[:1], *(o for o in options if o.name not in _PER_REQUIREMENT | _INCLUDES)]
            where = "on a line without a requirement"
        for option in options:
            if not any(option is u for u in used):
                self.ignored(_ignored_message(option, where), span(*option.span))
        if leftovers:  # optparse's positional arguments, which pip discards
            start, end = leftovers[0][1], leftovers[-1][2]
            self.ignored(f"pip silently drops {options_text[start:end]!r} after the options; write one requirement "
                         "or option set per line", span(start, end))

    def options(self, text: str, span) -> tuple[list[_Option], list[tuple[str, int, int]]]:
        """The options of a line as pip's `get_line_parser` reads them, with every error pip
        would stop at reported (optparse stops at the first; so do we)."""
        try:
            options, leftovers = _parse_options(text, _shell_words(text))
        except ValueError:
            self.problem(_SYNTAX, f"cannot split the options {text!r} (unclosed quote or trailing backslash); "
                         "pip stops here", span(0, len(text)))
            return [], []
        except _OptionError as exc:
            self.problem(_SYNTAX, str(exc), span(*exc.span))
            return [], []
        for option in options:
            error = _check_value(option)
            if error:
                self.problem(_SYNTAX, error, span(*option.span))
        return options, leftovers

    def editable(self, value: str, written: str, location: Location, constraint: bool) -> None:
        """`-e VALUE` is always listed as a file argument; a named one is also a requirement."""
        item = _editable(value, location, constraint)
        self.result.includes.append(item if isinstance(item, FileArg) else FileArg("-e", value, location))
        if isinstance(item, Requirement):
            item = replace(item, text=written)
        if not isinstance(item, FileArg):
            self.add(item)

    def add(self, item: Requirement | FileArg | Problem) -> None:
        if isinstance(item, Requirement):
            self.result.requirements.append(item)
        elif isinstance(item, FileArg):
            self.result.includes.append(item)
        else:
            self.result.problems.append(item)

    def ignored(self, message: str, location: Location) -> None:
        self.problem("requirement-ignored", message, location)

    def include(self, option: _Option, location: Location, path: str, chain: tuple[str, ...]) -> None:
        """`_parse_and_recurse`: the path is relative to the including file; a file already in
        the chain of includes is a cycle, a repeat elsewhere is fine. `-r` inside a `-c` file
        reads requirements again (pip's `nested_constraint`)."""
        flag = "-r" if option.name == "--requirement" else "-c"
        written = option.value or ""
        self.result.includes.append(FileArg(flag, written, location))
        if ENV_VAR_RE.search(written):
            self.problem("requirement-unresolved", f"{flag} {written}: the path depends on an environment "
                         "variable pip fills in when building; envlint does not, so the file is not read", location)
            return
        target_text = written
        if _scheme(written) in ("http", "https", "ftp"):
            self.problem("requirement-unresolved", f"{flag} {written}: envlint does not download requirements "
                         "files, so the requirements in it are not checked", location)
            return
        if _scheme(written) == "file":
            target_text = urllib.parse.unquote(urllib.parse.urlsplit(written).path)
        try:
            target = self.repo.normalize(target_text, base=posixpath.dirname(path))
            is_file = target is not None and self.repo.is_file(target)
            is_dir = target is not None and not is_file and self.repo.exists(target)
        except (OSError, ValueError, RuntimeError) as exc:
            self.problem("missing-file", f"{flag} {written}: cannot resolve the path ({exc})", location)
            return
        if target is None:
            self.problem("outside-repo", f"{flag} {written} leads outside the repository (through '..', an "
                         "absolute path or a symlink); envlint does not read it and the build may not have it",
                         location)
        elif target in chain:
            loop = " -> ".join((*chain[chain.index(target):], target))
            self.problem("include-cycle", f"{flag} {written} includes a file already being read: {loop}; pip stops "
                         f"with \"{target} recursively references itself in {path}\"", location)
        elif not is_file:
            what = "is a directory, not a file" if is_dir else "does not exist"
            self.problem("missing-file", f"{flag} {written}: {target} {what}; pip stops with \"Could not open "
                         f"requirements file\"", location)
        elif len(chain) >= _MAX_INCLUDE_DEPTH or self.includes_followed >= _MAX_INCLUDES:
            self.problem("requirement-unresolved", f"{flag} {written}: includes nest too deep or repeat too often; "
                         "envlint stops following them here", location)
        else:
            self.includes_followed += 1
            self.read(target, flag == "-c", (*chain, target), location)

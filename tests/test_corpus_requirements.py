"""Conformance with the requirements-file test data of pip, pip-requirements-parser,
requirements-parser and uv, read from ../shared/corpus/requirements at test time.

Expected results come from the corpus files themselves (JSON, insta snapshots, the tables of
pip-req-cases.md). Where envlint deliberately disagrees, the case is in an allow-list with the
reason, and the test checks that the disagreement is still there (so the list cannot rot).
"""

from __future__ import annotations

import ast
import codecs
import json
import re
from collections import Counter
from pathlib import Path
from typing import NamedTuple

import pytest
from packaging.specifiers import SpecifierSet

from envlint.extract.requirements import _logical_lines, _options_start, parse_requirements_file
from envlint.facts import normalize_name
from envlint.repo import Repo

CORPUS = Path(__file__).resolve().parents[1].parent / "shared" / "corpus" / "requirements"
if not CORPUS.is_dir():
    pytest.skip("../shared/corpus is absent (only the envlint team's machines have it)", allow_module_level=True)

EXPECTED_SUFFIXES = ("-expected.json", "-expected.dumps", ".expected", ".snap", ".md")
INPUTS = sorted(
    p.relative_to(CORPUS).as_posix()
    for p in CORPUS.rglob("*")
    if p.is_file() and not p.name.endswith(EXPECTED_SUFFIXES)
)
SYNTAX = "requirement-syntax"


def _read(relpath: str, **kwargs):
    return parse_requirements_file(Repo(CORPUS), relpath, **kwargs)


def _spec(text: str) -> str:
    return str(SpecifierSet(text))


# --- every input: no crash, every location points at its text -----------------------------------


def test_corpus_has_inputs():
    assert len(INPUTS) > 140


@pytest.mark.parametrize("relpath", INPUTS)
def test_every_corpus_file_parses(relpath):
    repo = Repo(CORPUS)
    result = parse_requirements_file(repo, relpath)
    assert result.files_read[:1] == [relpath] or [p.kind for p in result.problems] == ["unreadable"]
    for requirement in result.requirements:
        lines = repo.read_text(requirement.location.path).splitlines()
        where = requirement.location
        assert lines[where.line - 1][where.column - 1] == requirement.text[0], requirement
        assert lines[where.end_line - 1][where.end_column - 2] == requirement.text[-1], requirement
    for problem in result.problems:
        assert problem.message and problem.location.line >= 1


# --- pip-requirements-parser: <input>-expected.json ----------------------------------------------

PRP_EXPECTED = sorted(
    p.relative_to(CORPUS).as_posix() for p in CORPUS.glob("pip-requirements-parser/**/*-expected.json")
)

EGG = "pip 26 rejects #egg= values that are not bare project names (extras, versions); that parser predates it"
GIT_SCHEME = "pip recognises bare git:// only after -e; elsewhere pip reports an invalid requirement"
PATH_EGG = "to pip a local path with #egg= is a directory name, not a package name (and not a VCS URL)"
PRP_ALLOWED = {  # (input file name, line) -> why envlint and pip-requirements-parser differ
    **{("ministryofjustice-elasticsearch-formula-formula-requirements.txt", n):
       "pip reads `git@github.com:…` as `git @ URL` with no scheme it can fetch; that parser guessed a path"
       for n in range(1, 8)},
    ("CyrilPeponnet-Unify-whisper-requirements.txt", 1): EGG,
    ("bigzachattack-dockerspawner-requirements.txt", 2): EGG,
    ("brutus-templator-requirements.txt", 1): EGG,
    ("buildtimetrend-python-client-requirements-native.txt", 1): EGG,
    ("indodutch-sim-city-webservice-requirements.txt", 21): EGG,
    ("jorismathijssen-ProjectLipa-James-requirements.txt", 1): EGG,
    ("rthieledesy-invenio-requirements-devel.txt", 32): EGG,
    ("req-detector-requirements.txt", 73): EGG,
    ("requirement-parser-issues.txt", 84): EGG,
    ("requirementslib-tests.txt", 14): EGG,
    ("requirementslib-tests.txt", 15): EGG,
    ("requirementslib-tests.txt", 22): EGG,
    ("requirementslib-tests.txt", 46): EGG,
    ("vcs_extras_require-requirements.txt", 1): EGG,
    ("vcs_git_extras_require.txt", 1): EGG,
    ("pip-docs-examples3.txt", 55): "pip 26 removed --global-option (no such option); that parser accepted it",
    ("pip-docs-examples3.txt", 60): "pip 26 removed --install-option (no such option); that parser accepted it",
    ("requirement-parser-issues.txt", 46): "pip keeps the requirement and ignores --no-binary on its line; "
                                           "envlint reports the ignored option, that parser dropped the line",
    ("requirement-parser-issues.txt", 47): "as line 46",
    ("requirement-parser-issues.txt", 98): PATH_EGG,
    ("requirement-parser-issues.txt", 99): PATH_EGG,
    ("requirementslib-tests.txt", 19): "pip rejects the unclosed quote in the options; envlint reports it and "
                                       "still records the requirement written before them",
    ("requirementslib-tests.txt", 39): "scp-style `git+git@host:path` is not a URL pip recognises",
    ("requirementslib-tests.txt", 45): "scp-style `git+git@host:path` is not a URL pip recognises",
    ("local_paths_and_files-requirements.txt", 3): PATH_EGG,
    ("local_paths_and_files-requirements.txt", 4): PATH_EGG,
    ("file_1.txt", 3): PATH_EGG,
    ("file_2.txt", 1): PATH_EGG,
    **{(name, n): GIT_SCHEME for name in ("vcs-git-requirements.txt", "vcs_git.txt") for n in (12, 13, 14)},
    ("vcs_eggs-requirements.txt", 1): "novcs+http: is not a scheme pip knows, so pip reports an invalid requirement",
    ("fail_2.txt", 1): "novcs+http: is not a scheme pip knows, so pip reports an invalid requirement",
}


def _prp_comparison(expected_path: str):
    """(named requirements theirs and ours, invalid lines theirs and ours) for one input."""
    data = json.loads((CORPUS / expected_path).read_text(encoding="utf-8"))
    relpath = expected_path[: -len("-expected.json")]
    result = _read(relpath)
    theirs = Counter(
        (e["requirement_line"]["line_number"], normalize_name(e["name"]), _spec(",".join(e["specifier"])),
         e["is_editable"])
        for e in data["requirements"] if e["name"]
    )
    ours = Counter((r.location.line, r.name, r.specifier, r.editable) for r in result.requirements
                   if r.location.path == relpath)  # that parser does not follow includes
    their_invalid = {i["line_number"] for i in data.get("invalid_lines", [])}
    flagged = {p.location.line for p in result.problems
               if p.location.path == relpath and p.kind in (SYNTAX, "requirement-ignored")}
    our_errors = {p.location.line for p in result.problems if p.location.path == relpath and p.kind == SYNTAX}
    return theirs, ours, their_invalid, flagged, our_errors


@pytest.mark.parametrize("expected_path", PRP_EXPECTED)
def test_pip_requirements_parser_expected(expected_path):
    name = Path(expected_path).name[: -len("-expected.json")]
    try:
        json.loads((CORPUS / expected_path).read_text(encoding="utf-8"))
    except ValueError:
        pytest.skip(f"{expected_path} is not JSON (the corpus copy holds a bare requirement line)")
    if not (CORPUS / expected_path[: -len("-expected.json")]).exists():
        pytest.skip(f"{expected_path} has no input file beside it")
    theirs, ours, their_invalid, flagged, our_errors = _prp_comparison(expected_path)
    differing = {key[0] for key in (theirs - ours) + (ours - theirs)}
    differing |= (their_invalid - flagged) | (our_errors - their_invalid)
    allowed = {line for (file, line) in PRP_ALLOWED if file == name}
    assert differing == allowed, {
        line: (sorted(k for k in theirs if k[0] == line), sorted(k for k in ours if k[0] == line))
        for line in differing ^ allowed
    }


# --- requirements-parser: X.txt + X.expected -----------------------------------------------------

RP_EXPECTED = sorted(p.relative_to(CORPUS).as_posix() for p in CORPUS.glob("**/*.expected"))
RP_FAIL = sorted(p.relative_to(CORPUS).as_posix() for p in CORPUS.glob("requirements-parser/**/fail_*.txt"))
RP_ALLOWED = {  # (input file name, normalised name) -> reason
    ("editable_1.txt", "package-name"): "that parser names `-e path/to/local/package_name` after the directory; pip "
                                        "reads the name from the project's metadata",
    ("file_1.txt", "myproject"): "pip rebuilds a relative file:// URL from its path and so drops its #egg= "
                                 "(constructors.py parse_req_from_line)",
    ("file_1.txt", "someotherproject"): PATH_EGG,
    ("file_1.txt", "anotherproject"): PATH_EGG,
    ("vcs_git.txt", "myproject"): GIT_SCHEME,
    ("vcs_git_extras_require.txt", "myproject"): EGG,
}


@pytest.mark.parametrize("expected_path", RP_EXPECTED)
def test_requirements_parser_expected(expected_path):
    relpath = expected_path[: -len(".expected")] + ".txt"
    if not (CORPUS / relpath).exists():
        pytest.skip(f"{expected_path} has no input file beside it")
    data = json.loads((CORPUS / expected_path).read_text(encoding="utf-8"))
    result = _read(relpath)  # that parser follows -r includes, as pip does
    theirs = Counter((normalize_name(e["name"]), _spec(",".join(op + v for op, v in e["specs"])), e["editable"])
                     for e in data if e["name"])
    ours = Counter((r.name, r.specifier, r.editable) for r in result.requirements)
    differing = {key[0] for key in (theirs - ours) + (ours - theirs)}
    allowed = {name for (file, name) in RP_ALLOWED if file == Path(relpath).name}
    assert differing == allowed, (theirs - ours, ours - theirs)


@pytest.mark.parametrize("relpath", RP_FAIL)
def test_requirements_parser_failures_are_reported(relpath):
    # that parser must raise on these files; envlint reports an invalid requirement instead
    assert SYNTAX in [p.kind for p in _read(relpath).problems]


# --- uv: insta snapshots of RequirementsTxt::parse -----------------------------------------------

UV = CORPUS / "uv" / "crates" / "uv-requirements-txt"
UV_SNAPSHOTS = sorted(p.name for p in (UV / "src" / "snapshots").glob("*.snap"))
UV_OPERATORS = {"Equal": "==", "NotEqual": "!=", "GreaterThan": ">", "GreaterThanEqual": ">=", "LessThan": "<",
                "LessThanEqual": "<=", "TildeEqual": "~=", "ExactEqual": "==="}
UV_EXPECTED_ERRORS = {  # input -> why envlint records what pip reads instead of an error
    "hash.txt": "pip reads `-e ./editable# comment` as the path `./editable#` and drops `comment`; whether that "
                "directory exists is for pip's working directory, envlint reports the dropped word",
    "semicolon.txt": "pip's shlex split makes `./editable;python_version` the path and drops the rest of the "
                     "marker; envlint reports the dropped words",
}
_DEBUG_TOKEN = re.compile(r'"(?:[^"\\]|\\.)*"|[A-Za-z_][A-Za-z0-9_]*|-?\d+|[{}()\[\],:]|\S')


def parse_rust_debug(text: str):
    """Rust's pretty `{:#?}` output as nested dicts: `Name { f: v }`, `Name(v, …)` and bare
    `Name` become {"__type__": Name, …}; lists and strings map to Python's."""
    tokens = _DEBUG_TOKEN.findall(text)
    pos = 0

    def items(close: str) -> list:
        nonlocal pos
        found = []
        while tokens[pos] != close:
            found.append(value())
            pos += tokens[pos] == ","
        pos += 1
        return found

    def value():
        nonlocal pos
        token = tokens[pos]
        pos += 1
        if token.startswith('"'):
            return json.loads(token)
        if token == "[":
            return items("]")
        if tokens[pos] == "(":
            pos += 1
            return {"__type__": token, "__items__": items(")")}
        if tokens[pos] == "{":
            pos += 1
            node = {"__type__": token}
            while tokens[pos] != "}":
                key = tokens[pos]
                pos += 2  # the key and its ':'
                node[key] = value()
                pos += tokens[pos] == ","
            pos += 1
            return node
        return {"__type__": token}

    return value()


def _uv_named(requirement: dict) -> tuple[str, str]:
    specifier = ""
    version_or_url = requirement["version_or_url"]
    if version_or_url["__type__"] == "Some" and version_or_url["__items__"][0]["__type__"] == "VersionSpecifier":
        specs = version_or_url["__items__"][0]["__items__"][0]["__items__"][0]
        specifier = _spec(",".join(UV_OPERATORS[s["operator"]["__type__"]] + s["version"] for s in specs))
    return requirement["name"]["__items__"][0], specifier


def _uv_snapshot(name: str):
    kind, input_name = re.fullmatch(r"uv_requirements_txt__test__(parse|line-endings)-(?:(?:unix|windows)-)?(.+)\.snap",
                                    name).groups()
    body = (UV / "src" / "snapshots" / name).read_text(encoding="utf-8").split("---", 2)[2]
    # markers are printed unquoted: quote them so the value reads as one string
    body = re.sub(r"(?m)^(\s*marker: )(.*),$", lambda m: m.group(1) + json.dumps(m.group(2)) + ",", body)
    return kind, input_name, parse_rust_debug(body)


@pytest.mark.parametrize("snapshot", UV_SNAPSHOTS)
def test_uv_snapshots(snapshot, tmp_path):
    kind, input_name, tree = _uv_snapshot(snapshot)
    for source in (UV / "test-data" / "requirements-txt").iterdir():
        data = source.read_bytes()
        if kind == "line-endings":  # uv's test runs the same files with CRLF line endings
            data = data.replace(b"\r\n", b"\n").replace(b"\n", b"\r\n")
        (tmp_path / source.name).write_bytes(data)
    result = parse_requirements_file(Repo(tmp_path), input_name)
    if tree["__type__"] != "RequirementsTxt":
        assert input_name in UV_EXPECTED_ERRORS
        assert [i.option for i in result.includes] == ["-e"]
        assert [p.kind for p in result.problems] == ["requirement-ignored"]
        return
    assert input_name not in UV_EXPECTED_ERRORS
    theirs = Counter()
    for entry in tree["requirements"] + tree["editables"]:
        if entry["requirement"]["__type__"] == "Named":
            theirs[(*_uv_named(entry["requirement"]["__items__"][0]), entry in tree["editables"], False)] += 1
    for constraint in tree["constraints"]:
        theirs[(*_uv_named(constraint), False, True)] += 1
    ours = Counter((r.name, r.specifier, r.editable, r.constraint) for r in result.requirements)
    assert ours == theirs
    unnamed = sum(e["requirement"]["__type__"] == "Unnamed" for e in tree["requirements"])
    assert sum(i.option == "." for i in result.includes) == unnamed
    assert sum(i.option == "-e" for i in result.includes) == len(tree["editables"])
    assert [p.kind for p in result.problems if p.kind != "requirement-ignored"] == []


# --- pip-req-cases.md: pip's own unit-test cases and observed behaviour --------------------------


class Row(NamedTuple):
    case: str  # "1" … "70", "B1" … "B22"
    given: str  # the input cell as the table writes it
    expected: str  # the expected-result cell


def _md_rows() -> dict[str, Row]:
    """Every table row of pip-req-cases.md, by its number."""
    rows = {}
    for line in (CORPUS / "pip-req-cases.md").read_text(encoding="utf-8").splitlines():
        match = re.match(r"\|\s*(B?\d+)\s*\|(.*)\|\s*$", line)
        if match:
            cells = [c.strip() for c in match.group(2).split(" | ")]
            if re.match(r"test_\w+", cells[0]):  # the name of pip's test comes first
                cells = cells[1:]
            rows[match.group(1)] = Row(match.group(1), cells[0], cells[1] if len(cells) > 1 else "")
    return rows


ROWS = _md_rows()


def spans(cell: str) -> list[str]:
    """The code spans of a cell, `<TAB>` made a tab."""
    return [s.replace("<TAB>", "\t") for s in re.findall(r"`([^`]*)`", cell)]


def lines_of(cell: str) -> str:
    """A file with one line per code span (`a`⏎`b`, or `a` then `b`)."""
    return "\n".join(spans(cell)) + "\n"


def files_in(cell: str) -> dict[str, str]:
    """`path`=`content`[⏎`more content`] pairs, as the multi-file cases write them."""
    pairs = re.findall(r"`([^`]+)`\s*=\s*((?:`[^`]*`⏎?)+)", cell)
    return {path.removeprefix("./"): lines_of(content) for path, content in pairs}


def run(tmp_path: Path, content: str | bytes | dict, top: str = "r.txt", **kwargs):
    files = content if isinstance(content, dict) else {top: content}
    for name, data in files.items():
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_bytes(data if isinstance(data, bytes) else data.encode("utf-8"))
    return parse_requirements_file(Repo(tmp_path), top, **kwargs)


def pins_of(result, *attributes: str) -> list[tuple]:
    return [(r.name, r.specifier, *(getattr(r, a) for a in attributes)) for r in result.requirements]


def kinds(result) -> list[str]:
    return [p.kind for p in result.problems]


def expect_pins(*expected: tuple, **run_kwargs):
    def check(tmp_path, row, monkeypatch):
        result = run(tmp_path, lines_of(row.given), **run_kwargs)
        assert pins_of(result) == list(expected) and kinds(result) == []
    return check


def expect_problem(kind: str, *, each: bool = False, message: str = ""):
    """The file (or, with `each`, every code span on its own) yields exactly one `kind` problem."""
    def check(tmp_path, row, monkeypatch):
        for n, text in enumerate(spans(row.given) if each else [lines_of(row.given)]):
            result = run(tmp_path / str(n), text)
            assert kinds(result) == [kind], (text, result.problems)
            assert message in result.problems[0].message
    return check


def expect_accepted(tmp_path, row, monkeypatch):
    result = run(tmp_path, lines_of(row.given))
    assert result.requirements == [] and kinds(result) == []


def expect_logical_lines(tmp_path, row, monkeypatch):
    """pip's preprocess(): (first line number, text) of each joined, comment-free line."""
    if row.given.startswith("`("):  # lines given as (number, text) tuples
        numbered = dict(ast.literal_eval(s) for s in spans(row.given))
        text = "\n".join(numbered.get(n, "") for n in range(1, max(numbered) + 1))
    else:
        text = "\n".join(spans(row.given))
    found = [(line.source.locate(0)[0], line.source.text[line.start:line.end])
             for line in _logical_lines("r.txt", text)]
    expected = [(n, t.strip()) for n, t in ast.literal_eval(f"[{spans(row.expected)[0].strip('[]')}]")]
    if row.case == "6":  # the row shows only the line it is about
        assert expected[0] in found and len(found) == 3
    else:
        assert found == expected


def expect_args_options(tmp_path, row, monkeypatch):
    """pip's break_args_options(): the requirement part and the options part of a line."""
    (line,) = spans(row.given)
    at = _options_start(line)
    found = (line, "") if at is None else (line[:at].rstrip(" "), line[at:])
    assert found == ast.literal_eval(spans(row.expected)[0])


def case_13(tmp_path, row, monkeypatch):
    requirement, path = spans(row.given)  # `my-package=1.0` at line 3 of `path/requirements.txt`
    result = run(tmp_path, "\n\n" + requirement + "\n", top=path)
    (problem,) = result.problems
    assert (problem.kind, problem.location.path, problem.location.line) == (SYNTAX, path, 3)
    assert "did you mean ==" in problem.message


def case_editable(tmp_path, row, monkeypatch):
    result = run(tmp_path, lines_of(row.given))
    assert pins_of(result, "editable") == [("someproject", "", True)] and kinds(result) == []


def case_constraints_file(tmp_path, row, monkeypatch):
    result = run(tmp_path, lines_of(row.given), constraint=True)
    assert pins_of(result, "constraint") == [("someproject", "", True)]


def case_19(tmp_path, row, monkeypatch):
    result = run(tmp_path, files_in(row.given), top="parent/req_file.txt")
    assert pins_of(result, "constraint") == [("hello", "", True)] and kinds(result) == []


def case_20(tmp_path, row, monkeypatch):
    result = run(tmp_path, files_in(row.given), top="c.txt")
    assert pins_of(result) == [("requests", ""), ("requests", "")] and kinds(result) == []


def case_21(tmp_path, row, monkeypatch):
    # `0.txt`→`-r 1.txt`→…→`3.txt`→`-r 0.txt`: each file includes the next, the last the first
    files = {f"{n}.txt": f"-r {(n + 1) % 4}.txt\n" for n in range(4)}
    result = run(tmp_path, files, top="0.txt")
    assert kinds(result) == ["include-cycle"] and result.problems[0].location.path == "3.txt"


def case_22(tmp_path, row, monkeypatch):
    assert kinds(run(tmp_path, files_in(row.given), top="root.txt")) == ["include-cycle"]


def case_41(tmp_path, row, monkeypatch):
    result = run(tmp_path, {**files_in(row.given), "parent/reqs.txt": "x\n"}, top="parent/req_file.txt")
    assert result.files_read == ["parent/req_file.txt", "parent/reqs.txt"] and kinds(result) == []


def case_42(tmp_path, row, monkeypatch):
    assert kinds(run(tmp_path, lines_of(row.given))) == ["outside-repo"]


def case_43(tmp_path, row, monkeypatch):
    assert kinds(run(tmp_path, lines_of(row.given))) == ["requirement-unresolved"]


def case_55(tmp_path, row, monkeypatch):
    monkeypatch.setenv("GITHUB_TOKEN", "leaked-token")
    monkeypatch.setenv("DO_12_FACTOR", "leaked-path")
    result = run(tmp_path, lines_of(row.given))
    assert kinds(result) == ["requirement-unresolved"] and "leaked" not in repr(result)
    assert spans(row.given)[0] in result.problems[0].message


def case_unnamed_url(tmp_path, row, monkeypatch):
    # pip: one requirement with no name and the URL as written; envlint: a note naming the URL
    result = run(tmp_path, lines_of(row.given))
    assert result.requirements == [] and kinds(result) == ["requirement-unresolved"]
    assert spans(row.given)[0].split(" #")[0] in result.problems[0].message


def case_58(tmp_path, row, monkeypatch):
    result = _read("pip/tests/data/reqfiles/supported_options2.txt")
    assert result.requirements == [] and kinds(result) == []


def case_63(tmp_path, row, monkeypatch):
    text = "".join(f"  {s.replace('…', 'https://x')}\n" for s in spans(row.given))  # "indented"
    result = run(tmp_path, text)
    assert kinds(result) == [SYNTAX] and "--no-use-wheel" in result.problems[0].message


def case_64(tmp_path, row, monkeypatch):
    assert pins_of(run(tmp_path, spans(row.given)[0].encode())) == [("django", "==1.4.2")]


def case_65(tmp_path, row, monkeypatch):
    assert kinds(run(tmp_path, lines_of(row.given).encode("latin-1"))) == ["unreadable"]


def case_66(tmp_path, row, monkeypatch):
    text = spans(row.given)[0]
    boms = {"utf-8": codecs.BOM_UTF8, "utf-16-be": codecs.BOM_UTF16_BE, "utf-16-le": codecs.BOM_UTF16_LE,
            "utf-32-be": codecs.BOM_UTF32_BE, "utf-32-le": codecs.BOM_UTF32_LE}
    variants = [bom + text.encode(enc) for enc, bom in boms.items()] + [text.encode(e) for e in ("utf-16", "utf-32")]
    for n, data in enumerate(variants):
        assert pins_of(run(tmp_path / str(n), data)) == [("django", "==1.4.2")], data


def case_67(tmp_path, row, monkeypatch):
    assert kinds(run(tmp_path, b"pip<=24.0 # some comment\xff")) == ["unreadable"]


def case_68(tmp_path, row, monkeypatch):
    assert kinds(run(tmp_path, b"\xff")) == ["unreadable"]


def case_69(tmp_path, row, monkeypatch):
    assert kinds(parse_requirements_file(Repo(tmp_path), "missing.txt", constraint=True)) == ["unreadable"]


def case_b6_b7(requirement: str):
    def check(tmp_path, row, monkeypatch):  # c.txt holds `foo==2.0`
        result = run(tmp_path, {"r.txt": f"-c c.txt\n{requirement}\n", "c.txt": "foo==2.0\n"})
        assert pins_of(result, "constraint") == [("foo", "==2.0", True), ("foo", requirement[3:], False)]
    return check


def case_b8_b9(tmp_path, row, monkeypatch):
    result = run(tmp_path, {"r.txt": spans(row.given)[0] + "\n", "c.txt": "c\n", "c2.txt": "c2\n"})
    assert pins_of(result) == [("c", "")] and kinds(result) == ["requirement-ignored"]


def case_junk_dropped(*expected: tuple):
    def check(tmp_path, row, monkeypatch):
        result = run(tmp_path, lines_of(row.given))
        assert pins_of(result) == list(expected) and kinds(result) == ["requirement-ignored"]
        assert "junk" in result.problems[0].message
    return check


def case_b14(tmp_path, row, monkeypatch):
    result = run(tmp_path, lines_of(row.given))
    assert result.requirements == [] and kinds(result) == ["requirement-ignored"]


def case_b18(tmp_path, row, monkeypatch):
    monkeypatch.delenv("FOO_VER", raising=False)
    found = [kinds(run(tmp_path / str(n), text)) for n, text in enumerate(spans(row.given))]
    assert found == [["requirement-unresolved"], [SYNTAX], [SYNTAX]]


def case_b19(tmp_path, row, monkeypatch):
    monkeypatch.setenv("FOO_VER", "2.0")
    result = run(tmp_path, spans(row.given)[0])
    assert result.requirements == [] and kinds(result) == ["requirement-unresolved"]


CHECKS = {
    **{n: expect_logical_lines for n in ("1", "2", "3", "4", "5", "6", "7", "8")},
    "9": expect_problem(SYNTAX), "10": expect_problem(SYNTAX, message="algorithm:digest"),
    "11": expect_pins(("pkg", "==1.0.0")), "12": expect_problem(SYNTAX, message="one requirement per line"),
    "13": case_13, "14": expect_pins(("someproject", "")), "15": expect_pins(("someproject", "")),
    "16": case_constraints_file, "17": expect_pins(("someproject", ">=2")), "18": case_editable,
    "19": case_19, "20": case_20, "21": case_21, "22": case_22,
    "23": expect_pins(("someproject", "")), "24": expect_pins(("someproject", "")),
    **{str(n): expect_accepted for n in (*range(26, 38), 39, 48, 49, 50, 51, 52, 54, 57, 59)},
    "38": expect_problem(SYNTAX), "41": case_41, "42": case_42, "43": case_43,
    **{str(n): expect_args_options for n in range(44, 48)},
    "55": case_55, "56": case_unnamed_url, "58": case_58, "60": expect_problem(SYNTAX),
    "61": case_unnamed_url, "62": expect_pins(("wat", "")), "63": case_63, "64": case_64, "65": case_65,
    "66": case_66, "67": case_67, "68": case_68, "69": case_69, "70": expect_pins(("foo", "")),
    "B1": expect_pins(("foo", "==1.0"), ("foo", "==2.0")), "B2": expect_pins(("foo", ">=1.0"), ("foo", "<2")),
    "B3": expect_pins(("bar", ""), ("foo", "==2.0")),
    "B4": expect_pins(("coze-coding-dev-sdk", "==0.5.3"), ("coze-coding-dev-sdk", "==0.5.5")),
    "B5": expect_pins(("foo", "==1.0"), ("foo", "==2.0")),
    "B6": case_b6_b7("foo>=1"), "B7": case_b6_b7("foo==1.0"), "B8": case_b8_b9, "B9": case_b8_b9,
    "B10": case_junk_dropped(), "B11": expect_problem(SYNTAX, each=True, message="no option"),
    "B12": expect_accepted, "B13": case_junk_dropped(("foo", "==1.0")), "B14": case_b14,
    "B15": expect_problem(SYNTAX, message="not a tab"), "B16": expect_problem(SYNTAX, message="did you mean =="),
    "B17": expect_problem(SYNTAX, message="comment only after whitespace"), "B18": case_b18, "B19": case_b19,
    "B20": expect_pins(("foo", "==1.0"), ("bar", "==1.0")), "B22": expect_pins(("foo", "===1.0"), ("foo", "~=1.0")),
}
NOT_EXPRESSIBLE = {
    "25": "isolated mode is a pip command-line setting, not something a requirements file says",
    "40": "the top file itself is a URL; envlint reads repository files only",
    "53": "needs the network",
    "B21": "about a pip command line, not a requirements file (the Dockerfile extractor's concern)",
}
# Rows where envlint deliberately differs from pip: their checks assert what envlint does instead.
TOLERATED = {
    "42": "an absolute -r path cannot be mapped into the repository statically: outside-repo",
    "43": "envlint never downloads a nested requirements file: requirement-unresolved",
    "55": "envlint never expands ${VAR} from its own environment (a CI's secrets must not reach a report)",
    "65": "Repo.read_text ignores PEP 263 coding lines (repo.py is shared): unreadable",
    "67": "no fallback to the locale's encoding: a file that is not UTF-8 (or BOM-marked) is unreadable",
    "B18": "`${FOO_VER}` left unexpanded is reported as unresolved, not as the user's error",
    "B19": "envlint never expands ${VAR} from its own environment: unresolved",
}


def test_every_pip_case_is_classified():
    assert len(ROWS) == 92
    assert set(ROWS) == set(CHECKS) | set(NOT_EXPRESSIBLE)
    assert not set(CHECKS) & set(NOT_EXPRESSIBLE) and set(TOLERATED) <= set(CHECKS)


@pytest.mark.parametrize("case", [c for c in ROWS if c in CHECKS])
def test_pip_req_cases(case, tmp_path, monkeypatch):
    CHECKS[case](tmp_path, ROWS[case], monkeypatch)

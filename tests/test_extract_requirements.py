"""The requirements-file extractor on hand-written inputs: what pip reads, and where it is.

Expected locations are counted by hand from the inputs (columns are 1-based, `end_column` is
one past the last character).
"""

from __future__ import annotations

import codecs
import random
import shlex
import time
from pathlib import Path

import pytest

from envlint.extract.requirements import _shell_words, parse_requirements_file, requirement_from_line
from envlint.facts import FileArg, Location, Problem, Requirement
from envlint.repo import Repo
from fixture_tree import write_tree

TOP = "requirements.txt"


def write(root: Path, files: dict[str, str | bytes]) -> None:
    write_tree(root, files)


def parse(tmp_path: Path, text: str | bytes | None = None, *, files: dict | None = None, top: str = TOP,
          constraint: bool = False):
    write(tmp_path, files if files is not None else {top: text})
    return parse_requirements_file(Repo(tmp_path), top, constraint=constraint)


def loc(line: int, column: int, end_line: int, end_column: int, path: str = TOP) -> Location:
    return Location(path, line, column, end_line, end_column)


def pins(result) -> list[tuple[str, str]]:
    return [(r.name, r.specifier) for r in result.requirements]


def kinds(result) -> list[str]:
    return [p.kind for p in result.problems]


def only_problem(result, kind: str) -> Problem:
    matching = [p for p in result.problems if p.kind == kind]
    assert len(matching) == 1, result.problems
    return matching[0]


# --- plain requirements -------------------------------------------------------------------------


def test_pins_with_names_specifiers_and_locations(tmp_path):
    result = parse(tmp_path, "flask==2.0.1\nrequests>=2,<3\n\nCoze_Coding.dev-SDK==0.5.5\n")
    assert pins(result) == [("flask", "==2.0.1"), ("requests", "<3,>=2"), ("coze-coding-dev-sdk", "==0.5.5")]
    assert [r.location for r in result.requirements] == [loc(1, 1, 1, 13), loc(2, 1, 2, 15), loc(4, 1, 4, 27)]
    assert result.requirements[2].text == "Coze_Coding.dev-SDK==0.5.5"
    assert result.requirements[0].pinned_version == "2.0.1"
    assert result.problems == [] and result.files_read == [TOP] and result.includes == []


def test_indented_requirement_with_spaces_and_trailing_comment(tmp_path):
    result = parse(tmp_path, "   SomeProject >= 2   # minimum\n")
    (req,) = result.requirements
    assert (req.name, req.specifier, req.text) == ("someproject", ">=2", "SomeProject >= 2")
    assert req.location == loc(1, 4, 1, 20)


def test_operators_markers_and_extras(tmp_path):
    result = parse(tmp_path, "a===1.0\nb~=1.4\nc==1.*\nd!=2\ne (>=1.0)\n"
                             "f==1.0; python_version<'3.10'\nG[PDF,epub]==3.0\n")
    assert pins(result) == [("a", "===1.0"), ("b", "~=1.4"), ("c", "==1.*"), ("d", "!=2"), ("e", ">=1.0"),
                            ("f", "==1.0"), ("g", "==3.0")]
    assert result.requirements[5].marker == 'python_version < "3.10"'
    assert result.requirements[5].text == "f==1.0; python_version<'3.10'"
    assert set(result.requirements[6].extras) == {"pdf", "epub"}
    assert result.problems == []


def test_comment_only_after_whitespace(tmp_path):
    result = parse(tmp_path, "pkg==1.0#x\nok==1.0 #fine\n# whole line\n  # indented comment\n")
    assert pins(result) == [("ok", "==1.0")]
    problem = only_problem(result, "requirement-syntax")
    assert problem.location == loc(1, 1, 1, 11)
    assert "comment only after whitespace" in problem.message


def test_url_fragment_is_not_a_comment(tmp_path):
    result = parse(tmp_path, "https://example.com/foo.tar.gz#egg=wat\n")
    (req,) = result.requirements
    assert (req.name, req.url, req.location) == ("wat", "https://example.com/foo.tar.gz#egg=wat", loc(1, 1, 1, 39))


def test_url_without_name_is_unresolved(tmp_path):
    result = parse(tmp_path, "https://example.com/foo.tar.gz # Comment \n")
    assert result.requirements == []
    assert only_problem(result, "requirement-unresolved").location == loc(1, 1, 1, 31)


def test_invalid_requirements_say_what_pip_would_do(tmp_path):
    result = parse(tmp_path, "foo=1.0\nreq1 req2\nfoo==1.0\t--hash=sha256:abc\nfoo; python_version <\n")
    assert result.requirements == []
    assert kinds(result) == ["requirement-syntax"] * 4
    equal, two, tab, marker = result.problems
    assert "did you mean ==" in equal.message and equal.location == loc(1, 1, 1, 8)
    assert "one requirement per line" in two.message and two.location == loc(2, 1, 2, 10)
    assert "not a tab" in tab.message and tab.location == loc(3, 1, 3, 27)
    assert "marker" in marker.message and marker.location == loc(4, 1, 4, 22)
    assert all("pip stops" in p.message for p in result.problems)


# --- continuations, line endings, encodings ----------------------------------------------------


def test_continuation_with_hashes_keeps_the_physical_location(tmp_path):
    text = "foo==1.0 \\\n    --hash=sha256:abc \\\n    --hash=sha256:def\nbar\n"
    result = parse(tmp_path, text)
    assert pins(result) == [("foo", "==1.0"), ("bar", "")]
    assert [r.location for r in result.requirements] == [loc(1, 1, 1, 9), loc(4, 1, 4, 4)]
    assert result.problems == []


def test_requirement_split_across_lines_is_located_on_both(tmp_path):
    # line.strip("\\") also drops leading backslashes: "bar" starts in column 2
    result = parse(tmp_path, "\\bar\\\n==2\n")
    (req,) = result.requirements
    assert (req.name, req.specifier, req.text) == ("bar", "==2", "bar==2")
    assert req.location == loc(1, 2, 2, 4)


def test_comment_line_does_not_continue_and_ends_a_continuation(tmp_path):
    result = parse(tmp_path, "req1 \\\n# comment \\\nreq2\nreq3\\\n# comment\nreq4 \\")
    assert [(r.name, r.location.line) for r in result.requirements] == [
        ("req1", 1), ("req2", 3), ("req3", 4), ("req4", 6)]
    assert result.problems == []


def test_crlf_cr_and_unicode_line_breaks(tmp_path):
    result = parse(tmp_path, "a==1\r\nb==2\rc==3\u2028d==4\x0ce==5\r\n")
    assert [(r.name, r.location) for r in result.requirements] == [
        ("a", loc(1, 1, 1, 5)), ("b", loc(2, 1, 2, 5)), ("c", loc(3, 1, 3, 5)), ("d", loc(4, 1, 4, 5)),
        ("e", loc(5, 1, 5, 5))]


@pytest.mark.parametrize("encoding", ["utf-8-sig", "utf-16", "utf-16-le", "utf-16-be", "utf-32"])
def test_byte_order_marks(tmp_path, encoding):
    data = "Django==1.4.2\r\nflask\r\n".encode(encoding)
    if encoding in ("utf-16-le", "utf-16-be"):
        data = (codecs.BOM_UTF16_LE if encoding.endswith("le") else codecs.BOM_UTF16_BE) + data
    result = parse(tmp_path, data)
    assert pins(result) == [("django", "==1.4.2"), ("flask", "")]
    assert result.requirements[0].location == loc(1, 1, 1, 14)


def test_unreadable_top_file_is_a_problem_at_line_one(tmp_path):
    result = parse(tmp_path, b"pip<=24.0 # caf\xe9\n")
    assert result.requirements == [] and result.files_read == []
    assert only_problem(result, "unreadable").location == Location(TOP, 1, 1)


def test_missing_top_file(tmp_path):
    result = parse_requirements_file(Repo(tmp_path), TOP)
    assert only_problem(result, "unreadable").location == Location(TOP, 1, 1)


# --- options ------------------------------------------------------------------------------------


def test_global_options_are_accepted(tmp_path):
    text = ("--index-url https://x/simple\n-i 'https://y'\n--index-url='https://z'\n--pypi-url=https://w\n"
            "--extra-index-url https://y --pre\n-f ./wheels\n--find-links=https://f\n--no-binary :all:\n"
            "--only-binary=:none:\n--trusted-host h --trusted-host h2:8080 --prefer-binary --require-hashes\n"
            "--no-index\n--no-require-hashes\n--all-releases :all:\n--only-final pkg1,pkg2\n"
            "--use-feature=fast-deps\n--extra-index-url url1 \\\n--extra-index-url url2\n")
    result = parse(tmp_path, text)
    assert result.requirements == [] and result.problems == []


def test_abbreviated_long_options(tmp_path):
    files = {TOP: "--no-ind\n--extra-index https://x\n--requireme base.txt\n--no\n--requi x\n", "base.txt": "base\n"}
    result = parse(tmp_path, files=files)
    assert pins(result) == [("base", "")]
    assert result.includes == [FileArg("-r", "base.txt", loc(3, 13, 3, 21))]
    assert kinds(result) == ["requirement-syntax", "requirement-syntax"]
    assert "ambiguous" in result.problems[0].message and result.problems[0].location == loc(4, 1, 4, 5)
    assert "--require-hashes" in result.problems[1].message and result.problems[1].location == loc(5, 1, 5, 8)


def test_unknown_and_removed_options_are_errors(tmp_path):
    result = parse(tmp_path, "--bogus\n--no-use-wheel\nfoo --global-option=x\n--'data\n-r\n-x y\n--pre=1\n")
    assert pins(result) == [("foo", "")]  # the requirement is still recorded, the option reported
    assert kinds(result) == ["requirement-syntax"] * 7
    bogus, wheel, global_option, quote, no_value, short, flag_value = result.problems
    assert bogus.location == loc(1, 1, 1, 8) and "--bogus" in bogus.message
    assert "removed" in wheel.message and "removed" in global_option.message
    assert global_option.location == loc(3, 5, 3, 22)
    assert "quote" in quote.message and quote.location == loc(4, 1, 4, 8)
    assert "needs a value" in no_value.message and no_value.location == loc(5, 1, 5, 3)
    assert short.location == loc(6, 1, 6, 3)
    assert "takes no value" in flag_value.message


def test_hash_and_config_settings_values(tmp_path):
    text = ("a==1.0.0 --hash=somehash\nb==1 --hash=md5:abc\nc==1 --hash=sha256:2cf2 --hash sha384:59e1\n"
            'd --config-settings="yo3=yo4" --config-settings "yo1=yo2" -C k=v\ne -C novalue\n'
            "--use-feature=resolvelib\n")
    result = parse(tmp_path, text)
    assert pins(result) == [("a", "==1.0.0"), ("b", "==1"), ("c", "==1"), ("d", ""), ("e", "")]
    assert [(p.kind, p.location) for p in result.problems] == [
        ("requirement-syntax", loc(1, 10, 1, 25)), ("requirement-syntax", loc(2, 6, 2, 20)),
        ("requirement-syntax", loc(5, 3, 5, 13)), ("requirement-syntax", loc(6, 1, 6, 25))]
    assert "algorithm:digest" in result.problems[0].message and "sha256" in result.problems[1].message


def test_options_start_only_at_a_space_separated_dash(tmp_path):
    # `-` inside a version or marker does not start options; only a token after a space does
    result = parse(tmp_path, "foo==1.0-1\nbar; platform_machine != '-x'\n")
    assert pins(result) == [("foo", "==1.0-1"), ("bar", "")]
    assert result.problems == []


def test_silently_ignored_parts_are_reported(tmp_path):
    text = ("--index-url https://foo.invalid junk more\nfoo==1.0 --index-url https://x\n--hash=sha256:abc\n"
            "bar==1.0 --config-settings=a=b junk\n")
    result = parse(tmp_path, text)
    assert pins(result) == [("foo", "==1.0"), ("bar", "==1.0")]
    assert [(p.kind, p.location) for p in result.problems] == [
        ("requirement-ignored", loc(1, 33, 1, 42)), ("requirement-ignored", loc(2, 10, 2, 31)),
        ("requirement-ignored", loc(3, 1, 3, 18)), ("requirement-ignored", loc(4, 32, 4, 36))]
    assert "'junk more'" in result.problems[0].message
    assert "--index-url" in result.problems[1].message


# --- includes -----------------------------------------------------------------------------------


def test_includes_are_relative_to_the_including_file(tmp_path):
    files = {
        TOP: "top1\n-r sub/base.txt\ntop2\n",
        "sub/base.txt": "-r deeper/more.txt\nbase1==1\n",
        "sub/deeper/more.txt": "  more1>=2\n",
    }
    result = parse(tmp_path, files=files)
    assert [(r.name, r.location) for r in result.requirements] == [
        ("top1", loc(1, 1, 1, 5)),
        ("more1", loc(1, 3, 1, 11, "sub/deeper/more.txt")),
        ("base1", loc(2, 1, 2, 9, "sub/base.txt")),
        ("top2", loc(3, 1, 3, 5)),
    ]
    assert result.includes == [FileArg("-r", "sub/base.txt", loc(2, 4, 2, 16)),
                               FileArg("-r", "deeper/more.txt", loc(1, 4, 1, 19, "sub/base.txt"))]
    assert result.files_read == [TOP, "sub/base.txt", "sub/deeper/more.txt"]
    assert result.problems == []


def test_only_the_first_include_on_a_line_is_followed(tmp_path):
    files = {TOP: "-r a.txt -c b.txt\n-c b.txt -c a.txt\n", "a.txt": "a\n", "b.txt": "b\n"}
    result = parse(tmp_path, files=files)
    assert [(r.name, r.constraint) for r in result.requirements] == [("a", False), ("b", True)]
    assert [(p.kind, p.location) for p in result.problems] == [
        ("requirement-ignored", loc(1, 10, 1, 18)), ("requirement-ignored", loc(2, 10, 2, 18))]
    assert [i.option for i in result.includes] == ["-r", "-c"]


def test_constraints(tmp_path):
    files = {TOP: "-c constraints.txt\nfoo>=1\n", "constraints.txt": "foo==2.0\n-r reqs.txt\n", "reqs.txt": "bar\n"}
    result = parse(tmp_path, files=files)
    assert [(r.name, r.specifier, r.constraint, r.location.path) for r in result.requirements] == [
        ("foo", "==2.0", True, "constraints.txt"),
        ("bar", "", False, "reqs.txt"),  # pip: `-r` inside a constraints file reads requirements
        ("foo", ">=1", False, TOP),
    ]
    assert result.includes[0] == FileArg("-c", "constraints.txt", loc(1, 4, 1, 19))


def test_top_file_read_as_constraints(tmp_path):
    result = parse(tmp_path, "SomeProject\n", constraint=True)
    assert [(r.name, r.constraint) for r in result.requirements] == [("someproject", True)]


def test_include_value_forms_are_located_on_the_path(tmp_path):
    files = {TOP: "--requirement=sub/x.txt\n-rsub/x.txt\n-r 'sub/x.txt'\n--constraint sub/x.txt\n",
             "sub/x.txt": "x\n"}
    result = parse(tmp_path, files=files)
    assert [i.location for i in result.includes] == [
        loc(1, 15, 1, 24), loc(2, 3, 2, 12), loc(3, 4, 3, 15), loc(4, 14, 4, 23)]
    assert [i.path for i in result.includes] == ["sub/x.txt"] * 4
    assert result.files_read == [TOP, "sub/x.txt"]


def test_include_cycle_names_the_chain(tmp_path):
    files = {TOP: "a\n-r b.txt\n", "b.txt": "b\n-r requirements.txt\n"}
    result = parse(tmp_path, files=files)
    assert pins(result) == [("a", ""), ("b", "")]
    problem = only_problem(result, "include-cycle")
    assert problem.location == loc(2, 4, 2, 20, "b.txt")
    assert "requirements.txt -> b.txt -> requirements.txt" in problem.message


def test_include_cycle_through_relative_paths(tmp_path):
    files = {"root.txt": "-r nest/level_1.txt\n", "nest/level_1.txt": "-r nest/level_2.txt\n",
             "nest/nest/level_2.txt": "-r ../../root.txt\n"}
    result = parse(tmp_path, files=files, top="root.txt")
    assert only_problem(result, "include-cycle").location == loc(1, 4, 1, 18, "nest/nest/level_2.txt")
    assert result.files_read == ["root.txt", "nest/level_1.txt", "nest/nest/level_2.txt"]


def test_self_include(tmp_path):
    result = parse(tmp_path, "-r ./requirements.txt\n")
    assert only_problem(result, "include-cycle").location == loc(1, 4, 1, 22)


def test_repeated_include_without_cycle_is_allowed(tmp_path):
    files = {"c.txt": "-r a.txt\n-r b.txt\n", "b.txt": "-r a.txt\n", "a.txt": "requests\n"}
    result = parse(tmp_path, files=files, top="c.txt")
    assert pins(result) == [("requests", ""), ("requests", "")]
    assert result.problems == [] and result.files_read == ["c.txt", "a.txt", "b.txt"]


def test_outside_repository_includes_are_not_read(tmp_path):
    repo = tmp_path / "repo"
    write(tmp_path, {"outside.txt": "secret==1\n", "repo/" + TOP: "-r ../outside.txt\n-r link.txt\n-c /etc/x.txt\n"})
    (repo / "link.txt").symlink_to(tmp_path / "outside.txt")
    result = parse_requirements_file(Repo(repo), TOP)
    assert result.requirements == [] and result.files_read == [TOP]
    assert [(p.kind, p.location) for p in result.problems] == [
        ("outside-repo", loc(1, 4, 1, 18)), ("outside-repo", loc(2, 4, 2, 12)), ("outside-repo", loc(3, 4, 3, 14))]
    assert [i.path for i in result.includes] == ["../outside.txt", "link.txt", "/etc/x.txt"]


def test_missing_and_directory_includes(tmp_path):
    files = {TOP: "-r missing.txt\n-c sub\n", "sub/x.txt": "x\n"}
    result = parse(tmp_path, files=files)
    assert [(p.kind, p.location) for p in result.problems] == [
        ("missing-file", loc(1, 4, 1, 15)), ("missing-file", loc(2, 4, 2, 7))]
    assert "missing.txt does not exist" in result.problems[0].message
    assert "directory" in result.problems[1].message
    assert len(result.includes) == 2


def test_unreadable_include_is_located_at_the_include(tmp_path):
    files = {TOP: "ok\n-r bad.txt\n", "bad.txt": b"caf\xe9\n"}
    result = parse(tmp_path, files=files)
    assert pins(result) == [("ok", "")]
    assert only_problem(result, "unreadable").location == loc(2, 4, 2, 11)
    assert result.files_read == [TOP]


def test_remote_include_is_not_fetched(tmp_path):
    result = parse(tmp_path, "-r https://example.com/reqs.txt\n")
    assert only_problem(result, "requirement-unresolved").location == loc(1, 4, 1, 32)


def test_include_chains_are_bounded(tmp_path):
    deep = {f"f{i}.txt": f"p{i}\n-r f{i + 1}.txt\n" for i in range(100)}
    result = parse(tmp_path, files={**deep, "f100.txt": "end\n"}, top="f0.txt")
    assert 10 < len(result.requirements) < 100
    assert kinds(result) == ["requirement-unresolved"]
    # every file includes the next one twice: 2**30 reads without a limit
    diamond = {f"d{i}.txt": f"-r d{i + 1}.txt\n-r d{i + 1}.txt\n" for i in range(30)}
    start = time.perf_counter()
    result = parse(tmp_path, files={**diamond, "d30.txt": "x\n"}, top="d0.txt")
    assert time.perf_counter() - start < 10
    assert "requirement-unresolved" in kinds(result)


def test_symlink_loop_includes_end(tmp_path):
    write(tmp_path, {"d/a.txt": "x\n-r loop/a.txt\n"})
    (tmp_path / "d" / "loop").symlink_to(tmp_path / "d")
    result = parse_requirements_file(Repo(tmp_path), "d/a.txt")
    assert 1 < len(result.requirements) < 100 and len(result.problems) == 1


# --- environment variables ----------------------------------------------------------------------


def test_env_vars_are_never_expanded(tmp_path, monkeypatch):
    monkeypatch.setenv("FOO_VER", "2.0")
    monkeypatch.setenv("GITHUB_TOKEN", "s3cr3t-token")
    monkeypatch.setenv("REQ_DIR", "sub")
    text = ("foo==${FOO_VER}\n"
            "pkg @ https://${GITHUB_TOKEN}:x-oauth-basic@github.com/user/repo/archive/master.zip\n"
            "-r ${REQ_DIR}/x.txt\nbar==${bar_ver}\nbaz==$FOO_VER\n")
    result = parse(tmp_path, files={TOP: text, "sub/x.txt": "never==1\n"})
    assert [(r.name, r.url) for r in result.requirements] == [
        ("pkg", "https://${GITHUB_TOKEN}:x-oauth-basic@github.com/user/repo/archive/master.zip")]
    assert [(p.kind, p.location) for p in result.problems] == [
        ("requirement-unresolved", loc(1, 1, 1, 16)), ("requirement-unresolved", loc(3, 4, 3, 20)),
        ("requirement-syntax", loc(4, 1, 4, 16)), ("requirement-syntax", loc(5, 1, 5, 14))]
    assert "FOO_VER" in result.problems[0].message
    assert "s3cr3t" not in repr(result) and "2.0" not in result.problems[0].message
    assert result.files_read == [TOP]


# --- editables, paths, URLs ---------------------------------------------------------------------


def test_editables(tmp_path):
    text = ("-e .\n-e ./pkg[dev]\n-e git+https://g/x.git#egg=Xy_Z\n--editable=./p\n"
            "-e git+https://g/noname.git\n-e https://x/y.zip\n-e ./a -e ./b\n"
            "-e SomeProject@git+https://git.repo/some_pkg.git@1.3.1\n-e git://git.repo/p.git#egg=P\n")
    result = parse(tmp_path, text)
    assert [(r.name, r.editable, r.location) for r in result.requirements] == [
        ("xy-z", True, loc(3, 4, 3, 32)), ("someproject", True, loc(8, 4, 8, 55)), ("p", True, loc(9, 4, 9, 30))]
    assert result.requirements[1].url == "git+https://git.repo/some_pkg.git@1.3.1"
    assert result.requirements[0].text == "git+https://g/x.git#egg=Xy_Z"
    assert [(i.option, i.path, i.location) for i in result.includes] == [
        ("-e", ".", loc(1, 4, 1, 5)), ("-e", "./pkg", loc(2, 4, 2, 14)),
        ("-e", "git+https://g/x.git#egg=Xy_Z", loc(3, 4, 3, 32)), ("-e", "./p", loc(4, 12, 4, 15)),
        ("-e", "git+https://g/noname.git", loc(5, 4, 5, 28)), ("-e", "https://x/y.zip", loc(6, 4, 6, 19)),
        ("-e", "./a", loc(7, 4, 7, 7)),
        ("-e", "SomeProject@git+https://git.repo/some_pkg.git@1.3.1", loc(8, 4, 8, 55)),
        ("-e", "git://git.repo/p.git#egg=P", loc(9, 4, 9, 30))]
    assert [(p.kind, p.location.line) for p in result.problems] == [
        ("requirement-unresolved", 5), ("requirement-syntax", 6), ("requirement-ignored", 7)]


def test_quoted_editable_keeps_its_text_as_written(tmp_path):
    result = parse(tmp_path, '-e "git+https://g/x.git#egg=x"\n')
    (req,) = result.requirements
    assert (req.name, req.url, req.text) == ("x", "git+https://g/x.git#egg=x", '"git+https://g/x.git#egg=x"')
    assert req.location == loc(1, 4, 1, 31)


def test_local_paths_and_archives(tmp_path):
    text = (".\n./pkg\n.[PDF]\n./downloads/SomePackage-1.0.4.tar.gz\nsub/dir ; python_version >= '3'\n"
            "file:///abs/project\n")
    result = parse(tmp_path, text)
    assert result.requirements == [] and result.problems == []
    assert [(i.option, i.path, i.location) for i in result.includes] == [
        (".", ".", loc(1, 1, 1, 2)), (".", "./pkg", loc(2, 1, 2, 6)), (".", ".", loc(3, 1, 3, 7)),
        (".", "./downloads/SomePackage-1.0.4.tar.gz", loc(4, 1, 4, 37)), (".", "sub/dir", loc(5, 1, 5, 32)),
        (".", "file:///abs/project", loc(6, 1, 6, 20))]


def test_wheels_pin_their_version(tmp_path):
    text = ("./dl/SomeProject-1.2.3-py33-none-any.whl\n"
            "https://host/foo_bar-2.0-py3-none-any.whl ; python_version >= '3.8'\n"
            "https://host/bad.whl\nSomeProject @ https://url/SomeProject-py2-py3-none-any.whl\n")
    result = parse(tmp_path, text)
    assert [(r.name, r.specifier, r.pinned_version) for r in result.requirements] == [
        ("someproject", "==1.2.3", "1.2.3"), ("foo-bar", "==2.0", "2.0"), ("someproject", "", None)]
    assert result.requirements[1].marker == 'python_version >= "3.8"'
    assert result.requirements[1].url == "https://host/foo_bar-2.0-py3-none-any.whl"
    assert result.requirements[2].url == "https://url/SomeProject-py2-py3-none-any.whl"
    assert only_problem(result, "requirement-syntax").location == loc(3, 1, 3, 21)


def test_url_markers_need_semicolon_and_space(tmp_path):
    text = "https://h/p.tar.gz#egg=p; python_version<'3'\nhttps://h/q.tar.gz#egg=q;python_version<'3'\n"
    result = parse(tmp_path, text)
    assert [(r.name, r.marker) for r in result.requirements] == [("p", 'python_version < "3"')]
    assert only_problem(result, "requirement-syntax").location == loc(2, 1, 2, 44)  # 43 characters


def test_urls_pip_cannot_fetch(tmp_path):
    text = "git://git.myproject.org/MyProject.git@v1.0#egg=MyProject\ngit@github.com:org/repo.git==v1.0\n"
    result = parse(tmp_path, text)
    assert result.requirements == []
    assert kinds(result) == ["requirement-syntax", "requirement-syntax"]
    assert "git:" in result.problems[0].message


def test_relative_file_url_loses_its_egg_as_in_pip(tmp_path):
    result = parse(tmp_path, "file://../../lib/project#egg=MyProject\nfile:///lib/project#egg=Other\n")
    assert pins(result) == [("other", "")]
    assert [i.path for i in result.includes] == ["file://../../lib/project#egg=MyProject"]


def test_requirement_from_line_is_usable_on_its_own():
    where = Location("Dockerfile", 3, 17, 3, 30)
    assert isinstance(requirement_from_line("flask==2.0", where), Requirement)
    assert isinstance(requirement_from_line("./app", where), FileArg)
    assert requirement_from_line("flask=2.0", where).kind == "requirement-syntax"


# --- robustness ---------------------------------------------------------------------------------


def test_shell_words_split_like_shlex():
    rng = random.Random(7)
    alphabet = ["a", "b", " ", "\t", "'", '"', "\\", "-", "=", "#", "é"]
    checked = 0
    for _ in range(3000):
        text = "".join(rng.choice(alphabet) for _ in range(rng.randint(0, 14)))
        try:
            expected = shlex.split(text)
        except ValueError:
            with pytest.raises(ValueError):
                _shell_words(text)
            continue
        words = _shell_words(text)
        assert [w for w, _, _ in words] == expected, text
        ends = [0] + [end for _, _, end in words]
        assert all(ends[n] <= start < end and not text[start].isspace() for n, (_, start, end) in enumerate(words))
        checked += 1
    assert checked > 1000


def _assert_located_in_file(repo: Repo, result) -> None:
    for req in result.requirements:
        lines = repo.read_text(req.location.path).splitlines()
        first = lines[req.location.line - 1][req.location.column - 1]
        last = lines[req.location.end_line - 1][req.location.end_column - 2]
        assert (first, last) == (req.text[0], req.text[-1]), req


def test_random_input_never_crashes(tmp_path):
    rng = random.Random(2024)
    pieces = ["foo", "==1.0", " ", "\\", "\n", "\r\n", "#", "-r", "-e", " -c ", "x.txt", "'", '"', ";", "@",
              "https://h/p.whl", "${A}", "--hash=sha256:", "[x]", ".", "/", "\t", "\u2028", "--", "-", "\x00",
              "git+https://g/r#egg=", "=", "(", "é", "--no", "-C"]
    repo = Repo(tmp_path)
    write(tmp_path, {"x.txt": "-r requirements.txt\nbar\n"})
    for _ in range(400):
        text = "".join(rng.choice(pieces) for _ in range(rng.randint(0, 40)))
        (tmp_path / TOP).write_text(text, encoding="utf-8")
        repo._cache.clear()
        result = parse_requirements_file(repo, TOP)
        assert all(isinstance(p, Problem) for p in result.problems)
        _assert_located_in_file(repo, result)


def test_large_and_adversarial_files_are_fast(tmp_path):
    spaces = " " * 300_000  # quadratic for a naive `(^|\s+)#` search
    text = (f"a{spaces}b{spaces}#\n" + "pkg==1.0 --hash=sha256:abc\n" * 50_000 + "x \\\n" * 20_000 + "y\n"
            + "#" * 200_000 + "\n" + "a#" * 100_000 + "\n")
    start = time.perf_counter()
    result = parse(tmp_path, text)
    elapsed = time.perf_counter() - start
    assert len(result.requirements) == 50_000
    assert elapsed < 20, elapsed


def test_top_file_outside_the_repository_is_not_read(tmp_path):
    write(tmp_path, {"outside.txt": "secret==1\n", "repo/x.txt": "x\n"})
    result = parse_requirements_file(Repo(tmp_path / "repo"), "../outside.txt")
    assert result.requirements == [] and result.files_read == []
    assert only_problem(result, "outside-repo").location == Location("../outside.txt", 1, 1)


def test_simple_requirement_fast_path_reads_as_packaging_does():
    """envlint.extract.requirements reads `name`, `name==1.2` and the like without packaging;
    for every string its fast pattern accepts, the result must be packaging's, and strings it
    does not accept go to packaging. Random strings near the pattern's edges, both ways."""
    from packaging.requirements import InvalidRequirement
    from packaging.requirements import Requirement as PackagingRequirement

    from envlint.extract import requirements as module
    from envlint.facts import normalize_name

    rng = random.Random(508)
    alphabet = "aZ9._-"
    operators = ["", "==", "!=", ">=", "<=", "<", ">", "~=", "===", "=", " == "]
    versions = ["1", "1.0", "01.2.30", "1.*", "1.0a1", "1.0.post1", "v1", "1.", ".1", "1..2", "1.0+local", ""]
    texts = {"flask", "flask==3.0.3", "Flask_SQL.Alchemy>=2", "a", "1==1", "-a", "a-", "a_", "_a", " a", "a "}
    for _ in range(3000):
        name = "".join(rng.choice(alphabet) for _ in range(rng.randint(1, 5)))
        texts.add(name + rng.choice(operators) + rng.choice(versions))
    simple = 0
    for text in sorted(texts):
        if not module._SIMPLE_REQUIREMENT.fullmatch(text):
            continue
        simple += 1
        module._PEP508_CACHE.pop(text, None)
        try:
            parsed = PackagingRequirement(text)
        except InvalidRequirement:
            pytest.fail(f"the fast path accepts {text!r}, packaging does not")
        assert module.parse_pep508(text) == (
            normalize_name(parsed.name), str(parsed.specifier), None, None, ()
        ), text
    assert simple > 100


def test_plain_requirement_fast_path_reads_as_packaging_does():
    """Extras, several comparisons and pre/post/dev releases are read without packaging too;
    every string the wider pattern accepts must read as packaging reads it."""
    from packaging.requirements import InvalidRequirement
    from packaging.requirements import Requirement as PackagingRequirement

    from envlint.extract import requirements as module
    from envlint.facts import normalize_name

    rng = random.Random(440)
    names = ["flask", "Django", "uvicorn", "a", "zope.interface", "typing_extensions", "a-", "-a"]
    extras = ["", "[standard]", "[Dev,test_all]", "[a,A]", "[]", "[a,]", "[ a]", "[-x]"]
    operators = ["==", "!=", ">=", "<=", "<", ">", "~=", "===", "="]
    versions = ["1", "1.0", "01.2.30", "2.9.0.post0", "1.0a1", "1.0rc2", "1.0b1.post2.dev3", "1.0.dev0",
                "1.*", "1.0+local", "v1", "1.", "1.0post1", "1.0-1", ""]
    texts = {"uvicorn[standard]==0.30.6", "celery>=5,<6", "python-dateutil==2.9.0.post0", "a>=1,>=1.0", "a>1,<2,!=1.5"}
    for _ in range(10000):
        comparisons = [rng.choice(operators) + rng.choice(versions) for _ in range(rng.choice([0, 1, 1, 2, 3]))]
        texts.add(rng.choice(names) + rng.choice(extras) + ",".join(comparisons))
    fast = 0
    for text in sorted(texts):
        if not module._PLAIN_REQUIREMENT.fullmatch(text):
            continue
        module._PEP508_CACHE.pop(text, None)
        found = module.parse_pep508(text)
        try:
            parsed = PackagingRequirement(text)
        except InvalidRequirement:
            pytest.fail(f"the fast path accepts {text!r}, packaging does not")
        fast += 1
        assert found == (
            normalize_name(parsed.name), str(parsed.specifier), None, None,
            tuple(sorted({normalize_name(extra) for extra in parsed.extras})),
        ), text
    assert fast > 400


@pytest.mark.parametrize("line, path, extras", [
    (".[dev]", ".", ("dev",)),
    ("./svc[Dev, test_all]", "./svc", ("dev", "test-all")),  # PEP 685 normalisation
    (".", ".", ()),
])
def test_local_project_keeps_its_extras(line, path, extras):
    parsed = requirement_from_line(line, Location("r.txt", 1, 1))
    assert isinstance(parsed, FileArg)
    assert (parsed.path, parsed.extras) == (path, extras)

"""The reuse of what a Dockerfile line was found to be across places and files (dockerfile._LINES
for the parser, dockerfile._CommandCache for RUN/CMD/ENTRYPOINT analyses): a Dockerfile read
after others that share its lines gives exactly what it gives read alone."""

from __future__ import annotations

import random
from pathlib import Path

import pytest

import envlint.extract.dockerfile as dockerfile_module
from envlint.extract.dockerfile import parse, parse_dockerfile
from envlint.facts import Location, Word
from envlint.repo import Repo

TESTS = Path(__file__).resolve().parent
CORPUS = TESTS.parents[1] / "shared" / "corpus" / "dockerfile" / "buildkit"


def _forget() -> None:
    dockerfile_module._COMMANDS.entries.clear()
    dockerfile_module._LINES.clear()


def _fresh(repo: Repo, relpath: str, build_args=None):
    _forget()
    return parse_dockerfile(repo, relpath, build_args=build_args)


def _sources() -> list[Path]:
    found = [p for p in (TESTS / "cases").rglob("*") if p.is_file() and "dockerfile" in p.name.lower()]
    if CORPUS.is_dir():
        found += [p for p in CORPUS.rglob("*") if p.is_file() and p.parent.name != "shell"
                  and p.name not in ("LICENSE", "SOURCE.md", "result")]
    return sorted(found)


@pytest.mark.parametrize("build_args", [None, {"PORT": "9000", "PYTHON_VERSION": "3.11", "VERSION": "1.2"}])
def test_reused_analyses_equal_fresh_ones(tmp_path, build_args):
    sources = _sources()
    assert len(sources) > 40
    names = []
    for i, source in enumerate(sources):
        data = source.read_bytes()
        for copy in ("a", "b"):
            (tmp_path / copy / str(i)).mkdir(parents=True)
            (tmp_path / copy / str(i) / "Dockerfile").write_bytes(data)
        names.append(f"{i}/Dockerfile")
    repo = Repo(tmp_path)
    fresh = {name: _fresh(repo, "b/" + name, build_args) for name in names}
    _forget()
    order = names[:]
    random.Random(7).shuffle(order)
    for name in order:  # the same lines, at other paths (and, across files, other lines)
        parse_dockerfile(repo, "a/" + name, build_args=build_args)
    random.Random(8).shuffle(order)
    for name in order:
        assert parse_dockerfile(repo, "b/" + name, build_args=build_args) == fresh[name], name


def _write(tmp_path: Path, name: str, text: str) -> str:
    (tmp_path / name).write_text(text)
    return name


def test_a_line_moved_down_and_into_another_file(tmp_path):
    repo = Repo(tmp_path)
    first = _write(tmp_path, "one.Dockerfile", "FROM python:3.12\nRUN pip install \\\n    flask==3.0.0 && cd app\n")
    second = _write(tmp_path, "two.Dockerfile",
                    "FROM python:3.12\n\n# a comment\nRUN pip install \\\n    flask==3.0.0 && cd app\n")
    parse_dockerfile(repo, first)
    reused = parse_dockerfile(repo, second)
    assert reused == _fresh(repo, second)
    requirement = reused.stages[0].runs[0].installs[0].requirements[0]
    assert requirement.location == Location(second, 5, 5, 5, 17)


def test_a_line_with_variables_is_reused_only_where_they_have_the_same_values(tmp_path):
    repo = Repo(tmp_path)
    text = "FROM python:3.12\nARG V=1.0\nRUN pip install flask==$V\nENV V=2.0\nRUN pip install flask==$V\n"
    name = _write(tmp_path, "Dockerfile", text)
    _forget()
    for build_args in (None, {"V": "3.0"}, None):
        result = parse_dockerfile(repo, name, build_args=build_args)
        assert result == _fresh(repo, name, build_args)
        pins = [run.installs[0].requirements[0].specifier for run in result.stages[0].runs]
        assert pins == (["==1.0", "==2.0"] if build_args is None else ["==3.0", "==2.0"])
        assert [run.location.line for run in result.stages[0].runs] == [3, 5]


def test_the_shell_of_the_stage_is_part_of_what_is_reused(tmp_path):
    repo = Repo(tmp_path)
    posix = _write(tmp_path, "posix.Dockerfile", "FROM python:3.12\nRUN pip install flask==3.0.0\n")
    other = _write(tmp_path, "pwsh.Dockerfile",
                   'FROM python:3.12\nSHELL ["pwsh", "-Command"]\nRUN pip install flask==3.0.0\n')
    assert parse_dockerfile(repo, posix).stages[0].runs[0].installs
    assert not parse_dockerfile(repo, other).stages[0].runs[0].installs
    assert parse_dockerfile(repo, posix) == _fresh(repo, posix)


def test_an_onbuild_line_is_split_where_it_is():
    text = "FROM python:3.12\nONBUILD RUN pip install flask\n"
    parse(text, "one/Dockerfile")
    node = parse("\n" + text, "two/Dockerfile").nodes[1]
    assert (node.sub.path, node.sub.location) == ("two/Dockerfile", Location("two/Dockerfile", 3, 1, 3, 22))
    assert node.sub.arg_location(0) == Location("two/Dockerfile", 3, 13, 3, 30)


def test_parsed_lines_are_shared_but_not_their_places():
    first = parse("FROM python:3.12\nRUN --mount=type=cache,target=/root/.cache pip install flask\n", "a")
    second = parse("FROM python:3.12\n\n  RUN --mount=type=cache,target=/root/.cache pip install flask\n", "b")
    one, two = first.nodes[1], second.nodes[1]
    assert (one.dump(), one.flags, one.args) == (two.dump(), two.flags, two.args)
    assert one.location == Location("a", 2, 1, 2, 61)
    assert two.location == Location("b", 3, 3, 3, 63)
    assert two.span(*two.flag_spans[0]) == Location("b", 3, 7, 3, 45)


def test_only_facts_made_of_records_and_tuples_are_moved():
    word = Word("app", Location("a", 2, 5, 2, 8))
    moved = dockerfile_module._mover((word, "x", 1, None))("b", 3)
    assert moved == (Word("app", Location("b", 5, 5, 5, 8)), "x", 1, None)
    with pytest.raises(TypeError):
        dockerfile_module._mover([word])  # a list could be changed after it was copied: not reused

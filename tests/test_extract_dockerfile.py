"""Dockerfile facts: stages, ARG scoping, ENV/EXPOSE/COPY/WORKDIR with their exact locations,
and what is handed to envlint.extract.commands for RUN, CMD and ENTRYPOINT."""

from __future__ import annotations

import random
from pathlib import Path

import pytest

import envlint.extract.dockerfile
from envlint.extract.dockerfile import image_path_source, parse, parse_dockerfile, python_version_of
from envlint.facts import Command, Copy, DockerStage, Location
from envlint.repo import Repo


def dockerfile(tmp_path: Path, text: str | bytes, build_args=None, name: str = "Dockerfile"):
    path = tmp_path / name
    path.write_bytes(text if isinstance(text, bytes) else text.encode("utf-8"))
    return parse_dockerfile(Repo(tmp_path), name, build_args=build_args)


def at(line: int, column: int, end_line: int, end_column: int, path: str = "Dockerfile") -> Location:
    """A location; end_column is exclusive, as SourceText.span gives it."""
    return Location(path, line, column, end_line, end_column)


@pytest.fixture
def calls(monkeypatch):
    """Replace the command analysis with a recorder of what the Dockerfile layer passes."""
    recorded: list[tuple] = []

    def analyze_shell(source, text, env=None):
        recorded.append(("shell", source, text, dict(env or {})))
        return Command(source, text.span(0, len(text.text)) if text.text else Location("Dockerfile", 1))

    def analyze_exec(source, words, location):
        recorded.append(("exec", source, list(words), location))
        return Command(source, location, exec_form=True, words=tuple(words))

    monkeypatch.setattr(envlint.extract.dockerfile, "analyze_shell", analyze_shell)
    monkeypatch.setattr(envlint.extract.dockerfile, "analyze_exec", analyze_exec)
    return recorded


# --- stages and FROM --------------------------------------------------------------------------


def test_stages_names_bases_and_locations(tmp_path):
    df = dockerfile(tmp_path, "FROM python:3.12-slim AS Builder\nRUN true\n\n  from   builder as FINAL\n")
    assert df.problems == []
    assert [(s.index, s.name, s.base) for s in df.stages] == [(0, "builder", "python:3.12-slim"), (1, "final", "builder")]
    assert df.stages[0].location == at(1, 1, 1, 33)
    assert df.stages[1].location == at(4, 3, 4, 26)  # leading blanks are not part of the instruction
    assert df.final is df.stages[1]


def test_from_expands_global_args_and_build_args_override(tmp_path):
    text = "ARG PY=3.11\nARG VARIANT=slim\nFROM python:${PY}-$VARIANT\nFROM python:${MISSING:-3.10} AS b\nFROM $UNKNOWN\n"
    assert [s.base for s in dockerfile(tmp_path, text).stages] == ["python:3.11-slim", "python:3.10", "$UNKNOWN"]
    stages = dockerfile(tmp_path, text, build_args={"PY": "3.13"}).stages
    assert stages[0].base == "python:3.13-slim"


def test_global_args_are_recorded_and_located(tmp_path):
    df = dockerfile(tmp_path, "ARG A=1 B=$A\nARG C\nFROM x\n", build_args={"C": "c"})
    assert [(v.key, v.value) for v in df.args] == [("A", "1"), ("B", "1"), ("C", "c")]
    assert df.args[0].location == at(1, 5, 1, 6) and df.args[0].value_location == at(1, 7, 1, 8)
    assert df.args[1].location == at(1, 9, 1, 10)
    assert df.args[2].value_location is None  # the value came from the build, not the file


def test_arg_scoping(tmp_path):
    """A global ARG is visible in FROM only, unless the stage declares it again."""
    text = (
        "ARG VERSION=1.0\n"
        "FROM x\n"
        "ENV A=v$VERSION\n"  # not in scope: kept as written
        "ARG VERSION\n"  # redeclared without a value: takes the global one
        "ENV B=v$VERSION\n"
        "FROM y\n"
        "ARG VERSION=2.0\n"  # the stage's own default
        "ENV C=v$VERSION\n"
    )
    df = dockerfile(tmp_path, text)
    first, second = df.stages
    assert [(v.kind, v.key, v.value) for v in first.env] == [("ENV", "A", "v$VERSION"), ("ARG", "VERSION", "1.0"), ("ENV", "B", "v1.0")]
    assert [(v.kind, v.key, v.value) for v in second.env] == [("ARG", "VERSION", "2.0"), ("ENV", "C", "v2.0")]
    overridden = dockerfile(tmp_path, text, build_args={"VERSION": "9"})
    assert [v.value for v in overridden.stages[0].env] == ["v$VERSION", "9", "v9"]
    assert [v.value for v in overridden.stages[1].env] == ["9", "v9"]


def test_env_beats_arg_of_the_same_name(tmp_path):
    stage = dockerfile(tmp_path, "FROM x\nENV X=env\nARG X=arg\nENV Y=$X\n").stages[0]
    assert stage.env[-1].value == "env"


# --- ENV --------------------------------------------------------------------------------------


def test_env_pairs_each_located_at_its_key_across_continuations(tmp_path):
    text = 'FROM x\nENV PORT=8000 \\\n    HOST="0.0.0.0" \\\n\tDEBUG=\n'
    stage = dockerfile(tmp_path, text).stages[0]
    assert [(v.key, v.value) for v in stage.env] == [("PORT", "8000"), ("HOST", "0.0.0.0"), ("DEBUG", "")]
    assert [v.location for v in stage.env] == [at(2, 5, 2, 9), at(3, 5, 3, 9), at(4, 2, 4, 7)]
    assert stage.env[0].value_location == at(2, 10, 2, 14)
    assert stage.env[1].value_location == at(3, 10, 3, 19)  # the raw text, quotes included
    assert stage.env[2].value_location is None


def test_env_legacy_form_and_sequential_semantics(tmp_path):
    stage = dockerfile(tmp_path, "FROM x\nENV GREETING hello  world\nENV A=1\nENV A=2 B=$A\n").stages[0]
    assert [(v.key, v.value) for v in stage.env] == [("GREETING", "hello  world"), ("A", "1"), ("A", "2"), ("B", "1")]
    assert stage.env[0].location == at(2, 5, 2, 13)
    assert stage.env[0].value_location == at(2, 14, 2, 26)


def test_env_quoting_and_unknown_variables(tmp_path):
    text = "FROM x\nENV P=/venv/bin:$PATH Q='$literal' R=a\\ b S=\"${PORT:-5000}\"\n"
    assert [v.value for v in dockerfile(tmp_path, text).stages[0].env] == ["/venv/bin:$PATH", "$literal", "a b", "5000"]


# --- EXPOSE -----------------------------------------------------------------------------------


def test_expose_one_fact_per_port_word(tmp_path):
    text = "FROM x\nENV PORT=8080 PORTS=\"1 2\"\nEXPOSE 5000 $PORT 9000/tcp 53/udp 8000-8010 \\\n  ${PORTS} $NOPE\n"
    exposes = dockerfile(tmp_path, text).stages[0].exposes
    assert [(e.text, e.port) for e in exposes] == [
        ("5000", 5000), ("8080", 8080), ("9000/tcp", 9000), ("53/udp", None), ("8000-8010", None),
        ("1", 1), ("2", 2), ("$NOPE", None)]
    assert [e.location for e in exposes] == [
        at(3, 8, 3, 12), at(3, 13, 3, 18), at(3, 19, 3, 27), at(3, 28, 3, 34), at(3, 35, 3, 44),
        at(4, 3, 4, 11), at(4, 3, 4, 11), at(4, 12, 4, 17)]


# --- the escape directive, CRLF, BOM ----------------------------------------------------------


def test_escape_directive_backtick(tmp_path):
    text = "# escape=`\nFROM x\nENV WIN=C:\\app `\n    OTHER=`$HOME\nRUN dir C:\\ `\n    /b\n"
    df = dockerfile(tmp_path, text)
    assert df.problems == []
    stage = df.stages[0]
    assert [(v.key, v.value) for v in stage.env] == [("WIN", "C:\\app"), ("OTHER", "$HOME")]
    assert stage.env[1].location == at(4, 5, 4, 10)
    assert parse(text).nodes[2].original == "RUN dir C:\\     /b"


def test_crlf_and_bom_keep_locations(tmp_path):
    df = dockerfile(tmp_path, b"\xef\xbb\xbfFROM x\r\nENV A=1 \\\r\n  B=2\r\nEXPOSE 80\r\n")
    stage = df.stages[0]
    assert stage.location == at(1, 1, 1, 7)
    assert [(v.key, v.value, v.location) for v in stage.env] == [("A", "1", at(2, 5, 2, 6)), ("B", "2", at(3, 3, 3, 4))]
    assert stage.exposes[0].location == at(4, 8, 4, 10)


def test_comments_and_blank_lines_inside_continuations(tmp_path):
    text = "FROM x\nENV A=1 \\\n# a comment\n\n    B=2\n"
    result = parse(text)
    assert [(n.start_line, n.end_line) for n in result.nodes] == [(1, 1), (2, 5)]
    assert len(result.warnings) == 1 and result.warnings[0].location.line == 5
    assert [v.location for v in dockerfile(tmp_path, text).stages[0].env] == [at(2, 5, 2, 6), at(5, 5, 5, 6)]


# --- WORKDIR and COPY -------------------------------------------------------------------------


def test_workdir_and_copy_destinations(tmp_path):
    text = (
        "FROM x AS build\n"
        "WORKDIR /app\n"
        "WORKDIR src\n"
        "COPY requirements.txt .\n"
        "COPY --chown=app [\"a b.txt\", \"c\", \"lib/\"]\n"
        "COPY --from=Build /app/dist ./dist\n"
        "ENV D=/data\n"
        "ADD https://example.com/x.tgz $D/x.tgz\n"
        "COPY <<EOF /etc/conf\nk=v\nEOF\n"
    )
    stage = dockerfile(tmp_path, text).stages[0]
    assert stage.workdir == "/app/src"
    assert [(c.sources, c.dest, c.from_stage) for c in stage.copies] == [
        (("requirements.txt",), "/app/src/", None),
        (("a b.txt", "c"), "/app/src/lib/", None),
        (("/app/dist",), "/app/src/dist", "build"),
        (("https://example.com/x.tgz",), "/data/x.tgz", None),
        ((), "/etc/conf", None),
    ]
    assert stage.copies[0].location == at(4, 1, 4, 24)


def test_image_path_source(tmp_path):
    def stage(*copies: tuple[tuple[str, ...], str, str | None]) -> DockerStage:
        s = DockerStage(0, None, "x", Location("Dockerfile", 1))
        s.copies = [Copy(sources, dest, Location("Dockerfile", 2), from_stage) for sources, dest, from_stage in copies]
        return s

    assert image_path_source(stage((("requirements.txt",), "/app/", None)), "requirements.txt", "/app") == "requirements.txt"
    assert image_path_source(stage((("./reqs/base.txt",), "/app/req.txt", None)), "/app/req.txt", "/") == "reqs/base.txt"
    assert image_path_source(stage((("."), "/app", None)), "src/main.py", "/app") == "src/main.py"
    assert image_path_source(stage((("src/",), "/app/", None)), "main.py", "/app") == "src/main.py"
    assert image_path_source(stage((("requirements*.txt",), "/app/", None)), "requirements-dev.txt", "/app") == "requirements-dev.txt"
    assert image_path_source(stage((("requirements.txt",), "/app/", None)), "other.txt", "/app") is None
    assert image_path_source(stage((("/app/r.txt",), "/app/", "build")), "r.txt", "/app") is None  # another stage
    assert image_path_source(stage(((), "/app/r.txt", None)), "r.txt", "/app") is None  # a heredoc
    # the last COPY that covers the path wins; a dot-less source (maybe a directory) only as a fallback
    later = stage(((".",), "/app/", None), (("requirements.txt",), "/app/", None))
    assert image_path_source(later, "requirements.txt", "/app") == "requirements.txt"
    assert image_path_source(later, "app.py", "/app") == "app.py"
    fallback = stage(((".",), "/app/", None), (("Makefile",), "/app/", None))
    assert image_path_source(fallback, "main.py", "/app") == "main.py"
    assert image_path_source(stage((("app",), "/srv/", None)), "/srv/main.py", "/") == "app/main.py"


def test_image_path_source_on_parsed_file(tmp_path):
    stage = dockerfile(tmp_path, "FROM x\nWORKDIR /srv\nCOPY requirements/ ./reqs/\nCOPY . .\n").stages[0]
    assert image_path_source(stage, "reqs/prod.txt", stage.workdir) == "reqs/prod.txt"  # `COPY . .` wrote last
    assert image_path_source(stage, "/srv/app.py", "/") == "app.py"
    earlier = dockerfile(tmp_path, "FROM x\nWORKDIR /srv\nCOPY . .\nCOPY requirements/ ./reqs/\n").stages[0]
    assert image_path_source(earlier, "reqs/prod.txt", earlier.workdir) == "requirements/prod.txt"
    assert image_path_source(stage, "app.py", stage.workdir) == "app.py"


# --- RUN, CMD, ENTRYPOINT -> envlint.extract.commands -----------------------------------------


def test_shell_form_passes_located_argument_text_and_scope(tmp_path, calls):
    text = "ARG G=g\nFROM x\nARG V=1\nENV PORT=8000\nRUN --mount=type=cache,target=/root/.cache \\\n    pip install -r r.txt\nCMD gunicorn -b 0.0.0.0:$PORT app:app\n"
    stage = dockerfile(tmp_path, text).stages[0]
    (kind, source, run_text, env), (_, cmd_source, cmd_text, cmd_env) = calls
    assert (kind, source, cmd_source) == ("shell", "RUN", "CMD")
    assert run_text.text == "pip install -r r.txt"
    assert run_text.locate(0) == (6, 5) and run_text.locate(len(run_text.text) - 1) == (6, 24)
    assert env == {"V": "1", "PORT": "8000"} == cmd_env  # the global G is not in scope
    assert cmd_text.text == "gunicorn -b 0.0.0.0:$PORT app:app" and cmd_text.locate(0) == (7, 5)
    assert [c.source for c in stage.runs] == ["RUN"] and stage.cmd.source == "CMD"


def test_exec_form_words_are_located_at_their_json_strings(tmp_path, calls):
    text = 'FROM x\nENTRYPOINT ["python", \\\n  "-m", "app"]\n'
    stage = dockerfile(tmp_path, text).stages[0]
    kind, source, words, location = calls[0]
    assert (kind, source) == ("exec", "ENTRYPOINT")
    assert [(w.text, w.location) for w in words] == [
        ("python", at(2, 13, 2, 21)), ("-m", at(3, 3, 3, 7)), ("app", at(3, 9, 3, 14))]
    assert location == at(2, 1, 3, 15)
    assert stage.entrypoint.exec_form


def test_heredoc_run_passes_the_body_located_at_its_lines(tmp_path, calls):
    text = "FROM x\nRUN <<EOF\npip install flask==3.0\nEOF\nRUN <<-EOT\n\tpip install a\nEOT\nUSER app\n"
    df = dockerfile(tmp_path, text)
    assert df.problems == []
    first, second = calls[0][2], calls[1][2]
    assert first.text == "pip install flask==3.0\n" and first.locate(0) == (3, 1)
    assert second.text == "pip install a\n" and second.locate(0) == (6, 2)  # chomped: tab removed
    assert len(df.stages[0].runs) == 2


def test_heredoc_with_a_command_passes_the_whole_script(tmp_path, calls):
    text = "FROM x\nRUN python3 <<EOF\nprint(1)\nEOF\n"
    dockerfile(tmp_path, text)
    script = calls[0][2]
    assert script.text == "python3 <<EOF\nprint(1)\nEOF"  # what BuildKit hands to the shell
    assert script.locate(0) == (2, 5) and script.locate(14) == (3, 1) and script.locate(23) == (4, 1)


def test_last_cmd_and_entrypoint_win_and_stages_inherit(tmp_path, calls):
    text = (
        "FROM x AS base\nWORKDIR /app\nENV PORT=8000\nCMD [\"a\"]\nCMD [\"b\"]\n"
        "FROM base AS web\nEXPOSE $PORT\n"
        "FROM base AS job\nENTRYPOINT [\"run\"]\n"
    )
    base, web, job = dockerfile(tmp_path, text).stages
    assert base.cmd.words[0].text == "b"
    assert web.cmd is base.cmd and web.workdir == "/app" and web.exposes[0].port == 8000
    assert [(v.key, v.location.line) for v in web.env] == [("PORT", 3)]  # inherited, located where written
    assert job.cmd is None and job.entrypoint.words[0].text == "run"  # ENTRYPOINT resets an inherited CMD


# --- python_version_of ------------------------------------------------------------------------


@pytest.mark.parametrize("image, version", [
    ("python:3.12-slim", "3.12"),
    ("python:3.12.4-bookworm", "3.12.4"),
    ("docker.io/library/python:3.11@sha256:" + "a" * 64, "3.11"),
    ("ghcr.io/astral-sh/uv:python3.12-bookworm-slim", "3.12"),
    ("registry.access.redhat.com/ubi9/python-312", "3.12"),
    ("python:3", "3"),
    ("python:3.13.0rc1-slim", "3.13.0rc1"),
    ("python:latest", None),
    ("python", None),
    ("python:slim", None),
    ("python:${PY}-slim", None),
    ("node:20-alpine", None),
    ("ubuntu:22.04", None),
    ("localhost:5000/python", None),
])
def test_python_version_of(image, version):
    assert python_version_of(image) == version


# --- problems ---------------------------------------------------------------------------------


def test_unknown_instruction_and_unterminated_heredoc_are_located(tmp_path):
    df = dockerfile(tmp_path, "FROM python:3.12-slim\nWORKDIR /app\nFORM python:3.12\nCMD [\"a\"\nRUN <<EOF\necho\n")
    assert [(p.kind, p.message, p.location.line) for p in df.problems] == [
        ("dockerfile-syntax", "unterminated heredoc EOF", 5),
        ("dockerfile-syntax", "unknown instruction: FORM", 3),
    ]
    assert df.problems[1].location == at(3, 1, 3, 17)
    assert df.stages[0].cmd is not None and not df.stages[0].cmd.exec_form  # unterminated JSON is shell form


def test_unreadable(tmp_path):
    df = dockerfile(tmp_path, b"FROM x\nENV A=\xff\n")
    assert [p.kind for p in df.problems] == ["unreadable"] and df.stages == []
    missing = parse_dockerfile(Repo(tmp_path), "nope/Dockerfile")
    assert [p.kind for p in missing.problems] == ["unreadable"]


def test_expansion_errors_are_problems_not_exceptions(tmp_path):
    df = dockerfile(tmp_path, "FROM x\nENV A=\"open B=${X:?is required}\nEXPOSE ${P\n")
    assert [p.location.line for p in df.problems] == [2, 3]
    assert "failed to process" in df.problems[0].message


def test_never_raises_on_arbitrary_input(tmp_path):
    rng = random.Random(7)
    alphabet = ["FROM ", "RUN ", "ENV ", "ARG ", "COPY ", "EXPOSE ", "ONBUILD ", "CMD ", "<<EOF", "EOF", "\\", "`", "\n",
                "\r\n", " ", "\t", "=", "$", "${", "}", ":-", "'", '"', "[", "]", ",", "--from=", "# escape=`\n", "#", "a", "é"]
    for _ in range(300):
        text = "".join(rng.choice(alphabet) for _ in range(rng.randint(0, 60)))
        df = dockerfile(tmp_path, text)
        assert all(p.message for p in df.problems)
        assert not any("internal error" in p.message for p in df.problems), text

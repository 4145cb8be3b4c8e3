"""Dockerfile facts: stages, ARG scoping, ENV/EXPOSE/COPY/WORKDIR with their exact locations,
and what is handed to envlint.extract.commands for RUN, CMD and ENTRYPOINT."""

from __future__ import annotations

import json
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
    # an empty cache of analyses, for this test only: the recorder's Commands must not be reused
    # elsewhere, nor other tests' analyses here
    monkeypatch.setattr(envlint.extract.dockerfile, "_COMMANDS", envlint.extract.dockerfile._CommandCache())
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
    assert [(p.kind, p.message, p.location) for p in df.problems] == [
        ("dockerfile-syntax", "unterminated heredoc EOF: no line EOF closes it", at(5, 5, 5, 10)),  # `<<EOF`
        ("dockerfile-syntax", "unknown instruction: FORM", at(3, 1, 3, 17)),
    ]
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
                "\r\n", " ", "\t", "=", "$", "${", "}", ":-", "'", '"', "[", "]", ",", "--from=", "# escape=`\n", "#", "a", "é",
                "SHELL ", '["pwsh", "-c"]', "#!/bin/sh\n", "\x00"]
    for _ in range(600):
        text = "".join(rng.choice(alphabet) for _ in range(rng.randint(0, 60)))
        df = dockerfile(tmp_path, text)
        assert all(p.message for p in df.problems)
        assert not any("internal error" in p.message for p in df.problems), text


# --- bad input: located problems, never a traceback -------------------------------------------


def test_unterminated_heredoc_is_located_at_its_word(tmp_path):
    text = "FROM x\nRUN echo ok\nCOPY <<A <<B /dst/\na body\nA\nb body\n"
    df = dockerfile(tmp_path, text)
    assert [(p.message, p.location) for p in df.problems] == [
        ("unterminated heredoc B: no line B closes it", at(3, 10, 3, 13))]
    assert [r.location.line for r in df.stages[0].runs] == [2]  # what came before is kept
    # the third heredoc is the unterminated one, though `<<A` and `<<A2` are written before it
    result = parse("FROM x\nRUN cat <<A <<A2 && cat <<-A\nx\nA\ny\nA2\n")
    assert [(p.message, p.location) for p in result.problems] == [
        ("unterminated heredoc A: no line A closes it", at(2, 25, 2, 29))]


def test_unterminated_json_array_is_shell_form(tmp_path):
    """BuildKit's parseMaybeJSON (line_parsers.go) takes any JSON error other than "not an array
    of strings" as shell form: the whole text is one argument (its testfiles
    jeztah-invalid-json-unterminated-bracket / -string pin this). sh then looks for a command
    named `[pip,`, so nothing is installed and nothing listens."""
    text = 'FROM x\nRUN ["pip", "install", "flask"\nCMD ["gunicorn", "-b", "0.0.0.0:8000", "app:app"\n'
    assert parse(text).dump() == (
        '(from "x")\n(run "[\\"pip\\", \\"install\\", \\"flask\\"")\n'
        '(cmd "[\\"gunicorn\\", \\"-b\\", \\"0.0.0.0:8000\\", \\"app:app\\"")\n')
    df = dockerfile(tmp_path, text)
    stage = df.stages[0]
    assert df.problems == []
    assert not stage.runs[0].exec_form and stage.runs[0].installs == ()
    assert not stage.cmd.exec_form and stage.cmd.listens == ()


def test_unknown_instruction_with_a_control_character_is_quoted(tmp_path):
    df = dockerfile(tmp_path, "FROM x\nR\x00UN a\n")
    assert [(p.message, p.location) for p in df.problems] == [
        ('NUL byte in "R\\x00UN": no command, path or variable can contain one (a UTF-16 file needs a byte-order mark)',
         at(2, 2, 2, 3)),
        ('unknown instruction: "R\\x00UN"', at(2, 1, 2, 7)),
    ]


def test_nul_bytes(tmp_path):
    """BuildKit parses a NUL like any character (the node keeps it), but the RUN would fail: one
    located problem at the first NUL in an instruction; in a comment it is harmless."""
    text = "FROM x\n# a comment with \x00 is harmless\nRUN echo a\x00b\nRUN echo c\x00d\n"
    assert parse(text).nodes[1].args == ["echo a\x00b"]
    df = dockerfile(tmp_path, text)
    assert [(p.kind, p.message, p.location) for p in df.problems] == [
        ("dockerfile-syntax", "NUL byte in RUN: no command, path or variable can contain one "
         "(a UTF-16 file needs a byte-order mark)", at(3, 11, 3, 12))]
    assert dockerfile(tmp_path, "FROM x\n# \x00\nRUN true\n").problems == []
    heredoc = dockerfile(tmp_path, "FROM x\nRUN <<EOF\nok\nbad\x00\nEOF\n")
    assert [p.location for p in heredoc.problems] == [Location("Dockerfile", 4, 4)]


def test_utf16_without_bom_is_reported_at_its_first_nul(tmp_path):
    df = dockerfile(tmp_path, "FROM python:3.12\nRUN pip install flask\n".encode("utf-16-le"))
    first = df.problems[0]
    assert first.location == at(1, 2, 1, 3) and "byte-order mark" in first.message
    assert all("internal error" not in p.message for p in df.problems)


def test_invalid_utf8_is_unreadable_with_the_byte_offset(tmp_path):
    df = dockerfile(tmp_path, b"FROM x\nENV A=\xff\n")
    assert [(p.kind, p.location) for p in df.problems] == [("unreadable", Location("Dockerfile", 1, 1))]
    assert "not valid UTF-8" in df.problems[0].message and "at byte 13" in df.problems[0].message


def test_deep_onbuild_chain_is_refused_not_a_crash(tmp_path):
    text = "FROM x\n" + "ONBUILD " * 5000 + "RUN true\nRUN pip install flask\n"
    df = dockerfile(tmp_path, text)
    assert [(p.message, p.location.line) for p in df.problems] == [
        ("Chaining ONBUILD via `ONBUILD ONBUILD` isn't allowed", 2)]
    assert [i.requirements[0].name for i in df.stages[0].runs[0].installs] == ["flask"]


# --- size: the right result however large the file (time is in benchmarks/) -------------------


def _filler(i: int) -> str:
    return f"test -d /opt/build/cache/layer-{i:06d}/{'x' * 60}"


def test_giant_run_line_is_refused_as_buildkit_does(tmp_path):
    """BuildKit reads lines with bufio.Scanner: one over 64 KiB fails the parse."""
    commands = [f"pip install pkg-{i}==1.0" if i % 100 == 0 else _filler(i) for i in range(100_000)]
    text = "FROM x\nRUN " + " && ".join(commands) + "\n"
    assert len(text) > 10_000_000
    df = dockerfile(tmp_path, text)
    assert [(p.message, p.location) for p in df.problems] == [
        ("dockerfile line greater than max allowed size of 65535", Location("Dockerfile", 2))]
    assert len(df.stages) == 1 and df.stages[0].runs == []


def test_100k_commands_over_continuation_lines(tmp_path):
    commands = [f"pip install pkg-{i}==1.0" if i % 100 == 0 else "true" for i in range(100_000)]
    text = "FROM x\nRUN " + " && \\\n    ".join(commands) + "\n"
    result = parse(text)
    assert [(n.value, n.start_line, n.end_line) for n in result.nodes] == [("from", 1, 1), ("run", 2, 100_001)]
    installs = dockerfile(tmp_path, text).stages[0].runs[0].installs
    assert len(installs) == 1000
    assert installs[-1].requirements[0].name == "pkg-99900" and installs[-1].location.line == 2 + 99_900


def test_200k_short_instructions(tmp_path):
    lines = ["FROM python:3.12-slim"]
    for i in range(200_000):
        lines.append(f"EXPOSE {1024 + i % 60_000}/tcp" if i % 4 == 0 else f"ENV SETTING_{i:06d}=value-{i:06d}-{'v' * 40}")
    text = "\n".join(lines) + "\n"
    assert len(text) > 10_000_000
    df = dockerfile(tmp_path, text)
    stage = df.stages[0]
    assert df.problems == []
    assert (len(stage.env), len(stage.exposes)) == (150_000, 50_000)
    assert (stage.env[-1].key, stage.env[-1].location.line) == ("SETTING_199999", 200_001)
    assert (stage.exposes[-1].port, stage.exposes[-1].location.line) == (1024 + 199_996 % 60_000, 199_998)


def test_10mb_heredoc_then_a_long_run_heredoc(tmp_path):
    big = [_filler(i) + "\n" for i in range(100_000)]
    script = [f"pip install pkg-{i}==1.0\n" if i % 100 == 0 else "true\n" for i in range(100_000)]
    text = ("FROM x\nCOPY <<EOF /app/big.txt\n" + "".join(big) + "EOF\n"
            "RUN <<EOF\n" + "".join(script) + "EOF\nCMD [\"python\", \"app.py\"]\n")
    assert len(text) > 10_000_000
    result = parse(text)
    assert [(n.value, n.start_line, n.end_line) for n in result.nodes] == [
        ("from", 1, 1), ("copy", 2, 100_003), ("run", 100_004, 200_005), ("cmd", 200_006, 200_006)]
    assert result.nodes[1].heredocs[0].content == "".join(big)
    stage = dockerfile(tmp_path, text).stages[0]
    assert [(c.sources, c.dest) for c in stage.copies] == [((), "/app/big.txt")]
    installs = stage.runs[0].installs
    assert len(installs) == 1000 and installs[-1].location.line == 100_005 + 99_900
    assert stage.cmd.exec_form and stage.cmd.location.line == 200_006


def test_deeply_nested_substitutions(tmp_path):
    # `$(…)` 10,000 deep: commands.py reads what it can; the install after it is still found
    run = dockerfile(tmp_path, "FROM x\nRUN echo " + "$(" * 10_000 + "hi" + ")" * 10_000 + " && pip install flask\n")
    assert [p for p in run.problems if p.kind == "dockerfile-syntax"] == []
    assert [i.requirements[0].name for i in run.stages[0].runs[0].installs] == ["flask"]
    # `${…:-…}` 100 deep expands as BuildKit does; 10,000 deep is beyond Python's stack: kept as
    # written and noted as unsupported, not reported as an error BuildKit would not make
    shallow = dockerfile(tmp_path, "FROM x\nENV A=" + "${a:-" * 100 + "x" + "}" * 100 + "\n")
    assert shallow.problems == [] and shallow.stages[0].env[0].value == "x"
    word = "${a:-" * 10_000 + "x" + "}" * 10_000
    deep = dockerfile(tmp_path, "FROM x\nENV A=" + word + "\n")
    assert [(p.kind, p.location) for p in deep.problems] == [("dockerfile-unsupported", at(2, 7, 2, 7 + len(word)))]
    assert deep.stages[0].env[0].value == word
    # a heredoc on such a line is still found (its body is not read as instructions)
    heredoc = dockerfile(tmp_path, "FROM x\nRUN echo " + word + " && sh <<EOF\npip install flask\nEOF\nUSER app\n")
    assert [n.value for n in parse("FROM x\nRUN echo " + word + " <<EOF\nbody\nEOF\n").nodes] == ["from", "run"]
    assert [p for p in heredoc.problems if p.kind == "dockerfile-syntax"] == []


def test_10k_continuation_lines(tmp_path):
    text = "FROM x\nENV " + " \\\n    ".join(f"K{k}=v{k}" for k in range(10_000)) + "\n"
    env = dockerfile(tmp_path, text).stages[0].env
    assert len(env) == 10_000
    assert [(v.key, v.value) for v in env[:2]] == [("K0", "v0"), ("K1", "v1")]
    assert env[0].location == at(2, 5, 2, 7)
    assert env[9_999].location == at(10_001, 5, 10_001, 10) and env[9_999].value_location == at(10_001, 11, 10_001, 16)


def test_5k_stages_each_from_the_previous(tmp_path):
    text = 'FROM python:3.12 AS s0\nSHELL ["/bin/bash", "-o", "pipefail", "-c"]\nWORKDIR /srv\nENV BASE=1\n'
    text += "".join(f"FROM s{i - 1} AS s{i}\nENV V{i}=v{i}\nRUN pip install pkg-{i}\n" for i in range(1, 5001))
    df = dockerfile(tmp_path, text)
    assert len(df.stages) == 5001
    assert all(stage.base == f"s{stage.index - 1}" for stage in df.stages[1:])
    last = df.stages[-1]
    assert last.shell == ("/bin/bash", "-o", "pipefail", "-c") and last.workdir == "/srv"  # inherited all the way
    assert [i.requirements[0].name for i in last.runs[0].installs] == ["pkg-5000"]  # bash: still analysed
    assert [v.key for v in df.stages[10].env] == ["BASE"] + [f"V{i}" for i in range(1, 11)]
    # copying ENV down a chain is quadratic: past a budget envlint stops, and says so once
    assert [p.kind for p in df.problems] == ["dockerfile-unsupported"]


# --- SHELL ------------------------------------------------------------------------------------


def test_non_posix_shell_form_is_not_analysed(tmp_path):
    text = (
        "FROM mcr.microsoft.com/windows/servercore AS win\n"
        'SHELL ["powershell", "-Command"]\n'
        "RUN pip install flask; Write-Host 'it''s done\n"  # unbalanced for sh: no problem recorded
        'RUN ["pip", "install", "requests"]\n'  # exec form: no shell, still analysed
        "CMD python -m gunicorn -b 0.0.0.0:8000 app:app\n"
        "FROM win AS child\n"  # SHELL is image config: inherited, like WORKDIR
        "RUN pip install django\n"
        'SHELL ["cmd", "/S", "/C"]\n'
        "RUN pip install celery\n"
        "FROM python:3.12\n"  # another image: the default shell
        "RUN pip install numpy\n"
    )
    df = dockerfile(tmp_path, text)
    win, child, linux = df.stages
    assert df.problems == []
    assert win.shell == ("powershell", "-Command") and child.shell == ("cmd", "/S", "/C")
    assert linux.shell == ("/bin/sh", "-c")
    opaque = win.runs[0]
    assert (opaque.installs, opaque.listens, opaque.problems, opaque.words) == ((), (), (), ())
    assert opaque.location == at(3, 5, 3, 46)
    assert [i.requirements[0].name for i in win.runs[1].installs] == ["requests"]
    assert win.cmd.listens == () and child.cmd is win.cmd
    assert [r.installs for r in child.runs] == [(), ()]
    assert [i.requirements[0].name for i in linux.runs[0].installs] == ["numpy"]


@pytest.mark.parametrize("shell", [
    ["/bin/bash", "-o", "pipefail", "-c"], ["/bin/sh", "-c"], ["sh", "-ec"], ["/bin/dash", "-c"], ["ash", "-c"],
    ["/usr/bin/zsh", "-c"], ["ksh", "-c"], ["/bin/busybox", "sh", "-c"], ["/usr/bin/env", "bash", "-c"],
    ["bash", "--login", "-O", "extglob", "-c"],
])
def test_posix_shells_keep_the_analysis(tmp_path, shell):
    text = f"FROM x\nSHELL {json.dumps(shell)}\nRUN pip install flask\n"
    stage = dockerfile(tmp_path, text).stages[0]
    assert stage.shell == tuple(shell)
    assert [i.requirements[0].name for i in stage.runs[0].installs] == ["flask"]


@pytest.mark.parametrize("shell", [
    ["pwsh", "-Command"], ["C:\\Windows\\System32\\cmd.exe", "/S", "/C"], ["python3", "-c"],
    ["/bin/bash"],  # no -c: the command line would be a script file name
    ["/bin/bash", "-c", "exec \"$0\""],  # the -c string is this, the command line only $0
])
def test_other_shells_are_not_read_as_sh(tmp_path, shell):
    stage = dockerfile(tmp_path, f"FROM x\nSHELL {json.dumps(shell)}\nRUN pip install flask\n").stages[0]
    assert stage.runs[0].installs == () and stage.runs[0].problems == ()


def test_shell_back_to_sh_and_invalid_shell_instructions(tmp_path):
    text = ('FROM x\nSHELL ["powershell", "-Command"]\nSHELL /bin/sh -c\nSHELL []\nRUN pip install a\n'
            'SHELL ["/bin/sh", "-c"]\nRUN pip install b\n')
    df = dockerfile(tmp_path, text)
    assert [(p.message, p.location.line) for p in df.problems] == [  # instructions/parse.go parseShell
        ("SHELL requires the arguments to be in JSON form", 3), ("SHELL requires at least one argument", 4)]
    assert [len(r.installs) for r in df.stages[0].runs] == [0, 1]  # the invalid ones changed nothing


def test_heredoc_shebang_names_the_interpreter(tmp_path):
    """dockerfile2llb dispatchRun: a lone heredoc whose content starts with `#!` is run as a file,
    so its shebang, not SHELL, decides what reads it. The check is on the raw content: a
    tab-indented `<<-` body has no shebang."""
    text = (
        "FROM x\n"
        "RUN <<EOF\n#!/usr/bin/env python3\nprint('don\\'t')\nEOF\n"  # an unclosed quote to sh
        "RUN <<EOF\n#!/bin/bash\npip install a\nEOF\n"
        "RUN <<-EOF\n\t#!/usr/bin/python3\n\tpip install b\nEOF\n"
        'SHELL ["powershell", "-Command"]\n'
        "RUN <<EOF\n#!/bin/sh -e\npip install c\nEOF\n"
        "RUN <<EOF\npip install d\nEOF\n"  # no shebang: PowerShell reads it
    )
    runs = dockerfile(tmp_path, text).stages[0].runs
    assert [(len(r.installs), r.problems) for r in runs] == [(0, ()), (1, ()), (1, ()), (1, ()), (0, ())]


# --- expansions that must not hang or exhaust memory ------------------------------------------


def test_star_patterns_on_long_values_are_bounded(tmp_path):
    """BuildKit matches `${v//p/r}` patterns with Go's RE2 (linear); Python's regex backtracks,
    so `*a*a*a*b` on 2,000 characters would run for hours. Beyond a bound: kept as written."""
    text = ("FROM x\nENV A=" + "a" * 2000 + "\n"
            "ENV B=${A//*a*a*a*b/x} C=${A%a} D=${A##*a} E=${A/aa/b}\n")
    df = dockerfile(tmp_path, text)
    assert [(p.kind, p.location) for p in df.problems] == [("dockerfile-unsupported", at(3, 7, 3, 23))]
    assert [(v.key, v.value) for v in df.stages[0].env[1:]] == [
        ("B", "${A//*a*a*a*b/x}"), ("C", "a" * 1999), ("D", ""), ("E", "b" + "a" * 1998)]


def test_invalid_pattern_is_a_located_problem(tmp_path):
    df = dockerfile(tmp_path, "FROM x\nENV A=abc\nENV B=${A/[z-a]/x}\n")
    assert [(p.kind, p.location) for p in df.problems] == [("dockerfile-syntax", at(3, 7, 3, 19))]
    assert df.problems[0].message.startswith('failed to process "${A/[z-a]/x}": invalid pattern ([z-a]) in substitution')


def test_variables_that_double_at_each_env_are_bounded(tmp_path):
    """`ENV A1=$A0$A0`, `A2=$A1$A1`, …: 40 lines would make a 2**40-character value (BuildKit
    would too). envlint stops when expansions pass a budget linear in the file, and says so once."""
    text = "FROM x\nENV A0=a\n" + "".join(f"ENV A{i}=$A{i - 1}$A{i - 1}\n" for i in range(1, 41)) + "ENV LAST=$A0\n"
    df = dockerfile(tmp_path, text)
    env = df.stages[0].env
    assert [p.kind for p in df.problems] == ["dockerfile-unsupported"]
    assert env[10].value == "a" * 2 ** 10  # below the budget: expanded as BuildKit does
    assert env[40].value == "$A39$A39" and env[-1].value == "$A0"  # past it: kept as written
    assert max(len(v.value) for v in env) <= 1_000_000 + 8 * len(text)

"""Every way envlint exits 2, with its exact message: one line `envlint: …` on stderr, nothing on
stdout, no traceback unless --debug. The paths are those of envlint/cli.py (its `_fail` calls),
engine.InputError, spec.SpecError, config.ConfigError, baseline.BaselineError and repo.ReadError."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from fixture_tree import write_tree
from run_envlint import invoke

ROOT = Path(__file__).resolve().parents[1]
PYPROJECT = "pyproject.toml"


def write(root: Path, files: dict) -> None:
    write_tree(root, files)


def exit_2(args: list[str]) -> str:
    """stderr of an in-process run in the current directory, which must exit 2 and print only it."""
    result = invoke(args)
    assert isinstance(result.exception, SystemExit), result.exception
    assert (result.exit_code, result.stdout) == (2, ""), (result.exit_code, result.stdout, result.stderr)
    assert result.stderr.count("\n") == 1 and result.stderr.startswith("envlint: ")
    return result.stderr


CHECK_CASES = [  # (files, arguments after `check`, message)
    # option combinations (cli.py)
    ({}, [".", "--baseline", "b.json", "--write-baseline", "c.json"], "--baseline and --write-baseline cannot be used together"),
    ({}, [".", "--config", PYPROJECT, "--isolated"], "--config and --isolated cannot be used together"),
    ({}, [".", "--fix", "--write-baseline", "c.json"], "--fix/--diff and --write-baseline cannot be used together"),
    ({}, [".", "--select", "EL999"], "--select: unknown rule code or prefix 'EL999' (see envlint rule --all)"),
    ({}, [".", "--ignore", "EL1,XY"], "--ignore: unknown rule code or prefix 'XY' (see envlint rule --all)"),
    # the checked PATH and the spec (engine.py)
    ({}, ["nope"], "nope: does not exist"),
    ({}, [".", "--spec", "nope.yaml"], "nope.yaml: spec file not found"),
    ({"envspec.yaml": "version: 1\nport: x\n"}, ["."], "envspec.yaml:2:1: port: Input should be a valid integer, got 'x'"),
    ({"envspec.yaml": "version: 1\nversion: 1\n"}, ["."], "envspec.yaml:2:1: duplicate key 'version' (first set at line 1)"),
    ({"envspec.yaml": "- 1\n"}, ["."], "envspec.yaml:1:1: the spec must be a mapping of keys (version, env, packages, …)"),
    ({"envspec.yaml": "version: " + "{a: " * 490 + "1" + "}" * 490 + "\n"}, ["."],
     "envspec.yaml:1:1: version: Input should be 1"),  # a tree is not echoed (its repr would recurse too deep)
    ({"envspec.yaml": "version: [1\n"}, ["."], "envspec.yaml:2:1: YAML syntax error: did not find expected ',' or ']'"),
    ({"envspec.yaml": b"version: 1\n\xff"}, ["."], "envspec.yaml: not valid UTF-8 (invalid start byte at byte 11); save it as UTF-8"),
    ({"envspec.yaml": b"\xff\xfev\x00\x00"}, ["."], "envspec.yaml: not valid utf-16-le: truncated data at byte 2"),
    # unreadable repository files (repo.py, through the extractors' "unreadable" problems)
    ({"render.yaml": b"\xc3("}, ["."], "render.yaml: not valid UTF-8 (invalid continuation byte at byte 0); save it as UTF-8"),
    ({"Dockerfile": b"FROM python:3.12\n\x80"}, ["."], "Dockerfile: not valid UTF-8 (invalid start byte at byte 17); save it as UTF-8"),
    ({"requirements.txt": "-r base.txt\n", "base.txt": b"\xfe"}, ["."],
     "base.txt: not valid UTF-8 (invalid start byte at byte 0); save it as UTF-8"),
    ({PYPROJECT: b"[project]\n\xff"}, ["."], "pyproject.toml: not valid UTF-8 (invalid start byte at byte 10); save it as UTF-8"),
    ({".python-version": b"3.12\xff"}, ["."], ".python-version: not valid UTF-8 (invalid start byte at byte 4); save it as UTF-8"),
    ({"Dockerfile": "FROM python:3.12\nCOPY . .\nCMD python app.py\n", "app.py": b"\xff"}, ["."],
     "app.py: not valid UTF-8 (invalid start byte at byte 0); save it as UTF-8"),
    # configuration (config.py)
    ({}, [".", "--config", "none.toml"], "none.toml: config file not found"),
    ({PYPROJECT: "[tool.other]\n"}, [".", "--config", PYPROJECT], "pyproject.toml: no [tool.envlint] table"),
    ({PYPROJECT: "[tool]\nenvlint = 1\n"}, ["."], "pyproject.toml:2: tool.envlint must be a table"),
    ({PYPROJECT: "[tool.envlint]\nselekt = []\n"}, ["."],
     "pyproject.toml:2: unknown key 'selekt' in [tool.envlint] (known: select, ignore, severity, per-file-ignores, fail-on, exclude)"),
    ({PYPROJECT: "[tool.envlint]\nfail-on = \"bad\"\n"}, ["."],
     "pyproject.toml:2: fail-on must be one of error, warning, info, never, got 'bad'"),
    ({PYPROJECT: "[tool.envlint]\nselect = \"EL1\"\n"}, ["."],
     "pyproject.toml:2: select must be a list of rule codes, e.g. [\"EL1\", \"EL201\"]"),
    ({PYPROJECT: "[tool.envlint]\nignore = [\"EL999\"]\n"}, ["."], "pyproject.toml:2: unknown rule code or prefix 'EL999' in ignore"),
    ({PYPROJECT: "[tool.envlint]\nseverity = 1\n"}, ["."],
     "pyproject.toml:2: severity must be a table of code = \"error|warning|info\""),
    ({PYPROJECT: "[tool.envlint.severity]\nEL999 = \"info\"\n"}, ["."],
     "pyproject.toml:2: unknown rule code or prefix 'EL999' in severity"),
    ({PYPROJECT: "[tool.envlint.severity]\nEL1 = \"loud\"\n"}, ["."],
     "pyproject.toml:2: severity of EL1 must be error, warning or info, got 'loud'"),
    ({PYPROJECT: "[tool.envlint]\nexclude = \"x\"\n"}, ["."],
     "pyproject.toml:2: exclude must be a list of globs, e.g. [\"scripts/\", \"*_local.py\"]"),
    ({PYPROJECT: "[tool.envlint]\nper-file-ignores = []\n"}, ["."],
     "pyproject.toml:2: per-file-ignores must be a table of \"glob\" = [codes]"),
    ({PYPROJECT: "[tool.envlint]\nselect = [\n"}, ["."], "pyproject.toml:2: invalid TOML: Invalid value"),
    ({PYPROJECT: "[tool.envlint]\nselect = " + "[" * 5000 + "]" * 5000 + "\n"}, ["."],
     "pyproject.toml: invalid TOML: arrays or inline tables nested too deep to read"),
    ({PYPROJECT: b"[tool.envlint]\n# \xff\n"}, ["."],
     "pyproject.toml: not valid UTF-8 (invalid start byte at byte 17); save it as UTF-8"),
    # output, baseline (cli.py, baseline.py)
    ({}, [".", "-o", "nodir/report.txt"], "nodir/report.txt: cannot write: No such file or directory"),
    ({}, [".", "--write-baseline", "nodir/b.json"], "nodir/b.json: cannot write: No such file or directory"),
    ({}, [".", "--baseline", "none.json"], "none.json: baseline file not found (create it with --write-baseline)"),
    ({"b.json": b"\xff"}, [".", "--baseline", "b.json"], "b.json: not valid UTF-8 (invalid start byte at byte 0)"),
    ({"b.json": "{\n  x"}, [".", "--baseline", "b.json"], "b.json:2:3: not valid JSON: Expecting property name enclosed in double quotes"),
    ({"b.json": "[]"}, [".", "--baseline", "b.json"], "b.json: not an envlint baseline (write one with --write-baseline)"),
    ({"b.json": "[" * 100_000}, [".", "--baseline", "b.json"], "b.json: not valid JSON: arrays or objects nested too deep to read"),
]


@pytest.mark.parametrize("files, args, message", CHECK_CASES, ids=[m[:60] for _, _, m in CHECK_CASES])
def test_check_exit_2(tmp_path, monkeypatch, files, args, message):
    write(tmp_path, files)
    monkeypatch.chdir(tmp_path)
    assert exit_2(["check", *args]) == f"envlint: {message}\n"


def test_a_too_large_file_and_a_fifo(tmp_path, monkeypatch):
    import envlint.repo

    monkeypatch.chdir(tmp_path)
    monkeypatch.setattr(envlint.repo, "MAX_FILE_BYTES", 10)
    write(tmp_path, {"requirements.txt": "flask==3.0.3\n"})
    assert exit_2(["check", "."]) == "envlint: requirements.txt: too large to check (13 bytes; envlint reads files of up to 10)\n"
    (tmp_path / "requirements.txt").unlink()
    os.mkfifo(tmp_path / "requirements.txt")
    assert exit_2(["check", "."]) == "envlint: requirements.txt: not a regular file\n"


def test_internal_errors_are_one_line_without_debug(tmp_path, monkeypatch):
    import envlint.engine

    def broken(*args, **kwargs):
        raise RuntimeError("boom")

    monkeypatch.chdir(tmp_path)
    monkeypatch.setattr(envlint.engine, "check", broken)
    monkeypatch.setattr(envlint.engine, "load", broken)
    expected = "envlint: internal error: RuntimeError: boom (run with --debug for the traceback)\n"
    assert exit_2(["check", "."]) == expected
    assert exit_2(["env", "."]) == expected
    result = invoke(["check", ".", "--debug"])
    assert isinstance(result.exception, RuntimeError)  # --debug lets the traceback through


ENV_CASES = [
    ({}, ["nope"], "nope: does not exist"),
    ({}, [".", "--spec", "nope.yaml"], "nope.yaml: spec file not found"),
    ({"envspec.yaml": "version: 2\n"}, ["."], "envspec.yaml:1:1: version: Input should be 1, got 2"),
    ({"render.yaml": b"\xff"}, ["."], "render.yaml: not valid UTF-8 (invalid start byte at byte 0); save it as UTF-8"),
    ({}, [".", "--service", "web"], "no render.yaml service named 'web'"),
    ({"render.yaml": "services:\n- {type: worker, name: jobs, runtime: python, buildCommand: x, startCommand: y}\n"},
     [".", "--service", "web"], "no render.yaml service named 'web' (services: jobs)"),
]


@pytest.mark.parametrize("files, args, message", ENV_CASES, ids=[m[:60] for _, _, m in ENV_CASES])
def test_env_exit_2(tmp_path, monkeypatch, files, args, message):
    write(tmp_path, files)
    monkeypatch.chdir(tmp_path)
    assert exit_2(["env", *args]) == f"envlint: {message}\n"


@pytest.mark.parametrize("args, message", [
    (["EL999"], "unknown rule code 'EL999' (envlint rule --all lists them)"),
    ([], "give a rule code (envlint rule EL103) or --all, not both"),
    (["EL101", "--all"], "give a rule code (envlint rule EL103) or --all, not both"),
])
def test_rule_exit_2(args, message):
    assert exit_2(["rule", *args]) == f"envlint: {message}\n"


def test_usage_errors_are_argparses_message_without_traceback(tmp_path):
    """Option parsing errors are argparse's: a usage line, then `envlint COMMAND: error: …`; exit 2."""
    (tmp_path / "file").write_text("")
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    for args, error in (
        (["check", "--format", "xml"], "envlint check: error: argument --format: invalid choice: 'xml' "
                                       "(choose from 'text', 'json', 'sarif', 'github', 'gitlab')"),
        (["check", "file"], "envlint check: error: argument PATH: 'file' is a file, not a directory"),
        (["check", "--spec", "."], "envlint check: error: argument --spec: '.' is a directory, not a file"),
        (["check", "--bogus"], "envlint: error: unrecognized arguments: --bogus"),
        (["check", "--stat"], "envlint: error: unrecognized arguments: --stat"),  # no abbreviations
        (["chek"], "envlint: error: argument COMMAND: invalid choice: 'chek' (choose from 'check', 'rule', 'env', "
                   "'init')"),
    ):
        result = subprocess.run([sys.executable, "-m", "envlint", *args], capture_output=True, text=True,
                                cwd=tmp_path, env=env, timeout=60)
        assert (result.returncode, result.stdout) == (2, "")
        assert result.stderr.startswith("usage: envlint") and result.stderr.endswith(f"\n{error}\n"), result.stderr
        assert "Traceback" not in result.stderr


def test_no_traceback_in_a_real_process(tmp_path):
    """The in-process runs above cannot show what a real process prints on stderr."""
    (tmp_path / "envspec.yaml").write_text("- " * 50_000 + "x\n")
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    result = subprocess.run([sys.executable, "-m", "envlint", "check", "."], capture_output=True, text=True,
                            cwd=tmp_path, env=env, timeout=60)
    assert (result.returncode, result.stdout, result.stderr) == (
        2, "", "envlint: envspec.yaml:1:1001: YAML nesting deeper than 500 levels\n")

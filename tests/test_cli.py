"""The command line as a user runs it: exit codes, output formats, error messages."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE = ROOT / "examples" / "supply-scout"


def envlint(*args, cwd=None):
    env = {**os.environ, "PYTHONPATH": str(ROOT)}  # the checkout, installed or not
    return subprocess.run(
        [sys.executable, "-m", "envlint", *args], capture_output=True, text=True, cwd=cwd, env=env
    )


def test_example_reports_the_seed_failures_and_exits_1():
    result = envlint("check", str(EXAMPLE))
    assert result.returncode == 1, result.stderr
    lines = result.stdout.splitlines()
    codes_at = {line.split(": ", 2)[0] + " " + line.split(": ", 2)[1].split()[0] for line in lines[:-1]}
    # the later pip install downgrades the SDK the requirements pin
    assert "Dockerfile:8:32 EL103" in codes_at
    assert "Dockerfile:8:32 EL101" in codes_at
    # the app binds loopback and listens on Render's PORT, not the spec's
    assert "app.py:14:18 EL201" in codes_at
    assert "app.py:14:36 EL202" in codes_at
    # the SDK's API key is never provided to the Render service
    assert "envspec.yaml:9:3 EL301" in codes_at
    # a declared secret is written into render.yaml
    assert "render.yaml:10:16 EL302" in codes_at
    assert lines[-1].startswith("Found ")


def test_json_output_shape():
    result = envlint("check", str(EXAMPLE), "--format", "json")
    assert result.returncode == 1
    document = json.loads(result.stdout)
    finding = document["findings"][0]
    assert set(finding) >= {"code", "name", "severity", "path", "line", "column", "message"}
    assert all(f["severity"] in ("error", "warning", "info") for f in document["findings"])
    assert all(not f["path"].startswith("/") and "\\" not in f["path"] for f in document["findings"])
    assert document["summary"]["error"] == sum(f["severity"] == "error" for f in document["findings"])


def test_secret_values_never_printed():
    secret = "ark-7d2e91c04b5a4f3e8a61c2d9f0b7e354"
    assert secret in (EXAMPLE / "render.yaml").read_text()
    for output_format in ("text", "json"):
        result = envlint("check", str(EXAMPLE), "--format", output_format)
        assert secret[:8] not in result.stdout + result.stderr


def test_clean_repository_exits_0(tmp_path):
    (tmp_path / "requirements.txt").write_text("flask==3.0.3\n")
    result = envlint("check", str(tmp_path))
    assert (result.returncode, result.stdout) == (0, "All checks passed!\n")


@pytest.mark.parametrize(
    "files, args, message",
    [
        ({"envspec.yaml": "version: 1\nport: x\n"}, [], "envlint: envspec.yaml:2:1: port: Input should be a valid integer, got 'x'\n"),
        ({}, ["--spec", "nope.yaml"], "envlint: nope.yaml: spec file not found\n"),
        ({"envspec.yaml": "version: 1\npython: 3.1.\n"}, [], 'envlint: envspec.yaml:2:1: python: expected a version like "3.12" or "3.12.4", got \'3.1.\'\n'),
        ({"requirements.txt": b"\xff\xfeflask"}, [], None),
    ],
)
def test_bad_input_exits_2_with_one_line(tmp_path, files, args, message):
    for name, content in files.items():
        path = tmp_path / name
        path.write_bytes(content) if isinstance(content, bytes) else path.write_text(content)
    result = envlint("check", str(tmp_path), *args, cwd=tmp_path)
    if message is None:  # UTF-16 BOM then an odd byte count: undecodable
        assert result.returncode == 2 and "requirements.txt" in result.stderr
    else:
        assert (result.returncode, result.stderr) == (2, message)
    assert "Traceback" not in result.stderr
    assert result.stdout == ""


def test_missing_path_is_a_usage_error(tmp_path):
    result = envlint("check", str(tmp_path / "nope"))
    assert result.returncode == 2
    assert "does not exist" in result.stderr

"""The command line as a user runs it: exit codes, output formats, error messages."""

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from run_envlint import envlint

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE = ROOT / "examples" / "supply-scout"
SARIF_SCHEMA = ROOT.parent / "shared" / "schemas" / "sarif-schema-2.1.0.json"



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


@pytest.mark.parametrize("output_format", ["json", "text"])
def test_console_script_flushes_the_report_before_its_immediate_exit(output_format):
    """`python -m envlint` ends with `os._exit` (cli.run): a report still in stdout's buffer
    would be lost. Through a pipe stdout is block-buffered unless PYTHONUNBUFFERED is set."""
    buffered = envlint("check", str(EXAMPLE), "--format", output_format, PYTHONUNBUFFERED="")
    assert buffered.returncode == 1, buffered.stderr
    assert buffered.stdout == envlint("check", str(EXAMPLE), "--format", output_format).stdout
    if output_format == "json":
        assert len(json.loads(buffered.stdout)["findings"]) >= 6
    else:
        assert buffered.stdout.splitlines()[-1].startswith("Found ")


def test_console_script_exit_statuses():
    assert envlint("--version", PYTHONUNBUFFERED="").stdout.startswith("envlint ")
    missing = envlint("check", "no/such/dir", PYTHONUNBUFFERED="")
    assert missing.returncode == 2 and missing.stderr.startswith("envlint: ")
    assert envlint("check", str(EXAMPLE), "--exit-zero", PYTHONUNBUFFERED="").returncode == 0


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


# --- envlint rule ---------------------------------------------------------------------------

def test_rule_prints_the_documentation_of_one_rule():
    result = envlint("rule", "EL901")
    assert (result.returncode, result.stderr) == (0, "")
    assert result.stdout == """# unused-suppression (EL901)

Default severity: warning

An `# envlint: ignore[CODE]` comment that suppresses nothing.

## What it does

After every rule has run, reports each code in a suppression comment that
matched no finding on the comment's line (or, for a comment on a line of its own, the line
below it).

## Why is this bad?

A stale suppression hides nothing today but will silently hide the next
real problem of that kind on that line; it also tells readers a problem exists that does not.

## Example

`# envlint: ignore[EL103]` above a `RUN pip install` that no longer replaces a pin.

## Use instead

Delete the comment, or the codes in it that no longer apply. (EL9xx findings
cannot be suppressed by comments; turn them off with `ignore` in `[tool.envlint]`.)
"""
    assert envlint("rule", "el901").stdout == result.stdout  # codes are not case-sensitive


def test_rule_all_covers_every_rule_in_order():
    from envlint.rules import ALL_RULES

    result = envlint("rule", "--all")
    assert result.returncode == 0
    titles = [line for line in result.stdout.splitlines() if line.startswith("# ")]
    assert titles == [f"# {r.name} ({r.code})" for r in ALL_RULES]
    assert result.stdout.count("## What it does") == result.stdout.count("## Use instead") == len(ALL_RULES)


def test_rule_as_json():
    document = json.loads(envlint("rule", "EL902", "--format", "json").stdout)
    assert document["code"] == "EL902"
    assert document["name"] == "unknown-code-in-suppression"
    assert document["severity"] == "warning"
    assert document["summary"] == "An `# envlint: ignore[...]` comment that names no known rule code."
    assert document["explanation"].startswith("# unknown-code-in-suppression (EL902)\n")


@pytest.mark.parametrize("args, message", [
    (["EL999"], "envlint: unknown rule code 'EL999' (envlint rule --all lists them)\n"),
    ([], "envlint: give a rule code (envlint rule EL103) or --all, not both\n"),
    (["EL101", "--all"], "envlint: give a rule code (envlint rule EL103) or --all, not both\n"),
])
def test_rule_usage_errors(args, message):
    result = envlint("rule", *args)
    assert (result.returncode, result.stdout, result.stderr) == (2, "", message)


# --- the README's recipes, run -----------------------------------------------------------------

def readme_block(after: str, language: str) -> str:
    """The first fenced block of `language` after the line starting with `after` in README.md."""
    readme = (ROOT / "README.md").read_text()
    start = readme.index(after)
    opening = readme.index(f"```{language}\n", start) + len(language) + 4
    return readme[opening: readme.index("```", opening)]


def run_recipe_command(command: str, cwd: Path, shim: Path, **env):
    environ = {k: v for k, v in os.environ.items() if k not in ("GITHUB_ACTIONS", "NO_COLOR", "FORCE_COLOR")}
    environ.update(PYTHONPATH=str(ROOT), PATH=f"{shim}{os.pathsep}{environ.get('PATH', '')}", **env)
    return subprocess.run(command, shell=True, cwd=cwd, env=environ, capture_output=True, text=True)


@pytest.fixture
def ci_checkout(tmp_path):
    """A CI checkout of the example, and an `envlint` command on PATH that runs this checkout
    (the recipes' install step needs the network and a published repository; the rest runs here)."""
    checkout = tmp_path / "checkout"
    shutil.copytree(EXAMPLE, checkout)
    (checkout / ".git").mkdir()
    shim = tmp_path / "bin"
    shim.mkdir()
    (shim / "envlint").write_text(f'#!/bin/sh\nexec "{sys.executable}" -m envlint "$@"\n')
    (shim / "envlint").chmod(0o755)
    return checkout, shim


def envlint_commands(lines):
    return [line for line in lines if line.startswith("envlint ")]


@pytest.mark.skipif(os.name == "nt", reason="the recipes are POSIX shell")
def test_github_actions_recipe(ci_checkout):
    checkout, shim = ci_checkout
    workflow = yaml.safe_load(readme_block("**GitHub Actions**", "yaml"))
    steps = workflow["jobs"]["envlint"]["steps"]
    assert workflow["jobs"]["envlint"]["permissions"]["security-events"] == "write"
    sarif_step, final_step = envlint_commands([step.get("run", "") for step in steps])
    upload = next(step for step in steps if step.get("uses", "").startswith("github/codeql-action/upload-sarif@"))

    sarif = run_recipe_command(sarif_step, checkout, shim, GITHUB_ACTIONS="true")
    assert sarif.returncode == 0, sarif.stderr  # --exit-zero: the upload step still runs
    document = json.loads((checkout / upload["with"]["sarif_file"]).read_text())
    assert document["version"] == "2.1.0" and len(document["runs"][0]["results"]) == 7
    if SARIF_SCHEMA.is_file():
        import jsonschema

        schema = json.loads(SARIF_SCHEMA.read_text())
        jsonschema.validators.validator_for(schema)(schema).validate(document)

    annotations = run_recipe_command(final_step, checkout, shim, GITHUB_ACTIONS="true")
    assert annotations.returncode == 1  # the job fails on the example's errors
    lines = annotations.stdout.splitlines()
    assert len(lines) == 7 and all(line.startswith(("::error file=", "::warning file=")) for line in lines)


@pytest.mark.skipif(os.name == "nt", reason="the recipes are POSIX shell")
def test_gitlab_recipe(ci_checkout):
    checkout, shim = ci_checkout
    job = yaml.safe_load(readme_block("**GitLab CI**", "yaml"))["envlint"]
    report_step, final_step = envlint_commands(job["script"])
    report = run_recipe_command(report_step, checkout, shim)
    assert report.returncode == 0, report.stderr
    issues = json.loads((checkout / job["artifacts"]["reports"]["codequality"]).read_text())
    assert len(issues) == 7 and {i["location"]["path"] for i in issues} >= {"Dockerfile", "render.yaml"}
    assert job["artifacts"]["when"] == "always"  # the report is kept when the last step fails
    assert run_recipe_command(final_step, checkout, shim).returncode == 1


def test_pre_commit_recipe_names_hooks_the_manifest_defines():
    config = yaml.safe_load(readme_block("## pre-commit", "yaml"))
    manifest = yaml.safe_load((ROOT / ".pre-commit-hooks.yaml").read_text())
    assert {h["id"] for r in config["repos"] for h in r["hooks"]} <= {h["id"] for h in manifest}

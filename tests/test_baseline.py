"""`--write-baseline FILE` records today's findings by (code, path, offending content), not line;
`--baseline FILE` then reports only new ones."""

import json
import shutil
from pathlib import Path

import pytest
from run_envlint import envlint

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE = ROOT / "examples" / "supply-scout"
SECRET = "ark-7d2e91c04b5a4f3e8a61c2d9f0b7e354"



@pytest.fixture
def repo(tmp_path):
    target = tmp_path / "repo"
    shutil.copytree(EXAMPLE, target)
    (target / ".git").mkdir()
    return target


def test_write_then_check_against_the_baseline(repo, tmp_path):
    baseline = tmp_path / "baseline.json"
    written = envlint("check", str(repo), "--write-baseline", str(baseline))
    assert (written.returncode, written.stdout) == (0, "")
    assert written.stderr == f"envlint: recorded 7 finding(s) in {baseline}\n"
    document = json.loads(baseline.read_text())
    assert document["envlint-baseline"] == 1
    assert sorted((e["code"], e["path"]) for e in document["findings"]) == [
        ("EL101", "Dockerfile"), ("EL103", "Dockerfile"), ("EL201", "app.py"), ("EL202", "app.py"),
        ("EL203", "Dockerfile"), ("EL301", "envspec.yaml"), ("EL302", "render.yaml")]
    assert SECRET[4:12] not in baseline.read_text()

    clean = envlint("check", str(repo), "--baseline", str(baseline))
    assert (clean.returncode, clean.stdout, clean.stderr) == (0, "All checks passed!\n", "")


def test_moved_findings_stay_known_and_new_ones_are_reported(repo, tmp_path):
    baseline = tmp_path / "baseline.json"
    envlint("check", str(repo), "--write-baseline", str(baseline))
    dockerfile = repo / "Dockerfile"
    dockerfile.write_text("# a new first line moves every finding down\n" + dockerfile.read_text()
                          + "RUN pip install --no-cache-dir flask==2.0.0\n")
    result = envlint("check", str(repo), "--baseline", str(baseline), "--format", "json")
    assert result.returncode == 1
    new = [(f["code"], f"{f['path']}:{f['line']}:{f['column']}") for f in json.loads(result.stdout)["findings"]]
    assert new == [("EL103", "Dockerfile:15:32")]


def test_entries_that_no_longer_occur_are_reported_on_stderr(repo, tmp_path):
    baseline = tmp_path / "baseline.json"
    envlint("check", str(repo), "--write-baseline", str(baseline))
    (repo / "render.yaml").write_text((repo / "render.yaml").read_text().replace(
        f"value: {SECRET}", "sync: false"))
    result = envlint("check", str(repo), "--baseline", str(baseline))
    assert result.returncode == 0
    assert result.stderr == (f"envlint: 1 baseline entry no longer occurs; rewrite {baseline} "
                             "with --write-baseline to drop them\n")


def test_the_same_content_twice_needs_two_entries(tmp_path, repo):
    baseline = tmp_path / "baseline.json"
    envlint("check", str(repo), "--write-baseline", str(baseline))
    dockerfile = repo / "Dockerfile"
    line = "RUN pip install --no-cache-dir coze-coding-dev-sdk==0.5.3\n"
    dockerfile.write_text(dockerfile.read_text() + line)
    result = envlint("check", str(repo), "--baseline", str(baseline), "--format", "json")
    found = {(f["code"], f["line"]) for f in json.loads(result.stdout)["findings"]}
    # the first EL101 on that content is in the baseline, the second is not
    assert ("EL101", 14) in found and ("EL101", 8) not in found


@pytest.mark.parametrize("content, message", [
    (None, "baseline file not found (create it with --write-baseline)"),
    ('{"findings": [}', "1:15: not valid JSON: Expecting value"),
    ('{"findings": []}', "not an envlint baseline (write one with --write-baseline)"),
    ('{"envlint-baseline": 1, "findings": [{"code": "EL101"}]}',
     "not an envlint baseline (write one with --write-baseline)"),
])
def test_a_bad_baseline_is_exit_2(repo, tmp_path, content, message):
    baseline = tmp_path / "baseline.json"
    if content is not None:
        baseline.write_text(content)
    result = envlint("check", str(repo), "--baseline", str(baseline))
    separator = "" if message[0].isdigit() else " "
    assert (result.returncode, result.stderr) == (2, f"envlint: {baseline}:{separator}{message}\n")


def test_baseline_and_write_baseline_together_is_a_usage_error(repo, tmp_path):
    result = envlint("check", str(repo), "--baseline", "a.json", "--write-baseline", "b.json")
    message = "envlint: --baseline and --write-baseline cannot be used together\n"
    assert (result.returncode, result.stderr) == (2, message)

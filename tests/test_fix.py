"""`envlint check --fix` / `--diff`: each fixture tests/fix/<case>/before is fixed and compared,
byte for byte, with tests/fix/<case>/after (written by hand: only the fixed spans differ)."""

import os
import shutil
import stat
import subprocess
from pathlib import Path

import pytest

from envlint import fix
from envlint.engine import check, load
from run_envlint import envlint

CASES = Path(__file__).parent / "fix"
# exit status after --fix: what is left is reported as by `envlint check`
REMAINING = {"pins": 1, "bind": 1, "secrets": 0}



def snapshot(directory: Path) -> dict[str, bytes]:
    return {p.relative_to(directory).as_posix(): p.read_bytes() for p in sorted(directory.rglob("*")) if p.is_file()}


def copy(case: str, tmp_path: Path) -> Path:
    target = tmp_path / "repo"
    shutil.copytree(CASES / case / "before", target)
    return target


@pytest.mark.parametrize("case", sorted(REMAINING))
def test_fix_gives_the_expected_files_and_a_second_run_changes_nothing(case, tmp_path):
    repo = copy(case, tmp_path)
    expected = snapshot(CASES / case / "after")
    assert expected != snapshot(repo)  # the fixture has something to fix

    first = envlint("check", str(repo), "--fix")
    assert first.returncode == REMAINING[case], first.stdout + first.stderr
    assert snapshot(repo) == expected  # also: no temporary file left behind

    second = envlint("check", str(repo), "--fix")
    assert second.returncode == REMAINING[case]
    assert "applied 0 fix(es)" in second.stderr
    assert snapshot(repo) == expected


@pytest.mark.parametrize("case", sorted(REMAINING))
def test_diff_writes_nothing_and_patches_to_the_expected_files(case, tmp_path):
    repo = copy(case, tmp_path)
    before = snapshot(repo)
    result = envlint("check", str(repo), "--diff", text=False)  # bytes: CRLF kept
    assert snapshot(repo) == before
    assert result.returncode == REMAINING[case]  # as a check of what the fixes would leave
    assert result.stdout.startswith(b"--- a/")
    assert b"would apply" in result.stderr
    if case == "secrets":  # a hunk that removes a secret shows it starred out: not a patch then
        return
    # the diff is a patch that makes the same files as --fix
    patch = subprocess.run(["patch", "-p1", "--binary", "-s", "-d", str(repo)], input=result.stdout,
                           capture_output=True)
    assert patch.returncode == 0, patch.stderr
    assert snapshot(repo) == snapshot(CASES / case / "after")


SECRETS = ("sk_live_abcdefghijklmnop", "ghp_abcdefghijklmnopqrstuvwxyz", "hunter2hunter2", "abcdefabcdefabcdef")


def test_diff_never_prints_a_secret(tmp_path):
    result = envlint("check", str(copy("secrets", tmp_path)), "--diff")
    assert "+        sync: false" in result.stdout  # the fix is shown
    for secret in SECRETS:
        assert secret in (CASES / "secrets" / "before" / "render.yaml").read_text()
        assert secret not in result.stdout + result.stderr


def test_hashed_requirement_is_left_alone_and_explained(tmp_path):
    repo = copy("pins", tmp_path)
    result = envlint("check", str(repo), "--fix")
    assert "requirements.txt:2:1: EL101 not fixed: the line has --hash" in result.stderr
    assert "requirements.txt:2:1: EL101" in result.stdout  # still reported
    assert b"requests==2.31.0 \\\r\n    --hash=sha256:" in (repo / "requirements.txt").read_bytes()


def test_fix_keeps_the_file_mode(tmp_path):
    repo = copy("secrets", tmp_path)
    path = repo / "render.yaml"
    os.chmod(path, 0o640)
    envlint("check", str(repo), "--fix")
    assert b"sync: false" in path.read_bytes()
    assert stat.S_IMODE(path.stat().st_mode) == 0o640


def test_a_span_whose_text_changed_is_skipped(tmp_path):
    repo = copy("bind", tmp_path)
    """The finding says 127.0.0.1 at server.py:7; if the text there is something else by the
    time the fix is planned, the fix is skipped, not forced."""
    facts, spec = load(repo)
    findings = [f for f in check(repo) if f.location.path == "server.py"]
    assert [f.code for f in findings] == ["EL201"]
    server = repo / "server.py"
    server.write_bytes(server.read_bytes().replace(b"host='127.0.0.1'", b"host='127.0.0.2'"))
    plan = fix.plan(repo, facts, spec, findings)
    assert plan.edits == [] and plan.fixed == []
    assert plan.notes == ["server.py:7:18: EL201 not fixed: the location spans '127.0.0.2', not the host alone"]


def test_each_edit_replaces_exactly_the_old_text(tmp_path):
    repo = copy("bind", tmp_path)
    facts, spec = load(repo)
    plan = fix.plan(repo, facts, spec, check(repo))
    assert sorted((e.path, e.old, e.new) for e in plan.edits) == [
        ("Dockerfile", "127.0.0.1", "0.0.0.0"),
        ("render.yaml", "localhost", "0.0.0.0"),
        ("server.py", "127.0.0.1", "0.0.0.0"),
    ]
    for edit in plan.edits:
        assert plan.files[edit.path].text[edit.start:edit.end] == edit.old


def test_fix_and_write_baseline_are_refused(tmp_path):
    result = envlint("check", str(tmp_path), "--fix", "--write-baseline", str(tmp_path / "b.json"))
    assert result.returncode == 2
    assert "cannot be used together" in result.stderr


def test_a_name_that_only_looks_secret_keeps_its_value_unless_the_spec_says_secret(tmp_path):
    """EL303 guesses from the name alone; replacing the value with `sync: false` deletes what the
    user wrote, and Render prompts for a `sync: false` key only when a Blueprint is first created
    and never copies it to preview environments (render-blueprint.md §5). So --fix leaves it, and
    says how to opt in: declare the variable `secret: true` (then it is EL302, fixed)."""
    repo = copy("secrets", tmp_path)  # render.yaml has CRLF line endings
    before = (repo / "render.yaml").read_bytes()
    result = envlint("check", str(repo), "--fix")
    assert "render.yaml:9:16: EL303 not fixed: the name only looks secret" in result.stderr
    assert "declare it `secret: true` in envspec.yaml" in result.stderr
    assert b"      - value: ghp_abcdefghijklmnopqrstuvwxyz\r\n        key: GITHUB_TOKEN\r\n" in (repo / "render.yaml").read_bytes()
    assert "render.yaml:9:16: EL303" in result.stdout  # still reported

    (repo / "render.yaml").write_bytes(before)
    spec = repo / "envspec.yaml"
    spec.write_text(spec.read_text() + "  GITHUB_TOKEN: {required: true, secret: true}\n")
    result = envlint("check", str(repo), "--fix")
    assert "applied 2 fix(es) in 1 file(s): render.yaml" in result.stderr
    text = (repo / "render.yaml").read_bytes()
    assert b"      - sync: false\r\n        key: GITHUB_TOKEN\r\n" in text
    assert b"        sync: false   # leaked\r\n" in text
    assert b"ghp_" not in text and b"sk_live" not in text

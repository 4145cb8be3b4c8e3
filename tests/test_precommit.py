"""The pre-commit hook (`.pre-commit-hooks.yaml`): its manifest, the files that trigger it, and a
real `pre-commit run` that builds the hook's environment with pip from this working tree."""

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[1]
MANIFEST = ROOT / ".pre-commit-hooks.yaml"


def hooks():
    return {hook["id"]: hook for hook in yaml.safe_load(MANIFEST.read_text())}


def test_manifest_declares_a_whole_repository_hook():
    hook = hooks()["envlint"]
    assert hook["entry"] == "envlint check"
    assert hook["language"] == "python"
    assert hook["pass_filenames"] is False
    assert hook["require_serial"] is True
    assert hooks()["envlint-always"]["always_run"] is True


def test_manifest_is_valid_for_pre_commit():
    pytest.importorskip("pre_commit", reason="pre-commit is not installed (pip install '.[test]')")
    result = subprocess.run([sys.executable, "-m", "pre_commit", "validate-manifest", str(MANIFEST)],
                            capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr


@pytest.mark.parametrize("path, matches", [
    ("Dockerfile", True), ("services/api/Dockerfile", True), ("Dockerfile.prod", True), ("api.Dockerfile", True),
    ("worker.dockerfile", True), ("requirements.txt", True), ("requirements-dev.txt", True),
    ("dev-requirements.txt", True), ("requirements/base.txt", True), ("constraints.txt", True),
    ("render.yaml", True), ("render.yml", True), ("envspec.yaml", True), ("pyproject.toml", True),
    ("sub/pyproject.toml", True), (".python-version", True), ("runtime.txt", True), ("uv.lock", True),
    ("poetry.lock", True),
    ("README.md", False), ("app.py", False), ("docs/requirements.md", False), ("render.yaml.bak", False),
    ("Dockerfile/notes.md", False), ("mydockerfile", False), ("requirements.in", False), ("setup.cfg", False),
])
def test_files_pattern(path, matches):
    # pre-commit matches `files` with re.search on the repository-relative POSIX path
    assert bool(re.search(hooks()["envlint"]["files"], path)) is matches


def test_files_pattern_covers_every_file_the_engine_reads_by_name():
    from envlint.engine import BLUEPRINT_NAMES, DOCKERFILE_PATTERNS, REQUIREMENTS_PATTERNS

    # one file name per engine pattern, `*` filled in: a pattern added there must be added here too
    names = [p.replace("*", "x") for p in DOCKERFILE_PATTERNS + REQUIREMENTS_PATTERNS] + list(BLUEPRINT_NAMES)
    missed = [name for name in names if not re.search(hooks()["envlint"]["files"], name)]
    assert missed == []


def git(*args, cwd):
    env = {**os.environ, "GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@example.invalid",
           "GIT_COMMITTER_NAME": "t", "GIT_COMMITTER_EMAIL": "t@example.invalid"}
    return subprocess.run(["git", *args], cwd=cwd, env=env, check=True, capture_output=True, text=True).stdout.strip()


@pytest.mark.slow
def test_real_pre_commit_run(tmp_path):
    """pre-commit clones the hook repository at a commit and pip-installs it into a fresh virtualenv
    (needs PyPI). Uncommitted changes are invisible to it, so the working tree is copied into a
    repository of its own and committed there: the hook tested is what is on disk."""
    pytest.importorskip("pre_commit", reason="pre-commit is not installed (pip install '.[test]')")
    hook_repo = tmp_path / "envlint"
    shutil.copytree(ROOT, hook_repo, ignore=shutil.ignore_patterns(
        ".git", "__pycache__", ".pytest_cache", "*.egg-info", "build", "dist", ".venv", "venv", ".benchmarks"))
    git("init", "-q", cwd=hook_repo)
    git("add", "-A", cwd=hook_repo)
    git("commit", "-q", "-m", "envlint as on disk", cwd=hook_repo)
    rev = git("rev-parse", "HEAD", cwd=hook_repo)

    project = tmp_path / "project"
    project.mkdir()
    git("init", "-q", cwd=project)
    (project / ".pre-commit-config.yaml").write_text(
        f"repos:\n  - repo: {hook_repo.as_posix()}\n    rev: {rev}\n    hooks:\n      - id: envlint\n")
    (project / "requirements.txt").write_text("flask==3.0.3\n")
    env = {k: v for k, v in os.environ.items() if k not in ("GITHUB_ACTIONS", "FORCE_COLOR", "PRE_COMMIT_COLOR")}
    env["PRE_COMMIT_HOME"] = str(tmp_path / "cache")  # a fresh hook environment, not the user's cache

    def pre_commit():
        git("add", "-A", cwd=project)
        return subprocess.run([sys.executable, "-m", "pre_commit", "run", "--all-files", "--color", "never"],
                              cwd=project, env=env, capture_output=True, text=True, timeout=900)

    clean = pre_commit()
    assert clean.returncode == 0, clean.stdout + clean.stderr
    assert re.search(r"^envlint\.+Passed$", clean.stdout, re.M), clean.stdout

    for source in (ROOT / "examples" / "supply-scout").iterdir():
        shutil.copy(source, project / source.name)
    failing = pre_commit()
    assert failing.returncode == 1, failing.stdout + failing.stderr
    assert re.search(r"^envlint\.+Failed$", failing.stdout, re.M)
    assert "- exit code: 1" in failing.stdout
    assert "Dockerfile:8:32: EL103 " in failing.stdout
    assert "Found 6 errors, 1 warning." in failing.stdout

"""envlint reads the repository and never runs anything: with process creation, network
connections and imports of the checked repository's modules made to fail (an audit hook, PEP 578),
a check gives exactly the findings it gives normally."""

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE = ROOT / "examples" / "supply-scout"
CANARY = "zz_envlint_canary_module"  # a module that exists only in the checked repository

FORBID = f"""
import sys
FORBIDDEN = ("subprocess.Popen", "os.system", "os.exec", "os.posix_spawn", "os.spawn", "os.fork",
             "os.startfile", "pty.spawn", "socket.connect", "socket.getaddrinfo", "urllib.Request")
def hook(event, args):
    if event in FORBIDDEN or (event == "import" and str(args[0]).split(".")[0] == "{CANARY}"):
        sys.__stderr__.write(f"FORBIDDEN {{event}} {{args[0]!r}}\\n")
        raise RuntimeError(f"envlint must not {{event}}")
sys.addaudithook(hook)
from envlint.cli import main
main(sys.argv[1:])
"""


@pytest.fixture
def repo(tmp_path):
    root = tmp_path / "repo"
    shutil.copytree(EXAMPLE, root)
    (root / f"{CANARY}.py").write_text(
        "import os, subprocess\nsubprocess.run(['touch', 'RAN'])\nos.system('touch RAN')\n"
        "def serve(app):\n    app.run(host='127.0.0.1', port=int(os.environ['CANARY_PORT']))\n")
    (root / "main.py").write_text(f"from {CANARY} import serve\nfrom app import app\nserve(app)\n")
    with (root / "Dockerfile").open("a") as dockerfile:
        dockerfile.write("RUN python -c 'import socket; socket.create_connection((\"example.com\", 80))'\n")
    return root


def run(*args, cwd, hooked):
    env = {k: v for k, v in os.environ.items() if k not in ("GITHUB_ACTIONS", "NO_COLOR", "FORCE_COLOR")}
    env["PYTHONPATH"] = str(ROOT)
    command = [sys.executable, "-c", FORBID] if hooked else [sys.executable, "-m", "envlint"]
    return subprocess.run([*command, *args], capture_output=True, text=True, cwd=cwd, env=env, timeout=120)


def test_the_hook_does_stop_what_it_forbids(tmp_path):
    """Without this, a hook that never fires would make the test below pass vacuously."""
    probe = FORBID.replace("from envlint.cli import main\nmain(sys.argv[1:])",
                           f"import subprocess\nsys.path.insert(0, '.')\ntry:\n    import {CANARY}\n"
                           "except RuntimeError:\n    print('import refused')\n"
                           "try:\n    subprocess.run(['true'])\nexcept RuntimeError:\n    print('run refused')\n")
    (tmp_path / f"{CANARY}.py").write_text("print('imported')\n")
    result = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, cwd=tmp_path, timeout=60)
    assert result.stdout == "import refused\nrun refused\n"


@pytest.mark.parametrize("args", [["check", ".", "--format", "json"], ["check", ".", "--show-source"],
                                  ["env", ".", "--format", "json"]])
def test_a_check_runs_nothing_and_finds_the_same(repo, args):
    normal = run(*args, cwd=repo, hooked=False)
    hooked = run(*args, cwd=repo, hooked=True)
    assert "FORBIDDEN" not in hooked.stderr
    assert (hooked.returncode, hooked.stdout, hooked.stderr) == (normal.returncode, normal.stdout, normal.stderr)
    assert not (repo / "RAN").exists()


def test_the_repositorys_module_is_read_not_imported(repo):
    """The canary module's environment read is found by reading the file, with its import refused."""
    result = run("check", ".", cwd=repo, hooked=True)
    assert result.returncode == 1 and "FORBIDDEN" not in result.stderr
    assert f"{CANARY}.py:5:51: EL310 CANARY_PORT is read without a default (os.environ[]) but the spec does not " \
        "declare it; add it under env: with required: true" in result.stdout.splitlines()

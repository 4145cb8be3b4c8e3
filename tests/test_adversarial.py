"""Hostile input: each is a located finding or exit 2 with one clear line; never a crash, a hang,
a read outside the repository, or a value taken from envlint's own environment.

Time and memory of these inputs are measured by `python scripts/fuzz.py --adversarial`, not
asserted here (the machine is noisy); the subprocess timeout only catches hangs."""

import json
import os
import resource
import subprocess
import sys
from pathlib import Path

import pytest

from fixture_tree import write_tree

ROOT = Path(__file__).resolve().parents[1]

# Records every file the checked process opens under an `outside` directory: what must never be read.
AUDIT_OPENS = """
import sys
def hook(event, args):
    if event == "open" and isinstance(args[0], str) and "/outside" in args[0]:
        sys.__stderr__.write(f"OPENED-OUTSIDE {args[0]}\\n")
sys.addaudithook(hook)
from envlint.cli import main
main(sys.argv[1:])
"""


def _limits():  # a runaway is stopped, not the machine
    resource.setrlimit(resource.RLIMIT_AS, (4 << 30, 4 << 30))


def envlint(*args, cwd=None, env=None):
    environ = {k: v for k, v in os.environ.items() if k not in ("GITHUB_ACTIONS", "NO_COLOR", "FORCE_COLOR")}
    environ.update(env or {}, PYTHONPATH=str(ROOT))
    return subprocess.run([sys.executable, "-c", AUDIT_OPENS, *args], capture_output=True, text=True, cwd=cwd,
                          env=environ, timeout=120, preexec_fn=_limits)


def write(root: Path, files: dict) -> Path:
    return write_tree(root, files)


def findings(result) -> list[str]:
    """`path:line:column CODE` of each finding in text output."""
    return [line.split(": ")[0] + " " + line.split(": ")[1].split()[0] for line in result.stdout.splitlines()[:-1]]


def one_error(result) -> str:
    """The single stderr line of an exit-2 run, after checking it is one line and no traceback."""
    assert result.returncode == 2, (result.stdout, result.stderr)
    assert result.stdout == "" and "Traceback" not in result.stderr
    assert result.stderr.count("\n") == 1, result.stderr
    return result.stderr


# --- YAML: render.yaml gives a finding, envspec.yaml exits 2, with the same located message ---------

BOMB = "a: &a [x, x, x, x, x, x, x, x, x]\n" + "".join(
    f"{chr(98 + i)}: &{chr(98 + i)} [{', '.join([f'*{chr(97 + i)}'] * 9)}]\n" for i in range(9))
YAML_CASES = {  # name: (content, render.yaml finding "line:column CODE message", envspec.yaml message)
    "billion-laughs": (BOMB, "1:1", "more than 1,000,000 YAML nodes once aliases are expanded (an alias bomb?)"),
    # where the parser stops: PyYAML 6.0.4's libyaml scans a flow collection ahead and meets its own
    # limit (1,000) before envlint's count of events reaches 500; 6.0.3 has no limit of its own
    "deep-flow": ("a: " + "[" * 10_000 + "]" * 10_000 + "\n", "1:503|1:1003", "YAML nesting deeper than 500 levels"),
    "deep-flow-under-libyaml-limit": ("a: " + "[" * 800 + "]" * 800 + "\n", "1:503", "YAML nesting deeper than 500 levels"),
    "deep-block": ("- " * 10_000 + "x\n", "1:1001", "YAML nesting deeper than 500 levels"),
    "python-tag": ("a: !!python/object/apply:os.system ['touch PWNED']\n", "1:4",
                   "unsupported YAML tag 'tag:yaml.org,2002:python/object/apply:os.system': envlint reads plain YAML only"),
    "control-character": ("a: b\nc: \x07\n", "2:4",
                          "YAML syntax error: unacceptable character #x0007: control characters are not allowed"),
    "two-documents": ("a: 1\n---\nb: 2\n", "2:1", "YAML syntax error: but found another document"),
}


@pytest.mark.parametrize("case", list(YAML_CASES))
def test_hostile_render_yaml_is_a_located_finding(tmp_path, case):
    content, where, message = YAML_CASES[case]
    write(tmp_path, {"render.yaml": content})
    result = envlint("check", ".", cwd=tmp_path)
    assert result.returncode == 1 and result.stderr == ""
    assert any(f"render.yaml:{at}: EL003 {message}" in result.stdout.splitlines() for at in where.split("|"))
    assert not (tmp_path / "PWNED").exists()


@pytest.mark.parametrize("case", list(YAML_CASES))
def test_hostile_envspec_yaml_exits_2_with_one_located_line(tmp_path, case):
    content, where, message = YAML_CASES[case]
    write(tmp_path, {"envspec.yaml": content})
    assert one_error(envlint("check", ".", cwd=tmp_path)) in [f"envlint: envspec.yaml:{at}: {message}\n"
                                                             for at in where.split("|")]
    assert not (tmp_path / "PWNED").exists()


@pytest.mark.parametrize("name", ["render.yaml", "envspec.yaml"])
def test_a_50_mb_file_is_refused_unparsed(tmp_path, name):
    with (tmp_path / name).open("w") as stream:  # one huge comment: cheap to write, slow to parse
        stream.write("version: 1\n")
        for _ in range(50 * 1024):
            stream.write("#" + "x" * 1022 + "\n")
    size = (tmp_path / name).stat().st_size
    assert one_error(envlint("check", ".", cwd=tmp_path)) == (
        f"envlint: {name}: too large to check ({size:,} bytes; envlint reads files of up to 33,554,432)\n")


def test_yaml_over_2_mib_is_refused_unparsed(tmp_path):
    """Small enough to read, too large to parse as YAML quickly: a million one-character items."""
    content = "a: [" + "1," * 1_100_000 + "1]\n"
    message = f"too large to check ({len(content):,} characters; envlint reads YAML files of up to 2,097,152)"
    write(tmp_path, {"render.yaml": content})
    result = envlint("check", ".", cwd=tmp_path)
    assert (result.returncode, result.stdout, result.stderr) == (1, f"render.yaml:1:1: EL003 {message}\nFound 1 error.\n", "")
    (tmp_path / "render.yaml").rename(tmp_path / "envspec.yaml")
    assert one_error(envlint("check", ".", cwd=tmp_path)) == f"envlint: envspec.yaml:1:1: {message}\n"


@pytest.mark.parametrize("content", ["- a\n- b\n", "just text\n", "42\n"])
def test_a_root_that_is_not_a_mapping(tmp_path, content):
    write(tmp_path, {"render.yaml": content})
    result = envlint("check", ".", cwd=tmp_path)
    assert result.returncode == 1 and findings(result) == ["render.yaml:1:1 EL004"]
    (tmp_path / "render.yaml").rename(tmp_path / "envspec.yaml")
    assert one_error(envlint("check", ".", cwd=tmp_path)) == (
        "envlint: envspec.yaml:1:1: the spec must be a mapping of keys (version, env, packages, …)\n")


@pytest.mark.parametrize("encode", [lambda t: t.encode("utf-8"), lambda t: t.encode("utf-16")],
                         ids=["utf-8", "utf-16-with-bom"])
def test_duplicate_keys_in_either_encoding(tmp_path, encode):
    write(tmp_path, {"render.yaml": encode("services: []\nservices: []\n")})
    result = envlint("check", ".", cwd=tmp_path)
    assert "render.yaml:2:1: EL003 duplicate key 'services': this value replaces the one at line 1" \
        in result.stdout.splitlines()
    write(tmp_path, {"envspec.yaml": encode("version: 1\nversion: 1\n")})
    assert one_error(envlint("check", ".", cwd=tmp_path)) == \
        "envlint: envspec.yaml:2:1: duplicate key 'version' (first set at line 1)\n"


@pytest.mark.parametrize("name", ["render.yaml", "envspec.yaml"])
def test_invalid_utf8(tmp_path, name):
    write(tmp_path, {name: b"services: []\n# \xff\n"})
    assert one_error(envlint("check", ".", cwd=tmp_path)) == (
        f"envlint: {name}: not valid UTF-8 (invalid start byte at byte 15); save it as UTF-8\n")


# --- requirements ---------------------------------------------------------------------------------

def test_include_cycles_are_findings(tmp_path):
    write(tmp_path, {
        "requirements.txt": "-r a.txt\nflask==3.0.3\n",
        "a.txt": "-r b.txt\n",
        "b.txt": "-r requirements.txt\n-r b.txt\n",
    })
    result = envlint("check", ".", cwd=tmp_path)
    assert result.returncode == 1 and result.stderr == ""
    assert set(findings(result)) == {"b.txt:1:4 EL005", "b.txt:2:4 EL005"}


def test_an_include_outside_the_repository_is_a_finding_and_not_read(tmp_path):
    outside, repo = tmp_path / "outside", tmp_path / "repo"
    write(outside, {"shared.txt": "this is not == a requirement\n"})  # EL001, if it were read
    write(repo, {"requirements.txt": "-r ../outside/shared.txt\n-r link.txt\nflask==3.0.3\n"})
    (repo / "link.txt").symlink_to(outside / "shared.txt")
    result = envlint("check", ".", cwd=repo)
    assert findings(result) == ["requirements.txt:1:4 EL007", "requirements.txt:2:4 EL007"]
    assert "OPENED-OUTSIDE" not in result.stderr


def test_a_100000_line_requirements_file(tmp_path):
    lines = [f"package-{i}=={i % 7}.{i % 11}.0" for i in range(100_000)]
    write(tmp_path, {"requirements.txt": "\n".join(lines) + "\nflask=2\n"})
    result = envlint("check", ".", cwd=tmp_path)
    assert (result.returncode, findings(result), result.stderr) == (1, ["requirements.txt:100001:1 EL001"], "")


def test_variables_are_never_filled_from_envlints_environment(tmp_path):
    value = "9.8.7-from-envlints-own-environment"
    write(tmp_path, {
        "requirements.txt": "coze-coding-dev-sdk==${SDK_VERSION}\nflask==3.0.3\n",
        "Dockerfile": "FROM python:3.12\nCOPY requirements.txt .\nRUN pip install -r requirements.txt "
                      "&& pip install flask==${SDK_VERSION}\nCMD python -m http.server $SDK_VERSION\n",
    })
    for args in ([], ["--format", "json"], ["--show-source"]):
        result = envlint("check", ".", *args, cwd=tmp_path, env={"SDK_VERSION": value})
        assert result.returncode in (0, 1), result.stderr
        assert value not in result.stdout + result.stderr
    result = envlint("check", ".", cwd=tmp_path, env={"SDK_VERSION": value})
    assert "requirements.txt:1:1 EL008" in findings(result)
    result = envlint("env", ".", cwd=tmp_path, env={"SDK_VERSION": value})
    assert value not in result.stdout + result.stderr


# --- paths that leave the repository ----------------------------------------------------------------

OUTSIDE_FILES = {  # each would give a finding of its own if it were read
    "Dockerfile": "FROM python:3.12\nRUN pip install outsidepkg==1 && pip install outsidepkg==2\n",
    "requirements.txt": "outsidepkg==1\noutsidepkg==2\n",
    "app.py": "import os\napp.run(host='127.0.0.1', port=int(os.environ['OUTSIDE_VAR']))\n",
}


def test_paths_out_of_the_repository_are_findings_and_not_read(tmp_path):
    outside, repo = tmp_path / "outside", tmp_path / "repo"
    write(outside, OUTSIDE_FILES)
    write(repo, {
        "render.yaml": """services:
- {type: worker, name: a, runtime: docker, dockerfilePath: ../outside/Dockerfile}
- {type: worker, name: b, runtime: docker, dockerfilePath: linkdir/Dockerfile}
- type: worker
  name: c
  runtime: python
  buildCommand: pip install -r ../outside/requirements.txt
  startCommand: python ../outside/app.py
- type: worker
  name: d
  runtime: python
  buildCommand: pip install -r linkdir/requirements.txt
  startCommand: python link.py
""",
        "Dockerfile": "FROM python:3.12\nCOPY ../outside/requirements.txt req.txt\nCOPY linkdir/ app/\n"
                      "RUN pip install -r req.txt && pip install -r app/requirements.txt\nCMD python app/app.py\n",
    })
    (repo / "linkdir").symlink_to(outside)
    (repo / "link.py").symlink_to(outside / "app.py")
    result = envlint("check", ".", cwd=repo)
    assert result.returncode == 1 and result.stderr == ""
    assert set(findings(result)) >= {
        "render.yaml:2:60 EL501", "render.yaml:3:60 EL501",  # dockerfilePath: "not a file in the repository"
        "render.yaml:7:32 EL007", "render.yaml:8:24 EL007",  # -r and the start script, through ..
        "render.yaml:12:32 EL007", "render.yaml:13:24 EL007",  # through symlinks
        "Dockerfile:4:20 EL007", "Dockerfile:4:46 EL007", "Dockerfile:5:12 EL007",  # COPY sources
    }
    assert "outsidepkg" not in result.stdout and "OUTSIDE_VAR" not in result.stdout
    assert not {"EL103", "EL201", "EL101"} & {f.split()[1] for f in findings(result)}
    assert "OPENED-OUTSIDE" not in result.stderr


@pytest.mark.parametrize("name", ["render.yaml", "Dockerfile", ".python-version", "pyproject.toml", "envspec.yaml"])
def test_a_deploy_file_that_is_a_symlink_out_is_not_read(tmp_path, name):
    outside, repo = tmp_path / "outside", tmp_path / "repo"
    write(outside, {"file": "services: []\n"})
    repo.mkdir()
    (repo / name).symlink_to(outside / "file")
    hint = " (name it with --spec to use it)" if name == "envspec.yaml" else ""
    result = envlint("check", ".", cwd=repo)
    assert one_error(result) == f"envlint: {name}: leads outside the repository; not read{hint}\n"
    assert "OPENED-OUTSIDE" not in result.stderr


def test_symlink_loops(tmp_path):
    write(tmp_path, {"app.py": "print('hi')\n"})
    (tmp_path / "loop").symlink_to(tmp_path)  # a directory loop: not followed
    (tmp_path / "a.py").symlink_to(tmp_path / "b.py")
    (tmp_path / "b.py").symlink_to(tmp_path / "a.py")
    result = envlint("check", ".", cwd=tmp_path)
    assert result.returncode == 0 and "Traceback" not in result.stderr
    (tmp_path / "requirements.txt").symlink_to(tmp_path / "requirements.txt")
    assert one_error(envlint("check", ".", cwd=tmp_path)) == (
        "envlint: requirements.txt: cannot read: Too many levels of symbolic links\n")


def _permissions_enforced(path: Path) -> bool:
    return not os.access(path, os.R_OK)


def test_an_unreadable_file_exits_2_named(tmp_path):
    write(tmp_path, {"requirements.txt": "flask==3.0.3\n"})
    (tmp_path / "requirements.txt").chmod(0)
    if not _permissions_enforced(tmp_path / "requirements.txt"):
        pytest.skip("running as root: file permissions are not enforced")
    assert one_error(envlint("check", ".", cwd=tmp_path)) == (
        "envlint: requirements.txt: cannot read: Permission denied\n")


def test_an_unreadable_directory_exits_2_named(tmp_path):
    write(tmp_path, {"requirements.txt": "flask==3.0.3\n", "services/api/Dockerfile": "FROM python:3.12\n"})
    (tmp_path / "services").chmod(0)
    try:
        if not _permissions_enforced(tmp_path / "services"):
            pytest.skip("running as root: directory permissions are not enforced")
        assert one_error(envlint("check", ".", cwd=tmp_path)) == (
            "envlint: services/: cannot read directory: Permission denied\n")
    finally:
        (tmp_path / "services").chmod(0o755)


def test_unreadable_files_and_directories_even_as_root(tmp_path, monkeypatch):
    """The same two messages, with the permission error simulated, so they are checked as root too."""
    from run_envlint import invoke

    write(tmp_path, {"requirements.txt": "flask==3.0.3\n", "services/api/Dockerfile": "FROM python:3.12\n"})

    def denied(*args, **kwargs):
        raise PermissionError(13, "Permission denied", str(args[0]))

    real_scandir = os.scandir
    monkeypatch.setattr(os, "scandir", lambda p=".": denied(p) if str(p).endswith("services") else real_scandir(p))
    result = invoke(["check", str(tmp_path)])
    assert (result.exit_code, result.output) == (2, "envlint: services/: cannot read directory: Permission denied\n")
    monkeypatch.setattr(os, "scandir", real_scandir)
    real_open = os.open
    monkeypatch.setattr(os, "open", lambda p, *a, **k: denied(p) if str(p).endswith("requirements.txt")
                        else real_open(p, *a, **k))
    result = invoke(["check", str(tmp_path)])
    assert (result.exit_code, result.output) == (2, "envlint: requirements.txt: cannot read: Permission denied\n")


def test_a_file_that_grew_after_its_stat_is_read_whole_within_the_limit(tmp_path, monkeypatch):
    """read_bytes sizes its read by stat; a file that grew since is read on, up to the limit."""
    import envlint.repo
    from envlint.repo import ReadError, read_bytes

    path = tmp_path / "requirements.txt"
    path.write_bytes(b"flask==3.0.3\n" * 500)
    real_stat = os.stat

    def stale(p, *args, **kwargs):  # the size before the file grew
        found = real_stat(p, *args, **kwargs)
        return os.stat_result((*found[:6], 10, *found[7:])) if str(p) == str(path) else found

    monkeypatch.setattr(os, "stat", stale)
    assert read_bytes(str(path), "requirements.txt") == path.read_bytes()
    monkeypatch.setattr(envlint.repo, "MAX_FILE_BYTES", 100)
    with pytest.raises(ReadError, match="too large to check"):
        read_bytes(str(path), "requirements.txt")


def test_a_fifo_is_not_read(tmp_path):
    os.mkfifo(tmp_path / "requirements.txt")  # reading it would block forever
    assert one_error(envlint("check", ".", cwd=tmp_path)) == "envlint: requirements.txt: not a regular file\n"


def test_a_fifo_named_like_code_is_not_read(tmp_path):
    os.mkfifo(tmp_path / "app.py")  # the code scan reads every .py file: this one would block it
    result = envlint("check", ".", "--format", "json", cwd=tmp_path)
    findings = json.loads(result.stdout)["findings"]
    assert [(f["code"], f["path"], f["message"]) for f in findings] == [
        ("EL006", "app.py", "app.py: not a regular file")], result.stderr


def test_warnings_about_the_checked_code_are_not_printed(tmp_path):
    """Python's SyntaxWarning quotes the offending line, which may hold a secret, on stderr."""
    write(tmp_path, {
        "app.py": 'import os\nAPI_KEY = "sk-live-1234567890" if 1if os.environ.get("A") else 2 else 3\n'
                  'app.run(host="0.0.0.0", port=int(os.environ["PORT"]))\n',
        "Dockerfile": "FROM python:3.12\nCOPY . .\nCMD python app.py\n",
    })
    result = envlint("check", ".", cwd=tmp_path)
    assert result.stderr == "" and "sk-live" not in result.stdout

"""`[tool.envlint]` in pyproject.toml and the flags that override it: selection by code or prefix,
severities, per-file ignores, --fail-on / --exit-zero, discovery up to the repository root, and
exit 2 naming file:line for a wrong configuration."""

import json
from pathlib import Path

import pytest

from envlint import cli, config
from envlint.config import Config
from envlint.facts import Location
from envlint.findings import Finding, Severity
from run_envlint import envlint

ROOT = Path(__file__).resolve().parents[1]

# Two findings envlint reports without a spec: an EL102 pin mismatch in each requirements file
# and an EL303 literal under a secret-looking name (a warning).
FILES = {
    "requirements.txt": "requests==2.31.0\n",
    "requirements-dev.txt": "Requests==2.32.3\n",
    "Dockerfile": "FROM python:3.12-slim\nENV OPENAI_API_KEY=sk-proj-4Xq9tLm2Rz7Wc5Vb8Nk1Jd3Hf6Gs0Pa\n",
}
ALL = ["Dockerfile:2:20 EL303 warning", "requirements-dev.txt:1:1 EL102 error", "requirements.txt:1:1 EL102 error"]



def make_repo(path: Path, pyproject: str | None = None, files=FILES) -> Path:
    path.mkdir(parents=True, exist_ok=True)
    (path / ".git").mkdir()
    for name, text in files.items():
        (path / name).write_text(text)
    if pyproject is not None:
        (path / "pyproject.toml").write_text(pyproject)
    return path


def reported(path: Path, *args, cwd=None):
    result = envlint("check", str(path), "--format", "json", *args, cwd=cwd)
    assert result.returncode in (0, 1), result.stderr
    found = [f"{f['path']}:{f['line']}:{f['column']} {f['code']} {f['severity']}"
             for f in json.loads(result.stdout)["findings"]]
    return result.returncode, found


def test_without_configuration_everything_is_reported(tmp_path):
    assert reported(make_repo(tmp_path / "r")) == (1, ALL)


@pytest.mark.parametrize("table, expected", [
    ('select = ["EL3"]', ["Dockerfile:2:20 EL303 warning"]),
    ('ignore = ["EL102"]', ["Dockerfile:2:20 EL303 warning"]),
    ('select = ["EL"]\nignore = ["EL1"]', ["Dockerfile:2:20 EL303 warning"]),
    # the longest selector wins: EL102 is more specific than the ignored EL1
    ('select = ["EL102"]\nignore = ["EL1"]', ALL[1:]),
    ('ignore = ["EL10", "EL303"]', []),
])
def test_select_and_ignore_by_code_or_prefix(tmp_path, table, expected):
    repo = make_repo(tmp_path / "r", f"[tool.envlint]\n{table}\n")
    assert reported(repo)[1] == expected


def test_severity_overrides_and_fail_on(tmp_path):
    repo = make_repo(tmp_path / "r", '[tool.envlint]\nselect = ["EL3"]\nseverity = { EL303 = "error" }\n')
    assert reported(repo) == (1, ["Dockerfile:2:20 EL303 error"])
    repo = make_repo(tmp_path / "s", '[tool.envlint]\nselect = ["EL3"]\n')
    assert reported(repo) == (0, ["Dockerfile:2:20 EL303 warning"])  # a warning does not fail by default
    assert reported(repo, "--fail-on", "warning")[0] == 1
    repo = make_repo(tmp_path / "t", '[tool.envlint]\nselect = ["EL3"]\nfail-on = "warning"\n')
    assert reported(repo)[0] == 1
    assert reported(repo, "--fail-on", "error")[0] == 0  # the flag beats the file
    assert reported(repo, "--exit-zero")[0] == 0


def test_per_file_ignores_are_relative_to_the_config_file(tmp_path):
    repo = make_repo(tmp_path / "r", '[tool.envlint.per-file-ignores]\n"svc/requirements-*.txt" = ["EL102"]\n'
                                     '"Dockerfile" = ["EL3"]\n', files={})
    make_repo(repo / "svc", files=FILES)
    (repo / "svc" / ".git").rmdir()
    # checked from a subdirectory: paths in findings are relative to it, patterns to the config
    assert reported(repo / "svc")[1] == ["requirements.txt:1:1 EL102 error"]


def test_command_line_replaces_the_file(tmp_path):
    repo = make_repo(tmp_path / "r", '[tool.envlint]\nselect = ["EL3"]\nignore = ["EL303"]\n')
    assert reported(repo)[1] == []
    assert reported(repo, "--select", "EL1,EL3", "--ignore", "EL101")[1] == ALL
    assert reported(repo, "--isolated")[1] == ALL


def test_discovery_stops_at_the_repository_root(tmp_path):
    # an invalid configuration above the repository would be exit 2 if it were read
    (tmp_path / "pyproject.toml").write_text('[tool.envlint]\nselect = ["NOPE"]\n')
    repo = make_repo(tmp_path / "r", "[project]\nname = 'app'\n")  # no [tool.envlint]: keep looking
    (repo / "sub").mkdir()
    (repo / "sub" / "requirements.txt").write_text("requests==2.31.0\n")
    assert reported(repo / "sub") == (0, [])
    (repo / "sub" / "requirements.txt").unlink()
    (repo / "pyproject.toml").write_text('[tool.envlint]\nignore = ["EL303"]\n')
    assert reported(repo)[1] == ALL[1:]
    # no .git anywhere: PATH itself is the root, nothing above it is read
    plain = tmp_path / "plain"
    plain.mkdir()
    (plain / "requirements.txt").write_text("requests==2.31.0\n")
    assert reported(plain) == (0, [])


def test_explicit_config_file(tmp_path):
    repo = make_repo(tmp_path / "r")
    (tmp_path / "ci.toml").write_text('[tool.envlint]\nselect = ["EL303"]\n')
    assert reported(repo, "--config", str(tmp_path / "ci.toml"))[1] == ALL[:1]


@pytest.mark.parametrize("pyproject, message", [
    ('[project]\nname = "x"\n\n[tool.envlint]\nselect = ["EL1"]\nignore = ["EL10", "EL77"]\n',
     "envlint: pyproject.toml:6: unknown rule code or prefix 'EL77' in ignore\n"),
    ('[tool.envlint]\nselct = ["EL1"]\n',
     "envlint: pyproject.toml:2: unknown key 'selct' in [tool.envlint] "
     "(known: select, ignore, severity, per-file-ignores, fail-on, exclude)\n"),
    ('[tool.envlint]\nselect = "EL1"\n',
     'envlint: pyproject.toml:2: select must be a list of rule codes, e.g. ["EL1", "EL201"]\n'),
    ('[tool.envlint]\nfail-on = "sometimes"\n',
     "envlint: pyproject.toml:2: fail-on must be one of error, warning, info, never, got 'sometimes'\n"),
    ('[tool.envlint.severity]\nEL303 = "fatal"\n',
     "envlint: pyproject.toml:2: severity of EL303 must be error, warning or info, got 'fatal'\n"),
    ('[tool.envlint.per-file-ignores]\n"docs/*" = ["EL102"]\n"Dockerfile" = ["XX1"]\n',
     "envlint: pyproject.toml:3: unknown rule code or prefix 'XX1' in Dockerfile\n"),
])
def test_configuration_errors_name_file_and_line(tmp_path, pyproject, message):
    repo = make_repo(tmp_path / "r", pyproject)
    result = envlint("check", ".", cwd=repo)
    assert (result.returncode, result.stderr, result.stdout) == (2, message, "")


@pytest.mark.parametrize("pyproject, place", [
    ('[tool.envlint]\nselect = [EL1]\n', "pyproject.toml:2:11"),
    ('[tool.envlint]\nselect = ["EL1"\n', "pyproject.toml:2"),  # "at end of document": its last line
])
def test_invalid_toml_is_located(tmp_path, pyproject, place):
    repo = make_repo(tmp_path / "r", pyproject)
    result = envlint("check", ".", cwd=repo)
    assert result.returncode == 2
    assert result.stderr.startswith(f"envlint: {place}: invalid TOML: ")
    assert "Traceback" not in result.stderr


@pytest.mark.parametrize("args, message", [
    (["--select", "EL1,XYZ"], "envlint: --select: unknown rule code or prefix 'XYZ' (see envlint rule --all)\n"),
    (["--ignore", "el1"], "envlint: --ignore: unknown rule code or prefix 'el1' (see envlint rule --all)\n"),
    (["--config", "missing.toml"], "envlint: missing.toml: config file not found\n"),
    (["--config", "pyproject.toml", "--isolated"], "envlint: --config and --isolated cannot be used together\n"),
])
def test_bad_flags_exit_2(tmp_path, args, message):
    repo = make_repo(tmp_path / "r")
    result = envlint("check", ".", *args, cwd=repo)
    assert (result.returncode, result.stderr) == (2, message)


def test_exit_zero_still_exits_2_on_errors(tmp_path):
    result = envlint("check", str(tmp_path / "nope"), "--exit-zero")
    assert result.returncode == 2


def test_the_readme_example_configuration_is_valid(tmp_path):
    readme = (ROOT / "README.md").read_text()
    start = readme.index("```toml\n", readme.index("## Configuration")) + len("```toml\n")
    repo = make_repo(tmp_path / "r", readme[start: readme.index("```", start)])
    settings = config.load(repo / "pyproject.toml", repo)
    assert settings.select == ("EL",) and settings.fail_on == "warning"
    assert settings.severity == {"EL303": Severity.ERROR}
    assert dict(settings.per_file_ignores) == {"legacy/**": ("EL1",), "Dockerfile": ("EL203",)}


# --- the pieces, without a process -----------------------------------------------------------

def at(code, severity=Severity.ERROR, path="Dockerfile"):
    return Finding(code, "n", severity, "m", Location(path, 1))


def test_apply_selection_severity_and_paths():
    findings = [at("EL101"), at("EL103"), at("EL303", Severity.WARNING), at("EL303", Severity.WARNING, "x/Dockerfile")]
    settings = Config(select=("EL1", "EL303"), ignore=("EL103",), severity={"EL3": Severity.INFO},
                      per_file_ignores=(("x/*", ("EL3",)),))
    kept = config.apply(findings, settings)
    assert [(f.code, f.severity, f.location.path) for f in kept] == [
        ("EL101", Severity.ERROR, "Dockerfile"), ("EL303", Severity.INFO, "Dockerfile")]


@pytest.mark.parametrize("fail_on, severities, fails", [
    ("error", [Severity.WARNING, Severity.INFO], False),
    ("error", [Severity.ERROR], True),
    ("warning", [Severity.WARNING], True),
    ("warning", [Severity.INFO], False),
    ("info", [Severity.INFO], True),
    ("never", [Severity.ERROR], False),
])
def test_fails(fail_on, severities, fails):
    assert config.fails([at("EL101", s) for s in severities], fail_on) is fails


def test_the_cli_offers_the_thresholds_the_config_accepts():
    assert cli.FAIL_ON == config.FAIL_ON

"""Follow-ups: the spec's docker_target/build_args, Blueprints outside the root, YAML numbers in
render.yaml values. Expected values are written by hand from Docker's and Render's documented
behaviour (cited where the code follows it)."""

from __future__ import annotations

from pathlib import Path

import pytest

from envlint.engine import check, collect, load
from envlint.repo import Repo
from envlint.spec import SpecError, load_spec
from fixture_tree import write_tree


def write(root: Path, files: dict[str, str]) -> Path:
    return write_tree(root, files, dedent=True)


def findings(root: Path, files: dict[str, str] | None = None) -> list[tuple[str, str]]:
    write(root, files or {})
    spec = root / "envspec.yaml"
    return sorted((str(f.location), f.code) for f in check(root, spec if spec.exists() else None))


# --- 1. docker_target and build_args ------------------------------------------------------------

SDK_DOCKERFILE = """
    FROM python:3.12-slim
    ARG SDK_VERSION=0.1.0
    WORKDIR /app
    COPY . .
    RUN pip install coze-coding-dev-sdk==${SDK_VERSION}
    CMD ["gunicorn", "-b", "0.0.0.0:10000", "app:app"]
"""


def _sdk_installed(root: Path) -> list[str]:
    facts, _ = load(root, root / "envspec.yaml")
    return [i.requirement.specifier for b in facts.builds for i in b.installs]


def test_spec_build_args_beat_render_env_which_beats_the_arg_default(tmp_path):
    write(tmp_path, {
        "Dockerfile": SDK_DOCKERFILE,
        "render.yaml": """
            services:
              - {type: web, name: api, runtime: docker, envVars: [{key: SDK_VERSION, value: 0.4.0}]}
        """,
        "envspec.yaml": "version: 1\n",
    })
    assert _sdk_installed(tmp_path) == ["==0.4.0"]  # Render passes env vars as build args
    (tmp_path / "envspec.yaml").write_text("version: 1\nbuild_args: {SDK_VERSION: 0.5.5}\n")
    assert _sdk_installed(tmp_path) == ["==0.5.5"]  # like --build-arg over the deploy's values


def test_a_services_entry_adds_build_args_over_the_top_level_ones(tmp_path):
    write(tmp_path, {
        "Dockerfile": SDK_DOCKERFILE.replace("coze-coding-dev-sdk==${SDK_VERSION}", "sdk==${SDK_VERSION} x==${X}")
                      .replace("ARG SDK_VERSION=0.1.0", "ARG SDK_VERSION=0.1.0\n    ARG X=1"),  # undeclared: invisible
        "render.yaml": "services:\n  - {type: web, name: api, runtime: docker}\n  - {type: web, name: other, runtime: docker}\n",
        "envspec.yaml": """
            version: 1
            build_args: {SDK_VERSION: "1.10", X: 2}
            services:
              api: {build_args: {X: 3}}
        """,
    })
    facts, _ = load(tmp_path, tmp_path / "envspec.yaml")
    by_build = {b.service.name: [i.requirement.specifier for i in b.installs] for b in facts.builds}
    assert by_build == {"api": ["==1.10", "==3"], "other": ["==0.1.0", "==1"]}  # `other` is not described


def test_build_args_keep_the_text_as_written():
    spec = load_spec("version: 1\nbuild_args: {A: 1.10, B: 010, C: '3.10'}\n", "envspec.yaml")
    assert spec.build_args == {"A": "1.10", "B": "010", "C": "3.10"}  # as written: a build arg is text


@pytest.mark.parametrize("text, message", [
    ("build_args: {A: true}", "build_args.A"),
    ("build_args: {1A: x}", "build_args"),
    ("build_args: [A]", "build_args"),
    ("docker_target: ''", "docker_target"),
    ("docker_target: 3", "docker_target"),
    ("blueprint: ''", "blueprint"),
    ("services: {api: {blueprint: x.yaml}}", "unknown key"),
])
def test_invalid_new_keys_are_spec_errors(text, message):
    with pytest.raises(SpecError, match=message):
        load_spec(f"version: 1\n{text}\n", "envspec.yaml")


def test_plain_reading_and_models_agree_on_the_new_keys():
    from pydantic import ValidationError

    from envlint import spec as plain
    from envlint import specmodel
    from envlint.yamlload import YamlFloat

    values = [None, "", "dev", 1, True, YamlFloat("3.10"), {}, {"A": "x"}, {"A": 1}, {"A": YamlFloat("1.10")},
              {"A": True}, {"A": None}, {"1A": "x"}, {1: "x"}, ["A"], "infra/render.yaml"]
    checked = 0
    for key in ("docker_target", "build_args", "blueprint"):
        for value in values:
            for data in ({"version": 1, key: value}, {"version": 1, "services": {"api": {key: value}}}):
                try:
                    model = specmodel.Spec.model_validate(data)
                except ValidationError:
                    assert not plain._valid(data), data
                    continue
                if plain._valid(data):
                    checked += 1
                    assert plain._build(data) == plain._build(model.model_dump(exclude_unset=True)), data
    assert checked >= 8


def test_docker_target_matches_stage_names_without_case(tmp_path):
    # BuildKit lower-cases stage names and the --target it is given
    write(tmp_path, {
        "Dockerfile": "FROM python:3.12 AS Base\nRUN pip install a==1\nFROM base AS Dev\nRUN pip install b==1\n"
                      "FROM base\nRUN pip install c==1\n",
        "envspec.yaml": "version: 1\ndocker_target: DEV\n",
    })
    facts, _ = load(tmp_path, tmp_path / "envspec.yaml")
    assert [i.requirement.name for i in facts.builds[0].installs] == ["a", "b"]
    assert facts.builds[0].stage.name == "dev"
    assert not [p for p in facts.problems if p.kind == "unknown-target"]


def test_without_a_spec_the_last_stage_is_built(tmp_path):
    write(tmp_path, {"Dockerfile": "FROM python:3.12 AS dev\nRUN pip install b==1\nFROM python:3.12\nRUN pip install c==1\n"})
    facts = collect(Repo(tmp_path))
    assert [i.requirement.name for i in facts.builds[0].installs] == ["c"]


# --- 2. Blueprints outside the root -------------------------------------------------------------

WEB = ("services:\n  - {type: web, name: %s, runtime: python, buildCommand: pip install gunicorn==22.0.0,"
       " startCommand: 'gunicorn -b 0.0.0.0:$PORT app:app'}\n")


def test_a_root_blueprint_wins_over_one_in_a_subdirectory(tmp_path):
    write(tmp_path, {"render.yaml": WEB % "root", "infra/render.yaml": WEB % "infra", "app.py": "app = 1\n"})
    facts = collect(Repo(tmp_path))
    assert facts.blueprint.path == "render.yaml" and [b.service.name for b in facts.builds] == ["root"]
    assert not facts.problems


def test_a_subdirectory_blueprint_is_read_with_paths_from_the_repository_root(tmp_path):
    write(tmp_path, {
        "infra/render.yml": "services:\n  - {type: web, name: api, runtime: docker, dockerfilePath: ./backend/Dockerfile,"
                            " dockerContext: ./backend}\n",
        "backend/Dockerfile": "FROM python:3.12\nCOPY . .\nCMD [\"gunicorn\", \"-b\", \"0.0.0.0:10000\", \"app:app\"]\n",
        "backend/app.py": "app = 1\n",
    })
    facts = collect(Repo(tmp_path))
    assert facts.blueprint.path == "infra/render.yml"
    assert [(b.service.name, b.dockerfile.path, b.code_root) for b in facts.builds] == [("api", "backend/Dockerfile", "backend")]
    assert [p.kind for p in facts.problems] == ["blueprint-elsewhere"]


@pytest.mark.parametrize("named, message", [
    ("deploy/render.yaml", "'deploy/render.yaml' is not a file in the repository"),
    ("../render.yaml", "'../render.yaml' leads outside the repository"),
])
def test_a_blueprint_the_spec_names_must_exist(tmp_path, named, message):
    write(tmp_path, {"infra/render.yaml": WEB % "api", "envspec.yaml": f"version: 1\nblueprint: {named}\n"})
    found = check(tmp_path, tmp_path / "envspec.yaml")
    assert [(str(f.location), f.code) for f in found] == [("envspec.yaml:2:1", "EL501")]  # no fallback
    assert message in found[0].message


def test_a_spec_naming_the_root_blueprint_silences_nothing_else(tmp_path):
    write(tmp_path, {"render.yaml": WEB % "api", "app.py": "app = 1\n", "envspec.yaml": "version: 1\nblueprint: ./render.yaml\n"})
    facts, _ = load(tmp_path, tmp_path / "envspec.yaml")
    assert facts.blueprint.path == "render.yaml" and not facts.problems


# --- 3. numbers in render.yaml env values -------------------------------------------------------


@pytest.mark.parametrize("written, reported", [
    ("3.10", "read as 3.1"), ("010", "read as 10 (YAML 1.1 tools: the octal 8)"), ("0x1F", "read as 31"),
    ("0o17", "read as 15"), ("1e3", "read as 1000"), ("+5", "read as 5"), ("1.0", "read as 1"), ("089", "read as 89"),
    ("5000", None), ("-4", None), ("0.5", None), ("3.1", None), ("'3.10'", None), ('"010"', None), ("3.10.1", None),
    ("true", None), (".inf", None),
])
def test_a_number_is_reported_only_when_its_text_changes(tmp_path, written, reported):
    write(tmp_path, {"render.yaml": f"services:\n  - type: worker\n    name: w\n    runtime: image\n"
                                    f"    envVars:\n      - key: PYTHON_VERSION\n        value: {written}\n"})
    got = [f for f in check(tmp_path) if f.code == "EL307"]
    if reported is None:
        assert got == []
    else:
        assert [str(f.location) for f in got] == ["render.yaml:7:16"]
        assert reported in got[0].message and f'quote it: "{written}"' in got[0].message


def test_spec_values_keep_the_text_as_written():
    spec = load_spec("version: 1\npython: 3.10\nenv:\n  V: {default: 010}\n  W: {default: 3.10}\n", "envspec.yaml")
    assert spec.python == "3.10" and spec.env["W"].default == "3.10"
    assert spec.env["V"].default == "010"  # not the int 10: EL312 compares it with the code's default text


def test_a_spec_default_written_as_010_agrees_with_the_code_reading_010(tmp_path):
    assert findings(tmp_path, {
        "app.py": "import os\nMODE = os.getenv('FILE_MODE', '010')\n",
        "envspec.yaml": "version: 1\nenv:\n  FILE_MODE: {default: 010}\n",
    }) == []
    (tmp_path / "app.py").write_text("import os\nMODE = os.getenv('FILE_MODE', '10')\n")
    assert findings(tmp_path) == [("app.py:2:18", "EL312")]  # at the name the code reads


# --- 4. jsonschema is the tests' oracle, not a runtime dependency -------------------------------


def test_a_check_never_imports_jsonschema(tmp_path):
    import subprocess
    import sys

    root = Path(__file__).resolve().parents[1]
    write(tmp_path, {"a/render.yaml": "services:\n  - {type: web, name: a, runtime: python, plann: x}\n",
                     "b/envspec.yaml": "version: 1\nport: x\n"})  # the render schema and the spec models run
    dirs = [str(root / "examples" / "supply-scout"), str(tmp_path / "a"), str(tmp_path / "b")]
    code = ("import sys; from envlint.cli import main\n"
            f"for path in {dirs!r}:\n"
            "    args = ['check', path]\n"
            "    try: main(args)\n"
            "    except SystemExit: pass\n"
            "assert 'jsonschema' not in sys.modules, 'jsonschema imported at run time'\n")
    result = subprocess.run([sys.executable, "-c", code], cwd=root, capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    assert "EL004" in result.stdout and "port" in result.stderr  # both paths really ran


def test_pyproject_keeps_jsonschema_out_of_the_runtime_dependencies():
    try:
        import tomllib
    except ModuleNotFoundError:  # Python 3.10
        import tomli as tomllib
    project = tomllib.loads((Path(__file__).resolve().parents[1] / "pyproject.toml").read_text())["project"]
    assert not any(d.startswith("jsonschema") for d in project["dependencies"])
    assert any(d.startswith("jsonschema") for d in project["optional-dependencies"]["test"])


# --- 5. Poetry projects without a lock ----------------------------------------------------------


@pytest.mark.parametrize("constraint, specifier", [
    # python-poetry.org/docs/dependency-specification, "Caret requirements" table
    ("^1.2.3", ">=1.2.3,<2.0.0"), ("^1.2", ">=1.2,<2.0.0"), ("^1", ">=1,<2.0.0"), ("^0.2.3", ">=0.2.3,<0.3.0"),
    ("^0.0.3", ">=0.0.3,<0.0.4"), ("^0.0", ">=0.0,<0.1.0"), ("^0", ">=0,<1.0.0"),
    # "Tilde requirements"
    ("~1.2.3", ">=1.2.3,<1.3.0"), ("~1.2", ">=1.2,<1.3.0"), ("~1", ">=1,<2.0.0"),
    # "Wildcard requirements", "Inequality requirements", "Exact requirements"
    ("*", ""), ("1.*", "==1.*"), ("1.2.*", "==1.2.*"), (">= 1.2, < 1.5", ">=1.2,<1.5"), ("!=1.3", "!=1.3"),
    ("1.2.3", "==1.2.3"), ("==1.2.3", "==1.2.3"), ("~=1.4", "~=1.4"), ("^0.1.1a3", ">=0.1.1a3,<0.2.0"),
    # no PEP 440 form, or not a constraint
    ("^1.2 || ^2.0", None), ("latest", None), ("^", None),
])
def test_poetry_constraints_as_pep440(constraint, specifier):
    from packaging.specifiers import SpecifierSet

    from envlint.extract.pyproject import poetry_constraint

    got = poetry_constraint(constraint)
    assert got == (None if specifier is None else str(SpecifierSet(specifier)))


def test_pip_install_dot_reads_a_poetry_project_too(tmp_path):
    # pip builds it with poetry-core, which takes its dependencies from [tool.poetry.dependencies]
    write(tmp_path, {
        "pyproject.toml": '[tool.poetry]\nname = "x"\n\n[tool.poetry.dependencies]\npython = "^3.12"\n'
                          '"Flask" = "2.3.3"\nlib = { git = "https://example.com/lib.git" }\n',
        "Dockerfile": "FROM python:3.12\nWORKDIR /app\nCOPY . .\nRUN pip install .\n",
    })
    facts = collect(Repo(tmp_path))
    assert [(i.requirement.name, i.requirement.specifier, str(i.requirement.location)) for i in facts.builds[0].installs] \
        == [("flask", "==2.3.3", "pyproject.toml:6:1")]
    assert facts.builds[0].installs[0].requirement.text == "Flask = '2.3.3'"


def test_project_dependencies_win_over_the_poetry_table(tmp_path):
    from envlint.extract.pyproject import project_dependencies

    write(tmp_path, {"pyproject.toml": '[project]\nname = "x"\ndependencies = ["flask==3.0.3"]\n\n'
                                       '[tool.poetry.dependencies]\nflask = "^2"\n'})
    requirements, _ = project_dependencies(Repo(tmp_path), "pyproject.toml")
    assert [r.specifier for r in requirements] == ["==3.0.3"]  # PEP 621's table, as pip and Poetry 2 read it


def test_blueprints_in_tests_examples_and_docs_are_not_candidates(tmp_path):
    for place in ("tests/render.yaml", "examples/app/render.yaml", "docs/render.yml", "fixtures/render.yaml"):
        write(tmp_path, {place: WEB % "sample"})
    assert collect(Repo(tmp_path)).blueprint is None
    write(tmp_path, {"deploy/render.yaml": WEB % "api"})
    assert collect(Repo(tmp_path)).blueprint.path == "deploy/render.yaml"


def test_a_services_entry_names_its_own_target_and_a_wrong_one_is_located_there(tmp_path):
    write(tmp_path, {
        "Dockerfile": "FROM python:3.12 AS base\nRUN pip install a==1\nFROM base AS dev\nRUN pip install b==1\n"
                      "FROM base AS prod\nRUN pip install c==1\n",
        "render.yaml": "services:\n  - {type: worker, name: dev, runtime: docker}\n  - {type: worker, name: prod, runtime: docker}\n"
                       "  - {type: worker, name: typo, runtime: docker}\n",
        "envspec.yaml": "version: 1\nservices:\n  dev:\n    docker_target: dev\n  prod: {}\n  typo:\n    docker_target: stagig\n",
    })
    facts, _ = load(tmp_path, tmp_path / "envspec.yaml")
    installed = {b.service.name: [i.requirement.name for i in b.installs] for b in facts.builds}
    assert installed == {"dev": ["a", "b"], "prod": ["a", "c"], "typo": ["a", "c"]}  # typo: the last stage
    assert [(p.kind, str(p.location)) for p in facts.problems] == [("unknown-target", "envspec.yaml:7:5")]

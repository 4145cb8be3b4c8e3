"""`envlint init`: the spec it writes for fixture repositories (expected texts written by hand
from the fixtures' files), that envlint loads it, what `check` says with it, and that it
never overwrites a spec or writes a secret's value."""

import shutil
from pathlib import Path

import pytest
import yaml

from envlint.init import _scalar
from envlint.spec import load_spec
from run_envlint import envlint

ROOT = Path(__file__).resolve().parents[1]
CASES = Path(__file__).parent / "fix"
HEADER = (
    "# envspec.yaml: written by `envlint init` from this repository's deploy files and code.\n"
    "# Comments say where each value was read; \"guessed\" marks what envlint inferred. Review\n"
    "# it, then run `envlint check`. Schema: schemas/envspec.schema.json.\n"
    "version: 1\n"
)



def valid(path: Path) -> None:
    """Both ways envlint and editors read a spec: the loader and the committed JSON schema."""
    import json

    import jsonschema

    text = path.read_text(encoding="utf-8")
    load_spec(text, "envspec.yaml")
    jsonschema.validate(yaml.safe_load(text), json.loads((ROOT / "schemas" / "envspec.schema.json").read_text()))


def copy(source: Path, tmp_path: Path) -> Path:
    target = tmp_path / "repo"
    shutil.copytree(source, target)
    (target / "envspec.yaml").unlink(missing_ok=True)
    return target


def test_single_service_spec_and_check_passes(tmp_path):
    repo = copy(CASES / "init-clean", tmp_path)
    result = envlint("init", str(repo))
    assert result.returncode == 0, result.stderr
    # PORT comes from render.yaml's value, the bind from the CMD; `requests>=2` is no exact pin;
    # `no`, `0123` and the variable named NO must stay strings; the secret has no value
    assert (repo / "envspec.yaml").read_text(encoding="utf-8") == HEADER + (
        "service: shop  # the render.yaml service at render.yaml:3\n"
        "python: '3.12'  # from FROM python image at Dockerfile:1\n"
        "port: 8000  # gunicorn at Dockerfile:6, from $PORT; set at render.yaml:7\n"
        "bind: 0.0.0.0  # gunicorn at Dockerfile:6, as written\n"
        "packages:\n"
        "  - flask==3.0.3  # requirements.txt:1\n"
        "  - gunicorn==22.0.0  # requirements.txt:2\n"
        "# packages installed without an exact pin (add `name==version` above to check them):\n"
        "#   requests>=2: not pinned exactly at requirements.txt:3\n"
        "env:\n"
        "  APP_DEBUG:  # read at app.py:6 (os.environ.get)\n"
        "    default: 'no'  # the code's fallback\n"
        "  DATABASE_URL:  # render.yaml:8 (fromDatabase); read at app.py:9 (os.environ.get)\n"
        "    required: true\n"
        "  'NO':  # render.yaml:12 (a literal value); read at app.py:10 (os.getenv)\n"
        "    required: true\n"
        "  STRIPE_API_KEY:  # render.yaml:10 (sync: false); read at app.py:7 (os.environ[])\n"
        "    required: true\n"
        "    secret: true  # the name or its source says so: set it in the Dashboard\n"
        "  TIMEOUT:  # read at app.py:8 (os.getenv)\n"
        "    default: '0123'  # the code's fallback\n"
    )
    valid(repo / "envspec.yaml")
    spec = load_spec((repo / "envspec.yaml").read_text(encoding="utf-8"), "envspec.yaml")
    assert spec.env["NO"].required and spec.env["APP_DEBUG"].default == "no" and spec.env["TIMEOUT"].default == "0123"
    assert "All checks passed!" in result.stdout
    assert envlint("check", str(repo)).returncode == 0


def test_services_map_for_several_services(tmp_path):
    repo = copy(CASES / "init-services", tmp_path)
    result = envlint("init", str(repo))
    assert result.returncode == 0, result.stderr
    # the worker opens no port: no port, no bind; its Python is major.minor of PYTHON_VERSION
    assert (repo / "envspec.yaml").read_text(encoding="utf-8") == HEADER + (
        "services:\n"
        "  api:\n"
        "    python: '3.12'  # from FROM python image at Dockerfile:1\n"
        "    port: 10000  # uvicorn at Dockerfile:5, as written\n"
        "    bind: 0.0.0.0  # uvicorn at Dockerfile:5, as written\n"
        "    packages:\n"
        "      - fastapi==0.115.0  # requirements.txt:1\n"
        "      - uvicorn==0.30.6  # requirements.txt:2\n"
        "  jobs:\n"
        "    python: '3.11'  # from PYTHON_VERSION at render.yaml:14\n"
        "    packages:\n"
        "      - rq==1.16.2  # worker/requirements.txt:1\n"
        "    env:\n"
        "      QUEUE_URL:  # render.yaml:15 (a literal value); read at worker/run.py:3 (os.environ[])\n"
        "        required: true\n"
    )
    valid(repo / "envspec.yaml")
    assert envlint("check", str(repo)).returncode == 0


def test_supply_scout_spec_keeps_the_secret_out_and_lists_what_remains(tmp_path):
    repo = copy(ROOT / "examples" / "supply-scout", tmp_path)
    result = envlint("init", str(repo))
    assert result.returncode == 0, result.stderr
    valid(repo / "envspec.yaml")
    text = (repo / "envspec.yaml").read_text(encoding="utf-8")
    secret = "ark-7d2e91c04b5a4f3e8a61c2d9f0b7e354"  # render.yaml's literal value
    assert secret not in text + result.stdout + result.stderr
    assert "  ARK_API_KEY:  # render.yaml:9 (a literal value); read at app.py:10 (os.environ.get)\n" \
           "    required: true\n    secret: true" in text
    # the image ends up with 0.5.3 (the later RUN): that is the pin, and the comment says so
    assert "  - coze-coding-dev-sdk==0.5.3  # Dockerfile:8, which replaces 0.5.5 from requirements.txt:3" in text
    assert "bind: 0.0.0.0  # guessed: Render reaches a service only on 0.0.0.0; app.run binds 127.0.0.1 at app.py:14" in text
    # what remains is what is wrong with the repository, not with the spec
    found = sorted(line.split(": ")[0] + " " + line.split(": ")[1].split()[0] for line in result.stdout.splitlines()[:-1])
    assert found == [
        "Dockerfile:11:5 EL203",  # ENV PORT=5000, but Render sets 10000
        "Dockerfile:12:8 EL203",  # EXPOSE 5000
        "Dockerfile:8:32 EL103",  # the override itself
        "app.py:14:18 EL201",  # loopback
        "render.yaml:10:16 EL302",  # the literal secret
        "requirements.txt:3:1 EL101",  # the pin the override replaces
    ]


def test_init_refuses_to_overwrite(tmp_path):
    repo = copy(CASES / "init-clean", tmp_path)
    (repo / "envspec.yaml").write_bytes(b"version: 1  # mine\n")
    result = envlint("init", str(repo))
    assert result.returncode == 2
    assert "envspec.yaml exists; use --force to overwrite it" in result.stderr
    assert (repo / "envspec.yaml").read_bytes() == b"version: 1  # mine\n"
    assert envlint("init", str(repo), "--force").returncode == 0
    assert (repo / "envspec.yaml").read_text(encoding="utf-8").startswith(HEADER)


def test_output_elsewhere_leaves_the_repository_alone(tmp_path):
    repo = copy(CASES / "init-clean", tmp_path)
    out = tmp_path / "spec.yaml"
    assert envlint("init", str(repo), "--output", str(out)).returncode == 0
    assert not (repo / "envspec.yaml").exists()
    assert out.read_text(encoding="utf-8").startswith(HEADER)


@pytest.mark.parametrize("value", ["no", "on", "yes", "off", "y", "0123", "1.10", "3.12", "null", "~", "true",
                                   "1e3", "0x1F", "a: b", "#x", "- x", "", " lead", "'", "é", "12:30"])
def test_scalars_read_back_as_the_same_string(value):
    assert yaml.safe_load(_scalar(value)) == value
    spec = load_spec(f"version: 1\nenv:\n  X:\n    default: {_scalar(value)}\n", "envspec.yaml")
    assert spec.env["X"].default == value


def test_python_version_is_always_quoted():
    assert _scalar("3.10", force=True) == "'3.10'"
    assert _scalar("3.12", force=True) == "'3.12'"


def test_an_empty_repository_gets_a_minimal_spec(tmp_path):
    out = tmp_path / "envspec.yaml"
    result = envlint("init", str(tmp_path))
    assert result.returncode == 0, result.stderr
    assert out.read_text(encoding="utf-8") == HEADER
    valid(out)


# --- guesses a maintainer keeps (issue 8) ----------------------------------------------------------

from fixture_tree import write_tree  # noqa: E402

NATIVE = """\
services:
  - type: web
    name: bot
    runtime: python
    buildCommand: pip install -r requirements.txt
    startCommand: gunicorn -b 0.0.0.0:$PORT app:app
    envVars:
      - key: PYTHON_VERSION
        value: 3.12.4
      - key: OPENAI_API_KEY
        sync: false
      - key: COZE_API_KEY
        sync: false
      - key: REDIS_URL
        value: redis://cache:6379
      - key: DJANGO_SETTINGS_MODULE
        value: site.settings
      - key: APP_MODE
        value: live
"""
REQUIREMENTS = ("openai==1.40.0\ncoze-coding-dev-sdk==0.5.5\nredis==5.0.8\ndjango==5.1\ndjango-redis==5.4.0\n"
                "gunicorn==22.0.0\n")


def init_spec(repo: Path):
    result = envlint("init", str(repo))
    assert result.returncode == 0, result.stderr
    valid(repo / "envspec.yaml")
    text = (repo / "envspec.yaml").read_text(encoding="utf-8")
    return text, load_spec(text, "envspec.yaml")


def test_read_by_is_guessed_from_an_installed_package_named_after_the_variable(tmp_path):
    repo = write_tree(tmp_path / "repo", {
        "render.yaml": NATIVE,
        "requirements.txt": REQUIREMENTS,
        "app.py": "import os\nMODE = os.environ['APP_MODE']\n",
        # a local run's template: the Coze key an SDK reads is named here and nowhere in render.yaml;
        # no Anthropic package is installed, and FEATURE_FLAG matches no package
        ".env.example": "COZE_WORKLOAD_IDENTITY_API_KEY=\nANTHROPIC_API_KEY=\nFEATURE_FLAG=1\n",
    })
    text, spec = init_spec(repo)
    assert spec.env["OPENAI_API_KEY"].read_by == ["openai"]
    assert spec.env["COZE_API_KEY"].read_by == ["coze-coding-dev-sdk"]
    assert spec.env["DJANGO_SETTINGS_MODULE"].read_by == ["django"]  # the package named DJANGO alone, not django-redis
    assert spec.env["REDIS_URL"].read_by == []  # a datastore's URL: its client takes it from the app's code
    assert spec.env["APP_MODE"].read_by == []  # the code reads it
    assert "    read_by: [openai]  # guessed: no code here reads it; the package's name matches\n" in text
    coze = spec.env["COZE_WORKLOAD_IDENTITY_API_KEY"]
    assert (coze.read_by, coze.required, coze.secret) == (["coze-coding-dev-sdk"], True, True)
    assert "ANTHROPIC_API_KEY" not in spec.env and "FEATURE_FLAG" not in spec.env
    # what check then reports: the key the SDK reads but the deploy does not provide, and the
    # REDIS_URL render.yaml sets that nothing reads
    found = envlint("check", str(repo))
    assert [line.split()[1] for line in found.stdout.splitlines()[:-1]] == ["EL301", "EL311"]
    assert "COZE_WORKLOAD_IDENTITY_API_KEY is required (read by coze-coding-dev-sdk" in found.stdout


def test_no_read_by_when_the_code_reads_no_variable_at_all(tmp_path):
    """Then "no code reads it" says nothing (the app is configured some way envlint does not see)."""
    repo = write_tree(tmp_path / "repo", {"render.yaml": NATIVE, "requirements.txt": REQUIREMENTS,
                                          "app.py": "app = None\n", ".env.example": "COZE_WORKLOAD_IDENTITY_API_KEY=\n"})
    text, spec = init_spec(repo)
    assert "read_by" not in text
    assert "COZE_WORKLOAD_IDENTITY_API_KEY" not in spec.env


def test_a_blueprint_in_a_subdirectory_is_named_so_check_reads_it_without_a_note(tmp_path):
    # Render reads a Blueprint elsewhere only if its file path is set (render-blueprint.md §1)
    repo = write_tree(tmp_path / "repo", {"infra/render.yaml": NATIVE, "requirements.txt": REQUIREMENTS,
                                          "app.py": "import os\nMODE = os.environ['APP_MODE']\n"})
    assert "EL017" in envlint("check", str(repo)).stdout
    text, spec = init_spec(repo)
    assert spec.blueprint == "infra/render.yaml" and spec.service == "bot"
    assert text.splitlines()[4].startswith("blueprint: infra/render.yaml  # guessed: ")
    found = envlint("check", str(repo))
    assert "EL017" not in found.stdout and found.returncode == 0, found.stdout


def test_several_blueprints_are_not_chosen_between(tmp_path):
    repo = write_tree(tmp_path / "repo", {"staging/render.yaml": NATIVE, "production/render.yaml": NATIVE,
                                          "requirements.txt": REQUIREMENTS})
    text, spec = init_spec(repo)
    assert spec.blueprint is None
    assert "# blueprint: not written: 2 Blueprints and none at the root (production/render.yaml, " \
           "staging/render.yaml); name the one Render reads\n" in text


def test_a_key_no_spec_can_hold_is_left_out_with_a_note(tmp_path):
    """Elasticsearch takes settings such as `discovery.type` from its environment; a spec's env
    names are identifiers, so the spec says what it leaves out instead of failing to load."""
    repo = write_tree(tmp_path / "repo", {
        "render.yaml": "services:\n  - type: pserv\n    name: search\n    runtime: docker\n    envVars:\n"
                       "      - key: discovery.type\n        value: single-node\n      - key: ES_JAVA_OPTS\n"
                       "        value: -Xms512m\n",
        "Dockerfile": "FROM elasticsearch:8.15.0\n",
    })
    text, spec = init_spec(repo)
    assert list(spec.env) == ["ES_JAVA_OPTS"]
    assert "# not declared: 'discovery.type' (render.yaml:6 (a literal value)), which is no name a spec can hold" in text


def test_one_service_spec_describes_that_service_only(tmp_path):
    """`service:` scopes the spec to that service's builds: a Dockerfile no service builds (here
    a local-compose image) must not lend it packages, a port or a Python version."""
    repo = write_tree(tmp_path / "repo", {
        "render.yaml": NATIVE,
        "requirements.txt": "gunicorn==22.0.0\n",
        "app.py": "import os\nMODE = os.environ['APP_MODE']\n",
        "tools/Dockerfile": "FROM python:3.9-slim\nRUN pip install numpy==1.26.4\nCMD gunicorn -b 0.0.0.0:8000 app:app\n",
    })
    text, spec = init_spec(repo)
    assert spec.packages == ["gunicorn==22.0.0"]
    assert (spec.python, spec.port) == ("3.12", 10000)  # PYTHON_VERSION 3.12.4; Render's PORT
    assert "numpy" not in text and "8000" not in text
    assert text.endswith("# not described: tools/Dockerfile, which no render.yaml service builds\n")
    assert envlint("check", str(repo)).returncode == 0


def test_a_code_default_with_a_password_is_not_written(tmp_path):
    """The spec is a file too: a fallback URL's password must not be copied into it."""
    repo = write_tree(tmp_path / "repo", {
        "Dockerfile": "FROM python:3.12-slim\nCOPY . .\nCMD python app.py\n",
        "app.py": "import os\nDB = os.getenv('DATABASE_URL', 'postgres://app:hunter2secret@db:5432/app')\n"
                  "CACHE = os.getenv('CACHE_URL', 'redis://cache:6379/0')\n",
    })
    text, spec = init_spec(repo)
    assert "hunter2secret" not in text
    assert spec.env["DATABASE_URL"].default is None
    assert "  DATABASE_URL:  # read at app.py:2 (os.getenv); its fallback holds a URL's credentials: not written\n" in text
    assert spec.env["CACHE_URL"].default == "redis://cache:6379/0"  # no credentials: kept


def test_port_is_guessed_from_the_port_render_yaml_sets_when_no_command_says(tmp_path):
    """Render sends a web service's traffic to $PORT, which render.yaml may set (render-blueprint.md
    §7.1); with a start script envlint cannot read, that is the port the app must listen on."""
    repo = write_tree(tmp_path / "repo", {
        "render.yaml": "services:\n  - type: web\n    name: gw\n    runtime: docker\n    envVars:\n"
                       "      - key: PORT\n        value: 8765\n",
        "Dockerfile": "FROM python:3.12-slim\nCOPY . .\nEXPOSE 8765\nENTRYPOINT [\"/entrypoint.sh\"]\n",
        "entrypoint.sh": "#!/bin/sh\nexec gateway\n",
    })
    text, spec = init_spec(repo)
    assert spec.port == 8765
    assert "port: 8765  # guessed: PORT at render.yaml:6, where Render sends traffic;" in text
    assert envlint("check", str(repo)).returncode == 0

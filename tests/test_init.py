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

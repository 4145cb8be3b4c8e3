"""Files for local runs (.env.example, docker-compose, Procfile), the code scan's place in the
engine (tests skipped, [tool.envlint] exclude) and the spec's `read_by`. Expected values are
written by hand from the fixture text; columns are 1-based."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from envlint.engine import check, collect, is_test_code
from envlint.extract.compose import is_compose, parse_compose
from envlint.extract.dotenv import declared_in_template, is_template
from envlint.extract.procfile import parse_procfile
from envlint.repo import Repo
from envlint.spec import SpecError, load_spec
from fixture_tree import write_tree

ROOT = Path(__file__).resolve().parents[1]


def write(root: Path, files: dict[str, str | bytes]) -> Repo:
    return Repo(write_tree(root, files, dedent=True))


# --- .env.example ------------------------------------------------------------------------------


def test_template_names_keys_only(tmp_path):
    repo = write(tmp_path, {".env.example": """
        # comment
        export DATABASE_URL=postgres://u:pw@host/db
          SPACED = yes
        BARE
        lower_case=1
        not a line
        1BAD=x
        """})
    found, problems = declared_in_template(repo, ".env.example")
    assert problems == []
    assert [(d.key, str(d.location), d.location.end_column) for d in found] == [
        ("DATABASE_URL", ".env.example:2:8", 20),
        ("SPACED", ".env.example:3:3", 9),
        ("BARE", ".env.example:4:1", 5),
        ("lower_case", ".env.example:5:1", 11),
    ]
    assert "pw@host" not in repr(found)  # values are dropped as they are read


def test_which_files_are_templates():
    assert [is_template(p) for p in (".env.example", "api/.env.sample", "example.env", ".env", ".env.local",
                                     "env.py")] == [True, True, True, False, False, False]


def test_a_dot_env_is_never_read_into_a_report(tmp_path):
    secret = "sk-live-9f8e7d6c5b4a39281706f5e4d3c2b1a0"
    write(tmp_path, {
        ".env": f"OPENAI_API_KEY={secret}\n",
        ".env.example": "OPENAI_API_KEY=\n",
        "app.py": 'import os\nKEY = os.environ["OPENAI_API_KEY"]\n',
        "envspec.yaml": "version: 1\n",
    })
    findings = check(tmp_path, tmp_path / "envspec.yaml")
    assert [(str(f.location), f.code) for f in findings] == [("app.py:2:18", "EL310")]
    assert ".env.example lists it" in findings[0].message
    assert secret not in findings[0].message
    assert all(d.source == ".env.example" for d in collect(Repo(tmp_path)).declared)


# --- docker-compose ----------------------------------------------------------------------------


def test_compose_services(tmp_path):
    repo = write(tmp_path, {"deploy/docker-compose.yml": """
        services:
          web:
            build: ..
            environment:
              - "DATABASE_URL=postgres://db/app"
              - DEBUG
              - not-a-name=1
            ports:
              - "8000:5000"
              - 127.0.0.1:9000:9001/tcp
              - 3000-3005
              - target: 7000
                published: 7001
            command: gunicorn -b 0.0.0.0:5000 app:app
          api:
            build:
              context: ../services/api
              dockerfile: docker/Dockerfile.prod
            environment:
              SECRET_KEY: ${SECRET_KEY}
            command: ["uvicorn", "main:app", "--port", "8080"]
          db:
            image: postgres:16
          away:
            build: ../../elsewhere
        """})
    compose = parse_compose(repo, "deploy/docker-compose.yml")
    web, api, db, away = compose.services
    assert (web.name, str(web.location), web.build_context, web.dockerfile) == (
        "web", "deploy/docker-compose.yml:2:3", "", "Dockerfile")
    assert [(v.key, str(v.location)) for v in web.environment] == [
        ("DATABASE_URL", "deploy/docker-compose.yml:5:10"), ("DEBUG", "deploy/docker-compose.yml:6:9")]
    assert [(p.text, p.container, str(p.location)) for p in web.ports] == [
        ("8000:5000", 5000, "deploy/docker-compose.yml:9:9"),
        ("127.0.0.1:9000:9001/tcp", 9001, "deploy/docker-compose.yml:10:9"),
        ("3000-3005", None, "deploy/docker-compose.yml:11:9"),
        ("7000", 7000, "deploy/docker-compose.yml:12:9"),
    ]
    assert [(l.server, l.port) for l in web.command.listens] == [("gunicorn", 5000)]
    assert (api.build_context, api.dockerfile) == ("services/api", "services/api/docker/Dockerfile.prod")
    assert [v.key for v in api.environment] == ["SECRET_KEY"]
    assert api.command.exec_form and [(l.server, l.port) for l in api.command.listens] == [("uvicorn", 8080)]
    assert (db.build_context, db.environment, db.ports, db.command) == (None, [], [], None)
    assert away.build_context is None  # outside the repository: not ours


def test_compose_file_names_and_bad_files(tmp_path):
    assert [is_compose(p) for p in ("docker-compose.yml", "a/compose.yaml", "docker-compose.override.yml",
                                    "compose.prod.yaml", "composer.yml", "docker-compose.txt")] == [
        True, True, True, True, False, False]
    repo = write(tmp_path, {"compose.yaml": "services: [unclosed\n", "docker-compose.yml": "- a list\n"})
    assert parse_compose(repo, "compose.yaml").services == []
    assert parse_compose(repo, "docker-compose.yml").services == []


def test_compose_port_uses_spec_port_when_the_command_says_nothing(tmp_path):
    write(tmp_path, {
        "Dockerfile": "FROM python:3.12.4-slim\nCOPY . .\nCMD [\"python\", \"serve.py\"]\n",
        "serve.py": "print('serving')\n",
        "compose.yaml": "services:\n  app:\n    build: .\n    ports: ['80:80']\n",
        "envspec.yaml": "version: 1\nport: 8000\n",
    })
    findings = [f for f in check(tmp_path, tmp_path / "envspec.yaml") if f.code == "EL208"]
    assert [(str(f.location), f.message) for f in findings] == [(
        "compose.yaml:4:13",
        "compose service 'app' publishes container port 80 but the app listens on 8000 "
        "(the spec's port (envspec.yaml:2))",
    )]


def test_compose_env_file_names_are_the_service_environment(tmp_path):
    secret = "sk-live-1234567890abcdef1234567890abcdef"
    repo = write(tmp_path, {
        "deploy/compose.yaml": """
            services:
              one:
                build: ..
                env_file: app.env
                environment: [DEBUG=1]
              many:
                image: x
                env_file:
                  - ./app.env
                  - path: ../shared/extra.env
                    required: false
                  - path: missing.env
                    required: false
                  - ../../outside.env
                  - {required: true}
              none:
                image: y
                env_file: []
            """,
        "deploy/app.env": f"# comment\nOPENAI_API_KEY={secret}\nexport PORT=8000\n",
        "shared/extra.env": "# indented key:\n  EXTRA = 1\n",
    })
    (tmp_path.parent / "outside.env").write_text("OUTSIDE=1\n")
    one, many, none = parse_compose(repo, "deploy/compose.yaml").services
    # `environment` first, then each env file's names at their own lines (compose-spec "env_file")
    assert [(v.key, v.source, str(v.location), v.location.end_column) for v in one.environment] == [
        ("DEBUG", "deploy/compose.yaml", "deploy/compose.yaml:5:19", 24),
        ("OPENAI_API_KEY", "deploy/app.env", "deploy/app.env:2:1", 15),
        ("PORT", "deploy/app.env", "deploy/app.env:3:8", 12),
    ]
    assert [(v.key, str(v.location)) for v in many.environment] == [
        ("OPENAI_API_KEY", "deploy/app.env:2:1"), ("PORT", "deploy/app.env:3:8"),
        ("EXTRA", "shared/extra.env:2:3"),
    ]
    assert none.environment == []
    assert secret not in repr(one) and secret not in repo._cache.get("deploy/app.env", "")


def test_compose_env_file_counts_as_setting_the_variable(tmp_path):
    # the port variable the env file sets is not second-guessed (EL208), and a spec variable only
    # the env file names is in use (EL311), exactly as with `environment:`
    write(tmp_path, {
        "Dockerfile": "FROM python:3.12.4-slim\nCOPY . .\nCMD gunicorn -b 0.0.0.0:${PORT:-5000} app:app\n",
        "app.py": "import os\nDEBUG = os.getenv('DEBUG')\n",
        "compose.yaml": "services:\n  app:\n    build: .\n    env_file: local.env\n    ports: ['8000:8000']\n",
        "local.env": "PORT=8000\nWORKER_TOKEN=t\n",
        "envspec.yaml": "version: 1\nenv:\n  DEBUG: {}\n  WORKER_TOKEN: {}\n  NOBODY: {}\n",
    })
    got = sorted((str(f.location), f.code) for f in check(tmp_path, tmp_path / "envspec.yaml")
                 if f.code in ("EL208", "EL311"))
    assert got == [("envspec.yaml:5:3", "EL311")]


# --- Procfile ----------------------------------------------------------------------------------


def test_procfile_web_process(tmp_path):
    repo = write(tmp_path, {"Procfile": "release: python migrate.py\nweb:  uvicorn main:app --port $PORT\n"})
    command = parse_procfile(repo, "Procfile")
    assert (command.source, str(command.location)) == ("Procfile web", "Procfile:2:7")
    assert [(l.server, l.port_env) for l in command.listens] == [("uvicorn", "PORT")]
    assert parse_procfile(write(tmp_path / "none", {"Procfile": "worker: python w.py\n"}), "Procfile") is None


def test_procfile_matching_the_start_command_is_quiet(tmp_path):
    write(tmp_path, {
        "Procfile": "web: gunicorn app:app\n",
        "render.yaml": "services:\n  - type: web\n    name: s\n    runtime: python\n"
                       "    buildCommand: pip install flask\n    startCommand: gunicorn app:app\n",
        ".python-version": "3.12.4\n",
        "app.py": "app = None\n",
    })
    assert [f.code for f in check(tmp_path)] == []


# --- the code scan in the engine ---------------------------------------------------------------


def test_test_code_is_not_deploy_code():
    assert [is_test_code(p) for p in ("tests/test_app.py", "pkg/tests/helpers.py", "test/x.py", "test_app.py",
                                      "pkg/app_test.py", "conftest.py", "app.py", "contest.py", "pkg/testing.py")] == [
        True, True, True, True, True, True, False, False, False]


def test_syntax_errors_are_el006_not_a_crash(tmp_path):
    write(tmp_path, {
        "app.py": 'import os\nKEY = os.environ["API_KEY"]\n',
        "scripts/py2.py": 'import os\nprint os.environ["HOME"]\n',
        "scripts/latin1.py": b"# -*- coding: latin-1 -*-\nimport os\nNAME = os.getenv('\xe9')\n",
        "scripts/binary.py": b"x = '\x80'  # os.environ\n",  # not UTF-8, and no coding cookie
        "scripts/quiet.py": 'print "names no variable: never parsed"\n',
        "envspec.yaml": "version: 1\nenv:\n  API_KEY: {required: true}\n",
    })
    got = sorted((str(f.location), f.code) for f in check(tmp_path, tmp_path / "envspec.yaml"))
    assert got == [("envspec.yaml:3:3", "EL301"), ("scripts/binary.py:1:1", "EL006"), ("scripts/py2.py:2:1", "EL006")]


def envlint_cli(*args, cwd):
    env = {k: v for k, v in os.environ.items() if k not in ("GITHUB_ACTIONS", "NO_COLOR", "FORCE_COLOR")}
    env["PYTHONPATH"] = str(ROOT)
    return subprocess.run([sys.executable, "-m", "envlint", *args], capture_output=True, text=True, cwd=cwd, env=env)


def test_exclude_in_the_configuration(tmp_path):
    write(tmp_path, {
        ".git/HEAD": "",
        "app.py": 'import os\nA = os.environ["APP_KEY"]\n',
        "scripts/seed.py": 'import os\nB = os.environ["SEED_KEY"]\n',
        "tools/local_run.py": 'import os\nC = os.environ["LOCAL_KEY"]\n',
        "envspec.yaml": "version: 1\nenv:\n  APP_KEY: {}\n",
    })
    before = envlint_cli("check", ".", cwd=tmp_path)
    assert ("scripts/seed.py:2:16" in before.stdout, "tools/local_run.py:2:16" in before.stdout) == (True, True)
    (tmp_path / "pyproject.toml").write_text('[tool.envlint]\nexclude = ["scripts/", "*/local_*.py"]\n')
    after = envlint_cli("check", ".", cwd=tmp_path)
    assert after.returncode == 0 and "seed.py" not in after.stdout and "local_run.py" not in after.stdout, after
    (tmp_path / "pyproject.toml").write_text('[tool.envlint]\nexclude = "scripts/"\n')
    wrong = envlint_cli("check", ".", cwd=tmp_path)
    assert (wrong.returncode, wrong.stderr) == (
        2, 'envlint: pyproject.toml:2: exclude must be a list of globs, e.g. ["scripts/", "*_local.py"]\n')


# --- read_by in the spec -----------------------------------------------------------------------


def test_read_by_is_read_and_validated():
    spec = load_spec("version: 1\nenv:\n  K: {required: true, read_by: [Coze_Coding.dev-SDK]}\n", "envspec.yaml")
    assert spec.env["K"].read_by == ["Coze_Coding.dev-SDK"]
    assert load_spec("version: 1\nenv:\n  K: {}\n", "envspec.yaml").env["K"].read_by == []
    for bad in ("read_by: coze", "read_by: [coze sdk]", "read_by: [1]"):
        with pytest.raises(SpecError) as error:
            load_spec(f"version: 1\nenv:\n  K: {{{bad}}}\n", "envspec.yaml")
        assert error.value.location.line == 3, bad


def test_read_by_scopes_el301_to_builds_installing_the_package(tmp_path):
    write(tmp_path, {
        "Dockerfile": "FROM python:3.12.4-slim\nRUN pip install openai==1.51.0\nCMD [\"python\", \"-c\", \"0\"]\n",
        "envspec.yaml": "version: 1\nenv:\n  OPENAI_API_KEY: {required: true, read_by: [openai]}\n"
                        "  OTHER_KEY: {required: true, read_by: [anthropic]}\n",
    })
    findings = [f for f in check(tmp_path, tmp_path / "envspec.yaml") if f.code == "EL301"]
    assert [(str(f.location), f.message) for f in findings] == [(
        "envspec.yaml:3:3",
        "OPENAI_API_KEY is required (read by openai, which it installs) but Dockerfile does not provide it "
        "(envVars, env groups and Dockerfile ENV checked); add `- key: OPENAI_API_KEY` with a value",
    )]


# --- modules the entry script imports ----------------------------------------------------------


def test_imported_modules_are_found_from_the_script_directory(tmp_path):
    from envlint.extract.pyentry import imported_modules, listens_in_python

    repo = write(tmp_path, {
        "src/run.py": "import os\nimport web.server\nfrom config import settings\nfrom .x import y\nfrom pkg import *\n",
        "src/web/server.py": "import uvicorn\nif __name__ == '__main__':\n    uvicorn.run('a:b', port=1)\n"
                             "uvicorn.run('a:b', port=2)\n",
        "src/config/__init__.py": "",
        "src/config/settings.py": "",
        "src/pkg/__init__.py": "",
        "web/server.py": "",  # not beside the script
    })
    assert imported_modules(repo, "src/run.py") == [
        "src/web/server.py", "src/config/__init__.py", "src/config/settings.py", "src/pkg/__init__.py"]
    listens, problems = listens_in_python(repo, "src/web/server.py", imported=True)
    assert ([(l.server, l.port) for l in listens], problems) == ([("uvicorn.run", 2)], [])

"""EL310-EL313 edge cases the fixture cases do not show; expected values written by hand."""

from __future__ import annotations

import textwrap
from pathlib import Path

from envlint.engine import check
from fixture_tree import write_tree


def codes(root: Path, files: dict[str, str], with_spec: bool = True) -> list[tuple[str, str]]:
    write_tree(root, files, dedent=True)
    spec = root / "envspec.yaml" if with_spec else None
    return sorted((str(f.location), f.code) for f in check(root, spec) if f.code.startswith("EL31"))


def test_unused_is_silent_when_the_code_reads_nothing_envlint_knows(tmp_path):
    # configuration through a library envlint does not model: nothing to compare with
    assert codes(tmp_path, {
        "app.py": "import environ\nenv = environ.Env()\nKEY = env('API_KEY')\n",  # django-environ
        "envspec.yaml": "version: 1\nenv:\n  API_KEY: {}\n",
    }) == []
    (tmp_path / "other.py").write_text("import os\nHOME = os.getenv('HOME')\n")
    assert codes(tmp_path, {}) == [("envspec.yaml:3:3", "EL311")]


def test_unused_looks_at_entries_of_the_services_map(tmp_path):
    assert codes(tmp_path, {
        "app.py": "import os\nA = os.getenv('A')\n",
        "envspec.yaml": """
            version: 1
            env:
              A: {}
              UNUSED_TOP: {}
            services:
              api:
                env:
                  UNUSED_IN_API: {}
                  GUNICORN_CMD_ARGS: {}
            """,
        "render.yaml": "services:\n  - type: web\n    name: api\n    runtime: docker\n",
        "Dockerfile": "FROM python:3.12.4-slim\nCMD [\"gunicorn\", \"-b\", \"0.0.0.0:10000\", \"app:app\"]\n",
    }) == [("envspec.yaml:4:3", "EL311"), ("envspec.yaml:8:7", "EL311")]


def test_defaults_compare_as_text_and_booleans_ignore_case(tmp_path):
    assert codes(tmp_path, {
        "app.py": """
            import os
            A = os.getenv("A", True)
            B = os.getenv("B", 1.5)
            C = os.getenv("C", "")
            """,
        "envspec.yaml": "version: 1\nenv:\n  A: {default: 'TRUE'}\n  B: {default: '1.50'}\n  C: {default: x}\n",
    }) == [("app.py:3:15", "EL312"), ("app.py:4:15", "EL312")]


def test_not_provided_skips_services_with_groups_render_yaml_does_not_define(tmp_path):
    files = {
        "app.py": "import os\nA = os.environ['NEEDED']\n",
        "requirements.txt": "flask==3.0.3\n",
        ".python-version": "3.12.4\n",
        "render.yaml": """
            services:
              - type: worker
                name: w
                runtime: python
                buildCommand: pip install -r requirements.txt
                startCommand: python app.py
                envVars:
                  - fromGroup: made-in-the-dashboard
            """,
    }
    assert codes(tmp_path, files, with_spec=False) == []
    files["render.yaml"] = textwrap.dedent(files["render.yaml"]).replace(
        "- fromGroup: made-in-the-dashboard", "- key: OTHER\n        value: x")
    assert codes(tmp_path, files, with_spec=False) == [("app.py:2:16", "EL313")]

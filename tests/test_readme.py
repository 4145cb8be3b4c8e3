import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def test_readme_generated_sections_are_current():
    """The rule table and the example output in README.md come from the code itself."""
    result = subprocess.run([sys.executable, str(ROOT / "scripts" / "update_readme.py"), "--check"])
    assert result.returncode == 0, "README.md is stale: run python scripts/update_readme.py"


def test_readme_commands_are_the_ci_commands():
    readme = (ROOT / "README.md").read_text()
    ci = (ROOT / ".ci" / "run").read_text()
    for command in ("python3 -m pip install . && envlint check examples/supply-scout",
                    "python3 -m pip install '.[test]' && python3 -m pytest"):
        assert command in readme
        assert command in ci

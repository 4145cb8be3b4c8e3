"""Run envlint as users do, in a fresh process, on this checkout (installed or not)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def envlint(*args: str, cwd: Path | None = None, text: bool = True, **env: str) -> subprocess.CompletedProcess:
    """`python -m envlint ARGS`: text output whatever the CI around the tests sets (GITHUB_ACTIONS,
    NO_COLOR and FORCE_COLOR are dropped, then `env` added); a hang fails after 120 s."""
    environ = {k: v for k, v in os.environ.items() if k not in ("GITHUB_ACTIONS", "NO_COLOR", "FORCE_COLOR")}
    environ.update(PYTHONPATH=str(ROOT), **env)
    return subprocess.run([sys.executable, "-m", "envlint", *args], capture_output=True, text=text, cwd=cwd,
                          env=environ, timeout=120)

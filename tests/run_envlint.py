"""Run envlint as users do, in a fresh process, on this checkout (installed or not), or in this
process when a test patches something."""

from __future__ import annotations

import contextlib
import io
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


class Result:
    """What an in-process run printed and how it ended (`exception`: what escaped, SystemExit included)."""

    def __init__(self, exit_code: int, stdout: str, stderr: str, exception: BaseException | None):
        self.exit_code, self.stdout, self.stderr, self.exception = exit_code, stdout, stderr, exception
        self.output = stdout + stderr


def invoke(args: list[str]) -> Result:
    """`envlint ARGS` in this process (for monkeypatched runs and speed): its exit code and output."""
    from envlint.cli import main

    out, err = io.StringIO(), io.StringIO()
    try:
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            main(args)
    except SystemExit as exc:
        code = exc.code if isinstance(exc.code, int) else (0 if exc.code is None else 1)
        return Result(code, out.getvalue(), err.getvalue(), exc)
    except Exception as exc:  # noqa: BLE001 - the caller asserts on what escaped
        return Result(1, out.getvalue(), err.getvalue(), exc)
    return Result(0, out.getvalue(), err.getvalue(), None)

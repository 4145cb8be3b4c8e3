"""The command line: options in, exit code out. Exit 0 when no finding is an error, 1 when one
is, 2 for a usage error, an invalid spec or unreadable input (one line on stderr, no traceback
unless --debug)."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from envlint import __version__

FORMATS = ("text", "json")


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="envlint")
def main() -> None:
    """Check that a service's deploy files agree with what it needs."""


@main.command()
@click.argument("path", default=".", type=click.Path(file_okay=False, path_type=Path))
@click.option("--spec", "spec_file", type=click.Path(dir_okay=False, path_type=Path),
              help="The spec to check against (default: PATH/envspec.yaml, if present).")
@click.option("--format", "output_format", type=click.Choice(FORMATS), default="text", show_default=True,
              help="Output format.")
@click.option("--debug", is_flag=True, help="Show a traceback on internal errors.")
def check(path: Path, spec_file: Path | None, output_format: str, debug: bool) -> None:
    """Check the repository at PATH (default: the current directory)."""
    from envlint.engine import InputError, check as run_check
    from envlint.report import REPORTERS
    from envlint.spec import SpecError

    try:
        findings = run_check(path, spec_file)
    except (SpecError, InputError) as exc:
        _fail(str(exc))
    except Exception as exc:  # a bug of ours: say so in one line, trace only on request
        if debug:
            raise
        _fail(f"internal error: {type(exc).__name__}: {exc} (run with --debug for the traceback)")
    REPORTERS[output_format](findings, sys.stdout)
    sys.exit(1 if any(f.severity.value == "error" for f in findings) else 0)


def _fail(message: str) -> None:
    click.echo(f"envlint: {message}", err=True)
    sys.exit(2)

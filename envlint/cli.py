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


@main.command()
@click.argument("path", default=".", type=click.Path(file_okay=False, path_type=Path))
@click.option("--service", help="Only this render.yaml service.")
@click.option("--spec", "spec_file", type=click.Path(dir_okay=False, path_type=Path),
              help="The spec whose variables and defaults to include (default: PATH/envspec.yaml, if present).")
@click.option("--format", "output_format", type=click.Choice(FORMATS), default="text", show_default=True,
              help="Output format.")
@click.option("--debug", is_flag=True, help="Show a traceback on internal errors.")
def env(path: Path, service: str | None, spec_file: Path | None, output_format: str, debug: bool) -> None:
    """Show each variable the running service sees, its value and where it comes from.

    Precedence, highest first: the render.yaml service's envVars, its env groups, Render's
    PORT=10000 for web services, the Dockerfile's ENV, the spec's default. Secrets are masked.
    """
    from envlint.engine import InputError, load
    from envlint.environment import resolve
    from envlint.report.environment import write_json, write_text
    from envlint.rules.base import described
    from envlint.spec import SpecError

    try:
        facts, spec = load(path, spec_file)
    except (SpecError, InputError) as exc:
        _fail(str(exc))
    except Exception as exc:
        if debug:
            raise
        _fail(f"internal error: {type(exc).__name__}: {exc} (run with --debug for the traceback)")
    builds = facts.builds
    if service is not None:
        builds = [b for b in builds if b.service is not None and b.service.name == service]
        if not builds:
            names = [b.service.name for b in facts.builds if b.service is not None]
            _fail(f"no render.yaml service named {service!r}" + (f" (services: {', '.join(names)})" if names else ""))
    specs = described(facts, spec)
    views = [(b.name, resolve(b, specs.get(id(b)))) for b in builds]
    (write_json if output_format == "json" else write_text)(views, sys.stdout)


def _fail(message: str) -> None:
    click.echo(f"envlint: {message}", err=True)
    sys.exit(2)

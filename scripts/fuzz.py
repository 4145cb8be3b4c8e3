"""Fuzz every envlint parser in-process, far longer than the test suite does.

    python scripts/fuzz.py [--inputs 100000] [--seed 1] [--out fuzz-failures] [--whole-every 50]
    python scripts/fuzz.py --adversarial      # time and memory of each hand-made hostile input

Each input is a seed file from tests/cases/ or examples/ (or random bytes), mutated: lines
deleted, duplicated, swapped or truncated, special characters and YAML/shell/Dockerfile tokens
inserted, bytes flipped, the file re-encoded. It goes to the parser of its kind; every
`--whole-every`th input instead replaces one file of a fixture repository and runs the whole
check (every extractor, every rule, every reporter). The only exceptions a parser may raise are
the documented ones (YamlError, SpecError, InputError, ConfigError, BaselineError); anything
else, or an input that takes longer than --slow seconds, is a defect: its input and traceback
are saved under --out, and the script exits 1. Prints inputs run, defects found and the time.
"""

from __future__ import annotations

import argparse
import io
import random
import shutil
import sys
import tempfile
import time
import traceback
import warnings
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from envlint import baseline, config  # noqa: E402
from envlint.engine import InputError, load  # noqa: E402
from envlint.extract.codescan import scan_env_reads  # noqa: E402
from envlint.extract.commands import analyze_shell  # noqa: E402
from envlint.extract.compose import parse_compose  # noqa: E402
from envlint.extract.dockerfile import parse_dockerfile  # noqa: E402
from envlint.extract.dotenv import declared_in_template  # noqa: E402
from envlint.extract.procfile import parse_procfile  # noqa: E402
from envlint.extract.pyentry import imported_modules, listens_in_python  # noqa: E402
from envlint.extract.pyproject import project_dependencies, read_lock  # noqa: E402
from envlint.extract.render import parse_render  # noqa: E402
from envlint.extract.requirements import parse_requirements_file  # noqa: E402
from envlint.facts import SourceText  # noqa: E402
from envlint.repo import ReadError, Repo, decode  # noqa: E402
from envlint.report import FORMATS, Context, reporter  # noqa: E402
from envlint.report.source import Sources  # noqa: E402
from envlint.rules import ALL_RULES  # noqa: E402
from envlint.spec import SpecError, load_spec  # noqa: E402
from envlint.suppress import apply as apply_suppressions  # noqa: E402
from envlint.yamlload import YamlError, load_yaml  # noqa: E402

SEED_DIRS = [ROOT / "tests" / "cases", ROOT / "examples"]
EXPECTED = (YamlError, SpecError, InputError, config.ConfigError, baseline.BaselineError)


# --- targets: one parser each; `run(root, name)` parses the file `name` written in `root` -------

def _text(root: Path, name: str) -> str | None:
    try:
        return decode((root / name).read_bytes(), name)
    except ReadError:
        return None  # not text: the readers report it; nothing more to parse


def _yaml(root, name):
    if (text := _text(root, name)) is not None:
        load_yaml(text, name)


def _spec(root, name):
    if (text := _text(root, name)) is not None:
        load_spec(text, name)


def _shell(root, name):
    if (text := _text(root, name)) is not None:
        analyze_shell("startCommand", SourceText.single(name, text, 1, 1))


def _python(root, name):
    repo = Repo(root)
    listens_in_python(repo, name)
    imported_modules(repo, name)
    scan_env_reads(repo, [name])


def _config(root, name):
    config._read.cache_clear()
    config._table.cache_clear()
    try:
        config.load(root / name, root)
    finally:
        config._read.cache_clear()
        config._table.cache_clear()


TARGETS = {  # target: (file name it is written as, parser, seed file names)
    "yaml": ("render.yaml", _yaml, ("render.yaml", "envspec.yaml", "docker-compose.yml")),
    "spec": ("envspec.yaml", _spec, ("envspec.yaml",)),
    "render": ("render.yaml", lambda root, name: parse_render(Repo(root), name), ("render.yaml",)),
    "dockerfile": ("Dockerfile", lambda root, name: parse_dockerfile(Repo(root), name), ("Dockerfile",)),
    "requirements": ("requirements.txt", lambda root, name: parse_requirements_file(Repo(root), name),
                     ("requirements.txt", "base.txt", "extra.txt", "constraints.txt")),
    "pyproject": ("pyproject.toml", lambda root, name: project_dependencies(Repo(root), name), ("pyproject.toml",)),
    "uv.lock": ("uv.lock", lambda root, name: read_lock(Repo(root), name), ("uv.lock",)),
    "poetry.lock": ("poetry.lock", lambda root, name: read_lock(Repo(root), name), ("uv.lock",)),
    "python": ("app.py", _python, ("app.py", "main.py", "worker.py", "server.py", "config.py")),
    "shell": ("start.sh", _shell, ("entrypoint.sh", "Procfile", "Dockerfile")),
    "dotenv": (".env.example", lambda root, name: declared_in_template(Repo(root), name), (".env.example", ".env")),
    "compose": ("docker-compose.yml", lambda root, name: parse_compose(Repo(root), name), ("docker-compose.yml",)),
    "procfile": ("Procfile", lambda root, name: parse_procfile(Repo(root), name), ("Procfile",)),
    "config": ("pyproject.toml", _config, ("pyproject.toml",)),
    "baseline": ("baseline.json", lambda root, name: baseline.load(root / name), ("baseline.json",)),
}


def whole_check(root: Path) -> None:
    """What `envlint check` does in-process, every reporter included, into memory."""
    spec_file = root / "envspec.yaml"
    repo = Repo(root)
    facts, spec = load(root, spec_file if spec_file.is_file() else None, None, repo)
    findings = sorted({f for rule in ALL_RULES for f in rule.run(facts, spec)}, key=lambda f: f.sort_key)
    sources = Sources(repo)
    result = apply_suppressions(findings, sources)
    for name in FORMATS:
        for options in ({}, {"show_source": True}, {"statistics": True}) if name == "text" else ({},):
            context = Context(sources=sources, root_uri=root.as_uri() + "/", suppressed=result.suppressed, **options)
            reporter(name)(result.findings, io.StringIO(), context)
    baseline.fingerprints(result.findings, sources, "")


# --- inputs ---------------------------------------------------------------------------------

SPECIALS = [
    "\x00", "\t", "\r", "\r\n", "\n", "\\", "\\\n", "'", '"', "`", "$", "${", "${A:-x}", "$(", "}", "{", "[", "]",
    "&a ", "*a", "<<: *a", "!!python/object/apply:os.system ['true']", "!!binary ", "!x ", "- ", ": ", "? ",
    "---\n", "...\n", "|\n", ">-\n", "#", " # envlint: ignore[EL101]", "# syntax=docker/dockerfile:1\n",
    "# escape=`\n", "<<EOF\n", "\nEOF\n", "\u2028", "\ufeff", "\xe9", "\U0001f600", "\x85", "\xa0", "\x7f",
    "\x1b[31m", "-r ", "-c ", "-e ", "--index-url https://u:p@h/ ", "--hash=sha256:", "@ ", "==", ">=1,<", ";",
    " ; python_version < '3.9'", "[extra]", "..", "../", "../../etc/passwd", "/", "~", "*", "?", "0x", "0o7",
    "1e999", ".nan", "-.inf", "3.10", "true", "null", "~", "-", "--", "&&", "||", "|", ">", "<", "2>&1", "exec ",
    "cd /app && ", "sh -c '", "bash -c \"", "ARG A=1\n", "ENV PORT=1\n", "FROM python:3.12 AS b\n",
    "COPY --from=b / /\n", "RUN pip install -r requirements.txt\n", "CMD [\"python\", \"app.py\"]\n",
    "ENTRYPOINT ", "WORKDIR ", "ONBUILD ", "HEALTHCHECK ", "SHELL [\"/bin/sh\", \"-c\"]\n", "def f(", "import os\n",
    "os.environ[", "os.getenv(", "os.environ.get(", "int(", "lambda: ", "(", ")", '"""', "if 1:\n", "    ", "\t",
    "class S(BaseSettings):\n", "app.run(host=", "port=", "uvicorn.run(", "gunicorn ", "--bind 0.0.0.0:$PORT ",
    "[tool.envlint]\n", "select = [\"EL1\"]\n", "[project]\n", "dependencies = [\n", "[[package]]\n",
    "name = ", "version = ", "= ", "\"\"\"\n", "'''", "services:\n", "envVars:\n", "- key: ", "  value: ",
    "fromGroup: ", "sync: false", "generateValue: true", "runtime: docker", "dockerfilePath: ../x",
    "rootDir: ..", "startCommand: ", "buildCommand: ", "web: ", "version: 1\n", "env:\n", "packages:\n",
]


def seeds() -> dict[str, list[bytes]]:
    """Seed files by basename, from the fixture repositories and examples."""
    found: dict[str, list[bytes]] = {}
    for directory in SEED_DIRS:
        for path in sorted(directory.rglob("*")):
            if path.is_file() and not path.is_symlink() and path.name != "expected.txt":
                found.setdefault(path.name, []).append(path.read_bytes())
    found["baseline.json"] = [b'{"envlint-baseline": 1, "findings": [{"fingerprint": "0f1e", "code": "EL101", '
                              b'"path": "Dockerfile", "message": "m"}, {"fingerprint": "aa"}]}\n']
    return found


def mutate(data: bytes, rng: random.Random, others: list[bytes]) -> bytes:
    """One to six mutations, on lines, characters or bytes."""
    for _ in range(rng.randint(1, 6)):
        kind = rng.randrange(12)
        if kind < 8:
            lines = data.decode("utf-8", "surrogateescape").split("\n")
            i, j = rng.randrange(len(lines)), rng.randrange(len(lines))
            if kind == 0 and len(lines) > 1:
                del lines[i]
            elif kind == 1:
                lines.insert(i, lines[j])
            elif kind == 2:
                lines[i], lines[j] = lines[j], lines[i]
            elif kind in (3, 4, 5):  # a token inside a line
                at = rng.randint(0, len(lines[i]))
                lines[i] = lines[i][:at] + rng.choice(SPECIALS) + lines[i][at:]
            elif kind == 6 and others:  # a line of another seed
                donor = rng.choice(others).decode("utf-8", "surrogateescape").split("\n")
                lines.insert(i, rng.choice(donor))
            elif kind == 7:
                lines[i] = lines[i][: rng.randint(0, len(lines[i]))]
            data = "\n".join(lines).encode("utf-8", "surrogateescape")
        elif kind == 8:
            data = data[: rng.randint(0, len(data))]
        elif kind == 9 and data:
            at = rng.randrange(len(data))
            data = data[:at] + bytes([rng.randrange(256)]) + data[at + 1:]
        elif kind == 10:
            at = rng.randint(0, len(data))
            data = data[:at] + bytes(rng.randrange(256) for _ in range(rng.randint(1, 8))) + data[at:]
        elif rng.random() < 0.3:
            try:
                data = data.decode("utf-8").encode(rng.choice(["utf-16", "utf-8-sig", "utf-32", "latin-1"]))
            except (UnicodeError, ValueError):
                pass
        elif rng.random() < 0.5:  # repeat a chunk: size blow-ups
            at, length = rng.randint(0, len(data)), rng.randint(1, 64)
            data = data[:at] + data[at:at + length] * rng.randint(2, 50) + data[at:]
        else:  # deep nesting: brackets, braces, list dashes, parentheses, indentation
            at, depth = rng.randint(0, len(data)), rng.choice([10, 100, 999, 1001, 3000])
            opener, closer = rng.choice([(b"[", b"]"), (b"{a: ", b"}"), (b"- ", b""), (b"(", b")"), (b" ", b"")])
            data = data[:at] + opener * depth + closer * depth + data[at:]
    return data


def random_input(rng: random.Random) -> bytes:
    if rng.random() < 0.5:
        return bytes(rng.randrange(256) for _ in range(rng.randint(0, 200)))
    return "".join(rng.choice(SPECIALS) if rng.random() < 0.5 else chr(rng.randrange(32, 0x2FF))
                   for _ in range(rng.randint(0, 60))).encode("utf-8", "surrogatepass")


# --- the loop -------------------------------------------------------------------------------

def run_one(func, root: Path, name: str) -> None:
    """Run one input; raise on anything but a documented error, and on a warning (which the CLI
    would print on stderr, often with a line of the checked file)."""
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        try:
            func(root, name)
        except EXPECTED:
            pass
    if caught:
        raise AssertionError(f"a warning escaped: {caught[0].category.__name__}: {caught[0].message}")


# --- adversarial inputs, measured ------------------------------------------------------------

_BOMB = "a: &a [x, x, x, x, x, x, x, x, x]\n" + "".join(
    f"{chr(98 + i)}: &{chr(98 + i)} [{', '.join([f'*{chr(97 + i)}'] * 9)}]\n" for i in range(9))
ADVERSARIAL_YAML = {
    "billion laughs": lambda: _BOMB.encode(),
    "10,000-deep flow nesting": lambda: ("a: " + "[" * 10_000 + "]" * 10_000 + "\n").encode(),
    "10,000-deep block nesting": lambda: ("- " * 10_000 + "x\n").encode(),
    "50 MB file": lambda: b"version: 1\n" + (b"#" + b"x" * 1022 + b"\n") * (50 * 1024),
    "non-mapping root": lambda: b"- a\n- b\n",
    "!!python/object/apply": lambda: b"a: !!python/object/apply:os.system ['touch PWNED']\n",
    "duplicate keys": lambda: b"version: 1\nversion: 1\n",
    "invalid UTF-8": lambda: b"version: 1\n# \xff\n",
    "UTF-16 with BOM": lambda: "version: 1\nversion: 1\n".encode("utf-16"),
    "2 MB of one-character list items (worst case under the YAML size cap)": lambda: b"a: [" + b"1," * 1_048_000 + b"1]\n",
}
ADVERSARIAL_REPOS = {
    "requirements include cycle": {"requirements.txt": b"-r a.txt\n", "a.txt": b"-r requirements.txt\n"},
    "requirements include outside": {"requirements.txt": b"-r ../outside.txt\n-r /etc/passwd\n"},
    "100,000-line requirements file": {"requirements.txt": "".join(
        f"package-{i}=={i % 7}.{i % 11}.0\n" for i in range(100_000)).encode()},
}


_LAUNCHER = """import os, subprocess, sys, time
began = time.perf_counter()
child = subprocess.Popen(sys.argv[1:])
_, status, usage = os.wait4(child.pid, 0)
sys.stderr.write(f"measured {os.waitstatus_to_exitcode(status)} {time.perf_counter() - began:.3f} {usage.ru_maxrss}\\n")
"""


def adversarial() -> int:
    """Run `envlint check` on each adversarial repository in a subprocess; print its exit code,
    wall time, peak memory (ru_maxrss of the child) and first line of output."""
    import os
    import subprocess

    cases = [(f"{name}: {label}", lambda name=name, make=make: {name: make()})
             for label, make in ADVERSARIAL_YAML.items() for name in ("render.yaml", "envspec.yaml")]
    cases += [(label, lambda files=files: files) for label, files in ADVERSARIAL_REPOS.items()]
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    print(f"{'input':<90} exit   time  memory  output")
    with tempfile.TemporaryDirectory(prefix="envlint-adversarial-") as tmp:
        for label, files in cases:
            root = Path(tmp) / "repo"
            shutil.rmtree(root, ignore_errors=True)
            root.mkdir()
            for name, data in files().items():
                (root / name).write_bytes(data)
            # a small launcher runs envlint: a child's peak memory starts at its parent's at fork
            result = subprocess.run([sys.executable, "-c", _LAUNCHER, sys.executable, "-m", "envlint", "check", "."],
                                    cwd=root, env=env, capture_output=True)
            *lines, measured = result.stderr.decode("utf-8", "replace").splitlines()
            code, seconds, kilobytes = measured.split()[1:]
            output = result.stdout.decode("utf-8", "replace").splitlines() + lines
            print(f"{label:<90} {code:>4} {float(seconds):5.2f} s {int(kilobytes) / 1024:4.0f} MB"
                  f"  {(output or [''])[0][:140]}", flush=True)
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--inputs", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--out", type=Path, default=Path("fuzz-failures"))
    parser.add_argument("--whole-every", type=int, default=50, help="every Nth input runs a whole check")
    parser.add_argument("--slow", type=float, default=5.0, help="seconds after which an input is a defect")
    parser.add_argument("--adversarial", action="store_true",
                        help="instead, time the hand-made hostile inputs (alias bombs, deep nesting, 50 MB, ...)")
    args = parser.parse_args(argv)
    if args.adversarial:
        return adversarial()

    rng = random.Random(args.seed)
    corpus = seeds()
    cases = sorted(p.parent for p in (ROOT / "tests" / "cases").glob("*/*/expected.txt"))
    cases.append(ROOT / "examples" / "supply-scout")
    defects: dict[tuple, Path] = {}
    per_target: dict[str, int] = {}
    start = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="envlint-fuzz-") as tmp:
        work = Path(tmp)
        for number in range(1, args.inputs + 1):
            whole = args.whole_every > 0 and number % args.whole_every == 0
            if whole:
                target, case = "whole", rng.choice(cases)
                root = work / f"whole-{number % 2}"
                shutil.rmtree(root, ignore_errors=True)
                shutil.copytree(case, root, ignore=shutil.ignore_patterns("expected.txt"), symlinks=True)
                files = sorted(p for p in root.rglob("*") if p.is_file() and not p.is_symlink())
                if not files:
                    continue
                victim = rng.choice(files)
                name = victim.relative_to(root).as_posix()
                data = mutate(victim.read_bytes(), rng, corpus.get(victim.name, []))
                victim.write_bytes(data)
                func = lambda r, n: whole_check(r)  # noqa: E731
            else:
                target = rng.choice(list(TARGETS))
                name, func, kinds = TARGETS[target]
                pool = [data for kind in kinds for data in corpus.get(kind, [])]
                if pool and rng.random() < 0.9:
                    data = mutate(rng.choice(pool), rng, pool)
                else:
                    data = random_input(rng)
                root = work / "one"
                shutil.rmtree(root, ignore_errors=True)
                root.mkdir()
                (root / name).write_bytes(data)
            per_target[target] = per_target.get(target, 0) + 1
            began = time.perf_counter()
            try:
                run_one(func, root, name)
                problem = None
                if time.perf_counter() - began > args.slow:
                    problem = (target, "slow", f"took {time.perf_counter() - began:.1f} s")
                    detail = problem[2]
            except BaseException as exc:  # noqa: BLE001 - any escape is the defect we look for
                if isinstance(exc, KeyboardInterrupt):
                    raise
                frames = traceback.extract_tb(exc.__traceback__)
                last = frames[-1] if frames else None
                problem = (target, type(exc).__name__, f"{last.filename}:{last.lineno}" if last else "")
                detail = traceback.format_exc()
            if problem is not None and problem not in defects:
                args.out.mkdir(parents=True, exist_ok=True)
                saved = args.out / f"{len(defects) + 1:03}-{target}-{Path(name).name}"
                saved.write_bytes(data)
                saved.with_name(saved.name + ".txt").write_text(
                    f"input {number} (seed {args.seed}), target {target}, file {name}\n{detail}\n")
                defects[problem] = saved
                print(f"DEFECT {problem}: input saved to {saved}", flush=True)
            if number % 10_000 == 0:
                print(f"{number:,} inputs, {len(defects)} defects, {time.perf_counter() - start:.0f} s", flush=True)
    elapsed = time.perf_counter() - start
    print(f"inputs run: {sum(per_target.values()):,} ({', '.join(f'{k} {v:,}' for k, v in sorted(per_target.items()))})")
    print(f"defects found: {len(defects)}")
    print(f"time: {elapsed:.1f} s (seed {args.seed})")
    return 1 if defects else 0


if __name__ == "__main__":
    sys.exit(main())

"""How long validating render.yaml against schemas/render.schema.json takes: envlint's own
validator (envlint.schemacheck) against the `jsonschema` library, on the same documents.

Run from the project root:  python benchmarks/bench_render_schema.py  [--rounds N]

The documents are every render.yaml in ../shared/corpus/render (skipped when absent) plus the
big fixture tests/cases/render/valid-big, then the render.yaml of a generated monorepo
(benchmarks/make_monorepo.py, --services N), each loaded once (YAML reading is not timed). A round
validates all of them with each validator in turn; the best round is printed, in ms, with the
ratio. Import times are printed on their own (fresh interpreters): jsonschema's is paid by every
process that uses it, which is why envlint does not.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from envlint.extract.render_schema import SCHEMA  # noqa: E402
from envlint.repo import decode  # noqa: E402
from envlint.schemacheck import validate  # noqa: E402
from envlint.yamlload import YamlError, load_yaml  # noqa: E402


def documents() -> list[object]:
    corpus = ROOT.parent / "shared" / "corpus" / "render"
    paths = sorted(corpus.glob("**/render.yaml")) if corpus.is_dir() else []
    paths.append(ROOT / "tests" / "cases" / "render" / "valid-big" / "render.yaml")
    docs = []
    for path in paths:
        try:
            docs.append(load_yaml(decode(path.read_bytes(), path.name), path.name).data)
        except YamlError:
            pass
    return docs


def best(run, rounds: int) -> float:
    times = []
    for _ in range(rounds):
        start = time.perf_counter()
        run()
        times.append(time.perf_counter() - start)
    return min(times) * 1000


def import_ms(module: str) -> float:
    """A fresh interpreter's import time of `module`, after what envlint imports anyway."""
    code = ("import dataclasses, re, time; t = time.perf_counter(); "
            f"import {module}; print((time.perf_counter() - t) * 1000)")
    with tempfile.TemporaryDirectory() as cache:  # compiled once, as for an installed package
        env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
        env["PYTHONPYCACHEPREFIX"] = cache
        runs = [float(subprocess.check_output([sys.executable, "-c", code], text=True, env=env, cwd=ROOT))
                for _ in range(6)]
    return min(runs[1:])


def monorepo(services: int) -> object:
    """The render.yaml of benchmarks/make_monorepo.py's monorepo of `services` services."""
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "mono"
        subprocess.run([sys.executable, str(ROOT / "benchmarks" / "make_monorepo.py"), str(services), str(out)],
                       check=True, capture_output=True)
        return load_yaml((out / "render.yaml").read_text(), "render.yaml").data


def compare(label: str, docs: list, rounds: int) -> None:
    import jsonschema

    oracle = jsonschema.Draft202012Validator(SCHEMA)
    ours = best(lambda: [validate(SCHEMA, d) for d in docs], rounds)
    theirs_valid = best(lambda: [oracle.is_valid(d) for d in docs], rounds)
    theirs_errors = best(lambda: [list(oracle.iter_errors(d)) for d in docs], rounds)
    print(f"{label}, best of {rounds} rounds")
    print(f"  envlint.schemacheck.validate (errors + messages): {ours:8.2f} ms")
    print(f"  jsonschema is_valid (no errors):                  {theirs_valid:8.2f} ms  {theirs_valid / ours:.2f}x ours")
    print(f"  jsonschema iter_errors (errors, no locations):    {theirs_errors:8.2f} ms  {theirs_errors / ours:.2f}x ours")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rounds", type=int, default=20)
    parser.add_argument("--services", type=int, default=1000, help="monorepo size (0: skip it)")
    args = parser.parse_args()
    docs = documents()
    compare(f"{len(docs)} Blueprints (corpus + valid-big)", docs, args.rounds)
    if args.services:
        compare(f"one render.yaml of {args.services} services (make_monorepo.py)", [monorepo(args.services)],
                max(args.rounds // 4, 3))
    print(f"import envlint.schemacheck: {import_ms('envlint.schemacheck'):6.1f} ms;  "
          f"import jsonschema: {import_ms('jsonschema'):6.1f} ms")


if __name__ == "__main__":
    main()

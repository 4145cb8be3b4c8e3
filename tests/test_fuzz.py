"""Property tests: no input makes a parser, or a whole `envlint check`, raise anything but the
errors it documents. A small budget here; `python scripts/fuzz.py` runs the same targets over
100,000+ inputs."""

import importlib.util
import random
import shutil
import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from envlint.spec import SpecError, load_spec
from envlint.yamlload import YamlError, load_yaml
from run_envlint import invoke

ROOT = Path(__file__).resolve().parents[1]
_spec = importlib.util.spec_from_file_location("envlint_fuzz", ROOT / "scripts" / "fuzz.py")
fuzz = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(fuzz)

CORPUS = fuzz.seeds()
CASES = sorted(p.parent for p in (ROOT / "tests" / "cases").glob("*/*/expected.txt")) + [ROOT / "examples" / "supply-scout"]
FAST = settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def run_target(target: str, data: bytes) -> None:
    name, parse, _ = fuzz.TARGETS[target]
    with tempfile.TemporaryDirectory() as tmp:
        (Path(tmp) / name).write_bytes(data)
        fuzz.run_one(parse, Path(tmp), name)  # raises anything but the documented errors


def pool(target: str) -> list[bytes]:
    return [data for kind in fuzz.TARGETS[target][2] for data in CORPUS.get(kind, [])] or [b""]


@pytest.mark.parametrize("target", list(fuzz.TARGETS))
@FAST
@given(data=st.binary(max_size=400))
def test_random_bytes(target, data):
    run_target(target, data)


@pytest.mark.parametrize("target", list(fuzz.TARGETS))
@FAST
@given(rng=st.randoms(use_true_random=False), pick=st.integers(min_value=0))
def test_mutated_seed_files(target, rng, pick):
    files = pool(target)
    run_target(target, fuzz.mutate(files[pick % len(files)], rng, files))


@FAST
@given(parts=st.lists(st.sampled_from(list("{}[]:,-?&*!|>'\"#\n\t ab1.~") + ["version: 1\n", "env:\n", "&a ", "*a"]),
                     max_size=100))
def test_yaml_and_spec_loaders_on_yaml_like_text(parts):
    text = "".join(parts)
    for load in (lambda: load_yaml(text, "x.yaml"), lambda: load_spec(text, "envspec.yaml")):
        try:
            load()
        except (YamlError, SpecError) as exc:
            assert "\n" not in str(exc) and str(exc)  # one line, not empty


def test_the_harness_reports_what_it_must():
    """A target that raises is reported as a defect: the properties above can fail."""
    fuzz.TARGETS["broken"] = ("x", lambda root, name: [][1], ())
    try:
        with pytest.raises(IndexError):
            run_target("broken", b"")
    finally:
        del fuzz.TARGETS["broken"]
    with pytest.raises(YamlError):
        load_yaml("a: [", "x.yaml")
    run_target("yaml", b"a: [")  # a documented error is not a defect


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(case=st.sampled_from(CASES), rng=st.randoms(use_true_random=False), pick=st.integers(min_value=0))
def test_whole_check_on_mutated_repositories(case, rng, pick):
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp) / "repo"
        shutil.copytree(case, root, ignore=shutil.ignore_patterns("expected.txt"), symlinks=True)
        files = sorted(p for p in root.rglob("*") if p.is_file() and not p.is_symlink())
        victim = files[pick % len(files)]
        victim.write_bytes(fuzz.mutate(victim.read_bytes(), rng, CORPUS.get(victim.name, [])))
        for args in ([], ["--format", "sarif"], ["--show-source"]):
            result = invoke(["check", str(root), *args])
            assert result.exit_code in (0, 1, 2), result.output
            assert "internal error" not in result.output and "Traceback" not in result.output, result.output
            if result.exit_code == 2:
                assert result.stderr.count("\n") == 1 and result.stdout == ""
        result = invoke(["env", str(root), "--format", "json"])
        assert result.exit_code in (0, 2) and "internal error" not in result.output, result.output


def test_fuzz_script_runs_and_counts(tmp_path, capsys):
    assert fuzz.main(["--inputs", "300", "--seed", str(random.randrange(1000)), "--out", str(tmp_path)]) == 0
    out = capsys.readouterr().out
    assert "inputs run: 300 " in out and "defects found: 0" in out

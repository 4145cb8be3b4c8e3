"""envlint on real Blueprints (../shared/corpus/render: render.yaml files with the Dockerfiles and
requirements beside them, copied from public repositories). They are partial copies — scripts
and app code were not copied — so missing-file findings are expected. Every repository must be
read without an error, every finding must point into it, and the findings must be exactly the
reviewed ones listed in corpus_render_expected.txt (one line each, with why it is right)."""

from pathlib import Path

import pytest

from envlint.engine import check

CORPUS = Path(__file__).resolve().parents[1].parent / "shared" / "corpus" / "render"
REPOS = sorted(p for p in CORPUS.iterdir() if p.is_dir()) if CORPUS.is_dir() else []


@pytest.mark.skipif(not REPOS, reason="../shared/corpus is absent (only the envlint team's machines have it)")
@pytest.mark.parametrize("repo", REPOS, ids=[p.name for p in REPOS])
def test_real_blueprint_is_read(repo: Path):
    for finding in check(repo):
        location = finding.location
        assert (repo / location.path).is_file(), finding
        lines = (repo / location.path).read_bytes().splitlines()
        assert 1 <= location.line <= max(len(lines), 1), finding


INVENTORY = Path(__file__).parent / "corpus_render_expected.txt"


def _inventory() -> dict[str, list[str]]:
    """The reviewed findings of each corpus repository, as `path:line:column CODE`."""
    expected: dict[str, list[str]] = {}
    for line in INVENTORY.read_text().splitlines():
        entry = line.split("#", 1)[0].strip()
        if entry:
            repo, _, finding = entry.partition("/")
            expected.setdefault(repo, []).append(finding)
    return expected


@pytest.mark.skipif(not REPOS, reason="../shared/corpus is absent (only the envlint team's machines have it)")
@pytest.mark.parametrize("repo", REPOS, ids=[p.name for p in REPOS])
def test_real_blueprint_findings_are_the_reviewed_ones(repo: Path):
    got = sorted(f"{f.location} {f.code}" for f in check(repo))
    assert got == sorted(_inventory().get(repo.name, [])), (
        "envlint's findings on this corpus repository changed: review each against the file and update "
        f"{INVENTORY.name}\n" + "\n".join(f"{f.location}: {f.code} {f.message}" for f in check(repo))
    )


@pytest.mark.skipif(not REPOS, reason="../shared/corpus is absent (only the envlint team's machines have it)")
def test_the_inventory_names_only_corpus_repositories():
    assert set(_inventory()) <= {p.name for p in REPOS}

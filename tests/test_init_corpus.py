"""`envlint init` on repositories it has never seen: the real Blueprints of ../shared/corpus/render
(partial copies of public repositories: deploy files, rarely the app's code). For each, in a copy:
init succeeds, writes a spec that loads, `check` with it runs (never a usage or input error) and
finds nothing the spec itself got wrong, no secret render.yaml writes reaches the spec, and a
second init refuses to replace it."""

import re
import shutil
from pathlib import Path

import pytest
import yaml

from envlint.spec import load_spec
from run_envlint import envlint

CORPUS = Path(__file__).resolve().parents[1].parent / "shared" / "corpus" / "render"
REPOS = sorted(p for p in CORPUS.iterdir() if p.is_dir()) if CORPUS.is_dir() else []
# the test's own idea of a secret-looking key, wider than envlint's, so that it checks envlint
SECRET_KEY = re.compile(r"KEY|SECRET|TOKEN|PASS|PRIVATE|CREDENTIAL|AUTH|DSN|SALT|SIGNING", re.I)
# findings that mean the written spec is wrong, not the repository: a service it names that does not
# exist (EL502), a Docker stage that does not (EL016), a Blueprint it did not name (EL017), a
# package it lists that nothing installs (EL104)
SPEC_MISTAKES = ("EL016", "EL017", "EL104", "EL502")


def blueprint_secrets(repo: Path) -> list[str]:
    """The literal `value:` of every secret-looking key in the repository's render.yaml files."""
    found = []
    for path in [*repo.rglob("render.yaml"), *repo.rglob("render.yml")]:
        try:
            data = yaml.safe_load(path.read_text(encoding="utf-8"))
        except (yaml.YAMLError, UnicodeDecodeError):
            continue
        stack = [data]
        while stack:
            node = stack.pop()
            if isinstance(node, dict):
                key, value = node.get("key"), node.get("value")
                if isinstance(key, str) and SECRET_KEY.search(key) and isinstance(value, (str, int)) \
                        and len(str(value)) >= 6:
                    found.append(str(value))
                stack.extend(node.values())
            elif isinstance(node, list):
                stack.extend(node)
    return found


@pytest.mark.skipif(not REPOS, reason="../shared/corpus is absent (only the envlint team's machines have it)")
@pytest.mark.parametrize("source", REPOS, ids=[p.name for p in REPOS])
def test_init_on_an_unseen_repository(source: Path, tmp_path):
    repo = tmp_path / source.name
    shutil.copytree(source, repo)
    spec_path = repo / "envspec.yaml"
    assert not spec_path.exists()

    result = envlint("init", str(repo))
    assert result.returncode == 0, result.stderr
    written = spec_path.read_bytes()
    text = written.decode("utf-8")
    load_spec(text, "envspec.yaml")

    for secret in blueprint_secrets(repo):
        assert secret not in text, f"a render.yaml secret value reached the spec ({secret[:3]}…)"
        assert secret not in result.stdout + result.stderr

    check = envlint("check", str(repo))
    assert check.returncode in (0, 1), check.stderr
    codes = {line.split()[1] for line in check.stdout.splitlines()[:-1]}
    assert not codes & set(SPEC_MISTAKES), check.stdout

    again = envlint("init", str(repo))
    assert again.returncode == 2
    assert "exists; use --force" in again.stderr
    assert spec_path.read_bytes() == written


@pytest.mark.skipif(not REPOS, reason="../shared/corpus is absent (only the envlint team's machines have it)")
def test_the_corpus_has_secrets_to_keep_out():
    """The secret check above is not vacuous: some corpus Blueprint writes a secret-looking literal."""
    assert any(blueprint_secrets(repo) for repo in REPOS)

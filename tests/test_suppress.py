"""`# envlint: ignore[CODE] reason` on the offending line or the line above, in every file kind
that takes `#` comments; unused and unknown codes are findings themselves (EL901, EL902)."""

import json
from pathlib import Path

from envlint.facts import Location
from envlint.findings import Finding, Severity
from envlint.repo import Repo
from envlint.report.source import Sources
from envlint.suppress import apply, scan
from run_envlint import envlint

ROOT = Path(__file__).resolve().parents[1]
SCHEMA = ROOT.parent / "shared" / "schemas" / "sarif-schema-2.1.0.json"



def at(code, path, line, column=1):
    return Finding(code, "n", Severity.ERROR, "m", Location(path, line, column))


def run(tmp_path, files, findings):
    for name, text in files.items():
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text(text)
    result = apply(findings, Sources(Repo(tmp_path)))
    return [f"{f.location} {f.code}" for f in result.findings], [(str(f.location), r) for f, r in result.suppressed]


def test_scan_reads_codes_columns_and_reason():
    (own, trailing, bare) = scan("Dockerfile", [
        "# envlint: ignore[EL103, EL101] pinned on purpose",
        "RUN pip install x==1  #envlint:ignore[EL103]",
        "# envlint: ignore",
    ])
    assert (own.line, own.covers, own.codes, own.reason) == (1, 2, [("EL103", 19), ("EL101", 26)], "pinned on purpose")
    assert (trailing.line, trailing.covers, trailing.codes, trailing.column) == (2, 2, [("EL103", 39)], 23)
    assert (bare.codes, bare.reason) == ([], "")


def test_suppressions_in_each_file_kind(tmp_path):
    files = {
        "Dockerfile": "FROM python:3.12\n# envlint: ignore[EL103] the SDK needs 0.5.3 here\n"
                      "RUN pip install sdk==0.5.3\n",
        "requirements.txt": "requests==2.31.0  # envlint: ignore[EL102] -- upstream pins it\n",
        "render.yaml": "services:\n  - name: web\n    envVars:\n      - key: TOKEN\n"
                       "        value: abc  # envlint: ignore[EL303]\n",
        "envspec.yaml": "version: 1\nenv:\n  # envlint: ignore[EL301] set in the dashboard\n"
                        "  API_KEY: {required: true}\n",
    }
    findings = [at("EL103", "Dockerfile", 3, 17), at("EL102", "requirements.txt", 1), at("EL303", "render.yaml", 5, 16),
                at("EL301", "envspec.yaml", 4, 3)]
    kept, suppressed = run(tmp_path, files, findings)
    assert kept == []
    assert suppressed == [
        ("Dockerfile:3:17", "the SDK needs 0.5.3 here"),
        ("requirements.txt:1:1", "upstream pins it"),
        ("render.yaml:5:16", ""),
        ("envspec.yaml:4:3", "set in the dashboard"),
    ]


def test_only_the_named_code_on_the_covered_line(tmp_path):
    files = {"Dockerfile": "FROM python:3.12\n# envlint: ignore[EL103]\nRUN pip install a==1\nRUN pip install b==1\n"}
    findings = [at("EL101", "Dockerfile", 3), at("EL103", "Dockerfile", 3), at("EL103", "Dockerfile", 4)]
    kept, _ = run(tmp_path, files, findings)
    assert kept == ["Dockerfile:3:1 EL101", "Dockerfile:4:1 EL103"]


def test_a_trailing_comment_does_not_reach_the_next_line(tmp_path):
    files = {"requirements.txt": "a==1  # envlint: ignore[EL102]\nb==1\n"}
    kept, _ = run(tmp_path, files, [at("EL102", "requirements.txt", 2)])
    assert kept == ["requirements.txt:1:25 EL901", "requirements.txt:2:1 EL102"]


def test_unused_and_unknown_codes_are_findings(tmp_path):
    # no finding at all in this file: its comments are still read, as it is a deploy file
    files = {"requirements-dev.txt": "# envlint: ignore[EL102, EL1O2]\npytest==8.0.0\n"
                                     "flask==3.0.3  # envlint: ignore\n"}
    kept, _ = run(tmp_path, files, [])
    assert kept == ["requirements-dev.txt:1:19 EL901", "requirements-dev.txt:1:26 EL902",
                    "requirements-dev.txt:3:15 EL902"]


def test_a_json_file_cannot_suppress(tmp_path):
    files = {"data.json": '{"a": 1}  # envlint: ignore[EL011]\n'}
    kept, suppressed = run(tmp_path, files, [at("EL011", "data.json", 1)])
    assert (kept, suppressed) == (["data.json:1:1 EL011"], [])


def test_meta_findings_cannot_be_suppressed_by_comments(tmp_path):
    files = {"requirements.txt": "# envlint: ignore[EL901]\na==1  # envlint: ignore[EL102]\n"}
    kept, _ = run(tmp_path, files, [])
    assert kept == ["requirements.txt:1:19 EL901", "requirements.txt:2:25 EL901"]


def test_nothing_outside_the_repository_is_read(tmp_path):
    (tmp_path / "outside.txt").write_text("# envlint: ignore[EL102]\na==1\n")
    (tmp_path / "repo").mkdir()
    kept, suppressed = run(tmp_path / "repo", {}, [at("EL102", "../outside.txt", 2)])
    assert (kept, suppressed) == (["../outside.txt:2:1 EL102"], [])


# --- through the command line --------------------------------------------------------------

REPO = {
    "requirements.txt": "requests==2.31.0  # envlint: ignore[EL102] the dev file follows upstream\n",
    "requirements-dev.txt": "Requests==2.32.3\n# envlint: ignore[EL103]\npytest==8.0.0\n",
}


def make(tmp_path):
    for name, text in REPO.items():
        (tmp_path / name).write_text(text)
    return tmp_path


def test_check_applies_suppressions_and_reports_unused_ones(tmp_path):
    result = envlint("check", str(make(tmp_path)))
    assert result.returncode == 1
    assert result.stdout.splitlines() == [
        "requirements-dev.txt:1:1: EL102 requests is pinned to 2.32.3 here but to 2.31.0 at requirements.txt:1",
        "requirements-dev.txt:2:19: EL901 EL103 is not reported on line 3; remove it from the suppression",
        "Found 1 error, 1 warning.",
    ]
    quiet = envlint("check", str(tmp_path), "--ignore", "EL901")
    assert quiet.stdout.splitlines()[-1] == "Found 1 error."


def test_sarif_keeps_suppressed_findings_as_suppressed(tmp_path):
    result = envlint("check", str(make(tmp_path)), "--format", "sarif")
    results = json.loads(result.stdout)["runs"][0]["results"]
    suppressed = [r for r in results if "suppressions" in r]
    assert len(suppressed) == 1
    assert suppressed[0]["ruleId"] == "EL102"
    assert suppressed[0]["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] == "requirements.txt"
    assert suppressed[0]["suppressions"] == [{"kind": "inSource", "justification": "the dev file follows upstream"}]
    if SCHEMA.is_file():
        import jsonschema

        schema = json.loads(SCHEMA.read_text())
        jsonschema.validators.validator_for(schema)(schema).validate(json.loads(result.stdout))

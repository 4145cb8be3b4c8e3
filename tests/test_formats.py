"""Every output format against what its consumer accepts: SARIF against the OASIS schema, GitHub
annotations through the runner's own parsing rules, GitLab Code Quality against the fields
GitLab's parser requires; and the text format to the character."""

import json
import shutil
from pathlib import Path

import pytest

from envlint.cli import _colour
from envlint.facts import Location
from envlint.findings import Finding, Severity
from envlint.repo import Repo
from envlint.report import Context, reporter
from envlint.report.github import escape_data, escape_property
from envlint.report.source import Sources, masked
from run_envlint import envlint

try:
    from hypothesis import given
    from hypothesis import strategies as st
except ImportError:  # the test extra installs it
    given = None

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE = ROOT / "examples" / "supply-scout"
SARIF_SCHEMA = ROOT.parent / "shared" / "schemas" / "sarif-schema-2.1.0.json"
SECRET = "ark-7d2e91c04b5a4f3e8a61c2d9f0b7e354"  # the example's render.yaml literal



@pytest.fixture
def repo(tmp_path):
    """The example as a repository of its own (a .git directory marks the root)."""
    target = tmp_path / "repo"
    shutil.copytree(EXAMPLE, target)
    (target / ".git").mkdir()
    return target


def render(name, findings, files, tmp_path, **context):
    for path, text in files.items():
        (tmp_path / path).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / path).write_text(text)
    out = __import__("io").StringIO()
    reporter(name)(findings, out, Context(sources=Sources(Repo(tmp_path)), **context))
    return out.getvalue()


def finding(code, severity, message, path, *span, name="some-rule"):
    return Finding(code, name, severity, message, Location(path, *span))


# --- SARIF -----------------------------------------------------------------------------------

def sarif_of(repo, *args):
    result = envlint("check", str(repo), "--format", "sarif", *args)
    assert result.returncode == 1, result.stderr
    return json.loads(result.stdout)


def test_sarif_validates_against_the_oasis_schema(repo):
    if not SARIF_SCHEMA.is_file():
        pytest.skip(f"{SARIF_SCHEMA} is absent (it lives in ../shared, beside the project)")
    import jsonschema

    schema = json.loads(SARIF_SCHEMA.read_text())
    validator = jsonschema.validators.validator_for(schema)(schema)
    errors = [f"{list(e.absolute_path)}: {e.message}" for e in validator.iter_errors(sarif_of(repo))]
    assert errors == []
    # and the schema does reject what it should, so the check above can fail
    broken = sarif_of(repo)
    broken["runs"][0]["results"][0]["level"] = "fatal"
    assert not validator.is_valid(broken)


def test_sarif_results_and_rules(repo):
    run = sarif_of(repo)["runs"][0]
    rules = run["tool"]["driver"]["rules"]
    assert [r["id"] for r in rules] == ["EL101", "EL103", "EL201", "EL202", "EL203", "EL301", "EL302"]
    el103 = next(r for r in rules if r["id"] == "EL103")
    assert el103["name"] == "pin-overridden"
    assert el103["shortDescription"]["text"] == (
        "A later install in the same build that replaces a version an earlier install pinned.")
    assert el103["fullDescription"]["text"].startswith("Follows each build's install commands in order")
    assert "Why is this bad? pip does not resolve across commands" in el103["help"]["text"]
    assert "## Use instead" in el103["help"]["markdown"]
    assert el103["defaultConfiguration"] == {"level": "error"}
    for rule in rules:  # GitHub: non-empty texts, descriptions at most 1024 characters
        assert all(rule[key]["text"] for key in ("shortDescription", "fullDescription", "help"))
        assert len(rule["shortDescription"]["text"]) <= 1024 and len(rule["fullDescription"]["text"]) <= 1024

    result = next(r for r in run["results"] if r["ruleId"] == "EL103")
    assert rules[result["ruleIndex"]]["id"] == "EL103"
    assert result["level"] == "error"
    assert result["locations"] == [{"physicalLocation": {
        "artifactLocation": {"uri": "Dockerfile", "uriBaseId": "%SRCROOT%"},
        "region": {"startLine": 8, "startColumn": 32, "endLine": 8, "endColumn": 58},
    }}]
    warning = next(r for r in run["results"] if r["ruleId"] == "EL203")
    assert warning["level"] == "warning"
    assert run["originalUriBaseIds"] == {"%SRCROOT%": {"uri": repo.resolve().as_uri() + "/"}}
    assert run["columnKind"] == "unicodeCodePoints"
    assert all(set(r["partialFingerprints"]) == {"envlint/v1"} for r in run["results"])


def test_sarif_paths_are_relative_to_the_repository_root(tmp_path):
    (tmp_path / ".git").mkdir()
    shutil.copytree(EXAMPLE, tmp_path / "services" / "scout")
    run = sarif_of(tmp_path / "services" / "scout")["runs"][0]
    uris = {r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] for r in run["results"]}
    assert "services/scout/Dockerfile" in uris and "services/scout/render.yaml" in uris
    assert run["originalUriBaseIds"]["%SRCROOT%"]["uri"] == tmp_path.resolve().as_uri() + "/"


def fingerprints(run):
    return {
        (r["ruleId"], r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]):
            r["partialFingerprints"]["envlint/v1"]
        for r in run["results"]
    }


def test_sarif_fingerprints_are_unique_and_survive_unrelated_edits(repo):
    before = fingerprints(sarif_of(repo)["runs"][0])
    assert len(set(before.values())) == len(before) == 7
    for name in ("Dockerfile", "render.yaml", "envspec.yaml", "app.py"):
        path = repo / name
        path.write_text("# a comment that moves every line down\n\n" + path.read_text())
    moved = sarif_of(repo)["runs"][0]
    assert fingerprints(moved) == before
    el103 = next(r for r in moved["results"] if r["ruleId"] == "EL103")
    assert el103["locations"][0]["physicalLocation"]["region"]["startLine"] == 10


def test_sarif_region_without_an_end_runs_to_the_end_of_the_line(tmp_path):
    out = render("sarif", [finding("EL204", Severity.ERROR, "m", "Dockerfile", 2, 5)],
                 {"Dockerfile": "FROM python:3.12\nCMD [\"x\", \"$PORT\"]\n"}, tmp_path)
    region = json.loads(out)["runs"][0]["results"][0]["locations"][0]["physicalLocation"]["region"]
    assert region == {"startLine": 2, "startColumn": 5, "endLine": 2, "endColumn": 19}


# --- GitHub annotations ------------------------------------------------------------------------

def runner_parse(line):
    """What the Actions runner makes of a line: actions/runner src/Runner.Common/ActionCommand.cs,
    TryParseV2 (split the properties on `,`, each on the first `=`, data after the second `::`)
    and its unescaping, applied in the order the runner lists its mappings."""
    data_map = [("%0D", "\r"), ("%0A", "\n"), ("%25", "%")]
    property_map = [("%0D", "\r"), ("%0A", "\n"), ("%3A", ":"), ("%2C", ","), ("%25", "%")]

    def unescape(text, mapping):
        for escaped, plain in mapping:
            text = text.replace(escaped, plain)
        return text

    assert line.startswith("::")
    end = line.index("::", 2)
    command, _, properties = line[2:end].partition(" ")
    props = {}
    for item in properties.strip().split(","):
        key, _, value = item.partition("=")
        if key and value:
            props[key] = unescape(value, property_map)
    return command, props, unescape(line[end + 2:], data_map)


def test_github_escapes_data_and_properties(tmp_path):
    weird = finding("EL303", Severity.WARNING, "50% of\r\nthe value: a,b %0A", "we,ird:dir/Dockerfile", 3, 5, 3, 9,
                    name="secret-like-literal")
    out = render("github", [weird], {}, tmp_path)
    assert out == (
        "::warning file=we%2Cird%3Adir/Dockerfile,line=3,endLine=3,col=5,endColumn=9,"
        "title=envlint EL303 (secret-like-literal)"
        "::we,ird:dir/Dockerfile:3:5: EL303 50%25 of%0D%0Athe value: a,b %250A\n"
    )
    command, props, data = runner_parse(out.rstrip("\n"))
    assert command == "warning"
    assert props == {"file": "we,ird:dir/Dockerfile", "line": "3", "endLine": "3", "col": "5", "endColumn": "9",
                     "title": "envlint EL303 (secret-like-literal)"}
    assert data == "we,ird:dir/Dockerfile:3:5: EL303 50% of\r\nthe value: a,b %0A"


def test_github_sends_no_columns_for_a_multi_line_span_and_maps_severities(tmp_path):
    findings = [
        finding("EL004", Severity.ERROR, "bad", "render.yaml", 7, 5, 9, 2),
        finding("EL008", Severity.INFO, "note", "requirements.txt", 1, 1, 1, 4),
    ]
    lines = render("github", findings, {}, tmp_path, prefix="svc").splitlines()
    assert lines == [
        "::error file=svc/render.yaml,line=7,endLine=9,title=envlint EL004 (some-rule)::svc/render.yaml:7:5: EL004 bad",
        "::notice file=svc/requirements.txt,line=1,endLine=1,col=1,endColumn=4,title=envlint EL008 (some-rule)"
        "::svc/requirements.txt:1:1: EL008 note",
    ]


@pytest.mark.skipif(given is None, reason="hypothesis is not installed (pip install '.[test]')")
def test_github_escaping_round_trips_through_the_runner():
    @given(st.text(), st.text())
    def round_trip(path, message):
        line = f"::error file={escape_property(path)},line=1::{escape_data(message)}"
        assert "\n" not in line and "\r" not in line
        _, props, data = runner_parse(line)
        assert props.get("file", "") == path and props["line"] == "1"
        assert data == message

    round_trip()


def test_github_format_is_chosen_on_github_actions(repo):
    auto = envlint("check", str(repo), GITHUB_ACTIONS="true")
    assert auto.returncode == 1
    assert auto.stdout.splitlines()[0].startswith("::error file=Dockerfile,line=8,endLine=8,col=32,endColumn=58,")
    assert all(line.startswith("::") for line in auto.stdout.splitlines())
    explicit = envlint("check", str(repo), "--format", "text", GITHUB_ACTIONS="true")
    assert explicit.stdout.startswith("Dockerfile:8:32: EL101 ")


# --- GitLab Code Quality ------------------------------------------------------------------------

# Written from GitLab's documentation (doc/ci/testing/code_quality.md: the fields, the five
# severities, a relative path) and the schema its parser checks each issue against
# (app/validators/json_schemas/codeclimate.json: description, fingerprint, severity, location).
GITLAB_ISSUE = {
    "type": "object",
    "required": ["description", "check_name", "fingerprint", "severity", "location"],
    "properties": {
        "description": {"type": "string", "minLength": 1},
        "check_name": {"type": "string", "minLength": 1},
        "fingerprint": {"type": "string", "minLength": 1},
        "severity": {"enum": ["info", "minor", "major", "critical", "blocker"]},
        "location": {
            "type": "object",
            "required": ["path", "lines"],
            "properties": {
                "path": {"type": "string", "pattern": "^[^/]"},
                "lines": {"type": "object", "required": ["begin"],
                          "properties": {"begin": {"type": "integer", "minimum": 1}}},
            },
        },
    },
}


def gitlab_of(repo):
    result = envlint("check", str(repo), "--format", "gitlab")
    assert result.returncode == 1, result.stderr
    assert not result.stdout.startswith("\ufeff")
    return json.loads(result.stdout)


def test_gitlab_report_has_the_fields_gitlab_reads(repo):
    import jsonschema

    issues = gitlab_of(repo)
    jsonschema.validate(issues, {"type": "array", "minItems": 1, "items": GITLAB_ISSUE})
    el203 = next(i for i in issues if i["check_name"] == "EL203")
    assert el203["severity"] == "minor"
    assert el203["location"] == {"path": "Dockerfile", "lines": {"begin": 11, "end": 11}}
    assert el203["description"].startswith("EL203 ENV PORT=5000 is replaced at run time")
    assert {i["severity"] for i in issues} == {"major", "minor"}


def test_gitlab_fingerprints_are_unique_and_stable(repo):
    before = {(i["check_name"], i["location"]["path"]): i["fingerprint"] for i in gitlab_of(repo)}
    assert len(set(before.values())) == len(before) == 7
    dockerfile = repo / "Dockerfile"
    dockerfile.write_text("# moved\n" + dockerfile.read_text())
    after = {(i["check_name"], i["location"]["path"]): i["fingerprint"] for i in gitlab_of(repo)}
    assert after == before


def test_identical_lines_still_get_distinct_fingerprints(tmp_path):
    line = "RUN pip install flask==2.0\n"
    findings = [finding("EL103", Severity.ERROR, "m", "Dockerfile", n, 17, n, 27) for n in (2, 3)]
    issues = json.loads(render("gitlab", findings, {"Dockerfile": "FROM python\n" + line + line}, tmp_path))
    assert issues[0]["fingerprint"] != issues[1]["fingerprint"]


# --- text -----------------------------------------------------------------------------------

FILES = {
    "Dockerfile": "FROM python:3.12-slim\n\tRUN pip install flask==2.0\nENV API_KEY=sk-live-0123456789abcdef\n",
    "render.yaml": "services:\n  - name: web\n    envVars:\n      - key: APP_NAME\n        value: shop\n",
}
TEXT_FINDINGS = [
    finding("EL103", Severity.ERROR, "replaces flask==3.0", "Dockerfile", 2, 18, 2, 28),
    finding("EL303", Severity.WARNING, "API_KEY is 'sk-…' (24 characters)", "Dockerfile", 3, 13, 3, 37),
    finding("EL203", Severity.WARNING, "odd", "render.yaml", 5, 16, 5, 20),
    finding("EL008", Severity.INFO, "no end", "render.yaml", 2, 5),
]


def test_text_output(tmp_path):
    assert render("text", TEXT_FINDINGS, FILES, tmp_path) == (
        "Dockerfile:2:18: EL103 replaces flask==3.0\n"
        "Dockerfile:3:13: EL303 API_KEY is 'sk-…' (24 characters)\n"
        "render.yaml:5:16: EL203 odd\n"
        "render.yaml:2:5: EL008 no end\n"
        "Found 1 error, 2 warnings, 1 note.\n"
    )
    assert render("text", [], {}, tmp_path) == "All checks passed!\n"


def test_text_show_source_with_carets_and_masked_secrets(tmp_path):
    out = render("text", TEXT_FINDINGS, FILES, tmp_path, show_source=True)
    assert out == (
        "Dockerfile:2:18: EL103 replaces flask==3.0\n"
        "2 | \tRUN pip install flask==2.0\n"
        "  | \t                ^^^^^^^^^^\n"
        "\n"
        "Dockerfile:3:13: EL303 API_KEY is 'sk-…' (24 characters)\n"
        "3 | ENV API_KEY=************************\n"
        "  |             ^^^^^^^^^^^^^^^^^^^^^^^^\n"
        "\n"
        "render.yaml:5:16: EL203 odd\n"
        "5 |         value: shop\n"
        "  |                ^^^^\n"
        "\n"
        "render.yaml:2:5: EL008 no end\n"
        "2 |   - name: web\n"
        "  |     ^\n"
        "\n"
        "Found 1 error, 2 warnings, 1 note.\n"
    )


def test_text_statistics(tmp_path):
    findings = TEXT_FINDINGS + [finding("EL303", Severity.WARNING, "again", "Dockerfile", 3, 5)]
    out = render("text", findings, FILES, tmp_path, statistics=True)
    assert out == (
        "2  EL303  some-rule\n"
        "1  EL008  some-rule\n"
        "1  EL103  some-rule\n"
        "1  EL203  some-rule\n"
        "Found 1 error, 3 warnings, 1 note.\n"
    )


def test_text_colour(tmp_path):
    out = render("text", TEXT_FINDINGS[:1], FILES, tmp_path, color=True, show_source=True)
    assert out.splitlines()[0] == "\x1b[1mDockerfile:2:18\x1b[0m: \x1b[1m\x1b[31mEL103\x1b[0m replaces flask==3.0"
    assert out.splitlines()[2] == "  | \t                \x1b[31m^^^^^^^^^^\x1b[0m"
    assert out.splitlines()[-1] == "\x1b[1mFound 1 error.\x1b[0m"


class Stream:
    def __init__(self, tty):
        self.tty = tty

    def isatty(self):
        return self.tty


@pytest.mark.parametrize("choice, env, tty, expected", [
    ("auto", {}, True, True),
    ("auto", {}, False, False),
    ("auto", {"NO_COLOR": "1"}, True, False),
    ("auto", {"NO_COLOR": ""}, True, True),  # present but empty: no effect (no-color.org)
    ("auto", {"FORCE_COLOR": "0"}, False, True),  # any non-empty value forces (force-color.org)
    ("auto", {"NO_COLOR": "1", "FORCE_COLOR": "1"}, True, False),
    ("auto", {"TERM": "dumb"}, True, False),
    ("always", {"NO_COLOR": "1"}, False, True),
    ("never", {"FORCE_COLOR": "1"}, True, False),
])
def test_colour_choice(monkeypatch, choice, env, tty, expected):
    for name in ("NO_COLOR", "FORCE_COLOR", "TERM"):
        monkeypatch.delenv(name, raising=False)
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    assert _colour(choice, Stream(tty)) is expected


def test_colour_only_when_asked_through_a_pipe(repo):
    assert "\x1b[" not in envlint("check", str(repo)).stdout
    assert "\x1b[31m" in envlint("check", str(repo), FORCE_COLOR="1").stdout
    assert "\x1b[" not in envlint("check", str(repo), FORCE_COLOR="1", NO_COLOR="1").stdout
    assert "\x1b[" not in envlint("check", str(repo), "--format", "json", FORCE_COLOR="1").stdout


# --- secrets in source lines --------------------------------------------------------------------

@pytest.mark.parametrize("lines, number, expected", [
    (["ENV OPENAI_API_KEY=sk-proj-4Xq9tLm2 \\"], 1, "ENV OPENAI_API_KEY=**************** *"),
    (["ENV API_KEY sk-live-abc"], 1, "ENV API_KEY ***********"),
    (["    export TOKEN=abc123 && run"], 1, "    export TOKEN=****** ** ***"),
    (["--extra-index-url https://deploy:s3cr3t@pypi.example/simple"], 1,
     "--extra-index-url https://*************@pypi.example/simple"),
    (["      - key: GITHUB_TOKEN", "        value: ghp_8f2KcLq0"], 2, "        value: ************"),
    (["      - key: APP_NAME", "        value: shop"], 2, "        value: shop"),
    (["      - value: hunter2", "        key: DB_PASSWORD"], 1, "      - value: *******"),
    # the owner is the key of the same list item, not a plain neighbour above or below
    (["      - key: APP_NAME", "        value: shop", "      - key: ARK_API_KEY", "        value: ark-7d2e91"], 4,
     "        value: **********"),
    (["      - key: ARK_API_KEY", "        value: ark-7d2e91", "      - key: APP_NAME", "        value: shop"], 2,
     "        value: **********"),
    (["      - value: ark-7d2e91", "        key: ARK_API_KEY", "      - key: APP_NAME"], 1,
     "      - value: **********"),
    (["value: whose-key-nobody-knows"], 1, "value: **********************"),
    (["env:", "  LOG_LEVEL:", "    default: info"], 3, "    default: info"),
    (["env:", "  STRIPE_SECRET:", "    default: sk_test_123"], 3, "    default: ***********"),
    (["  ARK_API_KEY: {secret: true, default: sk-abc}"], 1, "  ARK_API_KEY: {secret: true, default: ******}"),
    (["app.run(host=\"0.0.0.0\", port=8000)"], 1, "app.run(host=\"0.0.0.0\", port=8000)"),
])
def test_source_lines_mask_what_may_be_a_secret(lines, number, expected):
    assert masked(lines, number) == expected


def test_no_format_prints_the_example_secret(repo):
    for args in (["--show-source"], ["--format", "json"], ["--format", "sarif"], ["--format", "github"],
                 ["--format", "gitlab"], ["--statistics"]):
        result = envlint("check", str(repo), *args)
        assert result.returncode == 1
        assert SECRET[4:12] not in result.stdout + result.stderr, args
    shown = envlint("check", str(repo), "--show-source").stdout
    assert "10 |         value: " + "*" * len(SECRET) + "\n" in shown

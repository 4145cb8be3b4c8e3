import json
from pathlib import Path

import pytest

from envlint.spec import SpecError, load_spec, schema_text

ROOT = Path(__file__).resolve().parents[1]

FULL = """\
version: 1
service: ecommerce-supply-scout-1
python: 3.10
port: 5000
bind: 0.0.0.0
packages:
  - coze-coding-dev-sdk==0.5.5
env:
  COZE_WORKLOAD_IDENTITY_API_KEY: {required: true, secret: true, description: Coze platform API key}
  COZE_WORKSPACE_PATH: {required: true, default: /workspace/projects}
  ARK_API_KEY: {secret: true}
  MODE: {default: off}
  WORKERS: {default: 4}
"""


def test_full_spec_reads_every_key():
    spec = load_spec(FULL, "envspec.yaml")
    assert spec.service == "ecommerce-supply-scout-1"
    assert spec.python == "3.10"  # never 3.1
    assert (spec.port, spec.bind) == (5000, "0.0.0.0")
    key = spec.env["COZE_WORKLOAD_IDENTITY_API_KEY"]
    assert key.required and key.secret and key.description == "Coze platform API key"
    assert spec.env["COZE_WORKSPACE_PATH"].default == "/workspace/projects"
    assert not spec.env["ARK_API_KEY"].required
    assert spec.env["MODE"].default == "off"  # YAML 1.1 would make this False
    assert spec.env["WORKERS"].default == "4"
    (requirement,) = spec.requirements()
    assert (requirement.name, requirement.specifier, str(requirement.location)) == (
        "coze-coding-dev-sdk", "==0.5.5", "envspec.yaml:7:5"
    )
    assert str(spec.where("env", "ARK_API_KEY")) == "envspec.yaml:11:3"


@pytest.mark.parametrize(
    "text, where, message",
    [
        ("version: 1\nenv:\n  A: {requird: true}\n", "envspec.yaml:3:7", "unknown key 'env.A.requird'; did you mean 'required'?"),
        ("version: 1\nports: 5000\n", "envspec.yaml:2:1", "unknown key 'ports'; did you mean 'port'?"),
        ("version: 1\nport: '5000'\n", "envspec.yaml:2:1", "port: Input should be a valid integer, got '5000'"),
        ("version: 1\nport: 70000\n", "envspec.yaml:2:1", "port: Input should be less than or equal to 65535, got 70000"),
        ("version: 2\n", "envspec.yaml:1:1", "version: Input should be 1, got 2"),
        ("env: {}\n", "envspec.yaml:1:1", "missing required key 'version'"),
        ("version: 1\nenv:\n  A: {required: yes}\n", "envspec.yaml:3:7", "env.A.required: Input should be a valid boolean (write true or false)"),
        ("version: 1\npackages:\n  - flask==3\n  - sdk=1\n", "envspec.yaml:4:5", "packages.1: 'sdk=1' is not a PEP 508 requirement"),
        ("version: 1\npackages: [a==1, A==2]\n", "envspec.yaml:2:1", "packages: a is listed twice"),
        ("version: 1\npython: 3\n", "envspec.yaml:2:1", 'python: expected a version like "3.12" or "3.12.4", got \'3\''),
        ("version: 1\nbind: lclhost\n", "envspec.yaml:2:1", "bind: 'lclhost' is not an IP address (e.g. 0.0.0.0), got 'lclhost'"),
        ("version: 1\nenv:\n  1A: {}\n", "envspec.yaml:3:3", "'1A' is not a valid environment variable name"),
        ("version: 1\nversion: 1\n", "envspec.yaml:2:1", "duplicate key 'version' (first set at line 1)"),
        ("- version\n", "envspec.yaml:1:1", "the spec must be a mapping"),
        ("version: 1\nenv: {A: [\n", "envspec.yaml:3:1", "YAML syntax error"),
        ("version: 1\nservices:\n  api: {prot: 80}\n", "envspec.yaml:3:9", "unknown key 'services.api.prot'; did you mean 'port'?"),
        ("version: 1\nservices:\n  api: {version: 1}\n", "envspec.yaml:3:9", "allowed here: python, port, bind, packages, env"),
        ("version: 1\nservices:\n  api:\n    env: {B: {secrt: true}}\n", "envspec.yaml:4:15", "did you mean 'secret'?"),
        ("version: 1\nservices:\n  api:\n    python: 3\n", "envspec.yaml:4:5", "services.api.python: expected a version"),
        ("version: 1\nservice: api\nservices: {api: {}}\n", "envspec.yaml:1:1", "use `service` (one service) or `services`"),
    ],
)
def test_spec_errors_name_line_and_key(text, where, message):
    with pytest.raises(SpecError) as info:
        load_spec(text, "envspec.yaml")
    assert str(info.value.location) == where
    assert message in info.value.message


def test_services_entry_merges_over_the_top_level_and_points_at_its_own_keys():
    text = (
        "version: 1\nport: 5000\nbind: 0.0.0.0\npackages: [flask==3.0.3, redis==5.0.8]\n"
        "env:\n  A: {required: true}\n  B: {secret: true}\n"
        "services:\n  api:\n    port: 8000\n    packages: [flask==3.1.0]\n    env:\n      B: {required: true}\n"
    )
    api = load_spec(text, "envspec.yaml").for_service("api")
    assert (api.service, api.port, api.bind) == ("api", 8000, "0.0.0.0")
    assert str(api.where("port")) == "envspec.yaml:10:5"
    assert str(api.where("bind")) == "envspec.yaml:3:1"
    assert {name: (var.required, var.secret) for name, var in api.env.items()} == {"A": (True, False), "B": (True, False)}
    assert str(api.where("env", "A")) == "envspec.yaml:6:3"
    assert str(api.where("env", "B")) == "envspec.yaml:13:7"
    assert [(r.text, str(r.location)) for r in api.requirements()] == [
        ("redis==5.0.8", "envspec.yaml:4:26"),
        ("flask==3.1.0", "envspec.yaml:11:16"),
    ]


def test_committed_schema_matches_the_models():
    committed = (ROOT / "schemas" / "envspec.schema.json").read_text()
    assert committed == schema_text(), "regenerate: python -m envlint.spec > schemas/envspec.schema.json"


def test_schema_accepts_the_example_and_rejects_unknown_keys():
    jsonschema = pytest.importorskip("jsonschema")
    import yaml

    schema = json.loads(schema_text())
    example = yaml.safe_load((ROOT / "envspec.example.yaml").read_text())
    jsonschema.validate(example, schema)
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate({**example, "ports": 1}, schema)


def test_example_spec_loads():
    from envlint.specmodel import EnvVarSpec, Spec

    spec = load_spec((ROOT / "envspec.example.yaml").read_text(), "envspec.example.yaml")
    assert spec.fields_set == set(Spec.model_fields) - {"services"}, "the example must show every key"
    shown = set().union(*(var.fields_set for var in spec.env.values()))
    assert shown == set(EnvVarSpec.model_fields), "the example must show every env key"


def test_example_services_block_is_valid_once_uncommented():
    """`services` excludes `service`, so the example shows it commented out; uncommented (and
    with `service:` removed) it must still load."""
    lines = (ROOT / "envspec.example.yaml").read_text().splitlines()
    start = lines.index("# services:")
    end = lines.index("", start)
    block = [line[2:] for line in lines[start:end]]
    rest = [line for line in lines[:start] + lines[end:] if not line.startswith("service:")]
    spec = load_spec("\n".join(rest + block) + "\n", "envspec.example.yaml")
    assert list(spec.services) == ["ecommerce-supply-scout-1", "supply-scout-worker"]
    assert spec.services["supply-scout-worker"].env["QUEUE_URL"].required is True


# --- the plain reading (envlint.spec) against the models (envlint.specmodel) ----------------------


def test_plain_classes_have_the_models_fields_and_defaults():
    from envlint import record
    from envlint import spec as plain
    from envlint import specmodel

    for ours, model in ((plain.EnvVarSpec, specmodel.EnvVarSpec), (plain.ServiceSpec, specmodel.ServiceSpec),
                        (plain.Spec, specmodel.Spec)):
        fields = [f for f in record.fields(ours) if f.init and f.name != "fields_set"]
        assert [f.name for f in fields] == list(model.model_fields), ours.__name__
        for f in fields:
            default = f.default_factory() if f.default_factory is not record.MISSING else f.default
            expected = model.model_fields[f.name].get_default(call_default_factory=True)
            if f.name != "version":  # required in the file; the plain class needs some default
                assert default == expected, (ours.__name__, f.name)
    assert plain._SPEC_KEYS == set(specmodel.Spec.model_fields)
    assert plain._SERVICE_KEYS == set(specmodel.ServiceSpec.model_fields)
    assert plain._ENV_KEYS == set(specmodel.EnvVarSpec.model_fields)


def _variants():
    """Documents around the spec's edges: every key given values of every YAML type, at the top
    level, in a `services:` entry and in an env variable."""
    from envlint.yamlload import YamlFloat

    values = [
        None, True, False, 0, 1, 2, 5000, 65535, 65536, -1, "", "x", "1", "3", "3.12", "3.12.4", "3.12.4.1", "3.x",
        "3.12\n", "0.0.0.0", "[::1]", "::1", "localhost", "lclhost", "10.0.0.256", YamlFloat("3.10"), YamlFloat("1.5"),
        YamlFloat(".inf"), [], ["flask==3"], ["flask==3", "Flask==4"], ["sdk=1"], ["x; python_version<'3'"], [1],
        ["a[b]>=1,<2"], ["name @ https://example.com/x.whl"], {}, {"A": {}}, {"1A": {}}, {"A\n": {}}, {"A": None},
        {"A": {"required": True, "secret": False, "default": YamlFloat("3.10"), "description": "d"}},
        {"A": {"default": 4}}, {"A": {"default": True}}, {"A": {"description": 4}}, {"A": {"requird": True}},
        {"api": {}}, {"api": {"port": 80}}, {"api": {"prot": 80}}, {"api": {"version": 1}}, {1: {}}, {"api": None},
        {"api": {"packages": ["flask==3"], "env": {"B": {"required": True}}}},
    ]
    base = {"version": 1, "port": 5000, "packages": ["flask==3.0.3"], "env": {"A": {"required": True}}}
    yield base
    for key in ["version", "service", "services", "python", "port", "bind", "packages", "env", "other"]:
        for value in values:
            yield {**base, key: value}
            if key not in ("version", "service", "services"):
                yield {**base, "services": {"api": {key: value}}}
        yield {k: v for k, v in base.items() if k != key}
    for key in ["required", "secret", "default", "description", "other"]:
        for value in values:
            yield {**base, "env": {"A": {key: value}}}
            yield {**base, "services": {"api": {"env": {"A": {key: value}}}}}
    yield {**base, "service": "api", "services": {"api": {}}}
    yield {**base, "service": "api", "services": {}}


def test_plain_reading_accepts_only_what_the_models_accept_and_reads_it_alike():
    """`envlint.spec._valid` must never accept what the models reject, and what it accepts it
    must read as the models do. (It may send a valid document to the models: that is only slower.)"""
    from pydantic import ValidationError

    from envlint import spec as plain
    from envlint import specmodel

    accepted = rejected = 0
    for data in _variants():
        try:
            model = specmodel.Spec.model_validate(data)
        except ValidationError:
            assert not plain._valid(data), data
            rejected += 1
            continue
        dumped = model.model_dump(exclude_unset=True)
        if plain._valid(data):
            accepted += 1
            ours, theirs = plain._build(data), plain._build(dumped)
            assert ours == theirs, data
            assert ours.fields_set == model.model_fields_set, data
            assert [v.fields_set for v in ours.env.values()] == [v.model_fields_set for v in model.env.values()]
            assert {n: e.fields_set for n, e in ours.services.items()} == {
                n: e.model_fields_set for n, e in model.services.items()
            }
    assert accepted > 100 and rejected > 100, (accepted, rejected)


def test_a_valid_spec_is_read_without_pydantic():
    import subprocess
    import sys

    code = (
        "import sys; from envlint.spec import load_spec; "
        f"load_spec(open({str(ROOT / 'envspec.example.yaml')!r}).read(), 'envspec.yaml'); "
        "print('pydantic' in sys.modules)"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, check=True)
    assert result.stdout.strip() == "False"

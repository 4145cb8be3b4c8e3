"""The Render Blueprint schema (envlint/extract/render_schema.py, committed as
schemas/render.schema.json) and the validator that applies it at run time (envlint/schemacheck.py),
held to the `jsonschema` library as an oracle: our validator calls a document valid exactly when
jsonschema does. The messages are checked separately, against wording written here."""

from __future__ import annotations

import codecs
import copy
import json
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from envlint.extract.render import parse_render
from envlint.extract.render_schema import SCHEMA, schema_text
from envlint.repo import Repo, decode
from envlint.schemacheck import SUPPORTED, is_valid, validate
from envlint.yamlload import load_yaml

jsonschema = pytest.importorskip("jsonschema")

ROOT = Path(__file__).resolve().parents[1]
CORPUS = ROOT.parent / "shared" / "corpus" / "render"
BLUEPRINTS = sorted(CORPUS.glob("**/render.yaml")) if CORPUS.is_dir() else []
NO_CORPUS = "../shared/corpus/render is absent (only the envlint team's machines have it)"
BIG = ROOT / "tests" / "cases" / "render" / "valid-big" / "render.yaml"
ORACLE = jsonschema.Draft202012Validator(SCHEMA)


def load(path: Path) -> object:
    return load_yaml(decode(path.read_bytes(), path.name), path.name).data


def test_committed_schema_is_the_generated_one():
    committed = (ROOT / "schemas" / "render.schema.json").read_text()
    assert committed == schema_text(), "regenerate: python -m envlint.extract.render_schema > schemas/render.schema.json"


def test_schema_is_a_valid_2020_12_schema():
    jsonschema.Draft202012Validator.check_schema(json.loads(schema_text()))


def _keywords(schema: object) -> set[str]:
    """The keywords a schema uses, skipping what is data (property names, enum values, hints)."""
    if not isinstance(schema, dict):
        return set()
    found = set(schema)
    for keyword, value in schema.items():
        if keyword in ("properties", "$defs"):
            found |= {k for sub in value.values() for k in _keywords(sub)}
        elif keyword in ("items", "additionalProperties", "not", "if", "then", "else"):
            found |= _keywords(value)
        elif keyword in ("allOf", "anyOf", "oneOf"):
            found |= {k for sub in value for k in _keywords(sub)}
    return found


def test_schema_uses_only_keywords_the_validator_implements():
    assert _keywords(SCHEMA) <= SUPPORTED, _keywords(SCHEMA) - SUPPORTED


def test_the_big_fixture_is_valid_for_both():
    data = load(BIG)
    assert ORACLE.is_valid(data)
    assert validate(SCHEMA, data) == []


@pytest.mark.skipif(not BLUEPRINTS, reason=NO_CORPUS)
@pytest.mark.parametrize("path", BLUEPRINTS, ids=[str(p.relative_to(CORPUS)) for p in BLUEPRINTS])
def test_corpus_validity_agrees_with_jsonschema(path: Path):
    try:
        data = load(path)
    except Exception:  # not YAML at all: EL003's business, not the schema's
        pytest.skip("does not parse as YAML")
    expected = ORACLE.is_valid(data)
    assert is_valid(SCHEMA, data) == expected
    assert (not [e for e in validate(SCHEMA, data) if not e.deprecated]) == expected


# --- documents a person gets wrong, with the message they should read --------------------------


def _set(path: tuple, value):
    def mutate(data):
        node = data
        for part in path[:-1]:
            node = node[part]
        node[path[-1]] = value
    return mutate


def _delete(path: tuple):
    def mutate(data):
        node = data
        for part in path[:-1]:
            node = node[part]
        del node[path[-1]]
    return mutate


def _rename(path: tuple, old: str, new: str):
    def mutate(data):
        node = data
        for part in path:
            node = node[part]
        node[new] = node.pop(old)
    return mutate


API = ("services", 0)
SEARCH = ("services", 1)
DB = ("databases", 0)
MUTATIONS = [
    (_set(API + ("plan",), "Starter"), API + ("plan",), "`plan: Starter` is not a Render plan for a web service; did you mean `starter`?"),
    (_set(API + ("region",), "europe"), API + ("region",), "`region: europe` is not a Render region (oregon, ohio, virginia, frankfurt, singapore)"),
    (_rename(API, "startCommand", "startCommnd"), API + ("startCommnd",), "unknown key `startCommnd` in web service `api`; did you mean `startCommand`?"),
    (_delete(API + ("startCommand",)), API, "web service `api` needs `startCommand`"),
    (_set(API + ("numInstances",), "two"), API + ("numInstances",), "`numInstances: two` must be an integer"),
    (_set(API + ("numInstances",), 0), API + ("numInstances",), "`numInstances: 0` must be at least 1"),
    (_set(API + ("envVars", 6), {"key": "STRIPE_KEY", "sync": True}), API + ("envVars", 6, "sync"), "`sync: true` is not allowed"),
    (_set(API + ("envVars", 7, "value"), True), API + ("envVars", 7, "value"), "`value: true` must be a string or a number; quote it: `'true'`"),
    (_set(API + ("envVars", 7, "sync"), False), API + ("envVars", 7), "envVars entry `NODE_ENV` has both `value` and `sync`; use only one"),
    (_delete(API + ("envVars", 1, "fromDatabase", "property")), API + ("envVars", 1, "fromDatabase"), "fromDatabase reference `main-db` needs `property`"),
    (_set(API + ("envVars", 1, "fromDatabase", "property"), "url"), API + ("envVars", 1, "fromDatabase", "property"), "`property: url` is not a fromDatabase property"),
    (_set(API + ("envVars", 5, "fromService", "property"), "host"), API + ("envVars", 5, "fromService"), "fromService reference `search` has both `envVarKey` and `property`; use only one"),
    (_delete(API + ("envVars", 4, "fromService", "property")), API + ("envVars", 4, "fromService"), "fromService reference `search` needs `property` or `envVarKey`"),
    (_delete(API + ("envVars", 4, "fromService", "type")), API + ("envVars", 4, "fromService"), "fromService reference `search` needs `type`"),
    (_set(("envVarGroups", 0, "envVars", 0), {"key": "A", "sync": False}), ("envVarGroups", 0, "envVars", 0, "sync"), "`sync: false` is not valid in an env group"),
    (_set(SEARCH + ("type",), "database"), SEARCH + ("type",), "Render Postgres goes in the top-level `databases:` list"),
    (_set(SEARCH + ("plan",), "free"), SEARCH + ("plan",), "`plan: free` is not a Render plan for a private service or worker"),
    (_set(DB + ("postgresMajorVersion",), 16), DB + ("postgresMajorVersion",), "quote it: `'16'`"),
    (_set(DB + ("plan",), "Basic-1gb"), DB + ("plan",), "did you mean `basic-1gb`?"),
    (_set(("services", 5, "ipAllowList"), None), ("services", 5, "ipAllowList"), "`ipAllowList` has no value; it must be a list (`[]` for none)"),
    (_delete(("services", 5, "ipAllowList")), ("services", 5), "Key Value instance `cache` needs `ipAllowList`"),
    (_set(("version",), 1), ("version",), "`version: 1` is not a Blueprint version; quote it: `'1'`"),
    (_set(("services", 3, "schedule"), ""), ("services", 3, "schedule"), "`schedule` must not be empty"),
    (_set(API + ("envVars",), {"NODE_ENV": "production"}), API + ("envVars",), "`envVars` must be a list"),
    (_set(("previews", "generation"), False), ("previews", "generation"), "`generation: false` is not a previews generation value (off, manual, automatic)"),
]


@pytest.mark.parametrize("mutate,path,message", MUTATIONS, ids=[m[2][:60] for m in MUTATIONS])
def test_a_mistake_is_invalid_for_both_and_explained_once(mutate, path, message):
    data = load(BIG)
    mutate(data)
    assert not ORACLE.is_valid(data)
    errors = [e for e in validate(SCHEMA, data) if not e.deprecated]
    assert [(e.path, message in e.message) for e in errors] == [(path, True)], errors


def test_deprecated_forms_warn_and_stay_valid():
    data = load(BIG)
    data["previewsEnabled"] = True
    api = data["services"][0]
    api["env"] = api.pop("runtime")
    api["autoDeploy"] = True
    data["services"][5]["type"] = "redis"
    assert ORACLE.is_valid(data) and is_valid(SCHEMA, data)
    assert {(e.path, e.message) for e in validate(SCHEMA, data)} == {
        (("previewsEnabled",), "`previewsEnabled: true` is deprecated; use `previews.generation: automatic`"),
        (API + ("env",), "`env: node` is deprecated; use `runtime: node`"),
        (API + ("autoDeploy",), "`autoDeploy: true` is deprecated; use `autoDeployTrigger: commit`"),
        (("services", 5, "type"), "`type: redis` is deprecated; use `type: keyvalue`"),
    }


# --- random damage: validity must agree with the oracle, and every error must be locatable ------


def _strings_and_keys(schema: object, strings: set, keys: set) -> None:
    if isinstance(schema, dict):
        for keyword, value in schema.items():
            if keyword == "properties":
                keys.update(value)
            if keyword in ("enum",):
                strings.update(v for v in value if isinstance(v, str))
            _strings_and_keys(value, strings, keys)
    elif isinstance(schema, list):
        for item in schema:
            _strings_and_keys(item, strings, keys)


_STRINGS: set = {"", "x", "/x", "Starter", "pro_plus", "16", "off"}
_KEYS: set = {"startCommnd", "scope", "foo", "port"}
_strings_and_keys(SCHEMA, _STRINGS, _KEYS)
VALUES = st.recursive(
    st.none() | st.booleans() | st.integers(-2, 400) | st.sampled_from([0.5, 1.0, 90.0]) | st.sampled_from(sorted(_STRINGS)),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.sampled_from(sorted(_KEYS)), inner, max_size=3),
    max_leaves=6,
)


def _places(data: object, path: tuple = ()) -> list[tuple]:
    places = [path]
    if isinstance(data, dict):
        for key, value in data.items():
            places += _places(value, path + (key,))
    elif isinstance(data, list):
        for index, value in enumerate(data):
            places += _places(value, path + (index,))
    return places


def _near(value: object) -> list:
    if isinstance(value, bool):
        return [int(value), str(value).lower(), not value]
    if isinstance(value, (int, float)):
        return [float(value), str(value), -value, value * 100, int(value) + 0.5]
    if isinstance(value, str):
        return [value.capitalize(), value.upper(), value.replace("-", "_"), value[1:], value + " ", value == "x"]
    return [None, [], {}, "x"]


def _at(data: object, path: tuple) -> object:
    for part in path:
        data = data[part]
    return data


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.data())
def test_damaged_blueprints_agree_with_jsonschema(draw):
    data = copy.deepcopy(BASE)
    for _ in range(draw.draw(st.integers(1, 3))):
        action = draw.draw(st.sampled_from(["nudge", "replace", "delete", "add"]))
        places = [p for p in _places(data) if p and (action != "nudge" or not isinstance(_at(data, p), (dict, list)))]
        if action == "add":
            places = [p for p in _places(data) if isinstance(_at(data, p), dict)]
        path = draw.draw(st.sampled_from(places))
        if action == "add":
            _at(data, path)[draw.draw(st.sampled_from(sorted(_KEYS)))] = draw.draw(VALUES)
        elif action == "delete":
            del _at(data, path[:-1])[path[-1]]
        else:  # a near miss (3 → 3.0, "pro" → "Pro", true → 1) or anything at all
            value = draw.draw(st.sampled_from(_near(_at(data, path))) if action == "nudge" else VALUES)
            _at(data, path[:-1])[path[-1]] = value
    errors = validate(SCHEMA, data)
    expected = ORACLE.is_valid(data)
    assert is_valid(SCHEMA, data) == expected
    assert (not [e for e in errors if not e.deprecated]) == expected, [e.message for e in errors]
    for error in errors:
        _at(data, error.path)  # render.py places each error by its path: it must exist


BASE = load(BIG)


@pytest.mark.parametrize("schema,value", [
    ({"type": "integer"}, 1.0),
    ({"type": "integer"}, True),
    ({"enum": [False]}, 0),
    ({"const": 1}, 1.0),
    ({"const": True}, 1),
    ({"type": ["string", "number"]}, None),
    ({"pattern": "^/"}, 5),
    ({"minLength": 1}, ""),
    ({"oneOf": [{"required": ["a"]}, {"required": ["b"]}]}, {"a": 1, "b": 2}),
    ({"oneOf": [{"required": ["a"]}, {"required": ["b"]}]}, {}),
    ({"anyOf": [{"type": "string"}, {"minimum": 3}]}, 2),
    ({"if": {"required": ["a"]}, "then": {"required": ["b"]}, "else": {"required": ["c"]}}, {"c": 1}),
    ({"not": {"type": "string"}}, "x"),
    ({"properties": {"a": False}}, {"a": 1}),
    ({"additionalProperties": {"type": "string"}}, {"a": 1}),
])
def test_keyword_semantics_match_jsonschema(schema, value):
    expected = jsonschema.Draft202012Validator(schema).is_valid(value)
    assert is_valid(schema, value) == expected
    assert (not [e for e in validate(schema, value) if not e.deprecated]) == expected


# --- reading: encodings, and one finding per defect --------------------------------------------

TEXT = "services:\n  - type: web\n    name: api\n    runtime: node\n    plan: Starter\n    buildCommand: npm ci\n    startCommand: npm start\n"


@pytest.mark.parametrize("bom,encoding", [
    (codecs.BOM_UTF16_LE, "utf-16-le"), (codecs.BOM_UTF16_BE, "utf-16-be"),
    (codecs.BOM_UTF32_LE, "utf-32-le"), (codecs.BOM_UTF8, "utf-8"),
])
def test_a_blueprint_saved_with_a_bom_is_read(tmp_path, bom, encoding):
    (tmp_path / "render.yaml").write_bytes(bom + TEXT.encode(encoding))
    blueprint = parse_render(Repo(tmp_path), "render.yaml")
    assert [s.name for s in blueprint.services] == ["api"]
    assert [(p.kind, str(p.location)) for p in blueprint.problems] == [("render-schema", "render.yaml:5:11")]


def test_a_misspelt_required_key_is_one_finding():
    data = {"services": [{"type": "web", "name": "a", "runtime": "node", "buildCommand": "b", "startComand": "s"}]}
    assert [(e.path, e.message) for e in validate(SCHEMA, data)] == [
        (("services", 0, "startComand"), "unknown key `startComand` in web service `a`; did you mean `startCommand`?"),
    ]


@pytest.mark.parametrize("text,message", [
    ("projects: 3\n", "`projects: 3` must be a list"),
    ("projects:\n  - name: p\n    environments: 3\n", "`environments: 3` must be a list"),
    ("services:\n  api: {type: web}\n", "`services` must be a list"),
    ("- type: web\n", "the Blueprint must be a mapping"),
    ("", "the Blueprint has no value; it must be a mapping"),
])
def test_a_blueprint_of_the_wrong_shape_is_one_finding_not_a_crash(tmp_path, text, message):
    (tmp_path / "render.yaml").write_text(text)
    blueprint = parse_render(Repo(tmp_path), "render.yaml")
    assert [(p.kind, p.message) for p in blueprint.problems] == [("render-schema", message)]

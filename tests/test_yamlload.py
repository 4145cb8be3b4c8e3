import pytest

from envlint.yamlload import YamlError, YamlFloat, load_yaml


def test_core_schema_values():
    doc = load_yaml(
        "a: 3.10\nb: off\nc: yes\nd: True\ne: ~\nf: 0x1F\ng: 0o17\nh: 1:30\ni: .inf\nj: '3.10'\nk: 010\n", "x.yaml"
    )
    data = doc.data
    assert isinstance(data["a"], YamlFloat) and data["a"].text == "3.10"
    assert data["b"] == "off" and data["c"] == "yes"  # YAML 1.1 booleans are strings in 1.2
    assert data["d"] is True and data["e"] is None
    assert data["f"] == 31 and data["g"] == 15
    assert data["h"] == "1:30"  # no sexagesimal ints
    assert data["i"] == float("inf")
    assert data["j"] == "3.10"
    assert data["k"] == 10  # 1.2 core: no octal from a leading zero


def test_locations_of_keys_and_values():
    doc = load_yaml("services:\n  - name: api\n    envVars:\n      - key: A\n        value: x\n", "render.yaml")
    assert str(doc.key_location(("services", 0, "envVars", 0, "value"))) == "render.yaml:5:9"
    assert str(doc.value_location(("services", 0, "envVars", 0, "value"))) == "render.yaml:5:16"
    assert str(doc.value_location(("services", 0, "name"))) == "render.yaml:2:11"
    # a path that does not exist falls back to the nearest enclosing key
    assert str(doc.key_location(("services", 0, "envVars", 0, "nope"))) == "render.yaml:4:9"


def test_duplicate_keys_are_recorded_and_last_wins():
    doc = load_yaml("a: 1\nb: 2\na: 3\n", "x.yaml")
    assert doc.data["a"] == 3
    (key, here, first), = doc.duplicates
    assert (key, here.line, first.line) == ("a", 3, 1)


@pytest.mark.parametrize(
    "text, line, needle",
    [
        ("a: [1, 2\n", 2, "syntax"),
        ("a: !!python/object/apply:os.system ['true']\n", 1, "unsupported YAML tag"),
        ("--- 1\n--- 2\n", 2, "syntax"),
    ],
)
def test_errors_are_located(text, line, needle):
    with pytest.raises(YamlError) as info:
        load_yaml(text, "x.yaml")
    assert needle in info.value.message
    assert info.value.location.line == line


def test_alias_bomb_is_refused():
    lines = ["a0: &a0 [x, x, x, x, x, x, x, x, x, x]"]
    for i in range(1, 9):
        refs = ", ".join([f"*a{i - 1}"] * 10)
        lines.append(f"a{i}: &a{i} [{refs}]")
    with pytest.raises(YamlError, match="alias"):
        load_yaml("\n".join(lines) + "\n", "bomb.yaml")


def test_deep_nesting_does_not_overflow():
    depth = 5000
    text = "a: " + "[" * depth + "]" * depth + "\n"
    try:
        doc = load_yaml(text, "deep.yaml")
    except YamlError as exc:  # libyaml may refuse it: then with a located message
        assert exc.location.path == "deep.yaml"
    else:
        assert isinstance(doc.data["a"], list)


def test_block_scalar_source_text_maps_lines():
    doc = load_yaml("cmd: |\n  pip install a==1\n  pip install b==2\n", "r.yaml")
    text = doc.scalar_text(("cmd",))
    offset = text.text.index("b==2")
    assert str(text.span(offset, offset + 4)) == "r.yaml:3:15"


def test_recursive_alias_is_refused_and_plain_aliases_are_shared():
    with pytest.raises(YamlError, match="contains it"):
        load_yaml("a: &a [1, *a]\n", "loop.yaml")
    doc = load_yaml("a: &x {k: 1}\nb: *x\n", "ok.yaml")
    assert doc.data == {"a": {"k": 1}, "b": {"k": 1}} and doc.data["a"] is doc.data["b"]
    assert str(doc.value_location(("b",))) == "ok.yaml:1:4"  # an alias is located at its anchor


ONE_LINE_FLOWS = "".join(f"V{i}: {{required: true, secret: true}}\nW{i}: [a, b]\n" for i in range(600))


@pytest.mark.parametrize("levels, error", [(60, None), (450, None), (501, "101:506")])
def test_one_line_flow_collections_do_not_hide_deep_nesting(levels, error):
    # 1,200 `{…}`/`[…]` lines (a large spec): the depth scan is skipped where nothing can be deeper
    # than the limit (60 levels); else it runs, and places the error at the 501st level
    text = "a: b\n" * 100 + "deep: " + "[" * levels + "]" * levels + "\n" + ONE_LINE_FLOWS
    if error is None:
        doc = load_yaml(text, "envspec.yaml")
        assert doc.data["V599"] == {"required": True, "secret": True} and doc.data["W0"] == ["a", "b"]
    else:
        with pytest.raises(YamlError, match="nesting deeper than 500") as info:
            load_yaml(text, "envspec.yaml")
        location = info.value.location
        assert f"{location.line}:{location.column}" == error and location.end_line is None


def test_strings_keep_their_places_and_quotes_with_and_without_aliases():
    for alias in ("", "z: &s x\nzz: *s\n"):
        doc = load_yaml("k: plain\nq: 'quoted'\nl: [a, \"b\", 3]\n" + alias, "x.yaml")
        assert doc.data["k"] == "plain" and doc.data["l"] == ["a", "b", 3]
        assert (doc.styles.get(("k",)), doc.styles.get(("q",)), doc.styles.get(("l", 1))) == (None, "'", '"')
        assert str(doc.value_location(("l", 1))) == "x.yaml:3:8"
        assert doc.value_marks[("q",)] == (1, 3, 1, 11)

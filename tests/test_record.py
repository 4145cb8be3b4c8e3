"""envlint.record against the stdlib `dataclasses` it stands in for: the same declarations must
behave the same way for everything envlint relies on."""

from __future__ import annotations

import dataclasses

import pytest

from envlint import record as rec


def _declare(decorate, field, **options):
    """The same two classes (a base and a subclass) under one decorator."""

    @decorate(**options)
    class Base:
        name: str
        line: int = 1
        tags: list = field(default_factory=list)
        note: str | None = field(default=None, compare=False, repr=False)

    @decorate(**options)
    class Child(Base):
        extra: tuple = ()
        cache: dict = field(default_factory=dict, init=False, compare=False, repr=False)

    return Base, Child


@pytest.mark.parametrize("frozen", [False, True])
def test_records_behave_like_dataclasses(frozen):
    ours = _declare(rec.record, rec.field, frozen=frozen)
    stdlib = _declare(dataclasses.dataclass, dataclasses.field, frozen=frozen)
    for (o_base, o_child), (s_base, s_child) in ((ours, stdlib),):
        for o, s in ((o_base("a"), s_base("a")), (o_child("a", 2, ["t"], "n", (1,)), s_child("a", 2, ["t"], "n", (1,)))):
            assert repr(o) == repr(s)
            assert o.__dict__ == s.__dict__
        assert o_child("a", extra=(1,)) == o_child("a", note="other", extra=(1,))  # note: compare=False
        assert o_child("a") != o_child("b")
        assert o_child("a") != o_base("a")  # another class is never equal
        assert o_child.__match_args__ == s_child.__match_args__ == ("name", "line", "tags", "note", "extra")
        assert [f.name for f in rec.fields(o_child)] == [f.name for f in dataclasses.fields(s_child)]
        if frozen:
            assert hash(o_base("a", 3, ())) == hash(o_base("a", 3, (), note="x"))
            assert len({o_base("a", 1, ()), o_base("a", 1, ()), o_base("b", 1, ())}) == 2
        else:
            with pytest.raises(TypeError):
                hash(o_base("a"))


def test_factories_give_each_instance_its_own_value():
    _, child = _declare(rec.record, rec.field)
    first, second = child("a"), child("b")
    first.tags.append(1)
    first.cache["k"] = 1
    assert second.tags == [] and second.cache == {}


def test_replace_changes_only_what_it_is_given():
    _, child = _declare(rec.record, rec.field, frozen=True)
    before = child("a", 2, ["t"], "n", (1,))
    before.cache["k"] = 1
    after = rec.replace(before, line=3)
    assert (after.name, after.line, after.tags, after.note, after.extra) == ("a", 3, ["t"], "n", (1,))
    assert after.cache == {}  # init=False: set by __init__, as dataclasses.replace does
    with pytest.raises(TypeError):
        rec.replace(before, cache={})  # not an __init__ argument


def test_slots_record_has_no_instance_dict():
    @rec.record(frozen=True, slots=True)
    class Point:
        x: int
        y: int = 0

    point = Point(1)
    assert Point.__slots__ == ("x", "y") and not hasattr(point, "__dict__")
    assert (point.x, point.y) == (1, 0) and point == Point(1, 0)


def test_a_method_the_class_writes_itself_wins():
    @rec.record
    class Named:
        name: str

        def __repr__(self) -> str:
            return f"<{self.name}>"

    assert repr(Named("x")) == "<x>"


def test_missing_argument_is_a_type_error():
    base, _ = _declare(rec.record, rec.field)
    with pytest.raises(TypeError):
        base()

"""Records: the part of `dataclasses` envlint uses, at a fraction of its import cost.

Why: envlint runs as a pre-commit hook, where start-up is most of a run. `@dataclass` compiles
four to six methods per class from generated source (`exec`), about 1 ms a class here; the ~50
classes a check loads cost ~40 ms, with `dataclasses` and `inspect` themselves (python -X
importtime, issue 7). A record compiles one method, `__init__`; equality, hashing and repr are
shared functions over the class's `_fields`.

Usage is the dataclass one: `@record`, `@record(frozen=True, slots=True)`, `field(default=...,
default_factory=..., init=False, repr=False, compare=False)`, `replace(obj, **changes)`, `fields(cls)`.
Differences, on purpose: `frozen=True` only makes instances hashable (assignment is not
forbidden, so `cached_property` works without tricks); no ordering, no `__post_init__`.
"""

from __future__ import annotations

from operator import attrgetter

MISSING = object()


class Field:
    __slots__ = ("name", "default", "default_factory", "init", "repr", "compare")

    def __init__(self, default=MISSING, default_factory=MISSING, init=True, repr=True, compare=True):
        self.name = ""
        self.default, self.default_factory = default, default_factory
        self.init, self.repr, self.compare = init, repr, compare


def field(*, default=MISSING, default_factory=MISSING, init: bool = True, repr: bool = True,
          compare: bool = True):
    return Field(default, default_factory, init, repr, compare)


def record(cls=None, /, *, frozen: bool = False, slots: bool = False):
    """Give `cls` an `__init__` over its annotated fields (a base record's first), `__eq__` and
    `__repr__`, and `__hash__` when frozen."""

    def wrap(cls):
        fields = dict(getattr(cls, "_record_fields", {}))
        for name in cls.__dict__.get("__annotations__", {}):
            value = cls.__dict__.get(name, MISSING)
            spec = value if isinstance(value, Field) else Field(default=value)
            spec.name = name
            fields[name] = spec
            if value is not MISSING:
                delattr(cls, name)  # the default lives in __init__, not on the class
        if slots:
            namespace = {k: v for k, v in cls.__dict__.items() if k not in ("__dict__", "__weakref__")}
            namespace["__slots__"] = tuple(fields)
            cls = type(cls)(cls.__name__, cls.__bases__, namespace)
        cls._record_fields = fields
        cls._fields = tuple(fields)
        cls._compared = tuple(n for n, f in fields.items() if f.compare)
        cls.__match_args__ = tuple(n for n, f in fields.items() if f.init)
        cls.__init__ = _make_init(cls, fields.values())
        own = cls.__dict__
        if "__eq__" not in own:  # a method the class writes itself wins, as with dataclasses
            cls.__eq__, hash_ = _eq_and_hash(cls._compared)
            if "__hash__" not in own:
                cls.__hash__ = hash_ if frozen else None
        if "__repr__" not in own:
            cls.__repr__ = _repr
        return cls

    return wrap if cls is None else wrap(cls)


def _make_init(cls, fields):
    """One compiled `__init__` per class: keeps instance creation as fast as a hand-written one."""
    names = {"MISSING": MISSING}
    params, body = [], []
    for f in fields:
        if f.default_factory is not MISSING:
            names[f"_factory_{f.name}"] = f.default_factory
            if f.init:
                params.append(f"{f.name}=MISSING")
                body.append(f"self.{f.name} = _factory_{f.name}() if {f.name} is MISSING else {f.name}")
            else:
                body.append(f"self.{f.name} = _factory_{f.name}()")
            continue
        if f.default is not MISSING:
            names[f"_default_{f.name}"] = f.default
        if not f.init:
            body.append(f"self.{f.name} = _default_{f.name}")
            continue
        params.append(f.name if f.default is MISSING else f"{f.name}=_default_{f.name}")
        body.append(f"self.{f.name} = {f.name}")
    source = f"def __init__(self, {', '.join(params)}):\n    " + ("\n    ".join(body) or "pass")
    exec(source, names)  # noqa: S102 - our own generated source, as dataclasses does
    init = names["__init__"]
    init.__qualname__ = f"{cls.__qualname__}.__init__"
    return init


def _eq_and_hash(compared: tuple[str, ...]):
    """`__eq__` and `__hash__` over the compared fields, without compiling anything:
    attrgetter reads them all in C (Location, hashed in every set of findings, 0.3 µs)."""
    key = attrgetter(*compared) if compared else (lambda obj: ())

    def __eq__(self, other):
        if other.__class__ is not self.__class__:
            return NotImplemented
        return key(self) == key(other)

    def __hash__(self):
        return hash(key(self))

    return __eq__, __hash__


def _repr(self) -> str:
    shown = ", ".join(f"{name}={getattr(self, name)!r}" for name, f in self._record_fields.items() if f.repr)
    return f"{self.__class__.__qualname__}({shown})"


def fields(class_or_record) -> tuple[Field, ...]:
    """The fields of a record class or instance, in `__init__` order, as `dataclasses.fields`."""
    return tuple(class_or_record._record_fields.values())


def replace(obj, /, **changes):
    """A copy of the record `obj` with some fields changed, as `dataclasses.replace`."""
    for name, f in obj._record_fields.items():
        if f.init and name not in changes:
            changes[name] = getattr(obj, name)
    return obj.__class__(**changes)

"""A small JSON Schema (2020-12) validator for the keywords envlint's own schemas use, with
located errors worded for a person.

Why not `jsonschema`: importing it costs ~50 ms, more than envlint spends on a whole repository,
and its messages ("'Starter' is not one of ['free', …]") name no key and suggest nothing. Validity
here follows the standard for the supported keywords — type, enum, const, properties, required,
additionalProperties, items, minimum, maximum, minLength, pattern, $ref (local), allOf, anyOf,
oneOf, not, if/then/else — and tests hold it to `jsonschema` as an oracle. The wording comes from
annotations: `title` names a thing; `deprecated` (with `x-replacement`, one text or a text per
value) yields a warning, not an error; `x-message` words a failed anyOf/oneOf, `x-hints` explains
particular wrong values of an enum and `x-key-hints` particular unknown keys. These never change
validity.
"""

from __future__ import annotations

import re

from envlint.record import record, replace

SUPPORTED = frozenset({
    "$schema", "$id", "$defs", "$ref", "title", "description", "deprecated",
    "type", "enum", "const", "properties", "required", "additionalProperties", "items",
    "minimum", "maximum", "minLength", "pattern", "allOf", "anyOf", "oneOf", "not", "if", "then", "else",
    "x-replacement", "x-message", "x-hints", "x-key-hints",
})

_TYPE_WORDS = {"string": "a string", "integer": "an integer", "number": "a number", "boolean": "true or false",
               "object": "a mapping", "array": "a list", "null": "empty"}


@record(frozen=True)
class SchemaError:
    """One thing wrong at `path` (the keys and indices that lead to it). `at_key`: point at the
    key of `path` (unknown or missing keys) rather than at its value. `deprecated`: a warning;
    the document is still valid."""

    path: tuple
    message: str
    at_key: bool = False
    deprecated: bool = False
    missing: tuple = ()  # a "needs" error: the required keys absent
    meant: str | None = None  # an unknown-key error: the known key it probably misspells


def validate(schema: dict, data: object) -> list[SchemaError]:
    """Errors and deprecation warnings of `data` against `schema`, one per place (several
    errors at one place are merged), so that each defect is reported once."""
    errors = _Validator(schema).check(schema, data, ())
    meant = {(e.path[:-1], e.meant) for e in errors if e.meant}
    merged: dict[tuple, SchemaError] = {}
    for error in errors:
        if error.missing:  # `startCommnd: …` is reported; `startCommand` missing is the same typo
            missing = tuple(k for k in error.missing if (error.path, k) not in meant)
            if not missing:
                continue
            error = replace(error, message=_needs(_subject(error), missing), missing=missing)
        place = (error.path, error.at_key, error.deprecated)
        merged[place] = _merge(merged[place], error) if place in merged else error
    return list(merged.values())


def _merge(first: SchemaError, second: SchemaError) -> SchemaError:
    if first.missing and second.missing:  # "… needs `name`" + "… needs `startCommand`"
        missing = first.missing + tuple(k for k in second.missing if k not in first.missing)
        return replace(first, message=_needs(_subject(first), missing), missing=missing)
    if second.message in first.message:
        return first
    return replace(first, message=f"{first.message}; {second.message}", missing=())


def _subject(error: SchemaError) -> str:
    return error.message.partition(" needs ")[0]


def _needs(subject: str, keys: tuple) -> str:
    names = [f"`{k}`" for k in keys]
    return f"{subject} needs " + (f"{', '.join(names[:-1])} and {names[-1]}" if len(names) > 1 else names[0])


def is_valid(schema: dict, data: object) -> bool:
    """Whether `data` is valid, without building any message: the fast path."""
    return _Validator(schema).valid(schema, data)


class _Validator:
    def __init__(self, root: dict):
        self.root = root
        self._patterns: dict[str, re.Pattern] = {}
        self._refs: dict[str, dict] = {}
        self._quiet: dict[int, bool] = {}  # id(schema) -> no `deprecated` anywhere inside it
        self._compiled: dict[tuple, object] = {}  # (id(schema), clean) -> its validator

    def resolve(self, ref: str) -> dict:
        if ref not in self._refs:
            if not ref.startswith("#"):
                raise ValueError(f"only local $ref is supported: {ref}")
            node = self.root
            for part in ref[1:].split("/")[1:]:
                node = node[part.replace("~1", "/").replace("~0", "~")]
            self._refs[ref] = node
        return self._refs[ref]

    def quiet(self, schema: dict | bool) -> bool:
        """Whether no instance can get a deprecation warning from `schema`: then a valid
        instance needs no closer look (the common case, so `check` costs about what `valid` does)."""
        if isinstance(schema, bool):
            return True
        if id(schema) not in self._quiet:
            self._quiet[id(schema)] = True  # a $ref cycle is quiet unless something else says not
            subs = [self.resolve(schema["$ref"])] if "$ref" in schema else []
            for keyword, value in schema.items():
                if keyword in ("properties", "$defs"):
                    subs += value.values()
                elif keyword in ("items", "additionalProperties", "not", "if", "then", "else"):
                    subs.append(value)
                elif keyword in ("allOf", "anyOf", "oneOf"):
                    subs += value
            self._quiet[id(schema)] = not schema.get("deprecated") and all(self.quiet(sub) for sub in subs)
        return self._quiet[id(schema)]

    def valid(self, schema: dict | bool, data: object) -> bool:
        """The same verdict as `check` finding no error, stopping at the first failure. Used
        to choose among subschemas, so that messages are only written for the one that counts."""
        return self.validator(schema)(data)

    def validator(self, schema: dict | bool):
        """`valid` for one schema, as a function of the instance, made once per schema: the
        keywords are looked up once instead of at each of the 89,000 calls a 1,000-service
        Blueprint made. With `clean`, validate: 175 -> 30 ms for that Blueprint, 180 -> 40 ms with
        100 of its services wrong."""
        return self._compiled_for(schema, False)

    def clean(self, schema: dict | bool):
        """A validator that is also false where `check` would warn of a deprecated form. True
        means `check` finds nothing: one pass decides a whole Blueprint that is valid."""
        if schema is True or schema is False or self.quiet(schema):
            return self._compiled_for(schema, False)
        return self._compiled_for(schema, True)

    def _compiled_for(self, schema: dict | bool, clean: bool):
        if schema is True or schema is False:
            return _yes if schema else _no
        key = (id(schema), clean)
        compiled = self._compiled.get(key)
        if compiled is None:
            self._compiled[key] = lambda data: self._compiled[key](data)  # a $ref cycle: the finished one
            compiled = self._compiled[key] = self._compile(schema, clean)
        return compiled

    def _compile(self, schema: dict, clean: bool):
        """The checks of `valid` for the keywords `schema` has, in its order; each check is a
        function of the instance that is true unless the instance fails it. `clean`: the parts
        `check` goes on to (not `not`, nor `if`) must be clean too, and a deprecated one is not."""
        if clean and schema.get("deprecated") is True:
            return _no
        sub = self.clean if clean else self.validator
        checks = []
        if "$ref" in schema:
            try:
                checks.append(sub(self.resolve(schema["$ref"])))
            except (ValueError, LookupError, TypeError) as exc:  # raised when used, as before
                checks.append(_raise(exc))
        is_object = schema.get("type") == "object"  # checked with the keys: one call fewer
        if "type" in schema and not is_object:
            checks.append(_type_test(schema["type"]))
        if "const" in schema:
            const = schema["const"]
            checks.append(lambda data: _equal(data, const))
        if "enum" in schema:
            checks.append(_enum_test(schema["enum"]))
        strings = []
        if schema.get("minLength", 0) > 0:
            strings.append(lambda data, least=schema["minLength"]: len(data) >= least)
        if "pattern" in schema:
            try:
                search = self._pattern(schema["pattern"]).search
            except re.error as exc:
                search = _raise(exc)
            strings.append(lambda data: search(data) is not None)
        if strings:
            checks.append(_when((str,), strings))
        numbers = []
        if "minimum" in schema:
            numbers.append(lambda data, least=schema["minimum"]: not data < least)
        if "maximum" in schema:
            numbers.append(lambda data, most=schema["maximum"]: not data > most)
        if numbers:
            checks.append(lambda data, test=_when((int, float), numbers): isinstance(data, bool) or test(data))
        if is_object or any(k in schema for k in ("required", "properties", "additionalProperties")):
            checks.append(self._object_test(schema, is_object, sub))
        if "items" in schema:
            item = sub(schema["items"])
            checks.append(lambda data: not isinstance(data, list) or all(map(item, data)))
        for part in schema.get("allOf", ()):
            checks.append(sub(part))
        if "anyOf" in schema:
            any_of = [self.validator(part) for part in schema["anyOf"]]
            if clean:  # `check` goes on to the first valid one
                pairs = list(zip(any_of, [sub(part) for part in schema["anyOf"]]))
                checks.append(lambda data: next((ok(data) for test, ok in pairs if test(data)), False))
            else:
                checks.append(lambda data: any(test(data) for test in any_of))
        if "oneOf" in schema:
            one_of = [self.validator(part) for part in schema["oneOf"]]
            if clean:  # `check` goes on to the only valid one
                cleans = [sub(part) for part in schema["oneOf"]]
                checks.append(lambda data: _only_one(one_of, cleans, data))
            else:
                checks.append(lambda data: sum([test(data) for test in one_of]) == 1)
        if "not" in schema:
            checks.append(lambda data, test=self.validator(schema["not"]): not test(data))
        if "if" in schema:
            condition = self.validator(schema["if"])
            then, otherwise = (sub(schema.get(k, True)) for k in ("then", "else"))
            checks.append(lambda data: (then if condition(data) else otherwise)(data))
        if not checks:
            return _yes
        if len(checks) == 1:
            return checks[0]

        def test_all(data):
            for check in checks:
                if not check(data):
                    return False
            return True
        return test_all

    def _object_test(self, schema: dict, is_object: bool, sub):
        """`is_object`: a non-mapping fails (`type: object`) rather than passes. `sub` makes
        the validators of the values."""
        required = tuple(schema.get("required", ()))
        properties = {key: sub(part) for key, part in schema.get("properties", {}).items()}
        extra = schema.get("additionalProperties", True)
        other = None if extra is True else sub(extra)
        named = tuple(properties.items())

        def test(data):
            if not isinstance(data, dict):
                return not is_object
            for key in required:
                if key not in data:
                    return False
            if other is None:  # only the named properties have anything to check
                for key, valid in named:
                    if key in data and not valid(data[key]):
                        return False
                return True
            for key, value in data.items():
                if not properties.get(key, other)(value):
                    return False
            return True
        return test

    def check(self, schema: dict | bool, data: object, path: tuple, title: str | None = None) -> list[SchemaError]:
        """`title`: what the instance is called, inherited by the subschemas applied to the same
        instance ($ref, allOf, anyOf, oneOf, if/then/else) unless they name it themselves."""
        if schema is True:
            return []
        if schema is False:
            return [SchemaError(path, f"{_name(path)} is not allowed here", at_key=True)]
        if self.clean(schema)(data):
            return []
        title = schema.get("title", title)
        errors: list[SchemaError] = []
        if "$ref" in schema:
            errors += self.check(self.resolve(schema["$ref"]), data, path, title)
        if schema.get("deprecated") is True:
            errors.append(_deprecation(schema, data, path))
        if "type" in schema and not _has_type(data, schema["type"]):
            at_key = data is None or isinstance(data, (dict, list))  # a block value starts a line below
            return errors + [SchemaError(path, _type_message(schema, data, path, title), at_key)]
        if "const" in schema and not _equal(data, schema["const"]):
            errors.append(SchemaError(path, _value_message(schema, data, path, [schema["const"]], title)))
        if "enum" in schema and not any(_equal(data, v) for v in schema["enum"]):
            errors.append(SchemaError(path, _value_message(schema, data, path, schema["enum"], title)))
        if isinstance(data, str):
            if "minLength" in schema and len(data) < schema["minLength"]:
                errors.append(SchemaError(path, f"{_name(path)} must not be empty"))
            if "pattern" in schema and not self._pattern(schema["pattern"]).search(data):
                errors.append(SchemaError(path, _value_message(schema, data, path, [], title)))
        elif isinstance(data, (int, float)) and not isinstance(data, bool):
            if "minimum" in schema and data < schema["minimum"]:
                errors.append(SchemaError(path, f"{_shown(path, data)} must be at least {schema['minimum']}"))
            if "maximum" in schema and data > schema["maximum"]:
                errors.append(SchemaError(path, f"{_shown(path, data)} must be at most {schema['maximum']}"))
        if isinstance(data, dict):
            errors += self._object(schema, data, path, title)
        if isinstance(data, list) and "items" in schema:
            items = schema["items"]
            clean = self.clean(items)
            for index, item in enumerate(data):
                if not clean(item):  # the common case spares making a path
                    errors += self.check(items, item, path + (index,))
        for sub in schema.get("allOf", ()):
            if not self.clean(sub)(data):
                errors += self.check(sub, data, path, title)
        if "anyOf" in schema:
            errors += self._any_of(schema, data, path, title)
        if "oneOf" in schema:
            errors += self._one_of(schema, data, path, title)
        if "not" in schema and self.valid(schema["not"], data):
            errors.append(SchemaError(path, f"{_name(path)} has a form that is not allowed here"))
        if "if" in schema:
            branch = "then" if self.valid(schema["if"], data) else "else"
            if branch in schema:
                errors += self.check(schema[branch], data, path, title)
        return errors

    def _pattern(self, pattern: str) -> re.Pattern:
        if pattern not in self._patterns:
            self._patterns[pattern] = re.compile(pattern)
        return self._patterns[pattern]

    def _object(self, schema: dict, data: dict, path: tuple, title: str | None) -> list[SchemaError]:
        if "required" not in schema and "properties" not in schema and "additionalProperties" not in schema:
            return []  # an `if`/`then` or `allOf` part: nothing to say about the keys
        errors: list[SchemaError] = []
        missing = tuple(key for key in schema.get("required", ()) if key not in data)
        if missing:
            errors.append(SchemaError(path, _needs(_label(title, data), missing), at_key=True, missing=missing))
        properties = schema.get("properties", {})
        for key, value in data.items():
            if key in properties:
                if not self.clean(properties[key])(value):
                    errors += self.check(properties[key], value, path + (key,))
            elif "additionalProperties" in schema:
                if schema["additionalProperties"] is False:
                    errors.append(_unknown_key(title, data, path, key, properties, schema))
                else:
                    errors += self.check(schema["additionalProperties"], value, path + (key,))
        return errors

    def _any_of(self, schema: dict, data: object, path: tuple, title: str | None) -> list[SchemaError]:
        for sub in schema["anyOf"]:
            if self.valid(sub, data):
                return self.check(sub, data, path, title)  # its deprecation warnings, if any
        if "x-message" in schema:
            return [SchemaError(path, _x_message(schema, title, data), at_key=True)]
        return self.check(schema["anyOf"][0], data, path, title)

    def _one_of(self, schema: dict, data: object, path: tuple, title: str | None) -> list[SchemaError]:
        branches = [self._resolved(sub) for sub in schema["oneOf"]]
        valid = [sub for sub in branches if self.valid(sub, data)]
        if len(valid) == 1:
            return self.check(valid[0], data, path, title)  # its deprecation warnings, if any
        if not isinstance(data, dict):
            if valid:
                return [SchemaError(path, f"{_name(path)} matches more than one form")]
            return self.check(branches[0], data, path, title)
        # Which forms did the author mean? Those whose required keys are all there.
        meant = [i for i, sub in enumerate(branches) if all(k in data for k in sub.get("required", ()))]
        if len(meant) == 1 and not valid:
            return self.check(branches[meant[0]], data, path, title)
        if len(meant) > 1:
            keys = [set(branches[i].get("required", ())) for i in meant]
            differing = sorted(set().union(*keys) - set.intersection(*keys), key=list(data).index)
            if not differing:
                return [SchemaError(path, f"{_label(title, data)} matches more than one form", at_key=True)]
            both = " and ".join(f"`{k}`" for k in differing)
            return [SchemaError(path, f"{_label(title, data)} has both {both}; use only one", at_key=True)]
        closed = all(sub.get("additionalProperties") is False for sub in branches)
        known = {k: None for sub in [schema, *branches] for k in sub.get("properties", {})}
        if closed and any(key not in known for key in data):
            return [_unknown_key(title, data, path, key, known, schema) for key in data if key not in known]
        if "x-message" in schema:
            return [SchemaError(path, _x_message(schema, title, data), at_key=True)]
        return [SchemaError(path, f"{_label(title, data)} does not match any allowed form", at_key=True)]

    def _resolved(self, schema: dict) -> dict:
        while isinstance(schema, dict) and set(schema) == {"$ref"}:
            schema = self.resolve(schema["$ref"])
        return schema


# --- messages -------------------------------------------------------------------------------


def _name(path: tuple) -> str:
    """How a person calls the thing at `path`: `plan`, `envVars[3]`, or the document."""
    for i in range(len(path) - 1, -1, -1):
        if isinstance(path[i], str):
            tail = "".join(f"[{p}]" for p in path[i + 1:])
            return f"`{path[i]}{tail}`"
    return "the document" if not path else f"entry {path[-1] + 1}"


def _text(value: object) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if value is None:
        return "null"
    if isinstance(value, dict):
        return "{…}"
    if isinstance(value, list):
        return "[…]"
    return getattr(value, "text", None) or str(value)  # a YamlFloat keeps its written form


def _shown(path: tuple, value: object) -> str:
    """`key: value` for a scalar under a key, else just the name."""
    if path and isinstance(path[-1], str) and not isinstance(value, (dict, list)):
        return f"`{path[-1]}: {_text(value)}`"
    return _name(path)


def _article(title: str) -> str:
    return ("an " if title[:1].lower() in "aeiou" else "a ") + title


def _label(title: str | None, data: object) -> str:
    """`web service `api`` when the mapping has a name, else `a web service`."""
    title = title or "mapping"
    name = data.get("name") or data.get("key") if isinstance(data, dict) else None
    return f"{title} `{name}`" if isinstance(name, str) and name else _article(title)


def _x_message(schema: dict, title: str | None, data: object) -> str:
    """The schema's own wording; one starting with "needs" is said of the instance."""
    message = schema["x-message"]
    return f"{_label(title, data)} {message}" if message.startswith("needs ") else message


def _type_message(schema: dict, data: object, path: tuple, title: str | None) -> str:
    types = schema["type"] if isinstance(schema["type"], list) else [schema["type"]]
    words = " or ".join(_TYPE_WORDS[t] for t in types)
    subject = _name(path) if path else f"the {title or 'document'}"
    if data is None:  # `envVars:` with every entry commented out
        return f"{subject} has no value; it must be {words}" + (" (`[]` for none)" if "array" in types else "")
    message = f"{_shown(path, data) if path else subject} must be {words}"
    if "string" in types and isinstance(data, (bool, int, float)) and data is not None:
        message += f"; quote it: `'{_text(data)}'`"
    return message


def _value_message(schema: dict, data: object, path: tuple, allowed: list, title: str | None) -> str:
    message = f"{_shown(path, data)} is not {_article(title)}" if title else f"{_shown(path, data)} is not allowed"
    words = [v for v in allowed if isinstance(v, str)]
    hint = schema.get("x-hints", {}).get(data) if isinstance(data, str) else None
    if hint:
        return f"{message}: {hint}"
    if not isinstance(data, (str, dict, list)) and _text(data) in words:
        return f"{message}; quote it: `'{_text(data)}'`"  # `postgresMajorVersion: 16`, `version: 1`
    guess = _guess(data, words) if isinstance(data, str) else None
    if guess:
        return f"{message}; did you mean `{guess}`?"
    if allowed and len(allowed) <= 8:
        return f"{message} ({', '.join(_text(v) for v in allowed)})"
    return message


def _unknown_key(title: str | None, data: dict, path: tuple, key: object, known, hints_from: dict) -> SchemaError:
    hint = hints_from.get("x-key-hints", {}).get(key)
    if hint:
        return SchemaError(path + (key,), f"`{_text(key)}` does not belong in {_label(title, data)}: {hint}", True)
    message = f"unknown key `{_text(key)}` in {_label(title, data)}"
    guess = _guess(str(key), [k for k in known if k not in data])
    if guess:
        message += f"; did you mean `{guess}`?"
    return SchemaError(path + (key,), message, at_key=True, meant=guess)


def _guess(word: str, choices: list[str]) -> str | None:
    """The choice `word` was probably meant to be: the same but for case or `_`/`-`, else the
    closest spelling."""
    import difflib  # only when a message needs a suggestion: not on every start-up

    folded = {c.lower().replace("_", "-"): c for c in choices}
    if word.lower().replace("_", "-") in folded:
        return folded[word.lower().replace("_", "-")]
    close = difflib.get_close_matches(word, choices, n=1, cutoff=0.75)
    if close:
        return close[0]
    close = difflib.get_close_matches(word.lower(), list(folded), n=1, cutoff=0.6)
    return folded[close[0]] if close else None


def _deprecation(schema: dict, data: object, path: tuple) -> SchemaError:
    replacement = schema.get("x-replacement", "")
    if isinstance(replacement, dict):  # by value: {"true": "`autoDeployTrigger: commit`", …}
        replacement = replacement.get(_text(data), "")
    message = f"{_shown(path, data)} is deprecated"
    if replacement:
        message += "; use " + replacement.replace("{value}", _text(data))
    return SchemaError(path, message, at_key=True, deprecated=True)


# --- JSON Schema semantics ------------------------------------------------------------------


def _yes(data: object) -> bool:
    return True


def _no(data: object) -> bool:
    return False


def _raise(exc: Exception):
    """A check that raises what making it raised: an error in a part of the schema counts
    only where `valid` would have reached it."""
    def test(data):
        raise exc
    return test


def _only_one(tests: list, cleans: list, data: object) -> bool:
    """oneOf for `clean`: exactly one test passes (all are run, as `valid` does), and that one is clean."""
    passed = [i for i, test in enumerate(tests) if test(data)]
    return len(passed) == 1 and cleans[passed[0]](data)


def _when(types: tuple, tests: list):
    """The `tests` that apply to instances of `types` only (minLength to strings, …)."""
    return lambda data: not isinstance(data, types) or all(test(data) for test in tests)


_TYPE_TESTS = {
    "string": lambda data: isinstance(data, str),
    "boolean": lambda data: isinstance(data, bool),
    "integer": lambda data: _is(data, "integer"),
    "number": lambda data: isinstance(data, (int, float)) and not isinstance(data, bool),
    "object": lambda data: isinstance(data, dict),
    "array": lambda data: isinstance(data, list),
    "null": lambda data: data is None,
}


def _type_test(types: str | list[str]):
    if isinstance(types, str) and types in _TYPE_TESTS:
        return _TYPE_TESTS[types]
    return lambda data: _has_type(data, types)  # an unknown type raises when reached, as before


def _enum_test(values: list):
    if all(type(v) is str for v in values):  # JSON equality with a string is string equality
        words = frozenset(values)
        return lambda data: isinstance(data, str) and data in words
    return lambda data: any(_equal(data, v) for v in values)


def _has_type(data: object, types: str | list[str]) -> bool:
    return _is(data, types) if isinstance(types, str) else any(_is(data, t) for t in types)


def _is(data: object, type_: str) -> bool:
    if type_ == "string":
        return isinstance(data, str)
    if type_ == "boolean":
        return isinstance(data, bool)
    if type_ == "integer":  # 1.0 is an integer in JSON Schema
        return (isinstance(data, int) and not isinstance(data, bool)) or (isinstance(data, float) and data.is_integer())
    if type_ == "number":
        return isinstance(data, (int, float)) and not isinstance(data, bool)
    if type_ == "object":
        return isinstance(data, dict)
    if type_ == "array":
        return isinstance(data, list)
    if type_ == "null":
        return data is None
    raise ValueError(f"unknown JSON Schema type {type_!r}")


def _equal(a: object, b: object) -> bool:
    """JSON equality: true is not 1, and 1 is 1.0."""
    if isinstance(a, bool) or isinstance(b, bool):
        return isinstance(a, bool) and isinstance(b, bool) and a == b
    if isinstance(a, (dict, list)) or isinstance(b, (dict, list)):
        return type(a) is type(b) and a == b
    return a == b

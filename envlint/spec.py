"""envspec.yaml: what the service needs, read and located.

The spec's shape is defined once, by the pydantic models in `envlint/specmodel.py`: the JSON schema
(`python -m envlint.spec > schemas/envspec.schema.json`) and every error message come from them.
Importing pydantic and building those models costs ~140 ms, more than the rest of a check of a
small repository, so a spec is first read here: `_valid` applies the same rules in plain Python and
accepts only documents the models accept (tests/test_spec.py holds the two in agreement). Anything
`_valid` does not accept goes to the models, which name the error (or, should they accept it after
all, read it). Either way the result is the plain classes below.
"""

from __future__ import annotations

import re

from envlint.extract.requirements import parse_pep508
from envlint.facts import Location, Requirement
from envlint.record import field, record, replace
from envlint.yamlload import YamlDoc, YamlError, YamlFloat, load_yaml

ENV_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")
_PYTHON = re.compile(r"3(\.[0-9]+){1,2}")  # the models' pattern ^3(\.\d+){1,2}$, ASCII digits only


class SpecError(Exception):
    """The spec cannot be used; the CLI prints `location: message` and exits 2."""

    def __init__(self, message: str, location: Location):
        super().__init__(f"{location}: {message}")
        self.message = message
        self.location = location


def _scalar_text(value: object) -> object:
    """Env values and versions are text: keep `3.10` as written, turn 5000 into "5000"."""
    if isinstance(value, YamlFloat):
        return value.text
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return str(value)
    return value


# --- the spec, as rules read it ----------------------------------------------------------------


@record
class EnvVarSpec:
    """One environment variable the service reads at run time."""

    required: bool = False
    secret: bool = False
    default: str | None = None
    description: str | None = None
    read_by: list[str] = field(default_factory=list)  # packages (as written) that read it themselves
    fields_set: frozenset[str] = field(default=frozenset(), repr=False, compare=False)  # keys the file sets


@record
class ServiceSpec:
    """What one service needs: the keys a `services:` entry takes, and the top level too."""

    python: str | None = None
    port: int | None = None
    bind: str | None = None
    packages: list[str] = field(default_factory=list)
    env: dict[str, EnvVarSpec] = field(default_factory=dict)
    docker_target: str | None = None  # the stage `docker build --target` builds; Render has no such key
    build_args: dict[str, str] = field(default_factory=dict)  # `--build-arg`s, over render.yaml's env
    fields_set: frozenset[str] = field(default=frozenset(), repr=False, compare=False)


@record
class Spec(ServiceSpec):
    """What the service needs to run: its env vars, pinned packages, port, bind address and
    Python version; or, with `services:`, what each render.yaml service needs."""

    version: int = 1
    service: str | None = None
    services: dict[str, ServiceSpec] = field(default_factory=dict)
    blueprint: str | None = None  # the Blueprint file Render reads, when not ./render.yaml
    _doc: YamlDoc | None = field(default=None, init=False, repr=False, compare=False)
    _entry: ServiceSpec | None = field(default=None, init=False, repr=False, compare=False)  # on a merged spec
    _merged: dict = field(default_factory=dict, init=False, repr=False, compare=False)  # for_service, once each
    _requirements: list | None = field(default=None, init=False, repr=False, compare=False)

    def for_service(self, name: str) -> Spec:
        """The spec for one `services:` entry: the top-level keys with the entry's over them."""
        if name not in self._merged:
            entry = self.services[name]
            own = {key: getattr(entry, key) for key in entry.fields_set - {"env", "packages", "build_args"}}
            replaced = {_package_name(text) for text in entry.packages}
            update = {
                **own,
                "service": name,
                "services": {},
                "env": {**self.env, **entry.env},
                "build_args": {**self.build_args, **entry.build_args},
                "packages": [t for t in self.packages if _package_name(t) not in replaced] + entry.packages,
            }
            merged = replace(self, **update, fields_set=self.fields_set | set(update))
            merged._doc, merged._entry = self._doc, entry
            self._merged[name] = merged
        return self._merged[name]

    # --- located views for rules ------------------------------------------------------------

    def where(self, *path: object) -> Location:
        """The location of a key in the spec file (line 1 for a spec built in code); for an
        entry's merged spec, inside the entry when the entry sets that key."""
        if self._doc is None:
            return Location("envspec.yaml", 1, 1)
        return self._doc.key_location(self._origin(path) + tuple(path))

    def _origin(self, path: tuple) -> tuple:
        entry = self._entry
        if entry is None or not path:
            return ()
        inside = path[1] in entry.env if path[0] == "env" and len(path) > 1 else path[0] in entry.fields_set
        return ("services", self.service) if inside else ()

    def requirements(self) -> list[Requirement]:
        """The `packages` entries as located Requirements."""
        if self._requirements is None:
            self._requirements = []
            own = self._entry.packages if self._entry is not None else []
            top = self._doc.data.get("packages", []) if self._doc is not None else self.packages
            for text in self.packages:
                name, specifier, marker, _, _ = parse_pep508(text)
                path = ("services", self.service, "packages", own.index(text)) if text in own else ("packages", top.index(text))
                location = self._doc.value_location(path) if self._doc else self.where()
                self._requirements.append(Requirement(name, specifier, text, location, marker))
        return list(self._requirements)


def _package_name(text: str) -> str:
    return parse_pep508(text)[0]


# --- reading ---------------------------------------------------------------------------------


def load_spec(text: str, path: str) -> Spec:
    """Read and validate a spec; raises SpecError located at the offending key."""
    try:
        doc = load_yaml(text, path)
    except YamlError as exc:
        raise SpecError(exc.message, exc.location) from None
    if doc.duplicates:
        key, here, first = doc.duplicates[0]
        raise SpecError(f"duplicate key {key!r} (first set at line {first.line})", here)
    if not isinstance(doc.data, dict):
        raise SpecError("the spec must be a mapping of keys (version, env, packages, …)", doc.key_location(()))
    data = doc.data
    _keep_int_text(doc)
    if not _valid(data):
        from envlint.specmodel import validate  # pydantic: names the error

        data = validate(doc)
    spec = _build(data)
    spec._doc = doc
    return spec


def _keep_int_text(doc: YamlDoc) -> None:
    """Env defaults and build args are text: `default: 010` means "010", not the int 10 (a
    float keeps its text already: YamlFloat). Replaced in place, as written in the file."""
    data = doc.data
    parts = [((), data)] + [(("services", n), e) for n, e in _items(data.get("services"))]
    for prefix, part in parts:
        if not isinstance(part, dict):
            continue
        env = _items(part.get("env"))
        paths = [prefix + ("env", n, "default") for n, v in env if isinstance(v, dict) and "default" in v]
        paths += [prefix + ("build_args", n) for n, _ in _items(part.get("build_args"))]
        for path in paths:
            if type(doc.data_at(path)) is int and path in doc.value_marks:
                line, column, end_line, end_column = doc.value_marks[path]
                if line == end_line:
                    doc.data_at(path[:-1])[path[-1]] = doc.source_lines[line][column:end_column]


def _items(value: object) -> list:
    return list(value.items()) if isinstance(value, dict) else []


def _build(data: dict) -> Spec:
    """The spec of valid data (as the file has it, or as the models return it)."""
    return _service(data, Spec)


def _service(data: dict, kind: type = ServiceSpec):
    values = {key: value for key, value in data.items() if key not in ("env", "services", "packages")}
    if "python" in values:
        values["python"] = _scalar_text(values["python"])
    if "packages" in data:
        values["packages"] = list(data["packages"])
    if "env" in data:
        values["env"] = {name: _env_var(var) for name, var in data["env"].items()}
    if "build_args" in data:
        values["build_args"] = {name: _scalar_text(value) for name, value in data["build_args"].items()}
    if "services" in data:
        values["services"] = {name: _service(entry) for name, entry in data["services"].items()}
    return kind(**values, fields_set=frozenset(data))


def _env_var(data: dict) -> EnvVarSpec:
    values = dict(data)
    if "default" in values:
        values["default"] = _scalar_text(values["default"])
    return EnvVarSpec(**values, fields_set=frozenset(data))


_ENV_KEYS = frozenset(("required", "secret", "default", "description", "read_by"))
PACKAGE_NAME = re.compile(r"^([A-Za-z0-9]|[A-Za-z0-9][A-Za-z0-9._-]*[A-Za-z0-9])$")  # PEP 508 names
_SERVICE_KEYS = frozenset(("python", "port", "bind", "packages", "env", "docker_target", "build_args"))
_SPEC_KEYS = _SERVICE_KEYS | {"version", "service", "services", "blueprint"}


def _valid(data: dict) -> bool:
    """Whether the models accept `data`, as far as a plain reading can tell: True only when
    they do; False sends the document to the models, which decide and explain."""
    version = data.get("version")
    service = data.get("service")
    services = data.get("services", {})
    blueprint = data.get("blueprint")
    return (
        data.keys() <= _SPEC_KEYS
        and type(version) is int and version == 1
        and (service is None or type(service) is str)
        and (blueprint is None or (type(blueprint) is str and blueprint != ""))
        and type(services) is dict
        and not (service is not None and services)
        and _valid_service(data)
        and all(
            type(name) is str and type(entry) is dict and entry.keys() <= _SERVICE_KEYS and _valid_service(entry)
            for name, entry in services.items()
        )
    )


def _valid_service(data: dict) -> bool:
    python = _scalar_text(data.get("python"))
    port = data.get("port")
    packages = data.get("packages", [])
    env = data.get("env", {})
    target = data.get("docker_target")
    build_args = data.get("build_args", {})
    return (
        (target is None or (type(target) is str and target != ""))
        and type(build_args) is dict
        and all(
            type(name) is str and ENV_NAME.fullmatch(name) is not None and type(_scalar_text(value)) is str
            for name, value in build_args.items()
        )
        and (python is None or (type(python) is str and _PYTHON.fullmatch(python) is not None))
        and (port is None or (type(port) is int and 1 <= port <= 65535))
        and _valid_bind(data.get("bind"))
        and type(packages) is list
        and _valid_packages(packages)
        and type(env) is dict
        and all(
            type(name) is str and ENV_NAME.fullmatch(name) is not None and type(var) is dict and _valid_env_var(var)
            for name, var in env.items()
        )
    )


def _valid_bind(bind: object) -> bool:
    if bind is None or bind == "localhost":
        return True
    if type(bind) is not str:
        return False
    import ipaddress

    try:
        ipaddress.ip_address(bind.strip("[]"))
    except ValueError:
        return False
    return True


def _valid_packages(packages: list) -> bool:
    if not all(type(text) is str and not isinstance(parse_pep508(text), str) for text in packages):
        return False
    names = [_package_name(text) for text in packages]
    return len(set(names)) == len(names)


def _valid_env_var(data: dict) -> bool:
    default = _scalar_text(data.get("default"))
    description = data.get("description")
    return (
        data.keys() <= _ENV_KEYS
        and type(data.get("required", False)) is bool
        and type(data.get("secret", False)) is bool
        and (default is None or type(default) is str)
        and (description is None or type(description) is str)
        and type(data.get("read_by", [])) is list
        and all(type(name) is str and PACKAGE_NAME.fullmatch(name) for name in data.get("read_by", []))
    )


def schema_text() -> str:
    """The JSON schema of envspec.yaml, as committed in schemas/envspec.schema.json."""
    from envlint.specmodel import schema_text

    return schema_text()


if __name__ == "__main__":
    print(schema_text(), end="")

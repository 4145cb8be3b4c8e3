"""envspec.yaml: what the service needs, as pydantic models.

The models are the single source of the spec's shape: `schemas/envspec.schema.json` is generated
from them (`python -m envlint.spec > schemas/envspec.schema.json`) and a test fails when the
committed file drifts. Unknown keys are rejected, values are not coerced (`required: "yes"` is an
error, not True), and every error names `envspec.yaml:LINE:COLUMN` and the key.
"""

from __future__ import annotations

import ipaddress
import json
import re
from difflib import get_close_matches
from typing import Annotated, Dict, List, Literal, Optional

from packaging.requirements import InvalidRequirement
from packaging.requirements import Requirement as PackagingRequirement
from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    PrivateAttr,
    StringConstraints,
    ValidationError,
    field_validator,
    model_validator,
)

from envlint.facts import Location, Requirement, normalize_name
from envlint.yamlload import YamlDoc, YamlError, YamlFloat, load_yaml

ENV_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")


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


def _check_requirement(text: str) -> str:
    try:
        PackagingRequirement(text)
    except InvalidRequirement as exc:
        detail = str(exc).splitlines()[0]
        raise ValueError(f"{text!r} is not a PEP 508 requirement ({detail})") from None
    return text


PackageText = Annotated[str, AfterValidator(_check_requirement)]
EnvName = Annotated[str, StringConstraints(pattern=ENV_NAME.pattern)]


class EnvVarSpec(BaseModel):
    """One environment variable the service reads at run time."""

    model_config = ConfigDict(extra="forbid", strict=True)

    required: bool = Field(
        False, description="A deploy source (render.yaml or the Dockerfile's ENV) must set it."
    )
    secret: bool = Field(
        False,
        description="Its value is a credential: it must never be written into a deploy file "
        "(use `sync: false` or `generateValue` in render.yaml) and envlint never prints it.",
    )
    default: Optional[str] = Field(
        None,
        description="The value the code falls back to when the variable is unset. It does not "
        "count as provided for `required`.",
    )
    description: Optional[str] = Field(None, description="What the variable is for.")

    _coerce_default = field_validator("default", mode="before")(_scalar_text)


class ServiceSpec(BaseModel):
    """What one service needs: the keys a `services:` entry takes, and the top level too."""

    model_config = ConfigDict(extra="forbid", strict=True)

    python: Optional[str] = Field(
        None,
        description='Python version the image or runtime must use, e.g. "3.12" (any 3.12.x) '
        'or "3.12.4". Quote it: YAML reads 3.10 as the number 3.1.',
        pattern=r"^3(\.\d+){1,2}$",
    )
    port: Optional[int] = Field(None, ge=1, le=65535, description="The port the app listens on.")
    bind: Optional[str] = Field(
        None, description="The address the app must bind, usually 0.0.0.0 (all interfaces)."
    )
    packages: List[PackageText] = Field(
        default_factory=list,
        description="PEP 508 requirements every source that installs the package must satisfy, "
        "e.g. coze-coding-dev-sdk==0.5.5.",
    )
    env: Dict[EnvName, EnvVarSpec] = Field(
        default_factory=dict, description="Environment variables the service needs at run time."
    )

    _coerce_python = field_validator("python", mode="before")(_scalar_text)

    @field_validator("bind")
    @classmethod
    def _check_bind(cls, value: Optional[str]) -> Optional[str]:
        if value is not None and value != "localhost":
            try:
                ipaddress.ip_address(value.strip("[]"))
            except ValueError:
                raise ValueError(f"{value!r} is not an IP address (e.g. 0.0.0.0)") from None
        return value

    @field_validator("packages")
    @classmethod
    def _check_unique_packages(cls, value: List[str]) -> List[str]:
        names = [_package_name(text) for text in value]
        for name in names:
            if names.count(name) > 1:
                raise ValueError(f"{name} is listed twice")
        return value


def _package_name(text: str) -> str:
    return normalize_name(PackagingRequirement(text).name)


class Spec(ServiceSpec):
    """What the service needs to run: its env vars, pinned packages, port, bind address and
    Python version; or, with `services:`, what each render.yaml service needs."""

    model_config = ConfigDict(
        extra="forbid",
        strict=True,
        json_schema_extra={"$schema": "https://json-schema.org/draft/2020-12/schema"},
        title="envlint envspec.yaml",
    )

    version: Literal[1] = Field(description="Spec format version; always 1.")
    service: Optional[str] = Field(
        None, description="The render.yaml service this spec describes (by `name`)."
    )
    services: Dict[str, ServiceSpec] = Field(
        default_factory=dict,
        description="What each render.yaml service needs, by service name. The top-level keys "
        "are defaults for every entry; an entry's `env` and `packages` add to them (an entry's "
        "variable or package replaces the top-level one of the same name). Services not named "
        "here get only the checks that need no spec.",
    )

    _doc: Optional[YamlDoc] = PrivateAttr(None)
    _entry: Optional[ServiceSpec] = PrivateAttr(None)  # set on the merged spec of one entry

    @model_validator(mode="after")
    def _service_or_services(self) -> "Spec":
        if self.service is not None and self.services:
            raise ValueError("use `service` (one service) or `services` (several), not both")
        return self

    def for_service(self, name: str) -> "Spec":
        """The spec for one `services:` entry: the top-level keys with the entry's over them."""
        entry = self.services[name]
        own = {key: getattr(entry, key) for key in entry.model_fields_set - {"env", "packages"}}
        replaced = {_package_name(text) for text in entry.packages}
        merged = self.model_copy(update={
            **own,
            "service": name,
            "services": {},
            "env": {**self.env, **entry.env},
            "packages": [t for t in self.packages if _package_name(t) not in replaced] + entry.packages,
        })
        merged._doc, merged._entry = self._doc, entry
        return merged

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
        inside = path[1] in entry.env if path[0] == "env" and len(path) > 1 else path[0] in entry.model_fields_set
        return ("services", self.service) if inside else ()

    def requirements(self) -> list[Requirement]:
        """The `packages` entries as located Requirements."""
        result = []
        own = self._entry.packages if self._entry is not None else []
        top = self._doc.data.get("packages", []) if self._doc is not None else self.packages
        for text in self.packages:
            parsed = PackagingRequirement(text)
            path = ("services", self.service, "packages", own.index(text)) if text in own else ("packages", top.index(text))
            location = self._doc.value_location(path) if self._doc else self.where()
            result.append(
                Requirement(
                    name=normalize_name(parsed.name),
                    specifier=str(parsed.specifier),
                    text=text,
                    location=location,
                    marker=str(parsed.marker) if parsed.marker else None,
                )
            )
        return result


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
    try:
        spec = Spec.model_validate(doc.data)
    except ValidationError as exc:
        error = exc.errors()[0]
        loc = tuple(error["loc"])
        raise SpecError(_describe(error, loc), doc.key_location(loc)) from None
    spec._doc = doc
    return spec


def _describe(error: dict, loc: tuple) -> str:
    key = ".".join(str(part) for part in loc) or "(top level)"
    kind = error["type"]
    last = loc[-1] if loc else None
    if kind == "extra_forbidden":
        if len(loc) >= 3 and loc[-3] == "env":
            model = EnvVarSpec
        elif loc[0] == "services" and len(loc) == 3:
            model = ServiceSpec
        else:
            model = Spec
        allowed = list(model.model_fields)
        close = get_close_matches(str(last), allowed, n=1)
        hint = f"did you mean {close[0]!r}?" if close else f"allowed here: {', '.join(allowed)}"
        return f"unknown key {key!r}; {hint}"
    if kind == "missing":
        return f"missing required key {key!r}"
    if last == "python" and kind == "string_pattern_mismatch":
        return f"{key}: expected a version like \"3.12\" or \"3.12.4\", got {error['input']!r}"
    if last == "[key]" and len(loc) >= 3 and loc[-3] == "env":
        return f"{loc[-2]!r} is not a valid environment variable name (letters, digits, _)"
    message = error["msg"].removeprefix("Value error, ")
    if kind == "bool_type":
        message += " (write true or false)"
    if last in ("version", "port", "bind"):  # never echo env values: a default may be a secret
        message += f", got {error['input']!r}"
    return f"{key}: {message}"


def schema_text() -> str:
    """The JSON schema of envspec.yaml, as committed in schemas/envspec.schema.json."""
    return json.dumps(Spec.model_json_schema(), indent=2, sort_keys=True) + "\n"


if __name__ == "__main__":
    print(schema_text(), end="")

"""envspec.yaml as pydantic models: the single source of the spec's shape.

`schemas/envspec.schema.json` is generated from these models (`python -m envlint.spec >
schemas/envspec.schema.json`; a test fails when the committed file drifts) and every error message
about a spec comes from them. Unknown keys are rejected, values are not coerced (`required: "yes"`
is an error, not True), and every error names `envspec.yaml:LINE:COLUMN` and the key.

Importing pydantic and building these models costs ~140 ms, more than the rest of a check of a
small repository, so `envlint.spec` reads a valid spec without them and imports this module only to
explain an invalid one (or to write the schema); tests/test_spec.py keeps the two in agreement.
"""

from __future__ import annotations

import ipaddress
import json
from difflib import get_close_matches
from typing import Annotated, Dict, List, Literal, Optional

from packaging.requirements import InvalidRequirement
from packaging.requirements import Requirement as PackagingRequirement
from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    StringConstraints,
    ValidationError,
    field_validator,
    model_validator,
)

from envlint.facts import normalize_name
from envlint.spec import ENV_NAME, PACKAGE_NAME, SpecError, _scalar_text
from envlint.yamlload import YamlDoc


def _check_requirement(text: str) -> str:
    try:
        PackagingRequirement(text)
    except InvalidRequirement as exc:
        detail = str(exc).splitlines()[0]
        raise ValueError(f"{text!r} is not a PEP 508 requirement ({detail})") from None
    return text


PackageText = Annotated[str, AfterValidator(_check_requirement)]
EnvName = Annotated[str, StringConstraints(pattern=ENV_NAME.pattern)]
PackageName = Annotated[str, StringConstraints(pattern=PACKAGE_NAME.pattern)]


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
    read_by: List[PackageName] = Field(
        default_factory=list,
        description="Packages that read the variable themselves (an SDK's API key), e.g. "
        "[coze-coding-dev-sdk]: the variable counts as used, and when `required`, it is required "
        "only by builds that install one of them.",
    )

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

    docker_target: Optional[str] = Field(
        None,
        min_length=1,
        description="The Dockerfile stage the deploy builds (`docker build --target`), when it is not "
        "the last one. render.yaml has no such key; the stage must exist in the service's Dockerfile.",
    )
    build_args: Dict[EnvName, str] = Field(
        default_factory=dict,
        description="Build arguments the deploy passes (`docker build --build-arg NAME=value`). Render "
        "passes a service's env vars as build args; these are applied over render.yaml's values, "
        "as a `--build-arg` overrides: set values render.yaml cannot show (`sync: false`, Dashboard "
        "env groups) or the ones another deploy passes.",
    )

    _coerce_python = field_validator("python", mode="before")(_scalar_text)

    @field_validator("build_args", mode="before")
    @classmethod
    def _coerce_build_args(cls, value: object) -> object:
        return {k: _scalar_text(v) for k, v in value.items()} if isinstance(value, dict) else value

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
        names = [normalize_name(PackagingRequirement(text).name) for text in value]
        for name in names:
            if names.count(name) > 1:
                raise ValueError(f"{name} is listed twice")
        return value


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
    blueprint: Optional[str] = Field(
        None,
        min_length=1,
        description="Path of the Blueprint file Render reads, from the repository root, when it is not "
        "render.yaml at the root (Render's \"Blueprint file path\" setting). Without it envlint reads "
        "the root render.yaml, else the only render.yaml/render.yml in a subdirectory.",
    )

    @model_validator(mode="after")
    def _service_or_services(self) -> "Spec":
        if self.service is not None and self.services:
            raise ValueError("use `service` (one service) or `services` (several), not both")
        return self


def validate(doc: YamlDoc) -> dict:
    """The document's data as the models read it (keys as given, values coerced), or SpecError
    located at the offending key."""
    try:
        spec = Spec.model_validate(doc.data)
    except ValidationError as exc:
        error = exc.errors()[0]
        loc = tuple(error["loc"])
        raise SpecError(_describe(error, loc), doc.key_location(loc)) from None
    return spec.model_dump(exclude_unset=True)


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
    if last in ("version", "port", "bind") and not isinstance(error["input"], (dict, list)):
        message += f", got {error['input']!r}"  # never echo env values (a default may be a secret) nor trees
    return f"{key}: {message}"


def schema_text() -> str:
    """The JSON schema of envspec.yaml, as committed in schemas/envspec.schema.json."""
    return json.dumps(Spec.model_json_schema(), indent=2, sort_keys=True) + "\n"

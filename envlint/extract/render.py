"""render.yaml (a Render Blueprint) as facts: services, their commands and environment.

Field meanings follow Render's Blueprint spec (https://render.com/docs/blueprint-spec; notes in
../shared/docs/render-blueprint.md). Full schema validation is a separate concern; this module
reads what the cross-file rules need and reports shapes it cannot read.
"""

from __future__ import annotations

from envlint.extract.commands import analyze_shell
from envlint.facts import Blueprint, Command, EnvVar, Location, Problem, RenderService
from envlint.repo import ReadError, Repo
from envlint.yamlload import YamlDoc, YamlError, YamlFloat, load_yaml

ENV_FORMS = ("value", "sync", "generateValue", "fromDatabase", "fromService")


def parse_render(repo: Repo, relpath: str) -> Blueprint:
    blueprint = Blueprint(relpath)
    try:
        doc = load_yaml(repo.read_text(relpath), relpath)
    except ReadError as exc:
        blueprint.problems.append(Problem("unreadable", str(exc), Location(relpath, 1, 1)))
        return blueprint
    except YamlError as exc:
        blueprint.problems.append(Problem("yaml-syntax", exc.message, exc.location))
        return blueprint
    for key, here, first in doc.duplicates:
        blueprint.problems.append(
            Problem("duplicate-key", f"duplicate key {key!r}: this value replaces the one at line {first.line}", here)
        )
    reader = _Reader(doc, blueprint)
    if not isinstance(doc.data, dict):
        reader.problem((), "render.yaml must be a mapping with a `services:` list")
        return blueprint
    for path in _containers(doc.data):
        reader.read_container(path)
    return blueprint


def _containers(data: dict) -> list[tuple]:
    """Paths of every mapping that may hold services and envVarGroups: the root, `ungrouped`,
    and each environment of each project."""
    paths: list[tuple] = [()]
    if isinstance(data.get("ungrouped"), dict):
        paths.append(("ungrouped",))
    for p, project in enumerate(data.get("projects") or []):
        if isinstance(project, dict):
            for e, environment in enumerate(project.get("environments") or []):
                if isinstance(environment, dict):
                    paths.append(("projects", p, "environments", e))
    return paths


class _Reader:
    def __init__(self, doc: YamlDoc, blueprint: Blueprint):
        self.doc = doc
        self.blueprint = blueprint

    def problem(self, path: tuple, message: str) -> None:
        self.blueprint.problems.append(Problem("render-structure", message, self.doc.key_location(path)))

    def items(self, path: tuple, what: str) -> list[tuple[tuple, dict]]:
        """The mapping entries of the list at `path`, reporting anything else."""
        value = self.doc.data_at(path) if self._has(path) else None
        if value is None:
            return []
        if not isinstance(value, list):
            self.problem(path, f"`{path[-1]}` must be a list of {what}")
            return []
        result = []
        for index, item in enumerate(value):
            if isinstance(item, dict):
                result.append((path + (index,), item))
            else:
                self.problem(path + (index,), f"each entry of `{path[-1]}` must be a mapping ({what})")
        return result

    def _has(self, path: tuple) -> bool:
        try:
            self.doc.data_at(path)
        except (KeyError, IndexError, TypeError):
            return False
        return True

    def read_container(self, path: tuple) -> None:
        for group_path, group in self.items(path + ("envVarGroups",), "env groups"):
            name = group.get("name")
            if not isinstance(name, str):
                self.problem(group_path, "an env group needs a `name`")
                continue
            variables, _ = self.env_vars(group_path + ("envVars",), group=name)
            self.blueprint.env_groups[name] = variables
        for service_path, service in self.items(path + ("services",), "services"):
            self.read_service(service_path, service)

    def read_service(self, path: tuple, data: dict) -> None:
        name = data.get("name")
        if not isinstance(name, str) or not name:
            self.problem(path, "a service needs a `name`")
            return
        service = RenderService(name=name, location=self.doc.value_location(path + ("name",)))
        service.type = _text(data.get("type"))
        service.runtime = _text(data.get("runtime", data.get("env")))
        service.root_dir = (_text(data.get("rootDir")) or "").strip("/").removeprefix("./")
        service.repo = _text(data.get("repo"))
        for key, attribute in (("dockerfilePath", "dockerfile_path"), ("dockerContext", "docker_context")):
            if isinstance(data.get(key), str):
                setattr(service, attribute, (data[key], self.doc.value_location(path + (key,))))
        for key, attribute in (
            ("buildCommand", "build_command"),
            ("startCommand", "start_command"),
            ("dockerCommand", "docker_command"),
        ):
            setattr(service, attribute, self.command(path + (key,), key, data.get(key)))
        service.env_vars, service.from_groups = self.env_vars(path + ("envVars",), group=None)
        self.blueprint.services.append(service)

    def command(self, path: tuple, source: str, value: object) -> Command | None:
        if value is None:
            return None
        if not isinstance(value, str):
            self.problem(path, f"`{source}` must be a string")
            return None
        return analyze_shell(source, self.doc.scalar_text(path))

    def env_vars(self, path: tuple, group: str | None) -> tuple[list[EnvVar], list[tuple[str, Location]]]:
        variables: list[EnvVar] = []
        groups: list[tuple[str, Location]] = []
        for entry_path, entry in self.items(path, "environment variables"):
            if "fromGroup" in entry:
                groups.append((str(entry["fromGroup"]), self.doc.value_location(entry_path + ("fromGroup",))))
                continue
            key = entry.get("key")
            if not isinstance(key, str) or not key:
                self.problem(entry_path, "an envVars entry needs a `key` (or `fromGroup`)")
                continue
            forms = [form for form in ENV_FORMS if form in entry]
            if "sync" in entry and entry["sync"] is not False:
                forms.remove("sync")  # `sync: true` is the default: the key is still unset
            if "generateValue" in entry and entry["generateValue"] is not True:
                forms.remove("generateValue")
            kind = forms[0] if forms else "unset"
            value, value_location = None, None
            if kind == "value":
                value = _text(entry["value"])
                value_location = self.doc.value_location(entry_path + ("value",))
            variables.append(
                EnvVar(
                    key=key,
                    kind=kind,
                    location=self.doc.value_location(entry_path + ("key",)),
                    value=value,
                    value_location=value_location,
                    group=group,
                )
            )
        return variables, groups


def _text(value: object) -> str | None:
    """A scalar as the string Render sees (env values are strings at run time)."""
    if value is None:
        return None
    if isinstance(value, YamlFloat):
        return value.text
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def effective_env(service: RenderService, groups: dict[str, list[EnvVar]]) -> list[EnvVar]:
    """The service's variables by Render's precedence: its own envVars beat those of a linked
    env group (render-blueprint.md §7.7). Groups named but not defined in the file contribute
    nothing here (they may exist in the Dashboard)."""
    seen: set[str] = set()
    result: list[EnvVar] = []
    for variable in service.env_vars + [v for name, _ in service.from_groups for v in groups.get(name, [])]:
        if variable.key not in seen:
            seen.add(variable.key)
            result.append(variable)
    return result

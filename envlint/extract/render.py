"""render.yaml (a Render Blueprint) as facts: services, their commands and environment.

Field meanings follow Render's Blueprint spec (https://render.com/docs/blueprint-spec; notes in
../shared/docs/render-blueprint.md). The whole file is first checked against the Blueprint schema
(envlint/extract/render_schema.py): every wrong shape is reported there, once, so the reader below
silently skips entries it cannot read instead of reporting them a second time.
"""

from __future__ import annotations

import re

from envlint.extract.commands import analyze_shell
from envlint.facts import Blueprint, EnvVar, Location, Problem, RenderDatabase, RenderRef, RenderService
from envlint.repo import ReadError, Repo
from envlint.secrets import looks_secret
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
    # Imported here, for a repository with a Blueprint only: the schema and its validator cost
    # ~2 ms of start-up (python -X importtime)
    from envlint.extract.render_schema import SCHEMA
    from envlint.schemacheck import validate

    for error in validate(SCHEMA, doc.data):
        location = doc.key_location(error.path) if error.at_key else doc.value_location(error.path)
        blueprint.problems.append(Problem("render-deprecated" if error.deprecated else "render-schema",
                                          error.message, location))
    blueprint.problems += _yaml11_booleans(doc)
    if isinstance(doc.data, dict):
        reader = _Reader(doc, blueprint)
        for path in _containers(doc.data):
            reader.read_container(path)
    return blueprint


# PyYAML's YAML 1.1 booleans other than true/false (https://yaml.org/type/bool.html)
_YAML11_BOOLEAN = frozenset("yes Yes YES no No NO on On ON off Off OFF".split())


def _yaml11_booleans(doc: YamlDoc) -> list[Problem]:
    """Unquoted values such as `generation: off`: the string "off" in YAML 1.2, which Render's
    own examples rely on, but the boolean false for YAML 1.1 readers (PyYAML, many scripts and
    editors), which then see a different Blueprint. Render's docs quote them (`'off'`)."""
    problems = []
    for path, value in _yaml11_words(doc.data):
        if doc.styles.get(path) is None:  # plain, not quoted
            where = f"`{path[-1]}: {value}`" if path and isinstance(path[-1], str) else f"`{value}`"
            problems.append(Problem("yaml11-boolean", (
                f"{where} is the string \"{value}\" here, but YAML 1.1 tools (PyYAML, many editors and scripts) "
                f"read an unquoted {value} as {str(value.lower() in ('yes', 'on')).lower()}; quote it: '{value}'"
            ), doc.value_location(path)))
    return problems


def _yaml11_words(data: object):
    """(path, value) of every string value in the document that is one of _YAML11_BOOLEAN, last
    entries first. Paths are made for those and for mappings and lists only, not for each of the
    other scalars: 10 -> 7 ms for a 1,000-service render.yaml."""
    stack = [((), data)]
    while stack:
        path, data = stack.pop()
        if isinstance(data, str):
            if data in _YAML11_BOOLEAN:
                yield path, data
        elif isinstance(data, (dict, list)):
            entries = data.items() if isinstance(data, dict) else enumerate(data)
            stack += [(path + (key,), value) for key, value in entries
                      if isinstance(value, (dict, list)) or (isinstance(value, str) and value in _YAML11_BOOLEAN)]


def _containers(data: dict) -> list[tuple]:
    """Paths of every mapping that may hold services and envVarGroups: the root, `ungrouped`,
    and each environment of each project."""
    paths: list[tuple] = [()]
    if isinstance(data.get("ungrouped"), dict):
        paths.append(("ungrouped",))
    projects = data.get("projects")
    for p, project in enumerate(projects if isinstance(projects, list) else []):
        environments = project.get("environments") if isinstance(project, dict) else None
        for e, environment in enumerate(environments if isinstance(environments, list) else []):
            if isinstance(environment, dict):
                paths.append(("projects", p, "environments", e))
    return paths


class _Reader:
    """Reads the entries the rules need, skipping any it cannot read (the schema reported them)."""

    def __init__(self, doc: YamlDoc, blueprint: Blueprint):
        self.doc = doc
        self.blueprint = blueprint

    def items(self, path: tuple) -> list[tuple[tuple, dict]]:
        """The mapping entries of the list at `path`."""
        try:
            value = self.doc.data_at(path)
        except (KeyError, IndexError, TypeError):
            return []
        if not isinstance(value, list):
            return []
        return [(path + (index,), item) for index, item in enumerate(value) if isinstance(item, dict)]

    def read_container(self, path: tuple) -> None:
        scope = path[1::2] if path[:1] == ("projects",) else ()  # references resolve within one environment
        for group_path, group in self.items(path + ("envVarGroups",)):
            name = group.get("name")
            if isinstance(name, str):
                variables, _ = self.env_vars(group_path + ("envVars",), group=name, scope=scope)
                self.blueprint.env_groups[name] = variables
        for service_path, service in self.items(path + ("services",)):
            self.read_service(service_path, service, scope)
        for database_path, database in self.items(path + ("databases",)):
            for name_path in [database_path] + [p for p, _ in self.items(database_path + ("readReplicas",))]:
                name = self.doc.data_at(name_path).get("name")
                if isinstance(name, str):
                    location = self.doc.value_location(name_path + ("name",))
                    self.blueprint.databases.append(RenderDatabase(name, location, scope))

    def read_service(self, path: tuple, data: dict, scope: tuple) -> None:
        name = data.get("name")
        if not isinstance(name, str) or not name:
            return
        service = RenderService(name=name, location=self.doc.value_location(path + ("name",)), scope=scope)
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
            if isinstance(data.get(key), str):
                setattr(service, attribute, analyze_shell(key, self.doc.scalar_text(path + (key,))))
        service.env_vars, service.from_groups = self.env_vars(path + ("envVars",), group=None, scope=scope)
        self.blueprint.services.append(service)

    def env_vars(
        self, path: tuple, group: str | None, scope: tuple
    ) -> tuple[list[EnvVar], list[tuple[str, Location]]]:
        variables: list[EnvVar] = []
        groups: list[tuple[str, Location]] = []
        for entry_path, entry in self.items(path):
            if "fromGroup" in entry:
                if (group_name := _text(entry["fromGroup"])) is not None:
                    groups.append((group_name, self.doc.value_location(entry_path + ("fromGroup",))))
                continue
            key = entry.get("key")
            if not isinstance(key, str) or not key:
                continue
            forms = [form for form in ENV_FORMS if form in entry]
            if "sync" in entry and entry["sync"] is not False:
                forms.remove("sync")  # `sync: true` is the default: the key is still unset
            if "generateValue" in entry and entry["generateValue"] is not True:
                forms.remove("generateValue")
            kind = forms[0] if forms else "unset"
            for form in ("value", "previewValue"):
                if form in entry:
                    self.blueprint.problems += _changed_number(self.doc, entry_path + (form,), key)
            value, value_location = None, None
            if kind == "value":
                value = _text(entry["value"])
                value_location = self.doc.value_location(entry_path + ("value",))
            elif kind in ("fromDatabase", "fromService") and isinstance(entry[kind], dict):
                self.reference(entry_path + (kind,), entry[kind], scope)
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

    def reference(self, path: tuple, data: dict, scope: tuple) -> None:
        name = data.get("name")
        if isinstance(name, str) and name:
            self.blueprint.references.append(RenderRef(
                kind="database" if path[-1] == "fromDatabase" else "service",
                name=name,
                location=self.doc.value_location(path + ("name",)),
                scope=scope,
                type=data.get("type") if isinstance(data.get("type"), str) else None,
            ))


def _changed_number(doc: YamlDoc, path: tuple, key: str) -> list[Problem]:
    """`value: 3.10`: a plain number whose text is not the number's own form. Render's schema
    takes a number for `value` and its variables are strings, so the string is made from the
    number, 3.1, not from what was written (inference: render-blueprint.md, "value must be a
    string or a number"; "values are always strings at runtime"). `5000` or `0.5` say the same."""
    value = doc.data_at(path)
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return []
    if isinstance(value, YamlFloat):
        if value != value or value in (float("inf"), float("-inf")):
            return []  # .nan/.inf: no digits to lose
        text, number = value.text, repr(float(value)).removesuffix(".0")
    else:
        line, column, end_line, end_column = doc.value_marks[path]
        text = doc.source_lines[line][column:end_column] if line == end_line else str(value)
        number = str(value)
    if text == number:
        return []
    if looks_secret(key):
        return [Problem("yaml-number", NUMBER_HIDDEN.format(key=key), doc.value_location(path))]
    octal = " (YAML 1.1 tools: the octal " + str(int(text, 8)) + ")" if re.fullmatch(r"0[0-7]+", text) else ""
    return [Problem("yaml-number", f"{key}: `{text}` is a YAML number, read as {number}{octal}, and Render makes "
                    f"the variable's string from the number, not from the text; quote it: \"{text}\"",
                    doc.value_location(path))]


NUMBER_HIDDEN = ("{key}: the value is a YAML number, and Render makes the variable's string from the number, "
                 "not from the text as written; quote it")  # the value itself is never shown


def _text(value: object) -> str | None:
    """A scalar as the string Render sees (env values are strings at run time); None for a
    mapping or list, which the schema reports (and whose str() may nest too deep to print)."""
    if value is None or isinstance(value, (dict, list)):
        return None
    if isinstance(value, YamlFloat):
        return value.text
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


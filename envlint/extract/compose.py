"""docker-compose files as facts: for each service, how it is built (context, Dockerfile), the
variables its `environment` and `env_file` name, the container ports it publishes and its `command`.

Compose runs the app on a laptop, not on Render: what it sets counts for local runs only. Values
of `environment` and of env files are never kept (they may be secrets), only the names. Field
shapes follow the Compose file reference (services.build, .environment, .env_file, .ports,
.command); a file envlint cannot read as YAML is skipped, since no deploy depends on it.
"""

from __future__ import annotations

import fnmatch
import posixpath
import re

from envlint.extract.commands import analyze_exec, analyze_shell
from envlint.extract.dotenv import declared_in_env_file
from envlint.facts import ComposeFile, ComposePort, ComposeService, DeclaredVar, Location, Word
from envlint.repo import ReadError, Repo
from envlint.yamlload import YamlDoc, YamlError, load_yaml

COMPOSE_PATTERNS = ("docker-compose.yml", "docker-compose.yaml", "compose.yml", "compose.yaml",
                    "docker-compose.*.yml", "docker-compose.*.yaml", "compose.*.yml", "compose.*.yaml")
_KEY = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
_PORT = re.compile(r"(?:(?:\[[^\]]*\]|[^:\[\]]*):)?(?:[^:]*:)?(\d+)(?:/(?:tcp|udp|sctp))?")


def is_compose(path: str) -> bool:
    name = posixpath.basename(path)
    return any(fnmatch.fnmatchcase(name, pattern) for pattern in COMPOSE_PATTERNS)


def parse_compose(repo: Repo, path: str) -> ComposeFile:
    compose = ComposeFile(path)
    try:
        doc = load_yaml(repo.read_text(path), path)
    except (ReadError, YamlError):
        return compose
    services = doc.data.get("services") if isinstance(doc.data, dict) else None
    if not isinstance(services, dict):
        return compose
    base = posixpath.dirname(path)
    for name, body in services.items():
        if isinstance(body, dict):
            compose.services.append(_service(repo, doc, base, str(name), body))
    return compose


def _service(repo: Repo, doc: YamlDoc, base: str, name: str, body: dict) -> ComposeService:
    here = ("services", name)
    service = ComposeService(name, doc.key_location(here))
    build = body.get("build")
    context, dockerfile = (build, None) if isinstance(build, str) else (
        (build.get("context", "."), build.get("dockerfile")) if isinstance(build, dict) else (None, None))
    if isinstance(context, str):
        service.build_context = repo.normalize(context, base)  # None: outside the repository, or a URL
        if service.build_context is not None:
            written = dockerfile if isinstance(dockerfile, str) else "Dockerfile"
            service.dockerfile = repo.normalize(written, service.build_context)
    environment = body.get("environment")
    if isinstance(environment, dict):
        for key in environment:
            if isinstance(key, str) and _KEY.fullmatch(key):
                service.environment.append(DeclaredVar(key, doc.path, doc.key_location(here + ("environment", key))))
    elif isinstance(environment, list):
        for index, item in enumerate(environment):
            key = str(item).split("=", 1)[0] if isinstance(item, str) else ""
            if _KEY.fullmatch(key):
                where = doc.value_location(here + ("environment", index))
                column = where.column + (1 if doc.styles.get(here + ("environment", index)) else 0)
                service.environment.append(DeclaredVar(key, doc.path, Location(
                    where.path, where.line, column, where.line, column + len(key))))
    service.environment += _env_files(repo, base, body.get("env_file"))
    ports = body.get("ports")
    for index, item in enumerate(ports if isinstance(ports, list) else []):
        service.ports.append(_port(doc, here + ("ports", index), item))
    command = body.get("command")
    if isinstance(command, str):
        service.command = analyze_shell("command", doc.scalar_text(here + ("command",)))
    elif isinstance(command, list) and command:
        words = [Word(str(w), doc.value_location(here + ("command", i))) for i, w in enumerate(command)]
        service.command = analyze_exec("command", words, doc.key_location(here + ("command",)))
    return service


def _env_files(repo: Repo, base: str, env_file: object) -> list[DeclaredVar]:
    """The names the service's env files set, each at its line in its env file: they reach the
    container as `environment` does (which wins on a name both set; either way it is set).
    `env_file` is a path or a list of paths or `{path, required, format}` entries, relative to
    the compose file's directory (compose-spec 05-services.md, "env_file"). A file that is not
    there is skipped whether or not it is `required`: a local `.env` is usually git-ignored."""
    entries = env_file if isinstance(env_file, list) else [env_file]
    found: list[DeclaredVar] = []
    for entry in entries:
        written = entry.get("path") if isinstance(entry, dict) else entry
        path = repo.normalize(written, base) if isinstance(written, str) and written else None
        if path is not None:
            found += declared_in_env_file(repo, path)
    return found


def _port(doc: YamlDoc, path: tuple, item: object) -> ComposePort:
    """Short syntax `[HOST:]CONTAINER[/PROTOCOL]` (HOST may be `IP:PORT`), or the long syntax
    `{target: 5000, published: 8080}`; a range or a variable gives no container port."""
    if isinstance(item, dict):
        target = item.get("target")
        container = target if isinstance(target, int) and not isinstance(target, bool) else None
        return ComposePort(str(target), container, doc.key_location(path + ("target",)))
    text = str(item)
    match = _PORT.fullmatch(text) if isinstance(item, (str, int)) and not isinstance(item, bool) else None
    return ComposePort(text, int(match[1]) if match else None, doc.value_location(path))

"""EL208–EL209: files for running the app elsewhere than on Render (docker-compose, Procfile),
checked against what the app and Render actually do."""

from __future__ import annotations

from envlint.facts import Build, ComposeService, Facts, Listen
from envlint.findings import Severity
from envlint.rules.base import rule


@rule("EL208", "compose-port-mismatch", Severity.WARNING)
def compose_port_mismatch(facts, spec):
    """A docker-compose service that publishes container ports the app does not listen on.

    What it does: for each compose service built from this repository, takes the ports its
    server listens on in the container (its `command`, else the CMD/ENTRYPOINT of the Dockerfile
    it builds, with the Dockerfile's ENV; a port read from a variable the compose service sets is
    left alone), or the spec's `port` when those do not say, and reports a `ports:` list whose
    container ports (the right-hand side of `8080:5000`) include none of them.

    Why is this bad? `docker compose up` starts, but every request to the published port gets
    "connection reset": the local run no longer tells whether the image works.

    Example: `ports: ["8000:8000"]` while the Dockerfile runs `gunicorn -b 0.0.0.0:5000 app:app`.

    Use instead: `ports: ["8000:5000"]`: the host port on the left, the app's port on the right.
    """
    for compose in facts.compose:
        for service in compose.services:
            containers = [p.container for p in service.ports if p.container is not None]
            if not containers or service.build_context is None:
                continue
            ports, where = _app_ports(facts, service)
            if not ports and spec is not None and spec.port is not None:
                ports, where = {spec.port}, f"the spec's port ({spec.where('port').short()})"
            if ports and not ports & set(containers):
                first = next(p for p in service.ports if p.container is not None)
                yield first.location, (
                    f"compose service '{service.name}' publishes container port "
                    f"{', '.join(map(str, sorted(set(containers))))} but the app listens on "
                    f"{', '.join(map(str, sorted(ports)))} ({where})"
                )


def _app_ports(facts: Facts, service: ComposeService) -> tuple[set[int], str]:
    """The ports the container's server listens on, locally, and where that is said."""
    image = _image_build(facts, service.dockerfile)
    env = {}
    if image is not None and image.dockerfile is not None and image.dockerfile.final is not None:
        env = {v.key: v.value for v in image.dockerfile.final.env if v.kind == "ENV"}
    if service.command is not None:  # replaces the image's CMD
        listens = list(service.command.listens)
    elif image is not None and (image.service is None or image.service.docker_command is None):
        listens = list(image.listens)
    else:
        return set(), ""
    set_here = {v.key for v in service.environment}
    ports = {p for p in (_local_port(listen, env, set_here) for listen in listens) if p is not None}
    where = ", ".join(sorted({listen.location.short() for listen in listens}))
    return ports, where


def _image_build(facts: Facts, dockerfile: str | None) -> Build | None:
    """The build of that Dockerfile, preferring the one without Render's environment."""
    builds = [b for b in facts.builds if b.dockerfile is not None and b.dockerfile.path == dockerfile]
    return next((b for b in builds if b.service is None), builds[0] if builds else None)


def _local_port(listen: Listen, env: dict, set_here: set[str]) -> int | None:
    if listen.port_env is None:
        return listen.port
    if listen.port_env in set_here:
        return None  # compose sets it; its value is not read
    value = env.get(listen.port_env)
    if value is not None:
        return int(value) if value.isdigit() else None
    return listen.port


@rule("EL209", "procfile-ignored", Severity.INFO)
def procfile_ignored(facts, spec):
    """A Procfile whose `web:` command is not what render.yaml's native Python service runs.

    What it does: when render.yaml deploys a native Python service, compares the Procfile's
    `web:` command with each such service's `startCommand`, and notes a Procfile that matches
    none of them.

    Why is this bad? Render never reads a Procfile (it is Heroku's); the file says one thing
    and production does another, and someone will edit the wrong one.

    Example: Procfile `web: gunicorn app:app`; render.yaml `startCommand: python app.py`.

    Use instead: delete the Procfile, or keep it identical to the startCommand.
    """
    procfile = facts.procfile
    if procfile is None or facts.blueprint is None:
        return
    starts = [s.start_command for s in facts.blueprint.services if s.runtime == "python" and s.start_command]
    if not starts:
        return
    text = _text(procfile)
    if all(_text(start) != text for start in starts):
        yield procfile.location, (
            f"Render does not read the Procfile; its web command {text!r} is not the startCommand "
            f"render.yaml runs ({starts[0].location.short()})"
        )


def _text(command) -> str:
    return " ".join(word.text for word in command.words)


RULES = (compose_port_mismatch, procfile_ignored)

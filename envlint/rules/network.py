"""EL2xx: where the app listens — bind address and port — against the spec and Render.

Render facts (../shared/docs/render-blueprint.md §7.1, from render.com/docs/web-services): a web
service must bind 0.0.0.0; Render sets PORT=10000 for web services unless the service sets it,
and a variable Render sets beats the image's `ENV` (the container is started with it).
"""

from __future__ import annotations

import ipaddress
import posixpath
import re
from collections.abc import Iterator

from envlint.environment import RENDER_DEFAULT_PORT, resolve_one
from envlint.facts import Build, Listen, Location, Word
from envlint.findings import Severity
from envlint.record import record
from envlint.rules.base import described, rule, shared

ALL_INTERFACES = {"0.0.0.0", "::", "[::]"}


@record(frozen=True)
class RuntimePort:
    value: int | None  # None: set, but not in a file (`sync: false`, a database reference)
    location: Location
    origin: str  # how a message explains it


def runtime_port(build: Build) -> RuntimePort | None:
    """The value of PORT inside the running service (envlint.environment has the precedence)."""
    port = resolve_one(build, "PORT")
    if port.kind == "unset":
        return None
    if port.kind == "injected":
        return RuntimePort(RENDER_DEFAULT_PORT, port.location, port.origin)
    where = port.location
    origin = f"ENV PORT at {where.short()}" if port.kind == "ENV" else f"set at {where.short()}"
    return RuntimePort(_int(port.value), where, origin)


def _int(text: str | None) -> int | None:
    return int(text) if text is not None and text.isdigit() else None


def listen_port(build: Build, listen: Listen) -> tuple[int | None, str]:
    """The port a server will listen on, and how we know."""
    return _listen_port(build, listen, runtime_port(build) if listen.port_env == "PORT" else None)


def _listen_port(build: Build, listen: Listen, port: RuntimePort | None) -> tuple[int | None, str]:
    """`listen_port`, given the build's `runtime_port`."""
    if listen.port_env is None:
        how = "its default" if listen.port_implicit else "as written"
        return listen.port, how
    if listen.port_env == "PORT":
        if port is not None and port.value is not None:
            return port.value, f"from $PORT; {port.origin}"
    for variable in build.runtime_env:
        if variable.key == listen.port_env and variable.kind in ("ENV", "value") and _int(variable.value):
            return _int(variable.value), f"from ${listen.port_env}, set at {(variable.value_location or variable.location).short()}"
    if listen.port is not None:
        return listen.port, f"${listen.port_env} is not set anywhere, so the fallback"
    return None, ""


@shared
def _runtime_ports(facts, spec) -> dict[int, RuntimePort | None]:
    """Each build's `runtime_port`, by `id(build)`: once for EL202 and EL203."""
    return {id(build): runtime_port(build) for build in facts.builds}


def _is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def _same_address(host: str, wanted: str) -> bool:
    return host == wanted or (host in ALL_INTERFACES and wanted in ALL_INTERFACES)


@rule("EL201", "bind-address", Severity.ERROR)
def bind_address(facts, spec):
    """A server that binds an address other than the spec's, or binds loopback.

    What it does: reads the host from the start command (gunicorn `--bind`, uvicorn `--host`,
    `flask run --host`, …) or, for `python app.py`, from `app.run(...)` / `uvicorn.run(...)` in
    that file, including each server's default when no host is given. With a spec, the host
    must be its `bind`; without one, it must not be 127.0.0.1 or localhost.

    Why is this bad? Render's proxy reaches the container over the network; a server bound to
    127.0.0.1 is unreachable, and Render reports "No open ports detected" or returns errors.

    Example: `app.run(host="127.0.0.1", port=5000)`, or `uvicorn main:app` (127.0.0.1 by
    default).

    Use instead: `app.run(host="0.0.0.0", …)` / `uvicorn main:app --host 0.0.0.0`.
    """
    specs = described(facts, spec)
    for build in facts.builds:
        own = specs.get(id(build))
        wanted = own.bind if own is not None else None
        for listen in build.listens:
            host = listen.host
            if host is None or (wanted is None and not _is_loopback(host)):
                continue
            if wanted is not None and _same_address(host, wanted):
                continue
            said = f"listens on {host} by default" if listen.host_implicit else f"binds {host}"
            if wanted is not None:
                why = f"the spec says {wanted} ({own.where('bind').short()})"
            else:
                why = "a server bound to loopback cannot be reached from outside its container"
            yield listen.host_location or listen.location, f"{listen.server} {said}; {why}"


@rule("EL202", "port-mismatch", Severity.ERROR)
def port_mismatch(facts, spec):
    """The port the app listens on differs from the spec's port or from the PORT Render sends
    traffic to.

    What it does: works out the port each server listens on — a literal in the start command or
    `app.run(...)`, or `$PORT` resolved by Render's precedence (render.yaml envVars, then
    Render's PORT=10000 for web services, then the Dockerfile's `ENV PORT`) — and compares it
    with the spec's `port` and, for Render web services, with PORT.

    Why is this bad? Render routes public traffic to PORT. An app listening elsewhere relies on
    Render's port detection, which "usually" works; when it does not, the deploy fails with
    "No open ports detected" or requests go nowhere.

    Example: the app reads `$PORT` and the spec says 5000, but render.yaml does not set PORT, so
    Render injects 10000 and the app listens there.

    Use instead: set `PORT` in the service's envVars to the spec's port, or listen on `$PORT`.
    """
    specs = described(facts, spec)
    ports = _runtime_ports(facts, spec)
    for build in facts.builds:
        own = specs.get(id(build))
        wanted = own.port if own is not None else None
        render_port = ports[id(build)] if build.is_web else None
        resolved = []
        for listen in build.listens:
            port, how = _listen_port(build, listen, ports[id(build)])
            if port is None:
                continue
            resolved.append(port)
            where = listen.port_location or listen.location
            if wanted is not None and port != wanted:
                yield where, (
                    f"{listen.server} listens on {port} ({how}) but the spec says {wanted} "
                    f"({own.where('port').short()})"
                )
            elif (
                render_port is not None and render_port.value is not None
                and listen.port_env is None and port != render_port.value
            ):
                yield where, (
                    f"{listen.server} listens on {port} ({how}) but Render sends traffic to "
                    f"PORT={render_port.value} ({render_port.origin}); listen on $PORT or set PORT={port}"
                )
        if wanted is not None and not resolved and render_port is not None:
            if render_port.value is not None and render_port.value != wanted:
                yield render_port.location, (
                    f"the spec says the app listens on {wanted} ({own.where('port').short()}) but "
                    f"PORT is {render_port.value} here ({render_port.origin}); set PORT={wanted} in envVars"
                )


@rule("EL203", "port-hint-mismatch", Severity.WARNING)
def port_hint_mismatch(facts, spec):
    """EXPOSE or the Dockerfile's `ENV PORT` disagreeing with the port the app really uses.

    What it does: compares the final stage's `EXPOSE` ports with the spec's port (or, without a
    spec, the port the start command listens on) and reports each of them when none is that
    port (an image may expose a metrics port beside the app's); reports an `ENV PORT` that
    Render replaces at run time.

    Why is this bad? Neither decides anything on Render — it ignores EXPOSE, and its own PORT
    beats `ENV PORT` — but both tell the next reader a port the app does not use, which is how
    the wrong port ends up in the next config.

    Example: `EXPOSE 5000` and `ENV PORT=5000` for a web service on Render, which starts the
    container with PORT=10000.

    Use instead: set PORT in render.yaml and make EXPOSE say the same port.
    """
    specs = described(facts, spec)
    runtime_ports = _runtime_ports(facts, spec)
    for build in facts.builds:
        final = build.stage
        if final is None:
            continue
        own = specs.get(id(build))
        wanted = own.port if own is not None else None
        render_port = runtime_ports[id(build)]
        ports = [p for p in (_listen_port(build, l, render_port)[0] for l in build.listens) if p is not None]
        reference = wanted if wanted is not None else (ports[0] if ports else None)
        source = "the spec's port" if wanted is not None else "the port the app listens on"
        exposed = [e for e in final.exposes if e.port is not None]
        if reference is not None and all(e.port != reference for e in exposed):
            for expose in exposed:
                yield expose.location, f"EXPOSE {expose.port} but {source} is {reference}"
        for variable in final.env:
            if variable.kind != "ENV" or variable.key != "PORT" or render_port is None:
                continue
            if render_port.value is not None and _int(variable.value) not in (None, render_port.value):
                yield variable.location, (
                    f"ENV PORT={variable.value} is replaced at run time by PORT={render_port.value} "
                    f"({render_port.origin})"
                )


_SHELLS = frozenset({"sh", "bash", "dash", "ash", "zsh", "ksh", "busybox"})
_OPERATORS = frozenset({"&&", "||", ";", "|", ";;", "&"})
_VARIABLE = re.compile(r"\$(?:\{[A-Za-z_][A-Za-z0-9_]*|[A-Za-z_][A-Za-z0-9_]*)")


def _before_shell(words: tuple[Word, ...]) -> tuple[Word, ...]:
    """The words no shell reads: all of them, or those before `sh -c` (whose string a shell
    does read, with the variables it mentions expanded)."""
    for i, word in enumerate(words):
        if posixpath.basename(word.text) in _SHELLS:
            options = words[i + 1:i + 3]
            if any(w.text.startswith("-") and "c" in w.text.lstrip("-") and not w.text.startswith("--")
                   for w in options):
                return words[:i]
    return words


def _no_shell_problems(words: tuple[Word, ...], lead: str, remedy: str) -> Iterator[tuple[Location, str]]:
    """`lead` says why no shell may read the words ("exec-form CMD runs no shell")."""
    program = ""
    for word in _before_shell(words):
        if word.text in _OPERATORS:
            yield word.location, (
                f"{lead}: {word.text!r} is passed to {program} as an argument, and what follows it "
                f"never runs as a command; {remedy}"
            )
            program = ""
            continue
        program = program or posixpath.basename(word.text)
        match = _VARIABLE.search(word.text)
        if match:
            name = match.group(0).lstrip("${")
            symptom = " (uvicorn: \"'$PORT' is not a valid integer\")" if name == "PORT" else ""
            yield _inside(word, match.start()), (
                f"{lead}: {program} gets the literal text {match.group(0)!r}, not the value of "
                f"{name}{symptom}; {remedy}"
            )


def _inside(word: Word, index: int) -> Location:
    """The location of character `index` of a word written on one line as its bare text or
    between two quotes with no escapes inside, else the word's own location."""
    loc = word.location
    if loc.end_line not in (None, loc.line) or loc.end_column is None:
        return loc
    width = loc.end_column - loc.column
    if width in (len(word.text), len(word.text) + 2):
        return Location(loc.path, loc.line, loc.column + index + (width - len(word.text)) // 2)
    return loc


@rule("EL204", "exec-form-no-shell", Severity.ERROR)
def exec_form_no_shell(facts, spec):
    """A JSON-array (exec form) CMD or ENTRYPOINT that relies on a shell: a `$VARIABLE` or an
    `&&`, `;`, `|` among its words.

    What it does: reads the command the image runs (ENTRYPOINT and CMD combined as Docker
    combines them) and reports `$NAME` / `${NAME}` and shell operators in words that no shell
    reads — everything except the string given to `sh -c`.

    Why is this bad? Docker runs an exec-form command directly: `$PORT` reaches the server as
    the five characters `$PORT` (uvicorn: "'$PORT' is not a valid integer") and `&&` is just
    another argument (docs.docker.com, Dockerfile reference, "Shell and exec form").

    Example: `CMD ["uvicorn", "main:app", "--host", "0.0.0.0", "--port", "$PORT"]`.

    Use instead: `CMD uvicorn main:app --host 0.0.0.0 --port $PORT` (shell form), or
    `CMD ["sh", "-c", "uvicorn main:app --host 0.0.0.0 --port $PORT"]`.
    """
    remedy = "use the shell form, or [\"sh\", \"-c\", \"…\"]"
    for build in facts.builds:
        for command in build.start:
            if command.exec_form:
                lead = f"exec-form {command.source} runs no shell"
                yield from _no_shell_problems(command.words, lead, remedy)


@rule("EL205", "docker-command-no-shell", Severity.WARNING)
def docker_command_no_shell(facts, spec):
    """A render.yaml `dockerCommand` that needs a shell but is not wrapped in one.

    What it does: reports `&&`, `;`, `|` and unquoted `$NAME` in a `dockerCommand` that does
    not start with `sh -c` / `bash -c`.

    Why is this bad? Render says to give several commands to `/bin/bash -c` and does not say
    whether it runs `dockerCommand` through a shell (render-blueprint.md §7.3); projects that
    relied on it saw "'$PORT' is not a valid integer" or only the first command run.

    Example: `dockerCommand: python migrate.py && gunicorn -b 0.0.0.0:$PORT app:app`.

    Use instead: `dockerCommand: /bin/bash -c "python migrate.py && gunicorn -b 0.0.0.0:$PORT app:app"`.
    """
    remedy = "wrap it: /bin/bash -c \"…\""
    for service in facts.blueprint.services if facts.blueprint else []:
        command = service.docker_command
        if command is None or command.problems or _before_shell(command.words) != command.words:
            continue  # unreadable, or already wrapped in a shell
        unquoted = tuple(w for w in command.words if not w.quoted)  # quoting hides `$` from us
        yield from _no_shell_problems(unquoted, "Render may run dockerCommand without a shell", remedy)


@rule("EL206", "worker-listens", Severity.WARNING)
def worker_listens(facts, spec):
    """A worker or cron job service that starts a web server.

    What it does: reports servers (gunicorn, uvicorn, `app.run`, …) started by a render.yaml
    service of `type: worker` or `type: cron`.

    Why is this bad? Render sends no traffic to workers and cron jobs: nobody can reach the
    server, and a service that was meant to answer requests silently does not.

    Example: `type: worker` with `startCommand: gunicorn app:app`.

    Use instead: `type: web` (public) or `type: pserv` (reachable from your other services).
    """
    for build in facts.builds:
        if build.service is None or build.service.type not in ("worker", "cron"):
            continue
        for listen in build.listens:
            yield listen.location, (
                f"{listen.server} serves requests, but Render sends no traffic to {build.service.type} "
                f"service '{build.service.name}'; make it type: web (public) or type: pserv (private)"
            )


_WORKER_PROGRAMS = frozenset({"celery", "rq", "rqworker", "dramatiq", "huey_consumer", "huey_consumer.py", "arq"})
_WORKER_SCRIPT = re.compile(r"(bot|worker|consumer|poller|scheduler)[\w-]*\.py$", re.IGNORECASE)


def _worker_word(command) -> Word | None:
    for word in command.words:
        if posixpath.basename(word.text) in _WORKER_PROGRAMS:
            return word
    return next((w for w in command.scripts if _WORKER_SCRIPT.search(posixpath.basename(w.text))), None)


@rule("EL207", "web-service-without-server", Severity.WARNING)
def web_service_without_server(facts, spec):
    """A web service whose start command runs a worker or a bot, not a server.

    What it does: for render.yaml `type: web` services whose start command opens no port that
    envlint can see, reports a queue worker (celery, rq, dramatiq, huey, arq) or a script named
    like a bot, worker, consumer, poller or scheduler.

    Why is this bad? Render waits for a web service to open a port, then fails the deploy:
    "Port scan timeout reached, no open ports detected … If you don't need to receive traffic
    on any port, create a background worker instead" (render-failures.md F1).

    Example: `type: web` with `startCommand: python bot.py` (a Telegram bot).

    Use instead: `type: worker`.
    """
    for build in facts.builds:
        if not build.is_web or build.listens:
            continue
        for command in build.start:
            word = _worker_word(command)
            if word is not None:
                yield word.location, (
                    f"web service '{build.service.name}' runs {posixpath.basename(word.text)}, which opens no "
                    f"port: Render fails the deploy with \"no open ports detected\"; make it type: worker"
                )


RULES = (
    bind_address, port_mismatch, port_hint_mismatch, exec_form_no_shell, docker_command_no_shell,
    worker_listens, web_service_without_server,
)

"""`envlint init`: write a first envspec.yaml from what the repository already says.

Everything comes from the facts `envlint check` reads (nothing is run or fetched): the effective
exact pins of each build, the port and bind its start command or code uses, the variables
render.yaml provides and the code reads, the Python version. Each value carries a comment naming
where it came from; "guessed" marks values inferred rather than read. A secret's value is never
written: a secret is declared by name only, as `required: true` and `secret: true`.

The YAML is emitted by hand (to place comments), every scalar through yaml.safe_dump so that
`no`, `on`, `0123` or `1.10` stay strings; the result is loaded with envlint's own spec loader
before anything is written.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field

import yaml

from envlint.facts import Build, EnvRead, Facts, Installed, Requirement
from envlint.secrets import looks_secret

_PYTHON = re.compile(r"3\.[0-9]+")
# set by Render or the image, or build-time knobs: not what the app needs from the deploy
_NOT_APP = {"PORT", "PYTHON_VERSION", "PATH", "HOME", "HOSTNAME", "LANG"}
_LOOPBACK = ("127.0.0.1", "localhost", "::1", "[::1]")


@dataclass
class Var:
    required: bool = False
    secret: bool = False
    default: str | None = None
    why: list[str] = field(default_factory=list)


@dataclass
class Part:
    """What one spec part says, each value with its comment."""

    python: tuple[str, str] | None = None
    port: tuple[int, str] | None = None
    bind: tuple[str, str] | None = None
    packages: list[tuple[str, str]] = field(default_factory=list)  # (requirement, comment)
    loose: list[str] = field(default_factory=list)  # comments on packages not pinned exactly
    env: dict[str, Var] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)


def infer(facts: Facts) -> str:
    """The text of envspec.yaml for the repository these facts describe."""
    first: dict[str, Build] = {}  # one entry per name (a repeated name is render.yaml's error)
    for build in facts.builds:
        if build.service is not None:
            first.setdefault(build.service.name, build)
    services = list(first.values())
    reads = _owned_reads(facts)
    lines = [
        "# envspec.yaml: written by `envlint init` from this repository's deploy files and code.",
        "# Comments say where each value was read; \"guessed\" marks what envlint inferred. Review",
        "# it, then run `envlint check`. Schema: schemas/envspec.schema.json.",
        "version: 1",
    ]
    if len(services) > 1:
        lines.append("services:")
        for build in services:
            lines.append(f"  {_scalar(build.service.name)}:")
            lines += _part(_describe(facts, [build], reads), "    ")
        if any(b.service is None for b in facts.builds):
            lines.append("# not described: the Dockerfile no render.yaml service builds")
    else:
        if len(services) == 1:
            lines.append(f"service: {_scalar(services[0].service.name)}  # the render.yaml service at "
                         f"{services[0].service.location.short()}")
        lines += _part(_describe(facts, facts.builds, reads), "")
    return "\n".join(lines) + "\n"


def _owned_reads(facts: Facts) -> dict[int, list[EnvRead]]:
    """The code's reads per build (`id(build)`), as the code rules assign them."""
    try:
        from envlint.rules.code import owned_reads
    except ImportError:  # without the code rules: every read belongs to every build
        return {id(b): list(facts.env_reads) for b in facts.builds}
    return owned_reads(facts)


def _describe(facts: Facts, builds: list[Build], reads: dict[int, list[EnvRead]]) -> Part:
    part = Part()
    part.python = _python(facts, builds)
    _listen(part, builds)
    _packages(part, facts, builds)
    code = list(facts.env_reads) if not builds else [r for b in builds for r in reads.get(id(b), [])]
    _env(part, builds, code)
    return part


def _python(facts: Facts, builds: list[Build]) -> tuple[str, str] | None:
    """major.minor (which any patch release satisfies) of the first version a source declares."""
    found = [(m.group(0), v) for v in [*(v for b in builds for v in b.versions), *facts.versions]
             if (m := _PYTHON.match(v.text.strip()))]
    if not found:
        return None
    version, source = found[0]
    why = f"from {source.source} at {source.location.short()}"
    others = sorted({f"{t} at {v.location.short()}" for t, v in found if t != version})
    if others:
        why = f"guessed: {why}; but also {', '.join(others)}"
    return version, why


def _listen(part: Part, builds: list[Build]) -> None:
    from envlint.rules.network import listen_port

    ports, hosts = [], []
    for build in builds:
        for listen in build.listens:
            port, how = listen_port(build, listen)
            if port is not None:
                where = (listen.port_location or listen.location).short()
                ports.append((port, f"{listen.server} at {where}, {how}" if how else f"{listen.server} at {where}"))
            if listen.host is not None:
                hosts.append((listen.host, listen))
    if ports:
        port, why = ports[0]
        others = sorted({f"{p} ({w})" for p, w in ports if p != port})
        part.port = (port, f"guessed: {why}; but also {', '.join(others)}" if others else why)
    elif any(b.is_web for b in builds):
        part.notes.append("port: no start command envlint can read says which port the app listens on")
    good = [(h, l) for h, l in hosts if h not in _LOOPBACK and _is_address(h)]
    if good and len({h for h, _ in good}) == 1 and len(good) == len(hosts):
        host, listen = good[0]
        how = "its default" if listen.host_implicit else "as written"
        part.bind = (host, f"{listen.server} at {(listen.host_location or listen.location).short()}, {how}")
    elif hosts or any(b.is_web or b.service is None for b in builds):
        seen = ", ".join(sorted({f"{l.server} binds {h} at {(l.host_location or l.location).short()}" for h, l in hosts}))
        part.bind = ("0.0.0.0", "guessed: Render reaches a service only on 0.0.0.0" + (f"; {seen}" if seen else ""))


def _is_address(host: str) -> bool:
    """What the spec accepts as `bind`: an IP address (IPv6 maybe in brackets)."""
    import ipaddress

    try:
        ipaddress.ip_address(host.strip("[]"))
    except ValueError:
        return False
    return True


def _effective(installs: Iterable[Installed]) -> dict[str, Installed]:
    """What each package ends up as after a build's installs, as pip does it: a later command's
    exact pin (or upgrade) replaces an earlier one; within one command the pin wins."""
    state: dict[str, Installed] = {}
    for item in installs:
        r = item.requirement
        if r.constraint or r.url or r.editable:
            continue
        prior = state.get(r.name)
        if prior is None:
            state[r.name] = item
        elif r.pinned_version is not None and (prior.step != item.step or prior.requirement.pinned_version is None):
            state[r.name] = item
        elif item.upgrade and prior.step != item.step:
            state[r.name] = item
    return state


def _packages(part: Part, facts: Facts, builds: list[Build]) -> None:
    if builds:
        chosen: dict[str, tuple[Requirement, str]] = {}
        for build in builds:
            earlier = {}
            for item in build.installs:
                earlier.setdefault(item.requirement.name, item.requirement)
            for name, item in _effective(build.installs).items():
                r, first = item.requirement, earlier[name]
                why = r.location.short()
                if first is not r and first.pinned_version and first.pinned_version != r.pinned_version:
                    why += f", which replaces {first.pinned_version} from {first.location.short()}: check which is right"
                if name in chosen and chosen[name][0].specifier != r.specifier:
                    why = f"guessed: {chosen[name][1]}; another build has {r.specifier or 'any version'} at {r.location.short()}"
                    chosen[name] = (chosen[name][0], why)
                else:
                    chosen.setdefault(name, (r, why))
    else:  # no build: the requirements files
        chosen = {}
        for r in facts.requirements:
            if not (r.constraint or r.url or r.editable):
                chosen.setdefault(r.name, (r, r.location.short()))
    for name, (r, why) in sorted(chosen.items()):
        if r.pinned_version is not None and r.specifier.startswith("==") and not r.specifier.startswith("===") \
                and not r.marker:
            part.packages.append((f"{name}=={r.pinned_version}", why))
        else:
            what = f"{name}{r.specifier}" if r.specifier else name
            marker = f" ; {r.marker}" if r.marker else ""
            part.loose.append(f"{what}{marker}: not pinned exactly at {r.location.short()}")


def _env(part: Part, builds: list[Build], code: list[EnvRead]) -> None:
    from envlint.rules.env import RENDER_INJECTED

    for build in builds:
        for variable in build.runtime_env:
            if variable.kind in ("ENV", "ARG", "unset") or variable.key in _NOT_APP or variable.key in RENDER_INJECTED:
                continue
            var = part.env.setdefault(variable.key, Var())
            var.required = True  # the deploy provides it: keep it provided
            var.secret = var.secret or variable.kind in ("sync", "generateValue")
            form = "a literal value" if variable.kind == "value" else variable.kind.replace("sync", "sync: false")
            var.why.append(f"{variable.location.short()} ({form})")
    for read in sorted(code, key=lambda r: (r.location.path, r.location.line, r.location.column)):
        if read.name in _NOT_APP or read.name in RENDER_INJECTED:
            continue
        var = part.env.setdefault(read.name, Var())
        var.required = var.required or read.required
        var.secret = var.secret or read.secret
        if read.default is not None and var.default is None:
            var.default = read.default
        var.why.append(f"read at {read.location.short()} ({read.how})")
    for name, var in part.env.items():
        var.secret = var.secret or looks_secret(name)
        if var.secret:
            var.required, var.default = True, None  # declared by name only; never a value
        var.why = list(dict.fromkeys(var.why))


def _part(part: Part, indent: str) -> list[str]:
    part = _one_line(part)
    lines = [f"{indent}# {note}" for note in part.notes]
    if part.python:
        lines.append(f"{indent}python: {_scalar(part.python[0], force=True)}  # {part.python[1]}")
    if part.port:
        lines.append(f"{indent}port: {part.port[0]}  # {part.port[1]}")
    if part.bind:
        lines.append(f"{indent}bind: {_scalar(part.bind[0])}  # {part.bind[1]}")
    if part.packages:
        lines.append(f"{indent}packages:")
        lines += [f"{indent}  - {_scalar(text)}  # {why}" for text, why in part.packages]
    if part.loose:
        lines.append(f"{indent}# packages installed without an exact pin (add `name==version` above to check them):")
        lines += [f"{indent}#   {text}" for text in part.loose]
    if part.env:
        lines.append(f"{indent}env:")
        for name in sorted(part.env):
            var = part.env[name]
            lines.append(f"{indent}  {_scalar(name)}:  # {'; '.join(var.why)}")
            if var.required:
                lines.append(f"{indent}    required: true")
            if var.secret:
                lines.append(f"{indent}    secret: true  # the name or its source says so: set it in the Dashboard")
            if var.default is not None:
                lines.append(f"{indent}    default: {_scalar(var.default)}  # the code's fallback")
            if not (var.required or var.secret or var.default is not None):
                lines.append(f"{indent}    required: false")
    return lines


def _one_line(part: Part) -> Part:
    """Comments come from file names and code: keep each on its line."""
    def clean(text: str) -> str:
        return " ".join(text.split())

    part.python = part.python and (part.python[0], clean(part.python[1]))
    part.port = part.port and (part.port[0], clean(part.port[1]))
    part.bind = part.bind and (part.bind[0], clean(part.bind[1]))
    part.packages = [(t, clean(w)) for t, w in part.packages]
    part.loose = [clean(t) for t in part.loose]
    part.notes = [clean(t) for t in part.notes]
    for var in part.env.values():
        var.why = [clean(w) for w in var.why]
    return part


def _scalar(value: object, force: bool = False) -> str:
    """One YAML scalar, quoted exactly when YAML would read it as something else; `force`
    quotes it anyway (a version: `3.10` unquoted is the number 3.1)."""
    text = yaml.safe_dump(value, default_flow_style=True, allow_unicode=True, width=1 << 30)
    text = text.removesuffix("\n").removesuffix("\n...")
    if force and isinstance(value, str) and not text.startswith(("'", '"')):
        text = "'" + text + "'"
    return text

"""`envlint init`: write a first envspec.yaml from what the repository already says.

Everything comes from the facts `envlint check` reads (nothing is run or fetched): the effective
exact pins of each build, the port and bind its start command or code uses, the variables
render.yaml provides and the code reads, the Python version. Each value carries a comment naming
where it came from; "guessed" marks values inferred rather than read. A secret's value is never
written: a secret is declared by name only, as `required: true` and `secret: true`.

No `docker_target:` is written: render.yaml has no build-target key and Render's Docker build
command cannot be customised (render-blueprint.md §4.2), so a Render deploy builds the last stage;
a compose file's `target:` describes a local run, not the deploy.

The YAML is emitted by hand (to place comments), every scalar through yaml.safe_dump so that
`no`, `on`, `0123` or `1.10` stay strings; the result is loaded with envlint's own spec loader
before anything is written.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field

import yaml

from envlint.facts import Build, DeclaredVar, EnvRead, Facts, Installed, Requirement, normalize_name
from envlint.secrets import looks_secret, mask_urls
from envlint.spec import ENV_NAME

_PYTHON = re.compile(r"3\.[0-9]+")
# set by Render or the image, or build-time knobs: not what the app needs from the deploy
_NOT_APP = {"PORT", "PYTHON_VERSION", "PATH", "HOME", "HOSTNAME", "LANG"}
_LOOPBACK = ("127.0.0.1", "localhost", "::1", "[::1]")
# name parts that say what a variable is, not whose it is: `OPENAI_API_KEY` is OpenAI's because of
# OPENAI, not KEY; a datastore's name (REDIS_URL) is the service it points at, and its client
# takes the URL from the app's code; RENDER_* are Render's names
_GENERIC = frozenset("""
    api key keys token secret secrets url uri sdk py python client dev app web server service host port user
    name password auth access config settings env mode debug log data base core http render redis postgres
    postgresql mysql mongo mongodb default public private
""".split())
_WRAPPER = {"py", "python", "sdk", "client", "api"}  # words around a name that make no other package of it


@dataclass
class Var:
    required: bool = False
    secret: bool = False
    default: str | None = None
    why: list[str] = field(default_factory=list)
    read: bool = False  # the code reads it
    read_by: tuple[list[str], str] | None = None  # (packages, comment)


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
    lines += _blueprint(facts)
    unbuilt = sorted(b.dockerfile.path for b in facts.builds if b.service is None and b.dockerfile is not None)
    if len(services) > 1:
        lines.append("services:")
        for build in services:
            lines.append(f"  {_scalar(build.service.name)}:")
            lines += _part(_describe(facts, _builds_of(facts, build), reads), "    ")
    elif len(services) == 1:
        # `service:` scopes the spec to that service's builds (rules/base.py scopes): describe only those
        lines.append(f"service: {_scalar(services[0].service.name)}  # the render.yaml service at "
                     f"{services[0].service.location.short()}")
        lines += _part(_describe(facts, _builds_of(facts, services[0]), reads), "")
    else:
        lines += _part(_describe(facts, facts.builds, reads), "")
        unbuilt = []
    if unbuilt:
        lines.append(f"# not described: {', '.join(_one(p) for p in unbuilt)}, which no render.yaml service builds")
    return "\n".join(lines) + "\n"


def _builds_of(facts: Facts, build: Build) -> list[Build]:
    return [b for b in facts.builds if b.service is not None and b.service.name == build.service.name]


def _blueprint(facts: Facts) -> list[str]:
    """`blueprint:` when the Blueprint envlint found is not at the root, so that `check` with this
    spec reads the same file (and EL017 is answered). Render reads a Blueprint elsewhere only if
    its file path is set to it (render-blueprint.md §1): that part is a guess. Several
    candidates (EL018) are not chosen between."""
    from envlint.engine import BLUEPRINT_NAMES

    if facts.blueprint is not None and facts.blueprint.path not in BLUEPRINT_NAMES:
        return [f"blueprint: {_scalar(facts.blueprint.path)}  # guessed: the only Blueprint here, not at the root; "
                "Render reads it only if its Blueprint file path is set to it"]
    several = sorted({p.location.path for p in facts.problems if p.kind == "several-blueprints"})
    if several:
        return [f"# blueprint: not written: {len(several)} Blueprints and none at the root "
                f"({', '.join(_one(p) for p in several)}); name the one Render reads"]
    return []


def _one(text: str) -> str:
    return " ".join(text.split())


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
    if facts.env_reads:  # else "no code reads it" says nothing: the app is configured some other way (as EL311)
        installed = {i.requirement.name for b in builds for i in b.installs} if builds else \
            {r.name for r in facts.requirements}
        _read_by(part, installed, facts.declared)
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
    elif set_port := [v for b in builds if b.is_web for v in b.runtime_env
                      if v.key == "PORT" and v.kind == "value" and _port_number(v.value)]:
        # Render sends a web service's traffic to $PORT, which render.yaml may set (render-blueprint.md §7.1)
        variable = set_port[0]
        part.port = (_port_number(variable.value), f"guessed: PORT at {variable.location.short()}, where Render "
                     "sends traffic; no start command envlint can read says which port the app listens on")
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


def _port_number(text: str | None) -> int | None:
    text = (text or "").strip()
    return int(text) if text.isascii() and text.isdigit() and 0 < int(text) < 65536 else None


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
        var.read = True
        var.required = var.required or read.required
        var.secret = var.secret or read.secret
        var.why.append(f"read at {read.location.short()} ({read.how})")
        if read.default is not None and mask_urls(read.default) != read.default:
            var.why.append("its fallback holds a URL's credentials: not written")  # never a secret's value
        elif read.default is not None and var.default is None:
            var.default = read.default
    for name in [n for n in part.env if not ENV_NAME.match(n)]:  # e.g. Elasticsearch's `cluster.name`
        part.notes.append(f"not declared: {name!r} ({'; '.join(part.env.pop(name).why)}), which is no name a spec "
                          "can hold (letters, digits, _)")
    for name, var in part.env.items():
        _settle(name, var)


def _settle(name: str, var: Var) -> None:
    var.secret = var.secret or looks_secret(name)
    if var.secret:
        var.required, var.default = True, None  # declared by name only; never a value
    var.why = list(dict.fromkeys(var.why))


def _read_by(part: Part, installed: set[str], declared: list[DeclaredVar]) -> None:
    """`read_by:` for a variable the deploy provides, or a `.env.example` names, that no code
    reads, when an installed package is named after it: an SDK that reads its own key
    (`OPENAI_API_KEY` and `openai`). A guess, kept narrow: the variable's first name part must be
    a distinctive part of the package's name; a package named by that part alone wins.
    A `.env.example` name enters the spec only this way (it says what a local run sets)."""
    for item in declared:
        if item.key not in part.env and ENV_NAME.match(item.key) and item.key not in _NOT_APP \
                and _readers(item.key, installed):
            var = part.env.setdefault(item.key, Var())
            var.why.append(f"guessed: named at {item.location.short()}")
            _settle(item.key, var)
    for name, var in part.env.items():
        readers = [] if var.read else _readers(name, installed)
        if readers:
            var.read_by = (readers, "guessed: no code here reads it; the package's name matches")


def _readers(name: str, installed: set[str]) -> list[str]:
    first = name.lower().split("_")[0]
    if len(first) < 3 or first in _GENERIC:
        return []
    found = {}
    for package in installed:
        tokens = normalize_name(package).split("-")
        if first in [t for t in tokens if len(t) >= 3 and t not in _GENERIC]:
            found[package] = set(tokens) <= {first, *_WRAPPER}  # `openai`, `sentry-sdk`, `python-jose`
    exact = sorted(p for p, alone in found.items() if alone)
    return exact or sorted(found)


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
            if var.read_by:
                names = ", ".join(_scalar(p) for p in var.read_by[0])
                lines.append(f"{indent}    read_by: [{names}]  # {var.read_by[1]}")
            if not (var.required or var.secret or var.default is not None or var.read_by):
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

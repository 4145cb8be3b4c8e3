"""Environment variables a repository's Python code reads, found in syntax trees only: no file is
ever imported or run. This answers "which variables must the deploy provide?" for the spec checks.

Names are resolved through each module's own bindings (`import os as o`, `from os import environ
as E, getenv`, function-local imports), following Python's scope rules, so a parameter or local
variable called `os`, another module's `environ` or `getenv`, or `os.path` never count. A name
bound twice in one scope in different ways (`import os` and `os = None`) is treated as unknown.

What each form yields (`required`, `has_default`, `default`):

| form | how | required | default |
|---|---|---|---|
| `os.environ["X"]` (a load, or `+=`) | `os.environ[]` | yes (KeyError) | – |
| `os.environ.get("X"[, d])` | `os.environ.get` | no | d |
| `os.getenv("X"[, d])` | `os.getenv` | no | d |
| `os.environ.setdefault("X", d)` | `os.environ.setdefault` | only without d, or d None (TypeError) | d |
| `os.environ.pop("X"[, d])` | `os.environ.pop` | only without d (KeyError) | d |
| `"X" in os.environ` / `not in` | `in os.environ` | no | – |
| pydantic-settings field | `settings field` | no default | the field's |
| `env("X"[, d])`, a wrapper | `wrapper env()` | from the wrapper's body | from body/call |
| python-decouple `config("X"[, default=d, cast=…])` | `python-decouple config()` | without d | d |
| environs `env("X"[, d])`, `env.int("X"[, d])`, … | `environs env()`, `environs env.int()` | without d | d |

- A default of `None` is no default (the read gives None either way). A default that is not a
  literal (`os.getenv("X", other)`) gives `has_default=True, default=None`. `os.getenv("X") or
  "d"` counts "d" as the default of a read that has none of its own.
- A read cannot raise when it sits in the body of `if "X" in os.environ:` / `if
  os.getenv("X"):` (also `… and …`, `… if … else …`) or of a `try` that catches KeyError,
  LookupError or Exception; such `[]`/`pop` reads are not required.
- The name may be a literal, a constant (module level, or a class attribute read as `C.NAME`,
  `self.NAME`, `cls.NAME`, also imported from another module of the repository), or a `+`
  concatenation / f-string of those. Anything else (`os.environ[name]`, `f"{prefix}_X"`,
  `config(key)`) gives no read and no problem: no guessing, and nothing to report, since there is
  no name to check against the spec and a loop over names is ordinary code, not a mistake (EL311
  may then call a variable such code reads unused). The location is the expression that names
  the variable at the read.
- Wrappers (one level): a module-level function, or a method of a module-level class, whose body
  reads a variable named by one of its parameters (`def env(key, default=None): return
  os.environ.get(key, default)`, also `os.environ[f"APP_{key}"]`). Each call `env("X")`,
  `mod.env("X")` (imported from another module of the repository), `Cls.env("X")` (static and
  class methods) or `self.env("X")` / `cls.env("X")` (inside the class or a subclass) is a read
  of X. The call is required only when every read in the body is; its default is the one the
  body's optional reads agree on, the caller's argument standing in for the parameter.
- python-decouple (github.com/HBNetwork/python-decouple README.rst, "Usage"): `from decouple
  import config`, or an `AutoConfig(…)` / `Config(…)` instance, called `config("X", default=d,
  cast=c)`; UndefinedValueError without a default. Its settings.ini/.env files are not read: a
  key only they hold still counts as required.
- environs (github.com/sloria/environs README.md, "Basic usage", "Supported types", "Handling
  prefixes", "Reading Docker-style secret files"): an `Env()` instance (or `from environs import
  env`) called `env("X"[, d])` or through a type method (`env.str`, `.int`, `.bool`, `.list`,
  `.url`, `.path`, `.json`, …, `.dj_db_url`); EnvError without a default. The name gets
  `Env(prefix="P_")` and every enclosing `with env.prefixed("Q_"):` of the same instance,
  outermost first. `FileAwareEnv` reads X or the file X_FILE names: its reads are never required.
- Config objects are followed like constants: bound once at module level (`env = Env()`), also
  imported from another module of the repository, or re-exported (`from .settings import config`).
- pydantic-settings `BaseSettings` subclasses (v2 `pydantic_settings.BaseSettings`, v1
  `pydantic.BaseSettings`, `pydantic.v1.BaseSettings`), rules from the pydantic-settings docs
  (docs/index.md, "Environment variable names", "Case-sensitivity") and pydantic v1's
  `BaseSettings.Config.prepare_field`: each annotated field (not `_private`, not ClassVar,
  not `model_config`) is `env_prefix` + field name, upper-cased unless `case_sensitive=True`.
  v2: `Field(validation_alias=…)` (wins) or `Field(alias=…)` names it instead, without the
  prefix unless `env_prefix_target` is "alias" or "all" ("alias" also drops it from plain field
  names); `AliasChoices("A", "B")` gives each name, none of them required; an `AliasPath` or an
  `alias_generator` gives no name. v1: aliases are not env names; `Field(env="X" | [..])` and
  `Config.fields = {"f": {"env": …}}` are, without the prefix. Config comes from `model_config =
  SettingsConfigDict(…)` / `ConfigDict(…)` / a dict, class keywords (`class S(BaseSettings,
  env_prefix="A_")`), v1 `class Config:`, and is inherited from settings base classes in the
  repository, as are fields. Required = no default (v1: also not `Optional`); `default_factory`
  is a non-literal default. `SecretStr`/`SecretBytes` anywhere in the annotation → secret.
"""

from __future__ import annotations

import ast
import importlib.util
import os
import re
import warnings

from envlint.extract.pyentry import node_location, source_lines, syntax_tree
from envlint.facts import EnvRead, Location, Problem
from envlint.gcpause import gc_paused
from envlint.repo import ReadError, Repo, decode, read_bytes

__all__ = ["EnvRead", "scan_env_reads"]


_MAX_DEPTH = 12  # constant -> constant chains, base classes followed
_SEP = "\x00"  # "path\x00member": a name defined in a module of the repository

_CALL_READS = {  # qualified function -> (how, form)
    "os.environ.get": ("os.environ.get", "get"),
    "os.getenv": ("os.getenv", "get"),
    "os.environ.setdefault": ("os.environ.setdefault", "setdefault"),
    "os.environ.pop": ("os.environ.pop", "pop"),
}
# python-decouple and environs (module docstring): the config objects they export, and the classes
# whose instances read the environment when called -> the library, and whether a read may be
# satisfied another way (FileAwareEnv: X_FILE)
_READER_OBJECTS = {"decouple.config": "decouple", "environs.env": "environs"}
_READER_CLASSES = {"decouple.AutoConfig": "decouple", "decouple.Config": "decouple", "environs.Env": "environs",
                   "environs.FileAwareEnv": "environs-file"}
_ENVIRONS_METHODS = frozenset({"str", "bool", "int", "float", "decimal", "list", "dict", "json", "datetime", "date",
                               "time", "timedelta", "url", "uuid", "log_level", "path", "enum", "dj_db_url",
                               "dj_cache_url", "dj_email_url"})
_SETTINGS_V2 = {"pydantic_settings.BaseSettings", "pydantic_settings.main.BaseSettings"}
_SETTINGS_V1 = {"pydantic.BaseSettings", "pydantic.env_settings.BaseSettings", "pydantic.v1.BaseSettings",
                "pydantic.v1.env_settings.BaseSettings"}
_FIELD = {"pydantic.Field", "pydantic.fields.Field", "pydantic.v1.Field", "pydantic.v1.fields.Field"}
_SECRET = {f"{module}.{kind}" for module in ("pydantic", "pydantic.types", "pydantic.v1", "pydantic.v1.types")
           for kind in ("SecretStr", "SecretBytes")}
_TYPING = ("typing", "typing_extensions")
_CATCHES_KEYERROR = {"KeyError", "LookupError", "Exception", "BaseException"}
_NOT_CHILDREN = frozenset({"ctx", "op", "ops"})  # Load/Store and operators: nothing to see
_CHILD_FIELDS: dict[type, tuple[str, ...]] = {}  # node type -> its child fields, last first
_COMPREHENSIONS = (ast.ListComp, ast.SetComp, ast.DictComp, ast.GeneratorExp)
_FUNCTIONS = (ast.FunctionDef, ast.AsyncFunctionDef)


_MENTIONS = re.compile(rb"environ|getenv|BaseSettings|decouple")  # what a file that reads by itself must say


def scan_env_reads(repo: Repo, paths: list[str] | None = None) -> tuple[list[EnvRead], list[Problem]]:
    """Every environment read in the `*.py` files `repo.walk()` yields (or in `paths`), sorted by
    location, and the files that could not be read or parsed. Wrappers, constants and settings
    base classes are resolved among the scanned files only.

    Parsing is most of the cost, so only files that can matter are parsed: those whose text
    says `environ`, `getenv` or `BaseSettings`; then, until nothing changes, the repository
    modules they import (constants, base classes) and files that name a wrapper function or
    settings class found so far (their callers and subclasses). Of the standard library's
    1,788 files, 190 are parsed (2.6 s instead of 10.6 s here), with the same reads found."""
    if paths is None:
        paths = [p for p in repo.walk() if p.endswith(".py")]
    scan = _Scan()
    problems: list[Problem] = []
    unparsed: dict[str, bytes] = {}
    for path in paths:
        data, problem = _read(repo, path)
        if problem is not None:
            problems.append(problem)
        else:
            unparsed[path] = data  # type: ignore[assignment]
    todo = [path for path, data in unparsed.items() if _MENTIONS.search(data)]
    with warnings.catch_warnings(), gc_paused():
        warnings.simplefilter("ignore")  # SyntaxWarnings about the scanned code are not ours to print
        while todo:
            for path in todo:
                module, problem = _parse(path, unparsed.pop(path))
                if problem is not None:
                    problems.append(problem)
                else:
                    scan.add(module)  # type: ignore[arg-type]
            todo = scan.wanted(unparsed)
        problems.sort(key=lambda p: (p.location.path, p.location.line, p.location.column))
        return scan.run(), problems


def _read(repo: Repo, path: str) -> tuple[bytes | None, Problem | None]:
    """A file's bytes; a symlink out of the repository is not read. Every failure here and in
    `_parse` is a "python-syntax" problem (EL006, a warning): a stray file the app may never
    import must not stop the whole check, as an "unreadable" deploy file does. (os.path, not
    pathlib: a Path per file cost as much as the reading.)"""
    full = os.path.join(repo.root, path)
    if os.path.islink(full) and repo.normalize(path) is None:
        return None, Problem("python-syntax", f"{path} leads outside the repository; not read", Location(path, 1, 1))
    try:
        return read_bytes(full, path), None  # a FIFO named like code is refused, not read forever
    except ReadError as exc:
        return None, Problem("python-syntax", str(exc), Location(path, 1, 1))


def _parse(path: str, data: bytes) -> tuple[_Module | None, Problem | None]:
    """Decode (UTF-8 or a BOM, else the coding cookie, as Python does) and parse one file (a
    text parsed before shares its tree: each module builds its own scopes over it)."""
    try:
        source = decode(data, path)
    except ReadError as exc:
        try:
            source = importlib.util.decode_source(data)
        except (SyntaxError, UnicodeDecodeError, LookupError):
            return None, Problem("python-syntax", str(exc), Location(path, 1, 1))
    try:
        tree = syntax_tree(source)
    except SyntaxError as exc:
        return None, Problem("python-syntax", f"{path} does not parse: {exc.msg}",
                             Location(path, max(exc.lineno or 1, 1), max(exc.offset or 1, 1)))
    except (ValueError, RecursionError, MemoryError) as exc:  # NUL bytes, absurd nesting
        return None, Problem("python-syntax", f"{path} does not parse: {exc}", Location(path, 1, 1))
    return _Module(path, source, tree), None


# --- scopes and modules ---------------------------------------------------------------------


class _Scope:
    """A Python scope: what each name is bound to. A value is an imported dotted name ("os",
    "os.environ", "app.util.env"), "path\\x00member" for a name defined once at module level or
    in a module-level class, or None (anything else, or bound more than one way)."""

    __slots__ = ("kind", "parent", "module", "names", "multi", "params", "globals", "nonlocals", "key",
                 "node", "owner", "method", "self_name")

    def __init__(self, kind: str, parent: _Scope | None, module: _Module, key: str | None = None):
        self.kind, self.parent, self.module, self.key = kind, parent, module, key
        self.names: dict[str, str | None] = {}
        self.multi: set[str] = set()
        self.params: set[str] = set()
        self.globals: set[str] = set()
        self.nonlocals: set[str] = set()
        self.node: ast.AST | None = None  # the def or class
        self.owner: str | None = None  # methods: the class's member name
        self.method = ""  # "static", "class", "instance" for methods
        self.self_name: str | None = None  # methods: the first parameter (self/cls)

    def local_value(self, name: str) -> str | None:
        if self.kind == "module":
            return f"{self.module.path}{_SEP}{name}"
        if self.kind == "class" and self.key is not None:
            return f"{self.module.path}{_SEP}{self.key}.{name}"
        return None

    def bind(self, name: str, value: str | None) -> None:
        scope = self
        if name in scope.globals:
            scope = self.module.scope
        elif name in scope.nonlocals:
            scope = scope.parent
            while scope is not None and scope.kind == "class":
                scope = scope.parent
            if scope is None:
                return
        if name in scope.names:
            scope.multi.add(name)
            if value is None or _SEP in value or scope.names[name] != value:
                scope.names[name] = None
        else:
            scope.names[name] = value

    def lookup(self, name: str) -> tuple[_Scope, str | None] | None:
        """The scope that binds `name` as seen from here and its value; None for builtins."""
        scope: _Scope | None = self
        while scope is not None:
            if scope.kind != "class" or scope is self:
                if name in scope.globals:
                    module = self.module.scope
                    return (module, module.names[name]) if name in module.names else None
                if name in scope.names and name not in scope.nonlocals:
                    return scope, scope.names[name]
            scope = scope.parent
        return None


def _parts(path: str) -> list[str]:
    """The dotted name of a module from the repository root, as a list."""
    parts = (path[:-3] if path.endswith(".py") else path).split("/")
    if parts[-1] == "__init__":
        parts.pop()
    return parts


class _Module:
    def __init__(self, path: str, source: str, tree: ast.Module):
        self.path, self.source, self.tree = path, source, tree
        self.parts = parts = _parts(path)  # dotted name from the repository root
        self.package = parts if path.endswith("/__init__.py") or path == "__init__.py" else parts[:-1]
        self.scope = _Scope("module", None, self)
        self.candidates: list[tuple[ast.AST, _Scope, tuple]] = []
        self.fallbacks: dict[int, ast.expr | None] = {}  # id(read) -> what `read or X` falls back on
        self.defined: list[tuple[str, str, _Scope, str, object]] = []  # (table, member, binder, name, entry)
        self._lines: list[str] | None = None

    def location(self, node: ast.AST) -> Location:
        if self._lines is None:
            self._lines = source_lines(self.source)
        return node_location(self.path, self._lines, node)


class _Walker:
    """One pass over a module's tree: builds its scopes, records the definitions other modules
    may use, and collects the nodes that may read the environment (`candidates`). Iterative, so
    deep nesting cannot overflow the stack."""

    def __init__(self, module: _Module):
        self.m = module

    def run(self) -> None:
        stack: list[tuple[ast.AST, _Scope, tuple]] = [(s, self.m.scope, ()) for s in reversed(self.m.tree.body)]
        push = stack.append
        candidates = self.m.candidates
        while stack:
            node, scope, guards = stack.pop()
            kind = type(node)
            if kind is ast.Name:
                if type(node.ctx) is not ast.Load:  # type: ignore[attr-defined]
                    scope.bind(node.id, scope.local_value(node.id))  # type: ignore[attr-defined]
                continue
            if kind is ast.Attribute:
                push((node.value, scope, guards))  # type: ignore[attr-defined]
                continue
            if kind is ast.Call:
                candidates.append((node, scope, guards))
            elif kind is ast.Subscript:
                if type(node.ctx) is ast.Load:  # type: ignore[attr-defined]
                    candidates.append((node, scope, guards))
            elif kind is ast.Compare:
                if any(type(op) in (ast.In, ast.NotIn) for op in node.ops):  # type: ignore[attr-defined]
                    candidates.append((node, scope, guards))
            elif kind is ast.BoolOp:
                values = node.values  # type: ignore[attr-defined]
                if type(node.op) is ast.Or:  # type: ignore[attr-defined]
                    for i in range(len(values) - 1):
                        self.m.fallbacks[id(values[i])] = values[i + 1] if i + 2 == len(values) else None
                else:  # `a and b`: b runs only when a is true
                    for i in range(len(values) - 1, -1, -1):
                        push((values[i], scope, guards + tuple(values[:i])))
                    continue
            elif kind in _FUNCTIONS or kind is ast.Lambda:
                self.function(node, scope, guards, push)  # type: ignore[arg-type]
                continue
            elif kind is ast.ClassDef:
                self.klass(node, scope, guards, push)  # type: ignore[arg-type]
                continue
            elif kind in _COMPREHENSIONS:
                self.comprehension(node, scope, guards, push)
                continue
            elif kind is ast.Import:
                for alias in node.names:  # type: ignore[attr-defined]
                    if alias.asname:
                        scope.bind(alias.asname, alias.name)
                    else:
                        top = alias.name.split(".")[0]  # `import os.path` binds `os` to os
                        scope.bind(top, top)
                continue
            elif kind is ast.ImportFrom:
                self.import_from(node, scope)  # type: ignore[arg-type]
                continue
            elif kind is ast.Global:
                scope.globals.update(node.names)  # type: ignore[attr-defined]
                continue
            elif kind is ast.Nonlocal:
                scope.nonlocals.update(node.names)  # type: ignore[attr-defined]
                continue
            elif kind is ast.NamedExpr:  # binds in the enclosing non-comprehension scope
                target = scope
                while target.kind == "comp" and target.parent is not None:
                    target = target.parent
                target.bind(node.target.id, target.local_value(node.target.id))  # type: ignore[attr-defined]
                push((node.value, scope, guards))  # type: ignore[attr-defined]
                continue
            elif kind is ast.AugAssign:
                if isinstance(node.target, ast.Subscript):  # type: ignore[attr-defined]
                    candidates.append((node.target, scope, guards))  # type: ignore[attr-defined]
            elif kind is ast.Assign or kind is ast.AnnAssign:
                self.constant(node, scope)  # type: ignore[arg-type]
            elif kind is ast.If:  # the body runs only when the test is true
                for child in reversed(node.orelse):  # type: ignore[attr-defined]
                    push((child, scope, guards))
                for child in reversed(node.body):  # type: ignore[attr-defined]
                    push((child, scope, guards + (node.test,)))  # type: ignore[attr-defined]
                push((node.test, scope, guards))  # type: ignore[attr-defined]
                continue
            elif kind is ast.IfExp:
                push((node.orelse, scope, guards))  # type: ignore[attr-defined]
                push((node.body, scope, guards + (node.test,)))  # type: ignore[attr-defined]
                push((node.test, scope, guards))  # type: ignore[attr-defined]
                continue
            elif (kind is ast.With or kind is ast.AsyncWith) \
                    and any(_is_prefixed(i) for i in node.items):  # type: ignore[attr-defined]
                for child in reversed(node.body):  # type: ignore[attr-defined]  # under `with env.prefixed(…)`
                    push((child, scope, guards + (node,)))
                for item in reversed(node.items):  # type: ignore[attr-defined]
                    push((item, scope, guards))
                continue
            elif kind is ast.Try:
                for child in reversed([*node.handlers, *node.orelse, *node.finalbody]):  # type: ignore[attr-defined]
                    push((child, scope, guards))
                for child in reversed(node.body):  # type: ignore[attr-defined]
                    push((child, scope, guards + (node,)))
                continue
            elif kind is ast.ExceptHandler:
                if node.name:  # type: ignore[attr-defined]
                    scope.bind(node.name, None)  # type: ignore[attr-defined]
            elif kind is ast.MatchAs or kind is ast.MatchStar:
                if node.name:  # type: ignore[attr-defined]
                    scope.bind(node.name, scope.local_value(node.name))  # type: ignore[attr-defined]
            elif kind is ast.MatchMapping:
                if node.rest:  # type: ignore[attr-defined]
                    scope.bind(node.rest, scope.local_value(node.rest))  # type: ignore[attr-defined]
            fields = _CHILD_FIELDS.get(kind)
            if fields is None:
                fields = _CHILD_FIELDS[kind] = tuple(reversed([f for f in kind._fields if f not in _NOT_CHILDREN]))
            for field in fields:  # last field first: the stack pops them in source order
                value = getattr(node, field, None)
                if type(value) is list:
                    for child in reversed(value):
                        if isinstance(child, ast.AST) and not _is_leaf(child):
                            push((child, scope, guards))
                elif isinstance(value, ast.AST) and not _is_leaf(value):
                    push((value, scope, guards))

    def function(self, node: ast.FunctionDef | ast.AsyncFunctionDef | ast.Lambda, scope: _Scope, guards,
                 push) -> None:
        args = node.args
        every = [*args.posonlyargs, *args.args, *([args.vararg] if args.vararg else []), *args.kwonlyargs,
                 *([args.kwarg] if args.kwarg else [])]
        outer: list[ast.AST] = [*args.defaults, *(d for d in args.kw_defaults if d is not None)]
        outer += [a.annotation for a in every if a.annotation is not None]
        child = _Scope("function", scope, self.m)
        child.node = node
        if not isinstance(node, ast.Lambda):
            outer += node.decorator_list
            if node.returns is not None:
                outer.append(node.returns)
            scope.bind(node.name, scope.local_value(node.name))
            if scope.kind == "module":
                child.key = node.name
            elif scope.kind == "class" and scope.key is not None and scope.parent is not None \
                    and scope.parent.kind == "module":
                child.key, child.owner = f"{scope.key}.{node.name}", scope.key
                decorators = {d.id for d in node.decorator_list if isinstance(d, ast.Name)}
                child.method = "static" if "staticmethod" in decorators else (
                    "class" if "classmethod" in decorators else "instance")
                positional = [*args.posonlyargs, *args.args]
                if child.method != "static" and positional:
                    child.self_name = positional[0].arg
            if child.key is not None:
                self.m.defined.append(("functions", child.key, scope, node.name, child))
        for arg in every:
            child.params.add(arg.arg)
            child.bind(arg.arg, None)
        body = [node.body] if isinstance(node, ast.Lambda) else node.body
        for statement in reversed(body):
            push((statement, child, ()))  # the body runs when called, outside today's `if`/`try`
        for expr in reversed(outer):
            push((expr, scope, guards))

    def klass(self, node: ast.ClassDef, scope: _Scope, guards, push) -> None:
        scope.bind(node.name, scope.local_value(node.name))
        child = _Scope("class", scope, self.m, node.name if scope.kind == "module" else None)
        child.node = node
        if child.key is not None:
            self.m.defined.append(("classes", node.name, scope, node.name, child))
        for statement in reversed(node.body):
            push((statement, child, guards))
        for expr in reversed([*node.bases, *(k.value for k in node.keywords), *node.decorator_list]):
            push((expr, scope, guards))

    def comprehension(self, node, scope: _Scope, guards, push) -> None:
        child = _Scope("comp", scope, self.m)
        results = [node.key, node.value] if isinstance(node, ast.DictComp) else [node.elt]
        for expr in reversed(results):
            push((expr, child, guards))
        for i in range(len(node.generators) - 1, -1, -1):
            generator = node.generators[i]
            for test in reversed(generator.ifs):
                push((test, child, guards))
            push((generator.target, child, guards))
            push((generator.iter, scope if i == 0 else child, guards))  # the first iterable runs outside

    def import_from(self, node: ast.ImportFrom, scope: _Scope) -> None:
        if node.level:
            package = self.m.package
            if node.level - 1 > len(package):
                base = None
            else:
                parts = package[:len(package) - (node.level - 1)]
                base = ".".join([*parts, *([node.module] if node.module else [])])
        else:
            base = node.module
        for alias in node.names:
            if alias.name == "*":
                continue
            local = alias.asname or alias.name
            scope.bind(local, None if base is None else (f"{base}.{alias.name}" if base else alias.name))

    def constant(self, node: ast.Assign | ast.AnnAssign, scope: _Scope) -> None:
        """Record `NAME = value` at module level or in a module-level class body; whether it is
        a constant (bound once, to a string) is decided when it is used."""
        if scope.kind == "module":
            prefix = ""
        elif scope.kind == "class" and scope.key is not None and scope.parent is not None \
                and scope.parent.kind == "module":
            prefix = f"{scope.key}."
        else:
            return
        if node.value is None:
            return
        targets = node.targets if isinstance(node, ast.Assign) else [node.target]
        for target in targets:
            if isinstance(target, ast.Name):
                self.m.defined.append(("constants", prefix + target.id, scope, target.id, (node.value, scope)))


# --- the repository-wide scan ---------------------------------------------------------------


class _Scan:
    def __init__(self):
        self.modules: list[_Module] = []
        self.by_path: dict[str, _Module] = {}
        self.by_suffix: dict[str, list[_Module]] = {}
        self.functions: dict[tuple[str, str], _Scope] = {}
        self.classes: dict[tuple[str, str], _Scope] = {}
        self.constants: dict[tuple[str, str], tuple[ast.expr, _Scope]] = {}
        self.wrappers: dict[tuple[str, str], list[tuple]] = {}  # (path, member) -> reads in its body
        self.reads: list[EnvRead] = []
        self._direct_for = -1  # how many modules `direct_reads` last saw
        self._settings: dict[tuple[str, str], str | None] = {}
        self._configs: dict[tuple[str, str], dict] = {}
        self._looked_for: set[str] = set()  # names `wanted` has searched unparsed files for
        self.missing: set[str] = set()  # imported names a read's name or default uses, not found yet

    def add(self, module: _Module) -> None:
        _Walker(module).run()
        tables = {"functions": self.functions, "classes": self.classes, "constants": self.constants}
        for table, member, binder, name, entry in module.defined:
            if binder.names.get(name) == binder.local_value(name):  # bound exactly once
                tables[table][(module.path, member)] = entry  # type: ignore[assignment]
        module.defined = []
        self.modules.append(module)
        self.by_path[module.path] = module
        for i in range(len(module.parts)):
            self.by_suffix.setdefault(".".join(module.parts[i:]), []).append(module)

    def wanted(self, unparsed: dict[str, bytes]) -> list[str]:
        """Unparsed files that may add reads to those parsed: the modules that may define
        an imported constant a read uses (`os.environ[keys.API_KEY]`), and files that name a
        wrapper or settings class not looked for before (its callers, its subclasses)."""
        found: set[str] = set()
        names = self.callable_names() - self._looked_for  # also fills `missing`
        if self.missing:
            by_suffix: dict[str, list[str]] = {}
            for path in unparsed:
                parts = _parts(path)
                for i in range(len(parts)):
                    by_suffix.setdefault(".".join(parts[i:]), []).append(path)
            for qualified in self.missing:
                dotted = qualified.split(".")
                for i in range(len(dotted) - 1, 0, -1):
                    found.update(by_suffix.get(".".join(dotted[:i]), ()))
            self.missing.clear()
        self._looked_for |= names
        if names:
            pattern = re.compile(rb"\b(?:" + b"|".join(re.escape(n.encode()) for n in sorted(names)) + rb")\b")
            found.update(path for path, data in unparsed.items() if pattern.search(data))
        return sorted(found)

    def direct_reads(self) -> None:
        """`reads` and `wrappers` from the candidates of every module parsed so far; fills
        `missing`. Done again after more modules come in: a constant or wrapper one of them
        defines may resolve a read in any module."""
        if self._direct_for == len(self.modules):
            return
        self._direct_for = len(self.modules)
        self.reads, self.wrappers = [], {}
        for module in self.modules:
            for node, scope, guards in module.candidates:
                self.direct(module, node, scope, guards)

    def callable_names(self) -> set[str]:
        """Names of the wrappers and settings classes known so far; fills `missing`."""
        self.direct_reads()
        names = {member.rsplit(".", 1)[-1] for _, member in self.wrappers}
        names.update(member.rsplit(".", 1)[-1] for _, member in self.settings_classes())
        names.update(self.reader_names())
        return names

    def reader_names(self) -> set[str]:
        """Module-level names of python-decouple / environs config objects: other files may
        import them and read through them without naming the library."""
        found = {name for module in self.modules for name, value in module.scope.names.items()
                 if value in _READER_OBJECTS}
        for (_, member), (expr, scope) in self.constants.items():
            if "." not in member and type(expr) is ast.Call \
                    and self.qualified(expr.func, scope) in _READER_CLASSES:  # type: ignore[attr-defined]
                found.add(member)
        return found

    def settings_classes(self) -> list[tuple[str, str]]:
        self._settings.clear()  # decided again each time: a base class may have come in since
        return [key for key in self.classes if self.settings_version(key)]

    def run(self) -> list[EnvRead]:
        self.direct_reads()  # usually done already, by the last `wanted`
        for key in self.settings_classes():
            self.settings_fields(key)
        if self.wrappers:
            names = {member.rsplit(".", 1)[-1] for _, member in self.wrappers}
            for module in self.modules:
                for node, scope, _ in module.candidates:
                    if type(node) is ast.Call:
                        func = node.func  # type: ignore[attr-defined]
                        last = func.id if type(func) is ast.Name else getattr(func, "attr", None)
                        if last in names:
                            self.wrapper_call(module, node, scope)  # type: ignore[arg-type]
        unique = dict.fromkeys(self.reads)
        return sorted(unique, key=lambda r: (r.location.path, r.location.line, r.location.column, r.name))

    # -- names --------------------------------------------------------------------------------

    def qualified(self, node: ast.expr, scope: _Scope) -> str | None:
        """The dotted name an expression stands for through the bindings in scope, or None."""
        attrs = []
        while type(node) is ast.Attribute:
            attrs.append(node.attr)  # type: ignore[attr-defined]
            node = node.value  # type: ignore[attr-defined]
        if type(node) is not ast.Name:
            return None
        found = scope.lookup(node.id)  # type: ignore[attr-defined]
        if found is None or found[1] is None:
            return None
        return ".".join([found[1], *reversed(attrs)]) if attrs else found[1]

    def target(self, qualified: str, module: _Module) -> tuple[str, str] | None:
        """(path, member) of a name defined in a scanned module: "path\\x00member" directly, an
        imported dotted name by its longest prefix that is a scanned module."""
        if _SEP in qualified:
            path, member = qualified.split(_SEP, 1)
            return path, member
        parts = qualified.split(".")
        for i in range(len(parts) - 1, 0, -1):
            found = self.find_module(".".join(parts[:i]), module)
            if found is not None:
                return found.path, ".".join(parts[i:])
        return None

    def find_module(self, dotted: str, importer: _Module) -> _Module | None:
        """The scanned module an import names: the only one whose path ends so, the one at exactly
        that path, else the one nearest the importer (sharing the most directories); ambiguous
        → None."""
        candidates = self.by_suffix.get(dotted)
        if not candidates:
            return None
        if len(candidates) == 1:
            return candidates[0]
        exact = [c for c in candidates if ".".join(c.parts) == dotted]
        if len(exact) == 1:
            return exact[0]

        def shared(candidate: _Module) -> int:
            n = 0
            for a, b in zip(candidate.package, importer.package):
                if a != b:
                    break
                n += 1
            return n

        best = max(shared(c) for c in candidates)
        nearest = [c for c in candidates if shared(c) == best]
        return nearest[0] if len(nearest) == 1 else None

    def member(self, table: dict, path: str, member: str, depth: int = 0):
        """`table[(path, member)]`, looking a `Class.attr` up through the class's bases."""
        found = table.get((path, member))
        if found is not None or "." not in member or depth > _MAX_DEPTH:
            return found
        owner, attr = member.rsplit(".", 1)
        cls = self.classes.get((path, owner))
        if cls is None:
            return None
        for base in cls.node.bases:  # type: ignore[union-attr]
            key = self.class_key(base, cls.parent)  # type: ignore[arg-type]
            if key is not None:
                found = self.member(table, key[0], f"{key[1]}.{attr}", depth + 1)
                if found is not None:
                    return found
        return None

    def class_key(self, node: ast.expr, scope: _Scope) -> tuple[str, str] | None:
        qualified = self.qualified(node, scope)
        key = self.target(qualified, scope.module) if qualified else None
        return key if key is not None and key in self.classes else None

    def self_class(self, node: ast.expr, scope: _Scope) -> tuple[_Scope, str] | None:
        """(method scope, class member) when `node` is the self/cls parameter of a method."""
        if type(node) is not ast.Name:
            return None
        found = scope.lookup(node.id)  # type: ignore[attr-defined]
        if found is None:
            return None
        method = found[0]
        if method.owner is None or method.self_name != node.id or node.id in method.multi:  # type: ignore[attr-defined]
            return None
        return method, method.owner

    # -- values -------------------------------------------------------------------------------

    def parts(self, node: ast.expr, scope: _Scope, depth: int = 0) -> list | None:
        """A name as a list of literal strings and (function scope, parameter) pairs, adjacent
        strings merged; None when some part is unknown."""
        if depth > _MAX_DEPTH:
            return None
        kind = type(node)
        if kind is ast.Constant:
            return [node.value] if type(node.value) is str else None  # type: ignore[attr-defined]
        if kind is ast.BinOp:
            if type(node.op) is not ast.Add:  # type: ignore[attr-defined]
                return None
            left = self.parts(node.left, scope, depth + 1)  # type: ignore[attr-defined]
            right = self.parts(node.right, scope, depth + 1) if left is not None else None  # type: ignore[attr-defined]
            return None if right is None else _merge(left + right)  # type: ignore[operator]
        if kind is ast.JoinedStr:
            joined: list = []
            for value in node.values:  # type: ignore[attr-defined]
                if type(value) is ast.FormattedValue:
                    if value.format_spec is not None or value.conversion not in (-1, 115):  # 115: !s
                        return None
                    inner = self.number_or_parts(value.value, scope, depth + 1)
                else:
                    inner = self.parts(value, scope, depth + 1)
                if inner is None:
                    return None
                joined += inner
            return _merge(joined)
        if kind is ast.Name:
            found = scope.lookup(node.id)  # type: ignore[attr-defined]
            if found is None:
                return None
            binder, value = found
            if value is None:
                if binder.kind == "function" and node.id in binder.params and node.id not in binder.multi:  # type: ignore[attr-defined]
                    return [(binder, node.id)]  # type: ignore[attr-defined]
                return None
            return self.constant_parts(value, scope.module, depth)
        if kind is ast.Attribute:
            qualified = self.qualified(node, scope)
            if qualified is not None:
                return self.constant_parts(qualified, scope.module, depth)
            owner = self.self_class(node.value, scope)  # type: ignore[attr-defined]
            if owner is not None:
                return self.constant_parts(f"{owner[0].module.path}{_SEP}{owner[1]}.{node.attr}",  # type: ignore[attr-defined]
                                           scope.module, depth)
        return None

    def number_or_parts(self, node: ast.expr, scope: _Scope, depth: int) -> list | None:
        if type(node) is ast.Constant and type(node.value) is int:  # type: ignore[attr-defined]
            return [str(node.value)]  # type: ignore[attr-defined]
        return self.parts(node, scope, depth)

    def constant_parts(self, qualified: str, module: _Module, depth: int) -> list | None:
        key = self.target(qualified, module)
        if key is None:
            if _SEP not in qualified:
                self.missing.add(qualified)  # perhaps defined in a file not parsed yet
            return None
        found = self.member(self.constants, *key)
        if found is None:
            return None
        expr, scope = found
        parts = self.parts(expr, scope, depth + 1)
        return parts if parts is not None and all(type(p) is str for p in parts) else None

    def name(self, node: ast.expr, scope: _Scope) -> str | None:
        """The string an expression certainly is, else None."""
        parts = self.parts(node, scope)
        if parts is None or any(type(p) is not str for p in parts):
            return None
        return "".join(parts)

    def default(self, node: ast.expr | None, scope: _Scope, depth: int = 0) -> tuple[bool, bool, str | None]:
        """(given, has_default, text) of a default argument; `None` is no default."""
        if node is None:
            return False, False, None
        kind = type(node)
        if kind is ast.Constant:
            value = node.value  # type: ignore[attr-defined]
            if value is None:
                return True, False, None
            if value is Ellipsis:
                return True, True, None
            if isinstance(value, bytes):
                return True, True, value.decode("utf-8", "backslashreplace")
            return True, True, value if isinstance(value, str) else repr(value)
        if kind is ast.UnaryOp and type(node.op) in (ast.USub, ast.UAdd) and type(node.operand) is ast.Constant \
                and type(node.operand.value) in (int, float):  # type: ignore[attr-defined]
            sign = "-" if type(node.op) is ast.USub else ""  # type: ignore[attr-defined]
            return True, True, sign + repr(node.operand.value)  # type: ignore[attr-defined]
        if kind in (ast.Name, ast.Attribute) and depth < _MAX_DEPTH:
            qualified = self.qualified(node, scope)
            key = self.target(qualified, scope.module) if qualified else None
            if qualified and key is None and _SEP not in qualified:
                self.missing.add(qualified)
            found = self.member(self.constants, *key) if key else None
            if found is not None:
                return self.default(found[0], found[1], depth + 1)
        parts = self.parts(node, scope) if kind in (ast.BinOp, ast.JoinedStr) else None
        if parts is not None and all(type(p) is str for p in parts):
            return True, True, "".join(parts)
        return True, True, None

    # -- direct reads ---------------------------------------------------------------------------

    def raw_reads(self, node: ast.AST, scope: _Scope) -> list[tuple[ast.expr, str, str, ast.expr | None]]:
        """(name expression, form, how, default expression) of the os.environ reads `node` is."""
        kind = type(node)
        if kind is ast.Call:
            qualified = self.qualified(node.func, scope)  # type: ignore[attr-defined]
            if qualified not in _CALL_READS:
                return self.library_read(node, qualified, scope)  # type: ignore[arg-type]
            how, form = _CALL_READS[qualified]  # type: ignore[index]
            name = _argument(node, 0, "key")  # type: ignore[arg-type]
            if name is None:
                return []
            return [(name, form, how, _argument(node, 1, "default"))]  # type: ignore[arg-type]
        if kind is ast.Subscript:
            if self.qualified(node.value, scope) == "os.environ":  # type: ignore[attr-defined]
                return [(node.slice, "item", "os.environ[]", None)]  # type: ignore[attr-defined]
            return []
        if kind is ast.Compare:
            found = []
            left = node.left  # type: ignore[attr-defined]
            for op, right in zip(node.ops, node.comparators):  # type: ignore[attr-defined]
                if type(op) in (ast.In, ast.NotIn) and self.qualified(right, scope) == "os.environ":
                    found.append((left, "in", "in os.environ", None))
                left = right
            return found
        return []

    def library_read(self, call: ast.Call, qualified: str | None, scope: _Scope) -> list[tuple]:
        """A python-decouple `config("X", default=…)` or environs `env("X", d)` / `env.int("X", d)`
        read (`qualified`: the called name): "pop"-shaped (required without a default), or "get"
        for FileAwareEnv."""
        receiver, method = _environs_receiver(call)
        if method:
            qualified = self.qualified(receiver, scope)
        reader = self.reader(qualified, scope.module)
        if reader is None or (method and reader[0] == "decouple"):
            return []
        name = _argument(call, 0, "option" if reader[0] == "decouple" else "name")
        if name is None:
            return []
        how = "python-decouple config()" if reader[0] == "decouple" else (
            f"environs env.{method}()" if method else "environs env()")
        return [(name, "get" if reader[0] == "environs-file" else "pop", how, _argument(call, 1, "default"))]

    def reader(self, qualified: str | None, module: _Module, depth: int = 0) -> tuple[str, str | None] | None:
        """(library, prefix) when the name `qualified` (as seen from `module`) is a python-decouple
        or environs config object: the one the library exports, or an instance (`env =
        Env(prefix="P_")`) bound once at module level, here or in another scanned module, also
        through a re-export. A prefix that is no literal is None."""
        if qualified is None or depth > _MAX_DEPTH:
            return None
        if qualified in _READER_OBJECTS:
            return _READER_OBJECTS[qualified], ""
        key = self.target(qualified, module)
        if key is None:
            return None
        found = self.member(self.constants, *key)
        if found is None:  # `from decouple import config` in a module this one imports from
            exporter = self.by_path.get(key[0])
            value = exporter.scope.names.get(key[1]) if exporter is not None and "." not in key[1] else None
            if value is None or _SEP in value:
                return None
            return self.reader(value, exporter, depth + 1)  # type: ignore[arg-type]
        call, where = found
        library = _READER_CLASSES.get(self.qualified(call.func, where)) if type(call) is ast.Call else None  # type: ignore
        if library is None:
            return None
        prefix = next((k.value for k in call.keywords if k.arg == "prefix"), None)  # type: ignore[attr-defined]
        return library, "" if prefix is None or library == "decouple" else self.name(prefix, where)

    def environs_prefix(self, call: ast.Call, scope: _Scope, guards: tuple) -> str | None:
        """The instance's own prefix, then each enclosing `with env.prefixed("P_"):` of the same
        instance, outermost first; None when one is not a literal."""
        instance = self.qualified(_environs_receiver(call)[0], scope)
        reader = self.reader(instance, scope.module)
        prefix = reader[1] if reader is not None else ""
        for guard in guards:
            if type(guard) not in (ast.With, ast.AsyncWith):
                continue
            for item in guard.items:  # type: ignore[attr-defined]
                if _is_prefixed(item) and self.qualified(item.context_expr.func.value, scope) == instance:
                    more = _argument(item.context_expr, 0, "prefix")
                    more = self.name(more, scope) if more is not None else None
                    if more is None or prefix is None:
                        return None
                    prefix += more
        return prefix

    def guarded(self, parts: list, guards: tuple, scope: _Scope) -> bool:
        """Whether a read of `parts` cannot raise: it is under `if "X" in os.environ` /
        `if os.getenv("X")` (or `and`), or in a `try` that catches KeyError."""
        for guard in guards:
            if type(guard) is ast.Try:
                if any(_catches_keyerror(h) for h in guard.handlers):  # type: ignore[attr-defined]
                    return True
                continue
            tests = [guard]
            while tests:
                test = tests.pop()
                if type(test) is ast.BoolOp and type(test.op) is ast.And:  # type: ignore[attr-defined]
                    tests.extend(test.values)  # type: ignore[attr-defined]
                    continue
                if type(test) is ast.Compare and any(type(op) is ast.NotIn for op in test.ops):  # type: ignore[attr-defined]
                    continue
                for name, form, _, _ in self.raw_reads(test, scope):
                    if form in ("in", "get") and self.parts(name, scope) == parts:
                        return True
        return False

    def direct(self, module: _Module, node: ast.AST, scope: _Scope, guards: tuple) -> None:
        for name_node, form, how, default_node in self.raw_reads(node, scope):
            parts = self.parts(name_node, scope)
            if parts and how.startswith("environs"):
                prefix = self.environs_prefix(node, scope, guards)  # type: ignore[arg-type]
                parts = None if prefix is None else _merge([prefix, *parts])
            if not parts:
                continue
            guarded = form in ("item", "pop", "setdefault") and bool(guards) and self.guarded(parts, guards, scope)
            fallback = module.fallbacks.get(id(node), _ABSENT) if form == "get" else _ABSENT
            if all(type(p) is str for p in parts):
                given, has, text = self.default(default_node, scope)
                if not has and fallback is not _ABSENT:
                    given, has, text = self.default(fallback, scope) if fallback is not None else (True, True, None)
                self.record(parts[0], module.location(name_node), form, given, has, text, guarded, how)
                continue
            binders = {p[0] for p in parts if type(p) is tuple}
            wrapper = binders.pop() if len(binders) == 1 else None
            if wrapper is None or wrapper.key is None or wrapper.kind != "function":
                continue
            spec = self.default_spec(default_node, scope, wrapper)
            if spec is None and fallback is not _ABSENT:
                spec = self.default_spec(fallback, scope, wrapper) if fallback is not None else ("opaque",)
            self.wrappers.setdefault((module.path, wrapper.key), []).append((parts, form, spec, guarded))

    def default_spec(self, node: ast.expr | None, scope: _Scope, wrapper: _Scope):
        """How a wrapper's body read gets its default: None (none), ("param", name), ("value",
        given, has, text)."""
        if node is None:
            return None
        if type(node) is ast.Name:
            found = scope.lookup(node.id)  # type: ignore[attr-defined]
            if found is not None and found[0] is wrapper and node.id in wrapper.params \
                    and node.id not in wrapper.multi:  # type: ignore[attr-defined]
                return ("param", node.id)  # type: ignore[attr-defined]
        return ("value", *self.default(node, scope))

    def record(self, name: str, location: Location, form: str, given: bool, has: bool, text: str | None,
               guarded: bool, how: str) -> None:
        required, has, text = _shape(form, given, has, text, guarded)
        self.reads.append(EnvRead(name, location, text, has, required, False, how))

    # -- wrappers -----------------------------------------------------------------------------

    def wrapper_call(self, module: _Module, call: ast.Call, scope: _Scope) -> None:
        func = call.func
        found = None
        qualified = self.qualified(func, scope)
        if qualified is not None:
            key = self.target(qualified, module)
            if key is not None:
                found = self.member(self.functions, *key)
                if found is not None and found.owner is not None and found.method == "instance":
                    found = None  # `Class.method("X")` passes "X" as self
        elif type(func) is ast.Attribute:
            owner = self.self_class(func.value, scope)
            if owner is not None:
                found = self.member(self.functions, owner[0].module.path, f"{owner[1]}.{func.attr}")
        if found is None:
            return
        reads = self.wrappers.get((found.module.path, found.key))  # type: ignore[arg-type]
        if reads:
            self.expand(found, reads, call, scope)

    def expand(self, wrapper: _Scope, reads: list[tuple], call: ast.Call, scope: _Scope) -> None:
        """The reads one call of a wrapper makes, one per variable name."""
        bound = _bind_arguments(wrapper, call, scope)
        by_name: dict[str, list[tuple[bool, bool, str | None]]] = {}
        where: dict[str, ast.AST] = {}
        for parts, form, spec, guarded in reads:
            text, node = [], call
            for part in parts:
                if type(part) is str:
                    text.append(part)
                    continue
                argument = bound.get(part[1])
                if argument is None or argument[0] is None:
                    text = None
                    break
                value = self.name(argument[0], argument[1])
                if value is None:
                    text = None
                    break
                text.append(value)
                if argument[1] is scope:
                    node = argument[0]
            if text is None:
                continue
            if spec is None:
                given, has, default = False, False, None
            elif spec[0] == "param":
                argument = bound.get(spec[1])
                if argument is None:
                    given, has, default = False, False, None
                elif argument[0] is None:
                    given, has, default = True, True, None
                else:
                    given, has, default = self.default(argument[0], argument[1])
            elif spec[0] == "opaque":
                given, has, default = True, True, None
            else:
                given, has, default = spec[1:]
            name = "".join(text)
            where.setdefault(name, node)
            by_name.setdefault(name, []).append(_shape(form, given, has, default, guarded))
        how = f"wrapper {wrapper.key}()"
        for name, shapes in by_name.items():
            required = all(s[0] for s in shapes)
            optional = [s for s in shapes if not s[0]]
            has = bool(optional) and all(s[1] for s in optional)
            texts = {s[2] for s in optional}
            text = texts.pop() if has and len(texts) == 1 else None
            self.reads.append(EnvRead(name, scope.module.location(where[name]), text, has, required, False, how))

    # -- pydantic-settings ----------------------------------------------------------------------

    def settings_version(self, key: tuple[str, str], depth: int = 0) -> str | None:
        """"v1"/"v2" when the class derives from a pydantic BaseSettings, else None."""
        if key in self._settings:
            return self._settings[key]
        self._settings[key] = None  # cycles
        cls = self.classes[key]
        version = None
        for base in cls.node.bases:  # type: ignore[union-attr]
            qualified = self.qualified(base, cls.parent)  # type: ignore[arg-type]
            if qualified in _SETTINGS_V2:
                version = "v2"
            elif qualified in _SETTINGS_V1:
                version = "v1"
            elif depth < _MAX_DEPTH:
                base_key = self.class_key(base, cls.parent)  # type: ignore[arg-type]
                version = self.settings_version(base_key, depth + 1) if base_key else None
            if version:
                break
        self._settings[key] = version
        return version

    def settings_bases(self, key: tuple[str, str]) -> list[tuple[str, str]]:
        cls = self.classes[key]
        keys = [self.class_key(base, cls.parent) for base in cls.node.bases]  # type: ignore[union-attr,arg-type]
        return [k for k in keys if k is not None and self.settings_version(k)]

    def config(self, key: tuple[str, str], depth: int = 0) -> dict:
        """Effective settings config: {option: (expression, scope)}, bases first, then the class's
        own `model_config`, class keywords and v1 `class Config`."""
        if key in self._configs:
            return self._configs[key]
        self._configs[key] = {}
        merged: dict = {}
        if depth < _MAX_DEPTH:
            for base in reversed(self.settings_bases(key)):
                merged.update(self.config(base, depth + 1))
        cls = self.classes[key]
        node: ast.ClassDef = cls.node  # type: ignore[assignment]
        module_scope = cls.parent
        for statement in node.body:
            if isinstance(statement, (ast.Assign, ast.AnnAssign)) and statement.value is not None:
                targets = statement.targets if isinstance(statement, ast.Assign) else [statement.target]
                if any(isinstance(t, ast.Name) and t.id == "model_config" for t in targets):
                    value = statement.value
                    if isinstance(value, ast.Call):
                        merged.update({k.arg: (k.value, cls) for k in value.keywords if k.arg})
                    elif isinstance(value, ast.Dict):
                        for k, v in zip(value.keys, value.values):
                            if isinstance(k, ast.Constant) and isinstance(k.value, str):
                                merged[k.value] = (v, cls)
            elif isinstance(statement, ast.ClassDef) and statement.name == "Config":
                for inner in statement.body:
                    if isinstance(inner, ast.Assign):
                        for target in inner.targets:
                            if isinstance(target, ast.Name):
                                merged[target.id] = (inner.value, module_scope)
                    elif isinstance(inner, ast.AnnAssign) and isinstance(inner.target, ast.Name) and inner.value:
                        merged[inner.target.id] = (inner.value, module_scope)
        merged.update({k.arg: (k.value, module_scope) for k in node.keywords if k.arg and k.arg != "metaclass"})
        self._configs[key] = merged
        return merged

    def fields(self, key: tuple[str, str], depth: int = 0) -> dict[str, tuple[ast.AnnAssign, _Scope]]:
        """Annotated fields by name, inherited ones first, the class's own overriding them."""
        found: dict[str, tuple[ast.AnnAssign, _Scope]] = {}
        if depth < _MAX_DEPTH:
            for base in reversed(self.settings_bases(key)):
                found.update(self.fields(base, depth + 1))
        cls = self.classes[key]
        for statement in cls.node.body:  # type: ignore[union-attr]
            if isinstance(statement, ast.AnnAssign) and isinstance(statement.target, ast.Name):
                name = statement.target.id
                if name.startswith("_") or name == "model_config" or self.is_classvar(statement.annotation, cls):
                    continue
                found[name] = (statement, cls)
        return found

    def is_classvar(self, annotation: ast.expr, scope: _Scope) -> bool:
        node = annotation.value if isinstance(annotation, ast.Subscript) else annotation
        return self.qualified(node, scope) in {f"{t}.ClassVar" for t in _TYPING}

    def settings_fields(self, key: tuple[str, str]) -> None:
        version = self.settings_version(key)
        config = self.config(key)
        prefix: str | None = ""
        if "env_prefix" in config:
            prefix = self.name(*config["env_prefix"])  # None: not a literal, so prefixed names are unknown
        case_sensitive = "case_sensitive" in config and _is_true(config["case_sensitive"][0])
        target = self.name(*config["env_prefix_target"]) if "env_prefix_target" in config else "variable"
        if target not in ("variable", "alias", "all"):
            return  # which names get the prefix is unknown
        generated = version == "v2" and "alias_generator" in config  # names made by a function
        v1_fields = config["fields"][0] if version == "v1" and "fields" in config else None
        for field_name, (statement, scope) in self.fields(key).items():
            keywords, default_node = self.field_arguments(statement, scope)
            names, kind = self.field_env_names(version, field_name, keywords, scope, v1_fields)
            if not names or (kind == "field" and generated):
                continue
            # env_prefix_target (pydantic-settings "Environment variable names"): "variable"
            # prefixes field names only, "alias" aliases only, "all" both; v1 `env=` never
            if kind == "field":
                apply = version == "v1" or target in ("variable", "all")
            else:
                apply = version == "v2" and target in ("alias", "all")
            if apply and prefix is None:
                continue
            optional_v1 = version == "v1" and self.is_optional(statement.annotation, scope)
            if default_node is _ABSENT:
                if "default_factory" in keywords:
                    required, has, text = False, True, None
                else:
                    required, has, text = not optional_v1, False, None
            elif isinstance(default_node, ast.Constant) and default_node.value is Ellipsis:
                required, has, text = True, False, None
            else:
                _, has, text = self.default(default_node, scope)  # type: ignore[arg-type]
                required = False
            secret = self.is_secret(statement.annotation, scope)
            location = scope.module.location(statement.target)
            for name in names:
                env = f"{prefix}{name}" if apply else name
                self.reads.append(EnvRead(env if case_sensitive else env.upper(), location, text, has,
                                          required and len(names) == 1, secret, "settings field"))

    def field_arguments(self, statement: ast.AnnAssign, scope: _Scope):
        """Keywords of the field's `Field(...)` calls (in `Annotated[...]` and as the value) and its
        default expression (`_ABSENT` when none is written)."""
        keywords: dict[str, ast.expr] = {}
        calls = []
        annotation = statement.annotation
        if isinstance(annotation, ast.Subscript) and isinstance(annotation.slice, ast.Tuple) \
                and self.qualified(annotation.value, scope) in {f"{t}.Annotated" for t in _TYPING}:
            calls += [e for e in annotation.slice.elts[1:] if self.is_field(e, scope)]
        default: object = statement.value if statement.value is not None else _ABSENT
        if statement.value is not None and self.is_field(statement.value, scope):
            call: ast.Call = statement.value  # type: ignore[assignment]
            calls.append(call)
            default = call.args[0] if call.args else _ABSENT
        for call in calls:
            keywords.update({k.arg: k.value for k in call.keywords if k.arg})
        if "default" in keywords:
            default = keywords["default"]
        return keywords, default

    def is_field(self, node: ast.expr, scope: _Scope) -> bool:
        return isinstance(node, ast.Call) and self.qualified(node.func, scope) in _FIELD

    def field_env_names(self, version, field_name: str, keywords: dict, scope: _Scope, v1_fields):
        """(names, kind) of one field: kind "field" (its own name), "alias" (v2 alias), "env" (v1
        `env=`); names None when they cannot be known."""
        if version == "v2":
            alias = keywords.get("validation_alias", keywords.get("alias"))
            if alias is None:
                return [field_name], "field"
            return self.alias_names(alias, scope), "alias"
        env = keywords.get("env")
        if env is None and isinstance(v1_fields, ast.Dict):  # Config.fields = {"f": {"env": ...}}
            for k, v in zip(v1_fields.keys, v1_fields.values):
                if isinstance(k, ast.Constant) and k.value == field_name and isinstance(v, ast.Dict):
                    env = next((ev for ek, ev in zip(v.keys, v.values)
                                if isinstance(ek, ast.Constant) and ek.value == "env"), None)
        if env is None:
            return [field_name], "field"
        elements = env.elts if isinstance(env, (ast.List, ast.Tuple, ast.Set)) else [env]
        names = [self.name(e, scope) for e in elements]
        return (None if None in names else [n for n in names if n]), "env"

    def alias_names(self, alias: ast.expr, scope: _Scope) -> list[str] | None:
        if isinstance(alias, ast.Call):
            if self.qualified(alias.func, scope) not in ("pydantic.AliasChoices", "pydantic.aliases.AliasChoices"):
                return None
            names = [self.name(a, scope) for a in alias.args if not isinstance(a, (ast.Call, ast.List))]
            return [n for n in names if n] or None
        name = self.name(alias, scope)
        return [name] if name else None

    def is_optional(self, annotation: ast.expr, scope: _Scope) -> bool:
        """`Optional[X]`, `Union[X, None]`, `X | None`: v1 gives such fields a None default."""
        if isinstance(annotation, ast.BinOp) and isinstance(annotation.op, ast.BitOr):
            return any(isinstance(side, ast.Constant) and side.value is None or self.is_optional(side, scope)
                       for side in (annotation.left, annotation.right))
        if isinstance(annotation, ast.Subscript):
            origin = self.qualified(annotation.value, scope)
            if origin in {f"{t}.Optional" for t in _TYPING}:
                return True
            if origin in {f"{t}.Union" for t in _TYPING} and isinstance(annotation.slice, ast.Tuple):
                return any(isinstance(e, ast.Constant) and e.value is None for e in annotation.slice.elts)
        return False

    def is_secret(self, annotation: ast.expr, scope: _Scope) -> bool:
        return any(isinstance(node, (ast.Name, ast.Attribute)) and self.qualified(node, scope) in _SECRET
                   for node in ast.walk(annotation))


# --- helpers ----------------------------------------------------------------------------------


_ABSENT = object()


def _is_leaf(node: ast.AST) -> bool:
    """Nodes the walk has nothing to do with: literals and names being read."""
    kind = type(node)
    return kind is ast.Constant or (kind is ast.Name and type(node.ctx) is ast.Load)  # type: ignore[attr-defined]


def _is_true(node: ast.expr) -> bool:
    return isinstance(node, ast.Constant) and node.value is True


def _merge(parts: list) -> list:
    merged: list = []
    for part in parts:
        if type(part) is str and merged and type(merged[-1]) is str:
            merged[-1] += part
        elif part != "":
            merged.append(part)
    return merged


def _shape(form: str, given: bool, has: bool, text: str | None, guarded: bool) -> tuple[bool, bool, str | None]:
    """(required, has_default, default) of a read, from what raises when the variable is unset:
    `[]` (KeyError), `pop` without a default (KeyError), `setdefault` without a str default
    (TypeError: os.environ only stores strings)."""
    if form == "in":
        return False, False, None
    if form == "item":
        return not guarded, False, None
    if form == "pop":
        return not given and not guarded, has, text
    if form == "setdefault":
        return not has and not guarded, has, text
    return False, has, text


def _environs_receiver(call: ast.Call) -> tuple[ast.expr, str]:
    """What a read is called on, and the environs type method if any: `env.int("X")` is
    (env, "int"), `env("X")` and `config("X")` (env, "") and (config, "")."""
    func = call.func
    if type(func) is ast.Attribute and func.attr in _ENVIRONS_METHODS:  # type: ignore[attr-defined]
        return func.value, func.attr  # type: ignore[attr-defined]
    return func, ""


def _is_prefixed(item: ast.withitem) -> bool:
    """`with X.prefixed(…)`: maybe an environs prefix (the call is checked where it matters)."""
    expr = item.context_expr
    func = expr.func if type(expr) is ast.Call else None  # type: ignore[attr-defined]
    return type(func) is ast.Attribute and func.attr == "prefixed"  # type: ignore[attr-defined]


def _argument(call: ast.Call, position: int, keyword: str) -> ast.expr | None:
    for k in call.keywords:
        if k.arg == keyword:
            return k.value
    for arg in call.args[:position + 1]:
        if type(arg) is ast.Starred:  # `f(*args)`: which argument lands there is unknown
            return None
    return call.args[position] if position < len(call.args) else None


def _bind_arguments(wrapper: _Scope, call: ast.Call, scope: _Scope) -> dict[str, tuple]:
    """Parameter -> (expression, scope it is evaluated in) for one call of a wrapper, defaults
    included; (None, None) when a `*args`/`**kwargs` at the call hides what it is; absent when
    nothing provides it."""
    args = wrapper.node.args  # type: ignore[union-attr]
    positional = [a.arg for a in [*args.posonlyargs, *args.args]]
    positional = positional[0 if wrapper.method in ("", "static") else 1:]  # self/cls is not passed
    bound: dict[str, tuple] = {}
    every = [*args.posonlyargs, *args.args]
    for arg, expr in zip(every[len(every) - len(args.defaults):], args.defaults):
        bound[arg.arg] = (expr, wrapper.parent)
    for arg, expr in zip(args.kwonlyargs, args.kw_defaults):
        if expr is not None:
            bound[arg.arg] = (expr, wrapper.parent)
    given: set[str] = set()
    hidden = False
    for name, arg in zip(positional, call.args):
        if isinstance(arg, ast.Starred):
            hidden = True
            break
        bound[name] = (arg, scope)
        given.add(name)
    for keyword in call.keywords:
        if keyword.arg is None:
            hidden = True
        else:
            bound[keyword.arg] = (keyword.value, scope)
            given.add(keyword.arg)
    if hidden or any(isinstance(a, ast.Starred) for a in call.args):
        for name in [*positional, *(a.arg for a in args.kwonlyargs)]:
            if name not in given:
                bound[name] = (None, None)
    return bound


def _catches_keyerror(handler: ast.ExceptHandler) -> bool:
    if handler.type is None:
        return True
    types = handler.type.elts if isinstance(handler.type, ast.Tuple) else [handler.type]
    return any(isinstance(t, ast.Name) and t.id in _CATCHES_KEYERROR for t in types)

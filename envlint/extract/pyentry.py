"""Where a Python entry file (`python app.py`) listens, read from its syntax tree only: the file
is never imported or run.

Recognised calls and their defaults follow ../shared/docs/code-scan.md §4: Flask `app.run`
(127.0.0.1:5000), Flask-SocketIO `socketio.run` (127.0.0.1:5000), `uvicorn.run` /
`uvicorn.Config` (127.0.0.1:8000), aiohttp `web.run_app` (0.0.0.0:8080), `waitress.serve`
(0.0.0.0:8080), Gradio `.launch` (127.0.0.1:7860) and `socket.bind((host, port))`. Calls
anywhere in the file count, `if __name__ == "__main__":` blocks included, since the file is run
as a script; in the repository modules the script imports (`imported_modules`, one level), the
same calls count except in such blocks, which do not run on import.

Values are literals, names bound to them (in the calling function, then at module level), and
environment reads (`int(os.environ.get("PORT", 5000))`, `os.getenv("PORT", "5000")`,
`os.environ["PORT"]`, `os.getenv("PORT") or 5000`), which give `port_env` and the fallback. A
host read from the environment is recorded as its fallback, if any. Anything else is None.
"""

from __future__ import annotations

import ast
import posixpath
import re
import warnings
from functools import lru_cache

from envlint.facts import Listen, Location, Problem
from envlint.record import record
from envlint.repo import ReadError, Repo

_MAX_DEPTH = 12  # name -> name -> … chains followed when evaluating a value

# qualified name -> (server, default host, default port, positional index of host, of port)
_FUNCTIONS = {
    "uvicorn.run": ("uvicorn.run", "127.0.0.1", 8000, None, None),  # host/port keyword-only
    "uvicorn.main.run": ("uvicorn.run", "127.0.0.1", 8000, None, None),
    "uvicorn.Config": ("uvicorn.Config", "127.0.0.1", 8000, None, None),
    "uvicorn.config.Config": ("uvicorn.Config", "127.0.0.1", 8000, None, None),
    "aiohttp.web.run_app": ("web.run_app", "0.0.0.0", 8080, None, None),
    "waitress.serve": ("waitress.serve", "0.0.0.0", 8080, None, None),
}
_FLASK = ("app.run", "127.0.0.1", 5000, 0, 1)  # Flask.run(host=None, port=None, …)
_SOCKETIO = ("socketio.run", "127.0.0.1", 5000, 1, 2)  # SocketIO.run(app, host=None, port=None, …)
_GRADIO = ("gradio launch", "127.0.0.1", 7860)
_APP_FACTORIES = ("create_app", "make_app", "get_app", "build_app")
_ENV_GETTERS = {"os.environ.get", "os.getenv", "os.environ.setdefault", "posix.environ.get"}
# Every recognised call ends in one of these names (the last part of a `_FUNCTIONS` key, or the
# `.run`/`.launch`/`.bind` attribute), and that name is written in the file: as the attribute,
# the called name or the imported one. A file without them starts no server, and most entry
# files are that (workers, CLIs). Not for non-ASCII text: Python folds identifiers to NFKC, so
# `ｒｕｎ` is `run`.
_MAY_LISTEN = re.compile(r"run|serve|Config|launch|bind")


@record(frozen=True)
class _Env:
    name: str
    default: object  # the fallback's value, or None


_UNKNOWN = object()


def listens_in_python(repo: Repo, relpath: str, imported: bool = False) -> tuple[list[Listen], list[Problem]]:
    """Listen addresses of the servers `relpath` starts, and why it could not be read, if so.
    `imported`: the file is a module the script imports, whose `if __name__ == "__main__":`
    blocks do not run; a problem reading it is not "unreadable" (the script may not need it)."""
    tree, source, problems = _parse(repo, relpath, imported)
    if tree is None:
        return [], problems
    if source.isascii() and not _MAY_LISTEN.search(source):
        return [], []
    if imported:
        tree = ast.Module([s for s in tree.body if not _is_main_block(s)], [])
    try:
        return _Scanner(relpath, source, tree).scan(), []
    except RecursionError:
        return [], [Problem("python-syntax", f"{relpath} is nested too deeply to read", Location(relpath, 1, 1))]


def imported_modules(repo: Repo, relpath: str) -> list[str]:
    """Repository files the script `relpath` imports itself (`import a.b`, `from a import b`),
    found from the script's directory as Python's `sys.path[0]` is: `a/b.py`, `a/b/__init__.py`.
    One level only: what those import is not followed."""
    tree, _, _ = _parse(repo, relpath, True)
    if tree is None:
        return []
    base = posixpath.dirname(relpath)
    names: list[str] = []
    for node in _statements(tree):
        if isinstance(node, ast.Import):
            names += [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
            names.append(node.module)
            names += [f"{node.module}.{alias.name}" for alias in node.names if alias.name != "*"]
    found: list[str] = []
    for name in names:
        stem = posixpath.join(base, name.replace(".", "/"))
        for candidate in (f"{stem}.py", f"{stem}/__init__.py"):
            if candidate != relpath and candidate not in found and repo.is_file(candidate) \
                    and repo.normalize(candidate) is not None:
                found.append(candidate)
    return found


def _is_main_block(statement: ast.stmt) -> bool:
    test = statement.test if isinstance(statement, ast.If) else None
    return isinstance(test, ast.Compare) and isinstance(test.left, ast.Name) and test.left.id == "__name__"


def _parse(repo: Repo, relpath: str, imported: bool) -> tuple[ast.Module | None, str, list[Problem]]:
    """The file's tree and text, or why it has none (an unreadable module the script imports is
    a "python-syntax" warning: the script may not need it)."""
    try:
        source = repo.read_text(relpath)
    except (ReadError, OSError) as exc:
        return None, "", [Problem("python-syntax" if imported else "unreadable", str(exc), Location(relpath, 1, 1))]
    try:
        with warnings.catch_warnings():  # a SyntaxWarning would print the checked code's line on stderr
            warnings.simplefilter("ignore")
            tree = syntax_tree(source)
    except SyntaxError as exc:
        return None, source, [Problem("python-syntax", f"{relpath} does not parse: {exc.msg}",
                                      Location(relpath, max(exc.lineno or 1, 1), max(exc.offset or 1, 1)))]
    except (ValueError, RecursionError, MemoryError) as exc:  # NUL bytes, absurd nesting
        return None, source, [Problem("python-syntax", f"{relpath} does not parse: {exc}", Location(relpath, 1, 1))]
    return tree, source, []


@lru_cache(maxsize=64)
def syntax_tree(source: str) -> ast.Module:
    """`ast.parse(source)`, remembered for the last texts: the engine asks listens_in_python,
    then imported_modules, of each script the code scan has parsed already, and services made
    from one template share files. Trees are only read, never changed."""
    return ast.parse(source)


class _Scanner:
    def __init__(self, path: str, source: str, tree: ast.Module):
        self.path, self.tree = path, tree
        self.lines = source_lines(source)
        self.aliases: dict[str, str] = {}  # local name -> qualified name of what was imported
        self.modules: set[str] = set()  # names bound by `import X` / `import X as Y`
        self.bound: dict[str, str] = {}  # local name -> qualified name of the call that made it
        self.listens: list[Listen] = []
        statements = _statements(tree)
        for node in statements:
            if isinstance(node, ast.Import):
                for alias in node.names:
                    local = alias.asname or alias.name.split(".")[0]
                    self.aliases[local] = alias.name if alias.asname else local
                    self.modules.add(local)
            elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
                for alias in node.names:
                    self.aliases[alias.asname or alias.name] = f"{node.module}.{alias.name}"
        imported = set(self.aliases.values())
        self.imports_flask = any(name.split(".")[0].startswith("flask") for name in imported)
        self.imports_gradio = any(name.split(".")[0] == "gradio" for name in imported)
        self.imports_socket = any(name.split(".")[0] == "socket" for name in imported)
        for node in statements:
            if isinstance(node, (ast.Assign, ast.AnnAssign)) and isinstance(node.value, ast.Call):
                targets = node.targets if isinstance(node, ast.Assign) else [node.target]
                for target in targets:
                    if isinstance(target, ast.Name):
                        self.bound[target.id] = self.qualified(node.value.func) or ""
            elif isinstance(node, (ast.With, ast.AsyncWith)):  # `with gr.Blocks() as demo:`
                for item in node.items:
                    if isinstance(item.optional_vars, ast.Name) and isinstance(item.context_expr, ast.Call):
                        self.bound[item.optional_vars.id] = self.qualified(item.context_expr.func) or ""

    # -- names ------------------------------------------------------------------------------

    def qualified(self, node: ast.expr) -> str | None:
        """`web.run_app` -> "aiohttp.web.run_app" through the imports; a name not imported is
        itself (a local function such as `create_app`). A loop: a chain of a thousand attributes
        parses, and must not exhaust the recursion limit here."""
        attributes = []
        while isinstance(node, ast.Attribute):
            attributes.append(node.attr)
            node = node.value
        if not isinstance(node, ast.Name):
            return None
        return ".".join([self.aliases.get(node.id, node.id), *reversed(attributes)])

    # -- walking ----------------------------------------------------------------------------

    def scan(self) -> list[Listen]:
        self.visit(self.tree.body, [], True)
        return self.listens

    def visit(self, body: list[ast.stmt], scopes: list[dict[str, list[ast.stmt]]], own_scope: bool) -> None:
        """The calls in `body`, in source order; a function body is a scope of its own (its
        assignments are looked up first), a class body is not."""
        nodes = _scope_nodes(body)
        if own_scope:
            scopes = [*scopes, _assignments(nodes)]
        for node in nodes:
            kind = type(node)
            if kind is ast.Call:
                self.call(node, scopes)  # type: ignore[arg-type]
            elif kind is ast.FunctionDef or kind is ast.AsyncFunctionDef:
                self.visit(node.body, scopes, True)  # type: ignore[attr-defined]
            elif kind is ast.ClassDef:
                self.visit(node.body, scopes, False)  # type: ignore[attr-defined]

    def call(self, node: ast.Call, scopes) -> None:
        func = node.func
        name = self.qualified(func)
        if name in _FUNCTIONS:
            server, host, port, host_at, port_at = _FUNCTIONS[name]
            if name == "waitress.serve" and _keyword(node, "listen") is not None:
                self.waitress_listen(node, _keyword(node, "listen"), scopes)
                return
            self.add(node, scopes, server, host, port, host_at, port_at)
            return
        if not isinstance(func, ast.Attribute):
            return
        receiver = func.value.id if isinstance(func.value, ast.Name) else None
        made_by = self.bound.get(func.value.id, "") if isinstance(func.value, ast.Name) else ""
        if func.attr == "run" and receiver is not None:
            if made_by.rsplit(".", 1)[-1] == "SocketIO":
                self.add(node, scopes, *_SOCKETIO)
            elif self.is_flask(node, receiver, made_by):
                self.add(node, scopes, *_FLASK)
        elif func.attr == "launch" and (
            self.imports_gradio or _keyword(node, "server_name") or _keyword(node, "server_port")
        ):
            self.add(node, scopes, *_GRADIO, None, None, host_kw="server_name", port_kw="server_port")
        elif func.attr == "bind" and self.imports_socket and len(node.args) == 1 and not node.keywords:
            address = node.args[0]
            if isinstance(address, ast.Tuple) and len(address.elts) == 2:
                self.listens.append(self.listen("socket.bind", node, address.elts[0], address.elts[1], "", 0, scopes))

    def is_flask(self, node: ast.Call, name: str, made_by: str) -> bool:
        """`.run` on a Flask instance, on what an app factory returned, or, in a module that
        imports flask, any `.run(host=…/port=…)` on a name not bound by `import` (`asyncio.run`)."""
        made_by_last = made_by.rsplit(".", 1)[-1]
        if made_by_last == "Flask" or made_by_last.endswith(_APP_FACTORIES):
            return True
        has_address = _keyword(node, "host") is not None or _keyword(node, "port") is not None
        return self.imports_flask and has_address and name not in self.modules

    # -- listens ----------------------------------------------------------------------------

    def add(self, node: ast.Call, scopes, server: str, host: str, port: int, host_at: int | None,
            port_at: int | None, host_kw: str = "host", port_kw: str = "port") -> None:
        host_node = _argument(node, host_kw, host_at)
        port_node = _argument(node, port_kw, port_at)
        self.listens.append(self.listen(server, node, host_node, port_node, host, port, scopes))

    def listen(self, server: str, call: ast.Call, host_node: ast.expr | None, port_node: ast.expr | None,
               default_host: str, default_port: int, scopes) -> Listen:
        line = call.lineno
        if host_node is None:
            host, host_location = default_host, None
        else:
            value = self.value(host_node, scopes, line)
            if isinstance(value, _Env):
                value = value.default
            host = ("0.0.0.0" if value == "" else value) if isinstance(value, str) else None
            host_location = self.location(host_node)
        port, port_env, port_location = default_port, None, None
        if port_node is not None:
            value = self.value(port_node, scopes, line)
            if isinstance(value, _Env):
                port_env, value = value.name, value.default
            port = _as_port(value)
            port_location = self.location(port_node)
        return Listen(server, self.location(call), host, host_location, host_node is None, port, port_env,
                      port_location, port_node is None)

    def waitress_listen(self, call: ast.Call, node: ast.expr, scopes) -> None:
        """`serve(app, listen="0.0.0.0:8080 [::]:8080")`: each `host:port`, port 8080 if none."""
        value = self.value(node, scopes, call.lineno)
        location = self.location(node)
        if not isinstance(value, str):
            self.listens.append(Listen("waitress.serve", self.location(call), host_location=location,
                                       port_location=location))
            return
        for item in value.split():
            if item.startswith("["):  # [v6]:port
                host, _, rest = item[1:].partition("]")
                port = rest[1:] if rest.startswith(":") else ""
            else:
                host, colon, port = item.rpartition(":")
                host = host if colon else port
                port = port if colon else ""
            self.listens.append(Listen("waitress.serve", self.location(call), "0.0.0.0" if host in ("", "*") else host,
                                       location, False, _as_port(port) if port else 8080, None, location, not port))

    # -- values -----------------------------------------------------------------------------

    def value(self, node: ast.expr, scopes, line: int, depth: int = 0) -> object:
        """A literal, an `_Env`, or `_UNKNOWN`."""
        if depth > _MAX_DEPTH:
            return _UNKNOWN
        if isinstance(node, ast.Constant):
            return node.value
        if isinstance(node, ast.Name):
            for scope in reversed(scopes):
                assigned = scope.get(node.id)
                if assigned:
                    before = [a for a in assigned if a.lineno <= line] or assigned
                    return self.value(before[-1].value, scopes, line, depth + 1)  # type: ignore[attr-defined]
            return _UNKNOWN
        if isinstance(node, ast.Call):
            name = self.qualified(node.func)
            if name in ("int", "str", "float") and len(node.args) == 1 and not node.keywords:
                inner = self.value(node.args[0], scopes, line, depth + 1)
                return inner if isinstance(inner, _Env) else _convert(inner, name)
            if name in _ENV_GETTERS and node.args and isinstance(node.args[0], ast.Constant) \
                    and isinstance(node.args[0].value, str):
                default = _argument(node, "default", 1)
                fallback = None if default is None else self.value(default, scopes, line, depth + 1)
                return _Env(node.args[0].value, None if fallback is _UNKNOWN else fallback)
            return _UNKNOWN
        if isinstance(node, ast.Subscript) and self.qualified(node.value) in ("os.environ", "posix.environ"):
            key = node.slice
            if isinstance(key, ast.Constant) and isinstance(key.value, str):
                return _Env(key.value, None)
            return _UNKNOWN
        if isinstance(node, ast.BoolOp) and isinstance(node.op, ast.Or) and len(node.values) == 2:
            first = self.value(node.values[0], scopes, line, depth + 1)
            if isinstance(first, _Env) and first.default is None:
                fallback = self.value(node.values[1], scopes, line, depth + 1)
                return _Env(first.name, None if fallback is _UNKNOWN else fallback)
            return _UNKNOWN
        return _UNKNOWN

    def location(self, node: ast.AST) -> Location:
        return node_location(self.path, self.lines, node)


def source_lines(source: str) -> list[str]:
    """What `node_location` needs of a file's text: its lines, split at line breaks as Python
    counts them; none for ASCII text, where characters are bytes (most files, and splitting
    costs more than all their locations)."""
    return [] if source.isascii() else re.split(r"\r\n|\r|\n", source)


def node_location(path: str, lines: list[str], node: ast.AST) -> Location:
    """Where an ast node is: 1-based line and character columns (ast's columns count UTF-8
    bytes), the end one past the last character. `lines`: the file's `source_lines`."""
    line, end_line = node.lineno, node.end_lineno or node.lineno  # type: ignore[attr-defined]
    column = _character_column(lines, line, node.col_offset)  # type: ignore[attr-defined]
    end_column = _character_column(lines, end_line, node.end_col_offset or 0)  # type: ignore[attr-defined]
    return Location(path, line, column + 1, end_line, end_column + 1)


def _character_column(lines: list[str], line: int, byte_offset: int) -> int:
    text = lines[line - 1] if 0 < line <= len(lines) else ""
    if text.isascii():
        return byte_offset
    return len(text.encode("utf-8")[:byte_offset].decode("utf-8", "ignore"))


_STATEMENT_FIELDS = ("body", "handlers", "orelse", "finalbody", "cases")  # in the order of `_fields`


def _statements(tree: ast.Module) -> list[ast.AST]:
    """Every statement of the tree (and except handler, match case), in `ast.walk`'s breadth-
    first order, where a name imported or assigned twice keeps its later binding. Statements
    only hold statements in these fields, so the expressions (most of the tree) are not walked."""
    found: list[ast.AST] = [tree]
    for node in found:  # the list grows as it is read: breadth first
        for field in _STATEMENT_FIELDS:
            found.extend(getattr(node, field, ()))
    return found[1:]


_CHILD_FIELDS: dict[type, tuple[str, ...]] = {}  # node type -> its fields, last first


def _scope_nodes(body: list[ast.stmt]) -> list[ast.AST]:
    """The nodes of one scope, depth first in source order; function and class definitions are
    included but not entered. (`ast.iter_child_nodes` costs more than all the rest.)"""
    found: list[ast.AST] = []
    stack: list = body[::-1]
    while stack:
        node = stack.pop()
        found.append(node)
        kind = type(node)
        if kind is ast.FunctionDef or kind is ast.AsyncFunctionDef or kind is ast.ClassDef:
            continue
        fields = _CHILD_FIELDS.get(kind)
        if fields is None:
            fields = _CHILD_FIELDS[kind] = kind._fields[::-1]
        for field in fields:
            value = getattr(node, field, None)
            if type(value) is list:
                stack.extend(child for child in reversed(value) if isinstance(child, ast.AST))
            elif isinstance(value, ast.AST):
                stack.append(value)
    return found


def _assignments(nodes: list[ast.AST]) -> dict[str, list[ast.stmt]]:
    """`NAME = value` statements of one scope (its `_scope_nodes`), in source order."""
    found: dict[str, list[ast.stmt]] = {}
    for node in nodes:
        if isinstance(node, ast.Assign):
            for target in node.targets:
                if isinstance(target, ast.Name):
                    found.setdefault(target.id, []).append(node)
        elif isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name) and node.value is not None:
            found.setdefault(node.target.id, []).append(node)
    for statements in found.values():
        statements.sort(key=lambda s: s.lineno)
    return found


def _keyword(call: ast.Call, name: str) -> ast.expr | None:
    return next((k.value for k in call.keywords if k.arg == name), None)


def _argument(call: ast.Call, name: str, position: int | None) -> ast.expr | None:
    found = _keyword(call, name)
    if found is None and position is not None and position < len(call.args):
        if not any(isinstance(a, ast.Starred) for a in call.args[:position + 1]):
            found = call.args[position]
    return found


def _convert(value: object, kind: str) -> object:
    try:
        if kind == "int" and isinstance(value, (str, int, float)) and not isinstance(value, bool):
            return int(value)
        if kind == "str" and isinstance(value, (str, int)):
            return str(value)
    except ValueError:
        pass
    return value if kind == "float" else _UNKNOWN


def _as_port(value: object) -> int | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, str) and value.isascii() and value.strip().isdigit():
        return int(value)
    return None

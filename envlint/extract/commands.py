"""Command lines as facts: what a Dockerfile RUN/CMD/ENTRYPOINT or a render.yaml
buildCommand/startCommand/dockerCommand installs, runs and binds.

Nothing is executed. A small lexer of our own follows the POSIX shell grammar (XCU 2.2 quoting,
2.3 token recognition, 2.6.2 parameter expansion, 2.9 commands) far enough to split a line into
simple commands; wrappers (`sh -c`, `exec`, `env`, `python -m`, APM launchers, …) are looked
through, and each command is matched against pip and the Python servers in
../shared/docs/code-scan.md §4–5. Every fact keeps the location of its raw text, through
Dockerfile continuation lines, YAML scalars and `sh -c "…"` strings.

How listens are recorded (`facts.Listen`):
- a literal port is `port`; `$PORT`/`${PORT}` is `port_env="PORT"`, `port=None`;
  `${PORT:-8000}` is `port_env="PORT"`, `port=8000`. Only shell form has references: in exec
  form `$PORT` is a literal string, so `port` and `port_env` are both None there.
- a value not given is the server's default, with `host_implicit`/`port_implicit`.
- gunicorn with no `-b` binds `0.0.0.0:$PORT` when PORT is set (always, on a Render web
  service) and 127.0.0.1:8000 otherwise: recorded as host "0.0.0.0", port_env "PORT", port 8000,
  both implicit. With `-c FILE` and no `-b` the bind is in the file: host and port are None.
- a host that is a variable reference is None (its `:-` fallback if it has one); `""`/`*` are
  "0.0.0.0".

Never raises: an unclosed quote or `$(` is recorded as a "shell-syntax" Problem and the rest is
read as if it were closed at the end, as far as it goes. Package arguments that cannot be read
are Problems too ("requirement-syntax", "requirement-unresolved"), in `Command.problems`.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass

from envlint.extract.requirements import requirement_from_line
from envlint.facts import Command, FileArg, Install, Listen, Location, Problem, Requirement, SourceText, Word

Locate = Callable[[int, int], Location]  # [start, end) of the string being lexed -> Location

_MAX_DEPTH = 24  # `$( $( … ) )` / `sh -c "sh -c …"` nesting followed; deeper is skipped, not read
_SHELL_SYNTAX = "shell-syntax"

# XCU 2.2/2.3: blanks separate words; these characters end an unquoted word.
_BLANKS = " \t\r"
_META = frozenset(" \t\r\n|&;<>()")
_OPERATORS = ("&&", "||", ";;", "|&")
# Redirections (XCU 2.7, plus bash's `&>`, `&>>`, `<<<`): an optional IO number, then the operator.
_REDIRECT = re.compile(r"\d*(?:<<<|<<-|<<|>>|>&|<&|<>|>\||&>>|&>|>|<)")
# XCU 2.4: reserved words, recognised only where a command would start.
_RESERVED = frozenset({"if", "then", "else", "elif", "fi", "do", "done", "while", "until", "{", "}", "!", "esac"})
_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*|[0-9@*#?$!-]")
# XCU 2.6.2 `${name}`, `${name:-word}`, …: the name, the operator, the word as written.
_PARAM = re.compile(r"([A-Za-z_][A-Za-z0-9_]*|\d+|[@*#?$!-])(:?[-=+?]|##?|%%?|/)?(.*)", re.S)
_ASSIGNMENT = re.compile(r"[A-Za-z_][A-Za-z0-9_]*=")

_PYTHON = re.compile(r"python(\d+(\.\d+)?)?")
_PIP = re.compile(r"pip(\d+(\.\d+)?)?")
_SHELLS = frozenset({"sh", "bash", "dash", "zsh", "ash", "ksh"})
_SYSTEM_DIRS = ("/bin/", "/sbin/", "/usr/", "/lib/", "/etc/", "/proc/", "/dev/")


# --- words ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Param:
    """A parameter reference inside a word's text: text[start:end] is it as written."""

    start: int
    end: int
    name: str
    op: str  # "", ":-", "-", ":=", "=", ":+", "+", ":?", "?", "#", "##", "%", "%%", "/"
    arg: str  # the word after the operator, as written
    quoted: bool  # inside double quotes: its value is not split into fields


class _W:
    """A word after quote removal. `text` keeps parameter references and `$(…)` as written;
    `pos[i]` is the index, in the lexed string, of the raw character text[i] came from, and
    `locate` turns such indices into a Location. Exec-form words whose JSON string cannot be
    mapped character by character have `pos` None and are located as a whole."""

    __slots__ = ("text", "quoted", "pos", "start", "end", "locate", "params", "fixed")

    def __init__(self, text: str, quoted: bool, pos: list[int] | None, start: int, end: int, locate: Locate,
                 params: tuple[_Param, ...] = (), fixed: Location | None = None):
        self.text, self.quoted, self.pos, self.start, self.end = text, quoted, pos, start, end
        self.locate, self.params, self.fixed = locate, params, fixed

    @property
    def location(self) -> Location:
        return self.fixed if self.fixed is not None else self.locate(self.start, self.end)

    def at(self, i: int, j: int) -> Location:
        """Where text[i:j] was written."""
        if self.pos is None or not self.text or i >= len(self.text):
            return self.location
        j = max(min(j, len(self.text)), i + 1)
        return self.locate(self.pos[i], self.pos[j - 1] + 1)

    def word(self) -> Word:
        return Word(self.text, self.location, self.quoted)


@dataclass(frozen=True)
class _Arg:
    """The part of a word from index `k` on: an option's value, glued (`--port=80`) or not."""

    w: _W
    k: int = 0

    @property
    def text(self) -> str:
        return self.w.text[self.k:]

    @property
    def location(self) -> Location:
        return self.w.at(self.k, len(self.w.text)) if self.k else self.w.location

    def word(self) -> Word:
        return Word(self.text, self.location, self.w.quoted)


# --- the lexer ------------------------------------------------------------------------------


@dataclass
class _Tok:
    kind: str  # "word", "op", "redir"
    text: str
    start: int
    end: int
    word: _W | None = None
    body: tuple[int, int] | None = None  # `<<` heredoc body, filled in at the next newline
    nested: list[list[_Tok]] | None = None  # the tokens of each `$(…)` / backquote in this word


class _Lexer:
    """Tokens of s[start:end] (XCU 2.3). `$(…)` and backquotes are lexed too, and kept with the
    word they are part of."""

    def __init__(self, s: str, locate: Locate, start: int, end: int, depth: int = 0):
        self.s, self.locate, self.pos, self.end, self.depth = s, locate, start, end, depth
        self.nested: list[list[_Tok]] = []  # those of the word being read
        self.problems: list[Problem] = []
        self._heredocs: list[tuple[_Tok, str, bool]] = []

    def problem(self, message: str, at: int) -> None:
        self.problems.append(Problem(_SHELL_SYNTAX, message, self.locate(at, min(at + 1, len(self.s)))))

    def tokens(self, close_paren: bool = False) -> list[_Tok]:
        s, end, out, parens = self.s, self.end, [], 0
        opened = self.pos - 2
        while self.pos < end:
            c, pos = s[self.pos], self.pos
            if c in _BLANKS:
                self.pos += 1
            elif s.startswith("\\\n", pos, end):  # 2.2.1: backslash-newline is removed
                self.pos += 2
            elif c == "#":  # 2.3 rule 9: a comment runs to the end of the line
                newline = s.find("\n", pos, end)
                self.pos = end if newline < 0 else newline
            elif c == "\n":
                out.append(_Tok("op", c, pos, pos + 1))
                self.pos += 1
                self._bodies()
            elif c == ")" and close_paren and parens == 0:
                self.pos += 1
                return out
            else:
                op = next((o for o in _OPERATORS if s.startswith(o, pos, end)), None)
                redirect = None if op else _REDIRECT.match(s, pos, end)
                if op is None and redirect is None and c in ";|&()":
                    op = c
                if op:
                    parens += (op == "(") - (op == ")")
                    out.append(_Tok("op", op, pos, pos + len(op)))
                    self.pos += len(op)
                elif redirect:
                    self._redirect(redirect.group(), out)
                else:
                    out.append(self._word_token())
        if close_paren:
            self.problem("`$(` is never closed", max(opened, 0))
        if self._heredocs:
            self._bodies()
        return out

    def _redirect(self, op: str, out: list[_Tok]) -> None:
        token = _Tok("redir", op, self.pos, self.pos + len(op))
        out.append(token)
        self.pos += len(op)
        if op.endswith(("<<", "<<-")):  # 2.7.4: the delimiter word, then the body after the next newline
            while self.pos < self.end and self.s[self.pos] in _BLANKS:
                self.pos += 1
            if self.pos < self.end and self.s[self.pos] not in _META:
                delimiter = self._word_token()
                out.append(delimiter)
                self._heredocs.append((token, delimiter.text, op.endswith("-")))

    def _bodies(self) -> None:
        s, end = self.s, self.end
        for token, delimiter, strip_tabs in self._heredocs:
            start = self.pos
            token.body = (start, end)
            while self.pos < end:
                newline = s.find("\n", self.pos, end)
                line_end = end if newline < 0 else newline
                line = s[self.pos:line_end]
                if (line.lstrip("\t") if strip_tabs else line) == delimiter:
                    token.body = (start, self.pos)
                    self.pos = min(line_end + 1, end)
                    break
                self.pos = min(line_end + 1, end)
        self._heredocs = []

    def _word_token(self) -> _Tok:
        start = self.pos
        self.nested = []
        word = self._word()
        if self.pos == start:  # cannot happen; never loop forever
            self.pos += 1
        return _Tok("word", word.text, start, self.pos, word, nested=self.nested)

    def _word(self) -> _W:
        s, end, start = self.s, self.end, self.pos
        chars: list[str] = []
        pos: list[int] = []
        params: list[_Param] = []
        quoted = False
        while self.pos < end:
            c, at = s[self.pos], self.pos
            if c in _META:
                # `create_app()` unquoted is a syntax error to a shell; read it as meant
                if c == "(" and chars and s.startswith("()", at, end):
                    chars += "()"
                    pos += (at, at + 1)
                    self.pos += 2
                    continue
                break
            if c == "\\":  # 2.2.1; backslash-newline is removed altogether
                if at + 1 < end and s[at + 1] != "\n":
                    quoted = True
                    chars.append(s[at + 1])
                    pos.append(at + 1)
                self.pos += 2
            elif c == "'":  # 2.2.2: nothing is special up to the next '
                quoted = True
                close = s.find("'", at + 1, end)
                if close < 0:
                    self.problem("single quote is never closed", at)
                    close = end
                chars += s[at + 1:close]
                pos += range(at + 1, close)
                self.pos = close + 1
            elif c == '"':
                quoted = True
                self._double(chars, pos, params)
            elif c == "$":
                self._dollar(chars, pos, params, False)
            elif c == "`":
                self._backquote(chars, pos)
            else:
                chars.append(c)
                pos.append(at)
                self.pos += 1
        self.pos = min(self.pos, end)
        return _W("".join(chars), quoted, pos, start, self.pos, self.locate, tuple(params))

    def _double(self, chars: list[str], pos: list[int], params: list[_Param]) -> None:
        """2.2.3: `$`, backquote and `\\` (before $ ` " \\ newline) keep their meaning."""
        s, end, opened = self.s, self.end, self.pos
        self.pos += 1
        while self.pos < end:
            c, at = s[self.pos], self.pos
            if c == '"':
                self.pos += 1
                return
            if c == "\\" and at + 1 < end and s[at + 1] in '$`"\\\n':
                if s[at + 1] != "\n":
                    chars.append(s[at + 1])
                    pos.append(at + 1)
                self.pos += 2
            elif c == "$":
                self._dollar(chars, pos, params, True)
            elif c == "`":
                self._backquote(chars, pos)
            else:
                chars.append(c)
                pos.append(at)
                self.pos += 1
        self.problem("double quote is never closed", opened)

    def _dollar(self, chars: list[str], pos: list[int], params: list[_Param], in_double: bool) -> None:
        """2.6: kept as written; `${…}`/`$NAME` recorded as a parameter, `$(…)` lexed."""
        s, end, at = self.s, self.end, self.pos
        if s.startswith("$((", at, end):  # 2.6.4 arithmetic: nothing envlint reads
            stop = self._closing(at + 3, "(", ")", 2)
        elif s.startswith("$(", at, end):  # 2.6.3 command substitution: its commands count too
            stop = self._substitution(at + 2)
        elif s.startswith("${", at, end):
            close = self._closing(at + 2, "{", "}", 1)
            stop = min(close, end)
            if close > end:
                self.problem("`${` is never closed", at)
            match = _PARAM.fullmatch(s, at + 2, stop - 1 if close <= end else end)
            if match:
                first = len(chars)
                params.append(_Param(first, first + stop - at, match.group(1), match.group(2) or "", match.group(3),
                                     in_double))
        else:
            match = _NAME.match(s, at + 1, end)
            if match is None:  # a lone `$` is literal
                chars.append("$")
                pos.append(at)
                self.pos += 1
                return
            stop = match.end()
            first = len(chars)
            params.append(_Param(first, first + stop - at, match.group(), "", "", in_double))
        stop = min(stop, end)
        chars += s[at:stop]
        pos += range(at, stop)
        self.pos = stop

    def _closing(self, i: int, open_: str, close: str, depth: int) -> int:
        """Index just past the `close` that brings `depth` to 0, skipping quoted text; one past
        `end` when there is none."""
        s, end = self.s, self.end
        while i < end:
            c = s[i]
            if c == "\\":
                i += 2
                continue
            if c == "'" and close == "}":  # inside ${…} quotes nest
                after = s.find("'", i + 1, end)
                i = end if after < 0 else after + 1
                continue
            if c == open_:
                depth += 1
            elif c == close:
                depth -= 1
                if depth == 0:
                    return i + 1
            i += 1
        return end + 1

    def _substitution(self, start: int) -> int:
        if self.depth >= _MAX_DEPTH:
            return min(self._closing(start, "(", ")", 1), self.end)
        inner = _Lexer(self.s, self.locate, start, self.end, self.depth + 1)
        self.nested.append(inner.tokens(close_paren=True))
        self.problems += inner.problems
        return inner.pos

    def _backquote(self, chars: list[str], pos: list[int]) -> None:
        """2.6.3 old style: up to the next unescaped backquote."""
        s, end, at = self.s, self.end, self.pos
        i = at + 1
        while i < end and s[i] != "`":
            i += 2 if s[i] == "\\" else 1
        close = min(i, end)
        if close >= end:
            self.problem("backquote is never closed", at)
        if self.depth < _MAX_DEPTH:
            inner = _Lexer(s, self.locate, at + 1, close, self.depth + 1)
            self.nested.append(inner.tokens())
            self.problems += inner.problems
        stop = min(close + 1, end)
        chars += s[at:stop]
        pos += range(at, stop)
        self.pos = stop


@dataclass
class _Simple:
    """One simple command (XCU 2.9.1): its words, and the heredoc bodies fed to it."""

    words: list[_W]
    bodies: list[tuple[int, int]]


def _simple_commands(tokens: list[_Tok]) -> list[_Simple | list[_Tok]]:
    """Split at operators; drop redirections and their targets, reserved words, `for … in …`
    headers and `case` patterns, so that every list left is a command and its arguments. The
    tokens of a command substitution come before the command whose word holds it (2.6.3: it
    runs first), wherever that word is."""
    out: list[_Simple | list[_Tok]] = []
    words: list[_W] = []
    bodies: list[tuple[int, int]] = []
    header = False  # inside `for NAME in WORDS` up to the separator
    cases: list[str] = []  # per open `case`: "head", "pattern" or "body"
    i = 0
    while i < len(tokens):
        token = tokens[i]
        i += 1
        if token.kind == "op":
            if words or bodies:
                out.append(_Simple(words, bodies))
            words, bodies, header = [], [], False
            if cases and token.text == ")" and cases[-1] == "pattern":
                cases[-1] = "body"
            elif cases and token.text == ";;":
                cases[-1] = "pattern"
            continue
        if token.kind == "redir":
            if token.body is not None:
                bodies.append(token.body)
            if i < len(tokens) and tokens[i].kind == "word":
                out += tokens[i].nested or ()
                i += 1  # the target
            continue
        word = token.word
        assert word is not None
        out += token.nested or ()
        bare = None if word.quoted else word.text
        if cases and cases[-1] != "body":
            if cases[-1] == "head" and bare == "in":
                cases[-1] = "pattern"
            elif bare == "esac":
                cases.pop()
            continue
        if header:
            continue
        if not words:
            if bare in ("for", "select"):
                header = True
                continue
            if bare == "case":
                cases.append("head")
                continue
            if bare == "esac" and cases:
                cases.pop()
                continue
            if bare in _RESERVED or (bare or "").endswith("()"):  # `name() {`: a function's header
                continue
        words.append(word)
    if words or bodies:
        out.append(_Simple(words, bodies))
    return out


# --- analysis -------------------------------------------------------------------------------


class _Facts:
    """What the analysis of one command line has found so far."""

    def __init__(self, env: Mapping[str, str] | None):
        self.env = env or {}
        self.installs: list[Install] = []
        self.listens: list[Listen] = []
        self.scripts: list[Word] = []
        self.modules: list[Word] = []
        self.problems: list[Problem] = []

    def command(self, source: str, location: Location, exec_form: bool, words: list[Word]) -> Command:
        syntax = tuple(p for p in self.problems if p.kind == _SHELL_SYNTAX)
        if syntax:  # the shell refuses the whole line: nothing in it runs
            return Command(source, location, exec_form, words=tuple(words), problems=syntax)
        return Command(source, location, exec_form, tuple(self.installs), tuple(self.listens), tuple(self.scripts),
                       tuple(self.modules), tuple(words), tuple(self.problems))


def analyze_shell(source: str, text: SourceText, env: Mapping[str, str] | None = None) -> Command:
    """A shell-form command line (a RUN/CMD/ENTRYPOINT line, a render.yaml command).

    `env` holds the variables known at that point (Dockerfile ARG/ENV); they fill in package
    arguments only, since a start command's `$PORT` is the platform's at run time. `words` are
    the line's top-level tokens in order, operators (`&&`, `|`, `>`, …) included unquoted, so a
    rule can tell a chain from one command.
    """
    facts = _Facts(env)
    tokens = _analyze(text.text, text.span, 0, len(text.text), facts, 0)
    words = [t.word.word() if t.word is not None else Word(t.text, text.span(t.start, t.end))
             for t in tokens if t.text != "\n"]
    return facts.command(source, text.span(0, len(text.text)), False, words)


def analyze_exec(source: str, words: list[Word], location: Location) -> Command:
    """An exec-form (JSON array) command: the words are argv, no shell reads them, so `$PORT`
    stays the literal string `$PORT` (`Listen.port` and `port_env` None, `port_location` at
    it). Only a `sh -c "…"` / `bash -c '…'` string is read as shell; inside it locations are
    exact when the JSON string has no escapes, else they point at the whole string."""
    facts = _Facts(None)
    _dispatch([_exec_word(w) for w in words], facts, [], 0)
    return facts.command(source, location, True, list(words))


def _exec_word(word: Word) -> _W:
    """A JSON string's characters map one to one onto the line when it is on one line and
    exactly two quotes longer than its value (any escape would make it longer)."""
    loc = word.location
    exact = (loc.end_line in (None, loc.line) and loc.end_column is not None
             and loc.end_column - loc.column == len(word.text) + 2)
    if exact:
        inner = SourceText.single(loc.path, word.text, loc.line, loc.column + 1)
        return _W(word.text, word.quoted, list(range(len(word.text))), 0, len(word.text), inner.span, fixed=loc)
    return _W(word.text, word.quoted, None, 0, len(word.text), lambda a, b: loc, fixed=loc)


def _analyze(s: str, locate: Locate, start: int, end: int, facts: _Facts, depth: int) -> list[_Tok]:
    lexer = _Lexer(s, locate, start, end, depth)
    tokens = lexer.tokens()
    facts.problems += lexer.problems
    _run(tokens, s, locate, facts, depth)
    return tokens


def _run(tokens: list[_Tok], s: str, locate: Locate, facts: _Facts, depth: int) -> None:
    for item in _simple_commands(tokens):
        if isinstance(item, list):
            _run(item, s, locate, facts, depth + 1)
        else:
            _simple(item, s, locate, facts, depth)


def _simple(simple: _Simple, s: str, locate: Locate, facts: _Facts, depth: int) -> None:
    words = simple.words
    i = 0
    while i < len(words) and _ASSIGNMENT.match(words[i].text):  # 2.9.1: `VAR=value cmd`
        i += 1
    bodies = [(s, locate, a, b) for a, b in simple.bodies]
    _dispatch(words[i:], facts, bodies, depth)


def _basename(text: str) -> str:
    return text.rsplit("/", 1)[-1]


def _skip_options(words: list[_W], i: int, valued: frozenset[str] = frozenset()) -> int:
    """Index of the first word from `i` on that is not a leading option (those in `valued`
    take the next word too) or the `--` ending them."""
    while i < len(words) and words[i].text.startswith("-") and len(words[i].text) > 1:
        if words[i].text == "--":
            return i + 1
        i += 2 if words[i].text in valued else 1
    return i


_WRAPPER_VALUES = {
    "exec": frozenset({"-a"}),
    "nohup": frozenset(),
    "time": frozenset(),
    "nice": frozenset({"-n"}),
    "sudo": frozenset({"-u", "-g", "-p", "-C", "-D", "-r", "-t", "-U", "-T", "-h"}),
    "env": frozenset({"-u", "-C", "--unset", "--chdir"}),
    "tini": frozenset({"-e", "-p"}),
    "dumb-init": frozenset({"-r", "--rewrite"}),
    "setsid": frozenset(),
    "ddtrace-run": frozenset(),
    "gosu": frozenset(),
    "su-exec": frozenset(),
    "chpst": frozenset({"-u", "-U", "-e", "-n"}),
}
_UV_RUN_VALUES = frozenset({"--with", "--with-editable", "--with-requirements", "--python", "-p", "--env-file",
                            "--project", "--directory", "--extra", "--group", "--package", "--index",
                            "--default-index", "--index-url", "--extra-index-url", "--find-links", "-w", "-f"})


def _dispatch(argv: list[_W], facts: _Facts, bodies: list, depth: int) -> None:
    """Look through wrappers to the command that does the work, then read that command. Each
    wrapper moves `i` past itself (no slicing: a line of a thousand `nohup`s stays linear)."""
    i = 0
    while i < len(argv):
        name = _basename(argv[i].text)
        second = argv[i + 1].text if i + 1 < len(argv) else ""
        if name in _WRAPPER_VALUES:
            i = _skip_options(argv, i + 1, _WRAPPER_VALUES[name])
            if name == "env":
                while i < len(argv) and _ASSIGNMENT.match(argv[i].text):
                    i += 1
            elif name in ("gosu", "su-exec"):
                i += 1  # the user
        elif name == "opentelemetry-instrument":  # every option takes a value (`--service_name x`)
            i += 1
            while i < len(argv) and argv[i].text.startswith("-"):
                if argv[i].text == "--":
                    i += 1
                    break
                i += 1 if "=" in argv[i].text else 2
        elif name == "newrelic-admin" and second == "run-python":
            _python(argv[i + 1:], facts, depth)
            return
        elif name == "newrelic-admin" and second == "run-program":
            i += 2
        elif name in ("doppler", "varlock", "infisical") and second == "run":
            i = _secrets_run(argv, i + 2, facts, depth)
        elif name in ("poetry", "pipenv", "pdm", "hatch") and second == "run":
            i += 2
        elif name == "uv" and second == "run":
            i = _skip_options(argv, i + 2, _UV_RUN_VALUES)
            if i < len(argv) and argv[i].text.endswith(".py"):  # `uv run app.py` runs it with Python
                facts.scripts.append(argv[i].word())
                return
        elif name == "uv" and second == "pip":
            if i + 2 < len(argv) and argv[i + 2].text == "install":
                _install("uv pip", argv[i:], 3, facts)
            return
        elif name in _SHELLS:
            _shell(argv[i:], facts, bodies, depth)
            return
        elif _PYTHON.fullmatch(name):
            _python(argv[i:], facts, depth)
            return
        elif _PIP.fullmatch(name):
            _pip(argv[i:], 1, facts)
            return
        elif name in _SERVERS:
            _SERVERS[name](argv[i], argv[i + 1:], facts)
            return
        else:
            word = argv[i]
            if "/" in word.text and not word.params and not word.text.startswith(_SYSTEM_DIRS):
                facts.scripts.append(word.word())  # `./run.sh`, `scripts/start`
            return


def _secrets_run(argv: list[_W], i: int, facts: _Facts, depth: int) -> int:
    """`doppler run [options] -- cmd …`, or `doppler run --command "…"` (a shell string,
    after which nothing is left to read). Options come first and are few: only the next 32
    words are looked at, which keeps a long line linear."""
    for j in range(i, min(len(argv), i + 32)):
        w = argv[j]
        if w.text == "--":
            return j + 1
        if w.text.startswith("--command="):
            _shell_string(_Arg(w, len("--command=")), facts, depth)
            return len(argv)
        if w.text == "--command" and j + 1 < len(argv):
            _shell_string(_Arg(argv[j + 1]), facts, depth)
            return len(argv)
    return _skip_options(argv, i)


def _shell(argv: list[_W], facts: _Facts, bodies: list, depth: int) -> None:
    """`sh [options] -c STRING`, `bash script.sh`, or `sh` reading a heredoc."""
    i, command_string = 1, False
    while i < len(argv):
        t = argv[i].text
        if t == "--":
            i += 1
            break
        if t in ("-o", "+o", "-O", "+O", "--rcfile", "--init-file"):
            i += 2
        elif len(t) > 1 and t[0] in "-+":
            command_string = command_string or (t[0] == "-" and not t.startswith("--") and "c" in t)
            i += 1
        else:
            break
    if command_string:
        if i < len(argv):
            _shell_string(_Arg(argv[i]), facts, depth)
    elif i < len(argv):
        facts.scripts.append(argv[i].word())
    else:
        for s, locate, start, end in bodies:
            if depth < _MAX_DEPTH:
                _analyze(s, locate, start, end, facts, depth + 1)


def _shell_string(arg: _Arg, facts: _Facts, depth: int) -> None:
    if depth >= _MAX_DEPTH:
        return
    w, k = arg.w, arg.k
    _analyze(w.text, w.at, k, len(w.text), facts, depth + 1)


_PYTHON_VALUED = frozenset({"-X", "-W", "-Q"})


def _python(argv: list[_W], facts: _Facts, depth: int) -> None:
    """`python [options] (-m module | -c code | script) args` (Python's command line)."""
    i = 1
    while i < len(argv):
        t = argv[i].text
        if t == "--":
            i += 1
            break
        if not t.startswith("-") or t == "-":
            break
        cluster = re.fullmatch(r"-[bBdEhiIOPqRsSuvVx]*([mc])(.*)", t)
        if cluster:
            if cluster.group(1) == "c":
                return
            if cluster.group(2):
                _module(argv[0], _Arg(argv[i], len(t) - len(cluster.group(2))), argv[i + 1:], facts)
            elif i + 1 < len(argv):
                _module(argv[0], _Arg(argv[i + 1]), argv[i + 2:], facts)
            return
        i += 2 if t in _PYTHON_VALUED else 1
    if i >= len(argv):
        return
    script = argv[i]
    facts.scripts.append(script.word())
    if _basename(script.text) == "manage.py" and i + 1 < len(argv) and argv[i + 1].text == "runserver":
        _runserver("manage.py runserver", script, argv[i + 2:], facts)


# `python -m X` for a server: X as its command
_MODULE_SERVERS = {"gunicorn": "gunicorn", "uvicorn": "uvicorn", "hypercorn": "hypercorn", "daphne": "daphne",
                   "flask": "flask", "streamlit": "streamlit", "waitress": "waitress-serve", "fastapi": "fastapi",
                   "django": "django-admin"}


def _module(python: _W, module: _Arg, rest: list[_W], facts: _Facts) -> None:
    name = module.text
    if name == "pip":
        _pip([python, module.w, *rest], 2, facts)
    elif name in _MODULE_SERVERS:
        server_word = module.w if module.k == 0 else _W(name, False, None, 0, 0, lambda a, b: module.location,
                                                         fixed=module.location)
        _SERVERS[_MODULE_SERVERS[name]](server_word, rest, facts)
    else:
        facts.modules.append(module.word())


# --- pip ------------------------------------------------------------------------------------

# Options that take a value, pip 26 `cmdoptions.py` (general and `install`) and `uv pip install`.
_PIP_VALUED = frozenset({
    "--requirement", "--constraint", "--editable", "--target", "--platform", "--python-version",
    "--implementation", "--abi", "--root", "--prefix", "--src", "--upgrade-strategy", "--progress-bar",
    "--no-binary", "--only-binary", "--index-url", "--extra-index-url", "--find-links", "--trusted-host",
    "--cache-dir", "--config-settings", "--global-option", "--install-option", "--build-option", "--log",
    "--log-file", "--proxy", "--retries", "--timeout", "--exists-action", "--cert", "--client-cert",
    "--python", "--root-user-action", "--report", "--use-feature", "--use-deprecated", "--keyring-provider",
    "--resume-retries", "--group", "--build-constraint", "--uploaded-prior-to", "--all-releases",
    "--only-final", "--src",
    # uv pip
    "--extra", "--override", "--index", "--default-index", "--index-strategy", "--resolution", "--prerelease",
    "--torch-backend", "--exclude-newer", "--link-mode", "--config-file", "--directory", "--project",
    "--python-platform", "--fork-strategy", "--reinstall-package", "--upgrade-package",
    "--no-build-isolation-package", "--refresh-package", "--config-setting", "--color", "--excludes",
})
_PIP_SHORT_VALUED = "rceitfCpPb"
_PIP_LONG = {"-r": "--requirement", "-c": "--constraint", "-e": "--editable", "-U": "--upgrade"}
_PIP_FILES = {"--requirement": "-r", "--constraint": "-c", "--editable": "-e"}


def _pip(argv: list[_W], i: int, facts: _Facts) -> None:
    """`pip [general options] install …`; any other subcommand installs nothing."""
    while i < len(argv) and argv[i].text.startswith("-"):
        t = argv[i].text
        i += 2 if ("=" not in t and t in _PIP_VALUED) else 1
    if i < len(argv) and argv[i].text == "install":
        _install("pip", argv, i + 1, facts)


def _install(tool: str, argv: list[_W], i: int, facts: _Facts) -> None:
    requirements: list[Requirement] = []
    files: list[FileArg] = []
    flags: set[str] = set()
    opts, positionals = _parse_options(argv[i:], frozenset(), _PIP_SHORT_VALUED, _PIP_VALUED)
    for name, value in opts:
        name = _PIP_LONG.get(name, name)
        flags.add(name)
        if name in _PIP_FILES and value is not None:
            texts, known = _expand(value, facts.env)
            if not known:
                facts.problems.append(_unresolved(value, facts.env))
            else:
                files += (FileArg(_PIP_FILES[name], text, value.location) for text in texts)
    for word in positionals:
        arg = _Arg(word)
        texts, known = _expand(arg, facts.env)
        if not known:
            facts.problems.append(_unresolved(arg, facts.env))
            continue
        for text in texts:
            item = requirement_from_line(text, word.location)
            if isinstance(item, Requirement):
                requirements.append(item)
            elif isinstance(item, FileArg):
                files.append(item)
            else:
                facts.problems.append(item)
    location = _join(argv[0].location, argv[-1].location)
    facts.installs.append(Install(tool, location, tuple(requirements), tuple(files), "--upgrade" in flags,
                                  "--force-reinstall" in flags, "--no-deps" in flags))


def _param_value(param: _Param, env: Mapping[str, str]) -> str | None:
    """XCU 2.6.2 for the forms a pin uses; None when the value depends on what is not known."""
    value = env.get(param.name)
    if value is None or "$" in param.arg:
        return None
    if param.op == "":
        return value
    if param.op in (":-", ":=", ":?"):
        return value if value or param.op == ":?" else param.arg
    if param.op in ("-", "=", "?"):
        return value
    return None


def _expand(arg: _Arg, env: Mapping[str, str]) -> tuple[list[str], bool]:
    """The argument with its parameter references filled in from `env`, as the fields the shell
    passes (2.6.5: an unquoted reference's value splits at blanks), and whether every reference
    was known. An unknown one is left as written."""
    w, out, last, known, split = arg.w, [], arg.k, True, False
    for param in w.params:
        if param.start < arg.k:
            continue
        out.append(w.text[last:param.start])
        value = _param_value(param, env)
        if value is None:
            known, value = False, w.text[param.start:param.end]
        elif not param.quoted and not set(value).isdisjoint(" \t\n"):
            split = True
        out.append(value)
        last = param.end
    out.append(w.text[last:])
    text = "".join(out)
    return (text.split() if split else [text]), known


def _unresolved(arg: _Arg, env: Mapping[str, str]) -> Problem:
    names = sorted({p.name for p in arg.w.params if p.start >= arg.k and _param_value(p, env) is None})
    shown = ", ".join(f"${n}" for n in names)
    return Problem("requirement-unresolved", f"{arg.text!r} depends on {shown}, which is not set before this "
                   "command as far as envlint can see; its version is not checked", arg.location)


def _join(first: Location, last: Location) -> Location:
    return Location(first.path, first.line, first.column, last.end_line or last.line,
                    last.end_column or last.column + 1)


# --- options --------------------------------------------------------------------------------


def _parse_options(args: list[_W], flags: frozenset[str], short_valued: str,
                   long_valued: frozenset[str] | None = None) -> tuple[list[tuple[str, _Arg | None]], list[_W]]:
    """getopt/argparse/click-style options anywhere among the arguments. A long option takes a
    value (`--opt v` or `--opt=v`) when it is in `long_valued`, or, without that set, when it
    is not in `flags`; short options cluster (`-Ur file`, `-w4`). `--` ends the options."""
    opts: list[tuple[str, _Arg | None]] = []
    positionals: list[_W] = []
    i = 0
    while i < len(args):
        w = args[i]
        t = w.text
        i += 1
        if t == "--":
            positionals += args[i:]
            break
        if t.startswith("--"):
            name, eq, _ = t.partition("=")
            if eq:
                opts.append((name, _Arg(w, len(name) + 1)))
            elif (name in long_valued) if long_valued is not None else (name not in flags):
                opts.append((name, _Arg(args[i]) if i < len(args) else None))
                i += 1
            else:
                opts.append((name, None))
        elif t.startswith("-") and len(t) > 1:
            for j in range(1, len(t)):
                if t[j] not in short_valued:
                    opts.append(("-" + t[j], None))
                    continue
                if j + 1 < len(t):
                    opts.append(("-" + t[j], _Arg(w, j + 1)))
                else:
                    opts.append(("-" + t[j], _Arg(args[i]) if i < len(args) else None))
                    i += 1
                break
        else:
            positionals.append(w)
    return opts, positionals


def _last(opts: list[tuple[str, _Arg | None]], *names: str) -> _Arg | None:
    """The value of the last of these options (click and argparse keep the last)."""
    found = None
    for name, value in opts:
        if name in names and value is not None:
            found = value
    return found


def _has(opts: list[tuple[str, _Arg | None]], *names: str) -> bool:
    return any(name in names for name, _ in opts)


# --- servers (code-scan.md §4, defaults from each server's source) --------------------------


def _literal_colons(w: _W, k: int) -> list[int]:
    """Indices of the `:` in w.text[k:] outside parameter references (`${PORT:-80}` has one)."""
    inside = bytearray(len(w.text))
    for p in w.params:
        inside[p.start:p.end] = b"\x01" * (p.end - p.start)
    return [c for c in range(k, len(w.text)) if w.text[c] == ":" and not inside[c]]


def _whole_param(w: _W, i: int, j: int) -> _Param | None:
    return next((p for p in w.params if p.start == i and p.end == j), None)


def _host_value(w: _W, i: int, j: int) -> str | None:
    """A host as written; `${HOST:-0.0.0.0}` gives its fallback; any other reference None.
    `""` and `*` mean every interface to the servers that accept them, written "0.0.0.0"."""
    param = _whole_param(w, i, j)
    if param is not None:
        return param.arg if param.op in (":-", "-") and param.arg and "$" not in param.arg else None
    if any(i <= p.start < j for p in w.params):
        return None
    text = w.text[i:j]
    return "0.0.0.0" if text in ("", "*") else text


def _port_value(w: _W, i: int, j: int) -> tuple[int | None, str | None]:
    """(port, port_env): `8000` -> (8000, None); `$PORT` -> (None, "PORT"); `${PORT:-8000}`
    -> (8000, "PORT"); anything else, such as an exec-form literal `$PORT`, (None, None)."""
    text = w.text[i:j]
    if text.isascii() and text.isdigit():
        return int(text), None
    param = _whole_param(w, i, j)
    if param is None or not (param.name[0].isalpha() or param.name[0] == "_"):
        return None, None
    default = param.arg if param.op in (":-", "-") else ""
    return (int(default) if default.isascii() and default.isdigit() else None), param.name


def _listen(server: str, cmd: _W, host: _Arg | None, port: _Arg | None, default_host: str,
            default_port: int) -> Listen:
    """A server given `--host`/`--port`-style options; a missing one is the server's default."""
    if port is None:
        port_number, port_env, port_location = default_port, None, None
    else:
        port_number, port_env = _port_value(port.w, port.k, len(port.w.text))
        port_location = port.location
    return Listen(
        server, cmd.location,
        host=default_host if host is None else _host_value(host.w, host.k, len(host.w.text)),
        host_location=None if host is None else host.location,
        host_implicit=host is None,
        port=port_number, port_env=port_env, port_location=port_location, port_implicit=port is None,
    )


def _bind(server: str, cmd: _W, arg: _Arg, default_port: int) -> Listen | None:
    """A `HOST:PORT` bind (gunicorn `util.parse_address`, hypercorn, waitress `--listen`):
    `[v6]:port`, `host` alone (the default port), `unix:`/`fd://` (no TCP port: None)."""
    w, k, end = arg.w, arg.k, len(arg.w.text)
    text = w.text
    if text.startswith(("unix:", "fd://"), k):
        return None
    if text.startswith("tcp://", k):
        k += len("tcp://")
    if text.startswith("[", k):
        close = text.find("]", k)
        close = end if close < 0 else close
        host_span = (k + 1, close)
        port_span = (close + 2, end) if text.startswith("]:", close) else None
    else:
        colon = next(iter(_literal_colons(w, k)), -1)  # gunicorn splits at the first
        if colon < 0 and any(p.end > k for p in w.params):  # `-b $BIND`: unknown until run time
            return Listen(server, cmd.location, host_location=arg.location)
        host_span = (k, end) if colon < 0 else (k, colon)
        port_span = None if colon < 0 else (colon + 1, end)
    host = _host_value(w, *host_span)
    host_location = w.at(*host_span) if host_span[1] > host_span[0] else arg.location
    if port_span is None:
        return Listen(server, cmd.location, host, host_location, port=default_port, port_implicit=True)
    port, port_env = _port_value(w, *port_span)
    return Listen(server, cmd.location, host, host_location, port=port, port_env=port_env,
                  port_location=w.at(*port_span))


_GUNICORN_FLAGS = frozenset({
    "--reload", "--preload", "--daemon", "--capture-output", "--enable-stdio-inheritance", "--check-config",
    "--print-config", "--spew", "--no-sendfile", "--reuse-port", "--strip-header-spaces", "--suppress-ragged-eofs",
    "--do-handshake-on-connect", "--log-syslog", "--disable-redirect-access-to-syslog", "--help", "--version",
    "--initgroups", "--proxy-protocol", "--paste-global",
})


def _gunicorn(cmd: _W, args: list[_W], facts: _Facts) -> None:
    """gunicorn [-b HOST:PORT]… APP_MODULE. With no bind, gunicorn's own default
    (config.py `Bind`) is `0.0.0.0:$PORT` when PORT is set, else 127.0.0.1:8000. Render sets
    PORT on every web service, so that case is the one recorded: host "0.0.0.0" and
    port_env "PORT" with 8000 as the fallback, all `*_implicit` (without PORT the host would be
    127.0.0.1). With `-c FILE` and no `-b` the bind is in the file: host and port None."""
    opts, positionals = _parse_options(args, _GUNICORN_FLAGS, "bcwktenpugm")
    if positionals:
        facts.modules.append(positionals[0].word())
    binds = [value for name, value in opts if name in ("-b", "--bind") and value is not None]
    for value in binds:
        listen = _bind("gunicorn", cmd, value, 8000)
        if listen is not None:
            facts.listens.append(listen)
    if binds:
        return
    if _has(opts, "-c", "--config"):
        facts.listens.append(Listen("gunicorn", cmd.location))
    else:
        facts.listens.append(Listen("gunicorn", cmd.location, host="0.0.0.0", host_implicit=True, port=8000,
                                    port_env="PORT", port_implicit=True))


def _hypercorn(cmd: _W, args: list[_W], facts: _Facts) -> None:
    """hypercorn [-b HOST:PORT]… APP; default 127.0.0.1:8000 (config.py `bind`)."""
    opts, positionals = _parse_options(args, frozenset({"--reload", "--debug", "--help", "--version"}), "bckwmgpu")
    if positionals:
        facts.modules.append(positionals[0].word())
    binds = [value for name, value in opts if name in ("-b", "--bind", "--insecure-bind") and value is not None]
    for value in binds:
        listen = _bind("hypercorn", cmd, value, 8000)
        if listen is not None:
            facts.listens.append(listen)
    if not binds:
        if _has(opts, "-c", "--config"):
            facts.listens.append(Listen("hypercorn", cmd.location))
        else:
            facts.listens.append(_listen("hypercorn", cmd, None, None, "127.0.0.1", 8000))


_UVICORN_FLAGS = frozenset({
    "--reload", "--use-colors", "--no-use-colors", "--access-log", "--no-access-log", "--proxy-headers",
    "--no-proxy-headers", "--server-header", "--no-server-header", "--date-header", "--no-date-header",
    "--factory", "--version", "--help", "--reset-contextvars",
})


def _uvicorn(cmd: _W, args: list[_W], facts: _Facts) -> None:
    """uvicorn APP [--host H] [--port P]; default 127.0.0.1:8000; `--uds`/`--fd`: no TCP port."""
    opts, positionals = _parse_options(args, _UVICORN_FLAGS, "")
    if positionals:
        facts.modules.append(positionals[0].word())
    if _has(opts, "--uds", "--fd"):
        return
    facts.listens.append(_listen("uvicorn", cmd, _last(opts, "--host"), _last(opts, "--port"), "127.0.0.1", 8000))


def _daphne(cmd: _W, args: list[_W], facts: _Facts) -> None:
    """daphne [-b HOST] [-p PORT] APP; default 127.0.0.1:8000."""
    opts, positionals = _parse_options(args, frozenset({"--proxy-headers", "--no-server-name", "--help"}), "bpuevts")
    if positionals:
        facts.modules.append(positionals[0].word())
    host, port = _last(opts, "-b", "--bind"), _last(opts, "-p", "--port")
    if host is None and port is None and _has(opts, "-u", "--unix-socket", "--fd", "-e", "--endpoint"):
        return
    facts.listens.append(_listen("daphne", cmd, host, port, "127.0.0.1", 8000))


_FLASK_RUN_FLAGS = frozenset({"--reload", "--no-reload", "--debugger", "--no-debugger", "--with-threads",
                              "--without-threads", "--eager-loading", "--lazy-loading", "--help"})


def _flask(cmd: _W, args: list[_W], facts: _Facts) -> None:
    """flask [--app X] run [--host/-h H] [--port/-p P]; default 127.0.0.1:5000."""
    i = 0
    while i < len(args) and args[i].text != "run":
        if args[i].text in ("--app", "-A", "--env-file", "-e"):
            if args[i].text in ("--app", "-A") and i + 1 < len(args):
                facts.modules.append(args[i + 1].word())
            i += 2
        elif args[i].text.startswith("--app="):
            facts.modules.append(_Arg(args[i], len("--app=")).word())
            i += 1
        elif args[i].text.startswith("-"):
            i += 1
        else:
            return  # another subcommand
    if i >= len(args):
        return
    opts, _ = _parse_options(args[i + 1:], _FLASK_RUN_FLAGS, "hp")
    facts.listens.append(_listen("flask run", cmd, _last(opts, "--host", "-h"), _last(opts, "--port", "-p"),
                                 "127.0.0.1", 5000))


def _streamlit(cmd: _W, args: list[_W], facts: _Facts) -> None:
    """streamlit run FILE [--server.address A] [--server.port P]; default 0.0.0.0:8501."""
    opts, positionals = _parse_options(args, frozenset({"--help", "--version"}), "")
    if not positionals or positionals[0].text != "run":
        return
    if len(positionals) > 1:
        facts.scripts.append(positionals[1].word())
    facts.listens.append(_listen("streamlit", cmd, _last(opts, "--server.address"), _last(opts, "--server.port"),
                                 "0.0.0.0", 8501))


_WAITRESS_FLAGS = frozenset({"--help", "--call", "--expose-tracebacks", "--no-expose-tracebacks", "--ipv4",
                             "--no-ipv4", "--ipv6", "--no-ipv6", "--log-untrusted-proxy-headers",
                             "--clear-untrusted-proxy-headers", "--no-clear-untrusted-proxy-headers"})


def _waitress(cmd: _W, args: list[_W], facts: _Facts) -> None:
    """waitress-serve [--host H] [--port P] [--listen H:P]… MODULE:APP; default 0.0.0.0:8080;
    `--listen` replaces --host/--port (waitress adjustments.py)."""
    opts, positionals = _parse_options(args, _WAITRESS_FLAGS, "")
    if positionals:
        facts.modules.append(positionals[0].word())
    listens = [value for name, value in opts if name == "--listen" and value is not None]
    for value in listens:
        listen = _bind("waitress-serve", cmd, value, 8080)
        if listen is not None:
            facts.listens.append(listen)
    if not listens and not _has(opts, "--unix-socket"):
        facts.listens.append(_listen("waitress-serve", cmd, _last(opts, "--host"), _last(opts, "--port"),
                                     "0.0.0.0", 8080))


def _fastapi(cmd: _W, args: list[_W], facts: _Facts) -> None:
    """fastapi run|dev [PATH] [--host H] [--port P]: run 0.0.0.0:8000, dev 127.0.0.1:8000."""
    opts, positionals = _parse_options(
        args, frozenset({"--reload", "--no-reload", "--proxy-headers", "--no-proxy-headers", "--help"}), "e")
    if not positionals or positionals[0].text not in ("run", "dev"):
        return
    mode = positionals[0].text
    facts.listens.append(_listen(f"fastapi {mode}", cmd, _last(opts, "--host"), _last(opts, "--port"),
                                 "0.0.0.0" if mode == "run" else "127.0.0.1", 8000))


def _django_admin(cmd: _W, args: list[_W], facts: _Facts) -> None:
    if args and args[0].text == "runserver":
        _runserver("django-admin runserver", cmd, args[1:], facts)


_DJANGO_VALUED = frozenset({"--settings", "--pythonpath", "--verbosity"})


def _runserver(server: str, cmd: _W, args: list[_W], facts: _Facts) -> None:
    """runserver [addrport]: `8000`, `0.0.0.0:8000`, `0:8000` ("0" is 0.0.0.0), `[::]:8000`;
    default 127.0.0.1 (::1 with -6), port 8000 (django/core/management/commands/runserver.py)."""
    opts, positionals = _parse_options(args, frozenset(), "v", _DJANGO_VALUED)
    default_host = "::1" if _has(opts, "-6", "--ipv6") else "127.0.0.1"
    if not positionals:
        facts.listens.append(_listen(server, cmd, None, None, default_host, 8000))
        return
    w = positionals[0]
    text = w.text
    colon = max(_literal_colons(w, 0), default=-1)
    port, port_env = _port_value(w, colon + 1, len(text))
    if colon < 0:
        facts.listens.append(Listen(server, cmd.location, default_host, None, True, port, port_env, w.location))
        return
    start, end = (1, colon - 1) if text.startswith("[") and text[colon - 1:colon] == "]" else (0, colon)
    host = _host_value(w, start, end)
    host = "0.0.0.0" if host == "0" else host
    facts.listens.append(Listen(server, cmd.location, host, w.at(start, end), False, port, port_env,
                                w.at(colon + 1, len(text))))


_SERVERS: dict[str, Callable[[_W, list[_W], _Facts], None]] = {
    "gunicorn": _gunicorn,
    "uvicorn": _uvicorn,
    "hypercorn": _hypercorn,
    "daphne": _daphne,
    "flask": _flask,
    "streamlit": _streamlit,
    "waitress-serve": _waitress,
    "fastapi": _fastapi,
    "django-admin": _django_admin,
}

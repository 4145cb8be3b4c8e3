"""Command lines as facts: what a Dockerfile RUN/CMD/ENTRYPOINT or a render.yaml
buildCommand/startCommand/dockerCommand installs, runs and binds.

Nothing is executed. A small lexer of our own follows the POSIX shell grammar (XCU 2.2 quoting,
2.3 token recognition, 2.6.2 parameter expansion, 2.9 commands) far enough to split a line into
simple commands; wrappers (`sh -c`, `exec`, `env`, `python -m`, APM launchers, …) are looked
through, and each command is matched against the Python installers (pip, uv, poetry, pipx: see
"installers" below for each `Install.tool`) and the Python servers in
../shared/docs/code-scan.md §4–5. Every fact keeps the location of its raw text, through
Dockerfile continuation lines, YAML scalars and `sh -c "…"` strings.

Where an install runs: `cd`/`pushd`/`popd` are followed through `&&`, `;`, `||`, newlines and
`{ …; }`, and end with the shell they ran in (a `( … )` subshell, `$( … )`, a pipeline element,
`cmd &`, `sh -c "…"`, a heredoc fed to a shell). A `cd` inside an `if` or `case` branch is taken
as run. `Install.cwd` is None while the directory is the one the command started in, a path
(absolute, or relative to that start: `cd a && cd b` is "a/b") after a `cd`, and UNKNOWN_DIR
("?") after `cd` alone, `cd -`, `cd ~…` or a variable not known.

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

import posixpath
import re
import urllib.parse
from collections.abc import Callable, Mapping, Sequence

from envlint.extract.requirements import _editable, requirement_from_line, requirement_from_string
from envlint.facts import (Command, FileArg, Install, Listen, Location, Problem, Requirement, SourceText, Word,
                           line_span, normalize_name)
from envlint.record import record, replace

Locate = Callable[[int, int], Location]  # [start, end) of the string being lexed -> Location

_MAX_DEPTH = 24  # `$( $( … ) )` / `sh -c "sh -c …"` nesting followed; deeper is skipped, not read
_SHELL_SYNTAX = "shell-syntax"

# XCU 2.2/2.3: blanks separate words; these characters end an unquoted word.
_BLANKS = " \t\r"
_META = frozenset(" \t\r\n|&;<>()")
_PLAIN = re.compile(r"[^ \t\r\n|&;<>()\\'\"$`]+")  # neither _META nor quoting nor expansion
_OPERATORS = frozenset({"&&", "||", ";;", "|&"})
# What may start something other than a word (the checks of `_Lexer.tokens` before `_word_token`).
_NOT_WORD = frozenset(" \t\r\n\\#)&|;<>(0123456789")
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


@record(frozen=True)
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
    `pos[i]` is the index, in the lexed string, of the raw character text[i] came from (a range
    for a word of plain characters), and `locate` turns such indices into a Location. Exec-form
    words whose JSON string cannot be mapped character by character have `pos` None and are
    located as a whole."""

    __slots__ = ("text", "quoted", "pos", "start", "end", "locate", "params", "fixed")

    def __init__(self, text: str, quoted: bool, pos: Sequence[int] | None, start: int, end: int, locate: Locate,
                 params: tuple[_Param, ...] = (), fixed: Location | None = None):
        self.text, self.quoted, self.pos, self.start, self.end = text, quoted, pos, start, end
        self.locate, self.params, self.fixed = locate, params, fixed

    @property
    def location(self) -> Location:
        if self.fixed is None:  # kept: a word is located up to three times (Locations are never changed)
            self.fixed = self.locate(self.start, self.end)
        return self.fixed

    def at(self, i: int, j: int) -> Location:
        """Where text[i:j] was written."""
        if self.pos is None or not self.text or i >= len(self.text):
            return self.location
        j = max(min(j, len(self.text)), i + 1)
        return self.locate(self.pos[i], self.pos[j - 1] + 1)

    def word(self) -> Word:
        return Word(self.text, self.location, self.quoted)


@record(frozen=True)
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


@record(slots=True)
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
            if c not in _NOT_WORD:  # a word, most tokens: none of the checks below applies
                out.append(self._word_token())
            elif c in _BLANKS:
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
                op = s[pos:min(pos + 2, end)]
                op = op if op in _OPERATORS else None
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
        s, end, start = self.s, self.end, self.pos
        plain = _PLAIN.match(s, start, end)
        if plain is not None:  # plain characters only, most words: what `_word` makes of them, 3x faster
            # (with _NOT_WORD: the tokens of a three-line `pip install` RUN 96 -> 30 µs)
            stop = plain.end()
            if stop == end or (s[stop] in _META and s[stop] != "("):
                self.pos = stop
                text = s[start:stop]
                return _Tok("word", text, start, stop, _W(text, False, range(start, stop), start, stop, self.locate))
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
            else:  # a run of plain characters at once (chars holds pieces; `pos` one entry per character)
                stop = _PLAIN.match(s, at, end).end()
                chars.append(s[at:stop])
                pos += range(at, stop)
                self.pos = stop
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
                first = len(pos)
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
            first = len(pos)
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


@record
class _Simple:
    """One simple command (XCU 2.9.1): its words, and the heredoc bodies fed to it. `subshell`:
    it is part of a pipeline or run with `&`, so a `cd` in it changes nothing after it (2.9.2,
    2.9.3.1; bash's `lastpipe` is off by default)."""

    words: list[_W]
    bodies: list[tuple[int, int]]
    subshell: bool = False


_PIPES = ("|", "|&")


def _simple_commands(tokens: list[_Tok]) -> list[_Simple | list[_Tok] | str]:
    """Split at operators; drop redirections and their targets, reserved words, `for … in …`
    headers and `case` patterns, so that every list left is a command and its arguments. The
    tokens of a command substitution come before the command whose word holds it (2.6.3: it
    runs first), wherever that word is. The strings "(" and ")" mark where a subshell
    (2.9.4 `( list )`) opens and closes."""
    out: list[_Simple | list[_Tok] | str] = []
    words: list[_W] = []
    bodies: list[tuple[int, int]] = []
    header = False  # inside `for NAME in WORDS` up to the separator
    cases: list[str] = []  # per open `case`: "head", "pattern" or "body"
    piped = False  # the command being read comes after a `|`
    i = 0
    while i < len(tokens):
        token = tokens[i]
        i += 1
        if token.kind == "op":
            text = token.text
            if words or bodies:
                out.append(_Simple(words, bodies, piped or text in _PIPES or text == "&"))
            if text != "\n" or words or bodies:  # a newline may follow `|` inside a pipeline
                piped = text in _PIPES
            words, bodies, header = [], [], False
            if cases and text == ")" and cases[-1] == "pattern":
                cases[-1] = "body"
            elif cases and text == ";;":
                cases[-1] = "pattern"
            elif text == "(" and (not cases or cases[-1] == "body"):
                out.append("(")
            elif text == ")":
                out.append(")")
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
        out.append(_Simple(words, bodies, piped))
    return out


# --- analysis -------------------------------------------------------------------------------


class _Facts:
    """What the analysis of one command line has found so far."""

    def __init__(self, env: Mapping[str, str] | None):
        self.env = env if env is not None else {}  # not `env or {}`: that would ask a mapping its size
        self.installs: list[Install] = []
        self.listens: list[Listen] = []
        self.scripts: list[Word] = []
        self.modules: list[Word] = []
        self.problems: list[Problem] = []
        self.venvs: list[Word] = []
        self.cwd: str | None = None  # as `Install.cwd`
        self.pushed: tuple | None = None  # `pushd`'s stack, linked: (directory, rest) or None

    def where(self) -> tuple[str | None, tuple | None]:
        """The shell's directory state, to put back when a subshell or child shell ends."""
        return self.cwd, self.pushed

    def back(self, state: tuple[str | None, tuple | None]) -> None:
        self.cwd, self.pushed = state

    def command(self, source: str, location: Location, exec_form: bool, words: list[Word]) -> Command:
        syntax = tuple(p for p in self.problems if p.kind == _SHELL_SYNTAX)
        if syntax:  # the shell refuses the whole line: nothing in it runs
            return Command(source, location, exec_form, words=tuple(words), problems=syntax)
        return Command(source, location, exec_form, tuple(self.installs), tuple(self.listens), tuple(self.scripts),
                       tuple(self.modules), tuple(words), tuple(self.problems), tuple(self.venvs))


def analyze_shell(source: str, text: SourceText, env: Mapping[str, str] | None = None) -> Command:
    """A shell-form command line (a RUN/CMD/ENTRYPOINT line, a render.yaml command).

    `env` holds the variables known at that point (Dockerfile ARG/ENV); they fill in package
    arguments only, since a start command's `$PORT` is the platform's at run time. `words` are
    the line's top-level tokens in order, operators (`&&`, `|`, `>`, …) included unquoted, so a
    rule can tell a chain from one command.
    """
    facts = _Facts(env)
    locate = text.spanner()
    tokens = _analyze(text.text, locate, 0, len(text.text), facts, 0)
    words = [t.word.word() if t.word is not None else Word(t.text, locate(t.start, t.end))
             for t in tokens if t.text != "\n"]
    return facts.command(source, locate(0, len(text.text)), False, words)


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
        inner = line_span(loc.path, loc.line, loc.column + 1)
        return _W(word.text, word.quoted, range(len(word.text)), 0, len(word.text), inner, fixed=loc)
    return _W(word.text, word.quoted, None, 0, len(word.text), lambda a, b: loc, fixed=loc)


def _analyze(s: str, locate: Locate, start: int, end: int, facts: _Facts, depth: int) -> list[_Tok]:
    lexer = _Lexer(s, locate, start, end, depth)
    tokens = lexer.tokens()
    facts.problems += lexer.problems
    _run(tokens, s, locate, facts, depth)
    return tokens


def _run(tokens: list[_Tok], s: str, locate: Locate, facts: _Facts, depth: int) -> None:
    """Each command in order. A `cd` lasts to the end of the shell it runs in: a subshell, a
    command substitution (2.6.3 runs it in a subshell) or a pipeline element puts it back."""
    opened: list[tuple[str | None, tuple | None]] = []
    for item in _simple_commands(tokens):
        if item.__class__ is str:  # not `item == "("`: that would call _Simple's __eq__ twice per command
            if item == "(":
                opened.append(facts.where())
            elif opened:
                facts.back(opened.pop())
        elif isinstance(item, list):
            state = facts.where()
            _run(item, s, locate, facts, depth + 1)
            facts.back(state)
        elif item.subshell:
            state = facts.where()
            _simple(item, s, locate, facts, depth)
            facts.back(state)
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
        if name in ("cd", "pushd", "popd"):
            _cd(name, argv[i + 1:], facts)
            return
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
        elif name == "poetry":
            _poetry(argv[i:], facts)
            return
        elif name == "pipx":
            _pipx(argv[i:], 1, facts)
            return
        elif name == "virtualenv":
            _venvs(argv[i + 1:], facts, _VIRTUALENV_VALUED, "p", True)
            return
        elif name == "uv":
            j = _skip_options(argv, i + 1, _UV_VALUED)  # global options come first
            if j >= len(argv) or argv[j].text != "run":
                _uv(argv[i:], j - i, facts)
                return
            i = _skip_options(argv, j + 1, _UV_RUN_VALUES)
            if i < len(argv) and argv[i].text.endswith(".py"):  # `uv run app.py` runs it with Python
                facts.scripts.append(argv[i].word())
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
        state = facts.where()  # a child shell: its `cd`s end with it
        for s, locate, start, end in bodies:
            if depth < _MAX_DEPTH:
                _analyze(s, locate, start, end, facts, depth + 1)
        facts.back(state)


def _shell_string(arg: _Arg, facts: _Facts, depth: int) -> None:
    if depth >= _MAX_DEPTH:
        return
    w, k = arg.w, arg.k
    state = facts.where()  # a child shell: its `cd`s end with it
    _analyze(w.text, w.at, k, len(w.text), facts, depth + 1)
    facts.back(state)


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
    elif name == "pipx":
        _pipx([python, module.w, *rest], 2, facts)
    elif name == "venv":  # venv/__init__.py: every positional is a directory to create
        _venvs(rest, facts, frozenset({"--prompt"}), "", False)
    elif name == "virtualenv":
        _venvs(rest, facts, _VIRTUALENV_VALUED, "p", True)
    elif name in _MODULE_SERVERS:
        server_word = module.w if module.k == 0 else _W(name, False, None, 0, 0, lambda a, b: module.location,
                                                         fixed=module.location)
        _SERVERS[_MODULE_SERVERS[name]](server_word, rest, facts)
    else:
        facts.modules.append(module.word())


# --- installers -----------------------------------------------------------------------------
#
# Every install is an `Install` whose `tool` says which installer wrote it:
#   "pip"            pip/pip3/python -m pip install           (pip 26 cmdoptions.py)
#   "pip wheel"      pip wheel: builds wheels into `target` (default "."), installs nothing
#   "pip download"   pip download: fetches into `target` (default "."), installs nothing
#   "uv pip"         uv pip install                            (uv CLI reference)
#   "uv pip sync"    uv pip sync FILE…: the files as `-r`, and `exact`
#   "uv add"         uv add PKG… / -r FILE: adds to the project, then syncs its environment
#   "uv sync"        uv sync: installs the locked project, `exact` unless --inexact; `groups`
#                    holds its dependency-group options (`--group=lint`, `--no-dev`, …)
# `pip install --group [path:]NAME` (pip 25.1+, `uv pip install`) is a FileArg "--group" naming
# the pyproject.toml, with the group name in `extras`.
#   "uv tool"        uv tool install PKG: `isolated`
#   "poetry add"     poetry add PKG…: adds to the project, then installs
#   "poetry install" poetry install: the locked project (`exact` with --sync)
#   "poetry sync"    poetry sync (Poetry 2): as install --sync
#   "pipx"           pipx install PKG…: `isolated`
# A dry run (`--dry-run`, `uv sync --check`), `uv add --frozen/--no-sync/--script` and
# `poetry add --lock` change no environment and are not recorded.

UNKNOWN_DIR = "?"  # `Install.cwd` after a `cd` whose directory envlint cannot tell
_PATH_MAX = 4096  # Linux PATH_MAX: a longer directory is unknown (and keeps `cd a && cd a …` linear)

# Options that take a value, pip 26 `cmdoptions.py` (general, `install`, `wheel`, `download`) and
# `uv pip install`/`uv pip sync`.
_PIP_VALUED = frozenset({
    "--requirement", "--constraint", "--editable", "--target", "--platform", "--python-version",
    "--implementation", "--abi", "--root", "--prefix", "--src", "--upgrade-strategy", "--progress-bar",
    "--no-binary", "--only-binary", "--index-url", "--extra-index-url", "--find-links", "--trusted-host",
    "--cache-dir", "--config-settings", "--global-option", "--install-option", "--build-option", "--log",
    "--log-file", "--proxy", "--retries", "--timeout", "--exists-action", "--cert", "--client-cert",
    "--python", "--root-user-action", "--report", "--use-feature", "--use-deprecated", "--keyring-provider",
    "--resume-retries", "--group", "--build-constraint", "--uploaded-prior-to", "--all-releases",
    "--only-final", "--src", "--wheel-dir", "--dest",
    # uv pip
    "--extra", "--override", "--index", "--default-index", "--index-strategy", "--resolution", "--prerelease",
    "--torch-backend", "--exclude-newer", "--link-mode", "--config-file", "--directory", "--project",
    "--python-platform", "--fork-strategy", "--reinstall-package", "--upgrade-package",
    "--no-build-isolation-package", "--refresh-package", "--config-setting", "--color", "--excludes",
})
_PIP_SHORT_VALUED = "rceitfCpPb"
_PIP_LONG = {"-r": "--requirement", "-c": "--constraint", "-e": "--editable", "-U": "--upgrade",
             "-t": "--target", "-w": "--wheel-dir", "-d": "--dest", "-p": "--python"}
_PIP_FILES = {"--requirement": "-r", "--constraint": "-c"}

# uv's global options and those of `uv add`, `uv sync`, `uv venv`, `uv tool install` that take
# a value (docs/reference/cli.md of astral-sh/uv). Others are flags.
_UV_VALUED = frozenset({
    "--cache-dir", "--color", "--config-file", "--directory", "--project", "--python-preference",
    "--allow-insecure-host", "--trusted-host", "--python", "--requirements", "--requirement", "--constraints",
    "--constraint", "--overrides", "--override", "--build-constraints", "--build-constraint", "--marker",
    "--optional", "--group", "--no-group", "--only-group", "--extra", "--no-extra", "--package",
    "--no-install-package", "--script", "--branch", "--tag", "--rev", "--bounds", "--index", "--default-index",
    "--index-url", "--extra-index-url", "--find-links", "--index-strategy", "--keyring-provider", "--resolution",
    "--prerelease", "--fork-strategy", "--exclude-newer", "--exclude-newer-package", "--link-mode",
    "--config-setting", "--config-settings", "--no-binary-package", "--no-build-package",
    "--no-build-isolation-package", "--refresh-package", "--reinstall-package", "--upgrade-package",
    "--python-platform", "--output-format", "--prompt", "--with", "--with-editable", "--with-requirements",
    "--from",
})
_UV_SHORT_VALUED = "prcCmifP"
# `uv sync`'s dependency-group options, kept as written for envlint.extract.pyproject.select_groups
_UV_GROUP_OPTIONS = frozenset({"--group", "--no-group", "--only-group", "--all-groups", "--no-default-groups",
                               "--dev", "--no-dev", "--only-dev"})
_UV_LONG = {"-r": "--requirements", "--requirement": "--requirements", "-c": "--constraints",
            "--constraint": "--constraints", "-U": "--upgrade", "--force-reinstall": "--reinstall"}

# poetry's global options and those of `add`/`install`/`sync` that take a value (docs/cli.md).
_POETRY_VALUED = frozenset({"--directory", "--project", "--group", "--extras", "--python", "--platform",
                            "--markers", "--source", "--with", "--without", "--only"})
_POETRY_LONG = {"-C": "--directory", "-P": "--project", "-e": "--editable"}

_PIPX_VALUED = frozenset({"--suffix", "--python", "--pip-args", "--index-url", "--preinstall", "--spec",
                          "--backend"})
_VIRTUALENV_VALUED = frozenset({"--python", "--prompt", "--creator", "--seeder", "--activators", "--app-data",
                                "--discovery", "--extra-search-dir", "--pip", "--setuptools", "--wheel",
                                "--try-first-with"})
# pip utils/filetypes.py ARCHIVE_EXTENSIONS: a `file:` URL ending so is an archive, not a project
_ARCHIVES = (".zip", ".whl", ".tar.bz2", ".tbz", ".tar.xz", ".txz", ".tlz", ".tar.lz", ".tar.lzma", ".tar.gz",
             ".tgz", ".tar")

_Options = list[tuple[str, _Arg | None]]


def _options(args: list[_W], short: str, valued: frozenset[str], long: Mapping[str, str]
             ) -> tuple[_Options, list[_W]]:
    opts, positionals = _parse_options(args, frozenset(), short, valued)
    return [(long.get(name, name), value) for name, value in opts], positionals


def _known(arg: _Arg, facts: _Facts) -> str | None:
    """The single field `arg` expands to with every variable known, else None."""
    texts, known = _expand(arg, facts.env)
    return texts[0] if known and len(texts) == 1 else None


def _text(arg: _Arg | None, facts: _Facts) -> str | None:
    """An option value expanded, or as written when a variable in it is not known."""
    if arg is None:
        return None
    known = _known(arg, facts)
    return arg.text if known is None else known


def _chdir(cwd: str | None, path: str | None) -> str | None:
    """`cwd` after `cd path`: relative paths compose, "." is None, and a path not known
    (None) or relative to an unknown directory is UNKNOWN_DIR."""
    if path is None or (cwd == UNKNOWN_DIR and not path.startswith("/")):
        return UNKNOWN_DIR
    joined = posixpath.normpath(posixpath.join(cwd or "", path)) if path else cwd or "."
    if len(joined) > _PATH_MAX:
        return UNKNOWN_DIR
    return None if joined == "." else joined


def _cd(name: str, args: list[_W], facts: _Facts) -> None:
    """`cd [-L|-P] DIR` (XCU cd); bash's `pushd DIR` and `popd`. `cd` alone (HOME), `cd -`
    (OLDPWD), `~`, and a variable not known lead to UNKNOWN_DIR."""
    if name == "popd":
        if facts.pushed is not None:
            facts.cwd, facts.pushed = facts.pushed
        return
    j = 0
    while j < len(args) and args[j].text.startswith("-") and args[j].text != "-":
        j += 1
        if args[j - 1].text == "--":
            break
    rest = args[j:]
    path = _known(_Arg(rest[0]), facts) if len(rest) == 1 and rest[0].text != "-" else None
    if path is not None and (path.startswith("~") or not path):
        path = None
    if name == "pushd":
        facts.pushed = (facts.cwd, facts.pushed)
    facts.cwd = _chdir(facts.cwd, path)


def _venvs(args: list[_W], facts: _Facts, valued: frozenset[str], short: str, one: bool) -> None:
    """`python -m venv DIR…` / `virtualenv DIR`: the directories, joined onto the `cd`s."""
    _, positionals = _parse_options(args, frozenset(), short, valued)
    for word in positionals[:1] if one else positionals:
        _venv(facts, _text(_Arg(word), facts) or word.text, word.location, word.quoted, facts.cwd)


def _venv(facts: _Facts, path: str, location: Location, quoted: bool, cwd: str | None) -> None:
    if cwd is not None and not path.startswith("/"):
        path = posixpath.normpath(posixpath.join(cwd, path))
    facts.venvs.append(Word(path, location, quoted))


def _file_url_path(url: str | None) -> str | None:
    """The local path a `file:` URL names (`file:///app/svc` -> /app/svc, `file:./svc` ->
    ./svc), or None for any other URL."""
    if not url or not url.lower().startswith("file:"):
        return None
    parts = urllib.parse.urlsplit(url)
    return urllib.parse.unquote(parts.path) or None if parts.netloc in ("", "localhost") else None


def _keep(item: Requirement | FileArg | Problem, facts: _Facts, requirements: list[Requirement],
          files: list[FileArg], editable: bool = False) -> None:
    """File an argument as read. A local project, however written (`.`, `./svc`, `file:` URL,
    `name @ file:…`), also becomes a FileArg with its path, so its pyproject.toml can be read."""
    if isinstance(item, Problem):
        facts.problems.append(item)
    elif isinstance(item, FileArg):
        option = "-e" if editable and item.option == "." else item.option
        files.append(FileArg(option, _file_url_path(item.path) or item.path, item.location, item.extras))
    else:
        requirements.append(item)
        path = _file_url_path(item.url)
        if path is not None and not path.lower().endswith(_ARCHIVES):
            files.append(FileArg("-e" if item.editable or editable else ".", path, item.location))


def _arguments(args: list[_Arg], facts: _Facts, parse: Callable[[str, Location], Requirement | FileArg | Problem],
               requirements: list[Requirement], files: list[FileArg], editable: bool = False) -> None:
    """Package arguments, each expanded and read by `parse`."""
    for arg in args:
        texts, known = _expand(arg, facts.env)
        if not known:
            facts.problems.append(_unresolved(arg, facts.env))
            continue
        for text in texts:
            item = parse(text, arg.location)
            if isinstance(item, Problem) and not arg.w.quoted and ("*" in text or "?" in text):
                item = FileArg(".", text, arg.location)  # XCU 2.13: a pattern the shell replaces by file names
            _keep(item, facts, requirements, files, editable)


def _record(tool: str, argv: list[_W], facts: _Facts, opts: _Options, requirements: Sequence[Requirement] = (),
            files: Sequence[FileArg] = (), **fields) -> None:
    """Append the Install of argv (argv[0] is the installer word); `fields` are Install's own."""
    names = {name for name, _ in opts}
    fields.setdefault("program", _text(_Arg(argv[0]), facts))
    fields.setdefault("cwd", facts.cwd)
    facts.installs.append(Install(
        tool, _join(argv[0].location, argv[-1].location), tuple(requirements), tuple(files),
        upgrade="--upgrade" in names, force_reinstall=bool(names & {"--force-reinstall", "--reinstall"}),
        no_deps="--no-deps" in names, **fields))


def _pip(argv: list[_W], i: int, facts: _Facts) -> None:
    """`pip [general options] install|wheel|download …`; any other subcommand installs nothing."""
    j = i
    while j < len(argv) and argv[j].text.startswith("-"):
        t = argv[j].text
        j += 2 if ("=" not in t and t in _PIP_VALUED) else 1
    if j < len(argv) and argv[j].text in ("install", "wheel", "download"):
        tool = "pip" if argv[j].text == "install" else "pip " + argv[j].text
        _install(tool, argv, j + 1, facts, argv[i:j])


def _install(tool: str, argv: list[_W], i: int, facts: _Facts, general: list[_W]) -> None:
    """pip's and `uv pip`'s install, sync, wheel and download, from argv[i] on; `general` holds
    the options written before the subcommand."""
    short = _PIP_SHORT_VALUED + {"pip wheel": "w", "pip download": "d"}.get(tool, "")
    opts = _options(general, short, _PIP_VALUED, _PIP_LONG)[0]
    more, positionals = _options(argv[i:], short, _PIP_VALUED, _PIP_LONG)
    opts += more
    names = {name for name, _ in opts}
    if "--dry-run" in names:  # pip 22.2+, uv: resolves and reports only
        return
    requirements: list[Requirement] = []
    files: list[FileArg] = []
    if tool == "uv pip sync":  # every argument is a requirements file
        opts += [("--requirement", _Arg(w)) for w in positionals]
        positionals = []
    for name, value in opts:
        if value is None or name not in (*_PIP_FILES, "--editable", "--group"):
            continue
        texts, known = _expand(value, facts.env)
        if not known:
            facts.problems.append(_unresolved(value, facts.env))
        for text in texts if known else ():
            if name == "--editable":  # pip's parse_editable: a path, a VCS URL or `name @ URL`
                _keep(_editable(text, value.location, False), facts, requirements, files)
            elif name == "--group":  # pip 25.1+, uv pip: `[path:]NAME`, the path a pyproject.toml
                path, _, group = text.rpartition(":")  # (pip cmdoptions.py `_handle_dependency_group`)
                files.append(FileArg("--group", path or "pyproject.toml", value.location, (normalize_name(group),)))
            else:
                files.append(FileArg(_PIP_FILES[name], text, value.location))
    _arguments([_Arg(w) for w in positionals], facts, requirement_from_line, requirements, files)
    program = _text(_last(opts, "--python"), facts)  # pip 22.3+ `--python`, uv `--python/-p`
    if program is None and tool.startswith("uv") and "--system" in names:
        program = "python"  # uv: "the first Python interpreter found in the system PATH"
    cwd = facts.cwd
    directory = _last(opts, "--directory")
    if directory is not None and tool.startswith("uv"):  # uv: "change to the given directory"
        cwd = _chdir(cwd, _known(directory, facts))
    _record(tool, argv, facts, opts, requirements, files, target=_pip_target(tool, opts, names, facts),
            exact=tool == "uv pip sync", cwd=cwd, **({"program": program} if program else {}))


def _pip_target(tool: str, opts: _Options, names: set[str], facts: _Facts) -> str | None:
    """Where the packages land: --target is the site-packages itself, --prefix and --root the
    top of a tree (pip's install scheme puts `--root` in front of `--prefix`)."""
    if tool in ("pip wheel", "pip download"):
        return _text(_last(opts, "--wheel-dir", "--dest"), facts) or "."
    target, prefix, root = (_text(_last(opts, name), facts) for name in ("--target", "--prefix", "--root"))
    if target or prefix:
        return target or (posixpath.join(root, prefix.lstrip("/")) if root else prefix)
    return root or ("~/.local" if "--user" in names else None)


def _uv(argv: list[_W], j: int, facts: _Facts) -> None:
    """`uv [global options] SUBCOMMAND …` other than `uv run`; argv[j] is the subcommand."""
    sub = argv[j].text if j < len(argv) else ""
    then = argv[j + 1].text if j + 1 < len(argv) else ""
    general = argv[1:j]
    if sub == "pip" and then in ("install", "sync"):
        _install("uv pip" if then == "install" else "uv pip sync", argv, j + 2, facts, general)
        return
    if sub not in ("add", "sync", "venv") and (sub, then) != ("tool", "install"):
        return
    opts = _options(general, _UV_SHORT_VALUED, _UV_VALUED, _UV_LONG)[0]
    more, positionals = _options(argv[j + (2 if sub == "tool" else 1):], _UV_SHORT_VALUED, _UV_VALUED, _UV_LONG)
    opts += more
    names = {name for name, _ in opts}
    cwd = facts.cwd
    if _last(opts, "--directory") is not None:
        cwd = _chdir(cwd, _known(_last(opts, "--directory"), facts))
    if sub == "venv":  # `uv venv [PATH]`, PATH defaulting to .venv
        if positionals:
            word = positionals[0]
            _venv(facts, _text(_Arg(word), facts) or word.text, word.location, word.quoted, cwd)
        else:
            _venv(facts, ".venv", _join(argv[0].location, argv[j].location), False, cwd)
        return
    if names & {"--dry-run", "--check", "--script"} or (sub == "add" and names & {"--frozen", "--no-sync"}):
        return  # "--frozen: the project environment will not be synced" (uv add)
    requirements: list[Requirement] = []
    files: list[FileArg] = []
    if sub == "tool":  # `uv tool install [--from SPEC] [--with REQ]… PACKAGE`
        spec = _last(opts, "--from")
        args = [spec] if spec is not None else [_Arg(w) for w in positionals[:1]]
        args += [value for name, value in opts if name == "--with" and value is not None]
        _arguments(args, facts, requirement_from_line, requirements, files)
        _record("uv tool", argv, facts, opts, requirements, files, cwd=cwd, isolated=True)
        return
    for name, value in opts:
        if value is not None and name in ("--requirements", "--constraints"):
            text = _known(value, facts)
            if text is None:
                facts.problems.append(_unresolved(value, facts.env))
            else:
                files.append(FileArg("-r" if name == "--requirements" else "-c", text, value.location))
    if sub == "add":
        _arguments([_Arg(w) for w in positionals], facts, requirement_from_line, requirements, files,
                   "--editable" in names)
    project = _text(_last(opts, "--project"), facts) or "."
    groups = tuple(name if value is None else f"{name}={_text(value, facts)}" for name, value in opts
                   if name in _UV_GROUP_OPTIONS) if sub == "sync" else ()
    _record("uv " + sub, argv, facts, opts, requirements, files, project=project, cwd=cwd,
            exact=sub == "sync" and "--inexact" not in names, groups=groups)


def _poetry(argv: list[_W], facts: _Facts) -> None:
    """`poetry [-C DIR] [-P DIR] add PKG…|install|sync [options]`; poetry (cleo) takes options
    anywhere. `-C/--directory` is "the working directory for the Poetry command", `-P/--project`
    "another path as the project root" (python-poetry.org/docs/cli/)."""
    opts, positionals = _options(argv[1:], "CPGE", _POETRY_VALUED, _POETRY_LONG)
    sub = positionals[0].text if positionals else ""
    names = {name for name, _ in opts}
    if sub not in ("add", "install", "sync") or "--dry-run" in names or (sub == "add" and "--lock" in names):
        return
    cwd = facts.cwd
    if _last(opts, "--directory") is not None:
        cwd = _chdir(cwd, _known(_last(opts, "--directory"), facts))
    requirements: list[Requirement] = []
    files: list[FileArg] = []
    if sub == "add":
        _arguments([_Arg(w) for w in positionals[1:]], facts, _poetry_requirement, requirements, files,
                   "--editable" in names)
    project = _text(_last(opts, "--project"), facts) or "."
    _record("poetry " + sub, argv, facts, opts, requirements, files, project=project, cwd=cwd,
            exact=sub == "sync" or "--sync" in names)


def _pipx(argv: list[_W], i: int, facts: _Facts) -> None:
    """`pipx install [options] PKG…` (argv[i] on): into a venv of its own under PIPX_HOME."""
    opts, positionals = _options(argv[i:], "i", _PIPX_VALUED, {"-e": "--editable"})
    if not positionals or positionals[0].text != "install":
        return
    spec = _last(opts, "--spec")  # older pipx: `install --spec SPEC NAME`
    args = [spec] if spec is not None else [_Arg(w) for w in positionals[1:]]
    requirements: list[Requirement] = []
    files: list[FileArg] = []
    _arguments(args, facts, requirement_from_line, requirements, files, _has(opts, "--editable"))
    _record("pipx", argv, facts, opts, requirements, files, isolated=True)


# --- poetry's constraint syntax ---------------------------------------------------------------
# https://python-poetry.org/docs/dependency-specification/ and poetry-core's semver parser:
# `^V` allows what does not change V's left-most non-zero part (poetry-core Version.next_breaking:
# ^1.2.3 -> <2.0.0, ^0.2.3 -> <0.3.0, ^0.0.3 -> <0.0.4, ^0.0 -> <0.1.0, ^0 -> <1.0.0); `~V`
# allows patch updates, or minor ones when only a major is given (~1.2.3/~1.2 -> <1.3.0,
# ~1 -> <2.0.0); a bare `V` is `==V`; `*` and `V.*` are wildcards; the rest is PEP 440.

_POETRY_OPERATOR = re.compile(r"(\^|~=|~|===|==|!=|>=|<=|>|<|=)?\s*(\S+)")


def _poetry_requirement(text: str, location: Location) -> Requirement | FileArg | Problem:
    """A `poetry add` argument, in the order poetry's parse_dependency_specification reads it
    (poetry/utils/dependency_specification.py): PEP 508 unless it is `name@<constraint>`, then a
    URL or path, then `name@X` / `name==X` / `name=X` / `name:X` / `name X` with X in poetry's
    constraint syntax (`latest`: the newest, unpinned). A constraint envlint cannot convert is
    taken as unpinned."""
    if " ; " in text or not re.search(r"@[\^~!=<>\d]", text):
        item = requirement_from_line(text, location)
        if not isinstance(item, Problem) or "/" in text:  # a URL or a path
            return item
    simple = re.fullmatch(r"([^@=: ]+)(?:@|==|(?<![<>~!])=|:| )(.*)", text.strip())
    if simple is None:
        simple = re.fullmatch(r"([^><=!: ]+)((?:>=|<=|>|<|!=|~=|~|\^).*)", text.strip())
    name, constraint = (simple.group(1), simple.group(2).strip()) if simple else (text.strip(), "")
    specifier = "" if constraint in ("", "latest") else _poetry_constraint(constraint) or ""
    parsed = requirement_from_string(name + specifier, location)
    if isinstance(parsed, Problem):
        return Problem(parsed.kind, f"poetry cannot add {text!r}: {name!r} is not a package name", location)
    return replace(parsed, text=text)


def _poetry_constraint(constraint: str) -> str | None:
    """Poetry's constraint as a PEP 440 specifier, or None when it cannot be said as one (`||`,
    an epoch or local version under ^/~)."""
    if "|" in constraint:
        return None
    terms = re.split(r"\s*,\s*|(?<=[\w*])\s+(?=[\^~=!<>\d])", constraint.strip())  # `,` or a blank: AND
    out = []
    for term in terms:
        match = _POETRY_OPERATOR.fullmatch(term)
        if match is None:
            return None
        op, version = match.groups()
        if version == "*" and op is None:
            continue
        if op in ("^", "~"):
            bound = _poetry_upper(op, version)
            if bound is None:
                return None
            out += [f">={version}", f"<{bound}"]
        else:
            out.append(("==" if op in (None, "=") else op) + version)
    return ",".join(out)


def _poetry_upper(op: str, version: str) -> str | None:
    from packaging.version import InvalidVersion, Version

    try:
        parsed = Version(version)
    except InvalidVersion:
        return None
    release = list(parsed.release)
    if parsed.epoch or parsed.local:
        return None
    if op == "~":
        index = 0 if len(release) == 1 else 1
    else:
        index = 0 if release[0] > 0 or len(release) == 1 else 1 if release[1] > 0 or len(release) == 2 else 2
    upper = release[:index] + [release[index] + 1]
    return ".".join(str(n) for n in upper + [0] * (3 - len(upper)))


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


_MAX_EXPANSION = 64 * 1024  # bytes one argument may expand to (BuildKit's own line limit)


def _expand(arg: _Arg, env: Mapping[str, str]) -> tuple[list[str], bool]:
    """The argument with its parameter references filled in from `env`, as the fields the shell
    passes (2.6.5: an unquoted reference's value splits at blanks), and whether every reference
    was known. An unknown one is left as written."""
    w, out, last, known, split, size = arg.w, [], arg.k, True, False, 0
    for param in w.params:
        if param.start < arg.k:
            continue
        out.append(w.text[last:param.start])
        value = _param_value(param, env)
        if value is None:
            known, value = False, w.text[param.start:param.end]
        elif not param.quoted and not set(value).isdisjoint(" \t\n"):
            split = True
        size += len(value)
        if size > _MAX_EXPANSION:  # `pip install $A$A$A…` with a long A: not a requirement, not followed
            return [w.text[arg.k:]], False
        out.append(value)
        last = param.end
    out.append(w.text[last:])
    text = "".join(out)
    return (text.split() if split else [text]), known


def _unresolved(arg: _Arg, env: Mapping[str, str]) -> Problem:
    names = sorted({p.name for p in arg.w.params if p.start >= arg.k and _param_value(p, env) is None})
    if not names:
        return Problem("requirement-unresolved", f"{arg.text[:80]!r}… expands to more than "
                       f"{_MAX_EXPANSION // 1024} KiB; envlint does not follow it", arg.location)
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

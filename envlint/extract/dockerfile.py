"""Dockerfiles, read exactly as BuildKit reads them, and the facts rules need from them.

Two layers. `parse()` is a Python rendering of BuildKit's `frontend/dockerfile/parser`
(moby/buildkit @ 73ed6825c4b7: parser.go, line_parsers.go, split_command.go, directives.go,
json_parser.go), written from ../shared/corpus/dockerfile/buildkit-result-format.md and
buildkit-inline-cases.md and checked against BuildKit's own test files; `Node.dump()` prints its
`result` format. `expand()` is BuildKit's `frontend/dockerfile/shell/lex.go` (ProcessWord).
`parse_dockerfile()` then does what BuildKit's instruction layer and dispatcher do with the nodes
that matter to envlint (FROM, ARG, ENV, EXPOSE, COPY/ADD, WORKDIR, SHELL, RUN, CMD, ENTRYPOINT)
and returns located facts. Shell-form commands are analysed only when a POSIX shell runs them.

Where BuildKit stops at the first error, envlint records a located `Problem` (kind SYNTAX) and
reads on; what BuildKit accepts but envlint cannot follow is noted as kind UNSUPPORTED.
Everything is linear in the size of the file (benchmarks/bench_dockerfile.py measures it).
"""

from __future__ import annotations

import fnmatch
import json
import math
import posixpath
import re
from collections.abc import Mapping, Sequence
from functools import cache, lru_cache
from types import MappingProxyType

from envlint.extract.commands import analyze_exec, analyze_shell
from envlint.facts import (
    Command,
    Copy,
    Dockerfile,
    DockerStage,
    EnvVar,
    Expose,
    Location,
    Problem,
    SourceText,
    Word,
)
from envlint.gcpause import gc_paused
from envlint.repo import ReadError, Repo

SYNTAX = "dockerfile-syntax"  # what BuildKit would refuse
UNSUPPORTED = "dockerfile-unsupported"  # what BuildKit accepts but envlint cannot follow (not an error)

# Go's unicode.IsSpace (strings.TrimSpace, parseWords, the shell lexer's word splitting).
_GO_SPACE = "\t\n\v\f\r \x85\xa0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009\u200a\u2028\u2029\u202f\u205f\u3000"
_GO_SPACE_SET = frozenset(_GO_SPACE)
_GO_SPACE_BYTES = "\t\n\v\f\r \x85\xa0"  # unicode.IsSpace(rune(byte)): what byte-wise Go loops see
_WS_RE = re.compile(r"[\t\v\f\r ]+")  # parser.go reWhitespace
_NOT_WS_RE = re.compile(r"[^\t\v\f\r ]+")
# directives.go: `#` directive lines; Go's \s is [\t\n\f\r ].
# `(.+?)\s*$` is matched as `(.*)` plus a right strip: the same result without backtracking.
_DIRECTIVE_RE = re.compile(r"#[\t\n\f\r ]*([a-zA-Z][a-zA-Z0-9]*)[\t\n\f\r ]*=[\t\n\f\r ]*(.*)\Z")
# Only detect_directive uses it: compiled there, on first use (re caches it), not at import.
_SLASH_DIRECTIVE = r"//[\t\n\f\r ]*([a-zA-Z][a-zA-Z0-9]*)[\t\n\f\r ]*=[\t\n\f\r ]*(.*)\Z"
_DIRECTIVE_BLANKS = "\t\n\f\r "
_DIRECTIVES = ("syntax", "escape", "check")
_HEREDOC_RE = re.compile(r"(\d*)<<(-?)[\t\n\f\r ]*([^<]*)\Z")  # parser.go reHeredoc
_HEREDOC_OP_RE = re.compile(r"\d*<<-?\Z")
_JSON_STRING_RE = re.compile(r'"(?:[^"\\]|\\.)*"', re.S)
_MAX_LINE_BYTES = 65535  # bufio.Scanner's 64 KiB token limit, newline included
_LONG_LINE = _MAX_LINE_BYTES // 4  # a shorter line cannot exceed it, whatever its characters


@cache
def _go_words() -> re.Pattern:
    """Runs of characters Go's unicode.IsSpace does not split at. Compiled on first use (0.3 ms):
    only unusual lines and heredocs need it."""
    return re.compile(f"[^{re.escape(_GO_SPACE)}]+")


class ExpandError(ValueError):
    """A word BuildKit's shell lexer rejects (unterminated quote, bad `${…}`, `${X:?msg}`)."""


class ExpandLimit(ExpandError):
    """A word BuildKit (Go) expands but envlint does not, to stay fast and small on any input:
    `${a:-${b:-…}}` nested deeper than Python's stack allows (hundreds of levels), variables
    that multiply the text past a budget linear in the file's size (ENV B=$A$A, C=$B$B, …), or
    a `*` pattern Python's backtracking regex would take too long on (Go's RE2 does not
    backtrack). The word is kept as written."""


class _Budget:
    """Characters that variable values may still add to expanded words, shared by a file's
    expansions (see ExpandLimit)."""

    __slots__ = ("left",)

    def __init__(self, left: int):
        self.left = left

    def spend(self, size: int) -> None:
        self.left -= size
        if self.left < 0:
            raise ExpandLimit("variables expand to more text than envlint follows")


# --- Go formatting ------------------------------------------------------------------------

_GO_ESCAPES = {"\a": "\\a", "\b": "\\b", "\f": "\\f", "\n": "\\n", "\r": "\\r", "\t": "\\t", "\v": "\\v",
               '"': '\\"', "\\": "\\\\"}
_NEEDS_QUOTING = re.compile(r'[^\x20-\x7e]|["\\]')


def go_quote(text: str) -> str:
    """Go's strconv.Quote. Invalid UTF-8 bytes arrive as surrogate escapes (U+DC80–U+DCFF)."""
    if not _NEEDS_QUOTING.search(text):
        return f'"{text}"'
    out = ['"']
    for ch in text:
        code = ord(ch)
        if ch in _GO_ESCAPES:
            out.append(_GO_ESCAPES[ch])
        elif 0x20 <= code < 0x7F:
            out.append(ch)
        elif code < 0x20 or code == 0x7F or 0xDC80 <= code <= 0xDCFF:
            out.append(f"\\x{code & 0xFF:02x}")
        elif ch.isprintable():
            out.append(ch)
        else:
            out.append(f"\\u{code:04x}" if code <= 0xFFFF else f"\\U{code:08x}")
    out.append('"')
    return "".join(out)


def _as_bytes(text: str) -> str:
    """`text` as its UTF-8 bytes, one character per byte: what Go sees when it indexes a string
    byte by byte and turns each byte into a rune (extractBuilderFlags, parseHealthConfig)."""
    return text.encode("utf-8", "surrogateescape").decode("latin-1")


def _from_bytes(text: str) -> str:
    return text.encode("latin-1").decode("utf-8", "surrogateescape")


def _utf8_len(text: str) -> int:
    return len(text.encode("utf-8", "surrogateescape")) if not text.isascii() else len(text)


# --- the shell lexer (shell/lex.go) -------------------------------------------------------


class _Lexer:
    """One run of BuildKit's shellWord over `text`. Characters are read one by one; the end of
    input reads as ""."""

    __slots__ = ("text", "pos", "env", "escape", "raw_quotes", "raw_escapes", "skip_unset", "keep_unset", "budget")

    def __init__(self, text: str, env: Mapping[str, str], escape: str = "\\", *, raw_quotes: bool = False,
                 raw_escapes: bool = False, skip_unset: bool = False, keep_unset: bool = False,
                 budget: _Budget | None = None):
        self.text, self.pos, self.env, self.escape = text, 0, env, escape
        self.raw_quotes, self.raw_escapes = raw_quotes, raw_escapes
        self.skip_unset, self.keep_unset = skip_unset, keep_unset
        self.budget = budget

    def run(self, words: bool) -> tuple[str, list[str]]:
        try:
            return self._scan("", self.raw_escapes, words)
        except RecursionError:
            raise ExpandLimit("substitutions nested too deeply for envlint to expand") from None

    def _scan(self, stops: str, raw_escapes: bool, want_words: bool) -> tuple[str, list[str]]:
        """processStopOnAny: up to one of `stops` (consumed), or to the end when `stops` is ""."""
        saved, self.raw_escapes = self.raw_escapes, raw_escapes
        try:
            text, escape, end = self.text, self.escape, len(self.text)
            result: list[str] = []
            words = _Words() if want_words else None
            while self.pos < end:
                ch = text[self.pos]
                if stops and ch in stops:
                    self.pos += 1
                    return "".join(result), words.done() if words else []
                if ch == "$" or ch == "'" or ch == '"':
                    part = self._dollar() if ch == "$" else self._single() if ch == "'" else self._double()
                    result.append(part)
                    if words is not None:
                        words.add_string(part) if ch == "$" else words.add_raw(part)
                    continue
                self.pos += 1
                if ch == escape:
                    if self.raw_escapes:
                        result.append(ch)
                        if words is not None:
                            words.add_raw(ch)
                    if self.pos >= end:
                        break  # an escape at the end is dropped
                    ch = text[self.pos]
                    self.pos += 1
                    if words is not None:
                        words.add_raw(ch)
                elif words is not None:
                    words.add_char(ch)
                result.append(ch)
            if stops:
                raise ExpandError(f"unexpected end of statement while looking for matching {stops[0]}")
            return "".join(result), words.done() if words else []
        finally:
            self.raw_escapes = saved

    def _single(self) -> str:
        """Everything up to the next ' is literal; there is no escaping inside."""
        close = self.text.find("'", self.pos + 1)
        if close < 0:
            raise ExpandError("unexpected end of statement while looking for matching single-quote")
        body = self.text[self.pos: close + 1] if self.raw_quotes else self.text[self.pos + 1: close]
        self.pos = close + 1
        return body

    def _double(self) -> str:
        """Literal except `$…`; the escape character escapes only `"`, `$` and itself."""
        text, escape, end = self.text, self.escape, len(self.text)
        out = ['"'] if self.raw_quotes else []
        self.pos += 1
        while True:
            if self.pos >= end:
                raise ExpandError("unexpected end of statement while looking for matching double-quote")
            ch = text[self.pos]
            if ch == '"':
                self.pos += 1
                if self.raw_quotes:
                    out.append(ch)
                return "".join(out)
            if ch == "$":
                out.append(self._dollar())
                continue
            self.pos += 1
            if ch == escape:
                if self.pos >= end:
                    continue  # reported as the missing quote above
                following = text[self.pos]
                if following in ('"', "$", escape):
                    if self.raw_escapes:
                        out.append(ch)
                    ch = following
                    self.pos += 1
            out.append(ch)

    def _name(self) -> str:
        """processName: a run of digits, one special parameter, or letters, digits and _."""
        text, start, end = self.text, self.pos, len(self.text)
        if start >= end:
            return ""
        first = text[start]
        if first.isdecimal():
            while self.pos < end and text[self.pos].isdecimal():
                self.pos += 1
            return text[start:self.pos]
        if first in "@*#?-$!0":
            self.pos += 1
            return first
        while self.pos < end and (text[self.pos].isalnum() or text[self.pos] == "_"):
            self.pos += 1
        return text[start:self.pos]

    def _get(self, name: str) -> str | None:
        """A variable's value; each use is paid for from the budget (a value appears at most
        once in the result, except through `${v//p/r}`, which pays for its replacements)."""
        value = self.env.get(name)
        if value and self.budget is not None:
            self.budget.spend(len(value))
        return value

    def _dollar(self) -> str:
        start = self.pos
        self.pos += 1
        text, end = self.text, len(self.text)
        if self.pos >= end or text[self.pos] != "{":
            name = self._name()
            if not name:
                return "$"
            value = self._get(name)
            if value is None:
                return text[start:self.pos] if self.skip_unset or self.keep_unset else ""
            return value
        self.pos += 1
        if self.pos >= end:
            raise ExpandError("syntax error: missing '}'")
        if text[self.pos] in "{}:":
            raise ExpandError("syntax error: bad substitution")
        name = self._name()
        if self.pos >= end:
            raise ExpandError("syntax error: missing '}'")
        ch = text[self.pos]
        self.pos += 1
        if ch == "}":
            value = self._get(name)
            if value is None:
                return text[start:self.pos] if self.skip_unset or self.keep_unset else ""
            return value
        modifier = ch
        null_is_unset = ch == ":"
        if null_is_unset:
            ch = text[self.pos] if self.pos < end else ""
            self.pos += 1
            modifier += ch
        if null_is_unset or ch in ("+", "-", "?", "#", "%"):
            pattern_like = ch in ("#", "%")
            if null_is_unset and pattern_like:
                raise ExpandError(f"unsupported modifier ({modifier}) in substitution")
            word = self._nested("}", pattern_like)
            value = self._get(name)
            if value is None and self.skip_unset:
                return f"${{{name}{modifier}{word}}}"
            empty = value is None or (null_is_unset and value == "")
            if ch == "-":
                return word if empty else value  # type: ignore[return-value]
            if ch == "+":
                return "" if empty else word
            if ch == "?":
                if empty:
                    reason = "is not allowed to be unset" if value is None else "is not allowed to be empty"
                    raise ExpandError(f"{name}: {word or reason}")
                return value  # type: ignore[return-value]
            if ch in ("#", "%"):
                greedy = word.startswith(ch)
                if greedy:
                    word = word[1:]
                return _trim(value or "", word, greedy, suffix=ch == "%")
            raise ExpandError(f"unsupported modifier ({modifier}) in substitution")
        if ch == "/":
            replace_all = self.pos < end and text[self.pos] == "/"
            if replace_all:
                self.pos += 1
            pattern = self._nested("/", True)
            replacement = self._nested("}", True)
            value = self._get(name)
            if value is None:
                return f"${{{name}/{pattern}/{replacement}}}" if self.skip_unset else ""
            regex = _pattern_regex(pattern, greedy=True, anchored=False, subject=len(value))
            if self.budget is not None and replacement:
                self.budget.spend(len(replacement) * (sum(1 for _ in regex.finditer(value)) if replace_all else 1))
            return regex.sub(lambda _: replacement, value, count=0 if replace_all else 1)
        raise ExpandError(f"unsupported modifier ({modifier}) in substitution")

    def _nested(self, stop: str, raw_escapes: bool) -> str:
        try:
            return self._scan(stop, raw_escapes, False)[0]
        except ExpandError:
            if self.pos >= len(self.text):
                raise ExpandError("syntax error: missing '}'" if stop == "}" else "syntax error: missing '/' in ${}") from None
            raise


class _Words:
    """shell/lex.go wordsStruct: unquoted blanks split words, quoted text never does."""

    __slots__ = ("parts", "size", "words", "in_word")

    def __init__(self):
        self.parts: list[str] = []
        self.size, self.words, self.in_word = 0, [], False

    def add_char(self, ch: str) -> None:
        if ch in _GO_SPACE_SET:
            if self.in_word and self.size:
                self._flush()
        else:
            self.parts.append(ch)
            self.size += 1
            self.in_word = True

    def add_string(self, text: str) -> None:
        for ch in text:
            self.add_char(ch)

    def add_raw(self, text: str) -> None:
        self.parts.append(text)
        self.size += len(text)
        self.in_word = True

    def _flush(self) -> None:
        self.words.append("".join(self.parts))
        self.parts, self.size, self.in_word = [], 0, False

    def done(self) -> list[str]:
        if self.size:
            self._flush()
        return self.words


def _pattern_tokens(pattern: str) -> list[str]:
    tokens, i = [], 0
    while i < len(pattern):
        ch = pattern[i]
        if ch == "\\" and i + 1 < len(pattern):
            tokens.append(pattern[i: i + 2])
            i += 2
            continue
        if ch == "[":
            close = pattern.find("]", i + 2)
            if close > 0:
                tokens.append(pattern[i: close + 1])
                i = close + 1
                continue
        tokens.append(ch)
        i += 1
    return tokens


_PATTERN_STEPS = 10_000_000  # what a backtracking match may cost at worst before envlint gives up


def _pattern_regex(pattern: str, greedy: bool, anchored: bool = True, reverse: bool = False,
                   subject: int = 0) -> re.Pattern:
    """A shell pattern (`*`, `?`, `[…]`, `\\x`) as a regex, as lex.go convertShellPatternToRegex.
    `subject` is the length of the text it will run on: with k `*`s, Python's regex may try
    about n**k ways (n**(k+1) unanchored) where Go's RE2 is linear, so beyond _PATTERN_STEPS
    this raises ExpandLimit rather than hang."""
    tokens = _pattern_tokens(pattern)
    stars = tokens.count("*") + (0 if anchored else 1)
    if stars > 1 and subject ** stars > _PATTERN_STEPS:
        raise ExpandLimit(f"pattern {pattern!r} on {subject:,} characters is beyond envlint's regex engine")
    if reverse:
        tokens.reverse()
    out = []
    for token in tokens:
        if token == "*":
            out.append(".*" if greedy else ".*?")
        elif token == "?":
            out.append(".")
        elif len(token) > 2 and token[0] == "[":
            body = token[1:-1]
            negate = body[:1] in ("!", "^")
            body = body[1:] if negate else body
            out.append("[" + ("^" if negate else "") + body.replace("\\", "\\\\").replace("[", "\\[") + "]")
        else:
            out.append(re.escape(token[-1]))
    try:
        return re.compile(("^" if anchored else "") + "".join(out), re.S)
    except re.error as exc:  # `[z-a]`: Go's regexp refuses it too (lex.go: "invalid pattern")
        raise ExpandError(f"invalid pattern ({pattern}) in substitution: {exc}") from None


def _trim(value: str, pattern: str, greedy: bool, suffix: bool) -> str:
    """`${v#p}` / `${v##p}` / `${v%p}` / `${v%%p}`; suffixes are matched on the reversed value,
    as lex.go trimSuffix does."""
    regex = _pattern_regex(pattern, greedy, reverse=suffix, subject=len(value))
    subject = value[::-1] if suffix else value
    match = regex.match(subject)
    if match:
        subject = subject[match.end():]
    return subject[::-1] if suffix else subject


def expand(word: str, env: Mapping[str, str], escape: str = "\\", *, keep_unset: bool = False,
           budget: _Budget | None = None) -> str:
    """BuildKit's ProcessWord: `$V`, `${V}`, `${V:-d}`, `${V-d}`, `${V:+x}`, `${V+x}`, `${V?e}`,
    `${V#p}`, `${V%p}`, `${V/p/r}`, quote removal and escapes. Raises ExpandError where BuildKit
    fails the build.

    keep_unset: leave `$V` / `${V}` as written when V is not in `env` (envlint does not know the
    base image's environment, so `$PATH` stays `$PATH` rather than becoming ""); the modifier
    forms still treat V as unset (`${V:-d}` gives d)."""
    if "$" not in word and "'" not in word and '"' not in word and escape not in word:
        return word
    return _Lexer(word, env, escape, keep_unset=keep_unset, budget=budget).run(False)[0]


def expand_words(word: str, env: Mapping[str, str], escape: str = "\\", *, keep_unset: bool = False,
                 budget: _Budget | None = None) -> list[str]:
    """BuildKit's ProcessWords: like `expand`, then split into words at unquoted blanks
    (used for EXPOSE, where `$PORTS` may hold several)."""
    if word.isascii() and word.isprintable() and not _has_any(word, f"$'\" {escape}"):  # `8000/tcp`: one word
        return [word] if word else []
    return _Lexer(word, env, escape, keep_unset=keep_unset, budget=budget).run(True)[1]


# --- the parser (frontend/dockerfile/parser) ----------------------------------------------


class Heredoc:
    """One heredoc of an instruction. `content` is BuildKit's: the body lines with their line
    ends, not yet chomped; `text()` is the body as the instruction layer uses it (chomped for
    `<<-`), located at its lines."""

    __slots__ = ("name", "expand", "chomp", "fd", "content", "_lines", "end_line")

    def __init__(self, name: str, expand: bool, chomp: bool, fd: int):
        self.name, self.expand, self.chomp, self.fd = name, expand, chomp, fd
        self.content = ""
        self._lines: list[tuple[str, int]] = []  # (raw line with its "\n", line number)
        self.end_line = 0  # the terminator's line

    def segments(self) -> list[tuple[str, int, int]]:
        if not self.chomp:
            return [(line, number, 1) for line, number in self._lines]
        out = []
        for line, number in self._lines:
            stripped = line.lstrip("\t")
            out.append((stripped, number, 1 + len(line) - len(stripped)))
        return out

    def text(self, path: str) -> SourceText:
        return SourceText(path, self.segments())

    def __repr__(self) -> str:
        return f"Heredoc({self.name!r}, expand={self.expand}, chomp={self.chomp}, fd={self.fd}, content={self.content!r})"


class Node:
    """One instruction, as BuildKit's parser.Node, plus where each piece of it was written.

    `keyword` is as written (`value` is BuildKit's lower-cased Node.Value); `args` are the
    argument nodes of `dump()`; `original` is the logical line (continuations joined) and
    `args_start`/`args_end` the argument text's place in it. `spans[i]` is the [start, end)
    offset of `args[i]`'s raw text in the argument text (`arg_location(i)` locates it);
    `flag_spans` are offsets in `original`. `text` is the argument text as a SourceText.
    """

    __slots__ = ("keyword", "value", "flags", "flag_spans", "args", "spans", "json", "sub", "original", "args_start",
                 "args_end", "start_line", "end_line", "heredocs", "comments", "path", "_segments", "_source")

    def __init__(self, original: str, path: str, segments: list[tuple[str, int, int]], keyword: str, value: str,
                 flags: Sequence[str], flag_spans: Sequence[tuple[int, int]], args_start: int, args_end: int,
                 parsed: tuple):
        self.keyword, self.value, self.original, self.path = keyword, value, original, path
        self._segments, self.flags, self.flag_spans = segments, flags, flag_spans
        self.args_start, self.args_end = args_start, args_end
        self.args, self.spans, self.json, self.sub = parsed
        self.start_line = self.end_line = 0
        self.heredocs: Sequence[Heredoc] = ()
        self.comments: Sequence[str] = ()  # the comment lines just above (BuildKit's PrevComment)
        self._source: SourceText | None = None

    @property
    def source(self) -> SourceText:
        """The whole logical line, located (shared with an ONBUILD's inner node)."""
        if self._source is None:
            self._source = SourceText(self.path, self._segments)
        return self._source

    def span(self, start: int, end: int) -> Location:
        """Location of [start, end) of `original`."""
        if len(self._segments) == 1:  # one physical line: no SourceText needed
            _, line, column = self._segments[0]
            return Location(self.path, line, column + start, line, column + max(end, start + 1))
        return self.source.span(start, end)

    def arg_location(self, index: int) -> Location:
        start, end = self.spans[index]
        return self.span(self.args_start + start, self.args_start + end)

    @property
    def location(self) -> Location:
        """The instruction as written, keyword to last argument character (heredoc bodies not
        included; `end_line` is BuildKit's EndLine, which includes them)."""
        return self.span(0, len(self.original)) if self.original else Location(self.path, self.start_line)

    @property
    def text(self) -> SourceText:
        return SourceText(self.path, _slice_segments(self._segments, self.args_start, self.args_end))

    def dump(self) -> str:
        """BuildKit's Node.Dump() for one instruction."""
        out = self.value
        if self.flags:
            out += " [" + " ".join(go_quote(f) for f in self.flags) + "]"
        if self.sub is not None:
            out += " (" + self.sub.dump() + ")"
        for arg in self.args:
            out += " " + go_quote(arg)
        return out.strip(_GO_SPACE)

    def __repr__(self) -> str:
        return f"Node({self.dump()!r}, lines {self.start_line}-{self.end_line})"


def _slice_segments(segments: list[tuple[str, int, int]], start: int, end: int) -> list[tuple[str, int, int]]:
    out, offset = [], 0
    for piece, line, column in segments:
        piece_end = offset + len(piece)
        if piece_end > start and offset < end:
            lo, hi = max(start, offset), min(end, piece_end)
            out.append((piece[lo - offset: hi - offset], line, column + lo - offset))
        offset = piece_end
        if offset >= end:
            break
    return out


class ParseResult:
    """What `parse` read: the instructions in order, the parser directives (name -> (value,
    line)), the escape character, errors (`problems`, each where BuildKit would stop) and
    warnings (NoEmptyContinuation)."""

    def __init__(self, path: str):
        self.path = path
        self.nodes: list[Node] = []
        self.directives: dict[str, tuple[str, int]] = {}
        self.escape = "\\"
        self.problems: list[Problem] = []
        self.warnings: list[Problem] = []

    @property
    def start_line(self) -> int:
        return self.nodes[0].start_line if self.nodes else 0

    @property
    def end_line(self) -> int:
        return self.nodes[-1].end_line if self.nodes else 0

    def dump(self) -> str:
        """BuildKit's `result` file: one `(instruction)` per line."""
        return "".join(f"({node.dump()})\n" for node in self.nodes)


class _ParseError(Exception):
    pass


def _trim_continuation(line: str, escape: str) -> tuple[str, bool]:
    """trimContinuationCharacter, i.e. the regex `([^E])E[ \\t]*$|^E[ \\t]*$`: a trailing escape
    (blanks after it allowed) continues the line unless it is itself escaped."""
    body = line.rstrip(" \t")
    if not body.endswith(escape):
        return line, True
    if len(body) == 1:
        return "", False
    if body[-2] == escape:
        return line, True
    return body[:-1], False


def parse(text: str, path: str = "Dockerfile") -> ParseResult:
    """Parse Dockerfile text as BuildKit's parser.Parse does (see the module docstring)."""
    with gc_paused():
        return _parse(text, path)


def _parse(text: str, path: str) -> ParseResult:
    result = ParseResult(path)
    if text.startswith("\ufeff"):
        text = text[1:]
    lines = text.split("\n")
    total = 0 if not text else len(lines) - (1 if text.endswith("\n") else 0)
    reader = _Reader(result, lines, total)
    escape = "\\"
    continues = (escape, " ", "\t")  # the last characters that may continue a line
    directives_done = False
    comments: Sequence[str] = ()
    nodes = result.nodes
    i = 0
    while i < total:
        raw = lines[i]
        i += 1
        if len(raw) > _LONG_LINE and reader.too_long(raw, i):
            break
        line = raw.rstrip("\r\n")
        stripped = line.lstrip(_GO_SPACE)
        if not directives_done:
            directives_done = _directive_line(result, stripped, i)
            escape = result.escape
            continues = (escape, " ", "\t")
        if not stripped:
            continue
        if stripped[0] == "#":
            comment = stripped[1:].strip(_GO_SPACE)
            if not comment:
                comments = ()
            elif comments:
                comments.append(comment)  # type: ignore[union-attr]
            else:
                comments = [comment]
            continue
        start = i
        column = 1 + len(line) - len(stripped)
        if stripped[-1] not in continues:  # the common case
            logical = stripped
            segments = [(stripped, i, column)]
        else:
            first, ended = _trim_continuation(stripped, escape)
            if ended and not first:
                continue
            segments = [(first, i, column)] if first else []
            if not ended:
                i = reader.continuation(i, escape, segments)
                if i < 0:
                    break
            logical = "".join(piece for piece, _, _ in segments)
        try:
            node = _new_node(logical, 0, escape, path, segments)
        except (_ParseError, RecursionError) as exc:
            # Only `ONBUILD ONBUILD …` recurses, thousands deep: BuildKit parses it and then
            # refuses it with this message (instructions/parse.go parseOnBuild).
            message = str(exc) if isinstance(exc, _ParseError) else "Chaining ONBUILD via `ONBUILD ONBUILD` isn't allowed"
            result.problems.append(Problem(SYNTAX, message, Location(path, start, 1, i)))
            comments = ()
            continue
        node.start_line, node.comments = start, comments
        comments = ()
        if "<<" in logical and _can_contain_heredoc(node):
            i = reader.heredocs(node, i)
            if i < 0:
                break
        node.end_line = i
        nodes.append(node)
    if not result.nodes and not result.problems:
        result.problems.append(Problem(SYNTAX, "file with no instructions", Location(path, max(total, 1))))
    if "\x00" in text:
        _report_nul(result)
    return result


def _report_nul(result: ParseResult) -> None:
    """BuildKit parses a NUL byte like any other character, but no command argument, path or
    environment variable can hold one, so the step that uses it fails. Reported once, at the
    first instruction that has one (comments may hold them harmlessly)."""
    for node in result.nodes:
        at = node.original.find("\x00")
        if at >= 0:
            location = node.span(at, at + 1)
        else:
            found = next(((line, number) for doc in node.heredocs for line, number in doc._lines if "\x00" in line), None)
            if found is None:
                continue
            location = Location(result.path, found[1], found[0].index("\x00") + 1)
        result.problems.append(Problem(SYNTAX, f"NUL byte in {_printable(node.keyword.upper())}: no command, path or "
                                               "variable can contain one (a UTF-16 file needs a byte-order mark)",
                                       location))
        return


def _directive_line(result: ParseResult, stripped: str, number: int) -> bool:
    """directives.go: record a parser directive; True once the directive block has ended."""
    if number == 1 and stripped.startswith("#!"):
        return False  # a shebang line does not end the directive block
    directive = _directive(_DIRECTIVE_RE, stripped)
    if directive is None:
        return True
    name, value = directive
    location = Location(result.path, number)
    if name in result.directives:
        result.problems.append(Problem(SYNTAX, f"only one {name} parser directive can be used", location))
    elif name == "escape" and value not in ("\\", "`"):
        result.problems.append(Problem(SYNTAX, f"invalid escape token '{value}' does not match ` or \\", location))
    else:
        result.directives[name] = (value, number)
        if name == "escape":
            result.escape = value
    return False


class _Reader:
    """The parts of parser.Parse that read further physical lines: continuations and heredoc
    bodies. Each returns the number of lines read so far, or -1 when reading must stop."""

    def __init__(self, result: ParseResult, lines: list[str], total: int):
        self.result, self.lines, self.total = result, lines, total

    def too_long(self, raw: str, number: int) -> bool:
        if _utf8_len(raw) > _MAX_LINE_BYTES:
            self.result.problems.append(
                Problem(SYNTAX, f"dockerfile line greater than max allowed size of {_MAX_LINE_BYTES}",
                        Location(self.result.path, number)))
            return True
        return False

    def continuation(self, i: int, escape: str, segments: list[tuple[str, int, int]]) -> int:
        """Later lines are appended as they are (no left strip); comment lines are dropped, and
        blank ones too, with BuildKit's NoEmptyContinuation warning."""
        lines, total = self.lines, self.total
        empty = False
        ended = False
        while not ended and i < total:
            raw = lines[i]
            i += 1
            if len(raw) > _LONG_LINE and self.too_long(raw, i):
                return -1
            line = raw.rstrip("\r\n")
            rest = line.lstrip(_GO_SPACE)
            if not rest:
                empty = True
                continue
            if rest[0] == "#":
                continue
            piece, ended = _trim_continuation(line, escape)
            if piece:
                segments.append((piece, i, 1))
        if empty:
            logical = "".join(piece for piece, _, _ in segments)
            self.result.warnings.append(Problem("NoEmptyContinuation", f"Empty continuation line found in: {logical}",
                                                Location(self.result.path, i)))
        return i

    def heredocs(self, node: Node, i: int) -> int:
        """Each heredoc's body, in order, up to a line equal to its name (leading tabs removed
        for `<<-`). A missing terminator is an error and ends the file."""
        result, lines, total = self.result, self.lines, self.total
        try:
            heredocs = _heredocs_from_line(node.original)
        except _ParseError as exc:
            result.problems.append(Problem(SYNTAX, str(exc), Location(result.path, node.start_line, 1, i)))
            return i
        found = []
        for heredoc in heredocs:
            body: list[str] = []
            while i < total:
                raw = lines[i]
                i += 1
                if len(raw) > _LONG_LINE and self.too_long(raw, i):
                    return -1
                candidate = raw.rstrip("\r\n")
                if heredoc.chomp:
                    candidate = candidate.lstrip("\t")
                if candidate == heredoc.name:
                    heredoc.end_line = i
                    break
                raw_line = raw + "\n" if i < len(lines) else raw
                body.append(raw_line)
                heredoc._lines.append((raw_line, i))
            heredoc.content = "".join(body)
            found.append(heredoc)
            if not heredoc.end_line:  # BuildKit stops here; the file has ended anyway
                result.problems.append(Problem(
                    SYNTAX, f"unterminated heredoc {heredoc.name}: no line {heredoc.name} closes it",
                    self.heredoc_location(node, heredoc, found[:-1])))
                break
        node.heredocs = found
        return i

    @staticmethod
    def heredoc_location(node: Node, heredoc: Heredoc, earlier: list[Heredoc]) -> Location:
        """Where `<<NAME` is written in the instruction: the len(earlier)-th `<<` that names it."""
        pattern = re.compile(r"\d*<<-?[\t ]*[\"']?" + re.escape(heredoc.name) + r"(?=[\"']?(?:[\t ;&|<>()]|\Z))")
        matches = list(pattern.finditer(node.original))
        same = sum(1 for doc in earlier if doc.name == heredoc.name)
        if len(matches) > same:
            return node.span(*matches[same].span())
        return node.location


def _directive(pattern: re.Pattern, line: str) -> tuple[str, str] | None:
    """(lower-cased name, value) of a directive line for a known directive name, else None."""
    match = pattern.match(line)
    if not match:
        return None
    name, value = match.group(1).lower(), match.group(2).rstrip(_DIRECTIVE_BLANKS)
    return (name, value) if value and name in _DIRECTIVES else None


def detect_directive(name: str, text: str) -> tuple[str, str, int] | None:
    """BuildKit's ParseDirective / DetectSyntax (directives.go): the `name` directive at the top
    of `text` as (value before the first blank, whole value, 1-based line), or None. A leading
    `#!` line is skipped; `syntax` may also be given as `//syntax=` or by a file that is one
    JSON object (`{"syntax": "…"}`)."""
    if text.startswith("\ufeff"):
        text = text[1:]
    offset = 0
    if text.startswith("#!"):
        text = text.partition("\n")[2]
        offset = 1
    found: tuple[str, int] | None = None
    if name == "syntax":
        try:
            data = json.loads(text)
        except (ValueError, RecursionError):
            data = None
        if isinstance(data, dict):
            value = data.get(name)
            return (value.split(" ", 1)[0], value, offset + 1) if isinstance(value, str) else None
    patterns = (re.compile(_SLASH_DIRECTIVE), _DIRECTIVE_RE) if name == "syntax" else (_DIRECTIVE_RE,)
    for pattern in patterns:
        for number, line in enumerate(text.split("\n"), offset + 1):
            directive = _directive(pattern, line.rstrip("\r").lstrip(_GO_SPACE))
            if directive is None:
                break
            if directive[0] == name:
                found = (directive[1], number)
                break
        if found:
            value, number = found
            return value.split(" ", 1)[0], value, number
    return None


def _new_node(line: str, base: int, escape: str, path: str, segments: list[tuple[str, int, int]]) -> Node:
    """newNodeFromLine + splitCommand: keyword, `--flags`, then the keyword's own line parser.
    `base` is the offset of `line` in the logical line (non-zero for ONBUILD's inner node).

    What a logical line splits into depends on nothing but its text and the escape character
    (ONBUILD's inner node aside, which holds its place): a line read before, as a monorepo's
    Dockerfiles repeat theirs, is not split again (its lists are shared, never changed)."""
    if base:
        return Node(line, path, segments, *_split_line(line, base, escape, path, segments))
    key = (line, escape)
    parts = _LINES.get(key)
    if parts is None:
        parts = _split_line(line, 0, escape, path, segments)
        if parts[-1][3] is None:  # no inner node
            _LINES.put(key, len(line), parts)
    return Node(line, path, segments, *parts)


class _BoundedCache:
    """Results kept for reuse, emptied when the text they were made from passes `max_chars`
    (so that a file of many long, distinct lines does not keep them all)."""

    __slots__ = ("entries", "chars", "max_chars")

    def __init__(self, max_chars: int):
        self.entries: dict = {}
        self.chars, self.max_chars = 0, max_chars

    def get(self, key):
        return self.entries.get(key)

    def put(self, key, size: int, value) -> None:
        self.chars += size
        if self.chars > self.max_chars:
            self.clear()
            self.chars = size
        self.entries[key] = value

    def clear(self) -> None:
        self.entries.clear()
        self.chars = 0


_LINES = _BoundedCache(500_000)  # (logical line, escape) -> what _split_line makes of it


def _split_line(line: str, base: int, escape: str, path: str, segments: list[tuple[str, int, int]]) -> tuple:
    """_new_node's work: (keyword, value, flags, flag_spans, args_start, args_end, parsed)."""
    lead = len(line) - len(line.lstrip(_GO_SPACE)) if base else 0
    trimmed = line[lead:].rstrip(_GO_SPACE)
    match = _WS_RE.search(trimmed)
    if match is None:
        keyword, flags, flag_spans = trimmed, (), ()
        args_start = args_end = base + len(line)
        args = ""
    else:
        keyword = trimmed[: match.start()]
        rest_at = base + lead + match.end()
        rest = trimmed[match.end():]
        if rest[:2] == "--":
            flags, flag_spans, skip = _extract_flags(rest, escape)
            flag_spans = [(rest_at + s, rest_at + e) for s, e in flag_spans]
            rest = rest[skip:]
            args = rest.strip(_GO_SPACE)
            rest_at += skip + len(rest) - len(rest.lstrip(_GO_SPACE))
        else:
            flags, flag_spans, args = (), (), rest
        args_start, args_end = rest_at, rest_at + len(args)
    known = _KEYWORDS.get(keyword)  # one shared string per usual spelling, not one per line
    keyword, value = known if known is not None else (keyword, keyword.lower())
    parsed = _DISPATCH.get(value, _parse_ignore)(args, args_start, escape, path, segments)
    return keyword, value, flags, flag_spans, args_start, args_end, parsed


_KEYWORDS = {spelling: (spelling, name) for name in (
    "add", "arg", "cmd", "copy", "entrypoint", "env", "expose", "from", "healthcheck", "label", "maintainer", "onbuild",
    "run", "shell", "stopsignal", "user", "volume", "workdir") for spelling in (name, name.upper())}


def _extract_flags(rest: str, escape: str) -> tuple[list[str], list[tuple[int, int]], int]:
    """extractBuilderFlags: leading `--words` (quotes removed, escapes applied; a bare `--` ends
    them and is dropped). Returns the flags, their raw spans, and where the arguments begin.
    Go walks this byte by byte, so non-ASCII is handled on its UTF-8 bytes, as Go does."""
    if not rest.startswith("--"):
        return [], [], 0
    simple = _simple_flags(rest, escape)
    if simple is not None:
        return simple
    ascii_only = rest.isascii()
    line = rest if ascii_only else _as_bytes(rest)
    words: list[str] = []
    spans: list[tuple[int, int]] = []
    n = len(line)
    pos = 0
    word: list[str] = []
    word_start = 0
    blank_ok = False
    in_word = in_quote = False
    quote = ""
    skip = n
    while pos <= n:
        ch = line[pos] if pos < n else ""
        if not in_word and not in_quote:
            if pos == n:
                break
            if ch in _GO_SPACE_BYTES:
                pos += 1
                continue
            if ch != "-" or pos + 1 == n or line[pos + 1] != "-":
                skip = pos
                break
            in_word, word, word_start, blank_ok = True, [], pos, False
        if pos == n:
            text = "".join(word)
            if text != "--" and (blank_ok or text):
                words.append(text)
                spans.append((word_start, pos))
            break
        if in_word and not in_quote:
            if ch in _GO_SPACE_BYTES:
                text = "".join(word)
                in_word = False
                if text == "--":
                    skip = pos
                    break
                if blank_ok or text:
                    words.append(text)
                    spans.append((word_start, pos))
                pos += 1
                continue
            if ch in ("'", '"'):
                quote, blank_ok, in_quote = ch, True, True
                pos += 1
                continue
            if ch == escape:
                if pos + 1 == n:
                    pos += 1
                    continue
                pos += 1
                ch = line[pos]
            word.append(ch)
            pos += 1
            continue
        # in a quote
        if ch == quote:
            in_quote = False
            pos += 1
            continue
        if ch == escape:
            if pos + 1 == n:
                in_quote = False
                pos += 1
                continue
            pos += 1
            ch = line[pos]
        word.append(ch)
        pos += 1
    if ascii_only:
        return words, spans, skip
    offsets = _char_offsets(line, sorted({o for span in spans for o in span} | {skip}))
    return words, [(offsets[s], offsets[e]) for s, e in spans], offsets[skip]


_FLAG_BLANKS = "\t\n\v\f\r "


@cache  # compiled on first use, for the escape character in use (~0.2 ms each at import otherwise)
def _simple_flag(escape: str) -> re.Pattern:
    return re.compile(rf"[{_FLAG_BLANKS}]*(--[^{_FLAG_BLANKS}'\"{re.escape(escape)}]*)(?=[{_FLAG_BLANKS}]|\Z)")


def _simple_flags(rest: str, escape: str) -> tuple[list[str], list[tuple[int, int]], int] | None:
    """extractBuilderFlags for the common case, with a regex instead of a loop over characters:
    ASCII flags without quotes or escapes. None when a flag needs the full walk."""
    pattern = _simple_flag(escape)
    words: list[str] = []
    spans: list[tuple[int, int]] = []
    pos = 0
    while (match := pattern.match(rest, pos)) is not None:
        pos = match.end()
        if match.group(1) == "--":  # a bare `--` ends the flags and is dropped
            return (words, spans, pos) if rest[:pos].isascii() else None
        words.append(match.group(1))
        spans.append(match.span(1))
    after = rest[pos:].lstrip(_FLAG_BLANKS)
    skip = len(rest) - len(after)
    if after.startswith("--") or not rest[:skip].isascii():
        return None
    return words, spans, skip


def _char_offsets(byte_text: str, positions: list[int]) -> dict[int, int]:
    """Character offsets of sorted byte offsets into `byte_text` (see `_as_bytes`): characters
    are counted as the bytes that do not continue a UTF-8 sequence."""
    out, chars, previous = {}, 0, 0
    for position in positions:
        chunk = byte_text[previous:position]
        chars += len(chunk) - len(re.findall("[\x80-\xbf]", chunk))  # rare: compiled on first use
        out[position], previous = chars, position
    return out


# Line parsers (line_parsers.go). Each takes the argument text and returns the argument node
# values, their [start, end) spans in that text, whether it was JSON, and ONBUILD's inner node.

_Parsed = tuple  # (list[str], list[tuple[int, int]], bool, Node | None)


def _go_number(text: str) -> float:
    value = float(text)
    if math.isinf(value):
        raise ValueError("number out of range")  # Go's json refuses what float64 cannot hold
    return value


def _reject_constant(text: str):
    raise ValueError(f"invalid JSON literal {text}")


_JSON = json.JSONDecoder(parse_float=_go_number, parse_int=_go_number, parse_constant=_reject_constant)


def _parse_json(args: str) -> tuple[list[str], list[tuple[int, int]]] | None:
    """parseJSON: the whole text must be one JSON array (after leading blanks); an array that
    holds anything but strings is an error, any other JSON error means "not JSON"."""
    if args[:1] != "[" and (args[:1] not in _GO_SPACE_SET or not args.lstrip(_GO_SPACE).startswith("[")):
        return None
    try:
        data = _JSON.decode(args)
    except (ValueError, RecursionError):
        return None
    if not isinstance(data, list):
        return None
    if not all(isinstance(item, str) for item in data):
        raise _ParseError("when using JSON array syntax, arrays must be comprised of strings only")
    spans = [m.span() for m in _JSON_STRING_RE.finditer(args)]
    if len(spans) != len(data):  # cannot happen for an array of strings; keep locations sane
        spans = [(0, len(args))] * len(data)
    if "\\u" in args or not args.isascii():  # Go's decoder turns lone surrogates into U+FFFD
        data = [s.encode("utf-16", "surrogatepass").decode("utf-16", "replace") for s in data]
    return data, spans


def _parse_maybe_json(args, base, escape, path, segments) -> _Parsed:
    if not args:
        return [], [], False, None
    parsed = _parse_json(args) if args[0] == "[" or args[0] in _GO_SPACE_SET else None
    if parsed is not None:
        return parsed[0], parsed[1], True, None
    return [args], [(0, len(args))], False, None


def _parse_maybe_json_to_list(args, base, escape, path, segments) -> _Parsed:
    parsed = _parse_json(args) if args[:1] == "[" or args[:1] in _GO_SPACE_SET else None
    if parsed is not None:
        return parsed[0], parsed[1], True, None
    return _parse_whitespace(args, base, escape, path, segments)


def _parse_whitespace(args, base, escape, path, segments) -> _Parsed:
    simple = _split_spaces(args)
    if simple is not None:
        return simple[0], simple[1], False, None
    spans = [m.span() for m in _NOT_WS_RE.finditer(args)]
    return [args[s:e] for s, e in spans], spans, False, None


def _split_spaces(args: str) -> tuple[list[str], list[tuple[int, int]]] | None:
    """(words, spans) when `args` is ASCII words separated by single spaces, the common case,
    found with str.split (several times faster than a regex); None for anything else."""
    if (not args or args[0] == " " or args[-1] == " " or not args.isascii() or "  " in args or "\t" in args
            or "\r" in args or "\n" in args or "\v" in args or "\f" in args):
        return None
    words = args.split(" ")
    spans = []
    at = 0
    for word in words:
        end = at + len(word)
        spans.append((at, end))
        at = end + 1
    return words, spans


def _parse_string(args, base, escape, path, segments) -> _Parsed:
    return ([args], [(0, len(args))], False, None) if args else ([], [], False, None)


def _parse_ignore(args, base, escape, path, segments) -> _Parsed:
    return [""], [(0, 0)], False, None


@cache  # compiled on first use (0.4-0.6 ms each): most files have no quotes, few use ` as escape
def _words_regex(escape: str) -> re.Pattern:
    e, space = re.escape(escape), re.escape(_GO_SPACE)
    # Nothing follows the repeated group, so a match never backtracks into it.
    return re.compile(
        rf"(?:[^{space}'\"{e}]+"
        rf"|{e}[\s\S]"  # escape + any character: both kept
        rf"|'[^']*(?:'|\Z)"  # single quotes: nothing is special inside
        rf'|"(?:[^"{e}]+|{e}[\s\S])*(?:"|(?P<quoted_end>{e})?\Z)'  # double quotes: escapes kept
        rf"|(?P<end>{e}\Z))+"  # an escape at the very end is dropped
    )


def _parse_words(rest: str, escape: str) -> list[tuple[str, int, int]]:
    """parseWords: split at blanks outside quotes; quotes and escapes are kept as written (an
    escape at the very end is dropped). Returns (word, start, end) with the raw extent."""
    if '"' not in rest and "'" not in rest and escape not in rest:
        simple = _split_spaces(rest)  # ASCII only, so Go's other blanks cannot occur
        if simple is not None:
            return [(word, start, end) for word, (start, end) in zip(*simple)]
        if not rest:
            return []
        return [(m.group(), m.start(), m.end()) for m in _go_words().finditer(rest)]
    words = [(m.group(), m.start(), m.end()) for m in _words_regex(escape).finditer(rest)]
    if words and words[-1][2] == len(rest) and rest[-1] == escape:
        match = _words_regex(escape).match(rest, words[-1][1])
        if match.group("end") or match.group("quoted_end"):  # type: ignore[union-attr]
            word, start, end = words.pop()
            if len(word) > 1:
                words.append((word[:-1], start, end))
    return words


def _utf8_replace(text: str) -> str:
    """Go decodes invalid UTF-8 to U+FFFD where it walks runes (parseWords)."""
    return text if text.isascii() else re.sub("[\udc80-\udcff]", "\ufffd", text)


def _parse_name_val(args: str, keyword: str, escape: str) -> _Parsed:
    """parseNameVal (ENV, LABEL): `key value` (legacy: one triple, separator "") when the first
    word has no `=`, else one `key value =` triple per `key=value` word, value kept raw."""
    simple = _split_spaces(args) if '"' not in args and "'" not in args and escape not in args else None
    if simple is not None:
        words, word_spans = simple
    else:
        triples = _parse_words(args, escape)
        words, word_spans = [w for w, _, _ in triples], [(s, e) for _, s, e in triples]
    if not words:
        return [], [], False, None
    if "=" not in words[0]:
        match = _WS_RE.search(args)
        if match is None:
            raise _ParseError(f"{keyword} must have two arguments")
        s, e = match.span()
        return [args[:s], args[e:], ""], [(0, s), (e, len(args)), (e, e)], False, None
    values, spans = [], []
    replace = not args.isascii()
    for word, (start, end) in zip(words, word_spans):
        if replace:
            word = _utf8_replace(word)
        key, eq, value = word.partition("=")
        if not eq:
            raise _ParseError(f"Syntax error - can't find = in {go_quote(word)}. Must be of the form: name=value")
        at = start + len(key)
        values += (key, value, "=")
        spans += ((start, at), (at + 1, end), (at, at + 1))
    return values, spans, False, None


def _parse_env(args, base, escape, path, segments) -> _Parsed:
    return _parse_name_val(args, "ENV", escape)


def _parse_label(args, base, escape, path, segments) -> _Parsed:
    return _parse_name_val(args, "LABEL", escape)


def _parse_name_or_name_val(args, base, escape, path, segments) -> _Parsed:
    if '"' not in args and "'" not in args and escape not in args:
        simple = _split_spaces(args)
        if simple is not None:
            return simple[0], simple[1], False, None
    words = _parse_words(args, escape)
    return [_utf8_replace(w) for w, _, _ in words], [(s, e) for _, s, e in words], False, None


def _parse_health(args, base, escape, path, segments) -> _Parsed:
    """parseHealthConfig: the first word as is (CMD, NONE, …), then the rest like CMD. Go finds
    the blanks byte by byte."""
    text = args if args.isascii() else _as_bytes(args)
    sep = 0
    while sep < len(text) and text[sep] not in _GO_SPACE_BYTES:
        sep += 1
    nxt = sep
    while nxt < len(text) and text[nxt] in _GO_SPACE_BYTES:
        nxt += 1
    if sep == 0:
        return [], [], False, None
    if text is not args:
        sep, nxt = len(_from_bytes(text[:sep])), len(_from_bytes(text[:nxt]))
    values, spans, is_json, _ = _parse_maybe_json(args[nxt:], base, escape, path, segments)
    return [args[:sep]] + values, [(0, sep)] + [(s + nxt, e + nxt) for s, e in spans], is_json, None


def _parse_sub_command(args, base, escape, path, segments) -> _Parsed:
    if not args:
        return [], [], False, None
    return [], [], False, _new_node(args, base, escape, path, segments)


_DISPATCH = {
    "add": _parse_maybe_json_to_list, "arg": _parse_name_or_name_val, "cmd": _parse_maybe_json,
    "copy": _parse_maybe_json_to_list, "entrypoint": _parse_maybe_json, "env": _parse_env,
    "expose": _parse_whitespace, "from": _parse_whitespace, "healthcheck": _parse_health, "label": _parse_label,
    "maintainer": _parse_string, "onbuild": _parse_sub_command, "run": _parse_maybe_json, "shell": _parse_maybe_json,
    "stopsignal": _parse_string, "user": _parse_string, "volume": _parse_maybe_json_to_list, "workdir": _parse_string,
}


def _can_contain_heredoc(node: Node) -> bool:
    if node.value == "onbuild" and node.sub is not None:
        node = node.sub
    return node.value in ("add", "copy", "run") and bool(node.args) and not node.json


def parse_heredoc(word: str) -> Heredoc | None:
    """ParseHeredoc: `<<EOF`, `<<-EOF`, `3<<EOF`, `<<'EOF'`, `<< EOF` as a Heredoc (no
    content); None when `word` is not one heredoc word. Quoting any part of the name turns
    expansion off."""
    match = _HEREDOC_RE.match(word)
    if not match or not match.group(3):
        return None
    rest = match.group(3)
    if not _has_any(rest, "'\"\\$"):  # nothing for the lexer to do: split at blanks
        words = _go_words().findall(rest)
        return Heredoc(words[0], True, match.group(2) == "-", int(match.group(1) or 0)) if len(words) == 1 else None
    try:
        words = _Lexer(rest, {}, skip_unset=True).run(True)[1]
        if len(words) != 1:
            return None
        raw = _Lexer(rest, {}, skip_unset=True, raw_quotes=True).run(True)[1]
    except ExpandError as exc:
        raise _ParseError(str(exc)) from None
    quotes = lambda w: w.count("'") + w.count('"')  # noqa: E731
    return Heredoc(words[0], quotes(words[0]) == quotes(raw[0]), match.group(2) == "-", int(match.group(1) or 0))


def _has_any(text: str, chars: str) -> bool:
    return any(ch in text for ch in chars)


def _heredoc_word(word: str) -> Heredoc | None:
    """parse_heredoc for the instruction layer, where a malformed one is just not a heredoc."""
    try:
        return parse_heredoc(word)
    except _ParseError:
        return None


def _heredocs_from_line(line: str) -> list[Heredoc]:
    """heredocsFromLine: the line's shell words (quotes and escapes kept) that are heredocs, in
    order; `<<` or `<<-` followed by a blank and the name counts too (dockerfile ≥ 1.16)."""
    if not _has_any(line, "'\"\\$"):
        words = _go_words().findall(line)
    else:
        try:
            words = _Lexer(line, {}, raw_quotes=True, raw_escapes=True, skip_unset=True).run(True)[1]
        except ExpandLimit:  # the heredoc words themselves are not nested: blanks still split them
            words = _go_words().findall(line)
        except ExpandError:
            return []
    docs = []
    k = 0
    while k < len(words):
        word = words[k]
        if _HEREDOC_OP_RE.match(word) and k + 1 < len(words) and "<" not in words[k + 1]:
            k += 1
            word += " " + words[k]
        heredoc = parse_heredoc(word)
        if heredoc is not None:
            docs.append(heredoc)
        k += 1
    return docs


# --- facts (what the instruction layer and the dispatcher make of the nodes) -------------

# instructions/parse.go argument-count errors.
_EXACTLY_ONE = ("maintainer", "workdir", "user", "stopsignal")
_AT_LEAST_ONE = ("env", "label", "onbuild", "healthcheck", "expose", "volume", "arg")
_NOT_ONBUILD = ("from", "onbuild", "maintainer")
_INHERIT_BUDGET = 1_000_000  # ENV entries copied into stages built FROM other stages, per file
_EXPAND_BUDGET = 1_000_000  # characters variables may add to expanded words, plus 8 per character of the file


def parse_dockerfile(repo: Repo, relpath: str, build_args: Mapping[str, str] | None = None) -> Dockerfile:
    """The Dockerfile at `relpath` as located facts: one DockerStage per FROM, its ENV/ARG,
    EXPOSE, COPY/ADD, WORKDIR, RUN, CMD and ENTRYPOINT, with ARGs and ENVs expanded where their
    values are known (`build_args` override ARG defaults). Never raises."""
    dockerfile = Dockerfile(relpath)
    try:
        text = repo.read_text(relpath)
    except ReadError as exc:
        dockerfile.problems.append(Problem("unreadable", str(exc), Location(relpath, 1, 1)))
        return dockerfile
    try:
        with gc_paused():  # see envlint.gcpause; the command analysis makes many small objects too
            result = _parse(text, relpath)
            dockerfile.problems.extend(result.problems)
            _Builder(dockerfile, result.escape, dict(build_args or {}), len(text)).run(result.nodes)
    except Exception as exc:  # noqa: BLE001 - a linter must report, not crash, on any input
        dockerfile.problems.append(
            Problem(SYNTAX, "envlint could not read this Dockerfile (internal error, please report): "
                    f"{type(exc).__name__}: {str(exc)[:200]}", Location(relpath, 1, 1)))
    return dockerfile


class _Builder:
    """Walks the nodes in order keeping what BuildKit's dispatcher keeps: the global (meta) ARGs,
    and per stage the variables in scope, the WORKDIR, and what each stage inherits from a
    stage it is built FROM (ENV, WORKDIR, CMD, ENTRYPOINT — the image config)."""

    def __init__(self, dockerfile: Dockerfile, escape: str, build_args: dict[str, str], size: int = 0):
        self.df, self.escape, self.build_args = dockerfile, escape, build_args
        self.budget = _Budget(_EXPAND_BUDGET + 8 * size)  # linear in the file: see ExpandLimit
        self.limits_noted: set[str] = set()
        self.path = dockerfile.path
        self.meta: dict[str, str] = {}  # global ARG values known
        self.meta_declared: set[str] = set()
        self.stage: DockerStage | None = None
        self.values: dict[str, str] = {}  # ARG/ENV values in scope in the current stage
        self.view = MappingProxyType(self.values)
        self.env_keys: set[str] = set()  # ENV beats ARG of the same name
        self.by_name: dict[str, tuple[DockerStage, dict[str, str], set[str]]] = {}
        self.cmd_inherited = False
        self.inherit_budget = _INHERIT_BUDGET
        self.budget_noted = False

    @staticmethod
    def at(node: Node, start: int, end: int) -> Location:
        """Location of [start, end) of the node's argument text."""
        return node.span(node.args_start + start, node.args_start + end)

    def problem(self, message: str, location: Location) -> None:
        self.df.problems.append(Problem(SYNTAX, message, location))

    def expand(self, node: Node, word: str, env: Mapping[str, str], span: tuple[int, int]) -> str:
        try:
            return expand(word, env, self.escape, keep_unset=True, budget=self.budget)
        except ExpandError as exc:
            self.expand_failed(word, exc, self.at(node, *span))
            return word

    def expand_failed(self, word: str, exc: ExpandError, location: Location) -> None:
        """BuildKit's "failed to process" error; a word nested too deeply for envlint (BuildKit
        expands it) is kept as written and only noted, as kind UNSUPPORTED."""
        shown = go_quote(word if len(word) <= 80 else word[:77] + "...")
        if isinstance(exc, ExpandLimit):
            if str(exc) not in self.limits_noted:  # once each: a spent budget stops every later expansion
                self.limits_noted.add(str(exc))
                self.df.problems.append(Problem(UNSUPPORTED, f"{shown}: {exc}; kept as written", location))
        else:
            self.problem(f"failed to process {shown}: {exc}", location)

    def run(self, nodes: list[Node]) -> None:
        for node in nodes:
            if self.check(node):
                if node.value == "arg" and self.stage is None:
                    self.do_meta_arg(node)
                elif node.value != "from" and self.stage is None:
                    self.problem("no build stage in current context", node.location)
                else:
                    handler = _HANDLERS.get(node.value)
                    if handler is not None:
                        handler(self, node)

    def check(self, node: Node) -> bool:
        """The instruction layer's argument checks (instructions/parse.go); False to skip."""
        name = node.value
        if name in _CHECKED_BY_ARGS and node.args:  # RUN, ENV, …: no check below can fail (0.5 -> 0.1 µs)
            return True
        keyword = node.keyword.upper()
        if name not in _DISPATCH:
            self.problem(f"unknown instruction: {_printable(node.keyword)}", node.location)
            return False
        if name in _EXACTLY_ONE and not node.args:
            self.problem(f"{keyword} requires exactly one argument", node.location)
            return False
        if name in _AT_LEAST_ONE and not node.args and node.sub is None:
            self.problem(f"{keyword} requires at least one argument", node.location)
            return False
        if name in ("add", "copy") and len(node.args) < 2:
            self.problem(f"{keyword} requires at least two arguments, but only one was provided. "
                         "Destination could not be determined", node.location)
            return False
        if name == "from" and (len(node.args) not in (1, 3) or (len(node.args) == 3 and node.args[1].lower() != "as")):
            self.problem("FROM requires either one or three arguments", node.location)
            return False
        if name == "onbuild" and node.sub is not None:
            inner = node.sub.value
            if inner == "onbuild":
                self.problem("Chaining ONBUILD via `ONBUILD ONBUILD` isn't allowed", node.location)
                return False
            if inner in _NOT_ONBUILD:
                self.problem(f"{node.sub.keyword.upper()} isn't allowed as an ONBUILD trigger", node.location)
                return False
            if inner not in _DISPATCH:
                self.problem(f"unknown instruction: {_printable(node.sub.keyword)}", node.location)
                return False
        if name == "shell" and (not node.args or not node.json):  # instructions/parse.go parseShell
            self.problem("SHELL requires at least one argument" if not node.args
                         else "SHELL requires the arguments to be in JSON form", node.location)
            return False
        if name in ("add", "copy") and node.heredocs and _heredoc_word(node.args[-1]) is not None:
            self.problem(f"{keyword} cannot accept a heredoc as a destination", node.location)
            return False
        return True

    # -- ARG / ENV -----------------------------------------------------------------------

    def _arg_vars(self, node: Node, env: Mapping[str, str], sequential: dict[str, str] | None) -> list[EnvVar]:
        out = []
        for word, (start, end) in zip(node.args, node.spans):
            key, eq, default = word.partition("=")
            key_location = self.at(node, start, start + len(key))
            value_location = self.at(node, start + len(key) + 1, end) if eq and end > start + len(key) + 1 else None
            if key in self.build_args:
                value, value_location = self.build_args[key], None
            elif eq:
                value = self.expand(node, default, env, (start + len(key) + 1, end))
            elif sequential is None and key in self.meta_declared:
                value = self.meta.get(key)  # `ARG X` in a stage takes the global value
                value_location = None
            else:
                value = None
            if sequential is not None and value is not None:
                sequential[key] = value
            out.append(EnvVar(key, "ARG", key_location, value, value_location))
        return out

    def do_meta_arg(self, node: Node) -> None:
        """ARG before the first FROM: in scope for FROM lines only (meta args expand in order)."""
        for var in self._arg_vars(node, self.meta, self.meta):
            self.meta_declared.add(var.key)
            self.df.args.append(var)

    def do_arg(self, node: Node) -> None:
        assert self.stage is not None
        variables = self._arg_vars(node, self.view, None)
        for var in variables:
            if var.value is not None and var.key not in self.env_keys:
                self.values[var.key] = var.value
        self.stage.env.extend(variables)

    def do_env(self, node: Node) -> None:
        """Every pair is expanded with the variables as they were before this ENV."""
        assert self.stage is not None
        variables = []
        for k in range(0, len(node.args) - 2, 3):
            key_span, value_span = node.spans[k], node.spans[k + 1]
            key = self.expand(node, node.args[k], self.view, key_span)
            value = self.expand(node, node.args[k + 1], self.view, value_span)
            value_location = self.at(node, *value_span) if value_span[1] > value_span[0] else None
            variables.append(EnvVar(key, "ENV", self.at(node, *key_span), value, value_location))
        for var in variables:
            self.values[var.key] = var.value  # type: ignore[assignment]
            self.env_keys.add(var.key)
        self.stage.env.extend(variables)

    # -- stages ----------------------------------------------------------------------------

    def do_from(self, node: Node) -> None:
        base = self.expand(node, node.args[0], self.meta, node.spans[0])
        name = node.args[2].lower() if len(node.args) == 3 else None
        stage = DockerStage(len(self.df.stages), name, base, node.location)
        self.values, self.env_keys, self.cmd_inherited = {}, set(), False
        self.view = MappingProxyType(self.values)
        parent = self.by_name.get(base.lower())
        if parent is not None:
            parent_stage, parent_values, parent_env_keys = parent
            stage.workdir, stage.shell = parent_stage.workdir, parent_stage.shell
            stage.cmd, stage.entrypoint = parent_stage.cmd, parent_stage.entrypoint
            self.cmd_inherited = stage.cmd is not None
            inherited = [v for v in parent_stage.env if v.kind == "ENV"]
            # Copying along a long FROM chain is quadratic; past the budget, inherit no more.
            self.inherit_budget -= len(inherited) + len(parent_env_keys)
            if self.inherit_budget > 0:
                stage.env = inherited
                self.values.update((k, parent_values[k]) for k in parent_env_keys if k in parent_values)
                self.env_keys = set(parent_env_keys)
            elif inherited and not self.budget_noted:
                self.budget_noted = True
                self.df.problems.append(Problem(
                    UNSUPPORTED, f"FROM chain too long: from here on, envlint does not copy the ENV of {base} "
                    "into the stages built from it", node.location))
        self.stage = stage
        self.df.stages.append(stage)
        if name:
            self.by_name[name] = (stage, self.values, self.env_keys)

    def do_workdir(self, node: Node) -> None:
        assert self.stage is not None
        path = self.expand(node, node.args[0], self.view, node.spans[0])
        self.stage.workdir = _joined_dir(self.stage.workdir, path)

    def do_expose(self, node: Node) -> None:
        assert self.stage is not None
        for word, span in zip(node.args, node.spans):
            location = self.at(node, *span)
            try:
                ports = expand_words(word, self.view, self.escape, keep_unset=True, budget=self.budget)
            except ExpandError as exc:
                self.expand_failed(word, exc, location)
                ports = [word]
            for port in ports:
                self.stage.exposes.append(Expose(port, _port_number(port), location))

    def do_copy(self, node: Node) -> None:
        assert self.stage is not None
        from_stage = None
        for flag, (start, end) in zip(node.flags, node.flag_spans):
            if flag.startswith("--from="):
                span = (start - node.args_start, end - node.args_start)
                from_stage = self.expand(node, flag[len("--from="):], self.view, span)
                if from_stage.lower() in self.by_name:
                    from_stage = from_stage.lower()
        heredoc_names = {h.name for h in node.heredocs}
        sources = []
        for word, span in zip(node.args[:-1], node.spans[:-1]):
            if heredoc_names and not node.json and (doc := _heredoc_word(word)) is not None and doc.name in heredoc_names:
                continue  # inline content, not a file from the context
            sources.append(self.expand(node, word, self.view, span))
        dest = self.expand(node, node.args[-1], self.view, node.spans[-1])
        self.stage.copies.append(Copy(tuple(sources), _absolute_dest(dest, self.stage.workdir), node.location, from_stage))

    do_add = do_copy

    # -- commands ----------------------------------------------------------------------------

    def do_run(self, node: Node) -> None:
        assert self.stage is not None
        self.stage.runs.append(self.command(node, "RUN"))

    def do_shell(self, node: Node) -> None:
        assert self.stage is not None
        self.stage.shell = tuple(node.args)

    def do_cmd(self, node: Node) -> None:
        assert self.stage is not None
        self.stage.cmd = self.command(node, "CMD")
        self.cmd_inherited = False

    def do_entrypoint(self, node: Node) -> None:
        assert self.stage is not None
        self.stage.entrypoint = self.command(node, "ENTRYPOINT")
        if self.cmd_inherited:  # Docker: ENTRYPOINT resets a CMD inherited from the base image
            self.stage.cmd, self.cmd_inherited = None, False

    def command(self, node: Node, source: str) -> Command:
        """RUN/CMD/ENTRYPOINT through envlint.extract.commands, or a copy of an earlier analysis
        of the same line (see _CommandCache)."""
        if node.heredocs:  # rare, and their bodies are not part of the key
            return self.analyze(node, source, self.view)
        segments = node._segments
        first_line = segments[0][1]
        key = (source, node.json, self.shell_is_posix(), self.escape,
               tuple([(piece, line - first_line, column) for piece, line, column in segments]))
        found = _COMMANDS.find(key, self.view, self.path, first_line)
        if found is not None:
            return found
        reads = _Reads(self.view)
        command = self.analyze(node, source, reads)
        if not reads.whole:
            _COMMANDS.add(key, len(node.original), reads.seen, self.path, first_line, command)
        return command

    def analyze(self, node: Node, source: str, env: Mapping[str, str]) -> Command:
        """The analysis itself. `env` is a read-only view of the variables in scope, valid during
        the call (a copy per RUN would make long files quadratic)."""
        if node.json:
            words = [Word(value, self.at(node, *span), True) for value, span in zip(node.args, node.spans)]
            return analyze_exec(source, words, node.location)
        text, shebang = self.heredoc_script(node, node.text) if node.heredocs else (node.text, None)
        posix = _interpreter(shebang)[0] in _POSIX_SHELLS if shebang is not None else self.shell_is_posix()
        if not posix:
            # PowerShell, cmd, Python…: envlint reads only sh, so it records nothing it might get wrong.
            return Command(source, text.span(0, len(text.text)) if text.text else node.location)
        return analyze_shell(source, text, env)

    def shell_is_posix(self) -> bool:
        """Whether the stage's SHELL (or the default one) is a POSIX shell, which envlint reads."""
        return _posix_shell(self.stage.shell if self.stage is not None else _DEFAULT_SHELL)

    def heredoc_script(self, node: Node, text: SourceText) -> tuple[SourceText, tuple[str, ...] | None]:
        """What BuildKit runs for a heredoc RUN (dockerfile2llb dispatchRun): the body alone when
        the command is just `<<EOF`, else the line, a newline, then each body and its name.
        Also the `#!` line's words when that lone body starts with one: BuildKit then runs the
        body as an executable file, so the shebang names the interpreter, not SHELL."""
        first = node.heredocs[0]
        if len(node.heredocs) == 1 and _heredoc_word(text.text) is not None:
            shebang = None
            if first.content.startswith("#!"):  # the raw content, before any `<<-` tab removal
                shebang = tuple(first.content[2:].partition("\n")[0].split()) or ("",)
            return first.text(self.path), shebang
        segments = _slice_segments(node._segments, node.args_start, node.args_end)
        line, column = text.locate(len(text.text)) if text.text else (node.start_line, 1)
        segments.append(("\n", line, column))
        for heredoc in node.heredocs:
            segments.extend(heredoc.segments())
            segments.append((heredoc.name, heredoc.end_line, 1))
        return SourceText(self.path, segments), None


class _Reads(Mapping):
    """The variables in scope, noting each one a command's analysis looks up (by `get`, the
    only way envlint.extract.commands reads them): the analysis holds for any scope where those
    have the same values. Iterating makes it depend on them all (`whole`)."""

    __slots__ = ("env", "seen", "whole")

    def __init__(self, env: Mapping[str, str]):
        self.env, self.seen, self.whole = env, {}, False

    def get(self, key, default=None):
        value = self.seen[key] = self.env.get(key)
        return default if value is None else value

    def __getitem__(self, key):
        value = self.get(key)
        if value is None:
            raise KeyError(key)
        return value

    def __iter__(self):
        self.whole = True
        return iter(self.env)

    def __len__(self) -> int:
        self.whole = True
        return len(self.env)


class _CommandCache:
    """Analyses of RUN/CMD/ENTRYPOINT lines, reused for the same line in another place or file.

    A command's analysis depends only on its source ("RUN", …), the line as written (its pieces
    and where each sits relative to the first: continuation lines), whether a POSIX shell runs
    it, and the values of the variables it looked up; its Locations all point into that line.
    So a line seen before — a monorepo's services repeat their Dockerfiles' lines — is a copy of
    the earlier Command with its Locations moved to the new file and line (about 4x cheaper
    than analysing it again). Emptied when the lines it holds pass 200,000 characters (a Command
    and its mover take a few hundred bytes per character of a line at worst)."""

    _MAX_SCOPES = 8  # analyses kept per line, one per distinct set of values it looked up

    def __init__(self):
        self.entries = _BoundedCache(200_000)  # key -> [(reads, path, line, command, mover)]

    def find(self, key: tuple, env: Mapping[str, str], path: str, line: int) -> Command | None:
        for reads, old_path, old_line, command, mover in self.entries.get(key) or ():
            if all(env.get(name) == value for name, value in reads):
                if (old_path, old_line) == (path, line) or mover is None:
                    return command
                return mover(path, line - old_line)
        return None

    def add(self, key: tuple, size: int, seen: dict[str, str | None], path: str, line: int,
            command: Command) -> None:
        try:
            entry = (tuple(seen.items()), path, line, command, _mover(command))
        except TypeError:  # a fact _mover does not know how to move: analysed afresh each time
            return
        scopes = self.entries.get(key)
        if scopes is None:
            self.entries.put(key, size, [entry])
        elif len(scopes) < self._MAX_SCOPES:
            scopes.append(entry)


_COMMANDS = _CommandCache()


def _mover(value):
    """A function (path, delta) -> a copy of the fact `value` (a record, or a tuple of them) with
    every Location moved to `path`, `delta` lines down; None when `value` holds no Location (it
    is then shared as it is); TypeError for a value of another kind. Made once per cached
    Command, so that each reuse only builds the new objects: 2x cheaper than walking the
    record's fields each time."""
    cls = value.__class__
    if cls is Location:
        line, column, end_line, end_column = value.line, value.column, value.end_line, value.end_column
        if end_line is None:
            return lambda path, delta: Location(path, line + delta, column, None, end_column)
        return lambda path, delta: Location(path, line + delta, column, end_line + delta, end_column)
    if cls is Word:  # the most numerous: every word of every command (its Location made here, not by a call)
        loc = value.location
        text, quoted, line, column, end_line, end_column = (value.text, value.quoted, loc.line, loc.column,
                                                            loc.end_line, loc.end_column)
        if end_line is None:
            return lambda path, delta: Word(text, Location(path, line + delta, column, None, end_column), quoted)
        return lambda path, delta: Word(text, Location(path, line + delta, column, end_line + delta, end_column),
                                        quoted)
    if cls is tuple:
        movers = [_mover(item) for item in value]
        if not any(movers):
            return None
        if all(movers):
            return lambda path, delta: tuple([move(path, delta) for move in movers])
        pairs = list(zip(movers, value))
        return lambda path, delta: tuple([m(path, delta) if m else item for m, item in pairs])
    if cls in _PLAIN_VALUES:
        return None
    fields = getattr(cls, "_fields", None)
    if fields is None or getattr(cls, "__match_args__", None) != fields:  # not a record made from its fields
        raise TypeError(f"cannot move the Locations of a {cls.__name__}")
    values = [getattr(value, name) for name in fields]
    movers = [_mover(item) for item in values]
    if not any(movers):
        return None
    pairs = list(zip(movers, values))
    return lambda path, delta: cls(*[m(path, delta) if m else item for m, item in pairs])


_PLAIN_VALUES = frozenset({str, int, bool, type(None)})


# The handler of each instruction, looked up once rather than by name per node.
_HANDLERS = {name[3:]: method for name, method in vars(_Builder).items() if name.startswith("do_")}
# Instructions whose checks in _Builder.check all pass once they have an argument.
_CHECKED_BY_ARGS = frozenset(_DISPATCH) - {"add", "copy", "from", "onbuild", "shell"}

_DEFAULT_SHELL = ("/bin/sh", "-c")  # dockerfile2llb defaultshell.go (Linux)
_POSIX_SHELLS = frozenset({"sh", "bash", "dash", "ash", "zsh", "ksh", "mksh"})


def _program(word: str) -> str:
    """`/usr/bin/bash` -> `bash`; `C:\\Windows\\cmd.exe` -> `cmd`."""
    name = word.replace("\\", "/").rsplit("/", 1)[-1].lower()
    return name[:-4] if name.endswith(".exe") else name


def _interpreter(argv: Sequence[str]) -> tuple[str, list[str]]:
    """The program `argv` runs and its arguments, looking through `env [-opts] [NAME=value]`
    and `busybox` (`/usr/bin/env bash` and `busybox sh` are bash and sh)."""
    words = list(argv)
    if words and _program(words[0]) == "env":
        words = words[1:]
        while words and (words[0].startswith("-") or "=" in words[0]):
            words = words[1:]
    if words and _program(words[0]) == "busybox":
        words = words[1:]
    return (_program(words[0]), words[1:]) if words else ("", [])


def posix_shell(argv: Sequence[str]) -> bool:
    """Whether a shell-form command run as `argv + [command]` (BuildKit's withShell) is read by
    a POSIX shell as its `-c` string: `/bin/sh -c`, `bash -o pipefail -c`, `busybox sh -c`,
    `/usr/bin/env bash -c`. False for `powershell -Command`, `cmd /S /C`, `python3`, and a shell
    whose options leave the command as `$0` (`bash -c 'script' …`) or as a script file name."""
    name, args = _interpreter(argv)
    if name not in _POSIX_SHELLS:
        return False
    command_string, option_value = False, False
    for word in args:
        if option_value:  # the name after `-o` / `-O`
            option_value = False
        elif word in ("-o", "+o", "-O", "+O"):
            option_value = True
        elif word[:1] in ("-", "+") and len(word) > 1:
            command_string = command_string or (word[:2] != "--" and word[0] == "-" and "c" in word[1:])
        else:
            return False  # an operand: it, not the command, would be the `-c` string
    return command_string


_posix_shell = lru_cache(maxsize=64)(posix_shell)  # one SHELL for all RUNs of a stage: 3 µs a RUN saved


def _printable(text: str) -> str:
    """`text` as written when it prints cleanly, else Go-quoted (`"R\\x00UN"`), so a NUL or an
    escape sequence in a keyword cannot garble a terminal."""
    return text if text.isprintable() else go_quote(text)


def _port_number(text: str) -> int | None:
    """The single TCP port of an EXPOSE word: `5000`, `5000/tcp`; None for ranges, other
    protocols, host mappings and unexpanded variables."""
    port, _, proto = text.partition("/")
    if proto and proto.lower() != "tcp":
        return None
    if port.isascii() and port.isdigit() and 0 < int(port) < 65536:
        return int(port)
    return None


@lru_cache(maxsize=1024)  # the same few WORKDIRs in every file: 2 µs -> 0.1 µs
def _joined_dir(workdir: str, path: str) -> str:
    """WORKDIR `path` after WORKDIR `workdir`."""
    joined = posixpath.normpath(posixpath.join(workdir, path))
    return "/" + joined.lstrip("/") if joined.startswith("//") else joined


@lru_cache(maxsize=1024)  # the same few COPY destinations in every file: 2.5 µs -> 0.1 µs
def _absolute_dest(dest: str, workdir: str) -> str:
    """COPY's destination in the image. Like BuildKit, a destination that is `.` or ends in `/`
    is a directory, and keeps its trailing `/` here so rules can tell."""
    is_dir = dest in ("", ".") or dest.endswith("/")
    joined = posixpath.normpath(posixpath.join(workdir, dest))
    if joined.startswith("//"):
        joined = "/" + joined.lstrip("/")
    return joined if not is_dir or joined.endswith("/") else joined + "/"


# --- helpers for rules --------------------------------------------------------------------

_VERSION = r"\d+(?:\.\d+){0,2}(?:(?:a|b|rc)\d+)?"
# Compiled on first use by re's cache (~0.5 ms at import otherwise); called once per FROM.
_TAG_VERSION = rf"({_VERSION})(?![\w.])"
_TAG_PYTHON = rf"(?:^|[-_.])python-?({_VERSION})(?![\w.])"
_UBI_NAME = r"python-?3(\d{1,2})\Z"  # Red Hat: ubi9/python-312


def python_version_of(image: str) -> str | None:
    """The Python version a base image reference implies: `python:3.12-slim` → "3.12",
    `docker.io/library/python:3.12.4-bookworm` → "3.12.4", `…/uv:python3.12-bookworm-slim` →
    "3.12", `ubi9/python-312` → "3.12"; None for `python`, `python:latest`, an unexpanded
    variable, or an image that names no Python version."""
    ref = image.strip().split("@", 1)[0]
    slash = ref.rfind("/")
    colon = ref.rfind(":")
    name, tag = (ref[:colon], ref[colon + 1:]) if colon > slash else (ref, "")
    last = name.rsplit("/", 1)[-1].lower()
    tag = tag.lower()
    if last in ("python", "pypy"):
        match = re.match(_TAG_VERSION, tag)
        if match:
            return match.group(1)
    ubi = re.search(_UBI_NAME, last)
    if ubi:
        return f"3.{ubi.group(1)}"
    match = re.search(_TAG_PYTHON, tag)
    return match.group(1) if match else None


def _is_remote(source: str) -> bool:
    return "://" in source or source.startswith("git@")


def image_path_source(stage: DockerStage, image_path: str, workdir: str) -> str | None:
    """The build-context path (context-relative) the file `image_path` (relative to `workdir`
    unless absolute) was copied from by the stage's COPY/ADD lines, the last one that covers it
    winning; None when no COPY put it there, or it came from another stage, a URL or a heredoc.

    Which sources are directories is not known without the context: `.` and `src/` are; a
    source with no dot in its name (`app`) may be, and is used only when no other COPY of the
    stage covers the path."""
    target = posixpath.normpath(posixpath.join(workdir or "/", image_path))
    weak: str | None = None
    for copy in reversed(stage.copies):
        is_dir = copy.dest.endswith("/") or len(copy.sources) > 1
        dest = posixpath.normpath(copy.dest) if copy.dest.strip("/") else "/"
        inside = target.startswith(dest.rstrip("/") + "/")
        if not copy.sources:  # heredoc content only
            if target == dest or (is_dir and inside):
                return None
            continue
        for source in reversed(copy.sources):
            external = copy.from_stage is not None or _is_remote(source)
            clean = posixpath.normpath(source.lstrip("/")) if source.strip("/") else "."
            base = posixpath.basename(clean)
            if any(c in source for c in "*?["):
                if is_dir and posixpath.dirname(target) == dest and fnmatch.fnmatchcase(posixpath.basename(target), base):
                    return None if external else posixpath.normpath(posixpath.join(posixpath.dirname(clean), posixpath.basename(target)))
                continue
            file_dest = posixpath.join(dest, base) if is_dir else dest
            if clean != "." and target == file_dest and not source.endswith("/"):
                return None if external else clean
            if inside:
                rest = target[len(dest.rstrip("/")) + 1:]
                found = None if external else posixpath.normpath(posixpath.join(clean, rest))
                if clean == "." or source.endswith("/") or external:
                    return found
                if "." not in base and weak is None:
                    weak = found
    return weak

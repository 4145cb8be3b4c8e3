"""Secret values never leave envlint whole: every message that quotes one goes through `mask`."""

from __future__ import annotations

import re

# Names that hold credentials (render-failures.md F12), but not counters like MAX_TOKENS.
_SECRET_NAME = re.compile(
    r"(SECRET|PASSWORD|PASSWD|PASSPHRASE|API_?KEY|ACCESS_?KEY|PRIVATE_?KEY|AUTH_?TOKEN|"
    r"(^|_)TOKEN$|CREDENTIALS?$|(^|_)DSN$|WEBHOOK_URL$)"
)
_NOT_SECRET = re.compile(r"(MAX|NUM|COUNT|LIMIT|TTL|EXPIRY|EXPIRES|LENGTH|LEN|SIZE)_?TOKENS?|_FILE$|_PATH$")
_PLACEHOLDER = re.compile(r"^(|changeme|change-me|change_me|xxx+|\*+|<[^>]*>|your[-_ ].*|\$\{?[A-Za-z_][A-Za-z0-9_]*\}?)$", re.I)


def looks_secret(name: str) -> bool:
    upper = name.upper()
    return bool(_SECRET_NAME.search(upper)) and not _NOT_SECRET.search(upper)


def is_placeholder(value: str) -> bool:
    """Empty, a variable reference or an obvious placeholder: not a leaked credential."""
    return bool(_PLACEHOLDER.match(value.strip()))


def mask(value: str) -> str:
    """At most a 3-character prefix, and only for values long enough that it gives nothing away."""
    prefix = value[:3] if len(value) >= 12 else ""
    return f"'{prefix}…' ({len(value)} characters)"


# `scheme://userinfo@`: greedy up to the authority's last `@`, as a password may hold one unescaped
_URL_USERINFO = re.compile(r"([A-Za-z][A-Za-z0-9+.-]*://)([^/\s'\"?#]+)@")


def mask_urls(text: str) -> str:
    """`https://user:password@host` as `https://user:***@host`; a user name alone (often a token,
    as in `https://ghp_…@github.com`) is masked too, except ssh's conventional `git`."""
    if "://" not in text:
        return text

    def hide(match: re.Match) -> str:
        user, colon, _ = match.group(2).partition(":")
        shown = f"{user}:***" if colon else ("git" if user == "git" else "***")
        return f"{match.group(1)}{shown}@"

    return _URL_USERINFO.sub(hide, text)

"""Login URLs as exports store them: their host, and a form safe to show in a report.

Exports store URLs loosely ("example.com", "https://x/y", "androidapp://...") and sometimes
with credentials (``https://user:password@host/``). Everything here parses with
:func:`urllib.parse.urlsplit`, never raises, and never shows what could be a password.

Where the credentials end is the subtle part. RFC 3986 ends the authority at the first ``/``,
``?`` or ``#``, so a password holding one of them (``https://user:pa/ss@host/``) puts its
tail, and the ``@`` before the real host, *after* the parsed authority. The parser cannot tell
that from an ``@`` a path or query holds legitimately (``/?login_hint=alice@example.org``),
so such a URL is shown only up to its first host name (never its port or anything after it)
and from its last ``@`` on: every character a password could occupy is masked either way.
"""

from __future__ import annotations

import ipaddress
import re
from urllib.parse import SplitResult, urlsplit, urlunsplit

MASK = "***"
_SCHEME = re.compile(r"[A-Za-z][A-Za-z0-9+.-]*://")


def _split(url: str) -> tuple[SplitResult, bool] | None:
    """``urlsplit`` of ``url`` (``//`` put in front when it has no scheme); ``None`` if invalid.

    The flag says whether ``//`` was added, so the caller can show the URL as it was written.
    """
    text = url.strip()
    added = "://" not in text
    try:
        return urlsplit("//" + text if added else text), added
    except ValueError:  # e.g. an unclosed "[" or characters that NFKC turns into "/" or "@"
        return None


def _stray_at(parts: SplitResult) -> bool:
    """An ``@`` after the authority: a password with ``/?#`` in it, or an ``@`` in the path."""
    return "@" in parts.path or "@" in parts.query or "@" in parts.fragment


def host_of(url: str) -> str | None:
    """The lower-case host of a URL, tolerating a missing scheme; ``None`` if there is none.

    When an ``@`` follows the authority and the authority itself holds one, what urlsplit calls
    the host is a piece of a password: the host is then read after the last ``@``.
    """
    split = _split(url)
    if split is None:
        return None
    parts, _ = split
    if _stray_at(parts) and "@" in parts.netloc:
        tail = urlunsplit(parts).rpartition("@")[2]
        try:
            parts = urlsplit("//" + tail)
        except ValueError:
            return None
    host = parts.hostname
    return host.rstrip(".").lower() if host else None


def display_url(url: str) -> str:
    """``url`` with anything that may be a user name or password replaced by ``***``.

    ``https://user:pw@host/x`` -> ``https://***@host/x``; ``https://user:pa/ss@host/`` ->
    ``https://user/***@host/`` (see the module docstring); a URL that does not parse is shown
    as its scheme and ``***``. A URL without ``@`` is returned as is (the same object: a large
    report holds one per URL).
    """
    if "@" not in url:
        return url
    split = _split(url)
    if split is None:
        scheme = _SCHEME.match(url.strip())
        return (scheme.group(0) if scheme else "") + MASK
    parts, added = split
    if _stray_at(parts):
        host = parts.hostname if "@" not in parts.netloc else None
        tail = urlunsplit(parts).rpartition("@")[2]
        shown = f"{host or MASK}/{MASK}@{tail}"
        return shown if added else f"{parts.scheme}://{shown}"
    netloc = f"{MASK}@{parts.netloc.rpartition('@')[2]}"
    shown = urlunsplit(parts._replace(netloc=netloc))
    return shown.removeprefix("//") if added else shown


def is_ip(host: str) -> bool:
    """Whether ``host`` is a literal IPv4 or IPv6 address."""
    try:
        ipaddress.ip_address(host.strip("[]"))
    except ValueError:
        return False
    return True


def insecure_login_url(url: str) -> bool:
    """``http://`` to anything but this machine: the password would travel in clear text."""
    if not url.strip().lower().startswith("http://"):
        return False
    host = host_of(url)
    if host is None:
        return True
    if host == "localhost" or host.endswith(".localhost"):
        return False
    try:
        return not ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return True


def credentials_hide_their_end(url: str) -> bool:
    """Whether ``url`` cannot be split into credentials and host without guessing.

    True when it does not parse, or an ``@`` follows the authority: a user name or password
    holding an unencoded ``/``, ``?``, ``#`` (or a character NFKC turns into one) would read
    like that, and so would an ``@`` in a path, which a range-API base URL never has.
    """
    split = _split(url)
    return split is None or ("@" in url and _stray_at(split[0]))

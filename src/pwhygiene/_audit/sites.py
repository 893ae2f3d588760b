"""What an item says about *where* it logs in: hosts, site names, e-mail accounts, user inputs.

Checks need the site behind an item (duplicate logins, the site name inside a password, the
blast radius of an e-mail account). Exports store URLs loosely ("example.com", "https://x/y",
"androidapp://..."), so parsing is forgiving and never raises.
"""

from __future__ import annotations

import ipaddress
import re
from functools import lru_cache
from urllib.parse import urlsplit

from pwhygiene._vault.model import VaultItem

# Second-level labels under which registrations happen (co.uk, com.au, ...). A heuristic, not
# the Public Suffix List: good enough to group "accounts.google.com" with "mail.google.com".
_SECOND_LEVEL = frozenset({"co", "com", "net", "org", "gov", "ac", "edu", "ne", "or", "go"})

# Mail providers whose account resets others: a password shared with one matters most.
_MAIL_DOMAINS = frozenset(
    {
        "gmail.com",
        "google.com",
        "outlook.com",
        "hotmail.com",
        "live.com",
        "office.com",
        "microsoft.com",
        "microsoftonline.com",
        "yahoo.com",
        "icloud.com",
        "me.com",
        "proton.me",
        "protonmail.com",
        "fastmail.com",
        "gmx.com",
        "gmx.net",
        "gmx.de",
        "web.de",
        "zoho.com",
        "aol.com",
        "yandex.com",
        "yandex.ru",
        "mail.ru",
        "tutanota.com",
        "tuta.com",
        "hey.com",
        "posteo.de",
        "mailbox.org",
    }
)
_MAIL_WORDS = re.compile(r"\b(e-?mail|gmail|outlook|hotmail|webmail|inbox)\b", re.IGNORECASE)
_TOKEN = re.compile(r"[^\W_]+", re.UNICODE)
MIN_TOKEN = 3
# Words of titles and hosts that name no site ("My Bank Account", "www").
_NOT_SITE = frozenset(
    {
        "www",
        "com",
        "net",
        "org",
        "login",
        "signin",
        "account",
        "accounts",
        "the",
        "and",
        "app",
        "web",
        "online",
        "portal",
        "my",
        "home",
        "admin",
        "http",
        "https",
    }
)


@lru_cache(maxsize=65536)
def host_of(url: str) -> str | None:
    """The lower-case host of a URL, tolerating a missing scheme; ``None`` if there is none."""
    text = url.strip()
    if not text:
        return None
    if "://" not in text:
        text = "//" + text
    try:
        host = urlsplit(text).hostname
    except ValueError:
        return None
    return host.rstrip(".").lower() if host else None


@lru_cache(maxsize=65536)
def registrable_domain(host: str) -> str:
    """``accounts.google.com`` -> ``google.com``; ``www.bbc.co.uk`` -> ``bbc.co.uk``."""
    if is_ip(host):
        return host
    labels = host.split(".")
    if len(labels) <= 2:
        return host
    keep = 3 if labels[-2] in _SECOND_LEVEL and len(labels[-1]) == 2 else 2
    return ".".join(labels[-keep:])


def is_ip(host: str) -> bool:
    """Whether ``host`` is a literal IPv4 or IPv6 address."""
    try:
        ipaddress.ip_address(host.strip("[]"))
    except ValueError:
        return False
    return True


def site_keys(item: VaultItem) -> frozenset[str]:
    """The registrable domains an item logs in to (empty when it has no parseable URL)."""
    keys = set()
    for url in item.urls:
        host = host_of(url)
        if host:
            keys.add(registrable_domain(host))
    return frozenset(keys)


def site_names(item: VaultItem) -> tuple[str, ...]:
    """Lower-case words naming the site: the domain's main label and the title's words.

    Not cached: titles are nearly unique per item, so a cache would hold one entry per item
    (12 MB at 100,000 items) for two calls each; the host and domain lookups it makes are.
    """
    names: list[str] = []
    keys = {registrable_domain(h) for h in map(host_of, item.urls) if h}
    for key in sorted(keys):
        label = key.split(".")[0]
        if len(label) >= MIN_TOKEN and not is_ip(key):
            names.append(label)
    names.extend(t for t in tokens(item.title) if t not in names and t not in _NOT_SITE)
    return tuple(names)


def display_url(url: str) -> str:
    """The URL with any ``user:password@`` credentials masked, safe to show in a report."""
    head, sep, rest = url.partition("://")
    if not sep:
        head, rest = "", url
    authority, slash, path = rest.partition("/")
    if "@" not in authority:
        return url  # the same string, not a copy: a large report holds one per URL
    authority = "***@" + authority.rsplit("@", 1)[1]
    return f"{head}{sep}{authority}{slash}{path}"


def clear_caches() -> None:
    """Forget the URL caches, so a vault's hosts do not outlive its audit."""
    host_of.cache_clear()
    registrable_domain.cache_clear()


def tokens(text: str | None) -> list[str]:
    """Lower-case alphanumeric words of at least three characters."""
    if not text:
        return []
    return [t for t in (m.group(0).lower() for m in _TOKEN.finditer(text)) if len(t) >= MIN_TOKEN]


def email_local_part(username: str | None) -> str | None:
    """The part before ``@`` of an e-mail username, lower-case, or ``None``."""
    if not username or "@" not in username:
        return None
    local = username.rsplit("@", 1)[0].strip().lower()
    return local or None


def user_inputs(item: VaultItem) -> tuple[str, ...]:
    """What an attacker knows about the item: username (or e-mail), title and URL hosts.

    zxcvbn's wrapper splits these into tokens (e-mail local part, words, digit runs) itself.
    """
    sources = [item.username, item.title, *(host_of(u) for u in item.urls)]
    return tuple(dict.fromkeys(s for s in sources if s))


def is_email_account(item: VaultItem) -> bool:
    """Whether the item is (very likely) a mailbox: a mail provider's URL or a mail-ish title."""
    for key in site_keys(item):
        if key in _MAIL_DOMAINS:
            return True
    for url in item.urls:
        host = host_of(url)
        if host and (host.startswith(("mail.", "webmail.", "imap.", "smtp."))):
            return True
    return bool(_MAIL_WORDS.search(item.title or ""))


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

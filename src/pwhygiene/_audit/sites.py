"""What an item says about *where* it logs in: hosts, site names, e-mail accounts, user inputs.

Checks need the site behind an item (duplicate logins, the site name inside a password, the
blast radius of an e-mail account). Exports store URLs loosely ("example.com", "https://x/y",
"androidapp://..."), so parsing (:mod:`~pwhygiene._audit.urls`) is forgiving and never raises.
The functions here are pure; :class:`Sites` remembers their answers for one audit run, and
only for that run.
"""

from __future__ import annotations

import functools
import re

from publicsuffixlist import PublicSuffixList

from pwhygiene._audit.urls import host_of, is_ip
from pwhygiene._strength.context import MIN_TOKEN_LENGTH, user_tokens
from pwhygiene._vault.model import VaultItem

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


def registrable_domain(host: str) -> str:
    """The site a host belongs to, by the Public Suffix List (ICANN and private sections).

    ``accounts.google.com`` -> ``google.com``, ``www.bbc.co.uk`` -> ``bbc.co.uk``, and
    ``alice.github.io`` stays ``alice.github.io``: ``github.io`` is a suffix under which
    strangers register, like ``co.uk``. An IP address, a public suffix used as a host
    (``github.io``, ``localhost``) and a single-label name (``intranet``) are their own site;
    ``app.localhost`` is a name of its own under the reserved ``localhost``.
    """
    if is_ip(host):
        return host
    return _public_suffix_list().privatesuffix(host) or host


@functools.cache
def _public_suffix_list() -> PublicSuffixList:
    """The list ``publicsuffixlist`` ships (offline), parsed once per process on first use.

    Immutable reference data shared by every run, not state about any vault.
    """
    return PublicSuffixList(only_icann=False)


def email_local_part(username: str | None) -> str | None:
    """The part before ``@`` of an e-mail username, lower-case, or ``None``."""
    if not username or "@" not in username:
        return None
    local = username.rsplit("@", 1)[0].strip().lower()
    return local or None


class Sites:
    """What one audit run knows about its items' sites, each URL and word list parsed once.

    The runner makes one per run and drops it when the checks are done, so two audits in one
    process (threads, or generators advanced in turn) never share, clear or keep each other's
    hosts, titles or usernames, and nothing of a vault outlives its audit in a module global.
    Not thread-safe: one run, one thread at a time.
    """

    __slots__ = ("_domains", "_hosts", "_tokens")

    def __init__(self) -> None:
        self._hosts: dict[str, str | None] = {}
        self._domains: dict[str, str] = {}
        self._tokens: dict[tuple[str, ...], tuple[str, ...]] = {}

    def host(self, url: str) -> str | None:
        """:func:`host_of`, once per distinct URL of the run."""
        try:
            return self._hosts[url]
        except KeyError:
            host = self._hosts[url] = host_of(url)
            return host

    def domain(self, host: str) -> str:
        """:func:`registrable_domain`, once per distinct host of the run."""
        try:
            return self._domains[host]
        except KeyError:
            domain = self._domains[host] = registrable_domain(host)
            return domain

    def tokens(self, words: tuple[str, ...]) -> tuple[str, ...]:
        """:func:`~pwhygiene._strength.context.user_tokens` of ``words``, once per run.

        Items of one export share usernames and hosts, so most word lists repeat.
        """
        try:
            return self._tokens[words]
        except KeyError:
            found = self._tokens[words] = user_tokens(words)
            return found

    def keys(self, item: VaultItem) -> frozenset[str]:
        """The registrable domains an item logs in to (empty when it has no parseable URL)."""
        return frozenset(self.domain(h) for h in map(self.host, item.urls) if h)

    def names(self, item: VaultItem) -> tuple[str, ...]:
        """Lower-case words naming the site: the domain's main label and the title's words.

        The title is read as the strength checker reads user inputs (one tokeniser, one
        minimum length); numbers alone and filler words ("login", "www") name no site.
        """
        names: list[str] = []
        for key in sorted(self.keys(item)):
            label = key.split(".")[0]
            if len(label) >= MIN_TOKEN_LENGTH and not is_ip(key):
                names.append(label)
        if item.title:
            names.extend(
                t
                for t in self.tokens((item.title,))
                if t not in names and t not in _NOT_SITE and not t.isdigit()
            )
        return tuple(names)

    def user_inputs(self, item: VaultItem) -> tuple[str, ...]:
        """What an attacker knows about the item: username (or e-mail), title and URL hosts.

        zxcvbn's wrapper splits these into tokens (e-mail local part, words, digit runs) itself.
        """
        sources = [item.username, item.title, *(self.host(u) for u in item.urls)]
        return tuple(dict.fromkeys(s for s in sources if s))

    def is_email_account(self, item: VaultItem) -> bool:
        """Whether the item is (very likely) a mailbox: a mail provider's URL or mail-ish title."""
        if any(key in _MAIL_DOMAINS for key in self.keys(item)):
            return True
        for url in item.urls:
            host = self.host(url)
            if host and (host.startswith(("mail.", "webmail.", "imap.", "smtp."))):
                return True
        return bool(_MAIL_WORDS.search(item.title or ""))

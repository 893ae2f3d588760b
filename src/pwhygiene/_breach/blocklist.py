"""The embedded blocklist: the most common passwords of three lists, compared whole, offline.

NIST SP 800-63B-4 asks verifiers to compare the *entire* password against a list of commonly
used, expected or compromised values. The list is zxcvbn's 30,000 common passwords, zxcvbn-ts's
49,233 and the 20,000 most common Pwned Passwords entries (Django's copy; the last two ship in
``common_passwords/`` with their provenance), 55,869 distinct entries, so it works with no network
and matches what the default strength model ranks as common. Entries and candidates are
compared after NFKC normalisation and case folding: ``PASSWORD`` is as common as ``password``.
Few entries are 15 or more characters long, so under the single-factor preset it is the breach
corpus (a :class:`~pwhygiene.BreachSource`) that does most of the work.

:class:`BlocklistSource` offers the same list through the breach-source protocol, for code that
only handles digests (an offline audit, a fallback when the range service is down).
"""

from __future__ import annotations

import gzip
import json
import threading
import unicodedata
from collections.abc import Iterable
from pathlib import Path

from pwhygiene._breach.digests import normalize_digest, password_digest
from pwhygiene._breach.source import HashMode
from pwhygiene.exceptions import InvalidInput

COMMON_PASSWORDS = Path(__file__).with_name("common_passwords")
_LOCK = threading.Lock()
_ENTRIES: frozenset[str] | None = None


def bundled_lists() -> dict[str, list[str]]:
    """The two shipped lists, as published, most frequent first: ``zxcvbn_ts``, ``pwned_top``."""
    with gzip.open(COMMON_PASSWORDS / "zxcvbn_ts_passwords.json.gz", "rt", encoding="utf-8") as f:
        zxcvbn_ts: list[str] = json.load(f)
    with gzip.open(COMMON_PASSWORDS / "pwned_top_20k.txt.gz", "rt", encoding="utf-8") as f:
        pwned_top = f.read().splitlines()
    return {"zxcvbn_ts": zxcvbn_ts, "pwned_top": pwned_top}


def fold(password: str) -> str:
    """The form blocklist comparisons use: NFKC, then case-folded."""
    return unicodedata.normalize("NFKC", password).casefold()


def entries() -> frozenset[str]:
    """Every blocklisted password, folded; loaded once, on first use."""
    global _ENTRIES  # noqa: PLW0603 -- a lazily built, never mutated singleton
    if _ENTRIES is None:
        with _LOCK:
            if _ENTRIES is None:
                from zxcvbn.frequency_lists import FREQUENCY_LISTS  # noqa: PLC0415 -- 800 kB

                lists = [FREQUENCY_LISTS["passwords"], *bundled_lists().values()]
                _ENTRIES = frozenset(fold(word) for words in lists for word in words)
    return _ENTRIES


def is_common(password: str) -> bool:
    """Whether the whole password, folded, is on the blocklist.

    Anything longer than every entry is answered without normalising it, so a 1 MiB input
    costs nothing.
    """
    if len(password) > _LONGEST_ENTRY * 4:  # NFKC shrinks text at most four-fold
        return False
    return fold(password) in entries()


_LONGEST_ENTRY = 40
"""An upper bound on the entries' length (the longest is 33 characters; a test checks)."""


class BlocklistSource:
    """The blocklist as a :class:`~pwhygiene.BreachSource`: count 1 when listed, else 0.

    A breach source sees digests, not passwords, so case folding is approximated by indexing
    each entry as written, capitalised and upper-cased (``password``, ``Password``,
    ``PASSWORD``). The count is 1 for a listed password: the list knows membership, not
    frequency. Digests are computed on first use (about 0.1 s for SHA-1, several seconds for
    the pure-Python NTLM).
    """

    def __init__(self, mode: HashMode = "sha1") -> None:
        if mode not in ("sha1", "ntlm"):
            raise InvalidInput(f"mode must be 'sha1' or 'ntlm', got {mode!r}")
        self._mode: HashMode = mode
        self._lock = threading.Lock()
        self._digests: frozenset[str] | None = None

    def __repr__(self) -> str:
        return f"BlocklistSource(mode={self._mode!r})"

    @property
    def mode(self) -> HashMode:
        """The digest this source takes."""
        return self._mode

    def _index(self) -> frozenset[str]:
        if self._digests is None:
            with self._lock:
                if self._digests is None:
                    variants = {
                        variant
                        for word in entries()
                        for variant in (word, word.capitalize(), word.upper())
                    }
                    self._digests = frozenset(password_digest(v, self._mode) for v in variants)
        return self._digests

    def count(self, digest: str) -> int:
        """1 when ``digest`` is a blocklisted password's, else 0."""
        return int(normalize_digest(digest, self._mode) in self._index())

    def count_many(self, digests: Iterable[str]) -> dict[str, int]:
        """Counts for many digests, keyed by the upper-cased digest."""
        return {normalize_digest(d, self._mode): self.count(d) for d in digests}

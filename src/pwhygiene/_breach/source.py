"""The protocol every breach source shares, so callers can swap network for disk.

A breach source answers with counts for *digests*; it never sees a plaintext password.
``count`` returns 0 only when the source knows the digest is absent. When it cannot know
(network down, bad response) it raises a :class:`~pwhygiene.exceptions.BreachLookupError` instead.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Literal, Protocol, runtime_checkable

HashMode = Literal["sha1", "ntlm"]


@runtime_checkable
class BreachSource(Protocol):
    """Anything that counts how often a password digest appears in breaches."""

    @property
    def mode(self) -> HashMode:
        """Which digest the source takes: 40-hex SHA-1 or 32-hex NTLM."""
        ...

    def count(self, digest: str) -> int:
        """How many times ``digest`` (hex, any case) appears; 0 when known absent."""
        ...

    def count_many(self, digests: Iterable[str]) -> dict[str, int]:
        """Counts for many digests; keys are the digests as given, upper-cased."""
        ...


@runtime_checkable
class RangeProvider(Protocol):
    """What a range-API server needs: every (suffix, count) whose digest starts with a prefix.

    Implemented by the offline index (so ``pwhygiene serve`` can mirror the API) and by the
    in-memory corpora of :mod:`pwhygiene.testing`.
    """

    @property
    def mode(self) -> HashMode:
        """Which digests the provider holds."""
        ...

    def range(self, prefix: str) -> list[tuple[str, int]]:
        """``(SUFFIX, count)`` pairs, suffix upper-case hex, sorted; ``prefix`` is 5 hex chars."""
        ...

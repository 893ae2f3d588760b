"""Breach status for an audit: one lookup per distinct password, never "clean" by default.

The outcome maps passwords to answers in memory only (it is never rendered, logged or stored:
the mapping is excluded from ``repr``). When the source fails, what was answered is kept, the
rest falls back to the embedded blocklist of common passwords: a listed password is
``blocklisted`` (to be treated as breached, count unknown), anything else is ``unknown``.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Literal, Protocol, TypeAlias, runtime_checkable

from pwhygiene._audit.report import BreachInfo
from pwhygiene._audit.urls import display_url
from pwhygiene._breach import blocklist as _blocklist
from pwhygiene._breach.digests import password_digest
from pwhygiene._breach.index.offline import OfflineIndex
from pwhygiene._breach.range.client import RangeClient
from pwhygiene._breach.source import BreachSource
from pwhygiene._strength.checker import BreachStatus
from pwhygiene.exceptions import BreachLookupError

BLOCKLIST_LABEL = "embedded blocklist of common passwords (offline; not the full breach corpus)"


@runtime_checkable
class _Streaming(Protocol):
    """A source that streams per-digest answers (``RangeClient.iter_counts``)."""

    def iter_counts(self, digests: Iterable[str]) -> Iterator[_Answer]: ...


class _Answer(Protocol):
    @property
    def digest(self) -> str: ...
    @property
    def count(self) -> int | None: ...
    @property
    def error(self) -> BreachLookupError | None: ...


Answer: TypeAlias = tuple[BreachStatus, int | None, str]
"""``(status, count, label)``: the count is an ``int`` exactly when the status is ``breached``
or ``clean``; the label names the source that answered."""


@dataclass(frozen=True, slots=True)
class BreachOutcome:
    """Per-password answers; absent passwords are ``unknown``."""

    info: BreachInfo
    answers: dict[str, Answer] = field(default_factory=dict, repr=False)
    warnings: tuple[str, ...] = ()

    def status(self, password: str | None) -> BreachStatus:
        """``breached``, ``clean``, ``blocklisted``, ``unknown`` or ``not_checked``."""
        if not password:
            return "not_checked"
        answer = self.answers.get(password)
        return "unknown" if answer is None else answer[0]

    def count(self, password: str | None) -> int | None:
        """The source's count for ``breached`` and ``clean``; ``None`` for every other status."""
        answer = self.answers.get(password) if password else None
        return None if answer is None else answer[1]

    def label_for(self, password: str | None) -> str:
        """Which source answered for this password."""
        answer = self.answers.get(password) if password else None
        return "" if answer is None else answer[2]


SourceKind = Literal["range", "offline", "custom"]


def source_label(source: BreachSource) -> tuple[SourceKind, str]:
    """(kind, human label) for a breach source, for the report header."""
    if isinstance(source, RangeClient):
        # base_url is masked by the client; masked again here by parsing, never by splitting
        return "range", f"Pwned Passwords range API ({display_url(source.base_url)})"
    if isinstance(source, OfflineIndex):
        return "offline", "offline breach index"
    return "custom", f"breach source {type(source).__name__}"


def lookup(
    passwords: Sequence[str],
    source: BreachSource | None,
    progress: Callable[[str, int, int], None] | None = None,
) -> BreachOutcome:
    """Look every distinct password up once; fall back to the blocklist for what failed."""
    if source is None:
        listed = _from_blocklist(passwords)
        warning = (
            "breach status comes from the embedded blocklist of common passwords only; "
            "use --range-url or --offline INDEX for the full Pwned Passwords corpus"
        )
        return BreachOutcome(
            BreachInfo(
                "blocklist",
                BLOCKLIST_LABEL,
                checked=len(passwords),
                unknown=len(passwords) - len(listed),
            ),
            listed,
            warnings=(warning,),
        )
    kind, label = source_label(source)
    digest_of = {pw: password_digest(pw, source.mode) for pw in passwords}
    counts: dict[str, int] = {}
    warnings: list[str] = []
    errors: list[BreachLookupError] = []
    try:
        if isinstance(source, _Streaming):
            for answer in source.iter_counts(list(digest_of.values())):
                if answer.count is not None:
                    counts[answer.digest.upper()] = answer.count
                elif answer.error is not None:
                    errors.append(answer.error)
                if progress:
                    progress("breach", len(counts) + len(errors), len(digest_of))
        else:
            counts = {k.upper(): v for k, v in source.count_many(digest_of.values()).items()}
            if progress:
                progress("breach", len(counts), len(digest_of))
    except BreachLookupError as exc:
        errors.append(exc)
    if errors:
        failed = len(digest_of) - sum(1 for d in digest_of.values() if d in counts)
        first = errors[0]
        warnings.append(
            f"breach lookups failed for {failed} of {len(digest_of)} distinct passwords "
            f"({type(first).__name__}: {first}); their status is unknown, except those found "
            "in the embedded blocklist, which are reported breached"
        )
    answers: dict[str, Answer] = {
        pw: ("breached" if counts[d] else "clean", counts[d], label)
        for pw, d in digest_of.items()
        if d in counts
    }
    missing = [pw for pw in passwords if pw not in answers]
    answers.update(_from_blocklist(missing))
    unknown = len(passwords) - len(answers)
    return BreachOutcome(
        BreachInfo(kind, label, checked=len(passwords), unknown=unknown),
        answers,
        warnings=tuple(warnings),
    )


def _from_blocklist(passwords: Sequence[str]) -> dict[str, Answer]:
    """Blocklisted passwords only (count unknown): absence from a short list proves nothing."""
    return {
        pw: ("blocklisted", None, BLOCKLIST_LABEL) for pw in passwords if _blocklist.is_common(pw)
    }

"""The one report model every renderer reads: findings, per-item results, summary and score.

Nothing here holds a password or a digest of one. Reused passwords are identified by an opaque
group number assigned in vault order, so two reports of the same vault agree on the numbers
while the numbers say nothing about the passwords.

The score (0-100, higher is healthier) weights each item by its *blast radius*::

    risk(item)   = 1 - prod(1 - weight[severity(f)] for f in item's active findings)
    radius(item) = 3 if the item is an e-mail account (it can reset every other one) else 1
    score        = round(100 * (1 - sum(radius * risk) / sum(radius)))

with ``weight = {critical: 0.9, high: 0.6, medium: 0.3, low: 0.1, info: 0}``. An empty audit
scores 100. The formula is documented in docs/audit.md and versioned with the JSON schema.
"""

from __future__ import annotations

import enum
import json
import math
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from types import MappingProxyType
from typing import TYPE_CHECKING, ClassVar, Literal, TypeAlias, get_args

if TYPE_CHECKING:  # one breach-status type for checks and audits; a name only, at run time
    from pwhygiene._strength.checker import BreachStatus

SCHEMA_VERSION = "1.1"

CheckName: TypeAlias = Literal[
    "weak",
    "breached",
    "reused",
    "similar",
    "history_reuse",
    "insecure_url",
    "old",
    "personal_info",
    "empty",
    "duplicate",
]
CHECKS: tuple[CheckName, ...] = get_args(CheckName)

JSONValue: TypeAlias = (
    "str | int | float | bool | Sequence[JSONValue] | Mapping[str, JSONValue] | None"
)


class Severity(str, enum.Enum):
    """How urgent a finding is; ordered, so ``Severity.HIGH >= Severity.MEDIUM``."""

    INFO = "info"
    LOW = "low"
    MEDIUM = "medium"
    HIGH = "high"
    CRITICAL = "critical"

    @property
    def rank(self) -> int:
        """0 (info) to 4 (critical)."""
        return _RANKS[self]

    @property
    def weight(self) -> float:
        """The probability-like weight the score gives one finding of this severity."""
        return _WEIGHTS[self]

    def __ge__(self, other: object) -> bool:
        if not isinstance(other, Severity):
            return NotImplemented
        return self.rank >= other.rank

    def __gt__(self, other: object) -> bool:
        if not isinstance(other, Severity):
            return NotImplemented
        return self.rank > other.rank

    def __le__(self, other: object) -> bool:
        if not isinstance(other, Severity):
            return NotImplemented
        return self.rank <= other.rank

    def __lt__(self, other: object) -> bool:
        if not isinstance(other, Severity):
            return NotImplemented
        return self.rank < other.rank


_RANKS = {s: i for i, s in enumerate(Severity)}
_WEIGHTS = {
    Severity.INFO: 0.0,
    Severity.LOW: 0.1,
    Severity.MEDIUM: 0.3,
    Severity.HIGH: 0.6,
    Severity.CRITICAL: 0.9,
}
EMAIL_RADIUS = 3

# The usual severity of each check (some raise or lower it per finding: reuse with an e-mail
# account is critical, a zxcvbn score of 0-1 is high); used for legends and SARIF rules.
DEFAULT_SEVERITY: dict[CheckName, Severity] = {
    "breached": Severity.CRITICAL,
    "weak": Severity.HIGH,
    "reused": Severity.HIGH,
    "similar": Severity.MEDIUM,
    "history_reuse": Severity.MEDIUM,
    "personal_info": Severity.MEDIUM,
    "insecure_url": Severity.MEDIUM,
    "empty": Severity.MEDIUM,
    "old": Severity.LOW,
    "duplicate": Severity.LOW,
}


class FrozenDetails(Mapping[str, JSONValue]):
    """A finding's read-only details, stored compactly: findings are many.

    A 100,000-item audit holds a few hundred thousand of these. A dict plus a read-only proxy
    costs ~280 bytes for five keys; this is one small object and a values tuple, and the key
    tuple is shared by every finding with the same keys (one per check, in practice).
    """

    __slots__ = ("_keys", "_values")

    _shared_keys: ClassVar[dict[tuple[str, ...], tuple[str, ...]]] = {}

    def __init__(self, details: Mapping[str, JSONValue]) -> None:
        keys = tuple(details)
        self._keys = self._shared_keys.setdefault(keys, keys)
        self._values = tuple(details.values())

    def __getitem__(self, key: str) -> JSONValue:
        for k, v in zip(self._keys, self._values, strict=True):
            if k == key:
                return v
        raise KeyError(key)

    def __iter__(self) -> Iterator[str]:
        return iter(self._keys)

    def __len__(self) -> int:
        return len(self._keys)

    def __repr__(self) -> str:
        return repr(dict(zip(self._keys, self._values, strict=True)))


_NO_DETAILS = FrozenDetails({})


def _freeze(details: Mapping[str, JSONValue] | None) -> Mapping[str, JSONValue]:
    """A read-only, compact copy of ``details`` (see :class:`FrozenDetails`)."""
    if isinstance(details, FrozenDetails):
        return details
    if not details:
        return _NO_DETAILS
    return FrozenDetails(details)


@dataclass(frozen=True, slots=True)
class Finding:
    """One problem with one item. ``details`` holds ids, counts and labels, never a secret."""

    item_id: str
    check: CheckName
    severity: Severity
    message: str
    details: Mapping[str, JSONValue] = field(default_factory=dict, hash=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "details", _freeze(self.details))

    def to_dict(self) -> dict[str, JSONValue]:
        """The JSON form (without ``item_id``, which the enclosing item carries).

        ``details`` stays a read-only mapping; :meth:`AuditReport.to_json` encodes it.
        """
        return {
            "check": self.check,
            "severity": self.severity.value,
            "message": self.message,
            "details": self.details,
        }


@dataclass(frozen=True, slots=True)
class Suppressed:
    """A finding silenced by the ignore file, kept so reports can show what was waived."""

    finding: Finding
    reason: str
    expires: str | None = None


@dataclass(frozen=True, slots=True)
class StrengthSummary:
    """The non-secret part of a strength estimate."""

    score: int
    guesses_log10: float


@dataclass(frozen=True, slots=True)
class ItemResult:
    """Everything the audit says about one item; clean items have no findings."""

    id: str
    title: str
    username: str | None
    urls: tuple[str, ...]
    fingerprint: str
    strength: StrengthSummary | None
    breach_status: BreachStatus
    breach_count: int | None
    password_age_days: int | None
    reuse_group: int | None
    email_account: bool
    findings: tuple[Finding, ...] = ()

    @property
    def risk(self) -> float:
        """1 - prod(1 - weight) over this item's findings (see the module docstring)."""
        return 1.0 - math.prod(1.0 - f.severity.weight for f in self.findings)

    @property
    def radius(self) -> int:
        """The blast-radius weight: e-mail accounts count three times."""
        return EMAIL_RADIUS if self.email_account else 1

    def to_dict(self) -> dict[str, JSONValue]:
        """The JSON form of the item (schema in docs/report-schema.md)."""
        return {
            "id": self.id,
            "title": self.title,
            "username": self.username,
            "urls": list(self.urls),
            "fingerprint": self.fingerprint,
            "strength": None
            if self.strength is None
            else {
                "score": self.strength.score,
                "guesses_log10": round(self.strength.guesses_log10, 3),
            },
            "breach_status": self.breach_status,
            "breach_count": self.breach_count,
            "password_age_days": self.password_age_days,
            "reuse_group": self.reuse_group,
            "email_account": self.email_account,
            "findings": [f.to_dict() for f in self.findings],
        }


@dataclass(frozen=True, slots=True)
class ReuseGroup:
    """Items sharing one exact password; ``group`` is an opaque number, not derived from it."""

    group: int
    item_ids: tuple[str, ...]
    includes_email_account: bool


@dataclass(frozen=True, slots=True)
class BreachInfo:
    """Which breach source answered, and how completely."""

    source: Literal["range", "offline", "blocklist", "custom", "none"]
    label: str
    checked: int = 0
    unknown: int = 0


@dataclass(frozen=True, slots=True)
class Summary:
    """Counts per check and severity, plus the 0-100 score."""

    items_total: int
    items_audited: int
    items_excluded: int
    items_with_findings: int
    by_check: Mapping[CheckName, int]
    by_severity: Mapping[Severity, int]
    suppressed: int
    breach_unknown: int
    score: int

    def to_dict(self) -> dict[str, JSONValue]:
        """The JSON form of the summary."""
        return {
            "items_total": self.items_total,
            "items_audited": self.items_audited,
            "items_excluded": self.items_excluded,
            "items_with_findings": self.items_with_findings,
            "by_check": {c: self.by_check.get(c, 0) for c in CHECKS},
            "by_severity": {s.value: self.by_severity.get(s, 0) for s in Severity},
            "suppressed": self.suppressed,
            "breach_unknown": self.breach_unknown,
            "score": self.score,
        }


def summarize(
    items: Sequence[ItemResult],
    *,
    items_total: int,
    items_excluded: int,
    suppressed: int,
) -> Summary:
    """Count findings and compute the score from per-item results."""
    by_check: dict[CheckName, int] = dict.fromkeys(CHECKS, 0)
    by_severity: dict[Severity, int] = dict.fromkeys(Severity, 0)
    for item in items:
        for f in item.findings:
            by_check[f.check] += 1
            by_severity[f.severity] += 1
    total_radius = sum(i.radius for i in items)
    risk = sum(i.radius * i.risk for i in items)
    score = 100 if total_radius == 0 else round(100 * (1 - risk / total_radius))
    return Summary(
        items_total=items_total,
        items_audited=len(items),
        items_excluded=items_excluded,
        items_with_findings=sum(1 for i in items if i.findings),
        by_check=MappingProxyType(by_check),
        by_severity=MappingProxyType(by_severity),
        suppressed=suppressed,
        breach_unknown=sum(1 for i in items if i.breach_status == "unknown"),
        score=score,
    )


@dataclass(frozen=True, slots=True)
class AuditReport:
    """The outcome of :func:`pwhygiene.audit`; render it or call :meth:`to_json`."""

    items: tuple[ItemResult, ...]
    reuse_groups: tuple[ReuseGroup, ...]
    summary: Summary
    breach: BreachInfo
    as_of: datetime
    max_age_days: int
    source_format: str
    source_path: str | None = None
    warnings: tuple[str, ...] = ()
    suppressed: tuple[Suppressed, ...] = ()

    @property
    def findings(self) -> tuple[Finding, ...]:
        """Every active finding, most severe first, then in vault order."""
        flat = [f for item in self.items for f in item.findings]
        return tuple(sorted(flat, key=lambda f: -f.severity.rank))

    def item(self, item_id: str) -> ItemResult:
        """The result for one item id (``KeyError`` if it was not audited)."""
        for it in self.items:
            if it.id == item_id:
                return it
        raise KeyError(item_id)

    def to_dict(self, *, items: bool = True) -> dict[str, JSONValue]:
        """The versioned JSON object (see docs/report-schema.md).

        ``items=False`` leaves the item list empty (for :meth:`iter_json`, which streams it).
        """
        return {
            "schema_version": SCHEMA_VERSION,
            "tool": "pwhygiene",
            "as_of": self.as_of.isoformat(),
            "max_age_days": self.max_age_days,
            "source": {"format": self.source_format, "path": self.source_path},
            "breach": {
                "source": self.breach.source,
                "label": self.breach.label,
                "checked": self.breach.checked,
                "unknown": self.breach.unknown,
            },
            "summary": self.summary.to_dict(),
            "warnings": list(self.warnings),
            "items": [i.to_dict() for i in self.items] if items else [],
            "reuse_groups": [
                {
                    "group": g.group,
                    "item_ids": list(g.item_ids),
                    "size": len(g.item_ids),
                    "includes_email_account": g.includes_email_account,
                }
                for g in self.reuse_groups
            ],
            "suppressed": [
                {
                    "item_id": s.finding.item_id,
                    "check": s.finding.check,
                    "severity": s.finding.severity.value,
                    "reason": s.reason,
                    "expires": s.expires,
                }
                for s in self.suppressed
            ],
        }

    def to_json(self, *, indent: int | None = None) -> str:
        """The report as JSON text, schema version :data:`SCHEMA_VERSION`.

        Compact by default: the C encoder only handles ``indent=None``, and a 10,000-item
        report is ten times faster to write that way (pipe it through ``jq`` to read it).
        """
        if indent is None:
            return "".join(self.iter_json())
        return (
            json.dumps(self.to_dict(), indent=indent, ensure_ascii=False, default=_jsonable) + "\n"
        )

    def iter_json(self) -> Iterator[str]:
        """The compact JSON text in pieces, one item at a time.

        A large report is then written without holding its whole text (or object tree).
        """
        shell = _dumps(self.to_dict(items=False))
        # Inside JSON strings quotes are escaped, so this marker can only be the key itself.
        head, tail = shell.split('"items":[]', 1)
        yield head + '"items":['
        for n, item in enumerate(self.items):
            yield ("," if n else "") + _dumps(item.to_dict())
        yield "]" + tail + "\n"


def _dumps(value: JSONValue) -> str:
    return json.dumps(value, separators=(",", ":"), ensure_ascii=False, default=_jsonable)


def _jsonable(value: object) -> object:
    """What ``json`` cannot encode itself: the read-only mappings of finding details."""
    if isinstance(value, Mapping):
        return dict(value)
    raise TypeError(f"{type(value).__name__} is not JSON serialisable")

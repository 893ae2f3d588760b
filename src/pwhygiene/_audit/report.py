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
import math
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from types import MappingProxyType
from typing import TYPE_CHECKING, ClassVar, Literal, TypeAlias, get_args

if TYPE_CHECKING:  # one breach-status type for checks and audits; a name only, at run time
    from pwhygiene._strength.checker import BreachStatus

SCHEMA_VERSION = "1.2"

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
    "two_factor_available",
    "passkey_available",
    "site_breached",
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
    # The directory checks: one step lower when the hit is weak (SMS-only 2FA, an MFA-only
    # passkey, a breach that exposed no passwords); see :func:`directory_severity`.
    "two_factor_available": Severity.MEDIUM,
    "passkey_available": Severity.LOW,
    "site_breached": Severity.HIGH,
}


def directory_severity(check: CheckName, strong: bool) -> Severity:
    """A directory check's severity: its default, or one step lower for a weak hit."""
    severity = DEFAULT_SEVERITY[check]
    return severity if strong else list(Severity)[max(severity.rank - 1, 0)]


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


ActionKind = Literal[
    "change_password",
    "replace_reused_password",
    "enable_two_factor",
    "add_passkey",
    "fix_url",
    "tidy_up",
]


@dataclass(frozen=True, slots=True)
class Action:
    """One thing to do, the items it concerns, the checks behind it, and why it ranks there.

    Made by :func:`pwhygiene._audit.plan.plan`; it lives here so renderers can read it.
    """

    rank: int
    kind: ActionKind
    item_ids: tuple[str, ...]
    checks: tuple[str, ...]
    severity: Severity
    title: str
    why: str

    def to_dict(self) -> dict[str, JSONValue]:
        """The JSON form (``actions`` in the report schema)."""
        return {
            "rank": self.rank,
            "kind": self.kind,
            "item_ids": list(self.item_ids),
            "checks": list(self.checks),
            "severity": self.severity.value,
            "title": self.title,
            "why": self.why,
        }


@dataclass(frozen=True, slots=True)
class DataSetInfo:
    """A data set the audit used: what it is, how old, and whom to credit (CC BY needs it)."""

    name: str
    title: str
    source: str
    fetched: str  # ISO 8601, UTC
    entries: int
    licence: str
    attribution: str


@dataclass(frozen=True, slots=True)
class AuditReport:
    """The outcome of :func:`pwhygiene.audit`; ``pwhygiene.render(report, fmt)`` makes text."""

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
    # Checks that could not run (their data set is missing), each with the reason: their
    # count in the summary is no evidence of anything, and every renderer says so.
    checks_not_run: Mapping[CheckName, str] = field(default_factory=dict)
    data_sets: tuple[DataSetInfo, ...] = ()
    actions: tuple[Action, ...] = ()

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

"""pwhygiene: password strength and hygiene.

The front door holds the verbs and the types a user holds; everything else lives in small
public modules: :mod:`pwhygiene.exceptions` (the whole error tree), :mod:`pwhygiene.strength`,
:mod:`pwhygiene.breach`, :mod:`pwhygiene.vault`, :mod:`pwhygiene.report`,
:mod:`pwhygiene.hashing`, :mod:`pwhygiene.testing` and :mod:`pwhygiene.contrib`. Names are
imported on first use, so ``import pwhygiene; pwhygiene.check(pw)`` loads neither numpy nor
requests nor rich. Every module whose name starts with ``_`` is private.
"""

from typing import TYPE_CHECKING as _TYPE_CHECKING

from pwhygiene._lazy import exports as _exports
from pwhygiene._version import __version__
from pwhygiene.exceptions import PwhygieneError

if _TYPE_CHECKING:
    from pwhygiene._audit.render import render
    from pwhygiene._audit.report import AuditReport, CheckName, Finding, Severity
    from pwhygiene._audit.runner import audit
    from pwhygiene._breach.index.offline import OfflineIndex
    from pwhygiene._breach.range.client import RangeClient
    from pwhygiene._breach.source import BreachSource
    from pwhygiene._strength.checker import Accepted, Checker, CheckResult, check
    from pwhygiene._strength.estimate import Feedback, Strength
    from pwhygiene._strength.estimate import estimate as estimate_strength
    from pwhygiene._strength.policy import Policy, Violation, ViolationCode
    from pwhygiene._vault.model import Vault, VaultItem
    from pwhygiene._vault.registry import read_vault

__all__ = [
    "Accepted",
    "AuditReport",
    "BreachSource",
    "CheckName",
    "CheckResult",
    "Checker",
    "Feedback",
    "Finding",
    "OfflineIndex",
    "Policy",
    "PwhygieneError",
    "RangeClient",
    "Severity",
    "Strength",
    "Vault",
    "VaultItem",
    "Violation",
    "ViolationCode",
    "__version__",
    "audit",
    "check",
    "estimate_strength",
    "read_vault",
    "render",
]

__getattr__, __dir__ = _exports(
    __name__,
    {
        "Accepted": "pwhygiene._strength.checker:Accepted",
        "AuditReport": "pwhygiene._audit.report:AuditReport",
        "BreachSource": "pwhygiene._breach.source:BreachSource",
        "CheckName": "pwhygiene._audit.report:CheckName",
        "CheckResult": "pwhygiene._strength.checker:CheckResult",
        "Checker": "pwhygiene._strength.checker:Checker",
        "Feedback": "pwhygiene._strength.estimate:Feedback",
        "Finding": "pwhygiene._audit.report:Finding",
        "OfflineIndex": "pwhygiene._breach.index.offline:OfflineIndex",
        "Policy": "pwhygiene._strength.policy:Policy",
        "RangeClient": "pwhygiene._breach.range.client:RangeClient",
        "Severity": "pwhygiene._audit.report:Severity",
        "Strength": "pwhygiene._strength.estimate:Strength",
        "Vault": "pwhygiene._vault.model:Vault",
        "VaultItem": "pwhygiene._vault.model:VaultItem",
        "Violation": "pwhygiene._strength.policy:Violation",
        "ViolationCode": "pwhygiene._strength.policy:ViolationCode",
        "audit": "pwhygiene._audit.runner:audit",
        "check": "pwhygiene._strength.checker:check",
        "estimate_strength": "pwhygiene._strength.estimate:estimate",
        "read_vault": "pwhygiene._vault.registry:read_vault",
        "render": "pwhygiene._audit.render:render",
    },
)

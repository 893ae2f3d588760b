"""pwhygiene: password strength and hygiene.

The public API is exactly the names in ``__all__`` (pinned by ``tests/test_exported_members.py``)
plus the documented sub-packages ``pwhygiene.testing``, ``pwhygiene.hashing`` and
``pwhygiene.contrib``. Everything in a module whose name starts with ``_`` is private.
"""

from pwhygiene._breach.source import BreachSource, HashMode
from pwhygiene._errors import (
    AmbiguousFormat,
    BadCorpus,
    BadRangeResponse,
    BreachLookupError,
    BreachServiceUnavailable,
    CorruptIndex,
    ExportTooLarge,
    IgnoreFileError,
    InvalidInput,
    MalformedExport,
    OfflineIndexError,
    PasswordRequired,
    PwhygieneError,
    UnsupportedFormat,
    VaultError,
    WrongPassword,
)
from pwhygiene._vault.model import (
    ItemKind,
    PasswordHistoryEntry,
    Timestamp,
    Vault,
    VaultItem,
)
from pwhygiene._version import __version__

# --- strength, policy, check (issue 2) ---
from pwhygiene._blocklist import BlocklistSource as BlocklistSource
from pwhygiene._checker import Accepted as Accepted
from pwhygiene._checker import Checker as Checker
from pwhygiene._checker import CheckResult as CheckResult
from pwhygiene._checker import check as check
from pwhygiene._policy import Policy as Policy
from pwhygiene._policy import Violation as Violation
from pwhygiene._policy import ViolationCode as ViolationCode
from pwhygiene._strength import CrackTime as CrackTime
from pwhygiene._strength import CrackTimes as CrackTimes
from pwhygiene._strength import Feedback as Feedback
from pwhygiene._strength import Segment as Segment
from pwhygiene._strength import Strength as Strength
from pwhygiene._strength import estimate as estimate_strength

# --- range client and digests (issue 3) ---
from pwhygiene._breach.cache import RangeCache as RangeCache
from pwhygiene._breach.digests import ntlm_digest as ntlm_digest
from pwhygiene._breach.digests import password_digest as password_digest
from pwhygiene._breach.digests import sha1_digest as sha1_digest
from pwhygiene._breach.range_client import BreachCount as BreachCount
from pwhygiene._breach.range_client import RangeClient as RangeClient
from pwhygiene._breach.source import RangeProvider as RangeProvider

# --- offline index (issue 4) ---
from pwhygiene._breach.index import OfflineIndex as OfflineIndex
from pwhygiene._breach.index_build import build_index as build_index
from pwhygiene._breach.index_format import IndexInfo as IndexInfo

# --- vault readers (issue 5) ---
from pwhygiene._vault.registry import FormatInfo as FormatInfo
from pwhygiene._vault.registry import formats as formats
from pwhygiene._vault.registry import read_vault as read_vault

# --- audit (issue 6) ---
from pwhygiene._audit.report import AuditReport as AuditReport
from pwhygiene._audit.report import CheckName as CheckName
from pwhygiene._audit.report import Finding as Finding
from pwhygiene._audit.report import Severity as Severity
from pwhygiene._audit.runner import audit as audit

__all__ = [
    "AmbiguousFormat",
    "BadCorpus",
    "BadRangeResponse",
    "BreachLookupError",
    "BreachServiceUnavailable",
    "BreachSource",
    "CorruptIndex",
    "ExportTooLarge",
    "HashMode",
    "IgnoreFileError",
    "InvalidInput",
    "ItemKind",
    "MalformedExport",
    "OfflineIndexError",
    "PasswordHistoryEntry",
    "PasswordRequired",
    "PwhygieneError",
    "Timestamp",
    "UnsupportedFormat",
    "Vault",
    "VaultError",
    "VaultItem",
    "WrongPassword",
    "__version__",
]

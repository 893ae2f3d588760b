"""pwhygiene: password strength and hygiene.

The public API is exactly the names in ``__all__`` (pinned by ``tests/test_exported_members.py``)
plus the documented sub-packages ``pwhygiene.testing``, ``pwhygiene.hashing`` and
``pwhygiene.contrib``. Everything in a module whose name starts with ``_`` is private.
"""

from pwhygiene._audit.report import (
    AuditReport,
    CheckName,
    Finding,
    Severity,
)
from pwhygiene._audit.runner import audit
from pwhygiene._blocklist import BlocklistSource
from pwhygiene._breach.cache import RangeCache
from pwhygiene._breach.digests import (
    ntlm_digest,
    password_digest,
    sha1_digest,
)
from pwhygiene._breach.index import OfflineIndex
from pwhygiene._breach.index_build import build_index
from pwhygiene._breach.index_format import IndexInfo
from pwhygiene._breach.range_client import (
    BreachCount,
    RangeClient,
)
from pwhygiene._breach.source import BreachSource, HashMode, RangeProvider
from pwhygiene._checker import (
    Accepted,
    Checker,
    CheckResult,
    check,
)
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
from pwhygiene._policy import (
    Policy,
    Violation,
    ViolationCode,
)
from pwhygiene._strength import (
    CrackTime,
    CrackTimes,
    Feedback,
    Segment,
    Strength,
)
from pwhygiene._strength import (
    estimate as estimate_strength,
)
from pwhygiene._vault.model import (
    ItemKind,
    PasswordHistoryEntry,
    Timestamp,
    Vault,
    VaultItem,
)
from pwhygiene._vault.registry import (
    FormatInfo,
    formats,
    read_vault,
)
from pwhygiene._version import __version__

__all__ = [
    "Accepted",
    "AmbiguousFormat",
    "AuditReport",
    "BadCorpus",
    "BadRangeResponse",
    "BlocklistSource",
    "BreachCount",
    "BreachLookupError",
    "BreachServiceUnavailable",
    "BreachSource",
    "CheckName",
    "CheckResult",
    "Checker",
    "CorruptIndex",
    "CrackTime",
    "CrackTimes",
    "ExportTooLarge",
    "Feedback",
    "Finding",
    "FormatInfo",
    "HashMode",
    "IgnoreFileError",
    "IndexInfo",
    "InvalidInput",
    "ItemKind",
    "MalformedExport",
    "OfflineIndex",
    "OfflineIndexError",
    "PasswordHistoryEntry",
    "PasswordRequired",
    "Policy",
    "PwhygieneError",
    "RangeCache",
    "RangeClient",
    "RangeProvider",
    "Segment",
    "Severity",
    "Strength",
    "Timestamp",
    "UnsupportedFormat",
    "Vault",
    "VaultError",
    "VaultItem",
    "Violation",
    "ViolationCode",
    "WrongPassword",
    "__version__",
    "audit",
    "build_index",
    "check",
    "estimate_strength",
    "formats",
    "ntlm_digest",
    "password_digest",
    "read_vault",
    "sha1_digest",
]

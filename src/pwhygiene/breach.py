"""Breach data: digests, the range client and its cache, the offline index, the blocklist.

Every source speaks :class:`BreachSource` and takes hex digests, never passwords: make them
with :func:`sha1_digest`, :func:`ntlm_digest` or :func:`password_digest`.
"""

from typing import TYPE_CHECKING as _TYPE_CHECKING

from pwhygiene._lazy import exports as _exports

if _TYPE_CHECKING:
    from pwhygiene._breach.blocklist import BlocklistSource
    from pwhygiene._breach.digests import ntlm_digest, password_digest, sha1_digest
    from pwhygiene._breach.index.build import build_index
    from pwhygiene._breach.index.format import IndexInfo
    from pwhygiene._breach.index.offline import OfflineIndex
    from pwhygiene._breach.range.cache import RangeCache
    from pwhygiene._breach.range.client import BreachCount, RangeClient
    from pwhygiene._breach.source import BreachSource, HashMode, RangeProvider

__all__ = [
    "BlocklistSource",
    "BreachCount",
    "BreachSource",
    "HashMode",
    "IndexInfo",
    "OfflineIndex",
    "RangeCache",
    "RangeClient",
    "RangeProvider",
    "build_index",
    "ntlm_digest",
    "password_digest",
    "sha1_digest",
]

__getattr__, __dir__ = _exports(
    __name__,
    {
        "BlocklistSource": "pwhygiene._breach.blocklist:BlocklistSource",
        "BreachCount": "pwhygiene._breach.range.client:BreachCount",
        "BreachSource": "pwhygiene._breach.source:BreachSource",
        "HashMode": "pwhygiene._breach.source:HashMode",
        "IndexInfo": "pwhygiene._breach.index.format:IndexInfo",
        "OfflineIndex": "pwhygiene._breach.index.offline:OfflineIndex",
        "RangeCache": "pwhygiene._breach.range.cache:RangeCache",
        "RangeClient": "pwhygiene._breach.range.client:RangeClient",
        "RangeProvider": "pwhygiene._breach.source:RangeProvider",
        "build_index": "pwhygiene._breach.index.build:build_index",
        "ntlm_digest": "pwhygiene._breach.digests:ntlm_digest",
        "password_digest": "pwhygiene._breach.digests:password_digest",
        "sha1_digest": "pwhygiene._breach.digests:sha1_digest",
    },
)

"""Password-manager exports: the formats pwhygiene reads and what an item holds.

``pwhygiene.read_vault`` is the common entry point; this module adds the format list and the
parts of a :class:`VaultItem`.
"""

from typing import TYPE_CHECKING as _TYPE_CHECKING

from pwhygiene._lazy import exports as _exports

if _TYPE_CHECKING:
    from pwhygiene._vault.model import ItemKind, PasswordHistoryEntry, Timestamp, Vault, VaultItem
    from pwhygiene._vault.registry import FormatInfo, formats, read_vault

__all__ = [
    "FormatInfo",
    "ItemKind",
    "PasswordHistoryEntry",
    "Timestamp",
    "Vault",
    "VaultItem",
    "formats",
    "read_vault",
]

__getattr__, __dir__ = _exports(
    __name__,
    {
        "FormatInfo": "pwhygiene._vault.registry:FormatInfo",
        "ItemKind": "pwhygiene._vault.model:ItemKind",
        "PasswordHistoryEntry": "pwhygiene._vault.model:PasswordHistoryEntry",
        "Timestamp": "pwhygiene._vault.model:Timestamp",
        "Vault": "pwhygiene._vault.model:Vault",
        "VaultItem": "pwhygiene._vault.model:VaultItem",
        "formats": "pwhygiene._vault.registry:formats",
        "read_vault": "pwhygiene._vault.registry:read_vault",
    },
)

"""Helpers shared by the Dashlane, NordPass, Proton Pass, Keeper, Enpass and RoboForm readers.

They keep two rules in one place: ids are stable and unique even for exports without ids, and
the kind of an entry follows one policy across formats (:func:`kind_for`). Strict/lenient
collection, timestamps and header checks come from :mod:`._core_common`, shared with the other
readers.
"""

from __future__ import annotations

import re
from pathlib import Path

from pwhygiene._vault.io import csv_header
from pwhygiene._vault.model import ItemKind, fingerprint
from pwhygiene._vault.registry import Sample


class Ids:
    """Fingerprint ids for exports without ids, made unique by counting repeats in file order.

    Two identical entries (same title, username, URL, folder) get ``fp-…`` and ``fp-…-2``, so
    an ignore-file entry still points at one item and the ids are stable for the same file.
    """

    def __init__(self) -> None:
        self._seen: dict[str, int] = {}

    def make(self, *parts: str | None) -> str:
        """The fingerprint of ``parts`` (never a secret), suffixed for the n-th repeat."""
        base = fingerprint(*parts)
        count = self._seen.get(base, 0) + 1
        self._seen[base] = count
        return base if count == 1 else f"{base}-{count}"


def text_or_none(value: str | None) -> str | None:
    """``None`` for an absent or blank cell, so "no username" is one value, not two."""
    return value if value and value.strip() else None


def kind_for(explicit: ItemKind | None, has_password: bool) -> ItemKind:
    """The one kind policy: explicit cards, notes, identities and keys keep their kind.

    Any other entry that carries a password (database, server, Wi-Fi credentials, ...) is a
    login, because that password is what an audit must see; the rest are ``OTHER``.
    """
    if explicit is not None:
        return explicit
    return ItemKind.LOGIN if has_password else ItemKind.OTHER


def header_of(sample: Sample) -> list[str]:
    """The first CSV record of a sample (cleaned), or ``[]`` for binary content."""
    if sample.text is None or sample.zip_names is not None:
        return []
    return csv_header(sample.path, sample.text)


_JSON_OBJECT = re.compile(r"\A\s*\{")


def json_head(sample: Sample) -> str | None:
    """The sample's text when it starts like a JSON object, for key-based sniffing."""
    if sample.text is None or sample.zip_names is not None:
        return None
    return sample.text if _JSON_OBJECT.match(sample.text) else None


def in_member(path: Path, member: str) -> Path:
    """How errors name a member of a zip: ``export.zip/credentials.csv``."""
    return path / member

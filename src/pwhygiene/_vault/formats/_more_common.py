"""Helpers shared by the Dashlane, NordPass, Proton Pass, Keeper, Enpass and RoboForm readers.

They keep three rules in one place: ids are stable and unique even for exports without ids,
a bad record is an error in strict mode and a warning (never a gap) in lenient mode, and the
kind of an entry follows one policy across formats (:func:`kind_for`).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Iterator
from itertools import chain
from pathlib import Path
from typing import TypeVar

from pwhygiene._errors import MalformedExport
from pwhygiene._vault.io import CsvRow, csv_header, parse_timestamp
from pwhygiene._vault.model import ItemKind, Timestamp, Vault, VaultItem, fingerprint
from pwhygiene._vault.registry import Sample

T = TypeVar("T")


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


def stamp(value: object, source: str, path: Path, where: str) -> Timestamp | None:
    """A :class:`Timestamp` from ISO text or Unix time; a bad one names file, place and field."""
    try:
        return parse_timestamp(value, source)
    except (ValueError, OverflowError, OSError):
        raise MalformedExport(path, where, f"{source} as a Unix or ISO 8601 time") from None


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


def collect(
    records: Iterable[T],
    convert: Callable[[T], VaultItem | None],
    *,
    strict: bool,
    warnings: list[str],
) -> list[VaultItem]:
    """Convert every record; lenient mode turns a malformed one into a warning, not a gap.

    The warning is the error's own text, which by construction names only the place and the
    expectation, never a value from the file.
    """
    items: list[VaultItem] = []
    for record in records:
        try:
            item = convert(record)
        except MalformedExport as exc:
            if strict:
                raise
            warnings.append(f"skipped a record: {exc}")
            continue
        if item is not None:
            items.append(item)
    return items


def vault(items: Iterable[VaultItem], name: str, path: Path, warnings: list[str]) -> Vault:
    """The :class:`Vault` these readers return."""
    return Vault(items=tuple(items), source_format=name, path=path, warnings=tuple(warnings))


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


def with_columns(
    rows: Iterator[CsvRow], required: Iterable[str], path: Path, what: str
) -> Iterator[CsvRow]:
    """``rows`` after checking the header has ``required`` columns (named in the error)."""
    first = next(rows, None)
    if first is None:
        return iter(())
    missing = [c for c in required if c not in first.values]
    if missing:
        raise MalformedExport(path, "line 1", f"{what} columns {', '.join(missing)}")
    return chain((first,), rows)

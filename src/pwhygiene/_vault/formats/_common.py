"""What every reader shares: one blank-cell rule, one id rule, strict/lenient collection.

The rules that must not differ between formats live here and nowhere else:

- **Blank cells** (:func:`text_or_none`): a text cell that is empty or holds only whitespace
  is absent, so "no username" is one value (``None``) in every format. A password is the one
  exception (:func:`password_or_none`): whitespace is part of a secret, and a password of
  spaces is a weak password to audit, not an absent one, so only an empty password is absent.
- **Ids** (:func:`make_vault`): an export's own id when it has one, else a fingerprint of
  non-secret fields; an id that repeats (two identical entries) becomes ``<id>-2``, ``-3`` in
  file order, so ids are unique and stable for the same file.
- **Kinds** (:func:`kind_for`): anything that carries a password is audited as a login.
- **Lenient mode** (:func:`collect`): a malformed record becomes a warning, never a crash or
  a silent gap.

Errors name the file and the line or JSON path (see :class:`MalformedExport`), never a value.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import replace
from datetime import datetime
from functools import lru_cache
from pathlib import Path
from typing import TypeVar
from urllib.parse import urlsplit

from pwhygiene._vault.io import CsvRow, csv_header, csv_rows, opt, parse_timestamp
from pwhygiene._vault.model import ItemKind, Timestamp, Vault, VaultItem
from pwhygiene._vault.registry import ReadOptions, Sample
from pwhygiene.exceptions import MalformedExport

T = TypeVar("T")


def timestamp(value: object, source: str, path: Path, where: str) -> Timestamp | None:
    """``parse_timestamp`` whose failure names the file, the place and the field.

    Equal values share one ``datetime``: exports repeat a time across an item's fields
    (created = modified = password changed) and across bulk-imported items.
    """
    try:
        if isinstance(value, (str, int, float)) and not isinstance(value, bool):
            at = _moment(value)
            return None if at is None else Timestamp(at, source)
        return parse_timestamp(value, source)
    except (ValueError, OverflowError, OSError):
        raise MalformedExport(path, where, f"{source} as an ISO 8601 or Unix time") from None


@lru_cache(maxsize=1024)
def _moment(value: str | int | float) -> datetime | None:
    stamp = parse_timestamp(value, "")
    return None if stamp is None else stamp.at


def truthy(value: str) -> bool:
    """A CSV boolean cell as exporters write it (``1``, ``true``, ``yes``, ``x``)."""
    return value.strip().lower() in {"1", "true", "yes", "y", "x", "on"}


def split_urls(cell: str) -> tuple[str, ...]:
    """Several URLs packed in one CSV cell (comma- or newline-separated), blanks dropped."""
    parts = cell.replace("\r", "\n").replace("\n", ",").split(",")
    return tuple(p.strip() for p in parts if p.strip())


def text_or_none(value: str | None) -> str | None:
    """``None`` for an absent, empty or whitespace-only cell: the one blank-cell rule."""
    return value if value and value.strip() else None


def password_or_none(value: str | None) -> str | None:
    """``None`` only for an absent or empty password: whitespace is part of a secret."""
    return value if value else None


def collect(
    records: Iterable[T],
    convert: Callable[[T], VaultItem | None],
    *,
    strict: bool,
    warnings: list[str],
) -> list[VaultItem]:
    """Convert every record; in lenient mode a malformed one becomes a warning, never a gap.

    ``convert`` returns ``None`` for records a format deliberately skips (it records its own
    warning for those). The warning carries the error's location and expectation only, which
    by construction (see :class:`MalformedExport`) hold no value from the file.
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


def make_vault(
    items: Sequence[VaultItem],
    name: str,
    path: Path,
    warnings: Sequence[str],
    *,
    encrypted: bool = False,
) -> Vault:
    """The :class:`Vault` every reader returns, with repeated ids made unique.

    Fingerprint ids repeat when an export holds two identical entries; the second becomes
    ``<id>-2`` (in file order, so ids stay stable across runs).
    """
    seen: dict[str, int] = {}
    unique: list[VaultItem] = []
    for item in items:
        count = seen[item.id] = seen.get(item.id, 0) + 1
        unique.append(item if count == 1 else replace(item, id=f"{item.id}-{count}"))
    return Vault(
        items=tuple(unique),
        source_format=name,
        path=path,
        encrypted=encrypted,
        warnings=tuple(warnings),
    )


def checked_rows(
    rows: Iterable[CsvRow], path: Path, required: Sequence[str], what: str
) -> Iterator[CsvRow]:
    """``rows`` after checking, on the first one, that the header has every required column.

    A file that is only a header yields nothing (an empty export is a valid export).
    """
    checked = False
    for row in rows:
        if not checked:
            missing = [c for c in required if c not in row.values]
            if missing:
                raise MalformedExport(path, "line 1", f"{what} columns {', '.join(missing)}")
            checked = True
        yield row


def rows_of(
    path: Path,
    options: ReadOptions,
    warnings: list[str],
    *,
    header: Sequence[str] | None = None,
    allow_extra: bool = False,
    text: str | None = None,
    dialect: type[csv.Dialect] = csv.excel,
    optional_tail: int = 0,
) -> Iterator[CsvRow]:
    """:func:`csv_rows` with lenient mode: a malformed row is skipped with a warning.

    The warning names the file and the line (never a cell), and the read goes on with the next
    row; a strict read refuses the file at that row.
    """

    def skip(exc: MalformedExport) -> None:
        warnings.append(f"skipped a record: {exc}")

    return csv_rows(
        path,
        header=header,
        allow_extra=allow_extra,
        text=text,
        dialect=dialect,
        optional_tail=optional_tail,
        on_bad_row=None if options.strict else skip,
    )


def read_checked_csv(
    path: Path,
    options: ReadOptions,
    *,
    name: str,
    what: str,
    required: Sequence[str],
    convert: Callable[[CsvRow], VaultItem | None],
) -> Vault:
    """The whole read of a plain CSV format: header-checked rows, each converted to an item.

    ``name`` is the format's registered name, ``what`` the label its missing-column error
    uses; a lenient read turns each malformed row into a warning (see :func:`collect`).
    """
    warnings: list[str] = []
    rows = checked_rows(rows_of(path, options, warnings), path, required, what)
    items = collect(rows, convert, strict=options.strict, warnings=warnings)
    return make_vault(items, name, path, warnings)


def header_has(sample: Sample, required: Iterable[str]) -> bool:
    """Whether the sample's CSV header contains every column in ``required`` (exact case)."""
    return set(required) <= set(csv_header(sample.path, sample.text))


def title_from_url(url: str) -> str:
    """A title from the URL (for exports with none): its host, else the URL minus ``user:pass@``.

    The credentials must go: a title is shown in every report and ``repr``.
    """
    try:
        host = urlsplit(url).hostname
    except ValueError:  # e.g. an unclosed IPv6 bracket: keep the URL itself as the title
        host = None
    if host:
        return host
    scheme, sep, rest = url.partition("://")
    if sep and "@" in rest:  # up to the last '@': a raw password may hold '/' or '@' itself
        return f"{scheme}://{rest.rpartition('@')[2]}"
    return url


def kind_for(explicit: ItemKind | None, has_password: bool) -> ItemKind:
    """The one kind policy: explicit cards, notes, identities and keys keep their kind.

    Any other entry that carries a password (database, server, Wi-Fi credentials, ...) is a
    login, because that password is what an audit must see; the rest are ``OTHER``.
    """
    if explicit is not None:
        return explicit
    return ItemKind.LOGIN if has_password else ItemKind.OTHER


def header_of(sample: Sample) -> list[str]:
    """The first CSV record of a sample (cleaned), or ``[]`` for binary content or a zip."""
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


def designated_fields(
    container: Mapping[str, object], key: str, path: Path, where: str
) -> dict[str, str]:
    """``{designation: value}`` of the first non-empty username and password form fields.

    1Password marks its login form fields with a ``designation`` in both of its formats: the
    list is ``loginFields`` in 1PUX and ``fields`` in 1PIF.
    """
    found: dict[str, str] = {}
    for n, entry in enumerate(opt(container, key, list, path, where) or []):
        here = f"{where}.{key}[{n}]"
        designation = opt(entry, "designation", str, path, here)
        value = opt(entry, "value", str, path, here)
        if designation in ("username", "password") and value and designation not in found:
            found[designation] = value
    return found

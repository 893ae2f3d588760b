"""NordPass's CSV export: one wide table for logins, notes, cards and identities.

Every row has the same columns (``name,url,additional_urls,username,password,note,
cardholdername,cardnumber,cvc,...,type``); the ``type`` column says what a row is
(``password`` is a login). Rows of type ``folder`` only declare a folder and are not items.
Older exports lack ``type``, ``additional_urls`` and ``custom_fields``; the kind is then
inferred from which columns are filled. NordPass writes no ids and no dates.
"""

from __future__ import annotations

from pathlib import Path

from pwhygiene._vault.formats._common import (
    header_of,
    kind_for,
    password_or_none,
    read_checked_csv,
    text_or_none,
    title_from_url,
)
from pwhygiene._vault.io import CsvRow, json_value
from pwhygiene._vault.model import ItemKind, Vault, VaultItem, fingerprint
from pwhygiene._vault.registry import Detection, FormatSpec, ReadOptions, Sample, register
from pwhygiene.exceptions import MalformedExport

NAME = "nordpass-csv"

# Columns no other exporter writes together; every NordPass CSV version has them.
SIGNATURE = frozenset({"name", "url", "username", "password", "cardholdername", "cardnumber"})
REQUIRED = ("name", "url", "username", "password", "note")

_KINDS: dict[str, ItemKind] = {
    "password": ItemKind.LOGIN,
    "login": ItemKind.LOGIN,  # not seen in exports, but NordPass's UI calls them logins
    "note": ItemKind.NOTE,
    "credit_card": ItemKind.CARD,
    "identity": ItemKind.IDENTITY,
}


def _additional_urls(cell: str, path: Path, line: int) -> tuple[str, ...]:
    """``additional_urls`` is a JSON list in current exports, comma-separated in some older."""
    text = cell.strip()
    if not text:
        return ()
    if text.startswith("["):
        urls = json_value(text, path)  # bounded; None when not JSON
        if not isinstance(urls, list) or not all(isinstance(u, str) for u in urls):
            raise MalformedExport(
                path, f"line {line} column additional_urls", "a JSON list of URL strings"
            )
        return tuple(u.strip() for u in urls if u.strip())
    return tuple(u.strip() for u in text.replace("\n", ",").split(",") if u.strip())


def _kind(values: dict[str, str]) -> ItemKind | None:
    """The row's kind; ``None`` for a folder row. Unknown types follow :func:`kind_for`."""
    if "type" in values:
        kind = values["type"].strip()
        if kind == "folder":
            return None
        return _KINDS.get(kind) or kind_for(None, bool(values.get("password")))
    return _inferred_kind(values)


def _inferred_kind(values: dict[str, str]) -> ItemKind:
    """Old exports without ``type``: the filled columns tell what a row is."""
    if values.get("cardnumber"):
        return ItemKind.CARD
    if values.get("full_name") or values.get("address1"):
        return ItemKind.IDENTITY
    if values.get("password") or values.get("username") or values.get("url"):
        return ItemKind.LOGIN
    return ItemKind.NOTE


def _item(row: CsvRow, path: Path) -> VaultItem | None:
    v = row.values
    kind = _kind(v)
    if kind is None:
        return None
    login = kind is ItemKind.LOGIN
    url = text_or_none(v.get("url"))
    urls = ((url,) if url else ()) + _additional_urls(v.get("additional_urls", ""), path, row.line)
    username = text_or_none(v.get("username")) or text_or_none(v.get("email")) if login else None
    folder = text_or_none(v.get("folder")) or text_or_none(v.get("shared_folder"))
    title = v["name"] or (title_from_url(urls[0]) if urls else "")
    return VaultItem(
        id=fingerprint(kind.value, title, username, *urls, folder),
        title=title,
        source_format=NAME,
        kind=kind,
        username=username,
        password=password_or_none(v["password"]) if login else None,
        urls=urls if login else (),
        totp=login and bool(v.get("totp")),
        folder=folder,
        notes_present=bool(v["note"]),
    )


def read(path: Path, options: ReadOptions) -> Vault:
    """Read a NordPass CSV; folder rows declare folders and are not items."""
    return read_checked_csv(
        path,
        options,
        name=NAME,
        what="NordPass",
        required=REQUIRED,
        convert=lambda r: _item(r, path),
    )


def sniff(sample: Sample) -> Detection:
    """YES when the header has NordPass's card columns next to the login ones."""
    return Detection.YES if set(header_of(sample)) >= SIGNATURE else Detection.NO


register(
    FormatSpec(
        name=NAME,
        description="NordPass CSV export (logins, notes, cards, identities)",
        detection="header with name,url,username,password and cardholdername,cardnumber",
        sniff=sniff,
        read=read,
        extensions=(".csv",),
    )
)

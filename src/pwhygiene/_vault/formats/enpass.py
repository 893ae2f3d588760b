"""Enpass's JSON export: items made of typed fields, each with its own change time and history.

Enpass is the one export here that dates the password itself: the password field's
``value_updated_at`` is when it was last changed, and its ``history`` lists earlier values with
the time each was recorded (entries Enpass left ``encrypted`` are unusable and reported).
Folders are a tree (``parent_uuid``) read into ``/``-separated paths. Trashed and archived
items are kept with ``trashed=True``: Enpass leaves both out of its own audit, and the 1PUX
reader treats 1Password's archive the same way.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from pwhygiene._vault.formats._common import (
    collect,
    json_head,
    kind_for,
    make_vault,
    text_or_none,
    timestamp,
)
from pwhygiene._vault.io import get, load_json, opt
from pwhygiene._vault.model import ItemKind, PasswordHistoryEntry, Timestamp, Vault, VaultItem
from pwhygiene._vault.registry import Detection, FormatSpec, ReadOptions, Sample, register
from pwhygiene.exceptions import MalformedExport

NAME = "enpass-json"

_KINDS = {
    "login": ItemKind.LOGIN,
    "password": ItemKind.LOGIN,
    "creditcard": ItemKind.CARD,
    "note": ItemKind.NOTE,
    "identity": ItemKind.IDENTITY,
}


def _folders(data: object, path: Path) -> dict[str, str]:
    """``{uuid: "Parent/Child"}`` for the folder tree; a cycle stops at the repeated folder."""
    raw: dict[str, tuple[str, str]] = {}
    for n, folder in enumerate(opt(data, "folders", list, path, "$") or []):
        where = f"$.folders[{n}]"
        uuid = get(folder, "uuid", str, path, where)
        raw[uuid] = (
            opt(folder, "title", str, path, where) or "",
            opt(folder, "parent_uuid", str, path, where) or "",
        )
    paths: dict[str, str] = {}
    for uuid in raw:
        parts: list[str] = []
        seen: set[str] = set()
        current = uuid
        while current in raw and current not in seen:
            seen.add(current)
            title, current = raw[current]
            if title.strip():
                parts.append(title.strip())
        paths[uuid] = "/".join(reversed(parts))
    return paths


@dataclass(frozen=True, slots=True)
class _Field:
    """One live (not deleted) field, checked once: where it is, its type and its value."""

    where: str
    type: str
    value: str = field(repr=False)
    raw: Mapping[str, object] = field(repr=False)


def _live_fields(item: object, path: Path, where: str) -> list[_Field]:
    """Every field not marked ``deleted``, with its type and value checked."""
    fields = []
    for n, raw in enumerate(opt(item, "fields", list, path, where) or []):
        here = f"{where}.fields[{n}]"
        if not isinstance(raw, Mapping):
            raise MalformedExport(path, here, "an object")
        if not opt(raw, "deleted", int, path, here):
            kind = opt(raw, "type", str, path, here) or ""
            fields.append(_Field(here, kind, opt(raw, "value", str, path, here) or "", raw))
    return fields


def _values(fields: Sequence[_Field], kind: str) -> list[str]:
    """The non-empty values of the fields of type ``kind``, in field order."""
    return [f.value for f in fields if f.type == kind and f.value]


def _history(
    field: Mapping[str, object], path: Path, where: str, warnings: list[str]
) -> tuple[PasswordHistoryEntry, ...]:
    entries = []
    for n, entry in enumerate(opt(field, "history", list, path, where) or []):
        here = f"{where}.history[{n}]"
        if opt(entry, "encrypted", bool, path, here):
            warnings.append(f"{path}: {here}: an encrypted history entry cannot be audited")
            continue
        value = get(entry, "value", str, path, here)
        at = timestamp(opt(entry, "updated_at", int, path, here), "updated_at", path, here)
        if value:
            entries.append(PasswordHistoryEntry(value, None if at is None else at.at))
    return tuple(entries)


def _item(
    item: object, where: str, path: Path, folders: Mapping[str, str], warnings: list[str]
) -> VaultItem:
    title = opt(item, "title", str, path, where) or ""
    fields = _live_fields(item, path, where)
    password_fields = [f for f in fields if f.type == "password" and f.value]
    category = opt(item, "category", str, path, where) or ""
    kind = kind_for(_KINDS.get(category), bool(password_fields))
    login = kind is ItemKind.LOGIN
    usernames = _values(fields, "username") + _values(fields, "email")
    urls = tuple(u for u in _values(fields, "url") if u.strip())
    folder_ids = opt(item, "folders", list, path, where) or []
    folder = next((folders[f] for f in folder_ids if isinstance(f, str) and folders.get(f)), None)
    password: str | None = None
    changed: Timestamp | None = None
    history: tuple[PasswordHistoryEntry, ...] = ()
    if login and password_fields:
        first = password_fields[0]
        password = first.value
        changed = timestamp(
            opt(first.raw, "value_updated_at", int, path, first.where),
            "value_updated_at",
            path,
            first.where,
        )
        history = _history(first.raw, path, first.where, warnings)
    uuid = get(item, "uuid", str, path, where)
    return VaultItem(
        id=uuid,
        title=title,
        source_format=NAME,
        kind=kind,
        username=text_or_none(usernames[0]) if login and usernames else None,
        password=password,
        urls=urls if login else (),
        totp=login and bool(_values(fields, "totp")),
        folder=folder,
        notes_present=bool(opt(item, "note", str, path, where)),
        created=timestamp(opt(item, "createdAt", int, path, where), "createdAt", path, where),
        modified=timestamp(opt(item, "updated_at", int, path, where), "updated_at", path, where),
        password_changed=changed,
        history=history,
        trashed=bool(
            opt(item, "trashed", int, path, where) or opt(item, "archived", int, path, where)
        ),
    )


def read(path: Path, options: ReadOptions) -> Vault:
    """Read an Enpass JSON export."""
    data = load_json(path)
    warnings: list[str] = []
    folders = _folders(data, path)
    records = list(enumerate(get(data, "items", list, path, "$")))
    items = collect(
        records,
        lambda r: _item(r[1], f"$.items[{r[0]}]", path, folders, warnings),
        strict=options.strict,
        warnings=warnings,
    )
    return make_vault(items, NAME, path, warnings)


_ITEMS = re.compile(r'"items"\s*:\s*\[')
_ENPASS_KEYS = re.compile(r'"(template_type|value_updated_at|auto_submit)"\s*:')


def sniff(sample: Sample) -> Detection:
    """YES for a JSON object with ``items`` and Enpass's own keys (``template_type``, ...)."""
    text = json_head(sample)
    if text and _ITEMS.search(text) and _ENPASS_KEYS.search(text):
        return Detection.YES
    return Detection.NO


register(
    FormatSpec(
        name=NAME,
        description="Enpass JSON export (per-field change times and password history)",
        detection='JSON object with "items": [...] and template_type / value_updated_at keys',
        sniff=sniff,
        read=read,
        extensions=(".json",),
    )
)

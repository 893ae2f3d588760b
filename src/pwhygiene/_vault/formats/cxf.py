"""FIDO Credential Exchange Format (CXF) 1.0: the JSON document credential managers exchange.

The header holds ``version {major, minor}``, ``exporterRpId``, ``exporterDisplayName``,
``timestamp`` and ``accounts[]``; each account has ``items[]`` and ``collections[]``. An item
has ``id``, ``title``, ``creationAt``/``modifiedAt`` (Unix seconds), ``scope.urls`` and
``credentials[]``, each a ``{type, ...}`` object whose values are editable fields
``{fieldType, value}``. We read ``basic-auth`` (username and password), note that ``totp``
and ``passkey`` credentials are present (never their secrets), and note ``note`` content.
Wi-Fi passphrases and generated passwords are passwords too and are audited as logins;
cards, identity documents, SSH keys and every other type stay non-login items. An item's
folder is the title of the first collection that lists it.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from pathlib import Path

from pwhygiene._vault.formats._common import (
    collect,
    json_head,
    kind_for,
    make_vault,
    password_or_none,
    text_or_none,
    timestamp,
)
from pwhygiene._vault.io import get, load_json, opt
from pwhygiene._vault.model import ItemKind, Vault, VaultItem, fingerprint
from pwhygiene._vault.registry import Detection, FormatSpec, ReadOptions, Sample, register
from pwhygiene.exceptions import MalformedExport, UnsupportedFormat

NAME = "cxf"
_KINDS = {
    "credit-card": ItemKind.CARD,
    "ssh-key": ItemKind.SSH_KEY,
    "address": ItemKind.IDENTITY,
    "drivers-license": ItemKind.IDENTITY,
    "identity-document": ItemKind.IDENTITY,
    "passport": ItemKind.IDENTITY,
    "person-name": ItemKind.IDENTITY,
}
# Where a password sits in the credential types that carry one, as (type, field) pairs.
_SECRETS = (("basic-auth", "password"), ("wifi", "passphrase"), ("generated-password", "password"))


def _field(credential: Mapping[str, object], key: str, path: Path, where: str) -> str | None:
    """The ``value`` of an editable field (``{fieldType, value}``); a bare string is accepted."""
    raw = credential.get(key)
    if raw is None or isinstance(raw, str):
        return raw
    return opt(raw, "value", str, path, f"{where}.{key}")


def _credentials(item: object, path: Path, where: str) -> list[tuple[str, Mapping[str, object]]]:
    found = []
    for n, credential in enumerate(opt(item, "credentials", list, path, where) or []):
        here = f"{where}.credentials[{n}]"
        found.append((get(credential, "type", str, path, here), credential))
    return found


def _item(record: tuple[object, str, str | None], path: Path) -> VaultItem:
    item, where, folder = record
    if not isinstance(item, Mapping):
        raise MalformedExport(path, where, "an item object")
    credentials = _credentials(item, path, where)
    types = [kind for kind, _ in credentials]
    password = username = None
    for wanted, key in _SECRETS:
        for n, (kind, credential) in enumerate(credentials):
            if kind == wanted and password is None:
                password = password_or_none(
                    _field(credential, key, path, f"{where}.credentials[{n}]")
                )
    for n, (kind, credential) in enumerate(credentials):
        if kind in ("basic-auth", "passkey", "totp") and username is None:
            key = "userName" if kind == "basic-auth" and "userName" in credential else "username"
            username = text_or_none(_field(credential, key, path, f"{where}.credentials[{n}]"))
    passkey = "passkey" in types
    explicit = next((_KINDS[t] for t in types if t in _KINDS), None)
    if explicit is None and not passkey and "basic-auth" not in types and "note" in types:
        explicit = ItemKind.NOTE
    kind = kind_for(explicit, password is not None or passkey)
    login = kind is ItemKind.LOGIN
    scope = opt(item, "scope", dict, path, where) or {}
    urls = opt(scope, "urls", list, path, f"{where}.scope") or []
    if not all(isinstance(u, str) for u in urls):
        raise MalformedExport(path, f"{where}.scope.urls", "a list of URL strings")
    title = opt(item, "title", str, path, where) or ""
    return VaultItem(
        id=text_or_none(opt(item, "id", str, path, where)) or fingerprint(title, username),
        title=title,
        source_format=NAME,
        kind=kind,
        username=username if login else None,
        password=password if login else None,
        urls=tuple(u for u in urls if u.strip()) if login else (),
        totp=login and "totp" in types,
        passkey=login and passkey,
        folder=folder,
        notes_present="note" in types,
        created=timestamp(item.get("creationAt"), "creationAt", path, where),
        modified=timestamp(item.get("modifiedAt"), "modifiedAt", path, where),
    )


def _folders(account: object, path: Path, where: str) -> dict[str, str]:
    """``{item id: collection title}`` for the items each collection links to (first wins)."""
    found: dict[str, str] = {}
    pending = [(c, f"{where}.collections[{n}]") for n, c in
               enumerate(opt(account, "collections", list, path, where) or [])]  # fmt: skip
    while pending:
        collection, here = pending.pop(0)
        title = opt(collection, "title", str, path, here) or ""
        for n, link in enumerate(opt(collection, "items", list, path, here) or []):
            target = opt(link, "item", str, path, f"{here}.items[{n}]")
            if target and title:
                found.setdefault(target, title)
        subs = opt(collection, "subCollections", list, path, here) or []
        pending.extend((s, f"{here}.subCollections[{n}]") for n, s in enumerate(subs))
    return found


def read(path: Path, options: ReadOptions) -> Vault:
    """Read an unencrypted CXF 1.x JSON document (every account, every item)."""
    data = load_json(path)
    version = get(data, "version", dict, path, "$")
    if get(version, "major", int, path, "$.version") != 1:
        raise UnsupportedFormat(f"{path}: CXF major version other than 1; pwhygiene reads 1.x")
    records: list[tuple[object, str, str | None]] = []
    for a, account in enumerate(get(data, "accounts", list, path, "$")):
        where = f"$.accounts[{a}]"
        folders = _folders(account, path, where)
        for i, item in enumerate(get(account, "items", list, path, where)):
            item_id = item.get("id") if isinstance(item, Mapping) else None
            folder = folders.get(item_id) if isinstance(item_id, str) else None
            records.append((item, f"{where}.items[{i}]", folder))
    warnings: list[str] = []
    items = collect(records, lambda r: _item(r, path), strict=options.strict, warnings=warnings)
    return make_vault(items, NAME, path, warnings)


_EXPORTER = re.compile(r'"exporterRpId"\s*:')
_ACCOUNTS = re.compile(r'"accounts"\s*:\s*\[')


def sniff(sample: Sample) -> Detection:
    """YES for a JSON object with CXF's ``exporterRpId`` and an ``accounts`` list."""
    text = json_head(sample)
    if text and _EXPORTER.search(text) and _ACCOUNTS.search(text):
        return Detection.YES
    return Detection.NO


register(
    FormatSpec(
        name=NAME,
        description="FIDO Credential Exchange Format (CXF) 1.x JSON (logins, TOTP, passkeys)",
        detection='JSON object with "exporterRpId" and "accounts": [...]',
        sniff=sniff,
        read=read,
        extensions=(".json", ".cxf"),
    )
)

"""A test-side writer for the FIDO Credential Exchange Format (CXF) 1.0.

Written from the CXF 1.0 proposed standard's data model (header, account, item, collection,
``basic-auth``/``totp``/``passkey``/``note`` credentials, editable fields), independently of
the reader, so a round-trip checks the reader against the format rather than against itself.
"""

from __future__ import annotations

import base64
from collections.abc import Sequence

from strategies.vault_core import Login


def b64url(raw: bytes) -> str:
    """CXF ids are unpadded base64url."""
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode("ascii")


def editable(value: str, field_type: str = "string") -> dict[str, object]:
    """An editable field: ``{fieldType, value}``."""
    return {"fieldType": field_type, "value": value}


def cxf_item(index: int, login: Login, *, passkey: bool = False) -> dict[str, object]:
    """One item: a ``basic-auth`` credential, plus ``totp``/``note``/``passkey`` as asked."""
    credentials: list[dict[str, object]] = [
        {
            "type": "basic-auth",
            "username": editable(login.username),
            "password": editable(login.password, "concealed-string"),
        }
    ]
    if login.totp:
        credentials.append(
            {"type": "totp", "secret": "JBSWY3DPEHPK3PXP", "period": 30, "digits": 6,
             "username": login.username, "algorithm": "sha1", "issuer": login.title}
        )  # fmt: skip
    if passkey:
        credentials.append(
            {"type": "passkey", "credentialId": b64url(b"cred%d" % index), "rpId": "example.com",
             "username": login.username, "userDisplayName": login.username,
             "userHandle": b64url(b"user"), "key": b64url(b"not a real key")}
        )  # fmt: skip
    if login.notes:
        credentials.append({"type": "note", "content": editable(login.notes)})
    return {
        "id": b64url(b"item-%d" % index),
        "creationAt": int(login.created.timestamp()),
        "modifiedAt": int(login.changed.timestamp()),
        "title": login.title,
        "scope": {"urls": list(login.urls), "androidApps": []},
        "credentials": credentials,
    }


def cxf_document(logins: Sequence[Login], *, passkeys: Sequence[bool] = ()) -> dict[str, object]:
    """A CXF 1.0 header with one account; each folder becomes a collection linking its items."""
    items = [
        cxf_item(n, login, passkey=n < len(passkeys) and passkeys[n])
        for n, login in enumerate(logins)
    ]
    collections: dict[str, list[dict[str, str]]] = {}
    for item, login in zip(items, logins, strict=True):
        if login.folder:
            collections.setdefault(login.folder, []).append({"item": str(item["id"])})
    return {
        "version": {"major": 1, "minor": 0},
        "exporterRpId": "exporter.example",
        "exporterDisplayName": "Test exporter",
        "timestamp": 1760000000,
        "accounts": [
            {
                "id": b64url(b"account"),
                "username": "kim",
                "email": "kim@example.com",
                "collections": [
                    {"id": b64url(title.encode()), "title": title, "items": links}
                    for title, links in collections.items()
                ],
                "items": items,
            }
        ],
    }

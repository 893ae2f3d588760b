"""A test-side writer for 1PIF, the 1Password 4-7 interchange format.

Written from the format's public description (one JSON object per item, each followed by the
``***5642bee8-a5ff-11dc-8314-0800200c9a66***`` line; logins as ``webforms.WebForm`` with
``secureContents.fields`` designations; a one-time password as a concealed section field
named ``TOTP_<uuid>``), independently of the reader.
"""

from __future__ import annotations

import json
from collections.abc import Sequence

from strategies.vault_core import Login

SEPARATOR = "***5642bee8-a5ff-11dc-8314-0800200c9a66***"


def onepif_login(index: int, login: Login, folder_uuid: str | None) -> dict[str, object]:
    """One ``webforms.WebForm`` item with username, password, URLs, notes and history."""
    secure: dict[str, object] = {
        "fields": [
            {"designation": "username", "name": "username", "type": "T", "value": login.username},
            {"designation": "password", "name": "password", "type": "P", "value": login.password},
        ],
        "URLs": [{"label": "website", "url": url} for url in login.urls],
        "passwordHistory": [
            {"value": old, "time": int(at.timestamp())} for old, at in login.history
        ],
    }
    if login.notes:
        secure["notesPlain"] = login.notes
    if login.totp:  # a one-time password field: concealed, named TOTP_<uuid>
        secure["sections"] = [
            {
                "name": "",
                "title": "",
                "fields": [
                    {
                        "k": "concealed",
                        "n": "TOTP_6E2D1A9C4B7F4E0A8C3D5B1F2A7E9C04",
                        "t": "one-time password",
                        "v": "otpauth://totp/x?secret=JBSWY3DPEHPK3PXP",
                    }
                ],
            }
        ]
    item: dict[str, object] = {
        "uuid": f"1PIF{index:08d}",
        "typeName": "webforms.WebForm",
        "title": login.title,
        "createdAt": int(login.created.timestamp()),
        "updatedAt": int(login.changed.timestamp()),
        "secureContents": secure,
    }
    if login.urls:
        item["location"] = login.urls[0]
    if login.trashed:
        item["trashed"] = True
    if folder_uuid:
        item["folderUuid"] = folder_uuid
    return item


def onepif(logins: Sequence[Login]) -> str:
    """A ``data.1pif``: folders first (``system.folder.Regular``), then the logins."""
    folders = {name: f"FOLDER{n:04d}" for n, name in enumerate(
        dict.fromkeys(login.folder for login in logins if login.folder))}  # fmt: skip
    objects: list[dict[str, object]] = [
        {"uuid": uuid, "typeName": "system.folder.Regular", "title": name}
        for name, uuid in folders.items()
    ]
    objects += [
        onepif_login(n, login, folders.get(login.folder) if login.folder else None)
        for n, login in enumerate(logins)
    ]
    return "".join(json.dumps(obj) + "\n" + SEPARATOR + "\n" for obj in objects)

"""A test-side writer for Enpass's CSV export (title, label/value pairs, note).

Written from Enpass's export layout (a ``Title,Field,Value,...,Note`` header, then one row per
item with as many label/value pairs as the item has fields), not from the reader.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence

from strategies.vault_core import Login


def enpass_csv(logins: Sequence[Login]) -> str:
    """Logins as Enpass writes them: every row as long as its own fields, all cells quoted."""
    buf = io.StringIO()
    writer = csv.writer(buf, quoting=csv.QUOTE_ALL, lineterminator="\r\n")
    widest = 4
    writer.writerow(["Title", *(["Field", "Value"] * widest), "Note"])
    for login in logins:
        pairs = ["Username", login.username, "Password", login.password]
        for url in login.urls:
            pairs += ["Website", url]
        if login.totp:
            pairs += ["One-time code", "otpauth://totp/x?secret=JBSWY3DPEHPK3PXP"]
        writer.writerow([login.title, *pairs, login.notes])
    return buf.getvalue()

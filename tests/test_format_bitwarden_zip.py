"""Bitwarden's zip export with attachments: the JSON inside is read, attachments counted."""

from __future__ import annotations

import io
import json
import zipfile
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from pwhygiene import read_vault
from pwhygiene.exceptions import UnsupportedFormat
from strategies.vault_core import Login, bitwarden_json, login_lists

FIXTURES = Path(__file__).parent / "fixtures" / "vault"
ZIP = FIXTURES / "bitwarden-zip" / "bitwarden_export_with_attachments.zip"


def _zip(members: dict[str, bytes | str]) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, data in members.items():
            zf.writestr(name, data)
    return buf.getvalue()


def test_zip_reads_like_the_json_it_holds() -> None:
    """The zip's items equal the plain JSON export's; two attachments are counted, unread.

    Stands for Bitwarden's "File > Export vault > .zip (with attachments)".
    """
    vault = read_vault(ZIP)
    plain = read_vault(FIXTURES / "bitwarden" / "individual.json")
    assert vault.source_format == "bitwarden-zip"
    assert [(i.id, i.password, i.kind) for i in vault] == [
        (i.id, i.password, i.kind) for i in plain
    ]
    assert "2 attachment(s) in the zip were not read" in vault.warnings


def test_password_protected_data_json_is_refused_with_the_way_out(tmp_path: Path) -> None:
    """An encrypted data.json inside the zip names the format that reads it."""
    path = tmp_path / "export.zip"
    path.write_bytes(
        _zip({"data.json": json.dumps({"encrypted": True, "passwordProtected": True})})
    )
    with pytest.raises(UnsupportedFormat, match="bitwarden-encrypted-json"):
        read_vault(path)


@given(items=login_lists, attachments=st.integers(0, 3))
def test_round_trip(
    tmp_path_factory: pytest.TempPathFactory, items: list[Login], attachments: int
) -> None:
    """Logins written as a Bitwarden zip read back with their passwords; attachments counted."""
    members: dict[str, bytes | str] = {"data.json": json.dumps(bitwarden_json(items))}
    for n in range(attachments):
        members[f"attachments/id-{n}/file-{n}.bin"] = bytes(range(n + 1))
    path = tmp_path_factory.mktemp("bwz") / "export.zip"
    path.write_bytes(_zip(members))
    vault = read_vault(path)
    assert [(i.title, i.password) for i in vault] == [(i.title, i.password) for i in items]
    counted = [w for w in vault.warnings if "attachment" in w]
    assert counted == (
        [f"{attachments} attachment(s) in the zip were not read"] if attachments else []
    )

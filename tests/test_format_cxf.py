"""FIDO Credential Exchange Format (CXF) 1.0: the spec-shaped fixture, round-trips, audit."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from pwhygiene import audit, read_vault
from pwhygiene.exceptions import MalformedExport, UnsupportedFormat
from pwhygiene.vault import ItemKind
from strategies.vault_core import Login, login_lists, marked_passwords
from strategies.vault_cxf import cxf_document

FIXTURE = Path(__file__).parent / "fixtures" / "vault" / "cxf" / "cxf-1.0.json"


def test_fixture_items() -> None:
    """Every credential type of the spec's data model maps to the right kind and flags.

    Stands for a CXF 1.0 document as Bitwarden, 1Password, Dashlane or KeePassXC export it:
    basic-auth with TOTP, a passkey-only login, a note, a card, Wi-Fi and an API key.
    """
    vault = read_vault(FIXTURE)
    assert vault.source_format == "cxf"
    by_title = {item.title: item for item in vault}
    mail = by_title["Mail"]
    assert (mail.kind, mail.username, mail.password) == (
        ItemKind.LOGIN,
        "kim@example.com",
        "Cxf-mail-0001",
    )
    assert mail.totp
    assert not mail.passkey
    assert mail.folder == "Work"
    assert mail.urls == ("https://mail.example.com/",)
    assert mail.created is not None
    assert mail.created.source == "creationAt"
    shop = by_title["Shop"]
    assert (shop.kind, shop.password, shop.passkey) == (ItemKind.LOGIN, None, True)
    assert by_title["Door code"].kind is ItemKind.NOTE
    assert by_title["Visa"].kind is ItemKind.CARD
    assert (by_title["Home Wi-Fi"].kind, by_title["Home Wi-Fi"].password) == (
        ItemKind.LOGIN,
        "Cxf-wifi-0002",
    )
    assert (by_title["Some API"].kind, by_title["Some API"].password) == (ItemKind.OTHER, None)


def test_audit_finds_weak_reused_and_http_logins(tmp_path: Path) -> None:
    """A CXF export is audited like any other: weak, reused and http:// logins are found."""
    document = json.loads(FIXTURE.read_text())
    items = document["accounts"][0]["items"]
    reused = json.loads(json.dumps(items[2]))
    reused["id"], reused["title"] = "aXRlbS1yZXVzZWQ", "Other forum"
    items.append(reused)
    path = tmp_path / "export.json"
    path.write_text(json.dumps(document))
    report = audit(path)
    checks = {item.title: {f.check for f in item.findings} for item in report.items}
    assert {"weak", "reused", "insecure_url"} <= checks["Old forum"]
    assert "reused" in checks["Other forum"]


def _write(tmp_path_factory: pytest.TempPathFactory, document: object) -> Path:
    path = tmp_path_factory.mktemp("cxf") / "export.json"
    path.write_text(json.dumps(document), encoding="utf-8")
    return path


@given(items=login_lists, passkeys=st.lists(st.booleans(), max_size=6))
def test_round_trip(
    tmp_path_factory: pytest.TempPathFactory, items: list[Login], passkeys: list[bool]
) -> None:
    """Logins written as CXF read back field for field (ids, dates, TOTP, passkeys, folders)."""
    vault = read_vault(_write(tmp_path_factory, cxf_document(items, passkeys=passkeys)))
    assert len(vault) == len(items)
    for n, (item, login) in enumerate(zip(vault, items, strict=True)):
        assert item.kind is ItemKind.LOGIN
        assert (item.title, item.username, item.password) == (
            login.title,
            login.username,
            login.password,
        )
        assert item.urls == login.urls
        assert item.totp == login.totp
        assert item.passkey == (n < len(passkeys) and passkeys[n])
        assert item.folder == login.folder
        assert item.notes_present == bool(login.notes)
        assert item.created is not None
        assert item.created.at.timestamp() == int(login.created.timestamp())


@given(secret=marked_passwords)
def test_malformed_item_names_its_path_not_its_secret(
    tmp_path_factory: pytest.TempPathFactory, secret: str
) -> None:
    """A bad field is refused with its JSON path; lenient mode skips it; no secret is shown."""
    document = json.loads(FIXTURE.read_text())
    document["accounts"][0]["items"][0]["scope"]["urls"] = [secret, 7]
    document["accounts"][0]["items"][0]["creationAt"] = secret
    path = _write(tmp_path_factory, document)
    with pytest.raises(MalformedExport) as info:
        read_vault(path)
    assert "$.accounts[0].items[0]" in str(info.value)
    assert secret not in str(info.value)
    lenient = read_vault(path, strict=False)
    assert len(lenient) == len(document["accounts"][0]["items"]) - 1
    assert all(secret not in w for w in lenient.warnings)


def test_other_major_version_is_refused(tmp_path: Path) -> None:
    """A CXF 2.x document is refused with the version we read, not misread."""
    document = json.loads(FIXTURE.read_text())
    document["version"] = {"major": 2, "minor": 0}
    path = tmp_path / "export.json"
    path.write_text(json.dumps(document))
    with pytest.raises(UnsupportedFormat, match=r"1\.x"):
        read_vault(path)

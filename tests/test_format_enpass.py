"""Enpass JSON reader: per-field change times, password history, folders, round-trips, leaks."""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import datetime, timezone
from pathlib import Path

import pytest
from hypothesis import given

from pwhygiene import read_vault
from pwhygiene._vault.formats import enpass
from pwhygiene._vault.registry import Detection, detect, take_sample
from pwhygiene.exceptions import MalformedExport
from pwhygiene.vault import ItemKind
from strategies.vault_more import (
    Entry,
    assert_rejection_hides,
    enpass_json,
    entry_lists,
    expected,
    marked_passwords,
    observed,
    write_file,
)

FIXTURE = Path(__file__).parent / "fixtures" / "vault" / "enpass-json" / "enpass.json"


def utc(epoch_seconds: int) -> datetime:
    """A UTC datetime from Unix seconds, as Enpass writes times."""
    return datetime.fromtimestamp(epoch_seconds, timezone.utc)


def test_fixture_items() -> None:
    """The password field dates the change and carries history; deleted fields are ignored."""
    vault = read_vault(FIXTURE)
    twitter, database, card, note = vault.items
    assert twitter.id == "item-twitter"
    assert (twitter.username, twitter.password) == ("emily@example.com", "En-twitter-0001")
    assert twitter.urls == ("https://twitter.example.com/", "https://m.twitter.example.com/")
    assert (twitter.totp, twitter.folder) == (True, "Social/Friends")
    assert twitter.password_changed is not None
    assert (twitter.password_changed.at, twitter.password_changed.source) == (
        utc(1698000000), "value_updated_at",
    )  # fmt: skip
    assert [(h.password, h.changed) for h in twitter.history] == [
        ("En-twitter-old1", utc(1534490049)), ("En-twitter-old2", utc(1535521734)),
    ]  # fmt: skip
    assert twitter.created is not None
    assert twitter.created.source == "createdAt"
    assert (database.kind, database.password, database.trashed) == (
        ItemKind.LOGIN,
        "En-db-0002",
        True,
    )
    assert (card.kind, card.password, note.kind, note.notes_present) == (
        ItemKind.CARD, None, ItemKind.NOTE, True,
    )  # fmt: skip
    assert vault.warnings == (
        f"{FIXTURE}: $.items[0].fields[2].history[2]: an encrypted history entry cannot be audited",
    )


def test_archived_items_count_as_trashed(tmp_path: Path) -> None:
    """Archived items are kept but marked ``trashed`` (out of the audit, as in Enpass)."""
    item = {"uuid": "i", "title": "t", "category": "login", "archived": 1, "trashed": 0}
    data = {"folders": [], "items": [item]}
    (read,) = read_vault(write_file(tmp_path, "e.json", json.dumps(data)), format="enpass-json")
    assert read.trashed


def test_folder_cycle_terminates(tmp_path: Path) -> None:
    """Folders that name each other as parents still resolve (the cycle stops)."""
    data = {
        "folders": [
            {"uuid": "a", "parent_uuid": "b", "title": "A"},
            {"uuid": "b", "parent_uuid": "a", "title": "B"},
        ],
        "items": [{"uuid": "i", "title": "t", "category": "note", "folders": ["a"]}],
    }
    (item,) = read_vault(write_file(tmp_path, "e.json", json.dumps(data)), format="enpass-json")
    assert item.folder == "B/A"


def test_field_that_is_not_an_object_names_its_path(tmp_path: Path) -> None:
    """A field that is not an object is an error naming ``$.items[n].fields[m]``."""
    data = {"folders": [], "items": [{"uuid": "i", "title": "t", "fields": ["x"]}]}
    path = write_file(tmp_path, "e.json", json.dumps(data))
    with pytest.raises(MalformedExport, match=r"\$\.items\[0\]\.fields\[0\]: expected an object"):
        read_vault(path, format="enpass-json")
    assert len(read_vault(path, format="enpass-json", strict=False).warnings) == 1


def test_sniffer_needs_enpass_keys(tmp_path: Path) -> None:
    """``items`` alone (Bitwarden has it too) is not Enpass; ``template_type`` makes it so."""
    plain = write_file(tmp_path, "b.json", json.dumps({"encrypted": False, "items": []}))
    assert enpass.sniff(take_sample(plain)) is Detection.NO
    assert detect(FIXTURE).name == "enpass-json"


def _expected(e: Entry) -> tuple[object, ...]:
    return expected(e, "enpass-json", folder=e.folder, trashed=e.trashed, created=True,
                    modified=True, changed=True, history=True)  # fmt: skip


@given(items=entry_lists)
def test_round_trip(tmp_path_factory: pytest.TempPathFactory, items: list[Entry]) -> None:
    """Logins written as Enpass JSON read back with change times and history, in order."""
    path = write_file(tmp_path_factory.mktemp("en"), "e.json", json.dumps(enpass_json(items)))
    vault = read_vault(path)
    assert [observed(i) for i in vault] == [
        _expected(replace(e, history=tuple(h for h in e.history if h[0]))) for e in items
    ]


@given(items=entry_lists, secret=marked_passwords)
def test_no_password_in_reprs_errors_or_warnings(
    tmp_path_factory: pytest.TempPathFactory, items: list[Entry], secret: str
) -> None:
    """No repr, error or warning shows a password or an old password."""
    folder = tmp_path_factory.mktemp("ens")
    first = replace(items[0], password=secret, history=((secret + "old", items[0].created),))
    data = enpass_json([first, *items[1:]])
    vault = read_vault(write_file(folder, "ok.json", json.dumps(data)))
    assert secret not in repr(vault)
    assert secret not in str(list(vault))
    fields = data["items"][0]["fields"]  # type: ignore[index]
    fields[1]["value_updated_at"] = secret
    fields[1]["history"].append({"encrypted": True, "updated_at": 1, "value": secret})
    path = write_file(folder, "bad.json", json.dumps(data))
    assert_rejection_hides(path, secret)

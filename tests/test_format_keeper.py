"""Keeper readers (header-less CSV, JSON): fixtures, cautious detection, round-trips, leaks."""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from pwhygiene import VaultItem, read_vault
from pwhygiene._vault.formats import keeper
from pwhygiene._vault.registry import Detection, detect, take_sample
from pwhygiene.exceptions import AmbiguousFormat, MalformedExport, UnsupportedFormat
from pwhygiene.vault import ItemKind
from strategies.vault_more import (
    Entry,
    assert_rejection_hides,
    csv_text,
    entry_lists,
    expected,
    keeper_csv,
    keeper_json,
    marked_passwords,
    observed,
    write_file,
)

FIXTURES = Path(__file__).parent / "fixtures" / "vault"
CSV = FIXTURES / "keeper-csv" / "keeper.csv"
JSON = FIXTURES / "keeper-json" / "keeper.json"


def test_csv_fixture_items() -> None:
    """Header-less rows: subfolders, custom-field pairs, TFC:Keeper TOTP, multi-line note."""
    bar, bar1, bar2, door = read_vault(CSV)
    assert bar == VaultItem(
        id=bar.id, title="Bar", source_format="keeper-csv", username="john.doe@example.com",
        password="Kp-bar-0001", urls=("https://example.com/",), folder="Foo",
        notes_present=True,
    )  # fmt: skip
    assert (bar1.totp, bar2.totp) == (False, True)
    assert bar2.folder == "Foo/Baz"
    assert (door.kind, door.password, door.notes_present) == (ItemKind.NOTE, None, True)


def test_csv_fixture_detection_is_cautious() -> None:
    """A plain Keeper row is only MAYBE; a ``TFC:Keeper`` field in the first row makes it YES."""
    assert keeper.sniff_csv(take_sample(CSV)) is Detection.MAYBE
    first = FIXTURES / "keeper-csv" / "keeper-tfc-first.csv"
    assert keeper.sniff_csv(take_sample(first)) is Detection.YES
    assert detect(CSV).name == "keeper-csv"


@pytest.mark.parametrize(
    "first_line",
    [
        "name,url,username,password",
        "url,username,password,totp,extra,name,grouping,fav",
        "Title,URL,Username,Password,Notes,OTPAuth",
        "folder,favorite,type,name,notes,fields,reprompt,login_uri,login_username,login_password",
        '"Group","Title","Username","Password","URL","Notes","TOTP"',
        '{"records": [], "a": 1, "b": 2, "c": 3, "d": 4, "e": 5}',
        "a,b,c,d,not a url,f,g",
        "a,b,c,d,https://x.test,f,g,odd",
    ],
)
def test_csv_sniffer_says_no_to_headers_and_odd_rows(tmp_path: Path, first_line: str) -> None:
    """Headers of other exports, JSON, a non-URL 5th cell or unpaired custom fields are NO."""
    sample = take_sample(write_file(tmp_path, "x.csv", first_line + "\n"))
    assert keeper.sniff_csv(sample) is Detection.NO


def test_csv_unpaired_custom_field_names_the_line(tmp_path: Path) -> None:
    """Custom fields come in name/value pairs; a lone name is an error naming its line."""
    rows = [["F", "T", "u", "p", "", "", "", "Account"]]
    path = write_file(tmp_path, "k.csv", csv_text(None, rows))
    with pytest.raises(MalformedExport, match="line 1: expected custom fields as name/value"):
        read_vault(path, format="keeper-csv")
    assert read_vault(path, format="keeper-csv", strict=False).warnings


def test_csv_added_header_line_is_not_an_item(tmp_path: Path) -> None:
    """A header some tools prepend (Folder,Title,Login,Password,...) is skipped, not read."""
    text = "Folder,Title,Login,Password,Website Address,Notes\r\nF,T,u,p,https://t.test,\r\n"
    (item,) = read_vault(write_file(tmp_path, "k.csv", text), format="keeper-csv")
    assert item.title == "T"


def test_json_fixture_items() -> None:
    """JSON: uids, every URL ($url fields too), folder paths, typed records, legacy TOTP."""
    amazon, db, card, note, legacy = read_vault(JSON)
    assert amazon.id == "rec-amazon"
    assert amazon.urls == (
        "https://www.amazon.com", "https://login.amazon.com", "https://logout.amazon.com",
        "https://account.amazon.com",
    )  # fmt: skip
    assert (amazon.totp, amazon.folder) == (True, "Personal/Shopping")
    assert amazon.modified is not None
    assert amazon.modified.source == "last_modified"
    assert (db.kind, db.password, db.folder) == (
        ItemKind.LOGIN,
        "Kp-db-0006",
        "Team/Ops/Name\\with backslash",
    )
    assert (card.kind, card.password, note.kind) == (ItemKind.CARD, None, ItemKind.NOTE)
    assert (legacy.id.startswith("fp-"), legacy.totp) == (True, True)


@pytest.mark.parametrize(
    ("raw", "path"),
    [("A\\B", "A/B"), ("A\\\\B", "A\\B"), ("\\A\\\\\\B\\", "A\\/B"), ("", None), ("A/B", "A/B")],
)
def test_keeper_path(raw: str, path: str | None) -> None:
    r"""``\\`` separates levels and ``\\\\`` is a literal backslash; empty levels vanish."""
    assert keeper.keeper_path(raw) == path


_LEVELS = st.text(min_size=1, max_size=8).filter(lambda s: not s.startswith("\\"))


@given(levels=st.lists(_LEVELS, min_size=1, max_size=4))
def test_keeper_path_inverts_keepers_escaping(levels: list[str]) -> None:
    r"""Levels escaped as Keeper writes them (``\`` doubled, joined by ``\``) read back.

    A level that starts with a backslash is ambiguous in Keeper's syntax itself (``a\\\b``
    is ``a\`` / ``b`` or ``a`` / ``\b``); the reader takes the first reading.
    """
    raw = "\\".join(level.replace("\\", "\\\\") for level in levels)
    assert keeper.keeper_path(raw) == "/".join(levels)


def test_json_bad_url_field_names_path(tmp_path: Path) -> None:
    """A ``$url`` custom field that is not text names its JSON path."""
    data = {"records": [{"title": "x", "login_url": "", "custom_fields": {"$url": [3]}}]}
    with pytest.raises(MalformedExport, match=r"\$\.records\[0\]\.custom_fields"):
        read_vault(write_file(tmp_path, "k.json", json.dumps(data)))


def _csv_ok(items: list[Entry]) -> bool:
    """Rows Keeper itself could not tell from its header line are excluded from round trips."""
    first = items[0]
    return [(first.folder or "").lower(), first.title.lower()] != ["folder", "title"]


@given(items=entry_lists)
def test_csv_round_trip(tmp_path_factory: pytest.TempPathFactory, items: list[Entry]) -> None:
    """Logins written as Keeper's header-less CSV read back field for field (first URL only)."""
    assume(_csv_ok(items))
    path = write_file(tmp_path_factory.mktemp("kc"), "k.csv", keeper_csv(items))
    vault = read_vault(path, format="keeper-csv")
    assert [observed(i) for i in vault] == [
        expected(e, "keeper-csv", urls=e.urls[:1], folder=e.folder) for e in items
    ]


@given(items=entry_lists)
def test_csv_auto_detection_never_picks_another_format(
    tmp_path_factory: pytest.TempPathFactory, items: list[Entry]
) -> None:
    """A Keeper CSV is detected as ``keeper-csv`` or refused; never read as another format."""
    path = write_file(tmp_path_factory.mktemp("kd"), "k.csv", keeper_csv(items))
    try:
        name = detect(path).name
    except (AmbiguousFormat, UnsupportedFormat) as exc:
        message = str(exc)
        name = "keeper-csv" if "--format" in message else message
    assert name == "keeper-csv"


@given(items=entry_lists)
def test_json_round_trip(tmp_path_factory: pytest.TempPathFactory, items: list[Entry]) -> None:
    """Logins written as Keeper JSON read back with uids, all URLs and modification times."""
    path = write_file(tmp_path_factory.mktemp("kj"), "k.json", json.dumps(keeper_json(items)))
    vault = read_vault(path)
    assert vault.source_format == "keeper-json"
    assert [observed(i) for i in vault] == [
        expected(e, "keeper-json", folder=e.folder, modified=True) for e in items
    ]
    assert [i.id for i in vault] == [f"uid-{n}" for n in range(len(items))]


@given(items=entry_lists, secret=marked_passwords)
def test_no_password_in_reprs_errors_or_warnings(
    tmp_path_factory: pytest.TempPathFactory, items: list[Entry], secret: str
) -> None:
    """No repr, error or warning shows a password, even in a record that cannot be read."""
    folder = tmp_path_factory.mktemp("ks")
    items = [replace(items[0], password=secret), *items[1:]]
    data = keeper_json(items)
    vault = read_vault(write_file(folder, "ok.json", json.dumps(data)))
    assert secret not in repr(vault)
    assert secret not in str(list(vault))
    data["records"][0]["last_modified"] = secret  # type: ignore[index]
    path = write_file(folder, "bad.json", json.dumps(data))
    assert_rejection_hides(path, secret)
    bad_csv = csv_text(None, [["F", "T", "u", secret, "", "", "", "lonely"]])
    with pytest.raises(MalformedExport) as info:
        read_vault(write_file(folder, "bad.csv", bad_csv), format="keeper-csv")
    assert secret not in str(info.value)


@pytest.mark.parametrize("strict", [True, False])
def test_numeric_uid_is_read_as_the_id(strict: bool) -> None:
    """Records whose ``uid`` is a JSON number read in both modes; the number becomes the id.

    Stands for the Keeper JSON exports reported in issue 11, whose records carry a numeric
    ``uid`` instead of Keeper's usual record-uid string.
    """
    vault = read_vault(FIXTURES / "keeper-json" / "keeper-numeric-uid.json", strict=strict)
    assert [item.id for item in vault] == ["1", "2", "rec-str"]
    assert vault.items[0].password == "Kp-num-0011"
    assert not vault.warnings

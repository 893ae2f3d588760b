"""pass / gopass stores, decrypted by a real GnuPG with a real key (never a mock).

Real-world shape: a ``~/.password-store`` as ``pass`` and its extensions leave it: folders per
category, ``site/username`` paths, ``login:``/``url:`` lines, ``otpauth://`` lines, a ``.git``
folder, and the occasional entry encrypted to a key this machine does not hold.
"""

from __future__ import annotations

import json
import logging
import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pass_writer import PassEntry, gnupg_home, write_store
from pwhygiene import read_vault
from pwhygiene._cli import main
from pwhygiene._vault.registry import Detection, _load, detect, take_sample
from pwhygiene.exceptions import MalformedExport, UnsupportedFormat
from pwhygiene.vault import formats


@pytest.fixture(scope="module")
def gpg_key() -> Iterator[tuple[Path, str]]:
    """A passphrase-less key in a throwaway GnuPG home, made the process's GNUPGHOME."""
    previous = os.environ.get("GNUPGHOME")
    with gnupg_home() as (home, fingerprint):
        os.environ["GNUPGHOME"] = str(home)
        try:
            yield home, fingerprint
        finally:
            if previous is None:
                os.environ.pop("GNUPGHOME", None)
            else:
                os.environ["GNUPGHOME"] = previous


SAMPLE = [
    PassEntry("email/mailbox.example", "Summer2024!", login="alice@mailbox.example"),
    PassEntry("shopping/shop.example/alice", "Summer2024!"),
    PassEntry("work/intranet", "c0rrect-Horse-battery-9", url="http://intranet.example/login"),
    PassEntry("social/forum.example", "zq8#Lw!vT2@pXr7&Nf", login="alice", otp=True),
    PassEntry("notes/wifi", "hunter2", note="router in the hallway"),
]


def test_a_store_reads_with_conventions(gpg_key: tuple[Path, str], tmp_path: Path) -> None:
    """Paths are titles and folders; a domain in the path is the site, a name below it the user."""
    home, key = gpg_key
    store = write_store(tmp_path / "store", home, key, SAMPLE)
    (store / ".git").mkdir()
    (store / ".git" / "junk.gpg").write_bytes(b"not an entry")
    vault = read_vault(store)
    assert vault.source_format == "pass"
    items = {item.title: item for item in vault.items}
    assert set(items) == {entry.name for entry in SAMPLE}
    shop = items["shopping/shop.example/alice"]
    assert (shop.username, shop.urls, shop.folder) == (
        "alice",
        ("https://shop.example",),
        "shopping/shop.example",
    )
    mail = items["email/mailbox.example"]
    assert (mail.username, mail.urls) == ("alice@mailbox.example", ("https://mailbox.example",))
    assert items["work/intranet"].urls == ("http://intranet.example/login",)
    assert items["social/forum.example"].totp
    assert items["notes/wifi"].notes_present
    assert items["notes/wifi"].password == "hunter2"


names = st.lists(st.from_regex(r"[a-z][a-z0-9_-]{0,8}", fullmatch=True), min_size=1, max_size=3)
passwords = st.text(
    st.characters(blacklist_categories=("Cc", "Cs", "Zl", "Zp")), min_size=1, max_size=30
).filter(lambda p: p.strip() == p and p)
logins = st.none() | st.from_regex(r"[a-z][a-z0-9.@]{0,15}", fullmatch=True)


@settings(
    max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    st.lists(
        st.tuples(names, passwords, logins, st.booleans()),
        min_size=1,
        max_size=4,
        unique_by=lambda e: "/".join(e[0]),
    )
)
def test_round_trip_through_a_real_gnupg(
    gpg_key: tuple[Path, str],
    tmp_path_factory: pytest.TempPathFactory,
    drawn: list[tuple[list[str], str, str | None, bool]],
) -> None:
    """Round trip: what the writer encrypts, the reader decrypts to the same fields."""
    home, key = gpg_key
    entries = [
        PassEntry("/".join(parts), pw, login=login, otp=otp) for parts, pw, login, otp in drawn
    ]
    names_set = {e.name for e in entries}
    if any(other.startswith(name + "/") for name in names_set for other in names_set):
        return  # a file and a folder of the same name cannot both exist
    store = write_store(tmp_path_factory.mktemp("store"), home, key, entries)
    items = {item.title: item for item in read_vault(store).items}
    for entry in entries:
        item = items[entry.name]
        assert item.password == entry.password
        assert item.totp == entry.otp
        if entry.login is not None:
            assert item.username == entry.login


def test_an_entry_for_another_key_is_named_strictly_and_skipped_leniently(
    gpg_key: tuple[Path, str], tmp_path: Path
) -> None:
    """An entry this GnuPG cannot decrypt: strict names it; lenient warns and reads the rest."""
    home, key = gpg_key
    store = write_store(tmp_path / "store", home, key, SAMPLE[:2])
    with gnupg_home() as (other_home, other_key):
        write_store(store, other_home, other_key, [PassEntry("team/shared", "Sekr3t-team-pass")])
    (store / ".gpg-id").write_text(key + "\n")
    with pytest.raises(MalformedExport, match="team/shared") as info:
        read_vault(store)
    assert "Sekr3t" not in str(info.value)
    vault = read_vault(store, strict=False)
    assert {item.title for item in vault.items} == {SAMPLE[0].name, SAMPLE[1].name}
    assert any("team/shared" in warning for warning in vault.warnings)


def test_a_fifo_named_like_an_entry_does_not_hang(
    gpg_key: tuple[Path, str], tmp_path: Path
) -> None:
    """A FIFO in the store is refused by name instead of blocking the read."""
    home, key = gpg_key
    store = write_store(tmp_path / "store", home, key, SAMPLE[:1])
    os.mkfifo(store / "trap.gpg")
    with pytest.raises(MalformedExport, match="trap"):
        read_vault(store)


def test_the_audit_of_a_store_finds_weak_reused_and_insecure_logins(
    gpg_key: tuple[Path, str], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """``pwhygiene audit STORE`` just works: weak, reused and http:// logins are found."""
    home, key = gpg_key
    store = write_store(tmp_path / "store", home, key, SAMPLE)
    code = main(["audit", str(store), "--no-breach", "--output", "json", "--as-of", "2026-11-25"])
    assert code == 1
    report = json.loads(capsys.readouterr().out)
    checks = {finding["check"] for item in report["items"] for finding in item["findings"]}
    assert {"weak", "reused", "insecure_url"} <= checks


def test_no_password_reaches_logs_or_warnings(
    gpg_key: tuple[Path, str], tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    """GnuPG's wrapper logs at DEBUG; none of it, nor any warning, holds a password."""
    home, key = gpg_key
    store = write_store(tmp_path / "store", home, key, SAMPLE)
    with caplog.at_level(logging.DEBUG):
        vault = read_vault(store, strict=False)
    text = caplog.text + "\n".join(vault.warnings) + repr(vault)
    for entry in SAMPLE:
        assert entry.password not in text


def test_pass_is_listed_among_the_formats() -> None:
    """``pwhygiene formats`` lists the pass store reader."""
    assert "pass" in {info.name for info in formats()}


def test_only_pass_claims_a_store_and_no_reader_claims_a_plain_directory(tmp_path: Path) -> None:
    """Detection: a directory with ``.gpg-id`` is pass alone; one without is nobody's."""
    (tmp_path / "store").mkdir()
    (tmp_path / "store" / ".gpg-id").write_text("ABCDEF\n")
    (tmp_path / "plain").mkdir()
    assert detect(tmp_path / "store").name == "pass"
    sample = take_sample(tmp_path / "store")
    claims = {name for name, spec in _load().items() if spec.sniff(sample) is not Detection.NO}
    assert claims == {"pass"}
    with pytest.raises(UnsupportedFormat, match="is a directory"):
        detect(tmp_path / "plain")

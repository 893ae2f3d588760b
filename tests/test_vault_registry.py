"""The format registry: discovery, content detection, ambiguity, refusals of non-exports."""

from __future__ import annotations

import contextlib
import csv
import io
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

import pwhygiene
import pwhygiene.vault
from pwhygiene import PwhygieneError, read_vault
from pwhygiene._vault import registry
from pwhygiene._vault.registry import Detection, FormatSpec, ReadOptions, Sample, detect
from pwhygiene.exceptions import AmbiguousFormat, InvalidInput, UnsupportedFormat
from pwhygiene.vault import Vault
from strategies.vault_core import write_file

FIXTURES = Path(__file__).parent / "fixtures" / "vault"
CORE_FORMATS = {
    "bitwarden-json", "bitwarden-csv", "bitwarden-encrypted-json", "1password-1pux",
    "1password-csv", "lastpass-csv", "chrome-csv", "firefox-csv", "safari-csv",
}  # fmt: skip
CORE_FIXTURE_DIRS = ("bitwarden", "onepassword", "lastpass", "browsers")


def test_formats_lists_the_core_readers_sorted_and_described() -> None:
    """formats() lists every core format, sorted, each with a description and detection."""
    infos = pwhygiene.vault.formats()
    names = [i.name for i in infos]
    assert names == sorted(names)
    assert len(names) == len(set(names))
    assert set(names) >= CORE_FORMATS
    assert all(i.description and i.detection for i in infos)
    assert {i.name for i in infos if i.encrypted} >= {"bitwarden-encrypted-json"}


@pytest.mark.parametrize(
    "path",
    sorted(p for d in CORE_FIXTURE_DIRS for p in (FIXTURES / d).iterdir()),
    ids=lambda p: f"{p.parent.name}/{p.name}",
)
def test_every_core_fixture_is_detected_unambiguously(path: Path) -> None:
    """Against every registered sniffer, each core fixture gets exactly one YES."""
    sample = registry.take_sample(path)
    yes = [n for n, s in registry._load().items() if s.sniff(sample) is Detection.YES]
    assert len(yes) == 1, yes


def test_empty_file_is_refused(tmp_path: Path) -> None:
    """An empty (or whitespace-only) file is refused with a message saying so."""
    path = tmp_path / "empty.csv"
    path.write_bytes(b" \r\n")
    with pytest.raises(UnsupportedFormat, match="empty"):
        read_vault(path)


def test_binary_garbage_is_refused(tmp_path: Path) -> None:
    """Binary garbage is not an export; the error points at `pwhygiene formats`."""
    path = tmp_path / "x.bin"
    path.write_bytes(bytes(range(256)) * 4)
    with pytest.raises(UnsupportedFormat, match="pwhygiene formats"):
        read_vault(path)


def test_directory_and_missing_file(tmp_path: Path) -> None:
    """A directory or a missing path is an UnsupportedFormat, not an OSError."""
    with pytest.raises(UnsupportedFormat, match="directory"):
        read_vault(tmp_path)
    with pytest.raises(UnsupportedFormat, match="cannot be read"):
        read_vault(tmp_path / "missing.csv")


def test_unknown_format_name_lists_the_known_ones(tmp_path: Path) -> None:
    """format= with an unknown name is InvalidInput naming the valid choices."""
    path = tmp_path / "x.csv"
    path.write_text("a\n")
    with pytest.raises(InvalidInput, match="bitwarden-csv"):
        read_vault(path, format="nope")


def _spec(name: str, ext: str) -> FormatSpec:
    def sniff(sample: Sample) -> Detection:
        return Detection.YES if sample.text and sample.text.startswith("AMBIG") else Detection.NO

    def read(path: Path, options: ReadOptions) -> Vault:
        return Vault(items=(), source_format=name, path=path)

    return FormatSpec(name, "test", "test", sniff, read, (ext,))


def test_ambiguity_names_candidates_and_format_flag(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Two YES sniffers give an AmbiguousFormat listing both and naming --format."""
    registry._load()
    monkeypatch.setitem(registry._REGISTRY, "zz-test-a", _spec("zz-test-a", ".a"))
    monkeypatch.setitem(registry._REGISTRY, "zz-test-b", _spec("zz-test-b", ".a"))
    path = tmp_path / "x.txt"
    path.write_text("AMBIG")
    with pytest.raises(AmbiguousFormat, match="--format") as info:
        detect(path)
    assert info.value.candidates == ("zz-test-a", "zz-test-b")
    assert read_vault(path, format="zz-test-b").source_format == "zz-test-b"


def test_extension_breaks_a_tie(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """When two sniffers claim a file, a unique extension match decides."""
    registry._load()
    monkeypatch.setitem(registry._REGISTRY, "zz-test-a", _spec("zz-test-a", ".aaa"))
    monkeypatch.setitem(registry._REGISTRY, "zz-test-b", _spec("zz-test-b", ".bbb"))
    path = tmp_path / "x.bbb"
    path.write_text("AMBIG")
    assert detect(path).name == "zz-test-b"


@given(data=st.binary(max_size=400))
def test_random_bytes_only_raise_library_errors(
    tmp_path_factory: pytest.TempPathFactory, data: bytes
) -> None:
    """Auto-detection and reading of arbitrary bytes fail only with PwhygieneError."""
    path = write_file(tmp_path_factory, "x", data)
    with contextlib.suppress(PwhygieneError):
        read_vault(path)


CORE_CSV_HEADERS = {
    "bitwarden-csv": "folder,favorite,type,name,notes,fields,reprompt,login_uri,login_username,"
    "login_password,login_totp",
    "1password-csv": "Title,Url,Username,Password,OTPAuth,Favorite,Archived,Tags,Notes",
    "lastpass-csv": "url,username,password,totp,extra,name,grouping,fav",
    "chrome-csv": "name,url,username,password,note",
    "firefox-csv": "url,username,password,httpRealm,formActionOrigin,guid,timeCreated,"
    "timeLastUsed,timePasswordChanged",
    "safari-csv": "Title,URL,Username,Password,Notes,OTPAuth",
}
_ANY_CELL = st.text(st.characters(codec="utf-8", exclude_categories=["Cs"]), max_size=30)


@given(fmt=st.sampled_from(sorted(CORE_CSV_HEADERS)), data=st.data())
def test_arbitrary_cells_under_a_valid_header_raise_only_library_errors(
    tmp_path_factory: pytest.TempPathFactory, fmt: str, data: st.DataObject
) -> None:
    """Any cell values under a real header are read or refused, never crash a reader."""
    header = CORE_CSV_HEADERS[fmt]
    width = header.count(",") + 1
    rows = data.draw(st.lists(st.lists(_ANY_CELL, min_size=width, max_size=width), max_size=3))
    buf = io.StringIO()
    csv.writer(buf).writerows(rows)
    path = write_file(tmp_path_factory, "x.csv", header + "\r\n" + buf.getvalue())
    with contextlib.suppress(PwhygieneError):
        read_vault(path, format=fmt)

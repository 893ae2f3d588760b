"""Auto-detection across every registered format: each fixture is claimed by its format alone.

Fixtures in a directory named after a format (``tests/fixtures/vault/keeper-csv/...``) must be
detected as that format. Directories that group a family (``bitwarden/``, ``keepass/``, ...)
list their files in ``FAMILY_FIXTURES`` below; files that are not exports (key files) are in
``NOT_EXPORTS``. A new fixture that fits neither rule fails ``test_every_fixture_is_covered``,
so whoever adds one decides what it must be detected as.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from pwhygiene._vault.registry import Detection, _load, detect, take_sample
from pwhygiene.exceptions import UnsupportedFormat
from pwhygiene.vault import formats
from strategies.vault_more import write_file

ROOT = Path(__file__).parent / "fixtures" / "vault"

FAMILY_FIXTURES = {
    "bitwarden/account-restricted.json": "bitwarden-encrypted-json",
    "bitwarden/encrypted-argon2id.json": "bitwarden-encrypted-json",
    "bitwarden/encrypted-pbkdf2.json": "bitwarden-encrypted-json",
    "bitwarden/individual.csv": "bitwarden-csv",
    "bitwarden/individual.json": "bitwarden-json",
    "bitwarden/organization.csv": "bitwarden-csv",
    "bitwarden/organization.json": "bitwarden-json",
    "browsers/chrome-note.csv": "chrome-csv",
    "browsers/chrome.csv": "chrome-csv",
    "browsers/firefox.csv": "firefox-csv",
    "browsers/safari-utf16.csv": "safari-csv",
    "keepass/kdbx3-aeskdf-aes-keyfile.kdbx": "keepass-kdbx",
    "keepass/kdbx3-aeskdf-aes.kdbx": "keepass-kdbx",
    "keepass/kdbx4-aeskdf-aes.kdbx": "keepass-kdbx",
    "keepass/kdbx4-argon2-bomb.kdbx": "keepass-kdbx",
    "keepass/kdbx4-argon2d-chacha20.kdbx": "keepass-kdbx",
    "keepass/kdbx4-argon2id-aes.kdbx": "keepass-kdbx",
    "keepass/kdbx4-argon2id-chacha20-keyfile.kdbx": "keepass-kdbx",
    "keepass/kdbx4-keyfile-only.kdbx": "keepass-kdbx",
    "keepass/kdbx4-keyfile-empty-password.kdbx": "keepass-kdbx",
    "keepass/kdbx4-twofish.kdbx": "keepass-kdbx",
    "keepass/keepass-export.xml": "keepass-xml",
    "keepass/keepass1x.csv": "keepass-csv",
    "keepass/keepassxc-6-columns.csv": "keepassxc-csv",
    "keepass/keepassxc.csv": "keepassxc-csv",
    "lastpass/extension.csv": "lastpass-csv",
    "lastpass/web-escaped.csv": "lastpass-csv",
    "onepassword/1password8.csv": "1password-csv",
    "onepassword/export.1pux": "1password-1pux",
    "onepassword/export-categories.1pux": "1password-1pux",
}
GENERATED = {"pass"}
"""Formats whose samples are made per run (a pass store needs a GnuPG key made for the run)."""
NOT_EXPORTS = {
    "README.md",
    "keepass/keyfile-binary.key",
    "keepass/keyfile-hex.key",
    "keepass/keyfile-v1.key",
    "keepass/keyfile-v2.keyx",
}


def _fixtures() -> list[str]:
    return sorted(str(p.relative_to(ROOT)) for p in ROOT.rglob("*") if p.is_file())


def _expected(rel: str) -> str | None:
    """The format ``rel`` must be detected as (``None``: not an export); KeyError if unknown."""
    if rel in NOT_EXPORTS:
        return None
    directory = rel.split("/", 1)[0]
    if directory in {f.name for f in formats()}:
        return directory
    return FAMILY_FIXTURES[rel]


def test_every_fixture_is_covered() -> None:
    """Each fixture is in a format-named directory or listed here with its expected format."""
    unknown = [rel for rel in _fixtures() if _safe_expected(rel) == "?"]
    assert unknown == [], "add these fixtures to FAMILY_FIXTURES or NOT_EXPORTS"


def _safe_expected(rel: str) -> str | None:
    try:
        return _expected(rel)
    except KeyError:
        return "?"


def test_every_format_has_a_fixture() -> None:
    """No registered format goes without at least one fixture that exercises its detection."""
    covered = {_safe_expected(rel) for rel in _fixtures()}
    assert {f.name for f in formats()} - covered - GENERATED == set()


@pytest.mark.parametrize("rel", [r for r in _fixtures() if _safe_expected(r) not in (None, "?")])
def test_fixture_is_detected_as_its_own_format_only(rel: str) -> None:
    """``detect`` picks the expected format, and no other sniffer is as sure as it is."""
    path = ROOT / rel
    expected = _expected(rel)
    assert detect(path).name == expected
    sample = take_sample(path)
    verdicts = {name: spec.sniff(sample) for name, spec in _load().items()}
    rivals = {n: v for n, v in verdicts.items() if n != expected and v >= verdicts[expected]}
    assert rivals == {}
    assert verdicts[expected] > Detection.NO


@pytest.mark.parametrize("rel", sorted(NOT_EXPORTS))
def test_non_exports_are_not_claimed(rel: str) -> None:
    """Files that are not exports (key files) are refused as unrecognised, not misread."""
    with pytest.raises(UnsupportedFormat, match="not an export format"):
        detect(ROOT / rel)


def test_fixture_renamed_without_extension_is_still_detected(tmp_path: Path) -> None:
    """Detection reads content: an export renamed to ``export`` keeps its format."""
    for rel in _fixtures():
        expected = _safe_expected(rel)
        if expected in (None, "?"):
            continue
        path = write_file(tmp_path, "export", (ROOT / rel).read_bytes())
        verdicts = {n: s.sniff(take_sample(path)) for n, s in _load().items()}
        if verdicts[expected] is Detection.YES:  # MAYBE formats may need the extension
            assert detect(path).name == expected, rel


@given(data=st.binary(max_size=2048), name=st.sampled_from(["x.csv", "x.json", "x.zip", "x"]))
def test_sniffers_never_raise(
    tmp_path_factory: pytest.TempPathFactory, data: bytes, name: str
) -> None:
    """Every sniffer answers NO/MAYBE/YES for any bytes; none crashes detection."""
    path = write_file(tmp_path_factory.mktemp("sniff"), name, data)
    try:
        sample = take_sample(path)
    except UnsupportedFormat:
        return
    except ValueError:  # a file that starts like a zip but is not one: MalformedExport
        return
    for spec in _load().values():
        assert isinstance(spec.sniff(sample), Detection)


@given(text=st.text(max_size=300), name=st.sampled_from(["x.csv", "x.json"]))
def test_sniffers_never_raise_on_text(
    tmp_path_factory: pytest.TempPathFactory, text: str, name: str
) -> None:
    """Text with any characters (quotes, commas, braces) never breaks a sniffer."""
    path = write_file(tmp_path_factory.mktemp("sniff"), name, text.encode("utf-8", "surrogatepass"))
    for spec in _load().values():
        assert isinstance(spec.sniff(take_sample(path)), Detection)

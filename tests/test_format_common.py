"""The rules every reader shares: blank cells and unique ids, checked across formats."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from pwhygiene import read_vault
from pwhygiene.exceptions import MalformedExport
from pwhygiene.vault import ItemKind

BLANK = "   "  # a whitespace-only cell, as a spreadsheet round-trip leaves it
SPACES = "  "  # a password of two spaces: weak, but a password

# One login per format, username whitespace-only, password two spaces. Headers follow each
# vendor's export as documented in docs/formats-*.md.
_CASES: dict[str, tuple[str, str]] = {
    "bitwarden-csv": (
        "b.csv",
        "folder,favorite,type,name,notes,fields,reprompt,login_uri,login_username,"
        f"login_password,login_totp\n,,login,T,,,0,https://a.example,{BLANK},{SPACES},\n",
    ),
    "bitwarden-json": (
        "b.json",
        json.dumps(
            {
                "encrypted": False,
                "folders": [],
                "items": [
                    {
                        "id": "1",
                        "type": 1,
                        "name": "T",
                        "login": {"username": BLANK, "password": SPACES, "uris": []},
                    }
                ],
            }
        ),
    ),
    "dashlane-csv": (
        "d.csv",
        "username,username2,username3,title,password,note,url,category,otpSecret\n"
        f"{BLANK},,,T,{SPACES},,https://a.example,,\n",
    ),
    "lastpass-csv": (
        "l.csv",
        f"url,username,password,totp,extra,name,grouping,fav\nhttps://a.example,{BLANK},{SPACES},,,T,,0\n",
    ),
    "1password-csv": (
        "o.csv",
        "Title,Url,Username,Password,OTPAuth,Favorite,Archived,Tags,Notes\n"
        f"T,https://a.example,{BLANK},{SPACES},,false,false,,\n",
    ),
    "chrome-csv": ("c.csv", f"name,url,username,password\nT,https://a.example,{BLANK},{SPACES}\n"),
    "keepassxc-csv": (
        "k.csv",
        '"Group","Title","Username","Password","URL","Notes"\n'
        f'"Root","T","{BLANK}","{SPACES}","https://a.example",""\n',
    ),
    "roboform-csv": (
        "r.csv",
        f"Name,Url,MatchUrl,Login,Pwd,Note,Folder,RfFieldsV2\nT,https://a.example,,{BLANK},{SPACES},,,\n",
    ),
}


@pytest.mark.parametrize("fmt", sorted(_CASES))
def test_one_blank_cell_rule_in_every_format(tmp_path: Path, fmt: str) -> None:
    """A whitespace-only username is no username; a password of spaces is kept and audited."""
    name, text = _CASES[fmt]
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    vault = read_vault(path, format=fmt)
    (item,) = vault.items
    assert item.username is None
    assert item.password == SPACES
    assert item.kind is ItemKind.LOGIN


@pytest.mark.parametrize("fmt", ["chrome-csv", "keepassxc-csv", "roboform-csv", "dashlane-csv"])
def test_repeated_entries_get_distinct_stable_ids(tmp_path: Path, fmt: str) -> None:
    """Two identical rows get ``<id>`` and ``<id>-2``, the same on every read of the file."""
    name, text = _CASES[fmt]
    header, _, row = text.partition("\n")
    path = tmp_path / name
    path.write_text(header + "\n" + row + row, encoding="utf-8")
    first, second = (item.id for item in read_vault(path, format=fmt))
    assert second == f"{first}-2"
    assert [i.id for i in read_vault(path, format=fmt)] == [first, second]


_BROKEN = {
    # a row with one cell too many (an unquoted comma), then a good row
    "chrome-csv": (
        "c.csv",
        "name,url,username,password\n"
        "A,https://a.example,ann,pw-a-1\n"
        "B,https://b.example,bob,pw,b-2\n"
        "C,https://c.example,cy,pw-c-3\n",
    ),
    # a stray quote inside an unquoted cell: not well-formed CSV at all
    "bitwarden-csv": (
        "b.csv",
        "folder,favorite,type,name,notes,fields,reprompt,login_uri,login_username,"
        "login_password,login_totp\n"
        ",,login,A,,,0,https://a.example,ann,pw-a-1,\n"
        ',,login,B,,,0,https://b.example,bob,"pw"b-2,\n'
        ",,login,C,,,0,https://c.example,cy,pw-c-3,\n",
    ),
}


@pytest.mark.parametrize("fmt", sorted(_BROKEN))
def test_lenient_mode_skips_a_malformed_row_and_goes_on(tmp_path: Path, fmt: str) -> None:
    """Lenient: the bad row (line 3) is skipped with a warning naming it; later rows read."""
    name, text = _BROKEN[fmt]
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    vault = read_vault(path, format=fmt, strict=False)
    assert [item.title for item in vault] == ["A", "C"]
    (warning,) = vault.warnings
    assert "line 3" in warning
    assert "pw" not in warning.replace(str(path), "")


@pytest.mark.parametrize("fmt", sorted(_BROKEN))
def test_strict_mode_refuses_the_malformed_row(tmp_path: Path, fmt: str) -> None:
    """Strict: the same file is refused, the error naming line 3."""
    name, text = _BROKEN[fmt]
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    with pytest.raises(MalformedExport, match="line 3"):
        read_vault(path, format=fmt)

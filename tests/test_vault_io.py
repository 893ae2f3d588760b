"""Shared reader plumbing (``pwhygiene._vault.io``): decoding, CSV rows, JSON, zips, times."""

from __future__ import annotations

import codecs
import csv
import io
import zipfile
from datetime import datetime, timezone
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from pwhygiene._vault import io as vio
from pwhygiene._vault import zipdir
from pwhygiene.exceptions import ExportTooLarge, MalformedExport
from strategies.vault_core import write_file

TEXT = 'name,note\nCafé,"two\nlines"\n'


@pytest.mark.parametrize(
    "encoded",
    [
        TEXT.encode("utf-8"),
        codecs.BOM_UTF8 + TEXT.encode("utf-8"),
        codecs.BOM_UTF16_LE + TEXT.encode("utf-16-le"),
        codecs.BOM_UTF16_BE + TEXT.encode("utf-16-be"),
    ],
    ids=["utf8", "utf8-bom", "utf16-le", "utf16-be"],
)
def test_read_text_decodes_every_supported_encoding(tmp_path: Path, encoded: bytes) -> None:
    """UTF-8 with or without BOM and UTF-16 with either BOM decode to the same text."""
    path = tmp_path / "f.csv"
    path.write_bytes(encoded)
    assert vio.read_text(path) == TEXT


def test_read_text_refuses_binary(tmp_path: Path) -> None:
    """A binary file (NUL bytes, no BOM) is refused as not text."""
    path = tmp_path / "f.bin"
    path.write_bytes(b"\x00\x01\x02garbage")
    with pytest.raises(MalformedExport, match="binary"):
        vio.read_text(path)


def test_read_text_names_the_line_of_invalid_utf8(tmp_path: Path) -> None:
    """Invalid UTF-8 is an error naming the line it is on."""
    path = tmp_path / "f.csv"
    path.write_bytes(b"a\nb\nc\xff\n")
    with pytest.raises(MalformedExport, match="line 3"):
        vio.read_text(path)


def test_read_text_size_limit(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A file above the size limit is refused before it is read."""
    monkeypatch.setattr(vio, "MAX_FILE_BYTES", 10)
    path = tmp_path / "f.csv"
    path.write_bytes(b"x" * 11)
    with pytest.raises(ExportTooLarge):
        vio.read_text(path)


@pytest.mark.parametrize("line_end", ["\n", "\r\n", "\r\r\n"], ids=["lf", "crlf", "crcrlf"])
def test_csv_rows_line_ends_and_line_numbers(tmp_path: Path, line_end: str) -> None:
    """LF, CRLF and CR CR LF files give the same rows; blank records are skipped."""
    text = line_end.join(["a,b", "1,2", '3,"x', 'y"', "", "5,6"]) + line_end
    path = tmp_path / "f.csv"
    path.write_bytes(text.encode())
    rows = list(vio.csv_rows(path))
    assert [r.values for r in rows] == [
        {"a": "1", "b": "2"},
        {"a": "3", "b": f"x{line_end}y"},
        {"a": "5", "b": "6"},
    ]
    assert rows[0].line < rows[1].line < rows[2].line


def test_csv_rows_short_and_long_rows_name_the_line(tmp_path: Path) -> None:
    """A short row, and a long one without allow_extra, raise with the line number."""
    path = tmp_path / "f.csv"
    path.write_text("a,b\n1,2\n3\n")
    with pytest.raises(MalformedExport, match="line 3"):
        list(vio.csv_rows(path))
    path.write_text("a,b\n1,2,3\n")
    with pytest.raises(MalformedExport, match="line 2"):
        list(vio.csv_rows(path))
    assert next(vio.csv_rows(path, allow_extra=True)).extra == ("3",)


def test_csv_rows_headerless(tmp_path: Path) -> None:
    """With an explicit header the first record is data."""
    path = tmp_path / "f.csv"
    path.write_text("1,2\n")
    assert [r.values for r in vio.csv_rows(path, header=["a", "b"])] == [{"a": "1", "b": "2"}]


_CELL = st.text(
    st.characters(codec="utf-8", exclude_categories=("Cs", "Cc"), include_characters='\r\n,"'),
    max_size=8,
)


@given(rows=st.lists(st.lists(_CELL, min_size=2, max_size=2), max_size=5))
def test_csv_rows_round_trip(
    tmp_path_factory: pytest.TempPathFactory, rows: list[list[str]]
) -> None:
    """Whatever :mod:`csv` writes, csv_rows reads back (blank records excepted)."""
    buf = io.StringIO()
    csv.writer(buf).writerows([["a", "b"], *rows])
    path = write_file(tmp_path_factory, "f.csv", buf.getvalue())
    expected = [r for r in rows if any(c.strip() for c in r)]
    assert [[r.values["a"], r.values["b"]] for r in vio.csv_rows(path)] == expected


def test_load_json_error_names_line_and_column(tmp_path: Path) -> None:
    """A JSON syntax error names the line and column."""
    path = tmp_path / "f.json"
    path.write_text('{\n  "a": [1,\n  ]\n}')
    with pytest.raises(MalformedExport, match="line 3 column 3"):
        vio.load_json(path)


def test_load_json_deep_nesting(tmp_path: Path) -> None:
    """Absurdly deep nesting is a MalformedExport, not a RecursionError."""
    path = tmp_path / "f.json"  # padded, so the container density alone does not refuse it
    path.write_text(("[" + " " * 24) * 100_000 + "]" * 100_000)
    with pytest.raises(MalformedExport, match="nested"):
        vio.load_json(path)


def test_get_and_opt_name_the_json_path(tmp_path: Path) -> None:
    """Typed access errors name the JSON path and the expected type, never the value."""
    obj = {"n": "secret-value", "b": True}
    with pytest.raises(MalformedExport, match=r"\$\.x\.n: expected a integer") as info:
        vio.get(obj, "n", int, tmp_path, "$.x")
    assert "secret-value" not in str(info.value)
    with pytest.raises(MalformedExport, match=r"\$\.m: expected a field 'm'"):
        vio.get(obj, "m", str, tmp_path, "$")
    with pytest.raises(MalformedExport):
        vio.get(obj, "b", int, tmp_path, "$")  # a bool is not an int
    assert vio.opt(obj, "absent", str, tmp_path, "$") is None


def test_safe_zip_refuses_a_bomb(tmp_path: Path) -> None:
    """A member compressing better than the ratio limit is refused as a zip bomb."""
    path = tmp_path / "bomb.zip"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("a.csv", b"0" * 10_000_000)
    with vio.SafeZip(path) as archive, pytest.raises(ExportTooLarge, match="zip bomb"):
        archive.read("a.csv")


def test_safe_zip_limits(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Member count, total size and member size limits are each enforced."""
    path = tmp_path / "z.zip"
    with zipfile.ZipFile(path, "w") as zf:
        for n in range(3):
            zf.writestr(f"m{n}", b"x" * 100)
    monkeypatch.setattr(zipdir, "MAX_ZIP_MEMBERS", 2)
    with pytest.raises(ExportTooLarge, match="members"):
        vio.SafeZip(path)
    monkeypatch.setattr(zipdir, "MAX_ZIP_MEMBERS", 10)
    monkeypatch.setattr(zipdir, "MAX_ZIP_TOTAL_BYTES", 250)
    with pytest.raises(ExportTooLarge):
        vio.SafeZip(path)
    monkeypatch.setattr(zipdir, "MAX_ZIP_TOTAL_BYTES", 10_000)
    monkeypatch.setattr(zipdir, "MAX_ZIP_MEMBER_BYTES", 50)
    with vio.SafeZip(path) as archive, pytest.raises(ExportTooLarge):
        archive.read("m0")


def test_safe_zip_missing_member_and_bad_archive(tmp_path: Path) -> None:
    """A missing member and a broken archive are both MalformedExport."""
    path = tmp_path / "z.zip"
    with zipfile.ZipFile(path, "w") as zf:
        zf.writestr("a", b"1")
    with vio.SafeZip(path) as archive, pytest.raises(MalformedExport, match="b"):
        archive.read("b")
    path.write_bytes(b"PK\x03\x04 not really a zip")
    with pytest.raises(MalformedExport, match="zip"):
        vio.SafeZip(path)


@given(
    at=st.datetimes(
        min_value=datetime(1974, 1, 1),
        max_value=datetime(2100, 1, 1),
        timezones=st.just(timezone.utc),
    )
)
def test_parse_timestamp_units_agree(at: datetime) -> None:
    """The same instant as ISO text, epoch seconds, ms and µs parses to one datetime."""
    at = at.replace(microsecond=0)
    seconds = int(at.timestamp())
    for value in (at.isoformat(), seconds, str(seconds * 1000), seconds * 1_000_000):
        parsed = vio.parse_timestamp(value, "field")
        assert parsed is not None
        assert parsed.at == at
        assert parsed.source == "field"


@pytest.mark.parametrize("value", [None, "", 0])
def test_parse_timestamp_empty(value: object) -> None:
    """Absent, empty and zero timestamps mean "unknown", not the epoch."""
    assert vio.parse_timestamp(value, "f") is None


@pytest.mark.parametrize("value", ["yesterday", True, [], "2024-13-45"])
def test_parse_timestamp_garbage(value: object) -> None:
    """Text that is neither ISO 8601 nor a Unix time raises ValueError."""
    with pytest.raises(ValueError, match="timestamp"):
        vio.parse_timestamp(value, "f")


def test_epoch_milliseconds_are_exact() -> None:
    """Unix times in ms are converted without float rounding (…002 ms stays …002 ms)."""
    stamp = vio.parse_timestamp(2_147_558_400_002, "t")
    assert stamp is not None
    assert stamp.at.microsecond == 2_000
    text = vio.parse_timestamp("1700000000.25", "t")
    assert text is not None
    assert text.at.microsecond == 250_000

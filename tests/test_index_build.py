"""Building an index: both download layouts, bad input with line numbers, atomic output."""

from __future__ import annotations

import tempfile
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

import pwhygiene
import pwhygiene.exceptions
from pwhygiene._breach.index import corpus as index_corpus
from pwhygiene._breach.index.build import build_index, choose_bucket_bits
from pwhygiene._breach.index.offline import OfflineIndex
from strategies.corpora import Corpus, corpora, write_folder, write_single

SHA1_ROWS = tuple((f"{i:040X}", i) for i in range(1, 6))


@given(
    corpus=st.sampled_from(["sha1", "ntlm"]).flatmap(corpora),
    crlf=st.booleans(),
    suffixes=st.booleans(),
)
def test_single_file_and_prefix_folder_build_byte_identical_indexes(
    corpus: Corpus, crlf: bool, suffixes: bool
) -> None:
    """The two download layouts of one corpus give the same bytes (same name and date)."""
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        single = write_single(folder / "one.txt", corpus, crlf=crlf, final_newline=not crlf)
        prefixes = write_folder(folder / "many", corpus, crlf=not crlf)
        for empty in {"12345", "abcde"} - {d[:5].lower() for d, _ in corpus.rows}:
            (prefixes / f"{empty}.txt").write_bytes(b"")  # an empty range file adds nothing
        options = {"mode": corpus.mode, "with_suffixes": suffixes, "source_name": "pwned"}
        build_index(single, folder / "a.idx", built_at=1_700_000_000, **options)  # type: ignore[arg-type]
        build_index(prefixes, folder / "b.idx", built_at=1_700_000_000, **options)  # type: ignore[arg-type]
        assert (folder / "a.idx").read_bytes() == (folder / "b.idx").read_bytes()


@given(corpus=corpora(min_size=3, max_size=12), data=st.data())
def test_an_out_of_order_line_is_rejected_with_its_line_number(
    corpus: Corpus, data: st.DataObject
) -> None:
    """Swapping two lines (or repeating one) fails with the first line that breaks the order."""
    rows = list(corpus.rows)
    i = data.draw(st.integers(1, len(rows) - 1))
    duplicate = data.draw(st.booleans())
    rows[i] = rows[i - 1] if duplicate else rows[i]
    if not duplicate:
        rows[i - 1], rows[i] = rows[i], rows[i - 1]
    with tempfile.TemporaryDirectory() as tmp:
        source = write_single(Path(tmp) / "c.txt", Corpus("sha1", tuple(rows)), crlf=False)
        with pytest.raises(
            pwhygiene.exceptions.BadCorpus, match=rf"c\.txt: line {i + 1}: "
        ) as info:
            build_index(source, Path(tmp) / "c.idx")
        assert "repeats" in str(info.value) if duplicate else "out of order" in str(info.value)
        assert not any(digest in str(info.value) for digest, _ in rows)
        assert sorted(p.name for p in Path(tmp).iterdir()) == ["c.txt"]


@pytest.mark.parametrize(
    ("line", "reason"),
    [
        ("", "expected HASH:COUNT"),
        ("00000000000000000000000000000000000000FF", "expected HASH:COUNT"),
        ("00000000000000000000000000000000000000FF:", "expected HASH:COUNT"),
        ("00000000000000000000000000000000000000FF;7", "expected ':'"),
        ("0000000000000000000000000000000000000GFF:7", "not hexadecimal"),
        ("00000000000000000000000000000000000000FF:1,234", "not a decimal"),
        ("00000000000000000000000000000000000000FF:-1", "not a decimal"),
        ("00000000000000000000000000000000000000FF:0", "count 0"),
        ("00000000000000000000000000000000000000FF:12345678901234567890", "expected HASH:COUNT"),
        ("000000000000000000000000000000FF:7", "needs --ntlm"),
        ("00000000000000000000000000000000000000FF:7 ", "not a decimal"),
    ],
)
def test_a_malformed_line_is_rejected_with_its_line_number(
    tmp_path: Path, line: str, reason: str
) -> None:
    """Each kind of malformed line is named by line number and cause, never quoted."""
    text = "\n".join([f"{h}:{c}" for h, c in SHA1_ROWS[:2]] + [line] + ["F" * 40 + ":1"]) + "\n"
    (tmp_path / "c.txt").write_text(text)
    with pytest.raises(pwhygiene.exceptions.BadCorpus, match=r"line 3: ") as info:
        build_index(tmp_path / "c.txt", tmp_path / "c.idx")
    assert reason in str(info.value)
    assert not line or line not in str(info.value)


def test_a_bad_line_in_the_folder_is_named_by_file_and_line(tmp_path: Path) -> None:
    """In the folder layout the error names the prefix file and the line within it."""
    (tmp_path / "00000.txt").write_text("0" * 35 + ":1\n" + "1" * 35 + ":2\n")
    (tmp_path / "00001.txt").write_text("0" * 35 + ":1\r\n" + "0" * 35 + "Z:2\r\n")
    with pytest.raises(pwhygiene.exceptions.BadCorpus, match=r"00001\.txt: line 2: "):
        build_index(tmp_path, tmp_path.parent / "x.idx")


def test_errors_across_chunk_boundaries_keep_global_line_numbers(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Order is checked across chunks and line numbers count from the start of the file."""
    monkeypatch.setattr(index_corpus, "CHUNK_BYTES", 100)
    rows = [(f"{i:040X}", 1) for i in range(1, 40)]
    rows[30], rows[31] = rows[31], rows[30]
    write_single(tmp_path / "c.txt", Corpus("sha1", tuple(rows)), crlf=True)
    with pytest.raises(pwhygiene.exceptions.BadCorpus, match=r"line 32: is out of order"):
        build_index(tmp_path / "c.txt", tmp_path / "c.idx")


def test_small_chunks_build_the_same_index(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Chunking (and collision groups straddling chunks) never changes the output bytes."""
    rows = [(f"{i // 3:016X}{i:024X}", i + 250) for i in range(300)]
    source = write_single(tmp_path / "c.txt", Corpus("sha1", tuple(rows)), crlf=False)
    build_index(source, tmp_path / "big.idx", built_at=0)
    monkeypatch.setattr(index_corpus, "CHUNK_BYTES", 64)
    build_index(source, tmp_path / "small.idx", built_at=0)
    assert (tmp_path / "big.idx").read_bytes() == (tmp_path / "small.idx").read_bytes()
    with OfflineIndex.open(tmp_path / "small.idx") as index:
        assert index.count_many([h for h, _ in rows]) == dict(rows)
        assert index.info.collision_count == 300


def test_a_failed_build_leaves_the_previous_index_and_no_temp_files(tmp_path: Path) -> None:
    """The old index survives a failed rebuild untouched; no partial file is left behind."""
    write_single(tmp_path / "c.txt", Corpus("sha1", SHA1_ROWS), crlf=False)
    build_index(tmp_path / "c.txt", tmp_path / "c.idx")
    before = (tmp_path / "c.idx").read_bytes()
    (tmp_path / "c.txt").write_text("F" * 40 + ":1\n" + "0" * 40 + ":1\n")
    with pytest.raises(pwhygiene.exceptions.BadCorpus):
        build_index(tmp_path / "c.txt", tmp_path / "c.idx")
    assert (tmp_path / "c.idx").read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["c.idx", "c.txt"]


def test_empty_and_missing_sources_are_bad_corpora(tmp_path: Path) -> None:
    """An empty download, an empty folder or a missing path is refused with a hint."""
    (tmp_path / "empty.txt").write_text("")
    (tmp_path / "folder").mkdir()
    for source, hint in [("empty.txt", "no hashes"), ("folder", "XXXXX.txt"), ("gone", "no such")]:
        with pytest.raises(pwhygiene.exceptions.BadCorpus, match=hint):
            build_index(tmp_path / source, tmp_path / "out.idx")
    assert not (tmp_path / "out.idx").exists()


def test_progress_reports_every_byte_read(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The progress callback receives the source size in total, chunk by chunk."""
    monkeypatch.setattr(index_corpus, "CHUNK_BYTES", 50)
    source = write_single(tmp_path / "c.txt", Corpus("sha1", SHA1_ROWS), crlf=True)
    seen: list[int] = []
    build_index(source, tmp_path / "c.idx", progress=seen.append)
    assert sum(seen) == source.stat().st_size
    assert len(seen) > 1


def test_invalid_options_raise_invalid_input(tmp_path: Path) -> None:
    """An unknown mode or out-of-range bucket_bits is an InvalidInput."""
    source = write_single(tmp_path / "c.txt", Corpus("sha1", SHA1_ROWS), crlf=False)
    with pytest.raises(pwhygiene.exceptions.InvalidInput):
        build_index(source, tmp_path / "c.idx", mode="md5")  # type: ignore[arg-type]
    with pytest.raises(pwhygiene.exceptions.InvalidInput):
        build_index(source, tmp_path / "c.idx", bucket_bits=25)


@pytest.mark.parametrize(
    ("count", "bits"), [(1, 0), (127, 0), (128, 1), (10**7, 17), (2 * 10**9, 24)]
)
def test_bucket_bits_aim_at_64_to_128_records_per_bucket(count: int, bits: int) -> None:
    """The layout estimate from the first rows picks 64-128 records per bucket, at most 2**24."""
    if count <= 1 << 16:
        sample = np.zeros((count, 20), dtype=np.uint8)
        assert choose_bucket_bits(sample, complete=True) == bits
    else:
        top = (1 << 16) * 2**64 // count
        sample = np.zeros((1 << 16, 20), dtype=np.uint8)
        sample[-1, :8] = np.frombuffer(top.to_bytes(8, "big"), dtype=np.uint8)
        assert choose_bucket_bits(sample, complete=False) == bits


def test_a_runaway_line_is_rejected_before_it_fills_memory(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A line longer than a chunk (no line break in sight) is refused with its line number."""
    monkeypatch.setattr(index_corpus, "CHUNK_BYTES", 64)
    (tmp_path / "c.txt").write_text("0" * 40 + ":1\n" + "A" * 300 + "\n")
    with pytest.raises(pwhygiene.exceptions.BadCorpus, match=r"line 2: no line break"):
        build_index(tmp_path / "c.txt", tmp_path / "c.idx")


@given(
    garbage=st.text(
        alphabet=st.characters(codec="ascii", exclude_characters="\r\n"), min_size=6, max_size=60
    ),
    position=st.integers(0, 5),
)
def test_a_malformed_line_is_never_quoted(garbage: str, position: int) -> None:
    """Whatever a bad line holds, the error names its number and repeats none of it."""
    rows = [f"{h}:{c}" for h, c in SHA1_ROWS]
    rows.insert(position, "~" + garbage)  # "~" appears in no message unless the line is echoed
    with tempfile.TemporaryDirectory() as tmp:
        (Path(tmp) / "c.txt").write_text("\n".join(rows) + "\n")
        with pytest.raises(
            pwhygiene.exceptions.BadCorpus, match=rf"c\.txt: line {position + 1}: "
        ) as info:
            build_index(Path(tmp) / "c.txt", Path(tmp) / "c.idx")
        message = str(info.value).split(": line ", 1)[1]
        assert "~" not in message
        assert not any(h in message for h, _ in SHA1_ROWS)


def test_an_unwritable_output_is_an_offline_index_error(tmp_path: Path) -> None:
    """A missing output folder is reported as an OfflineIndexError naming it, not a traceback."""
    source = write_single(tmp_path / "c.txt", Corpus("sha1", SHA1_ROWS), crlf=False)
    with pytest.raises(pwhygiene.exceptions.OfflineIndexError, match="was not written"):
        build_index(source, tmp_path / "missing" / "c.idx")

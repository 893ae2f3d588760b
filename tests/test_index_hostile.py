"""Every malformed index is a CorruptIndex: damaged, cut or crafted, never another exception.

The crafted files recompute the header checksum (so they get past it, as a deliberate edit
would) and go for the seams behind it: header fields out of range or at odds with each other,
absurd section sizes and offsets, a bucket table that descends or leaves the records, metadata
that is not the JSON object the spec says, and data changed with both checksums recomputed.
"""

from __future__ import annotations

import hashlib
import os
import tempfile
import tracemalloc
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from pwhygiene._breach.index.build import build_index
from pwhygiene._breach.index.offline import OfflineIndex
from pwhygiene.exceptions import CorruptIndex, OfflineIndexError
from strategies.corpora import Corpus, IndexFile, Mutation, mutations, write_single

# Counts on both sides of the one-byte field, one key shared by three hashes (a collision
# group), and 19-digit counts: every side table is in use.
SHA1_ROWS = (
    [(f"{i:02X}" * 20, i) for i in range(1, 200, 7)]
    + [(f"{i:02X}" * 4 + "A" * 32, 250 + i) for i in range(1, 200, 9)]
    + [("FE" * 8 + f"{i:024X}", 300 + i) for i in range(3)]
    + [("0E" * 20, 10**19 - 1)]
)
NTLM_ROWS = [(f"{i:02X}" * 16, 200 + 3 * i) for i in range(0, 256, 5)]
ABSENT = {
    "sha1": ["FE" * 8 + "9" * 24, "77" * 20, hashlib.sha1(b"absent").hexdigest().upper()],
    "ntlm": ["0C" * 16, "FF" * 4 + "00" * 12],  # not a false positive (key differs)
}
MEMORY = 2 << 20  # bytes open() and every lookup may allocate beyond twice the file's size


def _index(folder: Path, name: str, corpus: Corpus, **options: object) -> tuple[bytes, Corpus]:
    source = write_single(folder / f"{name}.txt", corpus, crlf=False)
    build_index(source, folder / f"{name}.idx", mode=corpus.mode, built_at=1, **options)  # type: ignore[arg-type]
    return (folder / f"{name}.idx").read_bytes(), corpus


@pytest.fixture(scope="module")
def originals(tmp_path_factory: pytest.TempPathFactory) -> dict[str, tuple[bytes, Corpus]]:
    """A SHA-1 mirror index (suffixes, bucket bits 4) and a compact NTLM index, as bytes."""
    folder = tmp_path_factory.mktemp("hostile")
    sha1 = Corpus("sha1", tuple(sorted(SHA1_ROWS)))
    ntlm = Corpus("ntlm", tuple(sorted(NTLM_ROWS)))
    return {
        "sha1": _index(folder, "sha1", sha1, bucket_bits=4, with_suffixes=True),
        "ntlm": _index(folder, "ntlm", ntlm),
    }


def _read_everything(path: Path, corpus: Corpus) -> dict[str, object] | OfflineIndexError:
    """Open ``path`` and call every read API; typed refusals are results, anything else raises."""
    try:
        index = OfflineIndex.open(path)
    except OfflineIndexError as exc:
        return exc
    width = 40 if index.mode == "sha1" else 32  # a crafted hash kind: ask in its digest size
    queries = [(d + "0" * 8)[:width] for d in [*corpus.as_dict(), *ABSENT[corpus.mode]]]
    raw = np.frombuffer(bytes.fromhex("".join(queries)), dtype=np.uint8).reshape(len(queries), -1)
    prefixes = sorted({d[:5] for d in queries})
    results: dict[str, object] = {}
    with index:
        calls = {
            "info": lambda: (repr(index), index.info.bytes_per_hash, index.info.built_at),
            "count": lambda: [index.count(d) for d in queries],
            "count_many": lambda: list(index.count_many(queries).values()),
            "count_array": lambda: index.count_array(queries).tolist(),
            "raw": lambda: index.count_array(raw).tolist(),
            "range": lambda: [index.range(p) for p in prefixes],
            "verify": index.verify,
        }
        for name, call in calls.items():
            try:
                results[name] = call()
            except OfflineIndexError as exc:
                results[name] = exc
    return results


def _expected(corpus: Corpus, has_suffixes: bool) -> dict[str, object]:
    counts = [*corpus.as_dict().values(), *(0 for _ in ABSENT[corpus.mode])]
    prefixes = sorted({d[:5] for d in [*corpus.as_dict(), *ABSENT[corpus.mode]]})
    ranges = [[(d[5:], c) for d, c in corpus.rows if d.startswith(p)] for p in prefixes]
    return {
        "count": counts,
        "count_many": counts,
        "count_array": counts,
        "raw": counts,
        "range": ranges if has_suffixes else None,
        "verify": None,
    }


def _check(mutation: Mutation, corpus: Corpus, has_suffixes: bool) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "m.idx"
        path.write_bytes(mutation.blob)
        tracemalloc.start()
        try:
            outcome = _read_everything(path, corpus)
            peak = tracemalloc.get_traced_memory()[1]
        finally:
            tracemalloc.stop()
    assert peak < MEMORY + 2 * len(mutation.blob), f"{peak} bytes for {mutation.detail}"
    if mutation.must_refuse:
        assert isinstance(outcome, CorruptIndex), mutation.detail
    if mutation.must_open:
        assert isinstance(outcome, dict), f"{mutation.detail}: {outcome}"
        expected = _expected(corpus, has_suffixes)
        for name, value in expected.items():
            if name == "range" and not has_suffixes:
                assert isinstance(outcome[name], OfflineIndexError)
            else:
                assert outcome[name] == value, f"{name} after {mutation.detail}"
    if mutation.verify_fails and isinstance(outcome, dict):
        assert isinstance(outcome["verify"], CorruptIndex), mutation.detail
    if isinstance(outcome, dict):
        for name in ("count", "count_many", "count_array", "raw"):
            value = outcome[name]
            assert isinstance(value, OfflineIndexError) or all(
                isinstance(c, int) and c >= 0
                for c in value  # type: ignore[attr-defined]
            )


@given(which=st.sampled_from(["sha1", "ntlm"]), data=st.data())
def test_a_damaged_or_crafted_index_is_refused_or_read_exactly(
    originals: dict[str, tuple[bytes, Corpus]], which: str, data: st.DataObject
) -> None:
    """Open and every lookup give exact counts or a CorruptIndex, never another exception.

    Memory stays within twice the file's size plus 2 MiB whatever the header declares; damage
    before the records is refused on open, damage after them fails verify(), and edits that
    keep the meaning (build time, metadata text) still read exactly.
    """
    blob, corpus = originals[which]
    _check(data.draw(mutations(blob)), corpus, has_suffixes=which == "sha1")


def _crafted(originals: dict[str, tuple[bytes, Corpus]], **craft: object) -> Path:
    blob, _ = originals["sha1"]
    changes = craft.pop("changes", {})
    folder = Path(tempfile.mkdtemp())
    (folder / "x.idx").write_bytes(IndexFile.parse(blob).craft(changes, **craft))  # type: ignore[arg-type]
    return folder / "x.idx"


@pytest.mark.parametrize(
    ("craft", "message"),
    [
        ({"changes": {"built_at": 2**63}}, "build time"),  # was OverflowError
        ({"metadata": b"[" * 100_000, "relayout": True}, "not valid JSON"),  # RecursionError
        ({"metadata": b'{"source": ' + b"9" * 5000 + b"}", "relayout": True}, "not valid JSON"),
        ({"metadata": b'{"source": 7}', "relayout": True}, "'source' is not a string"),
        ({"changes": {"max_bucket": 1}}, "largest bucket"),  # was read with too few steps
        ({"changes": {"hash_count": 0}}, "more records than hashes"),
        ({"changes": {"metadata_length": 2**40}, "relayout": True}, "metadata longer"),
        ({"changes": {"record_count": 2**61}, "relayout": True}, "records than hashes"),
        ({"changes": {"overflow_count": 2**40}, "relayout": True}, "overflow entries"),
        ({"changes": {"version": 1}}, r"version 1 .*rebuild the index with 'pwhygiene index"),
        ({"table": b"\0" * 8 * 17}, "does not span"),
        ({"table": (b"\0" * 8 * 16) + (2**64 - 1).to_bytes(8, "little")}, "does not span"),
    ],
)
def test_crafted_headers_with_a_recomputed_checksum_name_what_is_wrong(
    originals: dict[str, tuple[bytes, Corpus]], craft: dict[str, object], message: str
) -> None:
    """Crafted fields, tables or metadata (once other exceptions, or misread) name the fault."""
    with pytest.raises(CorruptIndex, match=message):
        OfflineIndex.open(_crafted(originals, **craft))


def test_a_descending_bucket_table_is_refused(originals: dict[str, tuple[bytes, Corpus]]) -> None:
    """A table that goes back (buckets overlapping) would send searches astray: refused."""
    blob, _ = originals["sha1"]
    original = IndexFile.parse(blob)
    table = np.frombuffer(original.table, dtype="<u8").copy()
    middle = len(table) // 2
    table[middle] = table[middle + 1] + 1  # larger than the next, same first and last
    path = _crafted(originals, table=table.tobytes())
    with pytest.raises(CorruptIndex, match="descends"):
        OfflineIndex.open(path)


@pytest.mark.timeout(60)  # a safety net only: before the fix, opening a FIFO waited for a writer
def test_a_fifo_a_device_or_a_folder_is_not_an_index(tmp_path: Path) -> None:
    """Paths that are not regular files are refused at once, never read or waited on."""
    os.mkfifo(tmp_path / "fifo")
    for path in (tmp_path / "fifo", Path("/dev/zero"), tmp_path):
        with pytest.raises(OfflineIndexError, match=r"not a regular file|cannot open"):
            OfflineIndex.open(path)

"""Build an offline index from the downloader's output in one streaming pass.

Memory is bounded by one parsed chunk plus the bucket table (at most 2**24 x 8 bytes x 2), not
by the corpus: records stream into a temporary file next to the target, the overflow,
collision and suffix tables into spool files that are appended at the end. The result is
fsynced and renamed over the target, so a half-built index never carries the final name.
"""

from __future__ import annotations

import contextlib
import json
import math
import os
import tempfile
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import IO

import numpy as np

from pwhygiene._breach.index.checks import index_info
from pwhygiene._breach.index.corpus import Batch, Corpus, U8Array, digest_words
from pwhygiene._breach.index.format import DIGEST_BYTES, MAX_BUCKET_BITS, Header, IndexInfo
from pwhygiene._breach.index.writer import IndexWriter
from pwhygiene._breach.source import HashMode
from pwhygiene._version import __version__
from pwhygiene.exceptions import BadCorpus, InvalidInput, OfflineIndexError

SAMPLE_ROWS = 1 << 16
TARGET_BUCKET = 64


def choose_bucket_bits(sample: U8Array, complete: bool) -> int:
    """Bucket bits for 64 to 128 records per bucket, estimated from the corpus's first rows.

    Hashes are uniform, so the k-th smallest of n sits near k/n of the key space: the first
    65,536 rows give n within ~1 % without a counting pass, and the estimate depends only on the
    hashes, so the single file and the folder of the same corpus pick the same layout.
    """
    if complete:
        estimate = float(len(sample))
    else:
        top = int(digest_words(sample[-1:])[0, 0])
        estimate = len(sample) * 2.0**64 / (top + 1)
    if estimate < 2 * TARGET_BUCKET:
        return 0
    return min(MAX_BUCKET_BITS, math.floor(math.log2(estimate / TARGET_BUCKET)))


def build_index(
    source: str | os.PathLike[str],
    output: str | os.PathLike[str],
    *,
    mode: HashMode = "sha1",
    with_suffixes: bool = False,
    bucket_bits: int | None = None,
    source_name: str | None = None,
    built_at: int | None = None,
    progress: Callable[[int], None] | None = None,
) -> IndexInfo:
    """Build an index of ``source`` (the downloader's file or folder) at ``output``.

    ``with_suffixes`` keeps the full digests (about 21 instead of 6 bytes per hash) so that
    ``pwhygiene serve`` can answer the range API. ``source_name`` and ``built_at`` (Unix
    seconds) default to the source's name and now; ``progress`` receives bytes read.
    """
    if mode not in DIGEST_BYTES:
        raise InvalidInput(f"mode must be 'sha1' or 'ntlm', not {mode!r}")
    if bucket_bits is not None and not 0 <= bucket_bits <= MAX_BUCKET_BITS:
        raise InvalidInput(f"bucket_bits must be between 0 and {MAX_BUCKET_BITS}")
    corpus = Corpus.open(source, mode)
    target = Path(output)
    metadata = json.dumps(
        {"source": source_name or corpus.path.name, "builder": f"pwhygiene {__version__}"},
        sort_keys=True,
    ).encode()
    stamp = int(time.time()) if built_at is None else built_at
    try:
        header = _build(
            corpus,
            target,
            mode=mode,
            metadata=metadata,
            with_suffixes=with_suffixes,
            bucket_bits=bucket_bits,
            stamp=stamp,
            progress=progress,
        )
    except OSError as exc:  # disk full, permissions, a vanished file: say which, not a traceback
        where = exc.filename or target
        raise OfflineIndexError(
            f"{where}: {exc.strerror or exc}; the index was not written (check space and "
            "permissions next to the output)"
        ) from exc
    return index_info(target, header, metadata)


def _build(
    corpus: Corpus,
    target: Path,
    *,
    mode: HashMode,
    metadata: bytes,
    with_suffixes: bool,
    bucket_bits: int | None,
    stamp: int,
    progress: Callable[[int], None] | None,
) -> Header:
    """Write the index next to ``target`` and rename it into place; remove it on any failure."""
    fd, temp_name = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=".part")
    try:
        with os.fdopen(fd, "w+b") as out, contextlib.ExitStack() as stack:
            names = ["overflow_index", "overflow_count", "collisions"]  # in file order
            names += ["suffixes"] if with_suffixes else []
            spools: dict[str, IO[bytes]] = {}
            for name in names:
                spools[name] = stack.enter_context(tempfile.TemporaryFile(dir=target.parent))
            writer = IndexWriter(out, mode, metadata, spools)
            batches = _report(corpus.batches(), progress)
            sample, rest = _peek(batches)
            if not len(sample.digests):
                raise BadCorpus(f"{corpus.path}: no hashes in the corpus; is the download empty?")
            bits = (
                choose_bucket_bits(sample.digests, rest is None)
                if bucket_bits is None
                else bucket_bits
            )
            writer.start(bits)
            writer.add(sample, final=rest is None)
            for batch, last in _with_last(rest):
                writer.add(batch, final=last)
            header = writer.finish(stamp)
            out.flush()
            os.fsync(out.fileno())
        os.replace(temp_name, target)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(temp_name)
        raise
    _fsync_directory(target.parent)
    return header


def _peek(batches: Iterator[Batch]) -> tuple[Batch, Iterator[Batch] | None]:
    """The first ``SAMPLE_ROWS`` rows (or all, when fewer) and the iterator of the rest."""
    taken: list[Batch] = []
    rows = 0
    for batch in batches:
        taken.append(batch)
        rows += len(batch.digests)
        if rows > SAMPLE_ROWS:
            break
    else:
        return _concat(taken), None
    joined = _concat(taken)
    head = Batch(joined.digests[:SAMPLE_ROWS], joined.counts[:SAMPLE_ROWS], joined.source_bytes)
    tail = Batch(joined.digests[SAMPLE_ROWS:], joined.counts[SAMPLE_ROWS:], 0)
    return head, _chain(tail, batches)


def _chain(first: Batch, rest: Iterator[Batch]) -> Iterator[Batch]:
    yield first
    yield from rest


def _concat(batches: list[Batch]) -> Batch:
    digests = [b.digests for b in batches]
    return Batch(
        np.concatenate(digests) if digests else np.zeros((0, 20), np.uint8),
        np.concatenate([b.counts for b in batches]) if batches else np.zeros(0, np.uint64),
        sum(b.source_bytes for b in batches),
    )


def _with_last(batches: Iterator[Batch] | None) -> Iterator[tuple[Batch, bool]]:
    if batches is None:
        return
    previous: Batch | None = None
    for batch in batches:
        if previous is not None:
            yield previous, False
        previous = batch
    if previous is not None:
        yield previous, True


def _report(batches: Iterator[Batch], progress: Callable[[int], None] | None) -> Iterator[Batch]:
    for batch in batches:
        if progress is not None:
            progress(batch.source_bytes)
        yield batch


def _fsync_directory(folder: Path) -> None:
    """Make the rename durable (POSIX); a no-op where directories cannot be opened."""
    with contextlib.suppress(OSError):
        fd = os.open(folder, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)

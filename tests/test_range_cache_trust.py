"""The disk cache trusts nothing it reads: an odd file or directory is a miss, never a hit.

Real-world shape: a cache directory someone else could write to (a shared machine, a ``/tmp``
path, a directory another user created first), a cache file edited by hand or by an attacker
(a time in the future or ``inf`` keeps an entry fresh for ever, so an emptied entry reads as
"clean" without a request), and a file swapped for a symlink to ``/dev/zero`` or for a FIFO.
Entries are written here in the cache's own format, from ``pwhygiene._breach.range.cache``.
"""

from __future__ import annotations

import os
import stat
from collections.abc import Iterator
from pathlib import Path

import pytest

from pwhygiene import RangeClient
from pwhygiene.breach import RangeCache, sha1_digest
from pwhygiene.testing import RangeServer

PASSWORD = "zephyr-marrow-glyph-tundra"
DIGEST = sha1_digest(PASSWORD)
PREFIX, SUFFIX = DIGEST[:5], DIGEST[5:]
COUNT = 3_730_471
NOW = 1_700_000_000.0
OTHER_UID = 54_321


def _entry_file(directory: Path) -> Path:
    return directory / f"sha1-{PREFIX}.range"


def _write_entry(directory: Path, fetched_at: str, rows: str = "") -> Path:
    """A cache file as the cache writes it: magic, ETag, time, then rows (none: 'clean')."""
    path = _entry_file(directory)
    path.write_text(f"pwhygiene-range-cache 1\n\n{fetched_at}\n{rows}".rstrip("\n"))
    path.chmod(0o600)
    return path


@pytest.fixture
def server() -> Iterator[RangeServer]:
    """A range API on loopback that knows the password as breached."""
    with RangeServer.from_passwords({PASSWORD: COUNT}) as running:
        yield running


@pytest.fixture
def directory(tmp_path: Path) -> Path:
    """A private cache directory of ours."""
    path = tmp_path / "cache"
    path.mkdir(mode=0o700)
    return path


def test_the_well_formed_entry_is_a_hit(directory: Path) -> None:
    """The control: an entry of ours with a sane time is read back (so the misses below mean it)."""
    _write_entry(directory, repr(NOW - 10), f"{SUFFIX}:{COUNT}")
    entry = RangeCache(directory=directory, clock=lambda: NOW).get("sha1", PREFIX)
    assert entry is not None
    assert entry.rows == {SUFFIX: COUNT}


@pytest.mark.parametrize("fetched_at", ["inf", "nan", "-1", "1e308", repr(NOW + 3600)])
def test_an_entry_from_the_future_or_from_no_time_is_a_miss(
    directory: Path, fetched_at: str
) -> None:
    """A time ahead of the clock (beyond 5 min of skew), infinite, NaN or negative: a miss."""
    _write_entry(directory, fetched_at)
    assert RangeCache(directory=directory, clock=lambda: NOW).get("sha1", PREFIX) is None


def test_a_poisoned_eternal_entry_does_not_make_a_breached_password_clean(
    server: RangeServer, directory: Path
) -> None:
    """The attack: an empty entry stamped ``inf``; the client asks the server and gets the count."""
    _write_entry(directory, "inf")
    with RangeClient(server.url, cache=RangeCache(directory=directory)) as client:
        assert client.count(DIGEST) == COUNT
    assert len(server.requests) == 1


def _owned_by_someone_else(path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Make ``path`` another user's: really (chown, as root), else by changing who we are."""
    if os.geteuid() == 0:
        os.chown(path, OTHER_UID, OTHER_UID, follow_symlinks=False)
    else:  # only root can give a file away; pretend to be another user instead
        monkeypatch.setattr(os, "geteuid", lambda: OTHER_UID)


def test_a_directory_of_another_user_is_not_adopted(
    server: RangeServer, directory: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Another user's directory: a warning, no file read from it or written to it."""
    _write_entry(directory, repr(NOW), "")  # 'clean', planted by its owner
    _owned_by_someone_else(directory, monkeypatch)
    with pytest.warns(RuntimeWarning, match="belongs to another user"):
        cache = RangeCache(directory=directory)
    assert cache.get("sha1", PREFIX) is None
    with RangeClient(server.url, cache=cache) as client:
        assert client.count(DIGEST) == COUNT
    assert sorted(p.name for p in directory.iterdir()) == [_entry_file(directory).name]
    assert len(server.requests) == 1


def test_a_file_planted_by_another_user_is_a_miss(
    directory: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Our directory, once world-writable: a file that is not ours is never read."""
    directory.chmod(0o777)
    path = _write_entry(directory, repr(NOW), "")
    cache = RangeCache(directory=directory, clock=lambda: NOW)
    assert stat.S_IMODE(directory.stat().st_mode) == 0o700  # tightened, as always
    if os.geteuid() != 0:
        pytest.skip("only root can plant a file owned by another user")
    os.chown(path, OTHER_UID, OTHER_UID)
    assert cache.get("sha1", PREFIX) is None


def test_a_symlink_to_dev_zero_is_a_miss(directory: Path) -> None:
    """A cache file swapped for a symlink to ``/dev/zero``: a miss, not a MemoryError."""
    if not Path("/dev/zero").exists():
        pytest.skip("no /dev/zero on this platform")
    _entry_file(directory).symlink_to("/dev/zero")
    assert RangeCache(directory=directory).get("sha1", PREFIX) is None


def test_a_symlink_to_a_valid_entry_is_a_miss(directory: Path, tmp_path: Path) -> None:
    """Even a symlink to a well-formed entry elsewhere is not followed."""
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    target = _write_entry(elsewhere, repr(NOW), f"{SUFFIX}:{COUNT}")
    _entry_file(directory).symlink_to(target)
    assert RangeCache(directory=directory, clock=lambda: NOW).get("sha1", PREFIX) is None


def test_a_fifo_is_a_miss_without_waiting(directory: Path) -> None:
    """A FIFO in place of a cache file: a miss at once, where a plain open() would hang."""
    if not hasattr(os, "mkfifo"):
        pytest.skip("no FIFOs on this platform")
    os.mkfifo(_entry_file(directory), 0o600)
    assert RangeCache(directory=directory).get("sha1", PREFIX) is None


def test_an_oversized_file_is_a_miss(directory: Path) -> None:
    """A well-formed entry larger than any answer (the cap is 4 MB) is not read into memory."""
    filler = f"{'0' * 35}:0\n" * (5 * 1024 * 1024 // 38)  # count-0 rows: valid, and dropped
    _write_entry(directory, repr(NOW), f"{SUFFIX}:{COUNT}\n{filler}")
    assert RangeCache(directory=directory, clock=lambda: NOW).get("sha1", PREFIX) is None


def test_a_directory_path_that_is_a_file_degrades_to_memory(tmp_path: Path) -> None:
    """A cache path that cannot be a directory: a warning and a working memory cache."""
    path = tmp_path / "not-a-directory"
    path.write_text("")
    with pytest.warns(RuntimeWarning, match="memory only"):
        cache = RangeCache(directory=path)
    cache.put("sha1", PREFIX, {SUFFIX: COUNT}, None)
    entry = cache.get("sha1", PREFIX)
    assert entry is not None
    assert entry.rows == {SUFFIX: COUNT}

"""The prefix cache: LRU and TTL, private atomic disk files, ETag revalidation through a client."""

from __future__ import annotations

import stat
import threading
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from pwhygiene import RangeClient
from pwhygiene.breach import RangeCache, sha1_digest
from pwhygiene.exceptions import InvalidInput
from pwhygiene.testing import RangeServer
from strategies.range_bodies import GeneratedBody, range_bodies


class Clock:
    """A settable clock, so TTL tests never sleep."""

    def __init__(self) -> None:
        self.now = 1_700_000_000.0

    def __call__(self) -> float:
        """The current fake time."""
        return self.now


def test_least_recently_used_entry_is_evicted() -> None:
    """Beyond maxsize the entry used longest ago goes; a get counts as a use."""
    cache = RangeCache(maxsize=2)
    cache.put("sha1", "AAAAA", {"1" * 35: 1}, None)
    cache.put("sha1", "BBBBB", {"2" * 35: 2}, None)
    assert cache.get("sha1", "AAAAA") is not None
    cache.put("sha1", "CCCCC", {"3" * 35: 3}, None)
    assert cache.get("sha1", "BBBBB") is None
    assert cache.get("sha1", "AAAAA") is not None
    assert len(cache) == 2


def test_modes_do_not_share_entries() -> None:
    """An NTLM answer is never served for a SHA-1 prefix of the same spelling."""
    cache = RangeCache()
    cache.put("ntlm", "AAAAA", {"1" * 27: 1}, None)
    assert cache.get("sha1", "AAAAA") is None


def test_entries_go_stale_after_ttl_but_are_kept() -> None:
    """Fresh within the TTL, stale after it, and still returned for revalidation."""
    clock = Clock()
    cache = RangeCache(ttl=60, clock=clock)
    cache.put("sha1", "AAAAA", {}, '"tag"')
    entry = cache.get("sha1", "AAAAA")
    assert entry is not None
    assert cache.is_fresh(entry)
    clock.now += 61
    assert not cache.is_fresh(entry)
    assert cache.get("sha1", "AAAAA") == entry


def test_bad_configuration_is_invalid_input() -> None:
    """Maxsize below 1 or a negative TTL is refused."""
    with pytest.raises(InvalidInput):
        RangeCache(maxsize=0)
    with pytest.raises(InvalidInput):
        RangeCache(ttl=-1)


@given(range_bodies(), st.text(alphabet='"W/abc0123', max_size=12))
def test_disk_round_trip(
    tmp_path_factory: pytest.TempPathFactory, generated: GeneratedBody, etag: str
) -> None:
    """What one cache writes, a fresh cache on the same directory reads back identically."""
    directory = tmp_path_factory.mktemp("cache")
    clock = Clock()
    RangeCache(directory=directory, clock=clock).put(generated.mode, "0A1B2", generated.real, etag)
    entry = RangeCache(directory=directory, clock=clock).get(generated.mode, "0A1B2")
    assert entry is not None
    assert dict(entry.rows) == generated.real
    assert entry.etag == (etag or None)
    assert entry.fetched_at == clock.now


def test_disk_files_are_private_and_no_temp_files_remain(tmp_path: Path) -> None:
    """The directory is 0700 (even if it existed wider), files 0600, temp files renamed away."""
    directory = tmp_path / "cache"
    directory.mkdir(mode=0o755)
    cache = RangeCache(directory=directory)
    for n in range(5):
        cache.put("sha1", f"0000{n}", {"F" * 35: n + 1}, None)
    assert stat.S_IMODE(directory.stat().st_mode) == 0o700
    files = sorted(p.name for p in directory.iterdir())
    assert files == [f"sha1-0000{n}.range" for n in range(5)]
    assert all(stat.S_IMODE((directory / f).stat().st_mode) == 0o600 for f in files)


def test_concurrent_writers_never_leave_a_partial_file(tmp_path: Path) -> None:
    """Readers racing writers always see a complete entry (atomic os.replace)."""
    big = {f"{n:035X}": n + 1 for n in range(400)}
    small = {"A" * 35: 1}
    writer_cache = RangeCache(directory=tmp_path)
    writer_cache.put("sha1", "ABCDE", small, None)
    seen: list[int] = []
    stop = threading.Event()

    def write() -> None:
        for n in range(60):
            writer_cache.put("sha1", "ABCDE", big if n % 2 else small, None)
        stop.set()

    writer = threading.Thread(target=write)
    writer.start()
    while not stop.is_set():
        entry = RangeCache(directory=tmp_path).get("sha1", "ABCDE")
        assert entry is not None
        seen.append(len(entry.rows))
    writer.join()
    assert set(seen) <= {1, 400}
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".tmp-")]


@pytest.mark.parametrize(
    "content",
    [
        b"",
        b"not a cache",
        b"pwhygiene-range-cache 1\n\n1.0\n<html>",
        b"pwhygiene-range-cache 1\n\nsoon\n",
    ],
)
def test_damaged_files_are_misses(tmp_path: Path, content: bytes) -> None:
    """A damaged cache file is ignored (and later overwritten), never trusted."""
    (tmp_path / "sha1-ABCDE.range").write_bytes(content)
    assert RangeCache(directory=tmp_path).get("sha1", "ABCDE") is None


def test_clear_forgets_memory_and_disk(tmp_path: Path) -> None:
    """clear() empties the LRU and deletes the files."""
    cache = RangeCache(directory=tmp_path)
    cache.put("sha1", "ABCDE", {}, None)
    cache.clear()
    assert len(cache) == 0
    assert list(tmp_path.iterdir()) == []


def test_client_revalidates_stale_disk_entries_with_etag(tmp_path: Path) -> None:
    """A new process reuses a fresh disk entry without asking, then revalidates it with a 304."""
    clock = Clock()
    digest = sha1_digest("hunter2")
    with RangeServer.from_passwords({"hunter2": 17}, padding_rows=(20, 30)) as server:
        with RangeClient(server.url, cache=RangeCache(directory=tmp_path, clock=clock)) as client:
            assert client.count(digest) == 17
        later = RangeCache(directory=tmp_path, ttl=60, clock=clock)
        with RangeClient(server.url, cache=later) as client:
            assert client.count(digest) == 17
            assert len(server.requests) == 1
            clock.now += 61
            assert client.count(digest) == 17
        first, second = list(server.requests)
    assert first.header("If-None-Match") is None
    assert second.header("If-None-Match") is not None
    entry = later.get("sha1", digest[:5])
    assert entry is not None
    assert entry.fetched_at == clock.now


@given(st.text(max_size=30).map("pw-".__add__), st.text(max_size=30))
def test_disk_cache_depends_on_the_prefix_only(
    tmp_path_factory: pytest.TempPathFactory, breached: str, other: str
) -> None:
    """Looking up any digest under a prefix writes the same file: it cannot tell which was asked.

    The file holds the public answer for the prefix; a password, or the suffix of a digest
    that is not in the corpus, never appears in it.
    """
    digest = sha1_digest(breached)
    sibling = digest[:5] + sha1_digest(other)[5:]  # same prefix, an unlisted suffix
    contents = []
    with RangeServer.from_digests({digest: 3}, padding_rows=(5, 10)) as server:
        for asked in (digest, sibling):
            directory = tmp_path_factory.mktemp("cache")
            cache = RangeCache(directory=directory, clock=Clock())
            with RangeClient(server.url, cache=cache) as client:
                client.count(asked)
            written = list(directory.iterdir())
            assert len(written) == 1
            contents.append(written[0].read_bytes())
    assert contents[0] == contents[1]
    assert sibling[5:].encode() not in contents[0] or sibling == digest
    assert breached.encode("utf-8", "surrogatepass") not in contents[0]


def test_directory_expands_the_home_tilde(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """directory='~/...' means the home directory, not a folder literally named '~'."""
    monkeypatch.setenv("HOME", str(tmp_path))
    cache = RangeCache(directory="~/ranges")
    assert cache.directory == tmp_path / "ranges"
    assert (tmp_path / "ranges").is_dir()

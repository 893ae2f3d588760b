"""A range cache shared through Redis: one fetch serves a fleet, and Redis never decides alone.

Real-world shape: several web servers behind a load balancer, each its own process, sharing one
Redis (``redis://host:6379/0``); Redis restarting or unreachable for a while; a Redis someone
else can write to. Every test runs a real ``redis-server`` on a free loopback port; stored values
are written in the cache's own format (``pwhygiene._breach.range.cache``).
"""

from __future__ import annotations

import shutil
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import redis

from pwhygiene import RangeClient
from pwhygiene.breach import RangeCache, sha1_digest
from pwhygiene.exceptions import InvalidInput
from pwhygiene.testing import RangeServer

PASSWORD = "zephyr-marrow-glyph-tundra"
DIGEST = sha1_digest(PASSWORD)
PREFIX, SUFFIX = DIGEST[:5], DIGEST[5:]
COUNT = 3_730_471
KEY = f"pwhygiene:range:sha1:{PREFIX}"
IN_MEMORY = ("--save", "", "--appendonly", "no", "--dir")  # nothing written but in --dir

# One web-server process: look the digest up through the shared cache, print the count.
WORKER = """
import sys
from pwhygiene import RangeClient
from pwhygiene.breach import RangeCache
url, redis_url, digest = sys.argv[1:]
with RangeClient(url, cache=RangeCache(redis_url=redis_url)) as client:
    print(client.count(digest))
"""


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


class RedisProcess:
    """A real redis-server on loopback, in memory only, stopped on demand."""

    def __init__(self, directory: Path) -> None:
        binary = shutil.which("redis-server")
        if binary is None:
            pytest.skip("redis-server is not installed (.ci/run installs it with apt-get)")
        port = _free_port()
        self.url = f"redis://127.0.0.1:{port}/0"
        self._process = subprocess.Popen(
            [binary, "--port", str(port), "--bind", "127.0.0.1", *IN_MEMORY, str(directory)],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        self.client = redis.Redis.from_url(self.url)
        for _ in range(500):  # wait for it to accept commands (or to have died)
            if self._process.poll() is not None:
                pytest.fail("redis-server exited at start")
            try:
                self.client.ping()
                return
            except redis.ConnectionError:
                time.sleep(0.01)
        self.stop()
        pytest.fail("redis-server did not start")

    def stop(self) -> None:
        """Terminate the server and wait for it to be gone."""
        self.client.close()
        self._process.terminate()
        self._process.wait()


@pytest.fixture(scope="module")
def shared_redis(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RedisProcess]:
    """One redis-server for the module (each test flushes it)."""
    server = RedisProcess(tmp_path_factory.mktemp("redis"))
    yield server
    server.stop()


@pytest.fixture
def redis_url(shared_redis: RedisProcess) -> str:
    """The shared server's URL, emptied for this test, with patient socket timeouts.

    The store's 0.25 s timeouts suit a LAN; on a loaded CI machine a slow answer must not turn
    into a simulated outage (redis-py lets the URL's query string override them). The outage
    tests use their own URLs.
    """
    shared_redis.client.flushall()
    return f"{shared_redis.url}?socket_timeout=10&socket_connect_timeout=10"


@pytest.fixture
def server() -> Iterator[RangeServer]:
    """A range API on loopback that knows the password as breached, and sends ETags."""
    with RangeServer.from_passwords({PASSWORD: COUNT}) as running:
        yield running


def test_a_second_process_asks_the_range_server_nothing(
    server: RangeServer, redis_url: str
) -> None:
    """Two worker processes share Redis: the first fetches the prefix, the second reads it."""
    counts = [
        subprocess.run(
            [sys.executable, "-c", WORKER, server.url, redis_url, DIGEST],
            capture_output=True,
            text=True,
            check=True,
        ).stdout.strip()
        for _ in range(2)
    ]
    assert counts == [str(COUNT), str(COUNT)]
    assert len(server.requests) == 1


def test_entries_expire(server: RangeServer, redis_url: str, shared_redis: RedisProcess) -> None:
    """Each key is stored with the configured expiry, so Redis forgets unused prefixes."""
    with RangeClient(server.url, cache=RangeCache(redis_url=redis_url, redis_expiry=90)) as client:
        client.count(DIGEST)
    assert 0 < shared_redis.client.ttl(KEY) <= 90


def test_a_stale_shared_entry_is_revalidated_by_etag(server: RangeServer, redis_url: str) -> None:
    """Another host's stale entry is revalidated with If-None-Match; the 304 keeps its rows."""
    with RangeClient(server.url, cache=RangeCache(redis_url=redis_url)) as client:
        client.count(DIGEST)
    with RangeClient(server.url, cache=RangeCache(redis_url=redis_url, ttl=0)) as client:
        assert client.count(DIGEST) == COUNT
    first, second = server.requests
    assert "If-None-Match" not in dict(first.headers)
    assert dict(second.headers).get("If-None-Match")


@pytest.mark.parametrize(
    "value",
    [
        f"pwhygiene-range-cache 1\n\ninf\n{'0' * 35}:1".encode(),  # 'fresh for ever', no row
        f"pwhygiene-range-cache 1\n\n{time.time() + 10**6}\n".encode(),  # from the future
        b"pwhygiene-range-cache 1\n\n1\n" + b"garbage" * 10,
        b"x" * (5 * 1024 * 1024),  # larger than any answer
    ],
    ids=["eternal", "future", "garbage", "huge"],
)
def test_a_poisoned_shared_entry_is_a_miss(
    server: RangeServer, redis_url: str, shared_redis: RedisProcess, value: bytes
) -> None:
    """Whoever can write to Redis cannot make a breached password clean: odd values are misses."""
    shared_redis.client.set(KEY, value)
    with RangeClient(server.url, cache=RangeCache(redis_url=redis_url)) as client:
        assert client.count(DIGEST) == COUNT
    assert len(server.requests) == 1


def test_an_unreachable_redis_warns_and_lookups_still_answer(server: RangeServer) -> None:
    """Nothing listening: a warning (without the URL's password), then the right counts."""
    dead = f"redis://:hunter2-redis@127.0.0.1:{_free_port()}/0"
    cache = RangeCache(redis_url=dead)
    assert "hunter2-redis" not in repr(cache)
    with RangeClient(server.url, cache=cache) as client:
        with pytest.warns(RuntimeWarning, match="Redis") as caught:
            assert client.count(DIGEST) == COUNT
        assert all("hunter2-redis" not in str(w.message) for w in caught)
        assert client.count_many([DIGEST]) == {DIGEST: COUNT}


def test_redis_dying_mid_life_degrades_to_no_cache(server: RangeServer, tmp_path: Path) -> None:
    """Redis stops between two lookups of a long-lived client: a warning, never an error."""
    own = RedisProcess(tmp_path)
    cache = RangeCache(redis_url=own.url, ttl=0)  # ttl=0: every lookup reads Redis again
    try:
        with RangeClient(server.url, cache=cache) as client:
            assert client.count(DIGEST) == COUNT
            own.stop()
            with pytest.warns(RuntimeWarning, match="Redis"):
                assert client.count(DIGEST) == COUNT
    finally:
        own.stop()


def test_a_cache_is_on_disk_or_in_redis_not_both(tmp_path: Path) -> None:
    """Both a directory and a redis_url, or a URL that is not Redis's: InvalidInput, no secret."""
    with pytest.raises(InvalidInput):
        RangeCache(directory=tmp_path, redis_url="redis://127.0.0.1:6379/0")
    with pytest.raises(InvalidInput) as caught:
        RangeCache(redis_url="http://user:hunter2-redis@127.0.0.1:6379/0")
    assert "hunter2-redis" not in str(caught.value)

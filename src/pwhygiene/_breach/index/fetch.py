"""Fetch the corpus straight from a range API into an offline index, and keep it up to date.

``fetch_index`` downloads every prefix of a span (``00000-FFFFF`` is the whole corpus)
concurrently into a work folder beside the index (``INDEX.ranges/``): one ``XXXXX.txt`` file of
``SUFFIX:COUNT`` rows per prefix, the official downloader's layout, and a log (``etags.txt``) of
each finished prefix with its ETag. A prefix counts as done only once its file is complete and
its log line written, so an interrupted fetch resumes where it stopped and never downloads a
finished prefix twice. Then the index is built from the folder into a temporary file and moved
into place atomically. Memory stays bounded: at most ``2 * workers`` prefixes are in flight.

``update_index`` revalidates every logged prefix with ``If-None-Match``: a 304 costs no body,
a 200 replaces that prefix's file, and the index is rebuilt (atomically) only if something
changed.

Each answer is read and validated like the range client reads one (``read_body`` proves it
whole, ``validate_range_body`` proves it a range body), and retried with backoff when it is not.
"""

from __future__ import annotations

import itertools
import json
import os
import random
import threading
import time
from collections.abc import Callable, Iterable, Iterator, Mapping
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

import requests
from requests.adapters import HTTPAdapter

from pwhygiene._breach.index.build import build_index
from pwhygiene._breach.index.format import IndexInfo
from pwhygiene._breach.range.body import RangeRows, validate_range_body
from pwhygiene._breach.range.wire import ACCEPT_ENCODING, Reply, read_body
from pwhygiene._breach.source import HashMode
from pwhygiene._version import __version__
from pwhygiene.exceptions import BadRangeResponse, BreachServiceUnavailable, InvalidInput

WHOLE_CORPUS = "00000-FFFFF"
DEFAULT_WORKERS = 16
DEFAULT_RETRIES = 5
_MAX_BODY = 4 * 1024 * 1024
_LOG = "etags.txt"
_META = "fetch.json"
_jitter = random.Random()  # noqa: S311  # reason: backoff jitter, not a secret


def parse_span(text: str) -> range:
    """``00000-FFFFF`` (or one prefix) as a range of prefix numbers; bad input raises."""
    first, dash, last = text.strip().partition("-")
    last = last if dash else first
    try:
        low, high = int(first, 16), int(last, 16)
    except ValueError:
        low, high = -1, -1
    if not (len(first) == 5 and len(last) == 5 and 0 <= low <= high <= 0xFFFFF):
        raise InvalidInput(f"--prefixes {text!r}: expected START-END in 5 hex, e.g. 00000-0FFFF")
    return range(low, high + 1)


@dataclass(frozen=True)
class FetchResult:
    """What a fetch or an update did: prefixes downloaded, skipped or unchanged, and the index."""

    downloaded: int
    skipped: int
    unchanged: int
    info: IndexInfo | None


class WorkFolder:
    """``INDEX.ranges/``: the prefix files, the ETag log and the fetch settings."""

    def __init__(self, index: Path) -> None:
        self.index = index
        self.path = index.with_name(index.name + ".ranges")
        self._lock = threading.Lock()

    def settings(self) -> dict[str, str] | None:
        """The settings of the fetch that made this folder, if any."""
        meta = self.path / _META
        if not meta.is_file():
            return None
        loaded = json.loads(meta.read_text(encoding="utf-8"))
        return {str(k): str(v) for k, v in loaded.items()}

    def start(self, base_url: str, mode: HashMode) -> None:
        """Create the folder, or check a resumed one was fetched the same way."""
        self.path.mkdir(parents=True, exist_ok=True)
        wanted = {"range_url": base_url, "mode": mode}
        known = self.settings()
        if known is None:
            (self.path / _META).write_text(json.dumps(wanted), encoding="utf-8")
        elif known != wanted:
            raise InvalidInput(
                f"{self.path}: holds a {known['mode']} fetch from {known['range_url']}; "
                "finish it with the same --range-url and --mode, or remove the folder"
            )

    def etags(self) -> dict[str, str]:
        """Finished prefixes and their ETags (``""`` when the server sent none)."""
        done: dict[str, str] = {}
        log = self.path / _LOG
        if log.is_file():
            for line in log.read_text(encoding="ascii").splitlines():
                prefix, _, etag = line.partition(" ")
                if len(prefix) == 5 and (self.path / f"{prefix}.txt").is_file():
                    done[prefix] = etag
        return done

    def save(self, prefix: str, rows: str, etag: str) -> None:
        """Write one prefix's rows (``SUFFIX:COUNT`` lines) atomically, then log it as finished."""
        target = self.path / f"{prefix}.txt"
        partial = target.with_suffix(".part")
        partial.write_text(rows, encoding="ascii")
        os.replace(partial, target)
        with self._lock, (self.path / _LOG).open("a", encoding="ascii") as log:
            log.write(f"{prefix} {etag}\n")


class _Downloader:
    """GETs one prefix, validated and retried; a 304 is ``None``."""

    def __init__(
        self, base_url: str, mode: HashMode, workers: int, timeout: float, retries: int
    ) -> None:
        self._url = base_url.rstrip("/") + "/range/"
        self._query = {"mode": "ntlm"} if mode == "ntlm" else {}
        self._mode: HashMode = mode
        self._timeout = timeout
        self._retries = retries
        self._host = urlsplit(base_url).netloc.rpartition("@")[2]
        self.session = requests.Session()
        adapter = HTTPAdapter(pool_connections=1, pool_maxsize=workers)
        self.session.mount("http://", adapter)
        self.session.mount("https://", adapter)
        self.session.headers.update(
            {"User-Agent": f"pwhygiene/{__version__}", "Accept-Encoding": ACCEPT_ENCODING}
        )

    def get(self, prefix: str, etag: str | None) -> tuple[str, str] | None:
        """``(rows, etag)`` of ``prefix``, or ``None`` when ``etag`` is still current.

        ``rows`` is the downloader's layout: sorted ``SUFFIX:COUNT`` lines, LF-terminated.
        """
        last: Exception | None = None
        for attempt in range(self._retries + 1):
            if attempt:
                time.sleep(_jitter.uniform(0, min(8.0, 0.25 * 2**attempt)))
            try:
                return self._attempt(prefix, etag)
            except (requests.RequestException, BadRangeResponse, _Retry) as exc:
                last = exc
        if isinstance(last, BadRangeResponse):
            raise BadRangeResponse(f"range API at {self._host}: {last}") from last
        raise BreachServiceUnavailable(
            f"range API at {self._host} unavailable after {self._retries + 1} attempts "
            f"({type(last).__name__}: {last}); run the command again to resume"
        ) from last

    def _attempt(self, prefix: str, etag: str | None) -> tuple[str, str] | None:
        headers = {"If-None-Match": etag} if etag else {}
        with self.session.get(
            self._url + prefix,
            params=self._query,
            headers=headers,
            timeout=self._timeout,
            stream=True,
            allow_redirects=False,
        ) as response:
            status = response.status_code
            if status == 304 and etag:
                return None
            if status != 200:
                if status in (408, 429) or status >= 500:
                    raise _Retry(f"HTTP {status}")
                raise BadRangeResponse(f"answered HTTP {status}; is it a range API?")
            body = read_body(Reply(status, response.headers, response.raw), limit=_MAX_BODY)
            content_type = response.headers.get("Content-Type")
            new_etag = response.headers.get("ETag", "")
        rows = validate_range_body(body, mode=self._mode, content_type=content_type)
        return _as_lines(body, rows), new_etag


def _as_lines(body: bytes, rows: Mapping[str, int]) -> str:
    """The validated answer as sorted ``SUFFIX:COUNT`` lines, without padding or separators.

    A body that passed the one-pass check (:class:`RangeRows`) is rewritten with string
    operations instead of parsing ~2,000 rows one by one; an odd but valid layout goes through
    the parsed rows.
    """
    if not isinstance(rows, RangeRows):
        return "".join(f"{s.upper()}:{c}\n" for s, c in sorted(rows.items()) if c > 0)
    text = body.removeprefix(b"\xef\xbb\xbf").decode("ascii").upper()
    lines = [
        line
        for line in text.replace(",", "").replace("\r", "").split("\n")
        if line and not line.endswith(":0")
    ]
    if any(a >= b for a, b in itertools.pairwise(lines)):
        lines = sorted(set(lines))  # a server that does not sort; a clash fails the build
    return "".join(line + "\n" for line in lines)


class _Retry(Exception):
    """Internal: a status worth retrying."""


def _bounded(
    jobs: Iterator[str], run: Callable[[str], bool], workers: int, on_done: Callable[[bool], None]
) -> None:
    """Run ``run(prefix)`` over ``jobs`` with at most ``2 * workers`` in flight.

    On the first failure nothing new starts; what is in flight finishes (and is saved) before
    the failure is raised, so a resumed run repeats none of it.
    """
    failure: BaseException | None = None
    with ThreadPoolExecutor(max_workers=workers, thread_name_prefix="pwhygiene-fetch") as pool:
        pending: set[Future[bool]] = set()
        for prefix in jobs:
            pending.add(pool.submit(run, prefix))
            if len(pending) >= 2 * workers:
                done, pending = wait(pending, return_when=FIRST_COMPLETED)
                failure = _collect(done, on_done)
                if failure is not None:
                    break
        done, _ = wait(pending)
        failure = failure or _collect(done, on_done)
    if failure is not None:
        raise failure


def _collect(done: Iterable[Future[bool]], on_done: Callable[[bool], None]) -> BaseException | None:
    failure: BaseException | None = None
    for future in done:
        if (exc := future.exception()) is not None:
            failure = failure or exc
        else:
            on_done(future.result())
    return failure


def fetch_index(
    output: str | os.PathLike[str],
    *,
    base_url: str,
    mode: HashMode = "sha1",
    prefixes: range = range(0x100000),
    with_suffixes: bool = False,
    workers: int = DEFAULT_WORKERS,
    timeout: float = 30.0,
    retries: int = DEFAULT_RETRIES,
    progress: Callable[[int], None] | None = None,
) -> FetchResult:
    """Download ``prefixes`` from the range API at ``base_url`` and build the index at ``output``.

    Resumes a fetch interrupted earlier (same ``base_url`` and ``mode``); ``progress`` is called
    with 1 per prefix finished or skipped.
    """
    if workers < 1 or retries < 0:
        raise InvalidInput("workers must be >= 1 and retries >= 0")
    folder = WorkFolder(Path(output))
    folder.start(base_url, mode)
    done = set(folder.etags())  # the prefixes only: a fetch sends no If-None-Match
    todo = (f"{n:05X}" for n in prefixes if f"{n:05X}" not in done)
    skipped = sum(1 for n in prefixes if f"{n:05X}" in done)
    if progress is not None and skipped:
        progress(skipped)
    downloader = _Downloader(base_url, mode, workers, timeout, retries)
    counts = {"downloaded": 0}

    def run(prefix: str) -> bool:
        answer = downloader.get(prefix, None)
        assert answer is not None  # no ETag was sent, so no 304
        folder.save(prefix, *answer)
        return True

    def finished(_: bool) -> None:
        counts["downloaded"] += 1
        if progress is not None:
            progress(1)

    with downloader.session:
        _bounded(todo, run, workers, finished)
    info = _build(folder, mode, with_suffixes, base_url)
    return FetchResult(counts["downloaded"], skipped, 0, info)


def update_index(
    index: str | os.PathLike[str],
    *,
    with_suffixes: bool | None = None,
    workers: int = DEFAULT_WORKERS,
    timeout: float = 30.0,
    retries: int = DEFAULT_RETRIES,
    progress: Callable[[int], None] | None = None,
) -> FetchResult:
    """Revalidate every fetched prefix by ETag; download and rebuild only what changed."""
    from pwhygiene._breach.index.offline import OfflineIndex  # noqa: PLC0415  # reason: numpy

    folder = WorkFolder(Path(index))
    settings = folder.settings()
    if settings is None:
        raise InvalidInput(
            f"{folder.path}: not found; 'index update' needs the folder 'index fetch' left "
            "beside the index"
        )
    mode: HashMode = "ntlm" if settings["mode"] == "ntlm" else "sha1"
    if with_suffixes is None:
        with OfflineIndex.open(index) as current:
            with_suffixes = current.info.has_suffixes
    downloader = _Downloader(settings["range_url"], mode, workers, timeout, retries)
    etags = folder.etags()

    def run(prefix: str) -> bool:
        answer = downloader.get(prefix, etags[prefix] or None)
        if answer is None:
            return False
        folder.save(prefix, *answer)
        return True

    changed = {"count": 0}

    def finished(was_changed: bool) -> None:
        changed["count"] += was_changed
        if progress is not None:
            progress(1)

    with downloader.session:
        _bounded(iter(sorted(etags)), run, workers, finished)
    info = None
    if changed["count"]:
        info = _build(folder, mode, with_suffixes, settings["range_url"])
    return FetchResult(changed["count"], 0, len(etags) - changed["count"], info)


def _build(folder: WorkFolder, mode: HashMode, with_suffixes: bool, base_url: str) -> IndexInfo:
    """Build the index from the work folder into a temporary file, then move it into place."""
    partial = folder.index.with_name(folder.index.name + ".building")
    try:
        info = build_index(
            folder.path,
            partial,
            mode=mode,
            with_suffixes=with_suffixes,
            source_name=urlsplit(base_url).netloc.rpartition("@")[2] or base_url,
        )
        os.replace(partial, folder.index)
    finally:
        partial.unlink(missing_ok=True)
    return info


__all__ = [
    "WHOLE_CORPUS",
    "FetchResult",
    "fetch_index",
    "parse_span",
    "update_index",
]

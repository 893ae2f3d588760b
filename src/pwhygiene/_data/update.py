"""Fetch fresh copies of the data sets, from their public sources or a mirrored directory.

Every copy is bounded in size, parsed and validated before it replaces anything, and written
atomically into the user's data directory (:func:`pwhygiene._data.store.user_dir`), which then
takes precedence over any snapshot shipped in the package. A failed update leaves the previous
copy in place and says why.
"""

from __future__ import annotations

import os
import stat
from collections.abc import Iterable, Mapping
from datetime import datetime, timezone
from pathlib import Path

import requests

from pwhygiene._data.sets import DATA_SETS, DataSetSpec, parse_json
from pwhygiene._data.store import Provenance, save, user_dir
from pwhygiene._version import __version__
from pwhygiene.exceptions import DataSetError

MAX_DOWNLOAD_BYTES = 32 * 1024 * 1024  # the largest source is a few MB
TIMEOUT = (5.0, 30.0)


def update(
    names: Iterable[str] | None = None,
    *,
    source_dir: Path | None = None,
    urls: Mapping[str, str] | None = None,
    target: Path | None = None,
    session: requests.Session | None = None,
    now: datetime | None = None,
) -> list[Provenance]:
    """Fetch, validate and store each named data set (all by default); return their records.

    With ``source_dir`` the raw files are read from ``DIR/NAME.json`` (a mirror the user made)
    instead of the network. ``urls`` overrides a data set's source URL.
    """
    chosen = list(names) if names is not None else list(DATA_SETS)
    unknown = [name for name in chosen if name not in DATA_SETS]
    if unknown:
        raise DataSetError(unknown[0], f"is not a known data set (known: {', '.join(DATA_SETS)})")
    stamp = (
        (now or datetime.now(timezone.utc)).astimezone(timezone.utc).isoformat(timespec="seconds")
    )
    records = []
    for name in chosen:
        spec = DATA_SETS[name]
        if source_dir is not None:
            source, raw = _read_local(spec, source_dir)
        else:
            source = (urls or {}).get(name, spec.url)
            raw = _download(spec, source, session)
        entries = spec.parse(parse_json(name, raw))
        fields = {
            "name": name,
            "source": source,
            "licence": spec.licence,
            "attribution": spec.attribution,
            "fetched": stamp,
        }
        records.append(save(fields, entries, target or user_dir()))
    return records


def _read_local(spec: DataSetSpec, directory: Path) -> tuple[str, bytes]:
    path = directory / f"{spec.name}.json"
    try:
        descriptor = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
    except OSError:
        raise DataSetError(spec.name, f"has no file {path} to update from") from None
    with os.fdopen(descriptor, "rb") as file:
        if not stat.S_ISREG(os.fstat(descriptor).st_mode):
            raise DataSetError(spec.name, f"source {path} is not a regular file")
        raw = file.read(MAX_DOWNLOAD_BYTES + 1)
    if len(raw) > MAX_DOWNLOAD_BYTES:
        raise DataSetError(spec.name, f"source {path} is larger than {MAX_DOWNLOAD_BYTES} bytes")
    return path.resolve().as_uri(), raw


def _download(spec: DataSetSpec, url: str, session: requests.Session | None) -> bytes:
    if not url.startswith(("https://", "http://")):
        raise DataSetError(spec.name, "source must be an http:// or https:// URL")
    client = session or requests.Session()
    headers = {"User-Agent": f"pwhygiene/{__version__}", "Accept": "application/json"}
    try:
        with client.get(url, headers=headers, timeout=TIMEOUT, stream=True) as response:
            if response.status_code != 200:
                raise DataSetError(spec.name, f"source answered HTTP {response.status_code}")
            chunks, size = [], 0
            for chunk in response.iter_content(64 * 1024):
                size += len(chunk)
                if size > MAX_DOWNLOAD_BYTES:
                    raise DataSetError(
                        spec.name, f"source sent more than {MAX_DOWNLOAD_BYTES} bytes"
                    )
                chunks.append(chunk)
    except requests.RequestException as exc:
        raise DataSetError(spec.name, f"could not be downloaded ({type(exc).__name__})") from exc
    finally:
        if session is None:
            client.close()
    return b"".join(chunks)

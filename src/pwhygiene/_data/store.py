"""Stored data sets: where they live, how they are verified, what a missing one says.

A data set is two files in a data directory: ``NAME.json.gz`` (the parsed, compact entries)
and ``NAME.provenance.json`` (source, licence, date, entry count and the SHA-256 of the data
file). The user's data directory (``PWHYGIENE_DATA_DIR``, else the platform's user data
directory) takes precedence over snapshots shipped in the package. Whatever is read is
checked (sizes, digest, shape); a problem makes the data set *missing* with a reason, which
the audit reports, rather than an empty data set that would make its checks say "all good".
"""

from __future__ import annotations

import gzip
import hashlib
import io
import json
import os
import stat
import tempfile
from collections.abc import Mapping
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any, Literal

import platformdirs

from pwhygiene._data.sets import DATA_SETS
from pwhygiene.exceptions import DataSetError

PACKAGE_DIR = Path(__file__).with_name("snapshots")
MAX_STORED_BYTES = 32 * 1024 * 1024  # compressed; the largest source is a few MB
MAX_EXPANDED_BYTES = 256 * 1024 * 1024
FORMAT = 1

Location = Literal["user", "package"]


def user_dir() -> Path:
    """Where ``pwhygiene data update`` writes: ``PWHYGIENE_DATA_DIR`` or the platform's."""
    configured = os.environ.get("PWHYGIENE_DATA_DIR")
    return Path(configured) if configured else Path(platformdirs.user_data_dir("pwhygiene"))


@dataclass(frozen=True)
class Provenance:
    """Where a stored data set came from and what it holds."""

    name: str
    source: str
    licence: str
    attribution: str
    fetched: str  # ISO 8601, UTC
    entries: int
    sha256: str

    @classmethod
    def from_json(cls, name: str, raw: bytes) -> Provenance:
        """Parse and check a provenance record (every field present and of its type)."""
        try:
            fields = json.loads(raw)
            record = cls(**{key: fields[key] for key in cls.__dataclass_fields__})
        except (ValueError, TypeError, KeyError, RecursionError):
            raise DataSetError(name, "has a damaged provenance record") from None
        texts = (record.source, record.licence, record.attribution, record.fetched, record.sha256)
        if record.name != name or not all(isinstance(text, str) for text in texts):
            raise DataSetError(name, "has a provenance record for another data set")
        if not isinstance(record.entries, int) or record.entries < 1:
            raise DataSetError(name, "has a provenance record with no entry count")
        return record


@dataclass(frozen=True)
class LoadedDataSet:
    """A verified data set: its entries (keyed by domain) and where they came from."""

    provenance: Provenance
    location: Location
    entries: Mapping[str, Any]

    @property
    def name(self) -> str:
        """The data set's name (``"2fa"``, ``"passkeys"``, ``"breaches"``)."""
        return self.provenance.name

    def __repr__(self) -> str:
        return f"<LoadedDataSet {self.name} ({self.provenance.entries} entries, {self.location})>"


@dataclass(frozen=True)
class MissingDataSet:
    """A data set that could not be used, and why: the checks that need it did not run."""

    name: str
    reason: str


def load(
    name: str, directories: tuple[tuple[Path, Location], ...] | None = None
) -> LoadedDataSet | MissingDataSet:
    """The first stored copy of data set ``name`` (user directory, then package), verified."""
    if name not in DATA_SETS:
        return MissingDataSet(name, "is not a known data set")
    for directory, location in directories or ((user_dir(), "user"), (PACKAGE_DIR, "package")):
        data_file = directory / f"{name}.json.gz"
        if not data_file.exists():
            continue
        try:
            return _read(name, directory, location)
        except DataSetError as exc:
            return MissingDataSet(
                name, f"{exc.problem} (in {directory}); run `pwhygiene data update`"
            )
    return MissingDataSet(
        name,
        "is not installed; run `pwhygiene data update` (or `pwhygiene data update --from DIR`)",
    )


def _read(name: str, directory: Path, location: Location) -> LoadedDataSet:
    provenance = Provenance.from_json(
        name, _read_capped(name, directory / f"{name}.provenance.json")
    )
    packed = _read_capped(name, directory / f"{name}.json.gz")
    if hashlib.sha256(packed).hexdigest() != provenance.sha256:
        raise DataSetError(name, "does not match its provenance record's SHA-256 (damaged?)")
    try:
        with gzip.GzipFile(fileobj=io.BytesIO(packed)) as stream:
            expanded = stream.read(MAX_EXPANDED_BYTES + 1)
        document = json.loads(expanded)
    except (OSError, EOFError, ValueError, RecursionError):
        raise DataSetError(name, "data file is damaged") from None
    if len(expanded) > MAX_EXPANDED_BYTES:
        raise DataSetError(name, "data file expands beyond its size limit")
    entries = document.get("entries") if isinstance(document, dict) else None
    if document.get("format") != FORMAT or not isinstance(entries, dict) or not entries:
        raise DataSetError(name, "data file is of an unknown format or empty")
    return LoadedDataSet(provenance, location, entries)


def _read_capped(name: str, path: Path) -> bytes:
    """A regular file's bytes, refusing links to devices, FIFOs and oversized files."""
    try:
        flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0)
        descriptor = os.open(path, flags)
    except OSError:
        raise DataSetError(name, f"file {path.name} cannot be opened") from None
    with os.fdopen(descriptor, "rb") as file:
        if not stat.S_ISREG(os.fstat(descriptor).st_mode):
            raise DataSetError(name, f"file {path.name} is not a regular file")
        data = file.read(MAX_STORED_BYTES + 1)
    if len(data) > MAX_STORED_BYTES:
        raise DataSetError(name, f"file {path.name} is larger than {MAX_STORED_BYTES} bytes")
    return data


def save(
    provenance_fields: Mapping[str, Any], entries: Mapping[str, Any], directory: Path
) -> Provenance:
    """Write a data set into ``directory`` atomically: the data file, then its provenance.

    Both files are written to temporary names and renamed into place, so a reader sees the
    old pair or the new pair; a crash between the renames leaves a digest mismatch, which
    reads as *missing* (and says so), never as wrong data.
    """
    name = str(provenance_fields["name"])
    directory.mkdir(parents=True, exist_ok=True)
    document = json.dumps({"format": FORMAT, "entries": entries}, separators=(",", ":"))
    packed = gzip.compress(document.encode("utf-8"), mtime=0)
    provenance = Provenance(
        **{
            **provenance_fields,
            "entries": len(entries),
            "sha256": hashlib.sha256(packed).hexdigest(),
        }
    )
    _write_atomically(directory / f"{name}.json.gz", packed)
    _write_atomically(
        directory / f"{name}.provenance.json",
        json.dumps(asdict(provenance), indent=2).encode("utf-8") + b"\n",
    )
    return provenance


def _write_atomically(path: Path, data: bytes) -> None:
    descriptor, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.")
    try:
        with os.fdopen(descriptor, "wb") as file:
            file.write(data)
            file.flush()
            os.fsync(file.fileno())
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise

"""The format registry: which readers exist, how a file is recognised, and ``read_vault``.

Every module in :mod:`pwhygiene._vault.formats` registers one or more :class:`FormatSpec` at
import; the registry discovers them with :mod:`pkgutil`, so adding a format is adding one file.
Detection looks at content first (a sniffer sees the first 64 KiB and, for zips, the member
names) and uses the extension only to break a tie, because exports are often renamed.
"""

from __future__ import annotations

import enum
import importlib
import os
import pkgutil
from collections.abc import Callable
from dataclasses import dataclass, field
from itertools import islice
from os import PathLike
from pathlib import Path

from pwhygiene._vault.io import SafeZip, decode_head, ensure_regular_file, open_export
from pwhygiene._vault.kdbx.keys import DEFAULT_MAX_KDF_SECONDS
from pwhygiene._vault.model import Vault
from pwhygiene.exceptions import (
    AmbiguousFormat,
    InvalidInput,
    UnsupportedFormat,
    VaultError,
)

SNIFF_BYTES = 64 * 1024


class Detection(enum.IntEnum):
    """How sure a sniffer is that a file is its format."""

    NO = 0
    MAYBE = 1  # plausible (e.g. generic CSV with a compatible header), not distinctive
    YES = 2  # distinctive content (a header or JSON key only this format writes)


@dataclass(frozen=True, slots=True)
class Sample:
    """What a sniffer sees: the file's name and the start of its content, never all of it.

    The content (passwords, in a plain export) stays out of ``repr``.
    """

    path: Path
    head: bytes = field(repr=False)
    text: str | None = field(repr=False)  # the head decoded (BOM-aware); None for binary
    zip_names: tuple[str, ...] | None  # member names when the file is a zip archive
    listing: tuple[str, ...] | None = None  # the names in it, when the path is a directory


@dataclass(frozen=True, slots=True)
class ReadOptions:
    """What a reader may need besides the file; the password never appears in a repr."""

    password: str | None = field(default=None, repr=False)
    key_file: Path | None = None
    strict: bool = True
    max_kdf_seconds: float = DEFAULT_MAX_KDF_SECONDS  # estimated, refused before it starts


@dataclass(frozen=True, slots=True)
class FormatSpec:
    """One readable format: its stable name, how it is recognised and how it is read."""

    name: str
    description: str
    detection: str
    sniff: Callable[[Sample], Detection]
    read: Callable[[Path, ReadOptions], Vault]
    extensions: tuple[str, ...] = ()
    encrypted: bool = False


@dataclass(frozen=True, slots=True)
class FormatInfo:
    """The public view of a registered format, as listed by :func:`pwhygiene.vault.formats`."""

    name: str
    description: str
    detection: str
    extensions: tuple[str, ...]
    encrypted: bool


_REGISTRY: dict[str, FormatSpec] = {}
_loaded = False


def register(spec: FormatSpec) -> FormatSpec:
    """Add a format; called by each format module at import. Names must be unique."""
    if spec.name in _REGISTRY and _REGISTRY[spec.name] is not spec:
        raise RuntimeError(f"format {spec.name!r} registered twice")
    _REGISTRY[spec.name] = spec
    return spec


_FORMATS_PACKAGE = "pwhygiene._vault.formats"


def _load() -> dict[str, FormatSpec]:
    global _loaded  # noqa: PLW0603 -- one-time discovery of the bundled format modules
    if not _loaded:
        # Found by name, not imported here: the format modules import this one to register.
        package = importlib.import_module(_FORMATS_PACKAGE)
        for module in pkgutil.iter_modules(package.__path__):
            importlib.import_module(f"{_FORMATS_PACKAGE}.{module.name}")
        _loaded = True
    return _REGISTRY


def formats() -> tuple[FormatInfo, ...]:
    """Every readable format, sorted by name: what it is and how it is detected."""
    return tuple(
        FormatInfo(s.name, s.description, s.detection, s.extensions, s.encrypted)
        for s in sorted(_load().values(), key=lambda s: s.name)
    )


def take_sample(path: Path) -> Sample:
    """Read the first bytes (and zip member names) that sniffers decide on.

    A directory (a pass store) is sampled by the names at its top, never by its content; any
    other file that is not a regular file (a FIFO, a device) is refused, not read.
    """
    if path.is_dir():
        try:
            names = tuple(sorted(entry.name for entry in islice(os.scandir(path), 10_000)))
        except OSError as exc:
            raise UnsupportedFormat(f"{path}: cannot be listed ({exc.strerror})") from exc
        return Sample(path=path, head=b"", text=None, zip_names=None, listing=names)
    with open_export(path) as fh:
        head = fh.read(SNIFF_BYTES)
    zip_names: tuple[str, ...] | None = None
    if head.startswith(b"PK\x03\x04"):
        with SafeZip(path) as archive:  # members counted before zipfile lists them
            zip_names = tuple(archive.all_names())
    return Sample(path=path, head=head, text=decode_head(head), zip_names=zip_names)


def detect(path: str | PathLike[str]) -> FormatSpec:
    """The one format whose sniffer claims ``path``; an error names the candidates if several."""
    p = Path(path)
    sample = take_sample(p)
    if sample.listing is None and not sample.head.strip():
        raise UnsupportedFormat(f"{p}: the file is empty")
    verdicts = {name: spec.sniff(sample) for name, spec in sorted(_load().items())}
    for level in (Detection.YES, Detection.MAYBE):
        hits = [name for name, v in verdicts.items() if v is level]
        if len(hits) > 1:
            by_ext = [n for n in hits if p.suffix.lower() in _REGISTRY[n].extensions]
            if len(by_ext) == 1:
                return _REGISTRY[by_ext[0]]
            raise AmbiguousFormat(p, hits)
        if hits:
            return _REGISTRY[hits[0]]
    if sample.listing is not None:
        raise UnsupportedFormat(f"{p}: is a directory, expected an export file or a pass store")
    raise UnsupportedFormat(
        f"{p}: not an export format pwhygiene recognises; "
        "run `pwhygiene formats` for the list, or name one with --format NAME"
    )


def read_vault(
    path: str | PathLike[str],
    *,
    format: str = "auto",
    password: str | None = None,
    key_file: str | PathLike[str] | None = None,
    strict: bool = True,
    max_kdf_seconds: float = DEFAULT_MAX_KDF_SECONDS,
) -> Vault:
    """Read a password-manager export into a :class:`Vault`.

    ``format="auto"`` detects the format from content. ``password`` (and ``key_file`` for
    KeePass) open encrypted exports. Decrypted data stays in memory; nothing is written.
    A KeePass key derivation estimated to take longer than ``max_kdf_seconds`` is refused
    before it starts (:class:`~pwhygiene.exceptions.ExportTooLarge`, saying what to raise).
    """
    p = Path(path)
    if not p.is_dir():  # a directory is a pass store or nothing; its reader checks each entry
        ensure_regular_file(p)  # before any reader: a FIFO would hang, /dev/zero never end
    registry = _load()
    if format == "auto":
        spec = detect(p)
    elif format in registry:
        spec = registry[format]
    else:
        known = ", ".join(sorted(registry))
        raise InvalidInput(f"unknown format {format!r}; known formats: {known}")
    options = ReadOptions(
        password=password,
        key_file=None if key_file is None else Path(key_file),
        strict=strict,
        max_kdf_seconds=max_kdf_seconds,
    )
    try:
        return spec.read(p, options)
    except VaultError:
        raise
    except OSError as exc:
        raise UnsupportedFormat(f"{p}: cannot be read ({exc.strerror})") from exc

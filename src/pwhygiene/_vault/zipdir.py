"""Zip archives read with limits: members counted before :mod:`zipfile` lists them.

``zipfile.ZipFile`` builds a ``ZipInfo`` for every central-directory record (about 500 bytes
and some microseconds each) before we can look at ``infolist()``: a small archive declaring a
million members costs seconds and hundreds of MB before a member limit can be checked. This
module reads the end-of-central-directory record (and its ZIP64 form, APPNOTE.TXT 4.3.14-16)
and walks the central directory's fixed-size record headers, stopping at the limit, so a
hostile archive is refused after reading at most its central directory once.
"""

from __future__ import annotations

import lzma
import struct
import zipfile
import zlib
from pathlib import Path
from typing import BinaryIO

from pwhygiene._vault.files import open_export
from pwhygiene.exceptions import ExportTooLarge, MalformedExport

MAX_ZIP_MEMBER_BYTES = 256 * 1024 * 1024
MAX_ZIP_TOTAL_BYTES = 512 * 1024 * 1024
MAX_ZIP_RATIO = 200  # compressed-to-uncompressed; text exports compress ~10x, bombs ~1000x
MAX_ZIP_MEMBERS = 10_000

_EOCD = b"PK\x05\x06"
_EOCD_SIZE = 22
_ZIP64_LOCATOR = b"PK\x06\x07"
_ZIP64_LOCATOR_SIZE = 20
_ZIP64_EOCD = b"PK\x06\x06"
_ZIP64_EOCD_SIZE = 56
_CENTRAL = b"PK\x01\x02"
_CENTRAL_SIZE = 46
_MAX_COMMENT = 65_535


class ZipDirectoryError(Exception):
    """The end records or the central directory do not add up (the caller types it)."""


def count_members(fh: BinaryIO, limit: int) -> int:
    """Members in the central directory, counting at most ``limit + 1`` records.

    Walks the same bytes :mod:`zipfile` would parse (``size_cd`` bytes ending where the end
    records start), so a directory that declares few entries but holds many is counted too.
    """
    size = fh.seek(0, 2)
    tail_size = min(size, _EOCD_SIZE + _MAX_COMMENT)
    fh.seek(size - tail_size)
    tail = fh.read(tail_size)
    at = tail.rfind(_EOCD)
    if at < 0 or len(tail) - at < _EOCD_SIZE:
        raise ZipDirectoryError("no end-of-central-directory record")
    eocd_offset = size - tail_size + at
    fields = struct.unpack("<4s4H2LH", tail[at : at + _EOCD_SIZE])
    declared, cd_size = int(fields[4]), int(fields[5])
    cd_end = eocd_offset
    locator_offset = eocd_offset - _ZIP64_LOCATOR_SIZE
    if locator_offset >= 0:
        fh.seek(locator_offset)
        locator = fh.read(_ZIP64_LOCATOR_SIZE)
        if locator[:4] == _ZIP64_LOCATOR:
            record_offset = locator_offset - _ZIP64_EOCD_SIZE
            if record_offset < 0:
                raise ZipDirectoryError("a ZIP64 locator without its record")
            fh.seek(record_offset)
            record = fh.read(_ZIP64_EOCD_SIZE)
            if record[:4] != _ZIP64_EOCD:
                raise ZipDirectoryError("a ZIP64 end record")
            declared, cd_size = (int(n) for n in struct.unpack("<QQ", record[32:48]))
            cd_end = record_offset
    if declared > limit:
        return declared
    cd_start = cd_end - cd_size
    if cd_start < 0:
        raise ZipDirectoryError("a central directory inside the file")
    return _walk(fh, cd_start, cd_end, limit)


def _walk(fh: BinaryIO, start: int, end: int, limit: int) -> int:
    """Count central-directory records between ``start`` and ``end``; stop past ``limit``."""
    fh.seek(start)
    data = fh.read(end - start) if end - start <= 64 * 2**20 else b""
    if len(data) != end - start:
        # More than 64 MiB of directory is more than MAX_ZIP_MEMBERS names can need.
        return limit + 1
    count, offset = 0, 0
    while offset < len(data):
        if data[offset : offset + 4] != _CENTRAL or offset + _CENTRAL_SIZE > len(data):
            raise ZipDirectoryError("central-directory records")
        name_len, extra_len, comment_len = struct.unpack_from("<3H", data, offset + 28)
        offset += _CENTRAL_SIZE + name_len + extra_len + comment_len
        count += 1
        if count > limit:
            return count
    return count


_MEMBER_ERRORS = (
    zipfile.BadZipFile,
    zlib.error,
    lzma.LZMAError,
    NotImplementedError,  # a compression method zipfile does not implement
    RuntimeError,
    OSError,  # bz2 reports a corrupt stream as OSError
    EOFError,
    ValueError,
)


class SafeZip:
    """A zip archive read with limits on size, ratio and member count (zip bombs refused)."""

    def __init__(self, path: Path) -> None:
        self.path = path
        fh = open_export(path)
        try:
            members = count_members(fh, MAX_ZIP_MEMBERS)
        except (ZipDirectoryError, OSError, ValueError) as exc:
            fh.close()
            raise MalformedExport(path, None, f"a readable zip archive ({exc})") from None
        if members > MAX_ZIP_MEMBERS:  # checked before zipfile builds a ZipInfo per member
            fh.close()
            raise ExportTooLarge(f"{path}: more than {MAX_ZIP_MEMBERS} members in the zip")
        try:
            self._zip = zipfile.ZipFile(fh)
        except (zipfile.BadZipFile, OSError, RuntimeError, EOFError, ValueError) as exc:
            fh.close()  # incl. "zip version" (RuntimeError) and bad ZIP64 fields (ValueError)
            raise MalformedExport(path, None, "a readable zip archive") from exc
        self._file = fh
        infos = self._zip.infolist()
        total = sum(i.file_size for i in infos)
        if total > MAX_ZIP_TOTAL_BYTES:
            self.close()
            raise ExportTooLarge(
                f"{path}: zip expands to more than {MAX_ZIP_TOTAL_BYTES // 2**20} MiB"
            )

    def close(self) -> None:
        """Close the archive and the file under it."""
        self._zip.close()
        self._file.close()

    def __enter__(self) -> SafeZip:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def all_names(self) -> list[str]:
        """Every member name, directories included (what sniffers see)."""
        return self._zip.namelist()

    def names(self) -> list[str]:
        """Member names, directories excluded."""
        return [i.filename for i in self._zip.infolist() if not i.is_dir()]

    def read(self, name: str) -> bytes:
        """One member's bytes, refusing oversized or suspiciously compressed members."""
        try:
            info = self._zip.getinfo(name)
        except KeyError:
            raise MalformedExport(self.path, name, "this member in the zip archive") from None
        if info.file_size > MAX_ZIP_MEMBER_BYTES:
            raise ExportTooLarge(
                f"{self.path}: member {name} is larger than {MAX_ZIP_MEMBER_BYTES // 2**20} MiB"
            )
        if info.compress_size and info.file_size / info.compress_size > MAX_ZIP_RATIO:
            raise ExportTooLarge(f"{self.path}: member {name} looks like a zip bomb")
        try:
            with self._zip.open(info) as fh:
                data = fh.read(MAX_ZIP_MEMBER_BYTES + 1)
        except _MEMBER_ERRORS as exc:  # a corrupt deflate, bzip2 or LZMA stream, a bad CRC
            raise MalformedExport(self.path, name, "a readable zip member") from exc
        if len(data) > MAX_ZIP_MEMBER_BYTES:  # header lied about the size
            raise ExportTooLarge(f"{self.path}: member {name} is larger than declared")
        return data

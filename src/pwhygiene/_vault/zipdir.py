"""Count a zip's members from its central directory before :mod:`zipfile` lists them.

``zipfile.ZipFile`` builds a ``ZipInfo`` for every central-directory record (about 500 bytes
and some microseconds each) before we can look at ``infolist()``: a small archive declaring a
million members costs seconds and hundreds of MB before a member limit can be checked. This
module reads the end-of-central-directory record (and its ZIP64 form, APPNOTE.TXT 4.3.14-16)
and walks the central directory's fixed-size record headers, stopping at the limit, so a
hostile archive is refused after reading at most its central directory once.
"""

from __future__ import annotations

import struct
from typing import BinaryIO

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

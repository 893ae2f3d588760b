"""Opening an export file: only regular files, so a FIFO or a device cannot hang or flood a read."""

from __future__ import annotations

import os
import stat
from pathlib import Path
from typing import BinaryIO

from pwhygiene.exceptions import UnsupportedFormat


def open_export(path: Path) -> BinaryIO:
    """Open a file for reading only if it is a regular file.

    A FIFO would block on ``open`` and ``/dev/zero`` never ends: both are refused before a byte
    is read. ``O_NONBLOCK`` keeps opening a FIFO from waiting for a writer.
    """
    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0))
    except IsADirectoryError as exc:
        raise UnsupportedFormat(f"{path}: is a directory, expected an export file") from exc
    except OSError as exc:
        raise UnsupportedFormat(f"{path}: cannot be read ({exc.strerror})") from exc
    mode = os.fstat(fd).st_mode
    if not stat.S_ISREG(mode):
        os.close(fd)
        kind = "a directory" if stat.S_ISDIR(mode) else "a FIFO, socket or device"
        raise UnsupportedFormat(f"{path}: is {kind}, expected a regular export file")
    if hasattr(os, "set_blocking"):
        os.set_blocking(fd, True)
    return os.fdopen(fd, "rb")


def ensure_regular_file(path: Path) -> None:
    """Refuse anything but a regular file (FIFO, device, directory) before a reader opens it."""
    open_export(path).close()

"""Reading the disk cache without trusting it: only our own private, regular, small files.

A cache file decides whether a password is called breached without asking anyone, so whoever
can put a file in the directory can make a breached password look clean. The directory is
therefore used only if it belongs to the current user and nobody else can write to it, and each
file is opened without following a symlink and without blocking (a FIFO would hang a plain
``open``; ``/dev/zero`` would fill memory), then checked to be a regular file of ours and of a
sane size before a byte is read. Anything else is a cache miss, never an error and never a hit.
"""

from __future__ import annotations

import contextlib
import os
import stat
import tempfile
import warnings
from pathlib import Path

from pwhygiene._breach.source import HashMode

MAX_FILE_BYTES = 4 * 1024 * 1024  # a padded answer's rows take ~40 KB; the body cap is 2 MB
_OPEN_FLAGS = (
    os.O_RDONLY
    | getattr(os, "O_NOFOLLOW", 0)  # a symlink (to /dev/zero, to another user's file) fails
    | getattr(os, "O_NONBLOCK", 0)  # a FIFO opens at once instead of waiting for a writer
    | getattr(os, "O_CLOEXEC", 0)
    | getattr(os, "O_BINARY", 0)
)


def _our_uid() -> int | None:
    """The effective user id, or ``None`` where there is none to compare (Windows)."""
    geteuid = getattr(os, "geteuid", None)
    return None if geteuid is None else int(geteuid())


def private_directory(directory: Path) -> bool:
    """Create ``directory`` (0700) or adopt it if it is ours and private; ``False``: don't use it.

    A directory of ours that others may write to is tightened to 0700 first (as the cache has
    always done); files planted meanwhile are refused one by one by :func:`read_private_file`.
    Another user's directory, or one we cannot make private, is left alone with a warning, and
    the cache keeps answers in memory only.
    """
    try:
        directory.mkdir(mode=0o700, parents=True, exist_ok=True)
        info = directory.stat()
        uid = _our_uid()
        if not stat.S_ISDIR(info.st_mode):
            problem = "is not a directory"
        elif uid is not None and info.st_uid != uid:
            problem = "belongs to another user"
        else:
            if stat.S_IMODE(info.st_mode) & 0o077:
                directory.chmod(0o700)
                info = directory.stat()
            problem = "is writable by other users" if info.st_mode & 0o022 else ""
    except OSError as exc:
        problem = f"cannot be used ({type(exc).__name__})"
    if problem:
        warnings.warn(
            f"range cache directory {directory} {problem}; keeping answers in memory only",
            RuntimeWarning,
            stacklevel=3,
        )
        return False
    return True


def read_private_file(path: Path) -> bytes | None:
    """The bytes of ``path`` if it is a regular file of ours of at most 4 MB, else ``None``."""
    try:
        fd = os.open(path, _OPEN_FLAGS)
    except OSError:  # absent, a symlink, unreadable
        return None
    try:
        info = os.fstat(fd)
        uid = _our_uid()
        if (
            not stat.S_ISREG(info.st_mode)
            or info.st_size > MAX_FILE_BYTES
            or (uid is not None and info.st_uid != uid)
        ):
            return None
        chunks: list[bytes] = []
        size = 0
        while chunk := os.read(fd, 64 * 1024):
            size += len(chunk)
            if size > MAX_FILE_BYTES:  # it grew after fstat
                return None
            chunks.append(chunk)
        return b"".join(chunks)
    except OSError:
        return None
    finally:
        with contextlib.suppress(OSError):
            os.close(fd)


class DiskStore:
    """Cache entries as private files named by prefix in one private directory."""

    def __init__(self, directory: Path) -> None:
        self.directory = directory

    def load(self, mode: HashMode, prefix: str) -> bytes | None:
        """The stored bytes for ``prefix``, or ``None`` (absent, or not to be trusted)."""
        return read_private_file(self._path(mode, prefix))

    def save(self, mode: HashMode, prefix: str, data: bytes) -> None:
        """Write via a 0600 temp file in the same directory, then ``os.replace``: atomic.

        A failed write (a full or vanished disk) is dropped: memory still holds the entry.
        """
        with contextlib.suppress(OSError):
            fd, temp = tempfile.mkstemp(prefix=".tmp-", dir=self.directory)  # created 0600
            try:
                with os.fdopen(fd, "wb") as handle:
                    handle.write(data)
                    handle.flush()
                    os.fsync(handle.fileno())
                os.replace(temp, self._path(mode, prefix))
            except BaseException:
                with contextlib.suppress(OSError):
                    os.unlink(temp)
                raise

    def clear(self) -> None:
        """Delete every entry file."""
        for path in self.directory.glob("*.range"):
            with contextlib.suppress(OSError):
                path.unlink(missing_ok=True)

    def _path(self, mode: HashMode, prefix: str) -> Path:
        return self.directory / f"{mode}-{prefix}.range"

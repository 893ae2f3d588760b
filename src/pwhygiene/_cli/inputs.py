"""Secrets the CLI reads from files and stdin, in bounded time and memory.

A password file or stdin is read only up to its first line and at most :data:`MAX_LINE`
characters, so ``/dev/zero`` (or any endless stream without a newline) is a clear error, not a
``MemoryError``. A key file must be a regular file: a FIFO would block the read for ever and a
device would never end. Errors name the option and what was expected, never the content.
"""

from __future__ import annotations

import os
import stat
from pathlib import Path
from typing import TextIO

from pwhygiene.exceptions import InvalidInput

MAX_LINE = 64 * 1024
"""Characters of a password line read at most; a longer first line is not a password."""
_CHUNK = 4096


def first_line(stream: TextIO, what: str) -> str | None:
    """The first line of ``stream`` without its ending; ``None`` when the stream is empty.

    Reads at most MAX_LINE + 1 characters. Raises :class:`InvalidInput` naming ``what`` when
    the line is longer, or when the bytes are not text in the stream's encoding (the error
    carries only its name: a ``UnicodeDecodeError`` holds the bytes, which are the password).
    """
    problem = None
    try:
        line = stream.readline(MAX_LINE + 1)
    except UnicodeDecodeError:
        problem = "not valid text in its encoding (UTF-8?)"
    if problem is not None:  # raised outside the handler, so nothing is chained
        raise InvalidInput(f"{what} is {problem}")
    if len(line) > MAX_LINE and not line.endswith("\n"):
        raise InvalidInput(
            f"the first line of {what} is longer than {MAX_LINE:,} characters: "
            "expected one password on one line"
        )
    if not line:
        return None
    return line[:-2] if line.endswith("\r\n") else line.removesuffix("\n")


def password_from_file(path: str) -> str:
    """The first line of ``--password-file`` (empty if the file is empty), read bounded."""
    what = f"--password-file {path}"
    try:
        with open(path, encoding="utf-8", newline="") as stream:
            line = first_line(stream, what)
    except OSError as exc:
        raise InvalidInput(f"cannot read {what} ({type(exc).__name__})") from None
    lines = (line or "").splitlines()  # any line boundary ends it, as it always has
    return lines[0] if lines else ""


def regular_file(path: str, option: str) -> Path:
    """``path`` if it is a regular file; a FIFO, socket or device is refused, never opened.

    Opening a FIFO waits for a writer and reading a device may never end, so neither is read.
    """
    try:
        mode = os.stat(path).st_mode
    except OSError as exc:
        raise InvalidInput(f"cannot read {option} {path} ({type(exc).__name__})") from None
    if not stat.S_ISREG(mode):
        raise InvalidInput(f"{option} {path}: expected a regular file, not a FIFO or device")
    return Path(path)

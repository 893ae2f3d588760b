"""The exit codes of every ``pwhygiene`` command: one enum, documented in docs/cli.md.

Scripts and CI jobs branch on these numbers, so they are stable and shared by all commands.
"Found something" (1) and "could not check" (3) are kept apart on purpose: a pipeline that
fails on findings must not pass because the breach service was down.
"""

from __future__ import annotations

import enum


class ExitCode(enum.IntEnum):
    """What a ``pwhygiene`` process tells its caller."""

    OK = 0
    """Success: the password is acceptable, or no finding at or above ``--fail-on``."""
    FINDINGS = 1
    """Something to fix: findings (``audit``) or an unacceptable password (``check``)."""
    USAGE = 2
    """Usage error or unreadable input; a message on stderr names the file, line or field."""
    BREACH_UNAVAILABLE = 3
    """Breach status was required but the breach service could not answer."""
    INTERRUPTED = 130
    """Interrupted (Ctrl-C), as shells report a process killed by SIGINT (128 + 2)."""
    BROKEN_PIPE = 141
    """The reader of stdout went away (``| head``): stopped quietly, as SIGPIPE (128 + 13)."""

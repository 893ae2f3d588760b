"""Every error pwhygiene raises, as one tree a caller can catch at the depth it cares about.

::

    PwhygieneError                     never raised itself; catch-all for the library
    +-- InvalidInput (ValueError)      a bad argument: digest, policy, option
    +-- BreachLookupError              no breach answer could be established
    |   +-- BreachServiceUnavailable   connection refused, timeouts, 5xx/429 after retries
    |   +-- BadRangeResponse           a body that is not a valid range answer, after retries
    +-- OfflineIndexError              an offline index cannot be built or opened
    |   +-- CorruptIndex (ValueError)  magic, version, checksum or size do not add up
    |   +-- BadCorpus (ValueError)     the downloaded corpus is unsorted or malformed
    +-- VaultError                     an export cannot be read
    |   +-- UnsupportedFormat (ValueError)  not an export we know, or an unsupported variant
    |   +-- AmbiguousFormat (ValueError)    several readers claim the file; name --format
    |   +-- MalformedExport (ValueError)    the file breaks its format: names where and what
    |   +-- ExportTooLarge (ValueError)     a size limit (zip member, item count) was hit
    |   +-- PasswordRequired                the export is encrypted and no password was given
    |   +-- WrongPassword (ValueError)      the password (or key file) does not open it
    +-- IgnoreFileError (ValueError)   an audit ignore file is malformed
    +-- DataSetError                   a data set (2FA, passkeys, breaches) is missing or bad

Messages name the file, the line or field, and the next step. They never contain a password,
a full hash of one, or any other secret: every constructor here takes only the pieces that are
safe to show.
"""

from __future__ import annotations

from os import PathLike
from pathlib import Path


class PwhygieneError(Exception):
    """Root of every pwhygiene error; never raised directly."""


class InvalidInput(PwhygieneError, ValueError):
    """An argument is malformed (a digest that is not hex, an impossible policy, ...)."""


class BreachLookupError(PwhygieneError):
    """A breach count could not be established; the answer is *unknown*, never zero."""


class BreachServiceUnavailable(BreachLookupError):
    """The range service could not be reached or kept failing after the retry budget."""


class BadRangeResponse(BreachLookupError):
    """The service answered, but not with a valid range body (captive portal, truncation)."""


class OfflineIndexError(PwhygieneError):
    """An offline breach index cannot be built or used."""


class CorruptIndex(OfflineIndexError, ValueError):
    """An index file is damaged, truncated or of an unknown version."""


class BadCorpus(OfflineIndexError, ValueError):
    """The corpus given to ``index build`` is malformed or unsorted."""


class VaultError(PwhygieneError):
    """A password-manager export cannot be read."""


def _where(path: str | PathLike[str] | None, location: str | None) -> str:
    parts = []
    if path is not None:
        parts.append(str(Path(path)))
    if location:
        parts.append(location)
    return ": ".join(parts)


class MalformedExport(VaultError, ValueError):
    """The file does not follow its format; says where and what was expected.

    ``location`` is a human pointer such as ``"line 12"`` or ``"$.items[3].login"``; ``expected``
    says what should have been there. Neither may contain a value from the file.
    """

    def __init__(
        self,
        path: str | PathLike[str] | None,
        location: str | None,
        expected: str,
    ) -> None:
        self.path = None if path is None else Path(path)
        self.location = location
        self.expected = expected
        where = _where(path, location)
        super().__init__(f"{where}: expected {expected}" if where else f"expected {expected}")


class UnsupportedFormat(VaultError, ValueError):
    """The file is not an export we can read (or a variant we deliberately refuse)."""


class AmbiguousFormat(VaultError, ValueError):
    """More than one reader claims the file; the caller must pick one with ``format=``."""

    def __init__(self, path: str | PathLike[str] | None, candidates: list[str]) -> None:
        self.path = None if path is None else Path(path)
        self.candidates = tuple(candidates)
        names = ", ".join(candidates)
        super().__init__(
            f"{_where(path, None) or 'input'}: matches several formats ({names}); "
            "choose one with --format NAME (or format='NAME')"
        )


class ExportTooLarge(VaultError, ValueError):
    """A safety limit was hit (zip bomb, oversized member, absurd item count)."""


class PasswordRequired(VaultError):
    """The export is encrypted and needs a password (prompt, --password-file, env var)."""


class WrongPassword(VaultError, ValueError):
    """The given password or key file does not decrypt the export."""


class IgnoreFileError(PwhygieneError, ValueError):
    """An audit ignore file is malformed."""


class DataSetError(PwhygieneError):
    """A data set the audit reads (2FA, passkeys, breaches) is missing, damaged or unusable.

    ``name`` is the data set (``"2fa"``, ``"passkeys"``, ``"breaches"``); ``problem`` says what
    is wrong and never quotes the data.
    """

    def __init__(self, name: str, problem: str) -> None:
        self.name = name
        self.problem = problem
        super().__init__(f"data set {name!r} {problem}")

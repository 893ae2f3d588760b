"""Store accepted passwords well: argon2id hashing, verification and legacy-hash assessment.

The profile is RFC 9106's second recommended option ("memory-constrained"): argon2id, 64 MiB,
3 passes, 4 lanes, 16-byte salt, 32-byte tag. Why this one:

* RFC 9106 section 4 recommends argon2id with either 2 GiB / 1 pass (first choice) or
  64 MiB / 3 passes (for environments where 2 GiB per hash is not possible). A web server
  verifying concurrent logins cannot spend 2 GiB per request, so the second option is the
  practical RFC profile.
* It exceeds the OWASP Password Storage Cheat Sheet floor for argon2id (19 MiB, 2 passes,
  1 lane) by more than three times in memory, so hashes made here are judged ``ok`` by
  :func:`assess` and will stay so while that floor rises.
* It is argon2-cffi's own default, so hashes made here verify anywhere argon2-cffi (or Django's
  ``Argon2PasswordHasher``) is used, and vice versa.

Passwords are hashed as their exact UTF-8 bytes, without Unicode normalisation, so that hashes
stay interchangeable with other argon2 verifiers; normalise before calling if your stack does.
A lone surrogate (which UTF-8 cannot hold, yet JSON decodes an escaped one) is encoded as
its ``surrogatepass`` bytes instead of raising a ``UnicodeEncodeError`` that would carry the
password in its ``args``.

Errors never contain the password or the hash: a stored hash is a crackable secret too.
"""

from __future__ import annotations

from argon2 import Parameters, PasswordHasher
from argon2.exceptions import (
    InvalidHashError,
    UnsupportedParametersError,
    VerificationError,
    VerifyMismatchError,
)
from argon2.profiles import RFC_9106_LOW_MEMORY

from pwhygiene._hashing.assess import Action, HashAssessment, assess
from pwhygiene._hashing.formats import parse_argon2
from pwhygiene.exceptions import InvalidInput

__all__ = [
    "PROFILE",
    "Action",
    "HashAssessment",
    "Hasher",
    "assess",
    "hash",
    "needs_rehash",
    "verify",
]

PROFILE: Parameters = RFC_9106_LOW_MEMORY
"""The argon2id parameters new hashes are made with (RFC 9106, memory-constrained option)."""

_NOT_ARGON2 = (
    "the stored hash is not a well-formed Argon2 hash (expected '$argon2id$v=19$m=...,t=...,"
    "p=...$salt$tag'); if it is a legacy hash, identify it with pwhygiene.hashing.assess()"
)


class Hasher:
    """Hash and verify with one argon2 profile; the module functions use :data:`PROFILE`.

    Make your own only to tune for your hardware (``Hasher(Parameters(...))``) or to give tests a
    cheap profile; :func:`assess` tells you whether a profile still meets OWASP guidance.
    """

    def __init__(self, parameters: Parameters = PROFILE) -> None:
        problem = _parameter_problem(parameters)
        if problem is not None:
            raise InvalidInput(f"unsupported argon2 parameters: {problem}")
        try:
            self._hasher = PasswordHasher.from_parameters(parameters)
        except UnsupportedParametersError as exc:
            raise InvalidInput(f"unsupported argon2 parameters: {exc}") from exc
        self.parameters = parameters

    def __repr__(self) -> str:
        p = self.parameters
        return (
            f"Hasher(type={p.type.name}, memory_kib={p.memory_cost}, "
            f"time_cost={p.time_cost}, parallelism={p.parallelism})"
        )

    def hash(self, password: str) -> str:
        """Return a PHC-format argon2 hash of *password* with a fresh random salt."""
        return self._hasher.hash(_password_bytes(password))

    def verify(self, hash: str, password: str) -> bool:
        """Return whether *password* matches *hash*; a malformed hash raises InvalidInput.

        A mismatch is an ordinary answer (``False``), not an error: callers branch on it.
        """
        _require_argon2(hash)
        try:
            return self._hasher.verify(hash, _password_bytes(password))
        except VerifyMismatchError:
            return False
        except (InvalidHashError, VerificationError) as exc:
            # libargon2 could not decode it (e.g. a tag of the wrong length); the message from
            # argon2-cffi is a fixed string such as "Decoding failed", never the input.
            raise InvalidInput(_NOT_ARGON2) from exc

    def needs_rehash(self, hash: str) -> bool:
        """Return whether *hash* was made with other parameters than this hasher's.

        Call it after a successful :meth:`verify`, and store ``hash(password)`` when it is true.
        """
        _require_argon2(hash)
        try:
            return self._hasher.check_needs_rehash(hash)
        except InvalidHashError as exc:
            raise InvalidInput(_NOT_ARGON2) from exc


def _parameter_problem(p: Parameters) -> str | None:
    """Check the RFC 9106 bounds up front: libargon2 would only fail at the first hash."""
    if p.version not in (0x10, 0x13):
        return f"version {p.version} (argon2 knows 16 and 19)"
    if not 1 <= p.parallelism <= 0xFFFFFF:
        return f"parallelism {p.parallelism} (1 to 2^24-1)"
    if p.memory_cost < 8 * p.parallelism:
        return f"memory_cost {p.memory_cost} KiB (at least 8 KiB per lane)"
    if p.time_cost < 1 or p.salt_len < 8 or p.hash_len < 4:
        return "time_cost >= 1, salt_len >= 8 and hash_len >= 4 are required"
    return None


def _password_bytes(password: str) -> bytes:
    """UTF-8, with lone surrogates passed through: encoding never fails (nor echoes the input)."""
    if not isinstance(password, str):
        raise InvalidInput(f"password must be str, got {type(password).__name__}")
    return password.encode("utf-8", "surrogatepass")


def _require_argon2(hash: str) -> None:
    if not isinstance(hash, str):
        raise InvalidInput(f"the stored hash must be str, got {type(hash).__name__}")
    if parse_argon2(hash) is None:
        raise InvalidInput(_NOT_ARGON2)


_DEFAULT = Hasher()


def hash(password: str) -> str:
    """Hash *password* with the default profile (:data:`PROFILE`)."""
    return _DEFAULT.hash(password)


def verify(hash: str, password: str) -> bool:
    """Return whether *password* matches the argon2 *hash* (``False`` on mismatch)."""
    return _DEFAULT.verify(hash, password)


def needs_rehash(hash: str) -> bool:
    """Return whether *hash* should be replaced by one made with the default profile."""
    return _DEFAULT.needs_rehash(hash)

"""Judge stored password hashes against the OWASP Password Storage Cheat Sheet.

The thresholds are OWASP's published minimums (Password Storage Cheat Sheet, 2023 revision,
unchanged since): each algorithm has a small table of equally strong configurations, and a hash
is ``ok`` when its parameters reach at least one row. RFC 9106 adds the argon2 version rule.

``ok`` holds exactly when ``action == "none"`` and ``reasons`` is empty; every other verdict says
what to do:

* ``rehash_on_login``: a slow, salted KDF below today's cost, or a variant no longer preferred.
  Verify as usual and store a fresh :func:`pwhygiene.hashing.hash` after the next good login.
* ``reset_password``: a fast or broken hash (MD5, SHA-*, md5-crypt, DES crypt). A leaked table
  of these is cracked in hours, and users who never log in again keep them forever: wrap them
  now (argon2id over the old digest) and require a password reset.
* ``review``: not a format pwhygiene recognises, or one that breaks its own format.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from pwhygiene._hashing.formats import Algorithm, Encoding, Malformed, Parameters, Parsed, parse
from pwhygiene.exceptions import InvalidInput

Action = Literal["none", "rehash_on_login", "reset_password", "review"]

# OWASP: argon2id, p=1, any of these (memory KiB, passes) pairs.
ARGON2_MINIMUMS: tuple[tuple[int, int], ...] = (
    (47104, 1),
    (19456, 2),
    (12288, 3),
    (9216, 4),
    (7168, 5),
)
# OWASP: scrypt with r=8, any of these (N, p) pairs.
SCRYPT_MINIMUMS: tuple[tuple[int, int], ...] = (
    (2**17, 1),
    (2**16, 2),
    (2**15, 3),
    (2**14, 5),
    (2**13, 10),
)
BCRYPT_MIN_COST = 10
PBKDF2_MIN_ITERATIONS: dict[str, int] = {
    "pbkdf2_sha1": 1_300_000,
    "pbkdf2_sha256": 600_000,
    "pbkdf2_sha512": 210_000,
}
_FAST = frozenset({"md5", "sha1", "sha256", "sha512", "md5_crypt", "des_crypt"})


@dataclass(frozen=True)
class HashAssessment:
    """The verdict on one stored hash. It never holds the hash, its salt or its digest."""

    ok: bool
    algorithm: Algorithm
    encoding: Encoding
    action: Action
    reasons: tuple[str, ...] = ()
    parameters: Parameters = ()

    def parameter(self, name: str) -> int | None:
        """Return one cost parameter (``"memory_kib"``, ``"cost"``, ``"iterations"``, ...)."""
        return dict(self.parameters).get(name)


def assess(stored_hash: str | bytes) -> HashAssessment:
    """Judge *stored_hash* (as found in a user table) against current OWASP guidance.

    Never raises for an unrecognised value: a bulk scan of a table gets a ``review`` verdict
    for each odd row instead. Only a value that is not text at all raises InvalidInput.
    """
    if isinstance(stored_hash, bytes):
        try:
            stored_hash = stored_hash.decode("ascii")
        except UnicodeDecodeError:
            return _unknown("it contains bytes that are not ASCII")
    if not isinstance(stored_hash, str):
        raise InvalidInput(f"stored_hash must be str or bytes, got {type(stored_hash).__name__}")
    found = parse(stored_hash.strip())
    if found is None:
        return _unknown("it is not a password-hash format pwhygiene recognises")
    if isinstance(found, Malformed):
        return HashAssessment(
            ok=False,
            algorithm=found.algorithm,
            encoding=found.encoding,
            action="review",
            reasons=(f"{found.problem}; check which hasher wrote it",),
        )
    return _judge(found)


def _unknown(why: str) -> HashAssessment:
    return HashAssessment(
        ok=False,
        algorithm="unknown",
        encoding="unknown",
        action="review",
        reasons=(
            f"unrecognised stored hash: {why} (known: argon2, bcrypt, scrypt, PBKDF2, "
            "crypt(3), MD5/SHA hex digests in PHC, Django, passlib and Werkzeug encodings)",
        ),
    )


def _judge(found: Parsed) -> HashAssessment:
    params = dict(found.parameters)
    algorithm = found.algorithm
    rehash: list[str] = []
    reset: list[str] = []
    if algorithm in ("argon2id", "argon2i", "argon2d"):
        rehash += _argon2_reasons(algorithm, params)
    elif algorithm in ("bcrypt", "bcrypt_sha256") and params["cost"] < BCRYPT_MIN_COST:
        rehash.append(
            f"{algorithm} cost {params['cost']} is below OWASP's minimum of {BCRYPT_MIN_COST}"
        )
    elif algorithm == "scrypt":
        rehash += _scrypt_reasons(params)
    elif algorithm in PBKDF2_MIN_ITERATIONS:
        minimum = PBKDF2_MIN_ITERATIONS[algorithm]
        if params["iterations"] < minimum:
            rehash.append(
                f"{algorithm} with {params['iterations']:,} iterations is below OWASP's "
                f"minimum of {minimum:,}"
            )
    elif algorithm in ("sha256_crypt", "sha512_crypt"):
        rehash.append(
            f"{algorithm} ({params['rounds']:,} rounds) is not memory-hard and not among "
            "OWASP's recommended algorithms (argon2id, scrypt, bcrypt, PBKDF2)"
        )
    elif algorithm in _FAST:
        salt = "salted" if found.salted else "unsalted"
        reset.append(
            f"{algorithm} is a fast {salt} hash: GPUs try billions of guesses per second"
            + ("" if found.salted else ", and equal passwords share equal hashes")
        )
    reasons = tuple(reset + rehash)
    action: Action = "reset_password" if reset else ("rehash_on_login" if rehash else "none")
    return HashAssessment(
        ok=not reasons,
        algorithm=algorithm,
        encoding=found.encoding,
        action=action,
        reasons=reasons,
        parameters=found.parameters,
    )


def _argon2_reasons(algorithm: str, params: dict[str, int]) -> list[str]:
    reasons = []
    if algorithm != "argon2id":
        side = "side-channel attacks" if algorithm == "argon2d" else "time-memory tradeoffs"
        reasons.append(
            f"{algorithm} is weaker against {side}; RFC 9106 and OWASP recommend argon2id"
        )
    if params["version"] < 19:
        reasons.append("argon2 version 1.0 (v=16) predates the 1.3 fix; RFC 9106 uses v=19")
    memory, passes = params["memory_kib"], params["time_cost"]
    if not any(memory >= m and passes >= t for m, t in ARGON2_MINIMUMS):
        floor = next((m for m, t in ARGON2_MINIMUMS if t == passes), ARGON2_MINIMUMS[-1][0])
        reasons.append(
            f"{algorithm} memory {memory:,} KiB with {passes} pass(es) is below OWASP's "
            f"minimum ({floor:,} KiB at {min(passes, 5)} passes, or 19,456 KiB at 2)"
        )
    return reasons


def _scrypt_reasons(params: dict[str, int]) -> list[str]:
    n, r, p = params["n"], params["r"], params["p"]
    # Work and memory scale with N*r; OWASP's table fixes r=8, so compare N*r/8.
    effective_n = n * r // 8
    if any(effective_n >= min_n and p >= min_p for min_n, min_p in SCRYPT_MINIMUMS):
        return []
    return [
        f"scrypt N={n:,}, r={r}, p={p} is below OWASP's minimum "
        "(N=2^17, r=8, p=1, or an equivalent such as N=2^14, r=8, p=5)"
    ]

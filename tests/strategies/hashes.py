"""Stored password hashes in every encoding ``pwhygiene.hashing.assess`` reads.

Each strategy yields a :class:`StoredHash`: the text as a database would hold it, the cost
parameters it was built from (the oracle for ``assess``), and the secret parts (salt, digest)
that must never appear in any output.
"""

from __future__ import annotations

import string
from dataclasses import dataclass

from hypothesis import strategies as st

B64 = string.ascii_letters + string.digits + "+/"
AB64 = string.ascii_letters + string.digits + "./"
HASH64 = "./" + string.digits + string.ascii_uppercase + string.ascii_lowercase
HEX = "0123456789abcdef"


@dataclass(frozen=True)
class StoredHash:
    """A generated stored hash with the answer ``assess`` must find."""

    text: str
    algorithm: str
    parameters: tuple[tuple[str, int], ...]
    secrets: tuple[str, ...]


def _chars(alphabet: str, size: int) -> st.SearchStrategy[str]:
    return st.text(alphabet, min_size=size, max_size=size)


@st.composite
def argon2_hashes(draw: st.DrawFn, *, django: bool = False) -> StoredHash:
    """Argon2 PHC strings (optionally Django's ``argon2$`` form) with random costs."""
    variant = draw(st.sampled_from(["argon2id", "argon2i", "argon2d"]))
    p = draw(st.integers(1, 16))
    m = draw(st.integers(8 * p, 2**21))
    t = draw(st.integers(1, 12))
    salt, tag = draw(_chars(B64, 22)), draw(_chars(B64, 43))
    text = f"${variant}$v=19$m={m},t={t},p={p}${salt}${tag}"
    params = (("version", 19), ("memory_kib", m), ("time_cost", t), ("parallelism", p))
    return StoredHash(("argon2" if django else "") + text, variant, params, (salt, tag))


@st.composite
def bcrypt_hashes(draw: st.DrawFn) -> StoredHash:
    """Modular-crypt bcrypt (``$2a$``/``$2b$``/``$2y$``) and Django's ``bcrypt_sha256$`` form."""
    ident = draw(st.sampled_from(["2a", "2b", "2y"]))
    cost = draw(st.integers(4, 31))
    salt, digest = draw(_chars(HASH64, 22)), draw(_chars(HASH64, 31))
    text = f"${ident}${cost:02d}${salt}{digest}"
    wrapper = draw(st.sampled_from(["", "bcrypt$", "bcrypt_sha256$"]))
    algorithm = "bcrypt_sha256" if wrapper == "bcrypt_sha256$" else "bcrypt"
    return StoredHash(wrapper + text, algorithm, (("cost", cost),), (salt + digest,))


@st.composite
def scrypt_hashes(draw: st.DrawFn) -> StoredHash:
    """Scrypt in passlib (``$scrypt$ln=``), Django (``scrypt$N$``) and Werkzeug form."""
    log_n = draw(st.integers(1, 24))
    r, p = draw(st.integers(1, 32)), draw(st.integers(1, 32))
    n = 2**log_n
    salt = draw(_chars(AB64, 22))
    form = draw(st.sampled_from(["passlib", "django", "werkzeug"]))
    if form == "passlib":
        digest = draw(_chars(AB64, 43))
        text = f"$scrypt$ln={log_n},r={r},p={p}${salt}${digest}"
    elif form == "django":
        digest = draw(_chars(B64, 43)) + "="
        text = f"scrypt${n}${salt}${r}${p}${digest}"
    else:
        digest = draw(_chars(HEX, 128))
        text = f"scrypt:{n}:{r}:{p}${salt}${digest}"
    return StoredHash(text, "scrypt", (("n", n), ("r", r), ("p", p)), (salt, digest))


@st.composite
def pbkdf2_hashes(draw: st.DrawFn) -> StoredHash:
    """PBKDF2 in Django, passlib and Werkzeug form, with random iteration counts."""
    iterations = draw(st.integers(1, 5_000_000))
    salt = draw(_chars(AB64, 16))
    form = draw(st.sampled_from(["django", "passlib", "werkzeug"]))
    if form == "django":
        digest_name = draw(st.sampled_from(["sha1", "sha256"]))
        digest = draw(_chars(B64, 43)) + "="
        text = f"pbkdf2_{digest_name}${iterations}${salt}${digest}"
    elif form == "passlib":
        digest_name = draw(st.sampled_from(["sha1", "sha256", "sha512"]))
        digest = draw(_chars(AB64, 43))
        prefix = "$pbkdf2" if digest_name == "sha1" else f"$pbkdf2-{digest_name}"
        text = f"{prefix}${iterations}${salt}${digest}"
    else:
        digest_name = draw(st.sampled_from(["sha1", "sha256", "sha512"]))
        digest = draw(_chars(HEX, 64))
        text = f"pbkdf2:{digest_name}:{iterations}${salt}${digest}"
    return StoredHash(text, f"pbkdf2_{digest_name}", (("iterations", iterations),), (salt, digest))


@st.composite
def fast_hashes(draw: st.DrawFn) -> StoredHash:
    """Bare hex MD5/SHA-1/SHA-256/SHA-512 digests and Django's (un)salted md5/sha1 forms."""
    algorithm, size = draw(
        st.sampled_from([("md5", 32), ("sha1", 40), ("sha256", 64), ("sha512", 128)])
    )
    digest = draw(_chars(HEX, size))
    if algorithm in ("md5", "sha1") and draw(st.booleans()):
        salt = draw(st.text(string.ascii_letters + string.digits, max_size=22))
        return StoredHash(f"{algorithm}${salt}${digest}", algorithm, (), (digest,))
    if draw(st.booleans()):
        digest = digest.upper()
    return StoredHash(digest, algorithm, (), (digest,))


def stored_hashes() -> st.SearchStrategy[StoredHash]:
    """Any stored hash format ``assess`` knows."""
    return st.one_of(
        argon2_hashes(),
        argon2_hashes(django=True),
        bcrypt_hashes(),
        scrypt_hashes(),
        pbkdf2_hashes(),
        fast_hashes(),
    )

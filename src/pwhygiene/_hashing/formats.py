"""Parse stored password hashes into their algorithm and cost parameters.

Pure parsing, no judgement (that is :mod:`pwhygiene._hashing.assess`). A parser returns the
algorithm, the encoding that produced it (PHC, Django, passlib, Werkzeug, crypt, bare hex) and
the cost parameters only: salts and digests are checked for shape and then dropped, so nothing
derived from the password travels further than this module.

Formats follow their producers: the PHC string format (argon2), OpenBSD bcrypt, Django's
``django.contrib.auth.hashers`` encodings, passlib's modular-crypt variants, Werkzeug's
``method$salt$hash`` and glibc crypt(3) (``$1$``, ``$5$``, ``$6$``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal

Algorithm = Literal[
    "argon2id",
    "argon2i",
    "argon2d",
    "bcrypt",
    "bcrypt_sha256",
    "scrypt",
    "pbkdf2_sha1",
    "pbkdf2_sha256",
    "pbkdf2_sha512",
    "sha256_crypt",
    "sha512_crypt",
    "md5_crypt",
    "des_crypt",
    "md5",
    "sha1",
    "sha256",
    "sha512",
    "unusable",
    "unknown",
]
Encoding = Literal["phc", "django", "passlib", "werkzeug", "crypt", "hex", "unknown"]
Parameters = tuple[tuple[str, int], ...]


@dataclass(frozen=True)
class Parsed:
    """A recognised hash: what made it, and its cost parameters (never its salt or digest)."""

    algorithm: Algorithm
    encoding: Encoding
    parameters: Parameters = ()
    salted: bool = True


@dataclass(frozen=True)
class Malformed:
    """A hash that announces an algorithm but breaks its format; ``problem`` says how."""

    algorithm: Algorithm
    encoding: Encoding
    problem: str


_B64 = r"[A-Za-z0-9+/]+={0,2}"  # PHC and passlib use (mostly unpadded) base64
_AB64 = r"[A-Za-z0-9+/.]+={0,2}"  # passlib's "adapted" base64 ('.' for '+')
_HASH64 = r"[./A-Za-z0-9]"  # crypt(3) alphabet
_HEX = re.compile(r"[0-9a-fA-F]+")
_INT = r"[0-9]{1,10}"  # ASCII only: \d also takes Unicode digits, which no hasher writes

_ARGON2 = re.compile(
    rf"\$(?P<variant>argon2id|argon2i|argon2d)(?:\$v=(?P<version>{_INT}))?"
    rf"\$m=(?P<m>{_INT}),t=(?P<t>{_INT}),p=(?P<p>{_INT})"
    rf"(?:,keyid={_B64})?(?:,data={_B64})?\${_B64}\${_B64}"
)
_BCRYPT = re.compile(rf"\$(?P<ident>2|2a|2b|2x|2y)\$(?P<cost>[0-9][0-9])\${_HASH64}{{53}}")
_PASSLIB_BCRYPT_SHA256 = re.compile(
    rf"\$bcrypt-sha256\$(?:v=2,)?t=(?P<ident>2a|2b),r=(?P<cost>[0-9][0-9])\${_HASH64}{{22}}\${_HASH64}{{31}}"
)
_PASSLIB_SCRYPT = re.compile(
    rf"\$scrypt\$ln=(?P<ln>[0-9]{{1,2}}),r=(?P<r>{_INT}),p=(?P<p>{_INT})\${_AB64}\${_AB64}"
)
_DJANGO_SCRYPT = re.compile(rf"scrypt\$(?P<n>{_INT})\$[^$]+\$(?P<r>{_INT})\$(?P<p>{_INT})\${_B64}")
_WERKZEUG_SCRYPT = re.compile(
    rf"scrypt:(?P<n>{_INT}):(?P<r>{_INT}):(?P<p>{_INT})\$[^$]+\$[0-9a-f]+"
)
_DJANGO_PBKDF2 = re.compile(rf"pbkdf2_(?P<digest>sha1|sha256)\$(?P<n>{_INT})\$[^$]+\${_B64}")
_PASSLIB_PBKDF2 = re.compile(
    rf"\$pbkdf2(?:-(?P<digest>sha256|sha512))?\$(?P<n>{_INT})\${_AB64}\${_AB64}"
)
_WERKZEUG_PBKDF2 = re.compile(
    rf"pbkdf2:(?P<digest>sha1|sha256|sha512):(?P<n>{_INT})\$[^$]+\$[0-9a-f]+"
)
_SHA_CRYPT = re.compile(
    rf"\$(?P<ident>5|6)\$(?:rounds=(?P<rounds>{_INT})\$)?{_HASH64}{{0,16}}\${_HASH64}+"
)
_MD5_CRYPT = re.compile(rf"\$1\${_HASH64}{{0,8}}\${_HASH64}{{22}}")
_DJANGO_SALTED = re.compile(r"(?P<digest>md5|sha1)\$(?P<salt>[^$]*)\$(?P<hex>[0-9a-f]+)")
_DJANGO_CRYPT = re.compile(rf"crypt\$[^$]*\${_HASH64}{{13}}")

_PBKDF2_PATTERNS: tuple[tuple[re.Pattern[str], Encoding], ...] = (
    (_DJANGO_PBKDF2, "django"),
    (_PASSLIB_PBKDF2, "passlib"),
    (_WERKZEUG_PBKDF2, "werkzeug"),
)
_PBKDF2_NAMES: dict[str, Algorithm] = {
    "sha1": "pbkdf2_sha1",
    "sha256": "pbkdf2_sha256",
    "sha512": "pbkdf2_sha512",
}
_SALTED_NAMES: dict[str, Algorithm] = {"md5": "md5", "sha1": "sha1"}
_HEX_DIGESTS: dict[int, Algorithm] = {32: "md5", 40: "sha1", 64: "sha256", 128: "sha512"}
_SCHEME_NAMES: dict[str, Algorithm] = {
    "argon2": "argon2id",
    "bcrypt": "bcrypt",
    "bcrypt_sha256": "bcrypt_sha256",
    "scrypt": "scrypt",
    "pbkdf2_sha256": "pbkdf2_sha256",
    "pbkdf2_sha1": "pbkdf2_sha1",
    "pbkdf2": "pbkdf2_sha256",
    "$argon2id": "argon2id",
    "$argon2i": "argon2i",
    "$argon2d": "argon2d",
    "$2a": "bcrypt",
    "$2b": "bcrypt",
    "$2y": "bcrypt",
    "$2x": "bcrypt",
    "$scrypt": "scrypt",
    "$bcrypt-sha256": "bcrypt_sha256",
    "$pbkdf2": "pbkdf2_sha1",
    "$pbkdf2-sha256": "pbkdf2_sha256",
    "$pbkdf2-sha512": "pbkdf2_sha512",
    "$5": "sha256_crypt",
    "$6": "sha512_crypt",
    "$1": "md5_crypt",
}


Argon2Variant = Literal["argon2id", "argon2i", "argon2d"]
_ARGON2_VARIANTS: dict[str, Argon2Variant] = {v: v for v in ("argon2id", "argon2i", "argon2d")}


@dataclass(frozen=True)
class Argon2Params:
    """The cost parameters of an argon2 PHC string (used by :mod:`pwhygiene.hashing`)."""

    variant: Argon2Variant
    version: int  # 19 (0x13) is current; 16 (0x10) is argon2 1.0
    memory_kib: int
    time_cost: int
    parallelism: int


def parse_argon2(text: str) -> Argon2Params | None:
    """Return the parameters of a well-formed PHC argon2 string, or None."""
    match = _ARGON2.fullmatch(text)
    if match is None:
        return None
    m, t, p = int(match["m"]), int(match["t"]), int(match["p"])
    if not (1 <= p <= 0xFFFFFF and m >= 8 * p and t >= 1):  # RFC 9106 section 3.1 bounds
        return None
    return Argon2Params(
        variant=_ARGON2_VARIANTS[match["variant"]],
        version=int(match["version"] or 16),  # a missing v= means argon2 1.0 (0x10)
        memory_kib=m,
        time_cost=t,
        parallelism=p,
    )


def parse(text: str) -> Parsed | Malformed | None:
    """Recognise *text* as a stored hash; None if no format claims it at all."""
    if text.startswith("argon2$"):  # Django's Argon2PasswordHasher prefixes the PHC string
        return _argon2(text[len("argon2") :], "django")
    if text.startswith(("bcrypt$", "bcrypt_sha256$")):
        scheme, _, rest = text.partition("$")
        return _bcrypt(rest, "django", prehash=scheme == "bcrypt_sha256")
    for parser in _PARSERS:
        found = parser(text)
        if found is not None:
            return found
    return _by_prefix(text)


def _argon2(text: str, encoding: Encoding) -> Parsed | Malformed | None:
    params = parse_argon2(text)
    if params is None:
        return None
    return Parsed(
        params.variant,
        encoding,
        (
            ("version", params.version),
            ("memory_kib", params.memory_kib),
            ("time_cost", params.time_cost),
            ("parallelism", params.parallelism),
        ),
    )


def _bcrypt(text: str, encoding: Encoding, *, prehash: bool = False) -> Parsed | None:
    match = _BCRYPT.fullmatch(text)
    if match is None or not 4 <= int(match["cost"]) <= 31:
        return None
    algorithm: Algorithm = "bcrypt_sha256" if prehash else "bcrypt"
    return Parsed(algorithm, encoding, (("cost", int(match["cost"])),), salted=True)


def _bcrypt_family(text: str) -> Parsed | None:
    if text.startswith("$bcrypt-sha256$"):
        match = _PASSLIB_BCRYPT_SHA256.fullmatch(text)
        if match is None or not 4 <= int(match["cost"]) <= 31:
            return None
        return Parsed("bcrypt_sha256", "passlib", (("cost", int(match["cost"])),))
    return _bcrypt(text, "crypt")


def _scrypt(text: str) -> Parsed | None:
    encoding: Encoding
    if match := _PASSLIB_SCRYPT.fullmatch(text):
        n, encoding = 2 ** int(match["ln"]), "passlib"
    elif match := _DJANGO_SCRYPT.fullmatch(text):
        n, encoding = int(match["n"]), "django"
    elif match := _WERKZEUG_SCRYPT.fullmatch(text):
        n, encoding = int(match["n"]), "werkzeug"
    else:
        return None
    r, p = int(match["r"]), int(match["p"])
    if n < 2 or n & (n - 1) or r < 1 or p < 1:  # N must be a power of two above 1
        return None
    return Parsed("scrypt", encoding, (("n", n), ("r", r), ("p", p)))


def _pbkdf2(text: str) -> Parsed | None:
    for pattern, encoding in _PBKDF2_PATTERNS:
        if match := pattern.fullmatch(text):
            iterations = int(match["n"])
            if iterations < 1:
                return None
            algorithm = _PBKDF2_NAMES[match["digest"] or "sha1"]
            return Parsed(algorithm, encoding, (("iterations", iterations),))
    return None


def _crypt(text: str) -> Parsed | None:
    if match := _SHA_CRYPT.fullmatch(text):
        algorithm: Algorithm = "sha512_crypt" if match["ident"] == "6" else "sha256_crypt"
        rounds = int(match["rounds"] or 5000)  # crypt(3) default when rounds= is absent
        return Parsed(algorithm, "crypt", (("rounds", rounds),))
    if _MD5_CRYPT.fullmatch(text):
        return Parsed("md5_crypt", "crypt", (("rounds", 1000),))
    if _DJANGO_CRYPT.fullmatch(text):
        return Parsed("des_crypt", "django", ())
    return None


def _fast(text: str) -> Parsed | None:
    if _HEX.fullmatch(text) and len(text) in _HEX_DIGESTS:
        return Parsed(_HEX_DIGESTS[len(text)], "hex", (), salted=False)
    if match := _DJANGO_SALTED.fullmatch(text):
        algorithm = _SALTED_NAMES[match["digest"]]
        if len(match["hex"]) != (32 if algorithm == "md5" else 40):
            return None
        return Parsed(algorithm, "django", (), salted=bool(match["salt"]))
    return None


def _unusable(text: str) -> Parsed | None:
    # Django's set_unusable_password() stores "!" plus 40 random characters.
    if text.startswith("!") and "$" not in text:
        return Parsed("unusable", "django", ())
    return None


_PARSERS = (
    lambda text: _argon2(text, "phc"),
    _bcrypt_family,
    _scrypt,
    _pbkdf2,
    _crypt,
    _fast,
    _unusable,
)


def _by_prefix(text: str) -> Malformed | None:
    """Name the algorithm of a hash that claims one but breaks its format."""
    head = re.split(r"[$:]", text[1:], maxsplit=1)[0]
    scheme = ("$" + head) if text.startswith("$") else re.split(r"[$:]", text, maxsplit=1)[0]
    if scheme == "$2":
        scheme = "$2a"
    algorithm = _SCHEME_NAMES.get(scheme)
    if algorithm is None or scheme == text:
        return None
    encoding: Encoding
    if scheme.startswith("$argon2"):
        encoding = "phc"
    elif scheme in ("$scrypt", "$bcrypt-sha256") or scheme.startswith("$pbkdf2"):
        encoding = "passlib"
    elif scheme.startswith("$"):
        encoding = "crypt"
    else:
        encoding = "werkzeug" if text[len(scheme)] == ":" else "django"
    return Malformed(algorithm, encoding, f"the {algorithm} hash does not follow its format")

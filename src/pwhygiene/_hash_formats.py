"""Parse stored password hashes into their algorithm and cost parameters.

Pure parsing, no judgement (that is :mod:`pwhygiene._hash_assess`). Each parser returns a frozen
record of the *parameters only*: salts and digests are checked for shape and then dropped, so
nothing derived from the password travels further than this module.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal

Argon2Variant = Literal["argon2id", "argon2i", "argon2d"]

_B64 = r"[A-Za-z0-9+/]+"  # PHC strings use unpadded standard base64
_ARGON2 = re.compile(
    rf"\$(?P<variant>argon2id|argon2i|argon2d)"
    r"(?:\$v=(?P<version>\d{1,3}))?"
    r"\$m=(?P<m>\d{1,10}),t=(?P<t>\d{1,10}),p=(?P<p>\d{1,10})"
    rf"(?:,keyid={_B64})?(?:,data={_B64})?"
    rf"\${_B64}\${_B64}",
)


@dataclass(frozen=True)
class Argon2Params:
    """The cost parameters of an argon2 PHC string."""

    variant: Argon2Variant
    version: int  # 19 (0x13) is current; 16 (0x10) is the pre-2016 variant
    memory_kib: int
    time_cost: int
    parallelism: int


def parse_argon2(text: str) -> Argon2Params | None:
    """Return the parameters of a PHC argon2 string, or None if *text* is not one."""
    match = _ARGON2.fullmatch(text)
    if match is None:
        return None
    variant: Argon2Variant = match["variant"]  # type: ignore[assignment]  # regex alternation
    return Argon2Params(
        variant=variant,
        version=int(match["version"] or 16),  # a missing v= means version 1.0 (0x10)
        memory_kib=int(match["m"]),
        time_cost=int(match["t"]),
        parallelism=int(match["p"]),
    )

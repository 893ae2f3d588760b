"""What makes a password acceptable: NIST SP 800-63B-4 presets, violation codes and messages.

NIST's rules for passwords chosen by a user are few: a minimum length (15 characters when the
password is the only factor, 8 with a second factor), a maximum of at least 64, no composition
rules ("one digit, one symbol"), and a check against a blocklist of common, breached,
repetitive, sequential and context-specific values. :class:`Policy` holds the numbers; the
rules themselves are small functions here that the checker composes. Every violation has a
stable :class:`ViolationCode` and a message that never contains the password.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from enum import Enum
from itertools import islice
from typing import TYPE_CHECKING

from pwhygiene._errors import InvalidInput

if TYPE_CHECKING:
    from pwhygiene._strength import Strength

NIST_MIN_LENGTH = 15
NIST_MIN_LENGTH_MFA = 8
NIST_MAX_LENGTH_FLOOR = 64
DEFAULT_MIN_SCORE = 3

MIN_TOKEN_LENGTH = 3
"""User-input tokens shorter than this are ignored (``"al"`` would match half the alphabet)."""
MAX_USER_INPUTS = 32
MAX_USER_INPUT_CHARS = 256
MAX_TOKENS = 64
MAX_TOKEN_LENGTH = 64
"""Longer tokens (whole inputs, mostly) could never fit the scored window anyway."""
CONTEXT_WINDOW = 256
"""Normalised characters searched for user-input tokens."""
MOSTLY = 0.5
"""A pattern that covers at least this share of the password is what it is "built from"."""


class ViolationCode(str, Enum):
    """Why a password was refused; the values are stable and safe to store or compare."""

    TOO_SHORT = "too_short"
    TOO_LONG = "too_long"
    WEAK = "weak"
    COMMON = "common"
    CONTEXT = "context"
    REPETITIVE = "repetitive"
    SEQUENTIAL = "sequential"
    BREACHED = "breached"
    BREACH_UNKNOWN = "breach_unknown"

    def __str__(self) -> str:
        return self.value


SUGGESTIONS: dict[ViolationCode, str] = {
    ViolationCode.TOO_SHORT: "Use a longer password: a few unrelated words are easy to remember.",
    ViolationCode.TOO_LONG: "Use a shorter password.",
    ViolationCode.WEAK: "Add another word or two. Uncommon words are better.",  # zxcvbn's wording
    ViolationCode.COMMON: "Avoid common passwords.",
    ViolationCode.CONTEXT: "Avoid your name, e-mail address and other details about you.",
    ViolationCode.REPETITIVE: "Avoid repeated characters and words.",
    ViolationCode.SEQUENTIAL: "Avoid sequences and keyboard patterns.",
    ViolationCode.BREACHED: "Choose a password you have never used anywhere else.",
    ViolationCode.BREACH_UNKNOWN: "Try again in a moment.",
}


@dataclass(frozen=True)
class Violation:
    """One broken rule: a stable ``code`` and a message fit to show the user."""

    code: ViolationCode
    message: str

    @property
    def suggestion(self) -> str:
        """What the user can do about it."""
        return SUGGESTIONS[self.code]


@dataclass(frozen=True)
class Policy:
    """The numbers a password must meet; see :meth:`nist` for the recommended presets.

    ``min_length`` (at least 8, NIST's floor) and ``max_length`` (at least 64, which NIST
    requires verifiers to accept) count Unicode code points after NFKC normalisation;
    ``min_score`` is the lowest zxcvbn score (0-4) accepted.
    """

    min_length: int = NIST_MIN_LENGTH
    max_length: int = NIST_MAX_LENGTH_FLOOR
    min_score: int = DEFAULT_MIN_SCORE

    def __post_init__(self) -> None:
        for name in ("min_length", "max_length", "min_score"):
            value = getattr(self, name)
            if not isinstance(value, int) or isinstance(value, bool):
                raise InvalidInput(f"Policy.{name} must be an int, not {type(value).__name__}")
        if self.min_length < NIST_MIN_LENGTH_MFA:
            raise InvalidInput(
                f"Policy.min_length must be at least {NIST_MIN_LENGTH_MFA} (NIST SP 800-63B-4), "
                f"got {self.min_length}"
            )
        if self.max_length < NIST_MAX_LENGTH_FLOOR:
            raise InvalidInput(
                f"Policy.max_length must be at least {NIST_MAX_LENGTH_FLOOR}: NIST SP 800-63B-4 "
                f"requires accepting passwords that long, got {self.max_length}"
            )
        if self.min_length > self.max_length:
            raise InvalidInput(
                f"Policy.min_length ({self.min_length}) exceeds max_length ({self.max_length})"
            )
        if not 0 <= self.min_score <= 4:
            raise InvalidInput(
                f"Policy.min_score must be 0-4 (zxcvbn's scale), got {self.min_score}"
            )

    @classmethod
    def nist(cls, *, mfa: bool = False) -> Policy:
        """NIST SP 800-63B-4: 15 characters as the only factor, 8 alongside a second factor."""
        return cls(min_length=NIST_MIN_LENGTH_MFA if mfa else NIST_MIN_LENGTH)


def length_violations(policy: Policy, length: int) -> list[Violation]:
    """``too_short`` / ``too_long`` for a normalised length."""
    if length < policy.min_length:
        return [
            Violation(
                ViolationCode.TOO_SHORT,
                f"Too short: use at least {policy.min_length} characters (this has {length}).",
            )
        ]
    if length > policy.max_length:
        return [
            Violation(
                ViolationCode.TOO_LONG,
                f"Too long: use at most {policy.max_length} characters (this has {length}).",
            )
        ]
    return []


def strength_violations(policy: Policy, strength: Strength) -> list[Violation]:
    """``weak``, ``repetitive`` and ``sequential``, judged from zxcvbn's estimate."""
    found = []
    if strength.score < policy.min_score:
        found.append(
            Violation(
                ViolationCode.WEAK,
                f"Too easy to guess: rated {strength.score} of 4 "
                f"(about {_about(strength.guesses, strength.guesses_log10)} guesses); "
                f"at least {policy.min_score} is required.",
            )
        )
    if _covers_mostly(strength, {"repeat"}):
        found.append(
            Violation(
                ViolationCode.REPETITIVE,
                "Built mostly from repetition (like 'aaaaaa' or 'abcabc').",
            )
        )
    if _covers_mostly(strength, {"sequence", "spatial"}):
        found.append(
            Violation(
                ViolationCode.SEQUENTIAL,
                "Built mostly from sequences or keyboard patterns (like '123456' or 'qwerty').",
            )
        )
    return found


def _about(guesses: float, log10: float) -> str:
    return f"{round(guesses):,}" if guesses < 1e6 else f"10^{log10:.0f}"


def _covers_mostly(strength: Strength, patterns: set[str]) -> bool:
    if not strength.segments:
        return False
    total = strength.segments[-1].end
    covered = sum(
        s.end - s.start
        for s in strength.segments
        if s.pattern in patterns and s.end - s.start >= MIN_TOKEN_LENGTH
    )
    return covered >= MOSTLY * total


def common_violation() -> Violation:
    """The password is on the embedded blocklist."""
    return Violation(ViolationCode.COMMON, "One of the most common passwords.")


def context_violation() -> Violation:
    """The password is built from the user's own details."""
    return Violation(
        ViolationCode.CONTEXT,
        "Built mostly from your own details (name, e-mail address, username), "
        "or too weak without them.",
    )


def breached_violation(count: int) -> Violation:
    """The password appears ``count`` times in the breach corpus."""
    times = "once" if count == 1 else f"{count:,} times"
    return Violation(ViolationCode.BREACHED, f"Found in data breaches ({times}).")


def breach_unknown_violation() -> Violation:
    """The breach service could not answer and the checker was told to refuse then."""
    return Violation(
        ViolationCode.BREACH_UNKNOWN,
        "Could not check this password against known breaches right now.",
    )


_WORD_SEPARATORS = re.compile(r"[\W_]+")
_RUNS = re.compile(r"\d+|[^\W\d_]+")


def user_tokens(user_inputs: Iterable[str]) -> tuple[str, ...]:
    """The words an attacker who knows the user would try, most specific first.

    Each input is NFKC-normalised and lower-cased and kept whole; an e-mail address adds its
    local part and its domain labels; every part is split on separators and at letter/digit
    boundaries (``alice.wonderland1987`` gives ``alice``, ``wonderland``, ``1987``). Tokens
    shorter than MIN_TOKEN_LENGTH or longer than MAX_TOKEN_LENGTH are dropped. At most
    MAX_USER_INPUTS inputs of MAX_USER_INPUT_CHARS characters each are read, and at most
    MAX_TOKENS tokens kept, so hostile inputs cannot make a check slow.
    """
    if isinstance(user_inputs, (str, bytes)):
        raise InvalidInput(
            "user_inputs must be a sequence of strings, not a single string: "
            "wrap it in a list, e.g. user_inputs=[email]"
        )
    tokens: dict[str, None] = {}
    for position, raw in enumerate(islice(user_inputs, MAX_USER_INPUTS)):
        if not isinstance(raw, str):
            raise InvalidInput(f"user_inputs[{position}] must be a str, not {type(raw).__name__}")
        text = unicodedata.normalize("NFKC", raw[:MAX_USER_INPUT_CHARS]).lower().strip()
        parts = [text]
        local, at, domain = text.rpartition("@")
        if at:
            parts += [local, *domain.split(".")]
        for part in list(parts):
            words = [w for w in _WORD_SEPARATORS.split(part) if w]
            parts += words
            for word in words:
                parts += _RUNS.findall(word)
        for part in parts:
            if MIN_TOKEN_LENGTH <= len(part) <= MAX_TOKEN_LENGTH:
                tokens.setdefault(part, None)
    return tuple(tokens)[:MAX_TOKENS]


@dataclass(frozen=True)
class ContextMatch:
    """How much of a password comes from the user's tokens, and what is left without them."""

    covered: int
    searched: int
    residual: str

    def __repr__(self) -> str:
        return f"ContextMatch(covered={self.covered}, searched={self.searched})"

    @property
    def mostly(self) -> bool:
        """At least half of the searched characters are the user's own tokens."""
        return self.covered > 0 and self.covered >= MOSTLY * self.searched


def match_context(text: str, tokens: Sequence[str]) -> ContextMatch:
    """Find the user's tokens in a normalised password, l33t spellings included.

    ``4l1c3`` matches ``alice``: the password is also read with every l33t symbol replaced by
    its letter, once with ``1``/``|`` as ``i`` and ``7`` as ``t``, once with all three as ``l``.
    Only the first CONTEXT_WINDOW characters are searched (plain substring search, so the cost
    stays linear whatever the inputs); the residual is the password without the found tokens.
    """
    head = text[:CONTEXT_WINDOW]
    lowered = head.lower() if len(head.lower()) == len(head) else head
    if not tokens or not head:
        return ContextMatch(0, len(head), text)
    views = dict.fromkeys([lowered, lowered.translate(_DE_L33T_I), lowered.translate(_DE_L33T_L)])
    covered = bytearray(len(head))
    for token in tokens:
        width = len(token)
        for view in views:
            start = view.find(token)
            while start != -1:
                covered[start : start + width] = b"\x01" * width
                start = view.find(token, start + 1)
        if all(covered):
            break
    residual = (
        "".join(c for c, hit in zip(head, covered, strict=True) if not hit) + text[CONTEXT_WINDOW:]
    )
    return ContextMatch(sum(covered), len(head), residual)


_UNAMBIGUOUS_L33T = {
    "4": "a", "@": "a", "8": "b", "(": "c", "{": "c", "[": "c", "<": "c", "3": "e",
    "6": "g", "9": "g", "!": "i", "0": "o", "$": "s", "5": "s", "+": "t", "%": "x", "2": "z",
}  # fmt: skip
"""zxcvbn's l33t table, inverted, for the symbols that stand for one letter only."""
_DE_L33T_I = str.maketrans({**_UNAMBIGUOUS_L33T, "1": "i", "|": "i", "7": "t"})
_DE_L33T_L = str.maketrans({**_UNAMBIGUOUS_L33T, "1": "l", "|": "l", "7": "l"})

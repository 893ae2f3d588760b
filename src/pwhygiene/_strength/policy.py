"""What makes a password acceptable: NIST SP 800-63B-4 presets, violation codes and messages.

NIST's rules for passwords chosen by a user are few: a minimum length (15 characters when the
password is the only factor, 8 with a second factor), a maximum of at least 64, no composition
rules ("one digit, one symbol"), and a check against a blocklist of common, breached,
repetitive, sequential and context-specific values. :class:`Policy` holds the numbers; the
rules themselves are small functions here that the checker composes. Every violation has a
stable :class:`ViolationCode` and a message that never contains the password.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum
from typing import TYPE_CHECKING

from pwhygiene._strength.context import MIN_TOKEN_LENGTH, MOSTLY
from pwhygiene.exceptions import InvalidInput

if TYPE_CHECKING:
    from pwhygiene._strength.estimate import Strength

NIST_MIN_LENGTH = 15
NIST_MIN_LENGTH_MFA = 8
NIST_MAX_LENGTH_FLOOR = 64
DEFAULT_MIN_SCORE = 3


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

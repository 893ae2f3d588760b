"""What makes a password acceptable: NIST SP 800-63B-4 presets, violation codes and messages.

NIST's rules for passwords chosen by a user are few: a minimum length (15 characters when the
password is the only factor, 8 with a second factor), a maximum of at least 64, no composition
rules ("one digit, one symbol"), and a check against a blocklist of common, breached,
repetitive, sequential and context-specific values. :class:`Policy` holds the numbers; the
rules themselves are small functions here that the checker composes. Every violation has a
stable :class:`ViolationCode` and a message that never contains the password.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import Enum
from typing import TYPE_CHECKING

from pwhygiene._strength.context import MIN_TOKEN_LENGTH, MOSTLY
from pwhygiene._strength.i18n import integer, translate
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


TEMPLATES: dict[str, str] = {
    "too_short": "Too short: use at least {min_length} characters (this has {length}).",
    "too_long": "Too long: use at most {max_length} characters (this has {length}).",
    "weak": "Too easy to guess: rated {score} of 4 (about {guesses} guesses); "
    "at least {min_score} is required.",
    "repetitive": "Built mostly from repetition (like 'aaaaaa' or 'abcabc').",
    "sequential": "Built mostly from sequences or keyboard patterns (like '123456' or 'qwerty').",
    "common": "One of the most common passwords.",
    "context": "Built mostly from your own details (name, e-mail address, username), "
    "or too weak without them.",
    "breached_once": "Found in data breaches (once).",
    "breached": "Found in data breaches ({count} times).",
    "breach_unknown": "Could not check this password against known breaches right now.",
}
"""Every violation message, in English: the msgids of the catalogs (``_strength/locale``)."""


@dataclass(frozen=True)
class Violation:
    """One broken rule: a stable ``code`` and a message fit to show the user.

    ``locale`` is the language ``message`` and :attr:`suggestion` are in (``None``: English).
    """

    code: ViolationCode
    message: str
    locale: str | None = field(default=None, repr=False, compare=False)

    @property
    def suggestion(self) -> str:
        """What the user can do about it, in the violation's language."""
        return translate(SUGGESTIONS[self.code], self.locale)


def _violation(
    code: ViolationCode, locale: str | None, template: str = "", **params: object
) -> Violation:
    """A violation whose message is its template in ``locale``, placeholders filled."""
    return Violation(code, translate(TEMPLATES[template or code.value], locale, **params), locale)


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


def length_violations(policy: Policy, length: int, locale: str | None = None) -> list[Violation]:
    """``too_short`` / ``too_long`` for a normalised length."""
    if length < policy.min_length:
        return [
            _violation(ViolationCode.TOO_SHORT, locale, min_length=policy.min_length, length=length)
        ]
    if length > policy.max_length:
        return [
            _violation(ViolationCode.TOO_LONG, locale, max_length=policy.max_length, length=length)
        ]
    return []


def strength_violations(
    policy: Policy, strength: Strength, locale: str | None = None
) -> list[Violation]:
    """``weak``, ``repetitive`` and ``sequential``, judged from zxcvbn's estimate."""
    found = []
    if strength.score < policy.min_score:
        found.append(
            _violation(
                ViolationCode.WEAK,
                locale,
                score=strength.score,
                guesses=_about(strength.guesses, strength.guesses_log10, locale),
                min_score=policy.min_score,
            )
        )
    if _covers_mostly(strength, {"repeat"}):
        found.append(_violation(ViolationCode.REPETITIVE, locale))
    if _covers_mostly(strength, {"sequence", "spatial"}):
        found.append(_violation(ViolationCode.SEQUENTIAL, locale))
    return found


def _about(guesses: float, log10: float, locale: str | None) -> str:
    return integer(round(guesses), locale) if guesses < 1e6 else f"10^{log10:.0f}"


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


def common_violation(locale: str | None = None) -> Violation:
    """The password is on the embedded blocklist."""
    return _violation(ViolationCode.COMMON, locale)


def context_violation(locale: str | None = None) -> Violation:
    """The password is built from the user's own details."""
    return _violation(ViolationCode.CONTEXT, locale)


def breached_violation(count: int, locale: str | None = None) -> Violation:
    """The password appears ``count`` times in the breach corpus."""
    if count == 1:
        return _violation(ViolationCode.BREACHED, locale, "breached_once")
    return _violation(ViolationCode.BREACHED, locale, count=integer(count, locale))


def breach_unknown_violation(locale: str | None = None) -> Violation:
    """The breach service could not answer and the checker was told to refuse then."""
    return _violation(ViolationCode.BREACH_UNKNOWN, locale)

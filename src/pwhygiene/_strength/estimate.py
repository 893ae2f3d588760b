"""Password strength: zxcvbn's estimate for any string, in bounded time, safe under threads.

:func:`estimate` is what the rest of pwhygiene (and its integrations) call. Compared with
calling ``zxcvbn.zxcvbn`` directly it

* answers for every ``str`` (empty, NUL, lone surrogates, 1 MiB) instead of raising;
* normalises to NFKC first (NIST SP 800-63B-4), so full-width ``ABC123`` scores as ``ABC123``
  and the NFC and NFD spellings of ``pässwörd`` score alike;
* bounds its work: only the first :data:`WINDOW` normalised characters are pattern-matched
  (the rest multiplies the guesses by ``length / window``, the least zxcvbn credits for
  repeating what came before), and l33t substitutions are capped;
* keeps every call's user inputs in that call (zxcvbn 4.5.0 stores them in a module global);
* measures years from the current year instead of 2017;
* returns typed, frozen results without the password or any ``Decimal``.

With ``model="zxcvbn"``, for ASCII passwords of at most 64 characters without years near the
present, it returns zxcvbn's score, guesses and feedback exactly. The default model adds
passphrases, accent folding and lists ranked by password frequency; ``docs/strength.md``
lists every difference and measures both against real leaks.
"""

from __future__ import annotations

import math
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timezone
from decimal import Decimal, localcontext
from typing import Literal, cast

from zxcvbn import time_estimates

from pwhygiene._strength.context import user_tokens
from pwhygiene._strength.dates import Match
from pwhygiene._strength.feedback import advise, suggestion_code, warning_code
from pwhygiene._strength.languages import resolve as resolve_languages
from pwhygiene._strength.matching import Model, dictionaries_for, omnimatch
from pwhygiene._strength.search import DECIMAL_CONTEXT, most_guessable
from pwhygiene.exceptions import InvalidInput

WINDOW = 64
"""Normalised characters that are pattern-matched; NIST's minimum for a maximum length."""

NORMALISE_LIMIT = 1024
"""Code points (as typed) that are NFKC-normalised; the rest only count for length."""

REFERENCE_YEAR = datetime.now(timezone.utc).year
"""The year dates and years are measured from (zxcvbn 4.5.0 hard-codes 2017)."""

PatternName = Literal[
    "dictionary", "spatial", "repeat", "sequence", "regex", "date", "bruteforce", "passphrase"
]
MODELS: tuple[Model, ...] = ("default", "zxcvbn")


@dataclass(frozen=True)
class CrackTime:
    """How long one attack scenario needs: seconds, and zxcvbn's human wording."""

    seconds: float
    display: str


@dataclass(frozen=True)
class CrackTimes:
    """zxcvbn's four attack scenarios, from a throttled web form to a fast offline hash."""

    online_throttling_100_per_hour: CrackTime
    online_no_throttling_10_per_second: CrackTime
    offline_slow_hashing_1e4_per_second: CrackTime
    offline_fast_hashing_1e10_per_second: CrackTime


@dataclass(frozen=True)
class Feedback:
    """What to tell the user: one warning (may be empty) and suggestions, in order.

    Each sentence has a stable code beside it (``warning_code``, ``suggestion_codes``, same
    order), for front ends that show their own wording or language; ``docs/strength.md``
    lists them.
    """

    warning: str
    suggestions: tuple[str, ...]
    warning_code: str = ""
    """``""`` when there is no warning."""
    suggestion_codes: tuple[str, ...] = ()

    @classmethod
    def from_text(cls, warning: str, suggestions: tuple[str, ...]) -> Feedback:
        """Feedback for zxcvbn's sentences, each given its stable code."""
        return cls(
            warning,
            suggestions,
            warning_code(warning),
            tuple(suggestion_code(s) for s in suggestions),
        )


@dataclass(frozen=True)
class Segment:
    """One pattern of the cheapest explanation zxcvbn found: its kind and where it lies.

    ``start``/``end`` index the normalised password (``end`` exclusive); the matched text
    itself is never kept.
    """

    pattern: PatternName
    start: int
    end: int


@dataclass(frozen=True)
class Strength:
    """zxcvbn's verdict on one password, without the password."""

    score: int
    """0 (too guessable) to 4 (very unguessable), zxcvbn's thresholds at 1e3/1e6/1e8/1e10."""
    guesses: float
    guesses_log10: float
    crack_times: CrackTimes
    feedback: Feedback
    segments: tuple[Segment, ...]
    """The patterns of the scored window, in order (empty for the empty password)."""
    length: int
    """Length in code points after NFKC normalisation (see ``NORMALISE_LIMIT``)."""


@dataclass(frozen=True)
class Normalised:
    """A password after NFKC: the analysed text and the length it counts for."""

    text: str
    length: int

    def __repr__(self) -> str:
        return f"Normalised(length={self.length})"


def normalise(password: str) -> Normalised:
    """NFKC-normalise ``password`` (its first NORMALISE_LIMIT code points) and measure it.

    NFKC can expand a code point 18-fold (U+FDFA), so a 1 MiB input would take seconds; only
    the head is normalised and the tail counts one per code point as typed.
    """
    if not isinstance(password, str):
        raise InvalidInput(f"password must be a str, not {type(password).__name__}")
    head = password[:NORMALISE_LIMIT]
    text = unicodedata.normalize("NFKC", head)
    return Normalised(text, len(text) + len(password) - len(head))


def check_model(model: object) -> Model:
    """``model`` if it names a model, else :class:`~pwhygiene.exceptions.InvalidInput`."""
    if model not in MODELS:
        raise InvalidInput(f"model must be one of {', '.join(MODELS)}, got {model!r}")
    return model


def estimate(
    password: str,
    user_inputs: Sequence[str] = (),
    *,
    model: Model = "default",
    languages: Sequence[str] | None = None,
) -> Strength:
    """The strength estimate for ``password``, bounded, normalised and thread-safe.

    ``user_inputs`` are things an attacker may know about the user (name, e-mail, site name);
    they are normalised and split into tokens as :func:`pwhygiene.Policy`'s context rule does,
    and a password made from them scores lower. ``model="zxcvbn"`` gives zxcvbn 4.5.0's
    estimate (for a front end that shows zxcvbn); the default also reads passphrases.
    ``languages`` (``("en", "de")``) adds other languages' words and names to the default
    model's dictionaries (``model="zxcvbn"`` stays zxcvbn's, English only).
    """
    model = check_model(model)
    packs = resolve_languages(languages)
    return estimate_normalised(
        normalise(password), user_tokens(user_inputs), model=model, languages=packs
    )


def estimate_normalised(
    password: Normalised,
    tokens: Sequence[str] = (),
    *,
    model: Model = "default",
    languages: tuple[str, ...] = (),
) -> Strength:
    """:func:`estimate` for a normalised password, tokenised inputs and resolved ``languages``."""
    with localcontext(DECIMAL_CONTEXT):
        guesses, sequence = _guesses(password, tokens, model, languages)
        attack = time_estimates.estimate_attack_times(guesses)
    score = int(attack["score"])
    return Strength(
        score=score,
        guesses=float(guesses),
        guesses_log10=math.log10(guesses),
        crack_times=_crack_times(attack),
        feedback=Feedback.from_text(*advise(score, sequence)),
        segments=tuple(Segment(m["pattern"], m["i"], m["j"] + 1) for m in sequence),
        length=password.length,
    )


def score_and_log10(
    password: str, user_inputs: Sequence[str] = (), *, model: Model = "default"
) -> tuple[int, float]:
    """``(score, guesses_log10)`` of :func:`estimate`, without its feedback and crack times.

    For bulk scoring (an audit of thousands of items), where only these two numbers are kept.
    """
    model = check_model(model)
    with localcontext(DECIMAL_CONTEXT):
        guesses, _ = _guesses(normalise(password), user_tokens(user_inputs), model, ())
        score = int(time_estimates.guesses_to_score(guesses))
    return score, math.log10(guesses)


def _guesses(
    password: Normalised, tokens: Sequence[str], model: Model, languages: tuple[str, ...]
) -> tuple[Decimal, list[Match]]:
    """The guesses and cheapest match sequence of zxcvbn; call inside ``DECIMAL_CONTEXT``."""
    window = password.text[: _window_end(password.text)]
    dicts = dictionaries_for(model, languages)
    if tokens:
        dicts = dicts.with_user_inputs(tokens)
    guesses, sequence = most_guessable(window, omnimatch(window, dicts, REFERENCE_YEAR, model))
    if password.length > len(window):
        guesses = guesses * Decimal(password.length) / Decimal(len(window))
    return guesses, sequence


def _window_end(text: str) -> int:
    """Where the scored window ends: WINDOW, or earlier so it does not cut a repetition.

    Cutting ``"abc" * 100`` at 64 would leave a stray ``"a"`` that zxcvbn prices as brute
    force; a long periodic run across the cut is instead cut after its last whole unit.
    """
    if len(text) <= WINDOW:
        return len(text)
    for period in range(1, WINDOW // 2 + 1):
        unit = text[WINDOW - period : WINDOW]
        if (
            text[WINDOW : WINDOW + period] != unit
            or text[WINDOW - 2 * period : WINDOW - period] != unit
        ):
            continue
        start = WINDOW - 2 * period
        while start > 0 and text[start - 1] == text[start - 1 + period]:
            start -= 1
        return start + period * ((WINDOW - start) // period)
    return WINDOW


def _crack_times(attack: dict[str, dict[str, object]]) -> CrackTimes:
    seconds = attack["crack_times_seconds"]
    display = attack["crack_times_display"]

    def scenario(name: str) -> CrackTime:
        return CrackTime(float(cast(Decimal, seconds[name])), str(display[name]))

    return CrackTimes(
        online_throttling_100_per_hour=scenario("online_throttling_100_per_hour"),
        online_no_throttling_10_per_second=scenario("online_no_throttling_10_per_second"),
        offline_slow_hashing_1e4_per_second=scenario("offline_slow_hashing_1e4_per_second"),
        offline_fast_hashing_1e10_per_second=scenario("offline_fast_hashing_1e10_per_second"),
    )

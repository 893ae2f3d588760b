"""``check()`` and :class:`Checker`: strength, policy and breach lookup for one password.

The checker normalises once, estimates strength once, applies the policy's rules in a fixed
order (length, blocklist, context, strength, breach) and returns a :class:`CheckResult` that
holds no trace of the password: numbers, codes and fixed messages only.

Breach failure policy (``on_unavailable``), applied when the source raises
:class:`~pwhygiene.exceptions.BreachLookupError`:

* ``"fallback"`` (default): the embedded blocklist, which every check applies anyway as the
  ``common`` rule, is the only corpus consulted; ``breach_status`` is ``"fallback"``;
* ``"allow"``: the password is judged without breach data; ``breach_status`` is ``"unknown"``;
* ``"reject"``: the password is refused with the ``breach_unknown`` violation.
"""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from typing import Literal

from pwhygiene._breach.blocklist import is_common
from pwhygiene._breach.digests import password_digest
from pwhygiene._breach.source import BreachSource
from pwhygiene._strength.context import match_context, user_tokens
from pwhygiene._strength.estimate import (
    NORMALISE_LIMIT,
    CrackTimes,
    Feedback,
    Normalised,
    check_model,
    estimate_normalised,
    normalise,
)
from pwhygiene._strength.i18n import translate
from pwhygiene._strength.languages import resolve as resolve_languages
from pwhygiene._strength.matching import Model
from pwhygiene._strength.passphrase import is_famous
from pwhygiene._strength.policy import (
    Policy,
    Violation,
    ViolationCode,
    breach_unknown_violation,
    breached_violation,
    common_violation,
    context_violation,
    length_violations,
    strength_violations,
)
from pwhygiene.exceptions import BreachLookupError, InvalidInput

OnUnavailable = Literal["reject", "allow", "fallback"]
BreachStatus = Literal["not_checked", "clean", "breached", "blocklisted", "unknown", "fallback"]
"""What is known about a password's breach history; one type for checks and audits.

``breached`` (the source counted it: the count is above 0), ``clean`` (the source answered
and does not list it: the count is 0), ``blocklisted`` (audits: on the embedded blocklist of
common passwords while the full corpus was not asked or could not answer; treat as breached,
the count is unknown), ``unknown`` (the source could not answer and nothing else is known),
``fallback`` (checks: the source could not answer and ``on_unavailable="fallback"``, so the
blocklist, applied as the ``common`` rule, was the only corpus) and ``not_checked`` (no source
was asked). Each state is distinct: a ``None`` count never has to say which one it is.
"""
_ON_UNAVAILABLE = ("reject", "allow", "fallback")


@dataclass(frozen=True)
class CheckResult:
    """The verdict on one password; safe to log, store or return from an API."""

    score: int
    guesses: float
    guesses_log10: float
    crack_times: CrackTimes
    feedback: Feedback
    """zxcvbn's warning and suggestions, then one suggestion per violated rule."""
    violations: tuple[Violation, ...]
    breach_count: int | None
    """Times seen in breaches; None when not checked or unknown."""
    breach_status: BreachStatus

    @property
    def acceptable(self) -> bool:
        """True when no rule is violated."""
        return not self.violations

    @property
    def codes(self) -> tuple[ViolationCode, ...]:
        """The violated rules' codes, in order."""
        return tuple(v.code for v in self.violations)

    def to_dict(self) -> dict[str, object]:
        """JSON-ready: numbers, strings, lists and dicts only (``json.dumps`` takes it as is)."""
        data = asdict(self)
        data["acceptable"] = self.acceptable
        data["feedback"]["suggestions"] = list(self.feedback.suggestions)
        data["feedback"]["suggestion_codes"] = list(self.feedback.suggestion_codes)
        data["violations"] = [{"code": v.code.value, "message": v.message} for v in self.violations]
        return data


@dataclass(frozen=True)
class Accepted:
    """The outcome of :meth:`Checker.accept`: the verdict and, if acceptable, a hash to store."""

    result: CheckResult
    hash: str | None = field(repr=False)
    """argon2id (pwhygiene.hashing) of the password as given; None when not acceptable."""


class Checker:
    """Checks passwords against one policy and, optionally, one breach source.

    Thread-safe and cheap to share: holds configuration only. ``breach`` is any
    :class:`~pwhygiene.BreachSource` (range client, offline index); ``on_unavailable`` says
    what happens when it cannot answer (see the module documentation). ``model="zxcvbn"``
    scores exactly as zxcvbn 4.5.0 does (for a front end that shows zxcvbn's meter).
    ``locale`` (``"de"``, ``"pt-BR"``, ...) is the language of messages and feedback (codes
    never change; a sentence without a translation stays English); ``languages`` adds the
    word and name lists of other languages to the default model (``("en", "de")``).
    """

    def __init__(
        self,
        policy: Policy | None = None,
        *,
        breach: BreachSource | None = None,
        on_unavailable: OnUnavailable = "fallback",
        model: Model = "default",
        locale: str | None = None,
        languages: Sequence[str] | None = None,
    ) -> None:
        _check_locale(locale)
        if on_unavailable not in _ON_UNAVAILABLE:
            raise InvalidInput(
                f"on_unavailable must be one of {', '.join(_ON_UNAVAILABLE)}, "
                f"got {on_unavailable!r}"
            )
        self.policy = policy if policy is not None else Policy.nist()
        self.breach = breach
        self.on_unavailable: OnUnavailable = on_unavailable
        self.model = check_model(model)
        self.locale = locale
        self.languages = resolve_languages(languages)

    def __repr__(self) -> str:
        return (
            f"Checker(policy={self.policy!r}, breach={self.breach!r}, "
            f"on_unavailable={self.on_unavailable!r}, model={self.model!r}, "
            f"locale={self.locale!r}, languages={self.languages!r})"
        )

    def check(
        self, password: str, *, user_inputs: Sequence[str] = (), locale: str | None = None
    ) -> CheckResult:
        """Judge ``password``; never raises for any ``str`` (a breach outage is a status).

        ``locale`` replaces the checker's for this call (a server answering many languages).
        """
        _check_locale(locale)
        locale = self.locale if locale is None else locale
        normalised = normalise(password)
        tokens = user_tokens(user_inputs)
        strength = estimate_normalised(
            normalised, tokens, model=self.model, languages=self.languages
        )
        violations = length_violations(self.policy, normalised.length, locale)
        if is_common(normalised.text) or is_famous(normalised.text):
            violations.append(common_violation(locale))
        if tokens and self._context_problem(normalised, tokens, strength.score):
            violations.append(context_violation(locale))
        violations += strength_violations(self.policy, strength, locale)
        count, status = self._breach_lookup(password, normalised)
        if count:
            violations.append(breached_violation(count, locale))
        elif status == "unknown" and self.on_unavailable == "reject":
            violations.append(breach_unknown_violation(locale))
        feedback = _merged_feedback(_localised(strength.feedback, locale), violations)
        return CheckResult(
            score=strength.score,
            guesses=strength.guesses,
            guesses_log10=strength.guesses_log10,
            crack_times=strength.crack_times,
            feedback=feedback,
            violations=tuple(violations),
            breach_count=count,
            breach_status=status,
        )

    async def acheck(
        self, password: str, *, user_inputs: Sequence[str] = (), locale: str | None = None
    ) -> CheckResult:
        """:meth:`check` in a worker thread, so a breach lookup never blocks the event loop."""
        return await asyncio.to_thread(self.check, password, user_inputs=user_inputs, locale=locale)

    def accept(self, password: str, *, user_inputs: Sequence[str] = ()) -> Accepted:
        """Check ``password`` and, when acceptable, hash it with argon2id for storage.

        The hash covers the password exactly as given (see :mod:`pwhygiene.hashing`).
        """
        result = self.check(password, user_inputs=user_inputs)
        if not result.acceptable:
            return Accepted(result, None)
        from pwhygiene.hashing import hash as hash_password  # noqa: PLC0415 -- argon2 is heavy

        return Accepted(result, hash_password(password))

    def _context_problem(self, normalised: Normalised, tokens: Sequence[str], score: int) -> bool:
        """Mostly the user's own tokens, or too weak once they are taken out.

        The remainder is only scored when the whole password is strong enough: a weak one is
        refused anyway, and skipping it halves the worst-case cost.
        """
        found = match_context(normalised.text, tokens)
        if not found.covered:
            return False
        if found.mostly:
            return True
        if score < self.policy.min_score:
            return False
        residual = normalise(found.residual)
        strength = estimate_normalised(residual, model=self.model, languages=self.languages)
        return strength.score < self.policy.min_score

    def _breach_lookup(
        self, password: str, normalised: Normalised
    ) -> tuple[int | None, BreachStatus]:
        """Ask the breach source about the password as typed (and its NFKC form if different)."""
        if self.breach is None:
            return None, "not_checked"
        forms = [password]
        if len(password) <= NORMALISE_LIMIT and normalised.text != password:
            forms.append(normalised.text)
        try:
            count = max(self.breach.count(password_digest(f, self.breach.mode)) for f in forms)
        except BreachLookupError:
            return None, "fallback" if self.on_unavailable == "fallback" else "unknown"
        return count, "breached" if count else "clean"


def _check_locale(locale: object) -> None:
    """A locale is a language tag (``"de"``, ``"pt-BR"``) or None; anything else is a bug."""
    if locale is not None and not isinstance(locale, str):
        raise InvalidInput(f"locale must be a str such as 'de', not {type(locale).__name__}")


def _localised(feedback: Feedback, locale: str | None) -> Feedback:
    """``feedback`` with its sentences in ``locale`` and its codes as they were."""
    if not locale:
        return feedback
    return Feedback(
        translate(feedback.warning, locale),
        tuple(translate(s, locale) for s in feedback.suggestions),
        feedback.warning_code,
        feedback.suggestion_codes,
    )


def _merged_feedback(feedback: Feedback, violations: Sequence[Violation]) -> Feedback:
    """Zxcvbn's feedback, then one suggestion per violated rule (coded by the rule's code).

    With no zxcvbn warning, the first violation's message is the warning. A suggestion already
    given keeps its first code.
    """
    suggestions = dict(zip(feedback.suggestions, feedback.suggestion_codes, strict=True))
    for violation in violations:
        suggestions.setdefault(violation.suggestion, violation.code.value)
    warning, code = feedback.warning, feedback.warning_code
    if not warning and violations:
        warning, code = violations[0].message, violations[0].code.value
    return Feedback(warning, tuple(suggestions), code, tuple(suggestions.values()))


def check(
    password: str,
    *,
    user_inputs: Sequence[str] = (),
    policy: Policy | None = None,
    model: Model = "default",
    locale: str | None = None,
    languages: Sequence[str] | None = None,
) -> CheckResult:
    """Judge one password under ``policy`` (default :meth:`Policy.nist`), without breach data.

    ``locale`` and ``languages`` are :class:`Checker`'s. For breach lookups or repeated use,
    build a :class:`Checker`.
    """
    checker = Checker(policy, model=model, locale=locale, languages=languages)
    return checker.check(password, user_inputs=user_inputs)

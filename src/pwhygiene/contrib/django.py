"""Django: ``PasswordHygieneValidator`` for ``AUTH_PASSWORD_VALIDATORS``.

::

    AUTH_PASSWORD_VALIDATORS = [
        {
            "NAME": "pwhygiene.contrib.django.PasswordHygieneValidator",
            "OPTIONS": {"policy": "nist", "breach": True, "on_unavailable": "fallback"},
        },
    ]

Every violation becomes its own ``ValidationError`` with code ``password_<code>`` (stable:
``password_too_short``, ``password_breached``, ...) and a translatable message; where Django
already has the sentence (``"This password is too common."``) its msgid is reused, so Django's
own translations apply. Where Django (or the project) has no translation of a message and
pwhygiene has a catalog for the language (de, es, fr, it, nl, pt-BR), pwhygiene's translation
is used; the language is the ``locale`` option or, when it is unset, Django's active language
at validation time. The password never appears in a message, and ``validate()`` is wrapped
in ``sensitive_variables()`` so Django's error reports hide every local of it and of the
frames it calls (the checker's included).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING, TypeVar, cast

try:
    from django.core.exceptions import ValidationError
    from django.utils.translation import get_language, gettext, ngettext, override
    from django.views.decorators.debug import sensitive_variables
except ImportError as exc:  # pragma: no cover - exercised by test_missing_framework
    raise ImportError(
        "pwhygiene.contrib.django needs Django: pip install 'pwhygiene[django]'"
    ) from exc

from pwhygiene.contrib.options import CheckerOptions, checker_or_options
from pwhygiene.strength import translated

if TYPE_CHECKING:
    from typing_extensions import Unpack

    from pwhygiene import Checker, Policy, Violation

__all__ = ["DEFAULT_USER_ATTRIBUTES", "PasswordHygieneValidator"]

_F = TypeVar("_F", bound=Callable[..., object])
# Hide every local of validate() and of the frames it calls from Django's error reports.
_hide_all_locals = cast("Callable[[_F], _F]", sensitive_variables())

DEFAULT_USER_ATTRIBUTES: tuple[str, ...] = ("username", "first_name", "last_name", "email")
"""The user fields whose values a password must not be built from (Django's own default)."""


class PasswordHygieneValidator:
    """Refuse short, guessable, personal, common or breached passwords (NIST SP 800-63B-4).

    OPTIONS: every option of :class:`pwhygiene.contrib.options.CheckerOptions` (``policy``,
    ``breach``, ``on_unavailable``, ...; see ``docs/integrations.md``) and ``user_attributes``.
    ``checker`` takes a ready :class:`pwhygiene.Checker` instead of the checking options.
    """

    def __init__(
        self,
        *,
        user_attributes: Iterable[str] = DEFAULT_USER_ATTRIBUTES,
        checker: Checker | None = None,
        **options: Unpack[CheckerOptions],
    ) -> None:
        self.user_attributes = tuple(user_attributes)
        self._checker = checker_or_options(checker, options)

    @property
    def checker(self) -> Checker:
        """The :class:`pwhygiene.Checker` this validator applies."""
        return self._checker

    @_hide_all_locals
    def validate(self, password: str, user: object = None) -> None:
        """Raise ``ValidationError`` (one entry per violation) unless *password* is acceptable."""
        locale = self._checker.locale or get_language()
        result = self._checker.check(password, user_inputs=self._user_inputs(user), locale=locale)
        if not result.acceptable:
            ours = translated(locale)
            raise ValidationError(
                [
                    ValidationError(
                        self._message(violation, ours), code=f"password_{violation.code.value}"
                    )
                    for violation in result.violations
                ]
            )

    def get_help_text(self) -> str:
        """What the signup form says under the password field."""
        policy = self._checker.policy
        text = str(
            ngettext(
                "Your password must contain at least %(min_length)d character.",
                "Your password must contain at least %(min_length)d characters.",
                policy.min_length,
            )
            % {"min_length": policy.min_length}
        )
        return " ".join(
            (
                text,
                _text(
                    "It must not be a commonly used or previously breached password, "
                    "nor be based on your personal information."
                ),
            )
        )

    def _user_inputs(self, user: object) -> tuple[str, ...]:
        if user is None:
            return ()
        words = []
        for name in self.user_attributes:
            value = getattr(user, name, None)
            if isinstance(value, str) and value:
                words.append(value)
        return tuple(words)

    def _message(self, violation: Violation, ours: bool) -> str:
        """Django's sentence when translated (or when pwhygiene has no catalog), else ours."""
        render = _MESSAGES.get(violation.code.value)
        if render is None:
            return violation.message
        text = render(self._checker.policy)
        if not ours:
            return text
        with override("en"):
            untranslated = render(self._checker.policy)
        return text if text != untranslated else violation.message


def _too_short(policy: Policy) -> str:
    # Django's own msgid (django/contrib/auth/password_validation.py, 5.x): already translated.
    return str(
        ngettext(
            "This password is too short. It must contain at least %d character.",
            "This password is too short. It must contain at least %d characters.",
            policy.min_length,
        )
        % policy.min_length
    )


def _too_long(policy: Policy) -> str:
    return str(
        ngettext(
            "This password is too long. It must contain at most %(max_length)d character.",
            "This password is too long. It must contain at most %(max_length)d characters.",
            policy.max_length,
        )
        % {"max_length": policy.max_length}
    )


def _text(message: str) -> str:
    return str(gettext(message))


_MESSAGES: dict[str, Callable[[Policy], str]] = {
    "too_short": _too_short,
    "too_long": _too_long,
    "weak": lambda _: _text("This password is too easy to guess."),
    "common": lambda _: _text("This password is too common."),
    "context": lambda _: _text("This password is too similar to your personal information."),
    "repetitive": lambda _: _text("This password is built mostly from repetition."),
    "sequential": lambda _: _text(
        "This password is built mostly from sequences or keyboard patterns."
    ),
    "breached": lambda _: _text(
        "This password has appeared in a data breach and must not be used."
    ),
    "breach_unknown": lambda _: _text(
        "This password could not be checked against known data breaches right now. "
        "Please try again in a moment."
    ),
}

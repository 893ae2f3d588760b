"""WTForms (Flask): the ``PasswordHygiene`` validator.

::

    class SignupForm(Form):
        username = StringField(validators=[InputRequired()])
        email = EmailField(validators=[InputRequired()])
        password = PasswordField(validators=[InputRequired(), PasswordHygiene()])

The other fields named in ``user_fields`` (default: username, email, first/last name) are the
context words the password must not be built from. Each violation is added to
``field.errors`` as its own message; none contains the password. The checking options are
those of every integration (:class:`pwhygiene.contrib.options.CheckerOptions`).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

try:
    from wtforms import Field, Form
    from wtforms.validators import ValidationError
except ImportError as exc:  # pragma: no cover - exercised by test_missing_framework
    raise ImportError(
        "pwhygiene.contrib.wtforms needs WTForms: pip install 'pwhygiene[flask]'"
    ) from exc

from pwhygiene.contrib.options import CheckerOptions, checker_or_options

if TYPE_CHECKING:
    from typing_extensions import Unpack

    from pwhygiene import Checker, CheckResult

__all__ = ["DEFAULT_USER_FIELDS", "PasswordHygiene"]

DEFAULT_USER_FIELDS: tuple[str, ...] = ("username", "email", "first_name", "last_name", "name")


class PasswordHygiene:
    """A WTForms validator refusing short, guessable, personal, common or breached passwords.

    Build it once (at class definition) and share it: it holds the breach client and its
    connection pool. Takes every option of :class:`~pwhygiene.contrib.options.CheckerOptions`
    (or a ready ``checker``); ``message`` replaces every violation's message with one text of
    yours.
    """

    field_flags: dict[str, Any] = {}  # noqa: RUF012  # reason: WTForms protocol attribute

    def __init__(
        self,
        *,
        user_fields: Iterable[str] = DEFAULT_USER_FIELDS,
        message: str | None = None,
        checker: Checker | None = None,
        **options: Unpack[CheckerOptions],
    ) -> None:
        self.user_fields = tuple(user_fields)
        self.message = message
        self.checker = checker_or_options(checker, options)

    def __call__(self, form: Form, field: Field) -> None:
        """Check ``field.data``; add one error per violation if it is refused."""
        password = field.data
        if not isinstance(password, str) or not password:
            return  # InputRequired/DataRequired own the "missing" case
        result = self.check(password, form)
        if result.acceptable:
            return
        messages = [self.message] if self.message else [v.message for v in result.violations]
        field.errors.extend(messages[:-1])
        raise ValidationError(messages[-1])

    def check(self, password: str, form: Form) -> CheckResult:
        """Run the checker with the form's ``user_fields`` as context (for custom flows)."""
        words = []
        for name in self.user_fields:
            data = form[name].data if name in form else None
            if isinstance(data, str) and data:
                words.append(data)
        return self.checker.check(password, user_inputs=tuple(words))

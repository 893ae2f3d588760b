"""Pydantic v2: a ``StrongPassword`` type whose validation errors never carry the password.

Pydantic copies the raw input of a failing field into ``ValidationError.errors()`` (as
``input``), even for ``SecretStr`` and even with ``hide_input_in_errors=True``; frameworks then
log or return that list. The validators here raise their errors with ``input`` replaced by
``"**********"``, and :func:`scrub_errors` cleans any other error list before it leaves the
process (:mod:`pwhygiene.contrib.fastapi` uses it for its 422 handler).

::

    class Signup(BaseModel):
        username: str
        email: str
        password: StrongPassword            # checked with username and email as context

Each violation becomes one error of type ``password_<code>`` (``password_too_short``,
``password_breached``, ...) with ``ctx = {"code": ..., "message": ...}``. A value that is not a
string at all (a number, a list, an object) fails pydantic's own ``string_type`` check, raised
again with its input redacted too: the promise holds for every type a client can send.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Annotated, Any, NoReturn, TypedDict, get_args

try:
    from pydantic import BaseModel, GetCoreSchemaHandler, SecretStr, ValidationError
    from pydantic import model_validator as _model_validator
    from pydantic_core import InitErrorDetails, PydanticCustomError, core_schema
except ImportError as exc:  # pragma: no cover - exercised by test_missing_framework
    raise ImportError(
        "pwhygiene.contrib.pydantic needs pydantic v2: pip install 'pwhygiene[pydantic]'"
    ) from exc

from pwhygiene.contrib.options import CheckerOptions, checker_or_options

if TYPE_CHECKING:
    from typing_extensions import Unpack

    from pwhygiene import Checker, CheckResult

__all__ = [
    "CONTEXT_FIELDS",
    "REDACTED",
    "HygieneCheck",
    "ScrubbedError",
    "StrongPassword",
    "password_validator",
    "scrub_errors",
]

REDACTED = "**********"  # what SecretStr shows; stands in for every input we drop
CONTEXT_FIELDS: tuple[str, ...] = ("username", "email", "first_name", "last_name", "name")
"""Fields whose values are passed to the checker as words the password must not be built on."""
_MIN_REDACT = 4  # shorter input fragments are not searched for in messages (too many false hits)


@dataclass(frozen=True, init=False)
class HygieneCheck:
    """The marker that makes ``Annotated[SecretStr, HygieneCheck(...)]`` a checked password.

    ``checker`` is a :class:`pwhygiene.Checker`; or pass the options every integration takes
    (:class:`~pwhygiene.contrib.options.CheckerOptions`, with their defaults: breach lookups on).
    With neither, :func:`pwhygiene.check`: the default policy, no network. Values of
    ``context_fields`` validated *before* this field are used as context; declare them first,
    or use :func:`password_validator`.
    """

    checker: Checker | None  # compared by identity: typing caches Annotated aliases
    context_fields: tuple[str, ...]

    def __init__(
        self,
        checker: Checker | None = None,
        context_fields: Iterable[str] = CONTEXT_FIELDS,
        **options: Unpack[CheckerOptions],
    ) -> None:
        if options:
            checker = checker_or_options(checker, options)
        object.__setattr__(self, "checker", checker)
        object.__setattr__(self, "context_fields", tuple(context_fields))

    def __get_pydantic_core_schema__(
        self, source: type[object], handler: GetCoreSchemaHandler
    ) -> core_schema.CoreSchema:
        """Check after pydantic has built the ``SecretStr`` (or ``str``), whose errors we redact."""
        typed = core_schema.no_info_wrap_validator_function(_without_input, handler(source))
        return core_schema.with_info_after_validator_function(self._validate, typed)

    def _validate(
        self, value: SecretStr | str, info: core_schema.ValidationInfo
    ) -> SecretStr | str:
        data = info.data if isinstance(info.data, Mapping) else {}
        result = _run(self.checker, value, _context(data, self.context_fields))
        if not result.acceptable:
            _reject(result, loc=())
        return value


StrongPassword = Annotated[SecretStr, HygieneCheck()]
"""A ``SecretStr`` checked with the default policy; see :class:`HygieneCheck` to configure."""


def password_validator(
    field: str = "password",
    *,
    context: Iterable[str] = CONTEXT_FIELDS,
    checker: Checker | None = None,
    **options: Unpack[CheckerOptions],
) -> Any:  # noqa: ANN401  # reason: pydantic's descriptor proxy type is private
    """Return a model validator checking *field* with the model's *context* fields as context.

    ``checker`` and the options are those of :class:`HygieneCheck`. Use it when the context
    fields are declared after the password, or to keep the field a plain ``SecretStr``::

        class Signup(BaseModel):
            password: SecretStr
            email: str
            check_password = password_validator("password", context=("email",))
    """
    names = tuple(context)
    if options:
        checker = checker_or_options(checker, options)

    def check(model: BaseModel) -> BaseModel:
        data = {name: getattr(model, name, None) for name in names}
        result = _run(checker, getattr(model, field), _context(data, names))
        if not result.acceptable:
            _reject(result, loc=(field,))
        return model

    return _model_validator(mode="after")(check)


class ScrubbedError(TypedDict, total=False):
    """One entry of ``ValidationError.errors()`` without ``input`` (``type``, ``loc``, ...)."""

    type: str
    loc: tuple[int | str, ...]
    msg: str
    ctx: dict[str, str | int | float | bool | None]
    url: str


def scrub_errors(errors: Sequence[Mapping[str, Any]]) -> list[ScrubbedError]:
    """Drop ``input`` from each error, and redact any input text echoed in ``msg`` or ``ctx``.

    A model-level error carries the whole submitted object as its input, so every string in it
    (of at least four characters) is searched for and replaced by ``"**********"``; ``ctx``
    values are reduced to JSON scalars (an exception becomes its message, redacted too).
    """
    scrubbed: list[ScrubbedError] = []
    for error in errors:
        secrets = sorted(_strings(error.get("input")), key=len, reverse=True)
        clean: ScrubbedError = {
            "type": str(error.get("type", "")),
            "loc": tuple(error.get("loc", ())),
            "msg": _redact(str(error.get("msg", "")), secrets),
        }
        ctx = error.get("ctx")
        if isinstance(ctx, Mapping):
            clean["ctx"] = {str(k): _scalar(v, secrets) for k, v in ctx.items()}
        if "url" in error:
            clean["url"] = str(error["url"])
        scrubbed.append(clean)
    return scrubbed


# --- helpers -----------------------------------------------------------------------------------


def _run(checker: Checker | None, value: object, context: tuple[str, ...]) -> CheckResult:
    password = value.get_secret_value() if isinstance(value, SecretStr) else value
    if not isinstance(password, str):
        _reject_type()
    if checker is None:
        from pwhygiene import check  # noqa: PLC0415  # reason: zxcvbn loads lazily

        return check(password, user_inputs=context)
    return checker.check(password, user_inputs=context)


def _context(data: Mapping[str, object], names: Iterable[str]) -> tuple[str, ...]:
    words = []
    for name in names:
        value = data.get(name)
        if isinstance(value, SecretStr):
            value = value.get_secret_value()
        if isinstance(value, str) and value:
            words.append(value)
    return tuple(words)


def _reject(result: CheckResult, loc: tuple[int | str, ...]) -> NoReturn:
    details = [
        InitErrorDetails(
            type=PydanticCustomError(
                f"password_{violation.code}",
                "{message}",
                {"code": violation.code, "message": violation.message},
            ),
            loc=loc,
            input=REDACTED,
        )
        for violation in result.violations
    ]
    raise ValidationError.from_exception_data("password", details)


def _without_input(value: object, handler: core_schema.ValidatorFunctionWrapHandler) -> object:
    """Run pydantic's own validation of the field; re-raise its errors with the input redacted."""
    try:
        return handler(value)
    except ValidationError as exc:
        # from None: a chained original would carry the raw input into every traceback.
        raise _redacted(exc) from None


_BUILTIN_ERRORS = frozenset(get_args(core_schema.ErrorType))


def _redacted(exc: ValidationError) -> ValidationError:
    """*exc* with every error's input replaced and any input text in ``msg``/``ctx`` redacted."""
    details = []
    for error in exc.errors(include_url=False):
        secrets = sorted(_strings(error.get("input")), key=len, reverse=True)
        ctx = {str(k): _scalar(v, secrets) for k, v in (error.get("ctx") or {}).items()}
        kind: str | PydanticCustomError = error["type"]
        if kind not in _BUILTIN_ERRORS:  # someone's custom error: keep its text, redacted
            kind, ctx = PydanticCustomError(error["type"], _redact(error["msg"], secrets)), {}
        detail = InitErrorDetails(type=kind, loc=error["loc"], input=REDACTED)
        if ctx:
            detail["ctx"] = ctx
        details.append(detail)
    return ValidationError.from_exception_data(exc.title, details)


def _reject_type() -> NoReturn:
    error = PydanticCustomError("password_type", "a password must be a string", {})
    raise ValidationError.from_exception_data(
        "password", [InitErrorDetails(type=error, loc=(), input=REDACTED)]
    )


def _strings(value: object) -> Iterable[str]:
    if isinstance(value, SecretStr):
        value = value.get_secret_value()
    if isinstance(value, str):
        if len(value) >= _MIN_REDACT:
            yield value
    elif isinstance(value, (int, float)) and not isinstance(value, bool):
        yield from _strings(str(value))  # a PIN sent as a JSON number is a password too
    elif isinstance(value, bytes):
        yield from _strings(value.decode("utf-8", "replace"))
    elif isinstance(value, Mapping):
        for key, item in value.items():
            yield from _strings(key)
            yield from _strings(item)
    elif isinstance(value, (list, tuple, set, frozenset)):
        for item in value:
            yield from _strings(item)
    elif isinstance(value, BaseModel):
        yield from _strings(dict(value))


def _redact(text: str, secrets: Sequence[str]) -> str:
    for secret in secrets:
        text = text.replace(secret, REDACTED)
    return text


def _scalar(value: object, secrets: Sequence[str]) -> str | int | float | bool | None:
    if value is None or isinstance(value, (bool, int, float)):
        return value
    return _redact(str(value), secrets)

"""The checking options every framework integration takes, declared once, and the Checker they make.

Django reads them from ``AUTH_PASSWORD_VALIDATORS[...]["OPTIONS"]``; WTForms'
``PasswordHygiene``, Pydantic's ``HygieneCheck`` and ``password_validator`` take them as keyword
arguments; FastAPI endpoints use :func:`build_checker`. All of them end here, so each option is
one line of :class:`CheckerOptions` (type, default, the check on its value, and whether it is
handed on to :class:`pwhygiene.RangeClient` under the same name), and a misspelt name or a wrong
value fails the same way everywhere: an :class:`~pwhygiene.exceptions.InvalidInput` naming the
option and what it takes.
"""

from __future__ import annotations

import dataclasses
import os
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Annotated, Any, Literal, TypedDict, cast, get_args, get_type_hints

from pwhygiene import BreachSource, Checker, Policy
from pwhygiene.exceptions import InvalidInput
from pwhygiene.strength import LANGUAGES, OnUnavailable

if TYPE_CHECKING:
    from typing_extensions import Unpack  # typing.Unpack from Python 3.11; only mypy reads it

__all__ = [
    "OPTIONS",
    "CheckerOptions",
    "Option",
    "PolicyPreset",
    "build_checker",
    "checker_or_options",
    "option_defaults",
    "resolve",
]

PolicyPreset = Literal["nist", "nist_mfa"]


@dataclass(frozen=True)
class Option:
    """One option's default, the test its value must pass, and the words that say what it takes.

    ``client=True`` options are passed on to :class:`pwhygiene.RangeClient` as keywords of the
    same name, so a new client setting needs nothing but its line in :class:`CheckerOptions`.
    """

    default: object
    valid: Callable[[object], bool]
    expected: str
    client: bool = False


def _seconds(value: object) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool) and value > 0


def _int_in(low: int, high: int) -> Callable[[object], bool]:
    return lambda v: isinstance(v, int) and not isinstance(v, bool) and low <= v <= high


def _one_of(choices: tuple[object, ...]) -> Callable[[object], bool]:
    return lambda v: isinstance(v, str) and v in choices


def _or_none(valid: Callable[[object], bool]) -> Callable[[object], bool]:
    return lambda v: v is None or valid(v)


def _path(value: object) -> bool:
    return isinstance(value, (str, os.PathLike))


def _policy(value: object) -> bool:
    return isinstance(value, Policy) or value in get_args(PolicyPreset)


def _text(value: object) -> bool:
    return isinstance(value, str)


def _flag(value: object) -> bool:
    return isinstance(value, bool)


def _languages(value: object) -> bool:
    if isinstance(value, str) or not isinstance(value, (tuple, list)):
        return False
    return all(
        isinstance(v, str) and v.replace("-", "_").split("_")[0].lower() in _PACKS for v in value
    )


_PACKS = ("en", *LANGUAGES)


class CheckerOptions(TypedDict, total=False):
    """What to check a password against, in the vocabulary of a settings file (all optional).

    The table in ``docs/integrations.md`` explains each option; a test keeps the two in step.
    """

    policy: Annotated[
        PolicyPreset | Policy, Option("nist", _policy, "'nist', 'nist_mfa' or a pwhygiene.Policy")
    ]
    min_score: Annotated[int | None, Option(None, _or_none(_int_in(0, 4)), "an integer 0-4")]
    breach: Annotated[bool, Option(True, _flag, "True or False")]
    range_url: Annotated[str | None, Option(None, _or_none(_text), "a range API URL")]
    offline_index: Annotated[
        str | os.PathLike[str] | None, Option(None, _or_none(_path), "a path to an index file")
    ]
    # A signup form should not wait the API client's 10 s default read timeout.
    timeout: Annotated[float, Option(2.0, _seconds, "a positive number of seconds", client=True)]
    # One quick retry: the client's default (6, backing off to 8 s) suits an audit, not a form.
    retries: Annotated[int, Option(1, _int_in(0, 10), "an integer from 0 to 10", client=True)]
    # A person is waiting: no lookup may take longer than this in all, whatever the server does.
    deadline: Annotated[
        float | None,
        Option(3.0, _or_none(_seconds), "a number of seconds or None", client=True),
    ]
    on_unavailable: Annotated[
        OnUnavailable,
        Option("fallback", _one_of(get_args(OnUnavailable)), "'fallback', 'allow' or 'reject'"),
    ]
    # None: Django follows its active language; the other integrations answer in English.
    locale: Annotated[
        str | None, Option(None, _or_none(_text), "a language tag such as 'de' or 'pt-BR', or None")
    ]
    languages: Annotated[
        tuple[str, ...] | None,
        Option(
            None, _or_none(_languages), f"a list of language codes from en, {', '.join(LANGUAGES)}"
        ),
    ]


def _declared() -> dict[str, Option]:
    hints = get_type_hints(CheckerOptions, include_extras=True)
    return {
        name: next(m for m in hint.__metadata__ if isinstance(m, Option))
        for name, hint in hints.items()
    }


OPTIONS: Mapping[str, Option] = _declared()
"""Every option by name, in declaration order."""


def option_defaults() -> CheckerOptions:
    """Every option at its default value (what an integration uses when given none)."""
    return cast("CheckerOptions", {name: option.default for name, option in OPTIONS.items()})


def resolve(options: Mapping[str, object]) -> CheckerOptions:
    """*options* checked name by name and value by value, completed with the defaults."""
    for name, value in options.items():
        option = OPTIONS.get(name)
        if option is None:
            raise InvalidInput(
                f"unknown option {name!r}; the options are {', '.join(map(repr, OPTIONS))}"
            )
        if not option.valid(value):
            raise InvalidInput(f"option {name!r}: expected {option.expected}")
    if options.get("range_url") is not None and options.get("offline_index") is not None:
        raise InvalidInput("options 'range_url' and 'offline_index' exclude each other")
    return cast("CheckerOptions", {**option_defaults(), **options})


def build_checker(**options: Unpack[CheckerOptions]) -> Checker:
    """A :class:`pwhygiene.Checker` for *options* (see :class:`CheckerOptions`); build it once."""
    settings = resolve(options)
    return Checker(
        _policy_of(settings),
        breach=_breach_of(settings),
        on_unavailable=settings["on_unavailable"],
        locale=settings["locale"],
        languages=settings["languages"],
    )


def _policy_of(settings: CheckerOptions) -> Policy:
    """The :class:`pwhygiene.Policy` the options name, with ``min_score`` applied."""
    preset = settings["policy"]
    policy = Policy.nist(mfa=preset == "nist_mfa") if isinstance(preset, str) else preset
    if settings["min_score"] is not None:
        policy = dataclasses.replace(policy, min_score=settings["min_score"])
    return policy


def _breach_of(settings: CheckerOptions) -> BreachSource | None:
    """The breach source the options name (``None`` when lookups are off)."""
    if not settings["breach"]:
        return None
    index = settings["offline_index"]
    if index is not None:
        from pwhygiene import OfflineIndex  # noqa: PLC0415  # reason: numpy loads on use

        return OfflineIndex.open(index)
    from pwhygiene import RangeClient  # noqa: PLC0415  # reason: requests loads on use

    client: dict[str, Any] = {
        name: settings[name]  # type: ignore[literal-required]  # reason: names from OPTIONS
        for name, option in OPTIONS.items()
        if option.client
    }
    url = settings["range_url"]
    return RangeClient(**client) if url is None else RangeClient(url, **client)


def checker_or_options(checker: Checker | None, options: CheckerOptions) -> Checker:
    """*checker* as given, or one built from *options*; never both, where one would be dropped."""
    if checker is None:
        return build_checker(**options)
    if options:
        raise InvalidInput(
            f"a ready 'checker' replaces the checking options: pass either it or "
            f"{', '.join(map(repr, options))}, not both"
        )
    return checker

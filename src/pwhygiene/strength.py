"""Strength estimates and checks in detail: the parts a caller may want to show or configure.

``pwhygiene.check``, ``pwhygiene.Checker`` and ``pwhygiene.estimate_strength`` are the common
entry points; this module adds the pieces a :class:`Strength` is made of and the types of a
checker's breach options and answers.
"""

from typing import TYPE_CHECKING as _TYPE_CHECKING

from pwhygiene._lazy import exports as _exports

if _TYPE_CHECKING:
    from pwhygiene._strength.checker import BreachStatus, OnUnavailable
    from pwhygiene._strength.estimate import CrackTime, CrackTimes, Feedback, Segment, Strength
    from pwhygiene._strength.estimate import estimate as estimate_strength
    from pwhygiene._strength.i18n import LANGUAGES as LOCALES
    from pwhygiene._strength.i18n import translated
    from pwhygiene._strength.languages import LANGUAGES

__all__ = [
    "LANGUAGES",
    "LOCALES",
    "BreachStatus",
    "CrackTime",
    "CrackTimes",
    "Feedback",
    "OnUnavailable",
    "Segment",
    "Strength",
    "estimate_strength",
    "translated",
]

__getattr__, __dir__ = _exports(
    __name__,
    {
        "BreachStatus": "pwhygiene._strength.checker:BreachStatus",
        "CrackTime": "pwhygiene._strength.estimate:CrackTime",
        "CrackTimes": "pwhygiene._strength.estimate:CrackTimes",
        "Feedback": "pwhygiene._strength.estimate:Feedback",
        "LANGUAGES": "pwhygiene._strength.languages:LANGUAGES",
        "LOCALES": "pwhygiene._strength.i18n:LANGUAGES",
        "OnUnavailable": "pwhygiene._strength.checker:OnUnavailable",
        "Segment": "pwhygiene._strength.estimate:Segment",
        "Strength": "pwhygiene._strength.estimate:Strength",
        "estimate_strength": "pwhygiene._strength.estimate:estimate",
        "translated": "pwhygiene._strength.i18n:translated",
    },
)

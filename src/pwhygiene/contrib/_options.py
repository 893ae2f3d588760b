"""The options every framework integration shares, validated once and turned into a Checker.

Django reads them from ``AUTH_PASSWORD_VALIDATORS[...]["OPTIONS"]``, WTForms from the
validator's keyword arguments; both end here, so a typo in an option name or value fails the
same way everywhere: an :class:`~pwhygiene.exceptions.InvalidInput` naming the option and what it
takes.
"""

from __future__ import annotations

import dataclasses
import os
from dataclasses import dataclass
from typing import Literal, get_args

from pwhygiene import BreachSource, Checker, Policy
from pwhygiene.exceptions import InvalidInput
from pwhygiene.strength import OnUnavailable

PolicyPreset = Literal["nist", "nist_mfa"]
DEFAULT_TIMEOUT = 2.0  # seconds: a signup form should not wait the API client's 10 s default
DEFAULT_RETRIES = 1  # one quick retry; the client's batch default (6, backing off to 8 s) is
# right for an audit of thousands of prefixes, not for a person waiting on a form


@dataclass(frozen=True)
class CheckerOptions:
    """What to check a password against, in the vocabulary of a settings file.

    ``policy``: a preset name (``"nist"``, ``"nist_mfa"``) or a :class:`pwhygiene.Policy`.
    ``min_score``: overrides the policy's minimum zxcvbn score (0..4).
    ``breach``: look the password up in a breach corpus at all.
    ``range_url``: a Pwned Passwords range API (default: the public one).
    ``offline_index``: a path to a ``pwhygiene index build`` file; used instead of the API.
    ``timeout``: seconds per breach request; ``retries``: extra attempts after a failure.
    ``on_unavailable``: when the breach source cannot answer, ``"fallback"`` (judge with the
    embedded blocklist of common passwords only), ``"allow"`` (judge without breach data) or
    ``"reject"`` (refuse with ``breach_unknown``).
    """

    policy: PolicyPreset | Policy = "nist"
    min_score: int | None = None
    breach: bool = True
    range_url: str | None = None
    offline_index: str | os.PathLike[str] | None = None
    timeout: float = DEFAULT_TIMEOUT
    retries: int = DEFAULT_RETRIES
    on_unavailable: OnUnavailable = "fallback"

    def __post_init__(self) -> None:
        if isinstance(self.policy, str) and self.policy not in get_args(PolicyPreset):
            raise InvalidInput(
                f"option 'policy': unknown preset {self.policy!r}; use one of "
                f"{', '.join(map(repr, get_args(PolicyPreset)))} or a pwhygiene.Policy"
            )
        if self.min_score is not None and (
            isinstance(self.min_score, bool)
            or not isinstance(self.min_score, int)
            or not 0 <= self.min_score <= 4
        ):
            raise InvalidInput("option 'min_score': expected an integer from 0 to 4")
        if not isinstance(self.breach, bool):
            raise InvalidInput("option 'breach': expected True or False")
        if isinstance(self.timeout, bool) or not (
            isinstance(self.timeout, (int, float)) and self.timeout > 0
        ):
            raise InvalidInput("option 'timeout': expected a positive number of seconds")
        if isinstance(self.retries, bool) or not (
            isinstance(self.retries, int) and 0 <= self.retries <= 10
        ):
            raise InvalidInput("option 'retries': expected an integer from 0 to 10")
        if self.on_unavailable not in get_args(OnUnavailable):
            raise InvalidInput(
                f"option 'on_unavailable': expected one of "
                f"{', '.join(map(repr, get_args(OnUnavailable)))}"
            )
        if self.range_url is not None and self.offline_index is not None:
            raise InvalidInput("options 'range_url' and 'offline_index' exclude each other")

    def build_policy(self) -> Policy:
        """The :class:`pwhygiene.Policy` these options name, with ``min_score`` applied."""
        policy = (
            Policy.nist(mfa=self.policy == "nist_mfa")
            if isinstance(self.policy, str)
            else self.policy
        )
        if self.min_score is not None:
            policy = dataclasses.replace(policy, min_score=self.min_score)
        return policy

    def build_breach(self) -> BreachSource | None:
        """The breach source these options name (``None`` when lookups are off)."""
        if not self.breach:
            return None
        if self.offline_index is not None:
            from pwhygiene import OfflineIndex  # noqa: PLC0415  # reason: numpy

            return OfflineIndex.open(self.offline_index)
        from pwhygiene import RangeClient  # noqa: PLC0415  # reason: requests

        if self.range_url is None:
            return RangeClient(timeout=self.timeout, retries=self.retries)
        return RangeClient(self.range_url, timeout=self.timeout, retries=self.retries)

    def build(self) -> Checker:
        """A :class:`pwhygiene.Checker` for these options."""
        return Checker(
            self.build_policy(), breach=self.build_breach(), on_unavailable=self.on_unavailable
        )

"""Timestamps as exports write them: ISO 8601 text or Unix time in seconds, ms or µs."""

from __future__ import annotations

import re
from datetime import datetime, timedelta, timezone
from decimal import Decimal

from pwhygiene._vault.model import Timestamp

_EPOCH = datetime(1970, 1, 1, tzinfo=timezone.utc)
_EPOCH_DIGITS = re.compile(r"-?\d{1,17}(\.\d+)?")


def parse_timestamp(value: object, source: str) -> Timestamp | None:
    """A :class:`Timestamp` from ISO 8601 text or Unix time in s, ms or µs; ``None`` if empty.

    Naive times are taken as UTC. Raises ``ValueError`` for text that is neither, so the caller
    can report the field; exporters that write garbage should not pass silently.
    """
    if value is None or value in ("", 0):
        return None
    if isinstance(value, bool):
        raise ValueError("a timestamp")
    if isinstance(value, (int, float)) or (
        isinstance(value, str) and _EPOCH_DIGITS.fullmatch(value.strip())
    ):
        # Decimal, not float: 2038-01-20T00:00:00.002 in ms must not come back as .001.
        number = Decimal(str(value).strip())
        if not number.is_finite() or number <= 0:
            return None
        for per_second in (1, 1_000, 1_000_000):  # seconds until year ~5138, then ms, then µs
            if number / per_second < 10**11:
                micros = int((number * 1_000_000 / per_second).to_integral_value())
                return Timestamp(_EPOCH + timedelta(microseconds=micros), source)
        raise ValueError("a timestamp")
    if isinstance(value, str):
        text = value.strip().replace("Z", "+00:00").replace("z", "+00:00")
        if " " in text and "T" not in text:
            text = text.replace(" ", "T", 1)
        try:
            at: datetime | None = datetime.fromisoformat(text)
        except ValueError:  # its message quotes the cell, which may be a misplaced password
            at = None
        if at is None:
            raise ValueError("an ISO 8601 timestamp or Unix time")
        if at.tzinfo is None:
            at = at.replace(tzinfo=timezone.utc)
        return Timestamp(at, source)
    raise ValueError("a timestamp")

"""The range client the tests use against a loopback ``RangeServer``."""

from __future__ import annotations

from typing import Any

from pwhygiene import RangeClient

PATIENT_TIMEOUT = (2.0, 10.0)
"""The default: on a loaded CI machine a short read timeout turns a slow answer into a fault."""

HANG_TIMEOUT = (2.0, 0.3)
"""For tests that inject ``hang``: short enough to give up quickly on a stalled read."""


def fast_client(url: str, **options: Any) -> RangeClient:
    """A client whose retries sleep microseconds and whose reads wait patiently."""
    options.setdefault("backoff", 0.0005)
    options.setdefault("timeout", PATIENT_TIMEOUT)
    return RangeClient(url, **options)

"""One probe per integration option: proof, seen from outside, that the option reaches the checker.

Each integration's tests supply a :data:`Judge` (options and a password in, accepted or not out)
that goes through the framework the way a user's form would; :func:`observe` runs it against a
fresh loopback ``RangeServer`` and reports what can be seen from outside: whether the password
was accepted, how many requests the server received, and what each ``RangeClient`` was built
with (recorded by a subclass standing in for ``pwhygiene.RangeClient``, the only way to see a
timeout without timing anything). Every probe also states the outcome with the option left at its
default, so a probe that cannot tell the two apart fails instead of passing quietly.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

import pwhygiene
from pwhygiene import RangeClient
from pwhygiene.breach import build_index, sha1_digest
from pwhygiene.contrib.options import OPTIONS
from pwhygiene.testing import FaultKind, RangeServer

BREACHED = "zephyr-marrow-glyph-tundra"  # strong by zxcvbn; the loopback server has seen it
INDEX_ONLY = "larch-cobalt-vortex-pylon"  # strong; only the offline index has seen it
GOOD = "quill-oxbow-nimbus-sprocket"  # strong and seen nowhere
SERVER_URL = "<the loopback server's URL>"  # stands for a value known only once it runs
INDEX_PATH = "<the offline index built for the probe>"
PATIENT = 10.0  # seconds: a loaded CI machine never turns a loopback answer into a timeout

Judge = Callable[[Mapping[str, Any], str], str | None]
"""Build the integration with these options, submit this password: None if it was accepted,
else the text the user is shown (the page, the error, the JSON body)."""

CLIENT_OPTIONS = tuple(name for name, option in OPTIONS.items() if option.client)


@dataclass(frozen=True)
class Outcome:
    """What a probe run shows from outside; ``requests=None`` when the count is not the point."""

    accepted: bool
    requests: int | None
    clients: tuple[Mapping[str, object], ...] = ()  # the client options each RangeClient got
    shown: bool | None = None  # whether the refusal showed the probe's ``shows`` text


def _client(**values: object) -> Mapping[str, object]:
    """What a RangeClient is given: the client options' defaults, a patient timeout, *values*."""
    defaults = {name: OPTIONS[name].default for name in CLIENT_OPTIONS}
    return {**defaults, "timeout": PATIENT, **values}


@dataclass(frozen=True)
class Probe:
    """An option at a non-default ``value``, the setup around it, and both expected outcomes."""

    option: str
    value: object
    password: str
    expected: Outcome
    default: Outcome | None  # None: the default cannot run offline (the public range API)
    base: Mapping[str, object] = field(default_factory=lambda: {"timeout": PATIENT})
    faults: tuple[FaultKind | None, ...] = ()
    shows: str = ""  # text the refusal must show with the value and not at the default

    def __str__(self) -> str:
        return self.option


PROBES: tuple[Probe, ...] = (
    Probe(  # the NIST preset for a second factor takes 8 characters instead of 15
        "policy",
        "nist_mfa",
        "fjord-oxbow",
        Outcome(accepted=True, requests=0),
        Outcome(accepted=False, requests=0),
        base={"breach": False},
    ),
    Probe(  # a 16-character pair of common words: zxcvbn scores it 1, below the default 3
        "min_score",
        0,
        "footballbaseball",
        Outcome(accepted=True, requests=0),
        Outcome(accepted=False, requests=0),
        base={"breach": False},
    ),
    Probe(
        "breach",
        False,
        BREACHED,
        Outcome(accepted=True, requests=0),
        Outcome(accepted=False, requests=1, clients=(_client(),)),
    ),
    Probe(
        "range_url",
        SERVER_URL,
        BREACHED,
        Outcome(accepted=False, requests=1, clients=(_client(),)),
        None,
    ),
    Probe(
        "offline_index",
        INDEX_PATH,
        INDEX_ONLY,
        Outcome(accepted=False, requests=0),
        Outcome(accepted=True, requests=1, clients=(_client(),)),
    ),
    Probe(  # only the client's arguments show a timeout without timing anything
        "timeout",
        7.5,
        GOOD,
        Outcome(accepted=True, requests=None, clients=(_client(timeout=7.5),)),
        Outcome(accepted=True, requests=None, clients=(_client(timeout=2.0),)),
        base={},
    ),
    Probe(  # one scripted 503: retries=0 gives up after it, the default asks once more
        "retries",
        0,
        GOOD,
        Outcome(accepted=True, requests=1, clients=(_client(retries=0),)),
        Outcome(accepted=True, requests=2, clients=(_client(),)),
        faults=("unavailable",),
    ),
    Probe(  # only the client's arguments show a deadline without timing anything
        "deadline",
        9.0,
        GOOD,
        Outcome(accepted=True, requests=None, clients=(_client(deadline=9.0),)),
        Outcome(accepted=True, requests=None, clients=(_client(),)),
    ),
    Probe(  # two scripted 503s exhaust the default retry; reject refuses, fallback accepts
        "on_unavailable",
        "reject",
        GOOD,
        Outcome(accepted=False, requests=2, clients=(_client(),)),
        Outcome(accepted=True, requests=2, clients=(_client(),)),
        faults=("unavailable", "unavailable"),
    ),
    Probe(  # 11 characters: refused as too short, in German with the option, else in English
        "locale",
        "de",
        "fjord-oxbow",
        Outcome(accepted=False, requests=0, shown=True),
        Outcome(accepted=False, requests=0, shown=False),
        base={"breach": False},
        shows="Zu kurz",
    ),
    Probe(  # a German word and a year: brute-forced (score 4) in English, score 2 with German
        "languages",
        ("en", "de"),
        "Schmetterling2024",
        Outcome(accepted=False, requests=0),
        Outcome(accepted=True, requests=0),
        base={"breach": False},
    ),
)


@contextmanager
def _recorded_clients(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[Mapping[str, object]]]:
    """Record the client options of every ``pwhygiene.RangeClient`` built while the block runs."""
    built: list[Mapping[str, object]] = []

    class RecordingClient(RangeClient):
        def __init__(self, *args: Any, **kwargs: Any) -> None:
            built.append({name: kwargs[name] for name in CLIENT_OPTIONS if name in kwargs})
            super().__init__(*args, **kwargs)

    with monkeypatch.context() as patch:
        patch.setattr(pwhygiene, "RangeClient", RecordingClient)
        yield built


def observe(
    probe: Probe, judge: Judge, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, *, default: bool
) -> Outcome:
    """Run *judge* for *probe* (with its value, or at the default) against fresh servers."""
    index = tmp_path / "pwned.idx"
    if not index.exists():  # the downloader's "SHA1:COUNT" lines, CRLF-terminated
        (tmp_path / "pwned.txt").write_text(f"{sha1_digest(INDEX_ONLY)}:7\r\n", encoding="ascii")
        build_index(tmp_path / "pwned.txt", index)
    with RangeServer.from_passwords({BREACHED: 3}, padding_rows=(5, 10)) as server:
        server.inject(*probe.faults)
        options: dict[str, object] = {"range_url": server.url, **probe.base}
        if not default:
            value = {SERVER_URL: server.url, INDEX_PATH: str(index)}.get(str(probe.value))
            options[probe.option] = probe.value if value is None else value
            if probe.option == "offline_index":
                del options["range_url"]  # the two exclude each other
        with _recorded_clients(monkeypatch) as clients:
            verdict = judge(options, probe.password)
        requests = len(server.requests)
    expected = probe.default if default else probe.expected
    return Outcome(
        verdict is None,
        None if expected is None or expected.requests is None else requests,
        tuple(clients),
        None if not probe.shows else verdict is not None and probe.shows in verdict,
    )


def check_probe(
    probe: Probe, judge: Judge, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Assert *probe*'s outcome with its value and, where it can run, with the default."""
    assert observe(probe, judge, tmp_path, monkeypatch, default=False) == probe.expected
    if probe.default is not None:
        assert observe(probe, judge, tmp_path, monkeypatch, default=True) == probe.default

"""pwhygiene.contrib.fastapi: scrubbed 422s through a real app, and a non-blocking async check."""

from __future__ import annotations

import asyncio
import importlib
import json
import logging
import sys
import threading
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated, Any

import httpx2 as httpx
import pytest
from fastapi import FastAPI, Query, WebSocket
from fastapi.testclient import TestClient
from hypothesis import assume, given
from hypothesis import strategies as st
from pydantic import BaseModel, SecretStr
from starlette.websockets import WebSocketDisconnect

from option_probes import PROBES, Probe, check_probe
from pwhygiene import Checker, RangeClient, ViolationCode
from pwhygiene.breach import HashMode
from pwhygiene.contrib.fastapi import MAX_CLOSE_REASON_BYTES, check_password, install
from pwhygiene.contrib.options import build_checker
from pwhygiene.contrib.pydantic import StrongPassword
from pwhygiene.testing import InMemoryCorpus, RangeServer
from strategies.signup import coincides, message_corpus, non_string_secrets, typed_passwords

BREACHED = "zephyr-marrow-glyph-tundra"
GOOD = "quill-oxbow-nimbus-sprocket"


class Signup(BaseModel):
    """Checked synchronously by the StrongPassword type (no breach lookup)."""

    username: str
    email: str
    password: StrongPassword


class Register(BaseModel):
    """Checked in the endpoint with the async breach-aware path."""

    username: str
    password: SecretStr


def make_app(checker: Checker | None = None, *, scrubbed: bool = True) -> FastAPI:
    """A small signup service; ``scrubbed=False`` keeps FastAPI's default 422 handler."""
    app = FastAPI()
    if scrubbed:
        install(app)

    @app.post("/signup")
    def signup(body: Signup) -> dict[str, str]:
        return {"username": body.username}

    @app.post("/register")
    async def register(body: Register) -> dict[str, str]:
        assert checker is not None
        await check_password(body.password, checker=checker, user_inputs=[body.username])
        return {"username": body.username}

    @app.get("/health")
    async def health() -> dict[str, str]:
        return {"status": "ok"}

    @app.websocket("/session")
    async def session(websocket: WebSocket, password: StrongPassword) -> None:
        await websocket.accept()
        await websocket.send_text("welcome")
        await websocket.close()

    @app.websocket("/legacy")  # pydantic's own constraint: its errors carry the raw input
    async def legacy(websocket: WebSocket, password: Annotated[str, Query(min_length=15)]) -> None:
        await websocket.accept()
        await websocket.send_text("welcome")
        await websocket.close()

    return app


@contextmanager
def captured_logs() -> Iterator[list[str]]:
    """Every log record of every logger, formatted with its arguments, while the block runs."""
    lines: list[str] = []

    class Collect(logging.Handler):
        def emit(self, record: logging.LogRecord) -> None:
            lines.append(self.format(record))

    root = logging.getLogger()
    handler, level = Collect(logging.DEBUG), root.level
    handler.setFormatter(logging.Formatter("%(name)s: %(message)s"))
    root.addHandler(handler)
    root.setLevel(logging.DEBUG)
    try:
        yield lines
    finally:
        root.removeHandler(handler)
        root.setLevel(level)


def _strings(value: object) -> Iterator[str]:
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for key, item in value.items():
            yield str(key)
            yield from _strings(item)
    elif isinstance(value, list):
        for item in value:
            yield from _strings(item)


@pytest.fixture(scope="module")
def client() -> Iterator[TestClient]:
    """A TestClient on the scrubbed app."""
    with TestClient(make_app()) as test_client:
        yield test_client


def test_fastapi_default_handler_leaks_the_password() -> None:
    """Pins the upstream behaviour we fix: FastAPI's own 422 body holds the password."""
    with TestClient(make_app(scrubbed=False)) as plain:
        response = plain.post("/signup", json={"username": "bob", "password": "hunter2hunter2"})
    assert response.status_code == 422
    assert "hunter2hunter2" in response.text  # the "missing email" error's input is the body


def test_weak_password_gets_a_scrubbed_422(client: TestClient) -> None:
    """The 422 lists password_<code> errors at body.password and holds no input."""
    with captured_logs() as logs:
        response = client.post(
            "/signup", json={"username": "bob", "email": "b@example.org", "password": "hunter2"}
        )
    assert response.status_code == 422
    detail = response.json()["detail"]
    assert [error["type"] for error in detail] == [
        "password_too_short",
        "password_common",
        "password_weak",
    ]
    assert all(error["loc"] == ["body", "password"] and "input" not in error for error in detail)
    assert "hunter2" not in response.text
    assert any("422 POST /signup" in line for line in logs)
    assert not any("hunter2" in line for line in logs)


def test_model_level_errors_are_scrubbed_too(client: TestClient) -> None:
    """A missing field's error (whose input is the whole body) keeps its shape, not the body."""
    response = client.post("/signup", json={"username": "bob", "password": GOOD})
    assert response.status_code == 422
    assert response.json()["detail"][0]["type"] == "missing"
    assert response.json()["detail"][0]["loc"] == ["body", "email"]
    assert GOOD not in response.text


def test_malformed_json_is_a_scrubbed_422(client: TestClient) -> None:
    """A body that is not JSON gets a json_invalid error without the body in it."""
    body = '{"username": "bob", "password": "' + GOOD + '"'  # no closing brace
    response = client.post("/signup", content=body, headers={"Content-Type": "application/json"})
    assert response.status_code == 422
    assert response.json()["detail"][0]["type"] == "json_invalid"
    assert GOOD not in response.text


def test_strong_password_is_accepted(client: TestClient) -> None:
    """A good passphrase passes validation and the endpoint runs."""
    response = client.post(
        "/signup", json={"username": "bob", "email": "b@example.org", "password": GOOD}
    )
    assert response.status_code == 200
    assert response.json() == {"username": "bob"}


@given(typed_passwords(), st.booleans())
def test_no_422_or_log_line_contains_the_password(password: str, with_email: bool) -> None:
    """Property: whatever is posted, neither the 422 body nor any log line holds the password."""
    body = {"username": "someone", "password": password}
    if with_email:
        body["email"] = "someone@mail.example"
    with captured_logs() as logs:
        response = _PROPERTY_CLIENT.post("/signup", json=body)
    assume(not coincides(password, _FIXED_TEXT))
    if response.status_code == 200:
        return
    assert response.status_code == 422
    assert password not in response.text
    assert json.dumps(password)[1:-1] not in response.text
    assert all(password not in text for text in _strings(response.json()))
    assert all(password not in line for line in logs)


@given(non_string_secrets(), st.booleans())
def test_no_422_or_log_line_echoes_a_non_string_password(
    sent: tuple[object, tuple[str, ...]], with_email: bool
) -> None:
    """Property: a number, array or object as the password is in neither the 422 nor the logs."""
    value, secrets = sent
    body: dict[str, object] = {"username": "someone", "password": value}
    if with_email:  # without it, the model-level "missing" error's input is the whole body
        body["email"] = "someone@mail.example"
    with captured_logs() as logs:
        response = _PROPERTY_CLIENT.post("/signup", json=body)
    assert response.status_code == 422
    assert "string_type" in [error["type"] for error in response.json()["detail"]]
    outputs = [response.text, *_strings(response.json()), *logs]
    assert not [secret for secret in secrets if any(secret in text for text in outputs)]


def _fixed_text() -> str:
    """Every sentence the app answers or logs, gathered from a few fixed failures.

    The client is not entered as a context manager, exactly like the property test's: then
    each request runs its own event loop, and asyncio's "Using selector" line is logged too.
    """
    test_client = TestClient(make_app())
    with captured_logs() as logs:
        bodies = [
            test_client.post("/signup", json={"username": "u", "password": pw}).text
            + test_client.post(
                "/signup", json={"username": "u", "email": "e@x", "password": pw}
            ).text
            for pw in ("a", "password", "x" * 80, "abcabcabcabcabcabc", "qwertyuiopasdfghjkl")
        ]
    return "\n".join([*bodies, *logs, message_corpus()])


_FIXED_TEXT = _fixed_text()
_PROPERTY_CLIENT = TestClient(make_app())


class GatedCorpus:
    """A range provider that holds every answer until the test opens the gate."""

    def __init__(self, inner: InMemoryCorpus) -> None:
        self.inner = inner
        self.entered = threading.Event()
        self.gate = threading.Event()

    @property
    def mode(self) -> HashMode:
        """The wrapped corpus's hash mode."""
        return self.inner.mode

    def range(self, prefix: str) -> list[tuple[str, int]]:
        """Signal that a lookup arrived, then wait for the gate (10 s at most)."""
        self.entered.set()
        self.gate.wait(timeout=10)
        return self.inner.range(prefix)


def test_async_breach_lookup_does_not_block_the_event_loop() -> None:
    """While a breach lookup is held open, the same event loop serves another request."""
    corpus = GatedCorpus(InMemoryCorpus.from_passwords({BREACHED: 42}))
    with RangeServer(corpus, latency_ms=20) as server:
        checker = Checker(breach=RangeClient(server.url, retries=0, timeout=30))
        app = make_app(checker)

        async def scenario() -> tuple[httpx.Response, bool, httpx.Response]:
            transport = httpx.ASGITransport(app=app)
            async with httpx.AsyncClient(transport=transport, base_url="http://app") as http:
                signup = asyncio.create_task(
                    http.post("/register", json={"username": "bob", "password": BREACHED})
                )
                while not corpus.entered.is_set():  # the lookup has reached the server
                    await asyncio.sleep(0.005)
                health = await http.get("/health")  # served while the lookup is held
                still_waiting = not signup.done()
                corpus.gate.set()
                return health, still_waiting, await signup

        health, still_waiting, response = asyncio.run(scenario())
    assert health.json() == {"status": "ok"}
    assert still_waiting
    assert response.status_code == 422
    assert [e["type"] for e in response.json()["detail"]] == ["password_breached"]
    assert response.json()["detail"][0]["loc"] == ["body", "password"]
    assert BREACHED not in response.text


def test_async_check_accepts_an_unbreached_password() -> None:
    """check_password() returns the result for a good password; the endpoint answers 200."""
    with RangeServer.from_passwords({BREACHED: 1}) as server:
        checker = Checker(breach=RangeClient(server.url, retries=0))
        with TestClient(make_app(checker)) as test_client:
            response = test_client.post("/register", json={"username": "bob", "password": GOOD})
    assert response.status_code == 200


def test_async_check_with_the_service_down_follows_the_failure_policy() -> None:
    """on_unavailable="reject" turns an outage into password_breach_unknown; fallback passes."""
    with RangeServer.from_passwords({}, fault_rate=1.0, fault_kinds=("unavailable",)) as down:
        for policy, status in (("reject", 422), ("fallback", 200)):
            checker = Checker(
                breach=RangeClient(down.url, retries=0),
                on_unavailable=policy,  # type: ignore[arg-type]
            )
            with TestClient(make_app(checker)) as test_client:
                response = test_client.post("/register", json={"username": "bob", "password": GOOD})
            assert response.status_code == status
            if status == 422:
                assert response.json()["detail"][0]["type"] == "password_breach_unknown"


def _judge(options: Mapping[str, Any], password: str) -> str | None:
    """Post to an endpoint awaiting check_password() with ``build_checker(**options)``."""
    with TestClient(make_app(build_checker(**options))) as test_client:
        response = test_client.post("/register", json={"username": "bob", "password": password})
    assert response.status_code in (200, 422)
    return None if response.status_code == 200 else response.text


@pytest.mark.parametrize("probe", PROBES, ids=str)
def test_every_option_reaches_the_checker(
    probe: Probe, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A non-default value of each build_checker option changes the endpoint's answer."""
    check_probe(probe, _judge, tmp_path, monkeypatch)


def test_missing_fastapi_gives_a_clear_import_error(monkeypatch: pytest.MonkeyPatch) -> None:
    """Without FastAPI installed, importing the module names the extra to install."""
    for name in [n for n in sys.modules if n == "fastapi" or n.startswith("fastapi.")]:
        monkeypatch.setitem(sys.modules, name, None)
    monkeypatch.delitem(sys.modules, "pwhygiene.contrib.fastapi")
    with pytest.raises(ImportError, match=r"pip install 'pwhygiene\[fastapi\]'"):
        importlib.import_module("pwhygiene.contrib.fastapi")


def test_log_line_names_the_route_not_the_url() -> None:
    """A secret in the URL path (a reset token) stays out of the 422 log line."""
    app = install(FastAPI())

    @app.post("/reset/{token}")
    def reset(token: str, body: Signup) -> dict[str, str]:
        return {"ok": token}

    with TestClient(app) as test_client, captured_logs() as logs:
        response = test_client.post("/reset/s3cr3t-t0ken-9f8e", json={"password": "x"})
    assert response.status_code == 422
    ours = [line for line in logs if line.startswith("pwhygiene.")]
    assert any("422 POST /reset/{token}" in line for line in ours)
    assert not any("s3cr3t-t0ken-9f8e" in line for line in ours)  # httpx's client log has it


def test_openapi_schema_marks_the_field_as_a_password() -> None:
    """StrongPassword documents itself as a write-only password string in OpenAPI."""
    schema = make_app().openapi()["components"]["schemas"]["Signup"]["properties"]["password"]
    assert schema["type"] == "string"
    assert schema["format"] == "password"
    assert schema["writeOnly"] is True


def _websocket_close(
    test_client: TestClient, password: str, route: str = "/session"
) -> tuple[int, str] | None:
    """Open ``route`` with ``password`` as a query parameter: (code, reason) if refused."""
    try:
        with test_client.websocket_connect(route, params={"password": password}) as ws:
            ws.receive_text()
    except WebSocketDisconnect as closed:
        return closed.code, str(closed.reason)  # FastAPI's own handler sends a list
    return None


_REASON_TEXT = "; ".join(
    [f"query.password (password_{code.value})" for code in ViolationCode]
    + ["query.password (string_too_short)", "query.password (missing)", "invalid parameters"]
)


def test_fastapi_default_websocket_handler_leaks_the_password() -> None:
    """Pins the upstream behaviour we fix: FastAPI's close reason holds the password."""
    with TestClient(make_app(scrubbed=False)) as plain:
        closed = _websocket_close(plain, "hunter2hunter2", "/legacy")
    assert closed is not None
    assert closed[0] == 1008
    assert "hunter2hunter2" in closed[1]


def test_weak_websocket_parameter_closes_naming_the_field() -> None:
    """A weak password closes the socket with 1008 and a reason naming field and violation."""
    closed = _websocket_close(_PROPERTY_CLIENT, "hunter2hunter2")
    assert closed is not None
    code, reason = closed
    assert code == 1008
    assert reason.startswith("query.password (password_")
    assert "hunter2" not in reason


@given(typed_passwords(), st.sampled_from(["/session", "/legacy"]))
def test_websocket_validation_closes_without_the_password(password: str, route: str) -> None:
    """Property: a refused WebSocket parameter's close reason never holds the password."""
    assume(not coincides(password, _REASON_TEXT))
    closed = _websocket_close(_PROPERTY_CLIENT, password, route)
    if closed is None:  # accepted: the endpoint said welcome and closed normally
        return
    code, reason = closed
    assert code == 1008
    assert len(reason.encode()) <= MAX_CLOSE_REASON_BYTES
    assert password not in reason

"""FastAPI: 422 answers that never return or log what was typed, and an async password check.

FastAPI's default handler returns ``jsonable_encoder(exc.errors())``, and every pydantic error
carries the raw ``input``: the password of a signup form that failed validation, or the whole
JSON body for a model-level error. :func:`install` replaces that handler with one that returns
the same ``{"detail": [...]}`` shape without any input (see
:func:`pwhygiene.contrib.pydantic.scrub_errors`). WebSocket endpoints have the same problem:
FastAPI closes the socket with the raw errors as the close reason; :func:`install` replaces
that handler too::

    app = FastAPI()
    pwhygiene.contrib.fastapi.install(app)

Breach lookups are network calls; :func:`check_password` runs them with
``await checker.acheck(...)`` so the event loop keeps serving other requests meanwhile, and a
rejected password becomes the same kind of 422 as any other validation error.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from typing import TYPE_CHECKING

try:
    from fastapi import FastAPI, Request
    from fastapi.encoders import jsonable_encoder
    from fastapi.exceptions import RequestValidationError, WebSocketRequestValidationError
    from fastapi.responses import JSONResponse
    from fastapi.websockets import WebSocket
    from pydantic import SecretStr
    from starlette.status import WS_1008_POLICY_VIOLATION
except ImportError as exc:  # pragma: no cover - exercised by test_missing_framework
    raise ImportError(
        "pwhygiene.contrib.fastapi needs FastAPI: pip install 'pwhygiene[fastapi]'"
    ) from exc

from pwhygiene.contrib.pydantic import REDACTED, ScrubbedError, scrub_errors

if TYPE_CHECKING:
    from pwhygiene import Checker, CheckResult

__all__ = [
    "check_password",
    "install",
    "validation_exception_handler",
    "websocket_validation_exception_handler",
]

MAX_CLOSE_REASON_BYTES = 123  # RFC 6455: a close frame's reason fits in 125 bytes with its code

logger = logging.getLogger(__name__)


async def validation_exception_handler(request: Request, exc: Exception) -> JSONResponse:
    """Answer a ``RequestValidationError`` with a 422 whose errors hold no input.

    Logs one line per rejected request (method, route template, error types and locations) at
    INFO, so the log says what failed without saying what was sent.
    """
    raw = exc.errors() if isinstance(exc, RequestValidationError) else []
    errors = scrub_errors(raw)
    # The route template ("/reset/{token}"), not the URL: paths can carry secrets too.
    route = getattr(request.scope.get("route"), "path", "?")
    logger.info(
        "422 %s %s: %s",
        request.method,
        route,
        ", ".join(_describe(e) for e in errors),
    )
    return JSONResponse(status_code=422, content={"detail": jsonable_encoder(errors)})


async def websocket_validation_exception_handler(websocket: WebSocket, exc: Exception) -> None:
    """Close a WebSocket whose parameters failed validation, naming the fields, not the input.

    The close reason lists each failed location and error type (``query.password
    (password_too_short)``), cut to what a close frame can carry.
    """
    raw = exc.errors() if isinstance(exc, WebSocketRequestValidationError) else []
    summary = "; ".join(_describe(e) for e in scrub_errors(raw)) or "invalid parameters"
    reason = summary.encode("utf-8")[:MAX_CLOSE_REASON_BYTES].decode("utf-8", "ignore")
    route = getattr(websocket.scope.get("route"), "path", "?")
    logger.info("1008 WebSocket %s: %s", route, summary)
    await websocket.close(code=WS_1008_POLICY_VIOLATION, reason=reason)


def _describe(error: ScrubbedError) -> str:
    """``loc.path (type)`` for one scrubbed error: where and what, never the input."""
    return f"{'.'.join(map(str, error.get('loc', ())))} ({error.get('type')})"


def install(app: FastAPI) -> FastAPI:
    """Make *app* answer validation errors without their input, over HTTP and WebSocket."""
    app.add_exception_handler(RequestValidationError, validation_exception_handler)
    app.add_exception_handler(
        WebSocketRequestValidationError, websocket_validation_exception_handler
    )
    return app


async def check_password(
    password: SecretStr | str,
    *,
    checker: Checker,
    user_inputs: Iterable[str] = (),
    loc: tuple[int | str, ...] = ("body", "password"),
) -> CheckResult:
    """Check *password* without blocking the event loop; raise a 422 if it is not acceptable.

    The rejection is a ``RequestValidationError`` (one error of type ``password_<code>`` per
    violation, at *loc*), so an app with :func:`install` answers it like any other invalid
    field. Breach-service outages follow the checker's ``on_unavailable`` policy.
    """
    plain = password.get_secret_value() if isinstance(password, SecretStr) else password
    result = await checker.acheck(plain, user_inputs=tuple(user_inputs))
    if not result.acceptable:
        errors: list[ScrubbedError] = [
            {
                "type": f"password_{violation.code}",
                "loc": loc,
                "msg": violation.message,
                "ctx": {"code": violation.code, "message": violation.message},
            }
            for violation in result.violations
        ]
        raise RequestValidationError([{**error, "input": REDACTED} for error in errors])
    return result

"""pwhygiene.contrib.wtforms: the PasswordHygiene validator in a real Flask app with WTForms."""

from __future__ import annotations

import html
import importlib
import sys
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

import pytest
from flask import Flask, request
from flask.testing import FlaskClient
from hypothesis import assume, given
from wtforms import EmailField, Form, PasswordField, StringField
from wtforms.validators import EqualTo, InputRequired

from option_probes import PROBES, Probe, check_probe
from pwhygiene import Checker, Policy
from pwhygiene.contrib.wtforms import PasswordHygiene
from pwhygiene.exceptions import InvalidInput
from pwhygiene.strength import OnUnavailable
from pwhygiene.testing import RangeServer
from strategies.signup import Identity, coincides, identities, message_corpus, typed_passwords

BREACHED = "zephyr-marrow-glyph-tundra"
GOOD = "quill-oxbow-nimbus-sprocket"


def make_app(hygiene: PasswordHygiene) -> Flask:
    """A signup page: POST renders the form's errors, or "welcome" when it validates."""

    class SignupForm(Form):  # type: ignore[misc]  # wtforms ships no types
        username = StringField(validators=[InputRequired()])
        email = EmailField(validators=[InputRequired()])
        password = PasswordField(validators=[InputRequired(), hygiene])
        confirm = PasswordField(validators=[EqualTo("password")])

    app = Flask(__name__)

    @app.post("/signup")
    def signup() -> tuple[str, int]:
        form = SignupForm(request.form)
        if form.validate():
            return f"welcome {html.escape(form.username.data or '')}", 200
        errors = "".join(
            f"<li data-field='{name}'>{html.escape(message)}</li>"
            for name, messages in form.errors.items()
            for message in messages
            if isinstance(message, str)
        )
        return f"<form>{form.password()}<ul>{errors}</ul></form>", 400

    return app


@pytest.fixture(scope="module")
def server() -> Iterator[RangeServer]:
    """A loopback range API that has seen BREACHED."""
    with RangeServer.from_passwords({BREACHED: 99}, padding_rows=(5, 10)) as srv:
        yield srv


@pytest.fixture(scope="module")
def client(server: RangeServer) -> FlaskClient:
    """A Flask test client on an app checking against the loopback server."""
    return make_app(PasswordHygiene(range_url=server.url)).test_client()


def _post(client: FlaskClient, password: str, who: Identity | None = None) -> tuple[int, str]:
    who = who or Identity("bob", "bob@example.org")
    response = client.post(
        "/signup",
        data={
            "username": who.username,
            "email": who.email,
            "password": password,
            "confirm": password,
        },
    )
    return response.status_code, response.get_data(as_text=True)


def test_breached_password_is_refused(client: FlaskClient, server: RangeServer) -> None:
    """A breached passphrase is refused with the breach message, after a prefix-only lookup."""
    status, body = _post(client, BREACHED)
    assert status == 400
    assert "Found in data breaches (99 times)." in body
    assert BREACHED not in body
    assert all(len(r.prefix or "") == 5 for r in server.requests)


def test_good_password_is_accepted(client: FlaskClient) -> None:
    """An unbreached passphrase validates and the view runs."""
    assert _post(client, GOOD) == (200, "welcome bob")


def test_each_violation_is_its_own_error(client: FlaskClient) -> None:
    """A short common password gets one error line per violation, all on the password field."""
    status, body = _post(client, "password")
    expected = Checker().check("password", user_inputs=["bob", "bob@example.org"])
    assert status == 400
    assert body.count("data-field='password'") == len(expected.violations) >= 2
    for violation in expected.violations:
        assert html.escape(violation.message) in body


def test_other_fields_are_context(client: FlaskClient) -> None:
    """A password built from the username is refused; the same password for another user passes."""
    password = "Marmaduke1987Marmaduke"
    status, body = _post(client, password, Identity("marmaduke", "m@example.org"))
    assert status == 400
    assert "your own details" in body
    assert _post(client, password, Identity("someone", "s@example.org"))[0] == 200


def test_later_validators_still_run(client: FlaskClient) -> None:
    """A refused password does not stop the rest of the form's validation (EqualTo here)."""
    response = client.post(
        "/signup",
        data={"username": "bob", "email": "b@example.org", "password": "x", "confirm": "y"},
    )
    assert "data-field='confirm'" in response.get_data(as_text=True)


def test_custom_message_and_checker() -> None:
    """message= replaces the violations' text; checker= takes a ready Checker."""
    hygiene = PasswordHygiene(
        message="Pick another password.", checker=Checker(Policy.nist(mfa=True))
    )
    client = make_app(hygiene).test_client()
    status, body = _post(client, "password")
    assert status == 400
    assert body.count("Pick another password.") == 1
    assert _post(client, "fjord-oxbow")[0] == 200


@pytest.mark.parametrize(("on_unavailable", "status"), [("fallback", 200), ("reject", 400)])
def test_failure_policy_when_the_service_is_down(
    on_unavailable: OnUnavailable, status: int
) -> None:
    """With the range API failing, fallback accepts a good password and reject refuses it."""
    with RangeServer.from_passwords({}, fault_rate=1.0, fault_kinds=("unavailable",)) as down:
        hygiene = PasswordHygiene(range_url=down.url, retries=0, on_unavailable=on_unavailable)
        code, body = _post(make_app(hygiene).test_client(), GOOD)
    assert code == status
    if status == 400:
        assert "Could not check this password against known breaches" in body


def test_bad_options_are_refused() -> None:
    """A wrong option value or name fails when the form class is defined, naming the option."""
    with pytest.raises(InvalidInput, match="'policy'"):
        PasswordHygiene(policy="lax")  # type: ignore[arg-type]
    with pytest.raises(InvalidInput, match="unknown option 'retires'"):
        PasswordHygiene(retires=0)  # type: ignore[call-arg]


def test_checker_and_options_together_are_refused() -> None:
    """A ready checker plus checking options is refused: one of them would be ignored."""
    with pytest.raises(InvalidInput, match="'retries'"):
        PasswordHygiene(checker=Checker(), retries=0)


def test_retries_zero_asks_the_range_api_once() -> None:
    """retries=0 with one scripted 503: exactly one request (it used to be dropped: two)."""
    with RangeServer.from_passwords({}) as server:
        server.inject("unavailable")
        hygiene = PasswordHygiene(range_url=server.url, retries=0, timeout=10.0)
        assert _post(make_app(hygiene).test_client(), GOOD)[0] == 200  # fallback: judged locally
        assert len(server.requests) == 1


def _judge(options: Mapping[str, Any], password: str) -> str | None:
    """Post the password through a real Flask signup form validated by PasswordHygiene."""
    status, body = _post(make_app(PasswordHygiene(**options)).test_client(), password)
    return None if status == 200 else body


@pytest.mark.parametrize("probe", PROBES, ids=str)
def test_every_option_reaches_the_checker(
    probe: Probe, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A non-default value of each option changes what the form does (see option_probes)."""
    check_probe(probe, _judge, tmp_path, monkeypatch)


@given(typed_passwords(), identities())
def test_no_page_contains_the_password(password: str, who: Identity) -> None:
    """Property: whatever is posted, the re-rendered page and its errors never hold it."""
    client = _PROPERTY_CLIENT
    status, body = _post(client, password, who)
    assume(status == 400)
    assume(not coincides(password, _FIXED_TEXT + who.email + who.username))
    assert password not in body
    assert html.escape(password) not in body


_PROPERTY_CLIENT = make_app(PasswordHygiene(breach=False)).test_client()
_FIXED_TEXT = "\n".join(
    [
        *(
            _post(_PROPERTY_CLIENT, pw)[1]
            for pw in ("a", "password", "x" * 80, "abcabcabcabcabcabc", "qwertyuiopasdfghjkl")
        ),
        message_corpus(),
        html.escape(message_corpus()),
    ]
)


def test_missing_wtforms_gives_a_clear_import_error(monkeypatch: pytest.MonkeyPatch) -> None:
    """Without WTForms installed, importing the module names the extra to install."""
    for name in [n for n in sys.modules if n == "wtforms" or n.startswith("wtforms.")]:
        monkeypatch.setitem(sys.modules, name, None)
    monkeypatch.delitem(sys.modules, "pwhygiene.contrib.wtforms")
    with pytest.raises(ImportError, match=r"pip install 'pwhygiene\[flask\]'"):
        importlib.import_module("pwhygiene.contrib.wtforms")

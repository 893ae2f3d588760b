"""pwhygiene.contrib.pydantic: StrongPassword, the model-validator helper and scrub_errors."""

from __future__ import annotations

import importlib
import json
import sys
from collections.abc import Mapping
from pathlib import Path
from typing import Annotated, Any

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st
from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    SecretStr,
    TypeAdapter,
    ValidationError,
    field_validator,
)

from option_probes import PROBES, Probe, check_probe
from pwhygiene import Checker, Policy
from pwhygiene.contrib.pydantic import (
    REDACTED,
    HygieneCheck,
    StrongPassword,
    password_validator,
    scrub_errors,
)
from pwhygiene.exceptions import InvalidInput
from strategies.signup import (
    Identity,
    coincides,
    identities,
    message_corpus,
    non_string_secrets,
    passphrases,
    typed_passwords,
)


class Signup(BaseModel):
    """The usual form: context fields first, then the password."""

    username: str
    email: str
    password: StrongPassword


class LateContext(BaseModel):
    """Context fields after the password: the model-validator helper reads them."""

    password: SecretStr
    email: str
    username: str
    check_password = password_validator("password", context=("email", "username"))


class Strict(BaseModel):
    """Hide inputs in str(), as pydantic offers; errors() still carried them before us."""

    model_config = ConfigDict(hide_input_in_errors=True)
    age: int
    password: StrongPassword


MFA = Annotated[SecretStr, HygieneCheck(Checker(Policy.nist(mfa=True)))]


def _dump(exc: ValidationError) -> str:
    return "\n".join([str(exc), repr(exc), json.dumps(exc.errors(), default=str), exc.json()])


def test_weak_password_errors_carry_codes_not_input() -> None:
    """Each violation is an error of type password_<code> whose input is redacted."""
    with pytest.raises(ValidationError) as info:
        Signup.model_validate(
            {"username": "bob", "email": "bob@example.org", "password": "hunter2"}
        )
    errors = info.value.errors()
    assert [e["type"] for e in errors] == ["password_too_short", "password_common", "password_weak"]
    assert {e["loc"] for e in errors} == {("password",)}
    assert all(e["input"] == REDACTED for e in errors)
    assert errors[0]["ctx"] == {"code": "too_short", "message": errors[0]["msg"]}
    assert "hunter2" not in _dump(info.value)


def test_strong_password_is_kept_secret() -> None:
    """An accepted password stays a SecretStr: repr and dumps show asterisks."""
    signup = Signup.model_validate(
        {"username": "bob", "email": "bob@example.org", "password": "quill-oxbow-nimbus-pylon"}
    )
    assert signup.password.get_secret_value() == "quill-oxbow-nimbus-pylon"
    assert "quill" not in repr(signup)
    assert "quill" not in signup.model_dump_json()


def test_earlier_fields_are_context() -> None:
    """A password built from the username declared before it is refused as context."""
    with pytest.raises(ValidationError) as info:
        Signup.model_validate(
            {
                "username": "marmaduke",
                "email": "m@example.org",
                "password": "Marmaduke1987Marmaduke",
            }
        )
    assert "password_context" in [e["type"] for e in info.value.errors()]
    Signup.model_validate(
        {"username": "someone", "email": "s@example.org", "password": "Marmaduke1987Marmaduke"}
    )


def test_model_validator_helper_reads_later_fields() -> None:
    """password_validator() uses fields declared after the password, at loc ("password",)."""
    with pytest.raises(ValidationError) as info:
        LateContext.model_validate(
            {
                "password": "Marmaduke1987Marmaduke",
                "email": "m@example.org",
                "username": "marmaduke",
            }
        )
    errors = info.value.errors()
    assert "password_context" in [e["type"] for e in errors]
    assert all(e["loc"] == ("password",) and e["input"] == REDACTED for e in errors)
    assert "Marmaduke1987Marmaduke" not in _dump(info.value)


def test_configured_checker_is_used() -> None:
    """HygieneCheck(checker) applies that checker's policy (NIST with MFA: 8 characters)."""
    adapter = TypeAdapter(MFA)
    assert adapter.validate_python("fjord-oxbow").get_secret_value() == "fjord-oxbow"
    with pytest.raises(ValidationError) as info:
        TypeAdapter(StrongPassword).validate_python("fjord-oxbow")
    assert [e["type"] for e in info.value.errors()] == ["password_too_short"]


def test_nested_models_keep_the_location() -> None:
    """Inside a list of models the error location is the full path, input still redacted."""

    class Batch(BaseModel):
        signups: list[Signup]

    with pytest.raises(ValidationError) as info:
        Batch.model_validate(
            {"signups": [{"username": "bob", "email": "b@example.org", "password": "hunter2"}]}
        )
    assert info.value.errors()[0]["loc"] == ("signups", 0, "password")
    assert "hunter2" not in _dump(info.value)


def test_non_string_password_is_a_type_error() -> None:
    """A number where the password belongs fails pydantic's own string check, input redacted."""
    with pytest.raises(ValidationError) as info:
        Signup.model_validate({"username": "bob", "email": "b@example.org", "password": 12345678})
    errors = info.value.errors()
    assert [(e["type"], e["loc"], e["input"]) for e in errors] == [
        ("string_type", ("password",), REDACTED)
    ]
    assert "12345678" not in _dump(info.value)


@pytest.mark.parametrize(
    "sent", [["hunter2hunter2"], {"pw": "hunter2hunter2"}, {"hunter2hunter2": 1}]
)
def test_a_password_sent_as_an_array_or_object_is_not_echoed(sent: object) -> None:
    """An array or object where the password belongs: str(), errors() and JSON all omit it."""
    with pytest.raises(ValidationError) as info:
        TypeAdapter(StrongPassword).validate_python(sent)
    assert info.value.errors()[0]["type"] == "string_type"
    assert "hunter2" not in _dump(info.value)


@given(non_string_secrets())
def test_no_error_echoes_a_non_string_password(sent: tuple[object, tuple[str, ...]]) -> None:
    """Property: for any JSON value but a string, no output of the failure holds its secrets."""
    value, secrets = sent
    with pytest.raises(ValidationError) as info:
        Signup.model_validate({"username": "bob", "email": "b@example.org", "password": value})
    dump = "\n".join([_dump(info.value), str(info.value.errors(include_url=False))])
    assert all(error["input"] == REDACTED for error in info.value.errors())
    assert not [secret for secret in secrets if secret in dump]


def test_errors_of_constraints_before_the_check_are_redacted_too() -> None:
    """A length constraint and a custom validator declared before the check lose the input."""

    def no_digits(value: SecretStr) -> SecretStr:
        if any(c.isdigit() for c in value.get_secret_value()):
            raise ValueError(f"no digits please, not in {value.get_secret_value()}")
        return value

    constrained = Annotated[
        SecretStr, Field(max_length=20), AfterValidator(no_digits), HygieneCheck()
    ]
    for sent, kind in (
        ("quill-oxbow-nimbus-pylon-wombat", "too_long"),
        ("pylon-wombat-9", "value_error"),
    ):
        with pytest.raises(ValidationError) as info:
            TypeAdapter(constrained).validate_python(sent)
        assert info.value.errors()[0]["type"] == kind
        assert sent not in _dump(info.value)


def test_pydantic_itself_leaks_model_level_inputs() -> None:
    """Pins the upstream behaviour we guard against: errors() holds the whole input dict."""
    with pytest.raises(ValidationError) as info:
        Strict.model_validate({"age": "old", "password": "quill-oxbow-nimbus-pylon"})
    assert info.value.errors()[0]["input"] == "old"
    with pytest.raises(ValidationError) as missing:
        Strict.model_validate({"password": "quill-oxbow-nimbus-pylon"})
    leaked = missing.value.errors()[0]["input"]
    assert leaked == {"password": "quill-oxbow-nimbus-pylon"}
    cleaned = scrub_errors(missing.value.errors())
    assert "quill-oxbow-nimbus-pylon" not in json.dumps(cleaned)
    assert cleaned[0]["type"] == "missing"
    assert cleaned[0]["loc"] == ("age",)


@given(typed_passwords(), identities())
def test_no_error_contains_the_password(password: str, who: Identity) -> None:
    """Property: no str, repr, errors() or JSON of a StrongPassword failure holds the password."""
    try:
        Signup.model_validate({"username": who.username, "email": who.email, "password": password})
    except ValidationError as exc:
        dump = _dump(exc)
        assume(not coincides(password, _CORPUS + who.email))
        assert password not in dump


def _failure(password: str) -> ValidationError:
    try:
        Signup.model_validate(
            {"username": "someone", "email": "someone@mail.example", "password": password}
        )
    except ValidationError as exc:
        return exc
    raise AssertionError("expected a failure")


_CORPUS = message_corpus() + _dump(_failure("a")) + _dump(_failure("x" * 80))


@given(passphrases(), identities())
def test_passphrases_are_accepted(password: str, who: Identity) -> None:
    """Property: long passphrases of uncommon words pass StrongPassword."""
    signup = Signup.model_validate(
        {"username": who.username, "email": who.email, "password": password}
    )
    assert signup.password.get_secret_value() == password


secret_text = st.text(min_size=4, max_size=30).filter(lambda s: s.strip() == s and s)


@given(secret_text, st.sampled_from(["missing", "extra", "bad_age", "nested"]))
def test_scrub_errors_removes_every_input_string(secret: str, kind: str) -> None:
    """Property: after scrub_errors no input string (4+ characters) survives anywhere."""

    class Form(BaseModel):
        model_config = ConfigDict(extra="forbid")
        age: int
        password: SecretStr

    payloads: dict[str, object] = {
        "missing": {"password": secret},
        "extra": {"age": 1, "password": "x", "note": secret},
        "bad_age": {"age": {"years": secret}, "password": secret},
        "nested": [secret, {"password": secret}],
    }
    with pytest.raises(ValidationError) as info:
        Form.model_validate(payloads[kind])
    cleaned = scrub_errors(info.value.errors())
    text = json.dumps(cleaned)
    assume(secret not in json.dumps(scrub_errors(_errors_for({"password": "zz"}))))
    assert json.loads(text)  # JSON-ready
    assert secret not in text
    assert all("input" not in error for error in cleaned)


def test_scrub_errors_redacts_a_number_echoed_in_a_message() -> None:
    """A PIN sent as a JSON number and echoed by someone's validator is redacted by scrub_errors."""

    class Unlock(BaseModel):
        pin: int

        @field_validator("pin")
        @classmethod
        def not_weak(cls, value: int) -> int:
            raise ValueError(f"{value} is a weak PIN")

    with pytest.raises(ValidationError) as info:
        Unlock.model_validate({"pin": 73918462})
    assert "73918462" in info.value.errors()[0]["msg"]  # what the validator wrote
    assert "73918462" not in json.dumps(scrub_errors(info.value.errors()))


def _errors_for(payload: object) -> list[dict[str, object]]:
    class Form(BaseModel):
        model_config = ConfigDict(extra="forbid")
        age: int
        password: SecretStr

    try:
        Form.model_validate(payload)
    except ValidationError as exc:
        return [dict(e) for e in exc.errors()]
    return []


def _judge(options: Mapping[str, Any], password: str) -> str | None:
    """Validate the password as an ``Annotated[SecretStr, HygieneCheck(**options)]``."""
    adapter = TypeAdapter(Annotated[SecretStr, HygieneCheck(**options)])
    try:
        adapter.validate_python(password)
    except ValidationError as refused:
        return str(refused)
    return None


@pytest.mark.parametrize("probe", PROBES, ids=str)
def test_every_option_reaches_the_checker(
    probe: Probe, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A non-default value of each HygieneCheck option changes the outcome (see option_probes)."""
    check_probe(probe, _judge, tmp_path, monkeypatch)


def test_password_validator_takes_the_options() -> None:
    """password_validator(**options) builds its checker from them (NIST for MFA: 8 characters)."""

    class Login(BaseModel):
        password: SecretStr
        check = password_validator(policy="nist_mfa", breach=False)

    assert Login(password=SecretStr("fjord-oxbow")).password.get_secret_value() == "fjord-oxbow"


def test_checker_and_options_together_are_refused() -> None:
    """HygieneCheck(checker, **options) is refused: one of the two would be ignored."""
    with pytest.raises(InvalidInput, match="'timeout'"):
        HygieneCheck(Checker(), timeout=1.0)


def test_missing_pydantic_gives_a_clear_import_error(monkeypatch: pytest.MonkeyPatch) -> None:
    """Without pydantic installed, importing the module names the extra to install."""
    for name in [n for n in sys.modules if n.split(".")[0] in ("pydantic", "pydantic_core")]:
        monkeypatch.setitem(sys.modules, name, None)
    monkeypatch.delitem(sys.modules, "pwhygiene.contrib.pydantic")
    with pytest.raises(ImportError, match=r"pip install 'pwhygiene\[pydantic\]'"):
        importlib.import_module("pwhygiene.contrib.pydantic")

"""pwhygiene.contrib.django: the validator inside a real Django (settings, User, forms, i18n)."""

from __future__ import annotations

import importlib
import subprocess
import sys
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

import django
import pytest
from django.conf import settings
from hypothesis import assume, given

from option_probes import PROBES, Probe, check_probe
from pwhygiene import Checker, Policy
from pwhygiene.breach import HashMode, build_index, password_digest, sha1_digest
from pwhygiene.exceptions import InvalidInput, OfflineIndexError
from pwhygiene.strength import OnUnavailable
from pwhygiene.testing import HostileServer, RangeServer, RawAnswer
from strategies.signup import Identity, coincides, identities, passphrases, typed_passwords

BREACHED = "zephyr-marrow-glyph-tundra"  # strong by zxcvbn, but "seen" by our range server
VALIDATOR = "pwhygiene.contrib.django.PasswordHygieneValidator"

if not settings.configured:
    settings.configure(
        SECRET_KEY="tests-only",
        INSTALLED_APPS=["django.contrib.contenttypes", "django.contrib.auth"],
        DATABASES={"default": {"ENGINE": "django.db.backends.sqlite3", "NAME": ":memory:"}},
        PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"],  # fast tests only
        USE_I18N=True,
        LANGUAGE_CODE="en",
        AUTH_PASSWORD_VALIDATORS=[],
    )
    django.setup()

from django.contrib.auth.forms import AdminPasswordChangeForm, SetPasswordForm  # noqa: E402
from django.contrib.auth.models import User  # noqa: E402
from django.contrib.auth.password_validation import (  # noqa: E402
    password_validators_help_texts,
    validate_password,
)
from django.core.exceptions import ValidationError  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.test.utils import override_settings  # noqa: E402
from django.utils import translation  # noqa: E402
from django.views.debug import ExceptionReporter  # noqa: E402

from pwhygiene.contrib.django import _MESSAGES, PasswordHygieneValidator  # noqa: E402


@pytest.fixture(scope="module", autouse=True)
def _database() -> None:
    """Create the auth tables once in the in-memory SQLite database."""
    call_command("migrate", verbosity=0)


@pytest.fixture(scope="module")
def server() -> Iterator[RangeServer]:
    """A loopback range API that has seen BREACHED 1,234 times."""
    with RangeServer.from_passwords({BREACHED: 1234}, padding_rows=(5, 10)) as srv:
        yield srv


@pytest.fixture
def alice() -> User:
    """A real saved user whose details a password must not be built from."""
    user, _ = User.objects.get_or_create(
        username="alice.wonderland",
        defaults={"email": "alice@example.org", "first_name": "Alice", "last_name": "Liddell"},
    )
    return user


def _settings(server: RangeServer, **options: object) -> list[dict[str, object]]:
    return [{"NAME": VALIDATOR, "OPTIONS": {"range_url": server.url, **options}}]


def _codes(exc: pytest.ExceptionInfo[ValidationError]) -> list[str]:
    return [error.code for error in exc.value.error_list]


def test_validate_password_rejects_a_breached_password(server: RangeServer, alice: User) -> None:
    """validate_password() raises password_breached for a password the range API has seen."""
    with (
        override_settings(AUTH_PASSWORD_VALIDATORS=_settings(server)),
        pytest.raises(ValidationError) as info,
    ):
        validate_password(BREACHED, alice)
    assert _codes(info) == ["password_breached"]
    assert server.requests[-1].prefix == password_digest(BREACHED, "sha1")[:5]


def test_validate_password_accepts_a_strong_unbreached_password(
    server: RangeServer, alice: User
) -> None:
    """A long unbreached passphrase passes, after one k-anonymous lookup."""
    before = len(server.requests)
    with override_settings(AUTH_PASSWORD_VALIDATORS=_settings(server)):
        validate_password("quill-oxbow-nimbus-sprocket", alice)
    assert len(server.requests) == before + 1


def test_every_violation_has_its_own_stable_code(server: RangeServer, alice: User) -> None:
    """Codes are password_<pwhygiene code>, one per violation, in the checker's order."""
    password = "alice1234"
    expected = Checker().check(password, user_inputs=["alice.wonderland", "alice@example.org"])
    with (
        override_settings(AUTH_PASSWORD_VALIDATORS=_settings(server, breach=False)),
        pytest.raises(ValidationError) as info,
    ):
        validate_password(password, alice)
    assert _codes(info) == [f"password_{code.value}" for code in expected.codes]
    assert "password_too_short" in _codes(info)
    assert "password_context" in _codes(info)


def test_user_attributes_are_context(server: RangeServer, alice: User) -> None:
    """A strong-looking password built from the user's own name is refused as context."""
    validator = PasswordHygieneValidator(breach=False, policy="nist_mfa")
    password = "AliceLiddell-Wonderland"
    validator.validate(password)  # without the user it is fine
    with pytest.raises(ValidationError) as info:
        validator.validate(password, alice)
    assert "password_context" in _codes(info)


def test_admin_password_change_form_shows_the_errors(server: RangeServer, alice: User) -> None:
    """The admin's password form refuses a breached password and never renders it back."""
    with override_settings(AUTH_PASSWORD_VALIDATORS=_settings(server)):
        form = AdminPasswordChangeForm(alice, data={"password1": BREACHED, "password2": BREACHED})
        assert not form.is_valid()
        html = form.as_div()
    codes = [error.code for error in form.errors.as_data()["password2"]]
    assert codes == ["password_breached"]
    assert BREACHED not in html
    assert "data breach" in html


def test_set_password_form_saves_an_acceptable_password(server: RangeServer, alice: User) -> None:
    """An acceptable password goes through SetPasswordForm and is stored hashed."""
    password = "larch-cobalt-vortex-pylon"
    with override_settings(AUTH_PASSWORD_VALIDATORS=_settings(server)):
        form = SetPasswordForm(alice, data={"new_password1": password, "new_password2": password})
        assert form.is_valid(), form.errors
        form.save()
    alice.refresh_from_db()
    assert alice.check_password(password)


def test_help_text_states_the_policy(server: RangeServer) -> None:
    """get_help_text() names the minimum length of the configured preset."""
    with override_settings(AUTH_PASSWORD_VALIDATORS=_settings(server, policy="nist_mfa")):
        texts = password_validators_help_texts()
    assert texts == [
        "Your password must contain at least 8 characters. It must not be a commonly used "
        "or previously breached password, nor be based on your personal information."
    ]


def test_messages_use_django_translations(server: RangeServer) -> None:
    """Where Django has the sentence, its translation is used (here: French)."""
    validator = PasswordHygieneValidator(breach=False)
    with translation.override("fr"), pytest.raises(ValidationError) as info:
        validator.validate("password")
    messages = {error.code: error.message for error in info.value.error_list}
    assert messages["password_common"] == "Ce mot de passe est trop courant."
    assert messages["password_too_short"].startswith("Ce mot de passe est trop court.")


def test_messages_follow_the_active_language() -> None:
    """Under German, Django's own sentences stay Django's; the rest come from our catalog."""
    validator = PasswordHygieneValidator(breach=False)
    with translation.override("de"), pytest.raises(ValidationError) as info:
        validator.validate("password")
    messages = {error.code: error.message for error in info.value.error_list}
    assert messages["password_too_short"].startswith("Dieses Passwort ist zu kurz.")
    assert messages["password_weak"].startswith("Zu leicht zu erraten")
    with translation.override("ja"), pytest.raises(ValidationError) as info:
        validator.validate("password")
    messages = {error.code: error.message for error in info.value.error_list}
    assert messages["password_weak"] == "This password is too easy to guess."


def test_the_locale_option_overrides_the_active_language() -> None:
    """OPTIONS {"locale": "es"} answers in Spanish whatever language Django has active."""
    validator = PasswordHygieneValidator(breach=False, locale="es")
    with translation.override("de"), pytest.raises(ValidationError) as info:
        validator.validate("password")
    messages = {error.code: error.message for error in info.value.error_list}
    assert messages["password_weak"].startswith("Demasiado fácil de adivinar")


@pytest.mark.parametrize(
    ("on_unavailable", "codes"),
    [("fallback", []), ("allow", []), ("reject", ["password_breach_unknown"])],
)
def test_failure_policy_when_the_service_is_down(
    on_unavailable: OnUnavailable, codes: list[str]
) -> None:
    """With the range API failing, fallback/allow accept a good password and reject refuses."""
    with RangeServer.from_passwords({}, fault_rate=1.0, fault_kinds=("unavailable",)) as failing:
        validator = PasswordHygieneValidator(
            range_url=failing.url, on_unavailable=on_unavailable, retries=0, timeout=5
        )
        found = _error_codes(validator, "quill-oxbow-nimbus-sprocket")
        assert found == codes
        assert failing.requests  # it did try


def test_offline_index_option(tmp_path: Path) -> None:
    """offline_index answers from a local index file: no network, same error codes."""
    rows = sorted(f"{sha1_digest(pw)}:{n}" for pw, n in ((BREACHED, 7), ("hunter2", 3)))
    corpus = tmp_path / "pwned.txt"
    corpus.write_text("\r\n".join(rows) + "\r\n", encoding="ascii")
    build_index(corpus, tmp_path / "pwned.idx")
    validator = PasswordHygieneValidator(offline_index=tmp_path / "pwned.idx")
    assert _error_codes(validator, BREACHED) == ["password_breached"]
    assert _error_codes(validator, "quill-oxbow-nimbus-sprocket") == []


def test_offline_index_misconfiguration_is_refused() -> None:
    """offline_index with range_url is refused; a missing index file names the fix."""
    with pytest.raises(InvalidInput, match="exclude each other"):
        PasswordHygieneValidator(range_url="http://127.0.0.1:9", offline_index="x.idx")
    with pytest.raises(OfflineIndexError, match="pwhygiene index build"):
        PasswordHygieneValidator(offline_index="/nonexistent/pwned.idx")


@pytest.mark.parametrize(
    "options",
    [{"policy": "strict"}, {"min_score": 5}, {"timeout": 0}, {"on_unavailable": "ignore"}],
)
def test_bad_options_name_the_option(options: dict[str, object]) -> None:
    """A wrong OPTIONS value fails at start-up with the option's name in the message."""
    with pytest.raises(InvalidInput, match=f"'{next(iter(options))}'"):
        PasswordHygieneValidator(**options)  # type: ignore[arg-type]


def test_a_misspelt_option_is_refused_not_ignored() -> None:
    """OPTIONS with a typo (``retires``) fails at start-up naming it, instead of a TypeError."""
    with pytest.raises(InvalidInput, match="unknown option 'retires'"):
        PasswordHygieneValidator(retires=0)  # type: ignore[call-arg]


def test_checker_and_options_together_are_refused() -> None:
    """A ready checker plus checking options is refused: one of them would be ignored."""
    with pytest.raises(InvalidInput, match="'breach'"):
        PasswordHygieneValidator(checker=Checker(), breach=False)


def _judge(options: Mapping[str, Any], password: str) -> str | None:
    """Run Django's validate_password() with the validator configured by these OPTIONS."""
    with override_settings(AUTH_PASSWORD_VALIDATORS=[{"NAME": VALIDATOR, "OPTIONS": options}]):
        try:
            validate_password(password)
        except ValidationError as refused:
            return " ".join(refused.messages)
    return None


@pytest.mark.parametrize("probe", PROBES, ids=str)
def test_every_option_reaches_the_checker(
    probe: Probe, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A non-default value of each OPTIONS entry changes what Django does (see option_probes)."""
    check_probe(probe, _judge, tmp_path, monkeypatch)


class _Exploding:
    """A breach source that fails in an unexpected way, to get a traceback through validate()."""

    mode: HashMode = "sha1"

    def count(self, digest: str) -> int:
        raise RuntimeError("disk on fire")

    def count_many(self, digests: object) -> dict[str, int]:
        raise RuntimeError("disk on fire")


def test_error_reports_hide_the_password() -> None:
    """Django's technical error report shows no local of validate() or anything it calls."""
    password = "sprocket-wombat-larch-cobalt"
    validator = PasswordHygieneValidator(checker=Checker(breach=_Exploding()))
    try:
        validator.validate(password)
    except RuntimeError:
        report = ExceptionReporter(None, *sys.exc_info()).get_traceback_text()
    assert "disk on fire" in report
    assert "_breach_lookup" in report  # the checker's own frames are in the report
    assert password not in report
    assert password_digest(password, "sha1") not in report


def test_custom_checker_is_used() -> None:
    """checker= takes a ready Checker (here NIST with MFA: 8 characters are enough)."""
    validator = PasswordHygieneValidator(checker=Checker(Policy.nist(mfa=True)))
    validator.validate("fjord-oxbow-glyph")
    with pytest.raises(ValidationError):
        PasswordHygieneValidator(breach=False).validate("fjord-oxbow")


def _error_codes(validator: PasswordHygieneValidator, password: str) -> list[str]:
    try:
        validator.validate(password)
    except ValidationError as exc:
        return [str(error.code) for error in exc.error_list]
    return []


def _messages(validator: PasswordHygieneValidator, password: str, user: User) -> list[str]:
    try:
        validator.validate(password, user)
    except ValidationError as exc:
        return [str(message) for message in exc.messages]
    return []


@given(typed_passwords(), identities())
def test_no_message_contains_the_password(password: str, who: Identity) -> None:
    """Property: whatever is typed, no ValidationError message contains it."""
    validator = PasswordHygieneValidator(breach=False)
    user = User(username=who.username, email=who.email)
    messages = _messages(validator, password, user)
    fixed = "\n".join(render(validator.checker.policy) for render in _MESSAGES.values())
    assume(not coincides(password, fixed))  # part of a fixed sentence: proves nothing
    assert all(password not in message for message in messages)


@given(passphrases())
def test_passphrases_pass_the_nist_preset(password: str) -> None:
    """Property: four or more uncommon words are accepted by the default preset."""
    PasswordHygieneValidator(breach=False).validate(password)


def test_missing_django_gives_a_clear_import_error(monkeypatch: pytest.MonkeyPatch) -> None:
    """Without Django installed, importing the module names the extra to install."""
    for name in [n for n in sys.modules if n == "django" or n.startswith("django.")]:
        monkeypatch.setitem(sys.modules, name, None)
    monkeypatch.delitem(sys.modules, "pwhygiene.contrib.django")
    with pytest.raises(ImportError, match=r"pip install 'pwhygiene\[django\]'"):
        importlib.import_module("pwhygiene.contrib.django")


def test_core_imports_pull_in_no_framework() -> None:
    """Importing pwhygiene, its contrib package or hashing loads no web framework."""
    code = (
        "import sys, pwhygiene, pwhygiene.contrib, pwhygiene.hashing; "
        "print(sorted(m for m in ('django', 'fastapi', 'pydantic', 'flask', 'wtforms', "
        "'starlette') if m in sys.modules))"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    ).stdout
    assert out.strip() == "[]"


def test_a_cut_range_answer_is_never_read_as_clean() -> None:
    """A middlebox closing after ``HTTP/1.1 200 OK``: with reject, the validator refuses."""
    cut = RawAnswer(b"HTTP/1.1 200 OK\r\n")
    with HostileServer(default=cut) as hostile:
        validator = PasswordHygieneValidator(
            range_url=hostile.url, on_unavailable="reject", retries=0, timeout=5
        )
        assert _error_codes(validator, "quill-oxbow-nimbus-sprocket") == ["password_breach_unknown"]
        assert hostile.connections >= 1

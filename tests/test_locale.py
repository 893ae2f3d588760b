"""Messages in the user's language: check(locale=...) translates text and keeps every code.

Real-world shape: a signup form in Germany or Brazil shows the refusal's message and the
feedback to the person typing, while the front end keys its own logic on the stable codes.
"""

from __future__ import annotations

import asyncio
import re
from concurrent.futures import ThreadPoolExecutor

import pytest
from hypothesis import given
from hypothesis import strategies as st

from pwhygiene import Checker, Policy, check
from pwhygiene._strength.i18n import LANGUAGES
from pwhygiene._strength.policy import (
    SUGGESTIONS,
    TEMPLATES,
    ViolationCode,
    breach_unknown_violation,
    breached_violation,
    common_violation,
    context_violation,
)

BRACES = re.compile(r"[{}]")
WEAK = "password1"  # too short, common and weak at once: three violations and feedback


def test_german_messages_keep_their_codes() -> None:
    """locale="de" gives German violation messages and feedback; codes equal the English run."""
    english = check(WEAK)
    german = check(WEAK, locale="de")
    assert german.codes == english.codes
    assert german.feedback.warning_code == english.feedback.warning_code
    assert german.feedback.suggestion_codes == english.feedback.suggestion_codes
    assert german.violations[0].message == (
        "Zu kurz: Verwende mindestens 15 Zeichen (dieses hat 9)."
    )
    for ours, theirs in zip(german.violations, english.violations, strict=True):
        assert ours.message != theirs.message
    assert german.feedback.warning != english.feedback.warning
    assert german.feedback.suggestions != english.feedback.suggestions


@pytest.mark.parametrize("locale", [*LANGUAGES, "pt-BR", "de_DE.UTF-8", "xx", "en"])
def test_no_message_shows_a_template_or_a_key(locale: str) -> None:
    """Every locale (known, regional or unknown) gives filled sentences, never braces or codes."""
    result = Checker(locale=locale).check(WEAK, user_inputs=["password"])
    texts = [v.message for v in result.violations] + [v.suggestion for v in result.violations]
    texts += [result.feedback.warning, *result.feedback.suggestions]
    for text in texts:
        assert text
        assert not BRACES.search(text)
        assert text not in {code.value for code in ViolationCode}


def test_an_unknown_locale_reads_english() -> None:
    """A locale without a catalog gives the English result, byte for byte."""
    assert check(WEAK, locale="xx-YY") == check(WEAK)


def test_english_messages_are_the_templates_filled() -> None:
    """The English messages stay exactly the sentences they were before the catalogs."""
    assert breached_violation(1).message == "Found in data breaches (once)."
    assert breached_violation(12345).message == "Found in data breaches (12,345 times)."
    assert common_violation().message == "One of the most common passwords."
    assert context_violation().message == TEMPLATES["context"]
    assert breach_unknown_violation().message == TEMPLATES["breach_unknown"]
    assert check("aaaaaaaaaaaaaaaaaaaa").violations[0].message.startswith("Too easy to guess")


def test_breach_messages_are_translated() -> None:
    """Breach counts are filled into the translated sentence; the suggestion follows along."""
    once = breached_violation(1, "fr")
    many = breached_violation(2500, "fr")
    assert once.message != "Found in data breaches (once)."
    assert "2\u202f500" in many.message  # French groups with a narrow no-break space
    assert many.message != "Found in data breaches (2,500 times)."
    assert many.suggestion != SUGGESTIONS[ViolationCode.BREACHED]


def test_a_call_locale_replaces_the_checkers() -> None:
    """Checker(locale="de").check(..., locale="es") answers in Spanish; acheck takes it too."""
    checker = Checker(Policy.nist(mfa=True), locale="de")
    spanish = check(WEAK, policy=Policy.nist(mfa=True), locale="es")
    assert checker.check(WEAK, locale="es") == spanish
    assert asyncio.run(checker.acheck(WEAK, locale="es")) == spanish
    assert checker.check(WEAK) == check(WEAK, policy=Policy.nist(mfa=True), locale="de")


def test_locales_do_not_leak_between_threads() -> None:
    """Concurrent checks in different locales each get their own language (no global state)."""
    expected = {locale: check(WEAK, locale=locale) for locale in (*LANGUAGES, "en")}
    jobs = [locale for _ in range(8) for locale in expected]
    with ThreadPoolExecutor(max_workers=8) as pool:
        results = list(pool.map(lambda loc: (loc, check(WEAK, locale=loc)), jobs))
    for locale, result in results:
        assert result == expected[locale]


def test_a_locale_must_be_a_string() -> None:
    """A locale of the wrong type is an input error naming the parameter."""
    with pytest.raises(ValueError, match="locale"):
        Checker(locale=7)  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="locale"):
        Checker().check("x", locale=b"de")  # type: ignore[arg-type]


@given(st.text(max_size=30))
def test_codes_never_depend_on_the_locale(password: str) -> None:
    """For any password, the codes and numbers in Dutch equal the English ones."""
    english = check(password)
    dutch = check(password, locale="nl")
    assert dutch.codes == english.codes
    assert dutch.score == english.score
    assert dutch.feedback.suggestion_codes == english.feedback.suggestion_codes

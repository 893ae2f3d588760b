"""Translations: every catalog is complete, in sync with its source, and falls back to English.

Real-world shape: browsers and Django send locales as ``de-DE``, ``pt-BR``, ``fr_FR.UTF-8`` or
a bare ``nl``; every one of those must find its catalog, and an unknown one must read English.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from babel.messages.mofile import read_mo
from babel.messages.pofile import read_po
from hypothesis import given
from hypothesis import strategies as st

from pwhygiene._strength.i18n import (
    LANGUAGES,
    LOCALE_DIR,
    candidates,
    catalog,
    integer,
    language,
    translate,
)

PLACEHOLDER = re.compile(r"\{[a-z_]+\}")


def _po(language: str):  # type: ignore[no-untyped-def]
    with (LOCALE_DIR / language / "LC_MESSAGES" / "pwhygiene.po").open("rb") as handle:
        return read_po(handle)


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_catalog_translates_every_message_and_keeps_placeholders(language: str) -> None:
    """No empty or fuzzy entry; each translation keeps exactly its msgid's placeholders."""
    messages = [m for m in _po(language) if m.id]
    reference = {m.id for m in _po("de") if m.id}
    assert {m.id for m in messages} == reference
    for message in messages:
        assert message.string, message.id
        assert not message.fuzzy
        assert sorted(PLACEHOLDER.findall(message.string)) == sorted(
            PLACEHOLDER.findall(message.id)
        )


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_compiled_catalog_matches_its_source(language: str) -> None:
    """The shipped ``.mo`` holds exactly the ``.po``'s translations (they cannot drift)."""
    with (LOCALE_DIR / language / "LC_MESSAGES" / "pwhygiene.mo").open("rb") as handle:
        compiled = {m.id: m.string for m in read_mo(handle) if m.id}
    source = {m.id: m.string for m in _po(language) if m.id}
    assert compiled == source


@pytest.mark.parametrize(
    ("locale", "expected"),
    [
        ("de", "Vermeide Zeichenfolgen."),
        ("de-DE", "Vermeide Zeichenfolgen."),
        ("de_AT.UTF-8", "Vermeide Zeichenfolgen."),
        ("fr", "Évitez les suites."),
        ("pt-BR", "Evite sequências."),
        ("pt", "Evite sequências."),
        ("nl", "Vermijd reeksen."),
        ("ja", "Avoid sequences."),
        ("", "Avoid sequences."),
        ("not a locale!", "Avoid sequences."),
    ],
)
def test_locales_as_clients_send_them_find_their_catalog(locale: str, expected: str) -> None:
    """Regional and encoded forms find the language; unknown ones read English."""
    assert translate("Avoid sequences.", locale) == expected


def test_placeholders_are_filled_after_translation() -> None:
    """A template is translated first, then filled, in any language."""
    template = "Too short: use at least {min_length} characters (this has {length})."
    assert translate(template, "de", min_length=15, length=9) == (
        "Zu kurz: Verwende mindestens 15 Zeichen (dieses hat 9)."
    )
    assert translate(template, None, min_length=15, length=9).startswith(
        "Too short: use at least 15"
    )


@given(st.text(max_size=40), st.sampled_from([*LANGUAGES, "en", "xx", None]))
def test_an_unknown_sentence_comes_back_unchanged(text: str, locale: str | None) -> None:
    """Fallback: text no catalog knows is returned as given, never a key or an error."""
    known = {m.id for m in _po("de") if m.id}
    if text not in known:
        assert translate(text, locale) == text


def test_candidates_and_catalogs_are_cached_and_safe() -> None:
    """Odd input gives no candidates; catalogs are shared per locale."""
    assert candidates("../../etc/passwd") == ()
    assert catalog("de") is catalog("de")
    assert Path(LOCALE_DIR).is_dir()


@given(st.sampled_from([*LANGUAGES, "en"]), st.integers(min_value=0, max_value=10**15))
def test_numbers_are_grouped_as_babel_groups_them(locale: str, number: int) -> None:
    """Oracle: Babel's CLDR data. ``1.234`` in German, ``1 234`` (narrow space) in French."""
    from babel.numbers import format_decimal  # noqa: PLC0415 -- a test-only dependency

    assert integer(number, locale) == format_decimal(number, locale=locale)


def test_a_breach_count_reads_in_the_user_s_language() -> None:
    """The count in a translated message uses that language's separator, not English commas."""
    from pwhygiene._strength.policy import breached_violation  # noqa: PLC0415

    assert "1.234.567" in breached_violation(1_234_567, "de-AT").message
    assert "1\u202f234\u202f567" in breached_violation(1_234_567, "fr_CA").message
    assert "1,234,567" in breached_violation(1_234_567, None).message
    assert language("de-AT") == "de"
    assert language("en-GB") is None

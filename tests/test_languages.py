"""Language packs: every pack loads, ranks its words, and is chosen by plain language names.

Real-world shape: the packs are zxcvbn-ts's published frequency lists (MIT), so the most common
German word ranks first and a French first name is a name, as a German or French user's
password draws on them.
"""

from __future__ import annotations

import string

import pytest
from hypothesis import given
from hypothesis import strategies as st

from pwhygiene import Checker, check
from pwhygiene._strength.languages import LANGUAGES, LISTS, dictionaries, resolve
from pwhygiene.exceptions import InvalidInput
from pwhygiene.strength import estimate_strength


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_pack_has_three_ranked_lists(language: str) -> None:
    """Each pack holds words, first and last names, ranked 1..n without gaps."""
    packs = dictionaries(language)
    assert set(packs) == {f"{language}_{name}" for name in LISTS}
    for ranked in packs.values():
        assert len(ranked) > 300
        assert sorted(ranked.values()) == list(range(1, len(ranked) + 1))
        assert all(word == word.lower() and word.strip() == word for word in ranked)


def test_known_words_rank_where_their_language_puts_them() -> None:
    """Oracle: the commonest words and names of each language are in its pack, near the top."""
    assert dictionaries("de")["de_words"]["ich"] <= 5
    assert "müller" in dictionaries("de")["de_last_names"]
    assert "garcia" in dictionaries("es")["es_last_names"]
    assert dictionaries("fr")["fr_words"]["de"] <= 5


@pytest.mark.parametrize(
    ("asked", "packs"),
    [
        (None, ()),
        ((), ()),
        (("en",), ()),
        (("en", "de"), ("de",)),
        (["de-AT", "de", "pt_BR"], ("de", "pt")),
        (("FR", "nl-BE"), ("fr", "nl")),
    ],
)
def test_languages_resolve_to_packs(asked: tuple[str, ...] | None, packs: tuple[str, ...]) -> None:
    """English is built in; regional forms name their language; duplicates collapse."""
    assert resolve(asked) == packs


@pytest.mark.parametrize("bad", ["de", ("klingon",), (42,)])
def test_unknown_languages_are_a_clear_input_error(bad: object) -> None:
    """A typo or a bare string is InvalidInput naming the choices."""
    with pytest.raises(InvalidInput):
        resolve(bad)  # type: ignore[arg-type]


def test_packs_are_loaded_once_and_read_only() -> None:
    """Loading is cached; the dictionaries cannot be changed by a caller."""
    assert dictionaries("it") is dictionaries("it")
    with pytest.raises(TypeError):
        dictionaries("it")["it_words"]["x"] = 1  # type: ignore[index]


# Real-world shape: passwords built from a word of the user's language and digits, the way
# German and French speakers build them (a butterfly and a year, a blue frog), which an
# English-only dictionary reads as brute force.
LOCAL_PASSWORDS = {
    "de": ("Schmetterling2024", "Wasserflasche22", "Schreibtisch-Lampe"),
    "fr": ("grenouillebleue", "citrouille-moutarde"),  # "chocolat" is a common password now
}


@pytest.mark.parametrize(
    ("language", "password"),
    [(lang, pw) for lang, passwords in LOCAL_PASSWORDS.items() for pw in passwords],
)
def test_a_language_pack_lowers_its_words_estimates(language: str, password: str) -> None:
    """With its language on, a local-word password needs fewer guesses (and scores lower)."""
    off = estimate_strength(password)
    on = estimate_strength(password, languages=("en", language))
    assert on.guesses_log10 < off.guesses_log10 - 1
    assert on.score < off.score
    assert check(password, languages=[language]).score == on.score


def test_accented_and_plain_spellings_match_the_same_word() -> None:
    """``müller`` and ``muller`` both find the German surname (folded like the matcher folds)."""
    plain = estimate_strength("muller1975", languages=("de",))
    accented = estimate_strength("müller1975", languages=("de",))
    assert plain.guesses_log10 < estimate_strength("muller1975").guesses_log10
    assert accented.guesses_log10 < estimate_strength("müller1975").guesses_log10


def test_the_zxcvbn_model_ignores_language_packs() -> None:
    """model="zxcvbn" stays zxcvbn's English-only estimate whatever languages say."""
    for password in ("Schmetterling2024", "grenouillebleue"):
        assert estimate_strength(password, model="zxcvbn", languages=("de", "fr")) == (
            estimate_strength(password, model="zxcvbn")
        )


def test_a_checker_keeps_its_languages() -> None:
    """Checker(languages=...) applies them to every check, and its repr names them."""
    checker = Checker(languages=("en", "de-AT"))
    assert checker.languages == ("de",)
    assert "languages=('de',)" in repr(checker)
    assert checker.check("Schmetterling2024").score < Checker().check("Schmetterling2024").score


@given(st.text(alphabet=string.ascii_letters + string.digits + "!-_.", max_size=24))
def test_english_only_results_are_unchanged(password: str) -> None:
    """languages=None, () and ("en",) all give the same estimate as no languages at all."""
    plain = estimate_strength(password)
    assert estimate_strength(password, languages=None) == plain
    assert estimate_strength(password, languages=("en",)) == plain
    assert estimate_strength(password, languages=()) == plain


@pytest.mark.parametrize(
    ("password", "code"),
    [("schmetterling", "word_by_itself"), ("kuchen", "word_by_itself")],
)
def test_a_pack_word_by_itself_gets_zxcvbns_advice_for_a_word(password: str, code: str) -> None:
    """A word only a language pack knows is warned about like an English word by itself."""
    assert estimate_strength(password).feedback.warning_code == ""  # brute force in English
    feedback = estimate_strength(password, languages=("en", "de")).feedback
    assert feedback.warning_code == code
    assert feedback.warning == "A word by itself is easy to guess."

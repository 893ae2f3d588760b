"""Language packs: every pack loads, ranks its words, and is chosen by plain language names.

Real-world shape: the packs are zxcvbn-ts's published frequency lists (MIT), so the most common
German word ranks first and a French first name is a name, as a German or French user's
password draws on them.
"""

from __future__ import annotations

import pytest

from pwhygiene._strength.languages import LANGUAGES, LISTS, dictionaries, resolve
from pwhygiene.exceptions import InvalidInput


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

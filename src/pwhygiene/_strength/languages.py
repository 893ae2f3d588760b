"""Opt-in language packs: the ranked words and names of other languages, for the matcher.

zxcvbn ranks English words and American names only, so ``passwort1234`` or ``chocolat1``
read as brute force. A pack adds three ranked dictionaries per language (common words, first
names, last names; ``language_packs/PROVENANCE.md`` says where they come from), loaded on
first use and shared. English is built in; packs are chosen per call or per ``Checker`` with
``languages=("en", "de")``.
"""

from __future__ import annotations

import gzip
import json
from collections.abc import Iterable, Mapping
from functools import lru_cache
from pathlib import Path
from types import MappingProxyType

from pwhygiene.exceptions import InvalidInput

PACK_DIR = Path(__file__).with_name("language_packs")
LANGUAGES = ("de", "es", "fr", "it", "nl", "pt")
"""The languages with a pack; ``"en"`` is zxcvbn's own and always on."""
LISTS = ("words", "first_names", "last_names")


def resolve(languages: Iterable[str] | None) -> tuple[str, ...]:
    """The packs to load for ``languages`` (``"en"`` needs none), validated and de-duplicated.

    Regional forms name their language (``de-AT`` is ``de``, ``pt_BR`` is ``pt``).
    """
    if languages is None:
        return ()
    if isinstance(languages, str):
        raise InvalidInput('languages must be a sequence such as ("en", "de"), not one string')
    chosen: dict[str, None] = {}
    for language in languages:
        if not isinstance(language, str):
            raise InvalidInput(f"languages must be strings, not {type(language).__name__}")
        base = language.replace("-", "_").split("_", 1)[0].lower()
        if base == "en":
            continue
        if base not in LANGUAGES:
            raise InvalidInput(
                f"no language pack for {language[:20]!r}; choose from en, {', '.join(LANGUAGES)}"
            )
        chosen[base] = None
    return tuple(chosen)


@lru_cache(maxsize=len(LANGUAGES))
def dictionaries(language: str) -> Mapping[str, Mapping[str, int]]:
    """``{"de_words": {word: rank}, "de_first_names": ..., "de_last_names": ...}``, rank from 1."""
    if language not in LANGUAGES:
        raise InvalidInput(f"no language pack for {language!r}")
    document = json.loads(gzip.decompress((PACK_DIR / f"{language}.json.gz").read_bytes()))
    lists = document["lists"]
    return MappingProxyType(
        {
            f"{language}_{name}": MappingProxyType(
                {word: rank for rank, word in enumerate(lists[name], start=1)}
            )
            for name in LISTS
        }
    )

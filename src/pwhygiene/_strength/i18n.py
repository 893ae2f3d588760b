"""Messages in the user's language: gettext catalogs for violations and strength feedback.

The catalogs (``locale/LANG/LC_MESSAGES/pwhygiene.po``, compiled to ``.mo``) translate the
English sentences themselves, so the stable codes (violation codes, feedback codes) stay the
machine-readable identifiers and the text is what a person reads. A language, or a sentence,
without a translation falls back to the English text, never to a code or a msgid with
placeholders. Placeholders (``{min_length}``) are filled after translation.
"""

from __future__ import annotations

import gettext
import re
from functools import lru_cache
from pathlib import Path

DOMAIN = "pwhygiene"
LOCALE_DIR = Path(__file__).with_name("locale")
LANGUAGES = ("de", "es", "fr", "it", "nl", "pt_BR")
"""The languages with a catalog; English needs none."""
GROUP_SEPARATORS = {"de": ".", "es": ".", "fr": "\u202f", "it": ".", "nl": ".", "pt_BR": "."}
"""CLDR's thousands separator in each catalog's language (a test checks them against Babel)."""
_SHAPE = re.compile(r"\A([A-Za-z]{2,3})(?:[-_]([A-Za-z0-9]{2,8}))?(?:[.@].*)?\Z")
_REGIONAL_DEFAULT = {"pt": "pt_BR"}  # a bare "pt" gets the one Portuguese catalog we have


def candidates(locale: str | None) -> tuple[str, ...]:
    """Catalog names to try for ``locale`` (``de_DE.UTF-8``, ``pt-BR``, ``fr``), best first."""
    match = _SHAPE.match(locale or "")
    if match is None:
        return ()
    language = match.group(1).lower()
    region = match.group(2)
    found = []
    if region:
        found.append(f"{language}_{region.upper() if len(region) == 2 else region}")
    found.append(language)
    if language in _REGIONAL_DEFAULT:
        found.append(_REGIONAL_DEFAULT[language])
    return tuple(found)


@lru_cache(maxsize=64)
def catalog(locale: str | None) -> gettext.NullTranslations:
    """The translations for ``locale``; English (no translation) when there is none."""
    names = list(candidates(locale))
    if not names:
        return gettext.NullTranslations()
    return gettext.translation(DOMAIN, LOCALE_DIR, languages=names, fallback=True)


def translate(text: str, locale: str | None, /, **params: object) -> str:
    """``text`` (an English msgid) in ``locale``, with ``{placeholders}`` filled from ``params``.

    An empty text stays empty (no warning is no warning in every language).
    """
    if not text:
        return text
    translated = catalog(locale).gettext(text) if locale else text
    return translated.format(**params) if params else translated


def language(locale: str | None) -> str | None:
    """The catalog ``locale`` reads from (``"de"`` for ``de-AT``), or None for English."""
    return next((name for name in candidates(locale) if name in LANGUAGES), None)


def integer(number: int, locale: str | None) -> str:
    """``number`` grouped as ``locale`` writes it: ``1,234`` in English, ``1.234`` in German."""
    return f"{number:,}".replace(",", GROUP_SEPARATORS.get(language(locale) or "", ","))


def translated(locale: str | None) -> bool:
    """True when ``locale`` has a catalog here (``False`` for English and unknown languages)."""
    return type(catalog(locale)) is not gettext.NullTranslations

"""LastPass CSV export: ``url,username,password,totp,extra,name,grouping,fav``.

Secure notes are rows whose url is ``http://sn``; their ``extra`` starts with ``NoteType:`` for
typed notes (cards, addresses, SSH keys). ``grouping`` is the folder path with backslashes.

LastPass's web-vault export has, for years, HTML-escaped every field (``&amp;``, ``&lt;``,
``&quot;``, ``&#039;``), while the extension's export does not. Decoding unconditionally would
corrupt a real password containing ``&amp;``, so we decode only when the *whole file* looks
escaped: it contains at least one such entity and no bare ``&`` that starts none. A file
written by an exporter that does not escape almost always has a bare ``&`` somewhere (or no
entity at all), and then nothing is touched.
"""

from __future__ import annotations

import html
import re
from pathlib import Path

from pwhygiene._vault.formats._common import (
    checked_rows,
    collect,
    header_has,
    make_vault,
    password_or_none,
    rows_of,
    split_urls,
    text_or_none,
)
from pwhygiene._vault.io import CsvRow, read_text
from pwhygiene._vault.model import ItemKind, Vault, VaultItem, fingerprint
from pwhygiene._vault.registry import Detection, FormatSpec, ReadOptions, Sample, register
from pwhygiene.exceptions import MalformedExport

NAME = "lastpass-csv"
NOTE_URL = "http://sn"
_REQUIRED = ("url", "username", "password", "extra", "name", "grouping")
_ENTITY = re.compile(r"&(?:amp|lt|gt|quot|apos|#0*39|#x0*27);")
_AMPERSAND = re.compile(r"&")
_NOTE_KINDS = {
    "credit card": ItemKind.CARD,
    "bank account": ItemKind.OTHER,
    "address": ItemKind.IDENTITY,
    "ssh key": ItemKind.SSH_KEY,
}


def looks_html_escaped(text: str) -> bool:
    """Whether every ``&`` in ``text`` starts an HTML entity, and there is at least one."""
    entities = len(_ENTITY.findall(text))
    return entities > 0 and entities == len(_AMPERSAND.findall(text))


def _note_kind(extra: str) -> ItemKind:
    first = extra.split("\n", 1)[0]
    if first.startswith("NoteType:"):
        return _NOTE_KINDS.get(first[len("NoteType:") :].strip().lower(), ItemKind.NOTE)
    return ItemKind.NOTE


def _item(row: CsvRow, path: Path, unescape: bool) -> VaultItem:
    values = {k: html.unescape(v) for k, v in row.values.items()} if unescape else row.values
    url = values["url"].strip()
    title = values["name"]
    folder = text_or_none(values["grouping"].replace("\\", "/"))
    if url == NOTE_URL:
        return VaultItem(
            id=fingerprint(title, None, NOTE_URL, folder),
            title=title,
            source_format=NAME,
            kind=_note_kind(values["extra"]),
            folder=folder,
            notes_present=bool(values["extra"].strip()),
        )
    username = text_or_none(values["username"])
    urls = split_urls(url) if url and url != "http://" else ()
    if not title and not urls and not username and not values["password"]:
        raise MalformedExport(path, f"line {row.line}", "a name, url, username or password")
    return VaultItem(
        id=fingerprint(title, username, *urls),
        title=title,
        source_format=NAME,
        username=username,
        password=password_or_none(values["password"]),
        urls=urls,
        totp=bool(values.get("totp", "").strip()),
        folder=folder,
        notes_present=bool(values["extra"].strip()),
    )


def read(path: Path, options: ReadOptions) -> Vault:
    """Read a LastPass CSV export, decoding HTML entities when the whole file is escaped."""
    text = read_text(path)
    unescape = looks_html_escaped(text)
    warnings = ["decoded HTML entities (the file is HTML-escaped, as LastPass's web export is)"]
    warnings = warnings if unescape else []
    rows = checked_rows(
        rows_of(path, options, warnings, text=text), path, _REQUIRED, "LastPass CSV"
    )
    items = collect(
        rows, lambda row: _item(row, path, unescape), strict=options.strict, warnings=warnings
    )
    return make_vault(items, NAME, path, warnings)


def sniff(sample: Sample) -> Detection:
    """YES for LastPass's header (``grouping`` and ``extra`` are its own column names)."""
    return Detection.YES if header_has(sample, _REQUIRED) else Detection.NO


register(
    FormatSpec(
        name=NAME,
        description="LastPass CSV export (logins and secure notes; HTML-escaped web exports)",
        detection="CSV header with url, username, password, extra, name, grouping",
        sniff=sniff,
        read=read,
        extensions=(".csv",),
    )
)

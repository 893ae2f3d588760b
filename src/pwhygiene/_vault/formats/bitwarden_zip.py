"""Bitwarden's "zip (with attachments)" export: the JSON export plus the items' attachments.

The zip holds ``data.json`` (the same document as the plain JSON export, read by
:func:`.bitwarden.vault_from_json`) and ``attachments/<item id>/<file name>``. Attachments
are never opened: they are counted in a warning, so the report says what was not audited.
A password-protected ``data.json`` is refused with the way to read it.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace
from pathlib import Path

from pwhygiene._vault.formats._common import in_member
from pwhygiene._vault.formats.bitwarden import vault_from_json
from pwhygiene._vault.io import SafeZip, load_json, read_text
from pwhygiene._vault.model import Vault
from pwhygiene._vault.registry import Detection, FormatSpec, ReadOptions, Sample, register
from pwhygiene.exceptions import MalformedExport, UnsupportedFormat

NAME = "bitwarden-zip"
DATA = "data.json"
ATTACHMENTS = "attachments/"


def read(path: Path, options: ReadOptions) -> Vault:
    """Read ``data.json`` from the zip; count, never open, the attachments."""
    with SafeZip(path) as archive:
        names = archive.names()
        if DATA not in names:
            raise MalformedExport(path, None, f"a member {DATA!r} in the zip")
        member = in_member(path, DATA)
        text = read_text(member, archive.read(DATA))
    data = load_json(member, text)
    if isinstance(data, Mapping) and data.get("encrypted") is True:
        raise UnsupportedFormat(
            f"{path}: its data.json is password protected; unzip it and read data.json "
            "with --format bitwarden-encrypted-json and the export password"
        )
    vault = vault_from_json(data, member, options, NAME)
    attached = sum(1 for n in names if n.startswith(ATTACHMENTS))
    skipped = (f"{attached} attachment(s) in the zip were not read",) if attached else ()
    return replace(vault, path=path, warnings=vault.warnings + skipped)


def sniff(sample: Sample) -> Detection:
    """YES for a zip of ``data.json`` and ``attachments/...`` only; MAYBE with other members."""
    names = sample.zip_names or ()
    if DATA not in names:
        return Detection.NO
    others = [n for n in names if n != DATA and not n.startswith(ATTACHMENTS)]
    return Detection.MAYBE if others else Detection.YES


register(
    FormatSpec(
        name=NAME,
        description="Bitwarden zip export with attachments (data.json read, attachments counted)",
        detection="zip archive with data.json and attachments/...",
        sniff=sniff,
        read=read,
        extensions=(".zip",),
    )
)

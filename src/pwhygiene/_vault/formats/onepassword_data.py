"""A bare 1PUX ``export.data``: what a user gets by unzipping a 1Password 8 ``.1pux``.

The JSON is the same document the 1PUX reader takes from the zip
(``{"accounts": [{"attrs", "vaults": [{"attrs", "items": [...]}]}]}``), so items map the same
way (:func:`.onepassword.vault_from_export_data`).
"""

from __future__ import annotations

import re
from pathlib import Path

from pwhygiene._vault.formats._common import json_head
from pwhygiene._vault.formats.onepassword import vault_from_export_data
from pwhygiene._vault.io import load_json
from pwhygiene._vault.model import Vault
from pwhygiene._vault.registry import Detection, FormatSpec, ReadOptions, Sample, register

NAME = "1password-export-data"
_ACCOUNTS = re.compile(r'\A\s*\{\s*"accounts"\s*:\s*\[')
_VAULTS = re.compile(r'"vaults"\s*:\s*\[')


def read(path: Path, options: ReadOptions) -> Vault:
    """Read an unzipped ``export.data``."""
    return vault_from_export_data(load_json(path), path, options, NAME)


def sniff(sample: Sample) -> Detection:
    """YES for JSON opening with ``"accounts": [`` that holds ``"vaults": [`` lists."""
    text = json_head(sample)
    if text and _ACCOUNTS.match(text) and _VAULTS.search(text):
        return Detection.YES
    return Detection.NO


register(
    FormatSpec(
        name=NAME,
        description="1Password 8 export.data (an unzipped 1PUX)",
        detection='JSON object starting "accounts": [ with "vaults": [ lists',
        sniff=sniff,
        read=read,
        extensions=(".data", ".json"),
    )
)

"""Proton Pass's passphrase-protected export, recognised so it can be refused clearly.

With a passphrase, Proton Pass encrypts the export to an OpenPGP message: an armored ``.pgp``
file, or ``Proton Pass/data.pgp`` inside the zip. Reading it needs an OpenPGP implementation;
the pure-Python one (PGPy) has had no release since 2022, so pwhygiene does not decrypt it. The
refusal names the two ways out: export again without a passphrase, or ``gpg --decrypt`` first.
"""

from __future__ import annotations

from pathlib import Path

from pwhygiene._vault.model import Vault
from pwhygiene._vault.registry import Detection, FormatSpec, ReadOptions, Sample, register
from pwhygiene.exceptions import UnsupportedFormat

NAME = "protonpass-pgp"
DATA_JSON = "Proton Pass/data.json"
DATA_PGP = "Proton Pass/data.pgp"
PGP_REFUSAL = (
    "the PGP-encrypted Proton Pass export is not supported; export again without a "
    "passphrase, or decrypt it with `gpg --decrypt` first"
)
ARMOR = b"-----BEGIN PGP MESSAGE-----"
# First byte of a passphrase-encrypted message: a SKESK packet (tag 3), old or new header.
SKESK_FIRST_BYTES = frozenset({0x8C, 0x8D, 0x8E, 0xC3})


def refuse(path: Path, options: ReadOptions) -> Vault:
    """Always a clear refusal with the next step; nothing is decrypted or guessed."""
    raise UnsupportedFormat(f"{path}: {PGP_REFUSAL}")


def sniff(sample: Sample) -> Detection:
    """YES for an armored OpenPGP message, a zip of ``data.pgp``, or a binary ``.pgp``/``.gpg``.

    A binary OpenPGP message has no magic number, so it is claimed only with its extension.
    """
    if sample.zip_names is not None:
        names = sample.zip_names
        return Detection.YES if DATA_PGP in names and DATA_JSON not in names else Detection.NO
    if sample.head.lstrip().startswith(ARMOR):
        return Detection.YES
    binary = bool(sample.head) and sample.head[0] in SKESK_FIRST_BYTES
    if binary and sample.path.suffix.lower() in {".pgp", ".gpg"}:
        return Detection.YES
    return Detection.NO


register(
    FormatSpec(
        name=NAME,
        description="Proton Pass PGP-encrypted export (refused: export without a passphrase)",
        detection="armored OpenPGP message, a .pgp/.gpg OpenPGP file, or a zip of data.pgp",
        sniff=sniff,
        read=refuse,
        extensions=(".pgp", ".gpg"),
        encrypted=True,
    )
)

"""KeePass 2.x / KeePassXC: KDBX 3.1 and 4.x databases and the KeePass 2 XML export.

Both readers share :mod:`pwhygiene._vault.kdbx.document`, so an entry maps to the same
:class:`VaultItem` whichever way it was saved. The CSV exports live in :mod:`.keepass_csv`.
"""

from __future__ import annotations

import re
from pathlib import Path

from pwhygiene._vault.io import read_bytes
from pwhygiene._vault.kdbx.document import parse_document
from pwhygiene._vault.kdbx.header import SIGNATURE_1
from pwhygiene._vault.kdbx.payload import Decrypted, open_kdbx
from pwhygiene._vault.model import Vault
from pwhygiene._vault.registry import Detection, FormatSpec, ReadOptions, Sample, register
from pwhygiene.exceptions import UnsupportedFormat, WrongPassword


def _sniff_kdbx(sample: Sample) -> Detection:
    if int.from_bytes(sample.head[:4], "little") == SIGNATURE_1 and len(sample.head) >= 8:
        return Detection.YES
    return Detection.NO


def _open(data: bytes, path: Path, options: ReadOptions) -> Decrypted:
    """Decrypt with the password and key file given; with a key file, a blank password is both.

    ``password=None`` means "no password component" and ``""`` means "an empty password", but a
    user with a key file rarely knows which of the two their database holds (KeePassXC leaves
    an empty field out and offers "retry with empty password"). So with a key file and no or
    an empty password, the other composition is tried when the first one is wrong.
    """
    try:
        return open_kdbx(data, path, options.password, options.key_file, options.max_kdf_seconds)
    except WrongPassword:
        if options.key_file is None or options.password not in (None, ""):
            raise
    other = "" if options.password is None else None
    return open_kdbx(data, path, other, options.key_file, options.max_kdf_seconds)


def _read_kdbx(path: Path, options: ReadOptions) -> Vault:
    decrypted = _open(read_bytes(path), path, options)
    if decrypted.stream is None:
        raise UnsupportedFormat(
            f"{path}: the database protects values with an unsupported inner stream; "
            "re-save it with KeePassXC or KeePass 2"
        )
    parsed = parse_document(
        decrypted.xml,
        path,
        source_format="keepass-kdbx",
        stream=decrypted.stream,
        header_sha256=decrypted.header_sha256 if decrypted.header.major < 4 else None,
        strict=options.strict,
    )
    return Vault(parsed.items, "keepass-kdbx", path, encrypted=True, warnings=parsed.warnings)


_XML_ROOT = re.compile(r"\s*(<\?xml[^>]*\?>\s*)?(<!--.*?-->\s*)*<KeePassFile[\s>]", re.DOTALL)


def _sniff_xml(sample: Sample) -> Detection:
    """YES only when ``<KeePassFile>`` is the root element, not text inside another format."""
    text = (sample.text or "")[:4096]
    return Detection.YES if _XML_ROOT.match(text) else Detection.NO


def _read_xml(path: Path, options: ReadOptions) -> Vault:
    parsed = parse_document(
        read_bytes(path), path, source_format="keepass-xml", strict=options.strict
    )
    return Vault(parsed.items, "keepass-xml", path, warnings=parsed.warnings)


register(
    FormatSpec(
        name="keepass-kdbx",
        description="KeePass 2.x / KeePassXC database (KDBX 3.1 and 4.x), password and/or key file",
        detection="KDBX file signature 0x9AA2D903 0xB54BFB67",
        sniff=_sniff_kdbx,
        read=_read_kdbx,
        extensions=(".kdbx",),
        encrypted=True,
    )
)
register(
    FormatSpec(
        name="keepass-xml",
        description="KeePass 2.x XML export (unencrypted)",
        detection="XML with a <KeePassFile> root element",
        sniff=_sniff_xml,
        read=_read_xml,
        extensions=(".xml",),
    )
)

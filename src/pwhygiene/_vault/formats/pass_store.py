"""pass / gopass password stores: a directory of GPG-encrypted files, one entry each.

The layout is pass's own (passwordstore.org, ``man pass``): the store root holds a
``.gpg-id`` file naming the recipients, and every ``NAME.gpg`` below it (sub-directories are
folders) is one entry. A decrypted entry's first line is the password; the lines after it are
free text, which pass's extensions and gopass write as ``key: value`` pairs (``login:``,
``user:``, ``username:``, ``email:``, ``url:``, ...) and ``otpauth://`` URIs (pass-otp).

Entries are decrypted through the user's own GnuPG (``gpg`` and its agent, via python-gnupg),
in batch mode: pwhygiene never asks for, sees or holds the GPG passphrase. If the key is
locked, gpg fails and the error says to unlock it (``pass show`` any entry) and run again.
Plaintext stays in memory; nothing is written. By convention the entry path is the title and
names the site: the first path component that looks like a domain becomes the URL when the
entry has none, and a last component below it is the username.
"""

from __future__ import annotations

import os
import re
import stat
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path, PurePosixPath

import gnupg

from pwhygiene._vault.formats._common import collect, make_vault
from pwhygiene._vault.model import ItemKind, Vault, VaultItem, fingerprint
from pwhygiene._vault.registry import Detection, FormatSpec, ReadOptions, Sample, register
from pwhygiene.exceptions import ExportTooLarge, MalformedExport, UnsupportedFormat

NAME = "pass"
MARKER = ".gpg-id"
MAX_ENTRIES = 100_000
MAX_ENTRY_BYTES = 1024 * 1024  # an encrypted entry is a few hundred bytes
WORKERS = 4  # gpg runs as a subprocess, so threads overlap its start-up cost
_USER_KEYS = ("login", "username", "user", "email", "e-mail", "mail")
_URL_KEYS = ("url", "website", "site", "web", "link")
_FIELD = re.compile(r"\A\s*([A-Za-z][\w .-]{0,40}?)\s*:\s*(.*)\Z")
_DOMAIN = re.compile(r"\A(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}\Z", re.IGNORECASE)


def entry_files(root: Path) -> Iterator[Path]:
    """Every ``*.gpg`` entry below ``root``, sorted; hidden folders (``.git``) are skipped."""
    found = 0
    for folder, subfolders, files in os.walk(root):
        subfolders[:] = sorted(d for d in subfolders if not d.startswith("."))
        for name in sorted(files):
            if name.endswith(".gpg") and not name.startswith("."):
                found += 1
                if found > MAX_ENTRIES:
                    raise ExportTooLarge(f"{root}: more than {MAX_ENTRIES} entries in the store")
                yield Path(folder) / name


def parse_entry(name: str, plaintext: str) -> VaultItem:
    """One decrypted entry as an item; ``name`` is its path in the store without ``.gpg``."""
    lines = plaintext.splitlines()
    password = lines[0] if lines else ""
    fields: dict[str, str] = {}
    totp = False
    notes = False
    for line in lines[1:]:
        stripped = line.strip()
        if stripped.lower().startswith("otpauth://"):
            totp = True
        elif (field := _FIELD.match(line)) and not stripped.lower().startswith(("http:", "https:")):
            fields.setdefault(field.group(1).strip().lower(), field.group(2).strip())
        elif stripped:
            notes = True
    parts = PurePosixPath(name).parts
    username = next((fields[k] for k in _USER_KEYS if fields.get(k)), None)
    url = next((fields[k] for k in _URL_KEYS if fields.get(k)), None)
    domain_at = next((i for i, part in enumerate(parts) if _DOMAIN.match(part)), None)
    if url is None and domain_at is not None:
        url = f"https://{parts[domain_at]}"
    if username is None and domain_at is not None and domain_at < len(parts) - 1:
        username = parts[-1]
    totp = totp or "totp" in fields or "otp" in fields
    return VaultItem(
        id=fingerprint(NAME, name),
        title=name,
        source_format=NAME,
        kind=ItemKind.LOGIN,
        username=username,
        password=password or None,
        urls=(url,) if url else (),
        totp=totp,
        folder=str(PurePosixPath(*parts[:-1])) if len(parts) > 1 else None,
        notes_present=notes,
    )


def _decrypt(gpg: gnupg.GPG, root: Path, file: Path) -> tuple[str, str]:
    """``(entry name, plaintext)``; a failure names the entry and the next step, no content."""
    name = file.relative_to(root).with_suffix("").as_posix()
    try:
        descriptor = os.open(file, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
    except OSError as exc:
        raise MalformedExport(root, name, f"a readable entry ({exc.strerror})") from None
    with os.fdopen(descriptor, "rb") as handle:
        if not stat.S_ISREG(os.fstat(descriptor).st_mode):
            raise MalformedExport(root, name, "a regular file")
        data = handle.read(MAX_ENTRY_BYTES + 1)
    if len(data) > MAX_ENTRY_BYTES:
        raise MalformedExport(root, name, f"an entry of at most {MAX_ENTRY_BYTES} bytes")
    result = gpg.decrypt(data)
    if not result.ok:
        raise MalformedExport(
            root,
            name,
            f"an entry your GnuPG can decrypt (gpg said: {result.status or 'decryption failed'}; "
            "is the key here and unlocked? run `pass show` on any entry, then try again)",
        )
    try:
        return name, bytes(result.data).decode("utf-8")
    except UnicodeDecodeError:
        raise MalformedExport(root, name, "UTF-8 text after decryption") from None


def read(path: Path, options: ReadOptions) -> Vault:
    """Decrypt every entry of the store at ``path`` with the user's GnuPG and read it."""
    if not (path / MARKER).is_file():
        raise UnsupportedFormat(f"{path}: not a pass store (no {MARKER} file at its root)")
    try:
        gpg = gnupg.GPG(gnupghome=os.environ.get("GNUPGHOME"))
    except (OSError, ValueError, RuntimeError) as exc:
        raise UnsupportedFormat(
            f"{path}: reading a pass store needs GnuPG (`gpg`), which could not be run "
            f"({type(exc).__name__}); install gnupg"
        ) from None
    files = list(entry_files(path))
    warnings: list[str] = []

    def decrypt(file: Path) -> tuple[str, str] | MalformedExport:
        try:
            return _decrypt(gpg, path, file)
        except MalformedExport as exc:
            return exc

    with ThreadPoolExecutor(WORKERS, thread_name_prefix="pwhygiene-gpg") as pool:
        outcomes = list(pool.map(decrypt, files))

    def convert(outcome: tuple[str, str] | MalformedExport) -> VaultItem:
        if isinstance(outcome, MalformedExport):
            raise outcome
        return parse_entry(*outcome)

    items = collect(outcomes, convert, strict=options.strict, warnings=warnings)
    return make_vault(items, NAME, path, warnings, encrypted=True)


def sniff(sample: Sample) -> Detection:
    """YES for a directory holding pass's ``.gpg-id`` marker."""
    return (
        Detection.YES if sample.listing is not None and MARKER in sample.listing else Detection.NO
    )


register(
    FormatSpec(
        name=NAME,
        description="pass / gopass password store (a directory of GPG-encrypted entries)",
        detection=f"a directory with a {MARKER} file; decrypted with your own GnuPG",
        sniff=sniff,
        read=read,
        encrypted=True,
    )
)

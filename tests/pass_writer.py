"""A test-side writer of pass password stores, written from pass's documentation, not our reader.

``man pass`` (passwordstore.org): a store is a directory whose ``.gpg-id`` lists the GPG
recipients; each entry is ``PATH.gpg``, the encryption of a text whose first line is the
password. Extensions and gopass add ``key: value`` lines (``login:``, ``url:``) and pass-otp
adds an ``otpauth://`` URI line.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import gnupg


@dataclass(frozen=True)
class PassEntry:
    """One entry to write: its store path (no ``.gpg``), password and optional lines."""

    name: str
    password: str
    login: str | None = None
    url: str | None = None
    otp: bool = False
    note: str | None = None

    def text(self) -> str:
        """The plaintext pass keeps in the entry's file."""
        lines = [self.password]
        if self.login is not None:
            lines.append(f"login: {self.login}")
        if self.url is not None:
            lines.append(f"url: {self.url}")
        if self.otp:
            lines.append("otpauth://totp/Example:alice?secret=JBSWY3DPEHPK3PXP&issuer=Example")
        if self.note is not None:
            lines.append(self.note)
        return "\n".join(lines) + "\n"


@contextmanager
def gnupg_home() -> Iterator[tuple[Path, str]]:
    """A throwaway GnuPG home with one passphrase-less key: ``(home, fingerprint)``.

    The home lives directly under /tmp so the agent's socket path stays short.
    """
    home = Path(tempfile.mkdtemp(prefix="pwh-gpg-", dir="/tmp"))
    home.chmod(0o700)
    env = {**os.environ, "GNUPGHOME": str(home)}
    try:
        subprocess.run(
            ["gpg", "--batch", "--passphrase", "", "--quick-gen-key",
             "pwhygiene tests <tests@example.invalid>", "default", "default", "never"],
            env=env, check=True, capture_output=True,
        )  # fmt: skip
        listing = subprocess.run(
            ["gpg", "--batch", "--with-colons", "--list-keys"],
            env=env, check=True, capture_output=True, text=True,
        ).stdout  # fmt: skip
        fingerprint = next(
            line.split(":")[9] for line in listing.splitlines() if line.startswith("fpr:")
        )
        yield home, fingerprint
    finally:
        subprocess.run(["gpgconf", "--kill", "gpg-agent"], env=env, check=False)
        shutil.rmtree(home, ignore_errors=True)


def write_store(root: Path, home: Path, recipient: str, entries: list[PassEntry]) -> Path:
    """Write ``entries`` as a pass store at ``root`` encrypted to ``recipient``."""
    root.mkdir(parents=True, exist_ok=True)
    (root / ".gpg-id").write_text(recipient + "\n")
    gpg = gnupg.GPG(gnupghome=str(home))
    for entry in entries:
        target = root / f"{entry.name}.gpg"
        target.parent.mkdir(parents=True, exist_ok=True)
        sealed = gpg.encrypt(
            entry.text().encode("utf-8"), [recipient], armor=False, always_trust=True
        )
        assert sealed.ok, sealed.status
        target.write_bytes(sealed.data)
    return root

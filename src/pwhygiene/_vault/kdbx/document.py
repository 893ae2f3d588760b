"""The KeePass XML document (decrypted KDBX or the plain XML export) mapped to vault items.

One parser serves both: a decrypted KDBX carries an inner stream that un-protects
``Protected="True"`` values in document order; the XML export has none (its values are plain,
marked ``ProtectInMemory``). Entities and DTDs are refused (defusedxml) before anything else.
"""

from __future__ import annotations

import base64
import binascii
import re
import uuid
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from pathlib import Path

import defusedxml.ElementTree as SafeET
from defusedxml import DefusedXmlException

from pwhygiene._vault.kdbx.bounds import GroupNode, WalkBudget, check_xml_budget
from pwhygiene._vault.kdbx.history import EntryVersion, password_timeline
from pwhygiene._vault.kdbx.stream import InnerStream
from pwhygiene._vault.model import ItemKind, Timestamp, VaultItem, fingerprint
from pwhygiene._vault.times import parse_timestamp
from pwhygiene.exceptions import MalformedExport

_EPOCH = datetime(1, 1, 1, tzinfo=timezone.utc)  # KDBX 4 times: seconds since 0001-01-01 UTC
_TOTP_KEYS = ("otp", "TOTP Seed")  # KeePassXC; KeePass 2.47+ uses TimeOtp-Secret*
# KeePassXC keeps a passkey in entry attributes KPEX_PASSKEY_CREDENTIAL_ID, _PRIVATE_KEY_PEM,
# _RELYING_PARTY, _USERNAME and _USER_HANDLE; like KeePassXC, the prefix marks a passkey.
_PASSKEY_PREFIX = "KPEX_PASSKEY_"
_EXTRA_URL = re.compile(r"KP2A_URL(?:_(\d+))?")
_NULL_UUID = "AAAAAAAAAAAAAAAAAAAAAA=="


@dataclass(frozen=True, slots=True)
class Parsed:
    """The items of one document plus the rows skipped in lenient mode."""

    items: tuple[VaultItem, ...]
    warnings: tuple[str, ...]


def parse_document(
    xml: bytes | str,
    path: Path,
    *,
    source_format: str,
    stream: InnerStream | None = None,
    header_sha256: bytes | None = None,
    strict: bool = True,
) -> Parsed:
    """Parse the whole ``<KeePassFile>`` document into items, groups flattened to folders."""
    check_xml_budget(xml, path)
    try:
        root = SafeET.fromstring(xml, forbid_dtd=True)
    except DefusedXmlException:
        raise MalformedExport(
            path, None, "XML without a DTD or entities (refused: they can expand without bound)"
        ) from None
    except ET.ParseError as exc:
        line = exc.position[0] if exc.position else None
        where = f"XML line {line}" if line else "XML"
        raise MalformedExport(path, where, "well-formed XML") from None
    except (LookupError, ValueError):  # expat: an unknown or a multi-byte declared encoding
        raise MalformedExport(path, "XML declaration", "UTF-8 or UTF-16 XML") from None
    if root.tag != "KeePassFile":
        raise MalformedExport(path, "XML root", "a <KeePassFile> element")
    _unprotect(root, stream, path)
    meta = root.find("Meta")
    if header_sha256 is not None and meta is not None:
        stored = (meta.findtext("HeaderHash") or "").strip()
        if stored and _b64(stored, path, "Meta/HeaderHash") != header_sha256:
            raise MalformedExport(path, "Meta/HeaderHash", "the hash of the file header")
    bin_text = (meta.findtext("RecycleBinUUID") if meta is not None else None) or _NULL_UUID
    recycle_bin = bin_text.strip() if bin_text.strip() != _NULL_UUID else None
    top = root.find("Root/Group")
    if top is None:
        raise MalformedExport(path, "Root", "a <Group> element (the root group)")
    reader = _EntryReader(path, source_format, recycle_bin, strict)
    items = tuple(reader.walk(top, "Root/Group", (), trashed=False))
    return Parsed(items, tuple(reader.warnings))


def _unprotect(root: ET.Element, stream: InnerStream | None, path: Path) -> None:
    """Replace protected values by their plaintext, in document order (``iter`` is pre-order)."""
    for element in root.iter():
        if element.get("Protected", "").lower() != "true":
            continue
        if stream is None:
            raise MalformedExport(
                path, f"<{element.tag}>", "plain values (no Protected values) in an export"
            )
        raw = _b64(element.text or "", path, f"protected <{element.tag}>")
        if element.tag == "Value":
            try:
                element.text = stream.xor(raw).decode("utf-8")
            except UnicodeDecodeError:
                raise MalformedExport(
                    path, "protected value", "UTF-8 text after un-protecting"
                ) from None
        else:  # attachments: advance the stream past them without decrypting
            stream.skip(len(raw))
        del element.attrib["Protected"]


def _b64(text: str, path: Path, where: str) -> bytes:
    if not text.isascii():  # b64decode's ValueError would keep the text in its __context__
        raise MalformedExport(path, where, "base64 data")
    try:
        return base64.b64decode(text.strip(), validate=True)
    except (binascii.Error, ValueError):
        raise MalformedExport(path, where, "base64 data") from None


def parse_time(text: str | None, source: str) -> Timestamp | None:
    """A KeePass time: base64 seconds since year 1 (KDBX 4) or ISO 8601 (KDBX 3.1, XML)."""
    value = (text or "").strip()
    if not value:
        return None
    if "-" in value or ":" in value:
        return parse_timestamp(value, source)
    if not value.isascii():  # b64decode's ValueError would keep the text in its __context__
        raise ValueError("base64 seconds or an ISO 8601 time")
    raw = base64.b64decode(value, validate=True)
    if len(raw) > 8:
        raise ValueError("at most 8 bytes of seconds")
    seconds = int.from_bytes(raw.ljust(8, b"\x00"), "little", signed=True)
    return Timestamp(_EPOCH + timedelta(seconds=seconds), source)


def read_version(entry: ET.Element) -> EntryVersion:
    """Strings and times of an ``<Entry>``; raises ``ValueError`` on a bad time."""
    strings = {}
    for string in entry.findall("String"):
        strings[string.findtext("Key") or ""] = string.findtext("Value") or ""
    times = entry.find("Times")
    created = modified = expires = None
    if times is not None:
        created = parse_time(times.findtext("CreationTime"), "CreationTime")
        modified = parse_time(times.findtext("LastModificationTime"), "LastModificationTime")
        if (times.findtext("Expires") or "").strip().lower() == "true":
            expires = parse_time(times.findtext("ExpiryTime"), "ExpiryTime")
    return EntryVersion(strings, created, modified, expires)


class _EntryReader:
    """Walks groups depth-first, turning entries into items; collects lenient-mode warnings."""

    def __init__(
        self, path: Path, source_format: str, recycle_bin: str | None, strict: bool
    ) -> None:
        self.path = path
        self.source_format = source_format
        self.recycle_bin = recycle_bin
        self.strict = strict
        self.warnings: list[str] = []

    def walk(
        self, top: ET.Element, where: str, folders: tuple[str, ...], *, trashed: bool
    ) -> Iterator[VaultItem]:
        """Items of ``top`` and its subgroups, depth-first, without recursion.

        Each group keeps only a link to its parent, so a group costs the same at any depth;
        folder paths are joined only for groups that hold entries, and both the depth and
        the characters of those paths are bounded (:class:`WalkBudget`). The root group's
        own name is not part of a folder path.
        """
        budget = WalkBudget(self.path)
        stack = [(GroupNode(where, None, folders), top, trashed)]
        while stack:
            node, group, trashed = stack.pop()
            trashed = trashed or (group.findtext("UUID") or "").strip() == self.recycle_bin
            entries = group.findall("Entry")
            if entries:
                folder = budget.folder(node)
                yield from self._entries(entries, node, folder, trashed)
            children = group.findall("Group")
            stack.extend(
                (budget.child(node, index, child.findtext("Name") or ""), child, trashed)
                for index, child in reversed(list(enumerate(children, 1)))
            )

    def _entries(
        self, entries: list[ET.Element], node: GroupNode, folder: str | None, trashed: bool
    ) -> Iterator[VaultItem]:
        where = node.where()  # once per group: its length grows with the depth
        for index, entry in enumerate(entries, 1):
            location = f"{where}/Entry[{index}]"
            try:
                yield self.item(entry, location, folder, trashed)
            except (MalformedExport, ValueError, OverflowError) as exc:
                if self.strict:
                    if isinstance(exc, MalformedExport):
                        raise
                    raise MalformedExport(self.path, location, f"a valid entry ({exc})") from None
                self.warnings.append(f"{self.path}: {location}: skipped an unreadable entry")

    def item(
        self, entry: ET.Element, location: str, folder: str | None, trashed: bool
    ) -> VaultItem:
        """One entry as a :class:`VaultItem`, history and password age included."""
        current = read_version(entry)
        strings = current.strings
        title, username = strings.get("Title", ""), strings.get("UserName", "")
        password = strings.get("Password", "")
        urls = _urls(strings)
        uuid_text = (entry.findtext("UUID") or "").strip()
        if uuid_text:
            raw = _b64(uuid_text, self.path, f"{location}/UUID")
            if len(raw) != 16:
                raise MalformedExport(self.path, f"{location}/UUID", "a 16-byte UUID")
            item_id = str(uuid.UUID(bytes=raw))
        else:
            item_id = fingerprint(title, username, *urls)
        history_element = entry.find("History")
        snapshots = [
            read_version(old)
            for old in (history_element.findall("Entry") if history_element is not None else [])
        ]
        timeline = password_timeline(current, snapshots)
        passkey = _has_passkey(strings)
        is_login = bool(password or username or urls or passkey)
        return VaultItem(
            id=item_id,
            title=title,
            source_format=self.source_format,
            kind=ItemKind.LOGIN if is_login else ItemKind.NOTE,
            username=username or None,
            password=password if is_login else None,
            urls=urls,
            totp=_has_totp(strings),
            passkey=passkey,
            folder=folder,
            notes_present=bool(strings.get("Notes", "").strip()),
            created=current.created,
            modified=current.modified,
            password_changed=timeline.changed,
            expires=current.expires,
            history=timeline.history,
            trashed=trashed,
            excluded=_excluded(entry),
        )


def _urls(strings: dict[str, str]) -> tuple[str, ...]:
    """URL first, then KeePassXC / Keepass2Android's ``KP2A_URL``, ``KP2A_URL_1``, ... in order."""
    extra = sorted(
        (int(m.group(1) or 0), value)
        for key, value in strings.items()
        if (m := _EXTRA_URL.fullmatch(key)) and value.strip()
    )
    main = strings.get("URL", "").strip()
    return tuple(([main] if main else []) + [value.strip() for _, value in extra])


def _has_totp(strings: dict[str, str]) -> bool:
    return any(
        value.strip() and (key in _TOTP_KEYS or key.startswith("TimeOtp-Secret"))
        for key, value in strings.items()
    )


def _has_passkey(strings: dict[str, str]) -> bool:
    """Whether KeePassXC's passkey attributes are set; their values (a private key) stay here."""
    return any(key.startswith(_PASSKEY_PREFIX) and value.strip() for key, value in strings.items())


def _excluded(entry: ET.Element) -> bool:
    """KDBX 4.1 ``<QualityCheck>False</QualityCheck>`` or KeePassXC's older ``KnownBad``."""
    if (entry.findtext("QualityCheck") or "").strip().lower() == "false":
        return True
    return any(
        (item.findtext("Key") or "") == "KnownBad"
        and (item.findtext("Value") or "").strip().lower() == "true"
        for item in entry.findall("CustomData/Item")
    )

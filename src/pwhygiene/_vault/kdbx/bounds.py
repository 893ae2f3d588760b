"""Bounds on the work a KeePass XML document can cause, counted on what is parsed.

A byte limit alone does not bound the work: 2 MB of nested ``<Group>`` elements used to cost
quadratic time, and a few MB of ``<a/>`` elements cost tens of bytes of memory per byte of
XML. The document is therefore bounded by its element count (before parsing), its group
depth and the characters of the folder paths it makes us build (while walking).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from pwhygiene.exceptions import ExportTooLarge

#: Elements per byte of XML. KeePass writes one element per ~25 bytes (tags, a value and
#: indentation); a document of bare ``<a/>`` holds one per 4 bytes and costs ~30 bytes of
#: memory per byte once parsed.
MAX_XML_ELEMENT_DENSITY = 1 / 16
#: Elements of one document: ~1 GiB of parsed tree at most, far above any real database
#: (10,000 entries with ten history snapshots each are about 1.5 million elements).
MAX_XML_ELEMENTS = 4_000_000
#: Nesting of groups: KeePass users nest a handful of levels; thousands only come from a
#: crafted file.
MAX_GROUP_DEPTH = 256
#: Characters of folder paths built while walking, beyond those the document itself holds.
MAX_FOLDER_CHARS = 16 * 2**20
_FLOOR = 64 * 1024  # tiny documents are never refused for their density


def check_xml_budget(xml: bytes | str, path: Path) -> None:
    """Refuse a document with more elements than its size can honestly hold, before parsing.

    Counting ``<`` over-counts (closing tags, comments), which only errs towards refusing
    documents made of almost nothing but tags.
    """
    tags = xml.count(b"<" if isinstance(xml, bytes) else "<")  # type: ignore[arg-type]
    elements = tags // 2  # an element is an opening and a closing tag (or one <a/>)
    if elements > MAX_XML_ELEMENTS:
        raise ExportTooLarge(
            f"{path}: more than {MAX_XML_ELEMENTS:,} XML elements (MAX_XML_ELEMENTS); "
            "no KeePass database holds that many"
        )
    if len(xml) > _FLOOR and elements > len(xml) * MAX_XML_ELEMENT_DENSITY:
        raise ExportTooLarge(
            f"{path}: the XML is made almost only of tags ({elements:,} elements in "
            f"{len(xml):,} bytes); refused, as parsing it would need far more memory than "
            "its size (see docs/limits.md)"
        )


@dataclass(frozen=True, slots=True)
class GroupNode:
    """A group seen while walking: its step in the location, its parent, its folder names."""

    step: str
    parent: GroupNode | None
    names: tuple[str, ...]
    depth: int = 0

    def where(self) -> str:
        """The location of the group (``Root/Group/Group[2]``) for messages."""
        steps = []
        node: GroupNode | None = self
        while node is not None:
            steps.append(node.step)
            node = node.parent
        return "/".join(reversed(steps))

    def folder_names(self) -> list[str]:
        """The folder names from the root to this group."""
        names: list[str] = []
        node: GroupNode | None = self
        while node is not None:
            names.extend(reversed(node.names))
            node = node.parent
        names.reverse()
        return names


class WalkBudget:
    """Counts the depth and the folder-path characters of one walk; raises past the bounds."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.folder_chars = 0

    def child(self, parent: GroupNode, index: int, name: str) -> GroupNode:
        """A subgroup of ``parent``; a group nested deeper than the bound is refused."""
        depth = parent.depth + 1
        if depth > MAX_GROUP_DEPTH:
            raise ExportTooLarge(
                f"{self.path}: groups nested more than {MAX_GROUP_DEPTH} deep "
                "(MAX_GROUP_DEPTH); no KeePass database nests that deep"
            )
        return GroupNode(f"Group[{index}]", parent, (name,), depth)

    def folder(self, node: GroupNode) -> str | None:
        """The folder path of a group that holds entries, counted against the bound."""
        folder = "/".join(node.folder_names())
        self.folder_chars += len(folder)
        if self.folder_chars > MAX_FOLDER_CHARS:
            raise ExportTooLarge(
                f"{self.path}: the group paths add up to more than {MAX_FOLDER_CHARS:,} "
                "characters (MAX_FOLDER_CHARS); refused as a crafted document"
            )
        return folder or None

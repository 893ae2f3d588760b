"""Hostile exports that need no password: structure grown along one axis at a time.

Each shape stands for an attack seen in the wild or in our own sweep (issue 15): deep or wide
JSON, numbers beyond Python's 4,300-digit limit, lone surrogates (legal as JSON escapes),
KeePass XML with nested groups, dense tags or a foreign declared encoding, zips with many
members or a corrupt LZMA member, and CSV cells carrying JSON. The formats are written from
the vendors' documented layouts (Bitwarden's export JSON, KeePass 2's XML export, APPNOTE.TXT
for zips, NordPass's CSV header), independently of the readers.

``hostile_exports(scale)`` draws one; ``corpus(seed, count, scale)`` is a seeded list for the
benchmark and the resource-limited test. ``scale`` multiplies every size, so CI runs a short
slice and ``benchmarks/bench_hostile_exports.py`` a long one.
"""

from __future__ import annotations

import io
import random
import zipfile
from collections.abc import Callable
from dataclasses import dataclass

from hypothesis import strategies as st


@dataclass(frozen=True)
class Hostile:
    """One crafted file: the format to read it as, its name and its bytes."""

    shape: str
    format: str
    name: str
    data: bytes

    def __repr__(self) -> str:  # the bytes can be megabytes: keep failure reports short
        return f"Hostile({self.shape!r}, {self.format!r}, {len(self.data):,} bytes)"


def _bitwarden(items: str) -> bytes:
    return ('{"encrypted": false, "folders": [], "items": ' + items + "}").encode()


def _item(name: str, item_id: str = "i1") -> str:
    return (
        '{"id": "' + item_id + '", "type": 1, "name": "' + name + '", '
        '"login": {"username": "u", "password": "p", "uris": []}}'
    )


def json_deep(n: int) -> Hostile:
    """Arrays nested ``n`` deep where the items list should be."""
    return Hostile("json-deep", "bitwarden-json", "deep.json", _bitwarden("[" * n + "]" * n))


def json_wide(n: int) -> Hostile:
    """``n`` empty objects: ~25 bytes of memory per byte of text once parsed."""
    return Hostile("json-wide", "bitwarden-json", "wide.json", _bitwarden("[" + "{}," * n + "{}]"))


def json_big_int(digits: int) -> Hostile:
    """An integer of ``digits`` digits (over 4,300 is beyond ``int()``'s default limit)."""
    item = _item("t").replace('"type": 1', '"type": ' + "9" * digits)
    return Hostile("json-big-int", "bitwarden-json", "int.json", _bitwarden("[" + item + "]"))


def json_surrogates(n: int) -> Hostile:
    """Titles and ids holding lone surrogates, as JSON escapes allow."""
    items = ",".join(_item("\\ud800t" * (i % 3 + 1), f"\\udc{i % 256:02x}-{i}") for i in range(n))
    return Hostile("json-surrogates", "bitwarden-json", "sur.json", _bitwarden("[" + items + "]"))


def json_strings(n: int) -> Hostile:
    """``n`` short distinct strings where items should be (each a new Python object)."""
    body = ",".join(f'"{i:x}"' for i in range(n))
    return Hostile("json-strings", "bitwarden-json", "str.json", _bitwarden("[" + body + "]"))


def _keepass(groups: str) -> bytes:
    return ("<KeePassFile><Root>" + groups + "</Root></KeePassFile>").encode()


_ENTRY = "<Entry><String><Key>Password</Key><Value>x</Value></String></Entry>"


def xml_nested(n: int) -> Hostile:
    """``n`` nested groups with an entry at the bottom (used to cost quadratic time)."""
    body = "<Group><Name>g</Name>" * n + _ENTRY + "</Group>" * n
    return Hostile("xml-nested", "keepass-xml", "nested.xml", _keepass(body))


def xml_nested_entries(n: int) -> Hostile:
    """Nested groups with an entry in every one: folder paths grow with the depth."""
    body = ("<Group><Name>" + "n" * 64 + "</Name>" + _ENTRY) * n + "</Group>" * n
    return Hostile("xml-nested-entries", "keepass-xml", "nested2.xml", _keepass(body))


def xml_dense(n: int) -> Hostile:
    """``n`` empty elements: the most elements per byte XML allows."""
    body = "<Group><Name>g</Name>" + "<a/>" * n + "</Group>"
    return Hostile("xml-dense", "keepass-xml", "dense.xml", _keepass(body))


def xml_encoding(n: int) -> Hostile:
    """A declared encoding expat does not read (unknown, multi-byte or mismatched)."""
    encodings = ("x-unknown-charset", "Shift_JIS", "EUC-JP", "UTF-16", "UTF-32", "cp932")
    declared = encodings[n % len(encodings)]
    head = f'<?xml version="1.0" encoding="{declared}"?>'.encode()
    return Hostile("xml-encoding", "keepass-xml", "enc.xml", head + _keepass(""))


def _zip(members: dict[str, bytes], method: int = zipfile.ZIP_DEFLATED) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", method) as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return buffer.getvalue()


def zip_members(n: int) -> Hostile:
    """A Proton Pass zip with ``n`` empty members beside its data.json."""
    members = {f"Proton Pass/f{i}": b"" for i in range(n)}
    members["Proton Pass/data.json"] = b'{"encrypted": false, "vaults": {}}'
    return Hostile("zip-members", "protonpass-zip", "many.zip", _zip(members, zipfile.ZIP_STORED))


def zip_dense_json(n: int) -> Hostile:
    """A 1PUX whose export.data is ``n`` empty objects: small zip, large parse."""
    data = ('{"accounts": [' + "{}," * n + "{}]}").encode()
    members = {"export.attributes": b"{}", "export.data": data}
    return Hostile("zip-dense-json", "1password-1pux", "dense.1pux", _zip(members))


def zip_corrupt_lzma(n: int) -> Hostile:
    """A 1PUX whose LZMA-compressed export.data is damaged after ``n`` bytes."""
    data = _zip({"export.attributes": b"{}", "export.data": b'{"accounts": []}' * 50}, 14)
    cut = data.index(b"export.data") + len("export.data") + 20 + n % 16
    corrupt = data[:cut] + bytes(b ^ 0x5A for b in data[cut : cut + 8]) + data[cut + 8 :]
    return Hostile("zip-corrupt-lzma", "1password-1pux", "lzma.1pux", corrupt)


_NORDPASS = "name,url,additional_urls,username,password,note,cardholdername,folder,type\r\n"


def csv_json_cell(n: int) -> Hostile:
    """A NordPass row whose ``additional_urls`` JSON cell is deep, wide or a huge number."""
    cells = ("[" * n + "]" * n, "[" + "[]," * n + "[]]", "[" + "9" * (4301 + n) + "]")
    cell = cells[n % 3].replace('"', '""')
    row = f'site,https://a.example,"{cell}",user,pw,,,,password\r\n'
    return Hostile("csv-json-cell", "nordpass-csv", "np.csv", (_NORDPASS + row).encode())


SHAPES: dict[str, Callable[[int], Hostile]] = {
    f.__name__: f
    for f in (
        json_deep,
        json_wide,
        json_big_int,
        json_surrogates,
        json_strings,
        xml_nested,
        xml_nested_entries,
        xml_dense,
        xml_encoding,
        zip_members,
        zip_dense_json,
        zip_corrupt_lzma,
        csv_json_cell,
    )
}
# Sizes grow on a log scale from tiny to ``scale`` times the base, per shape.
_BASE = {"zip_members": 2_000, "json_surrogates": 2_000, "zip_corrupt_lzma": 16}


def hostile_exports(scale: int = 1) -> st.SearchStrategy[Hostile]:
    """One hostile export of any shape, its size drawn up to ``scale`` x 20,000 units."""

    @st.composite
    def draw(draw_: st.DrawFn) -> Hostile:
        name = draw_(st.sampled_from(sorted(SHAPES)))
        top = _BASE.get(name, 20_000) * scale
        size = draw_(st.integers(0, top.bit_length()).map(lambda b: min(top, 2**b)))
        return SHAPES[name](size)

    return draw()


def corpus(seed: int, count: int, scale: int) -> list[Hostile]:
    """A reproducible list of hostile exports (every shape, sizes up to ``scale`` x base)."""
    rng = random.Random(seed)
    out = []
    for index in range(count):
        name = sorted(SHAPES)[index % len(SHAPES)]
        top = _BASE.get(name, 20_000) * scale
        out.append(SHAPES[name](min(top, 2 ** rng.randint(0, top.bit_length()))))
    return out

"""Near-reuse: passwords that are different strings but one small step apart, and which step.

People rotate ``Summer2023!`` to ``Summer2024!`` or put the site's name into one base password.
An attacker who has one of them tries the other next, so the audit reports such pairs and says
*what* makes them similar, never *which characters*: the explanation is a tuple of transform
names (:data:`Transform`), so nothing about the passwords leaves this module.

How a password is reduced to its *base*: case-fold it, remove the site names of its items,
split off the leading and trailing runs of non-letters (the affixes people bump), and undo
look-alike substitutions (``@`` -> ``a``, ``0`` -> ``o``, ...; the likeliest reading in
:mod:`~pwhygiene._audit.lookalike`) in what remains. Two passwords
are similar when their bases are equal (possibly after removing each item's own site
names), or differ by one edit when the base has at least :data:`MIN_EDIT_BASE` letters.

Candidates are found by hashing bases and their one-deletion neighbourhoods, so the work is
near linear in the number of distinct passwords, not quadratic.
"""

from __future__ import annotations

from array import array
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Literal, TypeAlias

import numpy as np
import numpy.typing as npt

from pwhygiene._audit.lookalike import DE_LEET

Transform: TypeAlias = Literal["case", "leet", "prefix", "suffix", "site_name", "edit"]

DESCRIPTIONS: dict[Transform, str] = {
    "case": "letter case changed",
    "leet": "letters swapped for look-alike digits or symbols",
    "prefix": "digits or symbols at the start changed",
    "suffix": "digits or symbols at the end changed",
    "site_name": "a site name inserted into the same base",
    "edit": "one character changed in the same base",
}

MIN_BASE = 4
MIN_EDIT_BASE = 6
MAX_BUCKET = 200  # beyond this, link members to the bucket's first member only
_BLOCK = 65_536  # candidates turned into Python ints at a time


@dataclass(frozen=True, slots=True, repr=False)
class Shape:
    """A password taken apart: affixes, case-folded core and de-leeted base (all secret)."""

    folded: str
    prefix: str
    core: str
    suffix: str
    base: str
    letters: str  # the letters of the whole password, leet undone, case kept


def shape(password: str, site_names: Sequence[str] = ()) -> Shape:
    """Take ``password`` apart as described in the module docstring."""
    folded = password.casefold()
    stripped = folded
    for name in site_names:
        if len(name) >= 3:
            stripped = stripped.replace(name, "")
    start = 0
    while start < len(stripped) and not stripped[start].isalpha():
        start += 1
    end = len(stripped)
    while end > start and not stripped[end - 1].isalpha():
        end -= 1
    core = stripped[start:end]
    letters = "".join(c for c in password.translate(DE_LEET) if c.isalpha())
    return Shape(folded, stripped[:start], core, stripped[end:], core.translate(DE_LEET), letters)


def _within_one_edit(a: str, b: str) -> bool:
    """Levenshtein distance of at most one, in linear time."""
    if abs(len(a) - len(b)) > 1:
        return False
    if len(a) > len(b):
        a, b = b, a
    i = 0
    while i < len(a) and a[i] == b[i]:
        i += 1
    if len(a) == len(b):
        return a[i + 1 :] == b[i + 1 :]
    return a[i:] == b[i + 1 :]


def explain(
    a: str, b: str, sites_a: Sequence[str] = (), sites_b: Sequence[str] = ()
) -> tuple[Transform, ...] | None:
    """Why ``a`` and ``b`` are near-reuse (transforms, in a fixed order), or ``None``.

    Equal passwords are exact reuse, not similarity, and return ``None``.
    """
    if a == b:
        return None
    return _explain(_shapes(a, sites_a), _shapes(b, sites_b))


def _shapes(password: str, sites: Sequence[str]) -> tuple[Shape, Shape]:
    """The plain shape and the shape with the item's own site names removed."""
    plain = shape(password)
    return plain, (shape(password, sites) if sites else plain)


def _explain(a: tuple[Shape, Shape], b: tuple[Shape, Shape]) -> tuple[Transform, ...] | None:
    """:func:`explain` for two *different* passwords, from their precomputed shapes."""
    (pa, sa), (pb, sb) = a, b
    if pa.folded == pb.folded:
        return ("case",)
    plain = _compare(pa, pb)
    if plain is not None:
        return plain
    if sa.base != pa.base or sb.base != pb.base:
        sited = _compare(sa, sb)
        if sited is not None:
            return ("site_name", *(t for t in sited if t != "edit"))
    return None


def _compare(sa: Shape, sb: Shape) -> tuple[Transform, ...] | None:
    if len(sa.base) < MIN_BASE or len(sb.base) < MIN_BASE:
        return None
    found: list[Transform] = []
    if sa.base == sb.base:
        if sa.core != sb.core:
            found.append("leet")
    elif min(len(sa.base), len(sb.base)) >= MIN_EDIT_BASE and _within_one_edit(sa.base, sb.base):
        found.append("edit")
    else:
        return None
    if sa.letters != sb.letters and sa.letters.casefold() == sb.letters.casefold():
        found.insert(0, "case")
    if sa.prefix != sb.prefix:
        found.append("prefix")
    if sa.suffix != sb.suffix:
        found.append("suffix")
    return tuple(found)


def _keys(sh: Shape) -> list[str]:
    if len(sh.base) < MIN_BASE:
        return []
    keys = ["=" + sh.base]
    if len(sh.base) >= MIN_EDIT_BASE - 1:
        keys.append("~" + sh.base)
        keys.extend("~" + sh.base[:i] + sh.base[i + 1 :] for i in range(len(sh.base)))
    return keys


@dataclass(frozen=True, slots=True)
class SimilarPair:
    """Indices into the password list given to :func:`similar_pairs`, and why they match."""

    first: int
    second: int
    transforms: tuple[Transform, ...]


def similar_pairs(
    passwords: Sequence[str], site_names: Sequence[Sequence[str]]
) -> list[SimilarPair]:
    """Every similar pair among distinct ``passwords`` (``site_names[i]`` belong to ``i``).

    A 100,000-password vault has about two million blocking keys. Each is kept as one 64-bit
    integer, the key's hash in the high bits and its owner's index in the low bits, in one flat
    array sorted in place: 16 MB, where strings in a dict would take several hundred and a
    sort of hashes beside a separate owner array several copies of both. Truncating the hash
    only risks a collision, which adds a candidate that :func:`explain` then rejects.
    """
    owner_bits = max(1, (len(passwords) - 1).bit_length())
    hash_mask = (1 << (63 - owner_bits)) - 1  # non-negative packed keys: shifts stay exact
    packed = array("q")
    for index, (password, names) in enumerate(zip(passwords, site_names, strict=True)):
        plain, sited = _shapes(password, names)
        keys = set(_keys(plain))
        if sited is not plain:
            keys.update(_keys(sited))
        packed.extend(((hash(key) & hash_mask) << owner_bits) | index for key in keys)
    candidates = _candidates(np.frombuffer(packed, dtype=np.int64), owner_bits, len(passwords))
    del packed
    # A large vault can have hundreds of thousands of pairs: they share one int object per
    # index (divmod makes fresh ones) and one tuple per distinct transform list.
    known: dict[int, tuple[int, tuple[Shape, Shape]]] = {}  # index: (its one int, its shapes)
    shared: dict[tuple[Transform, ...], tuple[Transform, ...]] = {}
    pairs = []
    for start in range(0, len(candidates), _BLOCK):
        for code in candidates[start : start + _BLOCK].tolist():
            i, j = divmod(code, len(passwords))
            for k in (i, j):
                if k not in known:
                    known[k] = (k, _shapes(passwords[k], site_names[k]))
            (i, first), (j, second) = known[i], known[j]
            why = _explain(first, second)
            if why is not None:
                pairs.append(SimilarPair(i, j, shared.setdefault(why, why)))
    return pairs


def _candidates(packed: npt.NDArray[np.int64], owner_bits: int, n: int) -> npt.NDArray[np.int64]:
    """Distinct candidate pairs ``(i, j)``, ``i < j``, coded as ``i * n + j``, sorted.

    Buckets of up to MAX_BUCKET owners give all their pairs, larger ones a star around the
    first owner. A vault with hundreds of variants of one word has millions of candidates:
    as int64 codes they take 8 bytes each, as a set of tuples about a hundred.
    """
    chunks = [np.empty(0, dtype=np.int64)]
    for owners in _runs(packed, owner_bits):
        if len(owners) > MAX_BUCKET:
            chunks.append(owners[0] * n + owners[1:])
        else:
            first, second = np.triu_indices(len(owners), k=1)
            chunks.append(owners[first] * n + owners[second])
    codes = np.concatenate(chunks)
    del chunks
    codes.sort()  # in place; np.unique would sort a copy
    return codes[np.concatenate(([True], codes[1:] != codes[:-1]))] if len(codes) else codes


def _runs(packed: npt.NDArray[np.int64], owner_bits: int) -> Iterator[npt.NDArray[np.int64]]:
    """The owners (sorted, two or more) of every hash shared by several owners.

    Sorts ``packed`` in place; equal hashes then sit side by side, ordered by owner.
    """
    if len(packed) < 2:
        return
    packed.sort()
    hashes = packed >> owner_bits
    shared = np.flatnonzero(hashes[1:] == hashes[:-1])  # k: element k+1 repeats element k
    del hashes
    if not len(shared):
        return
    # Consecutive k form one run: packed[first .. last] share a hash.
    breaks = np.flatnonzero(np.diff(shared) > 1) + 1
    firsts = shared[np.concatenate(([0], breaks))]
    lasts = shared[np.concatenate((breaks - 1, [len(shared) - 1]))] + 1
    low = (1 << owner_bits) - 1
    for first, last in zip(firsts, lasts, strict=True):
        owners = np.unique(packed[first : last + 1] & low)
        if len(owners) > 1:  # a truncated hash may repeat one owner: that is not a pair
            yield owners


def describe(transforms: Sequence[Transform]) -> str:
    """A human phrase for a transform tuple, e.g. ``"letter case changed; ..."``."""
    return "; ".join(DESCRIPTIONS[t] for t in transforms)

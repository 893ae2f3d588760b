"""What is known about the user, as the tokens an attacker who knows them would try.

Both the estimate (zxcvbn's user-input dictionary) and the policy (the NIST "context-specific
words" rule) read user inputs; this module is the one tokeniser they share, and it finds those
tokens in a password, l33t spellings included.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from itertools import islice

from pwhygiene.exceptions import InvalidInput

MIN_TOKEN_LENGTH = 3
"""User-input tokens shorter than this are ignored (``"al"`` would match half the alphabet)."""
MAX_USER_INPUTS = 32
MAX_USER_INPUT_CHARS = 256
MAX_TOKENS = 64
MAX_TOKEN_LENGTH = 64
"""Longer tokens (whole inputs, mostly) could never fit the scored window anyway."""
CONTEXT_WINDOW = 256
"""Normalised characters searched for user-input tokens."""
MOSTLY = 0.5
"""A pattern covering at least this share of the password is what it is "built from"."""


_WORD_SEPARATORS = re.compile(r"[\W_]+")
_RUNS = re.compile(r"\d+|[^\W\d_]+")


def user_tokens(user_inputs: Iterable[str]) -> tuple[str, ...]:
    """The words an attacker who knows the user would try, most specific first.

    Each input is NFKC-normalised and lower-cased and kept whole; an e-mail address adds its
    local part and its domain labels; every part is split on separators and at letter/digit
    boundaries (``alice.wonderland1987`` gives ``alice``, ``wonderland``, ``1987``). Tokens
    shorter than MIN_TOKEN_LENGTH or longer than MAX_TOKEN_LENGTH are dropped. At most
    MAX_USER_INPUTS inputs of MAX_USER_INPUT_CHARS characters each are read, and at most
    MAX_TOKENS tokens kept, so hostile inputs cannot make a check slow.
    """
    if isinstance(user_inputs, (str, bytes)):
        raise InvalidInput(
            "user_inputs must be a sequence of strings, not a single string: "
            "wrap it in a list, e.g. user_inputs=[email]"
        )
    tokens: dict[str, None] = {}
    for position, raw in enumerate(islice(user_inputs, MAX_USER_INPUTS)):
        if not isinstance(raw, str):
            raise InvalidInput(f"user_inputs[{position}] must be a str, not {type(raw).__name__}")
        text = unicodedata.normalize("NFKC", raw[:MAX_USER_INPUT_CHARS]).lower().strip()
        parts = [text]
        local, at, domain = text.rpartition("@")
        if at:
            parts += [local, *domain.split(".")]
        for part in list(parts):
            words = [w for w in _WORD_SEPARATORS.split(part) if w]
            parts += words
            for word in words:
                parts += _RUNS.findall(word)
        for part in parts:
            if MIN_TOKEN_LENGTH <= len(part) <= MAX_TOKEN_LENGTH:
                tokens.setdefault(part, None)
    return tuple(tokens)[:MAX_TOKENS]


@dataclass(frozen=True)
class ContextMatch:
    """How much of a password comes from the user's tokens, and what is left without them."""

    covered: int
    searched: int
    residual: str

    def __repr__(self) -> str:
        return f"ContextMatch(covered={self.covered}, searched={self.searched})"

    @property
    def mostly(self) -> bool:
        """At least half of the searched characters are the user's own tokens."""
        return self.covered > 0 and self.covered >= MOSTLY * self.searched


def match_context(text: str, tokens: Sequence[str]) -> ContextMatch:
    """Find the user's tokens in a normalised password, l33t spellings included.

    ``4l1c3`` matches ``alice``: the password is also read with every l33t symbol replaced by
    its letter, once with ``1``/``|`` as ``i`` and ``7`` as ``t``, once with all three as ``l``.
    Only the first CONTEXT_WINDOW characters are searched (plain substring search, so the cost
    stays linear whatever the inputs); the residual is the password without the found tokens.
    """
    head = text[:CONTEXT_WINDOW]
    lowered = head.lower() if len(head.lower()) == len(head) else head
    if not tokens or not head:
        return ContextMatch(0, len(head), text)
    views = dict.fromkeys([lowered, lowered.translate(_DE_L33T_I), lowered.translate(_DE_L33T_L)])
    covered = bytearray(len(head))
    for token in tokens:
        width = len(token)
        for view in views:
            start = view.find(token)
            while start != -1:
                covered[start : start + width] = b"\x01" * width
                start = view.find(token, start + 1)
        if all(covered):
            break
    residual = (
        "".join(c for c, hit in zip(head, covered, strict=True) if not hit) + text[CONTEXT_WINDOW:]
    )
    return ContextMatch(sum(covered), len(head), residual)


_UNAMBIGUOUS_L33T = {
    "4": "a", "@": "a", "8": "b", "(": "c", "{": "c", "[": "c", "<": "c", "3": "e",
    "6": "g", "9": "g", "!": "i", "0": "o", "$": "s", "5": "s", "+": "t", "%": "x", "2": "z",
}  # fmt: skip
"""zxcvbn's l33t table, inverted, for the symbols that stand for one letter only."""
_DE_L33T_I = str.maketrans({**_UNAMBIGUOUS_L33T, "1": "i", "|": "i", "7": "t"})
_DE_L33T_L = str.maketrans({**_UNAMBIGUOUS_L33T, "1": "l", "|": "l", "7": "l"})

"""Secrets that no honest output can contain, and a detector for every form they could leak in.

A leak test is only as good as its secret: if the secret can occur in fixed message text by
chance, a failure means nothing, and if it is too tame, escapes (``repr``, JSON) hide a leak.
So secrets here are distinctive (a ``S3cr3t-`` marker, 20+ digits, or non-ASCII letters while
every message pwhygiene writes is ASCII), and :class:`Secret` looks for the text itself, its
``repr``/JSON/ASCII escapes, and its full SHA-1 and NTLM digests in either case.
"""

from __future__ import annotations

import json
import string
import traceback
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from hypothesis import strategies as st

from pwhygiene.breach import ntlm_digest, sha1_digest

_ANY = st.characters()  # includes lone surrogates, NUL and controls
_FILE_SAFE = st.characters(codec="utf-8")  # what a UTF-8 export file can hold
_LETTERS = st.characters(
    codec="utf-8", categories=("Lu", "Ll", "Lo"), min_codepoint=0x370
)  # Greek onwards: never ASCII


def _marked(chars: st.SearchStrategy[str]) -> st.SearchStrategy[str]:
    return st.text(chars, max_size=24).map(lambda t: "S3cr3t-" + t)


def secrets(*, file_safe: bool = False) -> st.SearchStrategy[str]:
    """Passwords to hide: marked text, long digit runs, or non-ASCII letters only.

    ``file_safe`` leaves out lone surrogates, which no UTF-8 file can hold.
    """
    chars = _FILE_SAFE if file_safe else _ANY
    return st.one_of(
        _marked(chars),
        st.text(string.digits, min_size=20, max_size=32),
        st.text(_LETTERS, min_size=6, max_size=20),
    )


@dataclass(frozen=True)
class Secret:
    """One generated secret and every spelling of it that would count as a leak."""

    text: str = field(repr=False)

    @property
    def forms(self) -> tuple[str, ...]:
        """The text, its escapes, and its full digests (upper and lower case)."""
        digests = (sha1_digest(self.text), ntlm_digest(self.text))
        escapes = (repr(self.text)[1:-1], json.dumps(self.text)[1:-1], ascii(self.text)[1:-1])
        return tuple(dict.fromkeys((self.text, *escapes, *digests, *(d.lower() for d in digests))))

    @property
    def byte_forms(self) -> tuple[bytes, ...]:
        """What a file holding the secret or its digests would contain."""
        raw = (
            self.text.encode("utf-8", "surrogatepass"),
            self.text.encode("utf-16-le", "surrogatepass"),
        )
        return raw + tuple(f.encode("ascii") for f in self.forms[1:] if f.isascii())

    def found_in(self, output: str | bytes) -> bool:
        """Whether ``output`` shows the secret in any of its forms."""
        if isinstance(output, bytes):
            return any(form in output for form in self.byte_forms)
        return any(form in output for form in self.forms)

    def assert_absent(self, outputs: Iterable[str | bytes], what: str) -> None:
        """Fail naming ``what`` (never the secret: the failure report is output too)."""
        for n, output in enumerate(outputs):
            assert not self.found_in(output), f"the secret leaked into {what} (output #{n})"


def exception_outputs(exc: BaseException) -> Iterator[str | bytes]:
    """Everything an exception shows or carries: message, repr, args, attributes, chain.

    Walks ``__cause__`` and ``__context__``, even a context that ``raise ... from None`` hid
    from tracebacks: it stays reachable (``exc.__context__``) for as long as the error is kept,
    so ``from None`` alone does not make a data-carrying exception safe. The formatted
    traceback is searched too, as are ``UnicodeError.object`` and ``JSONDecodeError.doc``,
    which hold the data that failed.
    """
    yield "".join(traceback.format_exception(exc))
    pending: list[BaseException | None] = [exc]
    seen: set[int] = set()
    while pending:
        current = pending.pop()
        if current is None or id(current) in seen:
            continue
        seen.add(id(current))
        yield str(current)
        yield repr(current)
        values = [*current.args, *getattr(current, "__dict__", {}).values()]
        for attr in ("object", "doc"):
            values.append(getattr(current, attr, None))
        for value in values:
            yield value if isinstance(value, (str, bytes)) else repr(value)
        pending += [current.__cause__, current.__context__]


def files_under(directory: Path) -> Iterator[bytes]:
    """The bytes of every file below ``directory`` and every name in it."""
    for path in sorted(directory.rglob("*")):
        yield str(path.relative_to(directory)).encode("utf-8", "surrogateescape")
        if path.is_file():
            yield path.read_bytes()

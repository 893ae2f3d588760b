"""Renderers: each turns an :class:`~pwhygiene.AuditReport` into text of one format.

They read only the report model, which holds no password or digest, so no renderer can leak
one. Every item-supplied string (titles, usernames, URLs) is escaped for the target format.
Each renderer module is imported when its format is first asked for, so ``json`` output does
not load rich (the table's terminal library) and ``table`` does not load the HTML charts.
"""

from __future__ import annotations

import importlib
from collections.abc import Iterator
from typing import Literal, Protocol, TypeAlias, get_args

from pwhygiene._audit.report import AuditReport
from pwhygiene.exceptions import InvalidInput

OutputFormat: TypeAlias = Literal["table", "json", "html", "markdown", "sarif"]
OUTPUT_FORMATS: tuple[OutputFormat, ...] = get_args(OutputFormat)


class _Renderer(Protocol):
    """What every module of this package provides; ``chunks`` too when it can stream."""

    def render(self, report: AuditReport, /) -> str: ...


def render(report: AuditReport, fmt: OutputFormat) -> str:
    """The report as text in ``fmt``: one of :data:`OUTPUT_FORMATS` (``table`` without colour).

    Raises :class:`~pwhygiene.exceptions.InvalidInput` for any other format name.
    """
    return _renderer(fmt).render(report)


def iter_render(report: AuditReport, fmt: OutputFormat) -> Iterator[str]:
    """The text of :func:`render` in pieces, for writing a large report as it is made.

    ``json`` streams one item at a time, so the whole text never exists at once; the other
    formats come in one piece.
    """
    module = _renderer(fmt)
    streaming = getattr(module, "chunks", None)
    if callable(streaming):
        yield from streaming(report)
    else:
        yield module.render(report)


def _renderer(fmt: str) -> _Renderer:
    if fmt not in OUTPUT_FORMATS:
        raise InvalidInput(
            f"unknown report format {fmt!r}: expected one of {', '.join(OUTPUT_FORMATS)}"
        )
    module: _Renderer = importlib.import_module(f"{__name__}.{fmt}")
    return module

"""Renderers: each turns an :class:`~pwhygiene.AuditReport` into text of one format.

They read only the report model, which holds no password or digest, so no renderer can leak
one. Every item-supplied string (titles, usernames, URLs) is escaped for the target format.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Literal, TypeAlias, get_args

from pwhygiene._audit.render import html, json, markdown, sarif, table
from pwhygiene._audit.report import AuditReport

OutputFormat: TypeAlias = Literal["table", "json", "html", "markdown", "sarif"]
OUTPUT_FORMATS: tuple[OutputFormat, ...] = get_args(OutputFormat)

_RENDERERS: dict[OutputFormat, Callable[[AuditReport], str]] = {
    "table": table.render,
    "json": json.render,
    "html": html.render,
    "markdown": markdown.render,
    "sarif": sarif.render,
}


def render(report: AuditReport, output: OutputFormat) -> str:
    """The report in ``output`` format (``table`` without colour; see ``table.render``)."""
    return _RENDERERS[output](report)

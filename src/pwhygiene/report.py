"""Audit reports: the model every renderer reads, and the renderers' formats.

``pwhygiene.audit`` makes an :class:`AuditReport`; ``pwhygiene.render(report, "html")`` (or any
of :data:`OUTPUT_FORMATS`) turns it into text, and :func:`iter_render` gives the same text in
pieces (``json`` one item at a time) to write a large report without holding all of it.
"""

from typing import TYPE_CHECKING as _TYPE_CHECKING

from pwhygiene._lazy import exports as _exports

if _TYPE_CHECKING:
    from pwhygiene._audit.render import OUTPUT_FORMATS, OutputFormat, iter_render, render
    from pwhygiene._audit.report import SCHEMA_VERSION, AuditReport, CheckName, Finding, Severity

__all__ = [
    "OUTPUT_FORMATS",
    "SCHEMA_VERSION",
    "AuditReport",
    "CheckName",
    "Finding",
    "OutputFormat",
    "Severity",
    "iter_render",
    "render",
]

__getattr__, __dir__ = _exports(
    __name__,
    {
        "OUTPUT_FORMATS": "pwhygiene._audit.render:OUTPUT_FORMATS",
        "SCHEMA_VERSION": "pwhygiene._audit.report:SCHEMA_VERSION",
        "AuditReport": "pwhygiene._audit.report:AuditReport",
        "CheckName": "pwhygiene._audit.report:CheckName",
        "Finding": "pwhygiene._audit.report:Finding",
        "OutputFormat": "pwhygiene._audit.render:OutputFormat",
        "Severity": "pwhygiene._audit.report:Severity",
        "iter_render": "pwhygiene._audit.render:iter_render",
        "render": "pwhygiene._audit.render:render",
    },
)

"""Audit reports: the model every renderer reads, and the renderers' formats.

``pwhygiene.audit`` makes an :class:`AuditReport`; ``pwhygiene.render(report, "html")`` (or any
of :data:`OUTPUT_FORMATS`) turns it into text.
"""

from typing import TYPE_CHECKING as _TYPE_CHECKING

from pwhygiene._lazy import exports as _exports

if _TYPE_CHECKING:
    from pwhygiene._audit.render import OUTPUT_FORMATS, OutputFormat, render
    from pwhygiene._audit.report import AuditReport, CheckName, Finding, Severity

__all__ = [
    "OUTPUT_FORMATS",
    "AuditReport",
    "CheckName",
    "Finding",
    "OutputFormat",
    "Severity",
    "render",
]

__getattr__, __dir__ = _exports(
    __name__,
    {
        "OUTPUT_FORMATS": "pwhygiene._audit.render:OUTPUT_FORMATS",
        "AuditReport": "pwhygiene._audit.report:AuditReport",
        "CheckName": "pwhygiene._audit.report:CheckName",
        "Finding": "pwhygiene._audit.report:Finding",
        "OutputFormat": "pwhygiene._audit.render:OutputFormat",
        "Severity": "pwhygiene._audit.report:Severity",
        "render": "pwhygiene._audit.render:render",
    },
)

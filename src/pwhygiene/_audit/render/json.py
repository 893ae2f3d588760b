"""JSON output: the versioned schema of docs/report-schema.md."""

from __future__ import annotations

from pwhygiene._audit.report import AuditReport


def render(report: AuditReport) -> str:
    """The report as indented JSON text."""
    return report.to_json()

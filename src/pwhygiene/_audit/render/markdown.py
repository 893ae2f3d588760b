"""Markdown output (GitHub-flavoured): for pull requests, issues and wikis.

Item texts are escaped so a title cannot break a table row, inject a link or raw HTML.
"""

from __future__ import annotations

import re

from pwhygiene._audit.report import CHECKS, AuditReport, Severity

_SPECIAL = re.compile(r"([\\`*_\[\]|~])")


def escape(text: str) -> str:
    """Backslash-escape Markdown punctuation, neutralise HTML and keep it on one line."""
    text = "".join(c if c.isprintable() else " " for c in text)
    text = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return _SPECIAL.sub(r"\\\1", text)


def render(report: AuditReport) -> str:
    """The report as a Markdown document."""
    s = report.summary
    lines = [
        "# Vault audit",
        "",
        f"**Score: {s.score}/100** · {s.items_audited} items audited · "
        f"{s.items_with_findings} with findings · {s.items_excluded} excluded · "
        f"{s.suppressed} ignored",
        "",
        f"As of {report.as_of.date().isoformat()} · breach source: {escape(report.breach.label)}",
        "",
        "| Check | Findings |",
        "| --- | ---: |",
        *(f"| `{c}` | {s.by_check[c]} |" for c in CHECKS),
        "",
    ]
    if report.warnings:
        lines += ["## Warnings", "", *(f"- {escape(w)}" for w in report.warnings), ""]
    findings = report.findings
    lines += ["## Findings", ""]
    if not findings:
        lines += ["No findings.", ""]
    else:
        items = {i.id: i for i in report.items}
        lines += [
            "| Severity | Check | Item | Username | Finding |",
            "| --- | --- | --- | --- | --- |",
        ]
        for f in findings:
            item = items[f.item_id]
            mark = "**" if f.severity >= Severity.HIGH else ""
            lines.append(
                f"| {mark}{f.severity.value}{mark} | `{f.check}` | {escape(item.title or item.id)} "
                f"| {escape(item.username or '')} | {escape(f.message)} |"
            )
        lines.append("")
    if report.reuse_groups:
        lines += ["## Reused passwords", ""]
        for g in report.reuse_groups:
            names = ", ".join(escape(_title(report, i)) for i in g.item_ids)
            mail = " (includes an e-mail account)" if g.includes_email_account else ""
            lines.append(f"- Group {g.group}: {len(g.item_ids)} items{mail}: {names}")
        lines.append("")
    return "\n".join(lines).rstrip("\n") + "\n"


def _title(report: AuditReport, item_id: str) -> str:
    try:
        return report.item(item_id).title or item_id
    except KeyError:
        return item_id

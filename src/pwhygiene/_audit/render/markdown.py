"""Markdown output (GitHub-flavoured): for pull requests, issues and wikis.

Item texts are escaped so a title cannot break a table row, inject a link or raw HTML.
"""

from __future__ import annotations

import re

from pwhygiene._audit.report import CHECKS, AuditReport, CheckName, Severity

TOP_ACTIONS = 5

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
        *_top_actions(report),
        "| Check | Findings |",
        "| --- | ---: |",
        *(f"| `{c}` | {_count(report, c)} |" for c in CHECKS),
        "",
    ]
    if report.checks_not_run:
        lines += ["## Checks not run", ""]
        lines += [f"- `{c}`: {escape(why)}" for c, why in report.checks_not_run.items()]
        lines.append("")
    if report.warnings:
        lines += ["## Warnings", "", *(f"- {escape(w)}" for w in report.warnings), ""]
    findings = report.findings
    lines += ["## Findings", ""]
    if not findings:
        lines += [_none_found(report), ""]
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
    lines += _data_sets(report)
    return "\n".join(lines).rstrip("\n") + "\n"


def _count(report: AuditReport, check: CheckName) -> str:
    """A check's finding count, or "not run": a check without its data found nothing."""
    return "not run" if check in report.checks_not_run else str(report.summary.by_check[check])


def _none_found(report: AuditReport) -> str:
    """The "No findings" line, unless some checks did not run: then it says so."""
    if not report.checks_not_run:
        return "No findings."
    skipped = ", ".join(f"`{c}`" for c in report.checks_not_run)
    return f"No findings from the checks that ran; not run: {skipped} (see above)."


def _top_actions(report: AuditReport) -> list[str]:
    """Do these first: the first actions of the fix-first plan, each with its why."""
    if not report.actions:
        return []
    lines = ["## Do these first", ""]
    for action in report.actions[:TOP_ACTIONS]:
        lines.append(
            f"{action.rank}. **{escape(action.title)}** ({action.severity.value}): "
            f"{escape(action.why)}"
        )
    more = len(report.actions) - TOP_ACTIONS
    if more > 0:
        lines += ["", f"{more} more actions in the JSON report (`actions`)."]
    return [*lines, ""]


def _data_sets(report: AuditReport) -> list[str]:
    """The footer: each data set used, its date and the attribution its licence asks for."""
    if not report.data_sets:
        return []
    lines = ["## Data sets", ""]
    for d in report.data_sets:
        lines.append(
            f"- {escape(d.title)} (`{escape(d.name)}`), fetched {escape(d.fetched[:10])}, "
            f"{d.entries} entries, {escape(d.licence)}: {escape(d.attribution)}"
        )
    return [*lines, ""]


def _title(report: AuditReport, item_id: str) -> str:
    try:
        return report.item(item_id).title or item_id
    except KeyError:
        return item_id

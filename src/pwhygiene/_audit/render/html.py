"""One self-contained HTML page: score, charts (inline SVG), findings and every item.

No script, no external resource: a Content-Security-Policy forbids fetching anything, so the
file can be mailed or archived and opened offline. Every string from the vault is escaped.
"""

from __future__ import annotations

from html import escape

from pwhygiene._audit.render import svg
from pwhygiene._audit.report import (
    CHECKS,
    DEFAULT_SEVERITY,
    SCHEMA_VERSION,
    AuditReport,
    ItemResult,
    Severity,
)
from pwhygiene._version import __version__

STRENGTH_COLORS = ("#b91c1c", "#ea580c", "#ca8a04", "#65a30d", "#15803d")
SEVERITY_COLORS = {
    Severity.CRITICAL: "#991b1b",
    Severity.HIGH: "#dc2626",
    Severity.MEDIUM: "#d97706",
    Severity.LOW: "#0891b2",
    Severity.INFO: "#6b7280",
}
TOP_ACTIONS = 5
AGE_BUCKETS = (("< 1 y", 0, 365), ("1-2 y", 365, 730), ("2-3 y", 730, 1095), ("3-5 y", 1095, 1826))

CSS = """
:root{--fg:#111827;--muted:#6b7280;--bg:#f3f4f6;--card:#fff;--line:#e5e7eb}
*{box-sizing:border-box}body{margin:0;font:15px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,
sans-serif;color:var(--fg);background:var(--bg)}main{max-width:1180px;margin:0 auto;padding:28px}
header{display:flex;gap:28px;align-items:center;background:var(--card);border-radius:14px;
padding:22px 28px;box-shadow:0 1px 3px #0001}h1{margin:0 0 4px;font-size:26px}h2{font-size:17px;
margin:0 0 12px}.muted{color:var(--muted)}.cards{display:grid;grid-template-columns:repeat(4,1fr);
gap:14px;margin:18px 0}.card{background:var(--card);border-radius:12px;padding:14px 18px;
box-shadow:0 1px 3px #0001}.card b{display:block;font-size:26px}.grid{display:grid;
grid-template-columns:1fr 1fr;gap:18px}.panel{background:var(--card);border-radius:12px;
padding:18px 20px;box-shadow:0 1px 3px #0001;margin-bottom:18px;overflow-x:auto}
svg.chart{width:100%;height:auto}svg .axis{stroke:#9ca3af}svg .lbl{font-size:12px;fill:#374151}
svg .val{font-size:12px;fill:#111827;font-weight:600}svg .bub{font-size:12px;fill:#fff;
font-weight:700}.gauge-num{font-size:40px;font-weight:700;fill:#111827}.gauge-sub{font-size:12px;
fill:#6b7280}table{border-collapse:collapse;width:100%;font-size:14px}th,td{text-align:left;
padding:7px 10px;border-bottom:1px solid var(--line);vertical-align:top}th{font-size:12px;
text-transform:uppercase;letter-spacing:.04em;color:var(--muted)}td.msg{max-width:520px}
.pill{display:inline-block;padding:1px 9px;border-radius:999px;color:#fff;font-size:12px;
font-weight:600}code{background:#f3f4f6;padding:1px 5px;border-radius:4px;font-size:13px}
.warn{background:#fffbeb;border:1px solid #fcd34d;border-radius:10px;padding:10px 16px;
margin-bottom:18px}.ok{color:#15803d;font-weight:600}details summary{cursor:pointer;font-weight:600}
footer{color:var(--muted);font-size:12px;text-align:center;margin:24px 0}
.grid{margin-bottom:18px}.grid .panel{margin-bottom:0}
@media (max-width:800px){.grid,.cards{grid-template-columns:1fr}}
"""


def _e(text: object) -> str:
    return escape(str(text), quote=True)


def _score_color(score: int) -> str:
    return "#16a34a" if score >= 80 else "#d97706" if score >= 50 else "#dc2626"


def _pill(severity: Severity) -> str:
    color = SEVERITY_COLORS[severity]
    return f'<span class="pill" style="background:{color}">{_e(severity.value)}</span>'


def _charts(report: AuditReport) -> str:
    items = report.items
    strength = [
        (str(n), sum(1 for i in items if i.strength and i.strength.score == n), STRENGTH_COLORS[n])
        for n in range(5)
    ]
    per_check = [
        (c, report.summary.by_check[c], SEVERITY_COLORS[DEFAULT_SEVERITY[c]])
        for c in CHECKS
        if c not in report.checks_not_run  # no bar of 0 for a check that could not run
    ]
    ages = [
        (
            name,
            sum(
                1
                for i in items
                if i.password_age_days is not None and lo <= i.password_age_days < hi
            ),
            color,
        )
        for (name, lo, hi), color in zip(
            AGE_BUCKETS, ("#16a34a", "#65a30d", "#ca8a04", "#ea580c"), strict=True
        )
    ]
    ages.append(("≥ 5 y", sum(1 for i in items if (i.password_age_days or 0) >= 1826), "#dc2626"))
    ages.append(("unknown", sum(1 for i in items if i.password_age_days is None), "#9ca3af"))
    groups = [
        (f"group {g.group}: {len(g.item_ids)} items", len(g.item_ids), g.includes_email_account)
        for g in report.reuse_groups
    ]
    panels = (
        ("Strength distribution (zxcvbn score)", svg.columns(strength, label="strength")),
        ("Findings per check", svg.rows(per_check, label="findings per check")),
        ("Password age", svg.columns(ages, label="password age")),
        ("Reuse clusters (red: includes an e-mail account)", svg.bubbles(groups, label="reuse")),
    )
    return (
        '<div class="grid">'
        + "".join(
            f'<section class="panel"><h2>{_e(title)}</h2>{chart}</section>'
            for title, chart in panels
        )
        + "</div>"
    )


def _findings(report: AuditReport) -> str:
    findings = report.findings
    if not findings:
        if report.checks_not_run:
            text = "No findings from the checks that ran; some checks did not run (see above)."
            return f'<section class="panel"><h2>Findings</h2><p>{_e(text)}</p></section>'
        return '<section class="panel"><h2>Findings</h2><p class="ok">No findings.</p></section>'
    items = {i.id: i for i in report.items}
    rows = "".join(
        f"<tr><td>{_pill(f.severity)}</td><td><code>{_e(f.check)}</code></td>"
        f"<td>{_e(items[f.item_id].title or f.item_id)}</td>"
        f'<td>{_e(items[f.item_id].username or "")}</td><td class="msg">{_e(f.message)}</td></tr>'
        for f in findings
    )
    return (
        f'<section class="panel" id="findings"><h2>Findings ({len(findings)})</h2><table>'
        "<thead><tr><th>Severity</th><th>Check</th><th>Item</th><th>Username</th>"
        f"<th>Finding</th></tr></thead><tbody>{rows}</tbody></table></section>"
    )


def _top_actions(report: AuditReport) -> str:
    """Do these first: the first actions of the fix-first plan, each with its why."""
    if not report.actions:
        return ""
    rows = "".join(
        f'<li value="{a.rank}">{_pill(a.severity)} <b>{_e(a.title)}</b>'
        f'<div class="muted">{_e(a.why)}</div></li>'
        for a in report.actions[:TOP_ACTIONS]
    )
    more = len(report.actions) - TOP_ACTIONS
    tail = f'<p class="muted">{more} more in the JSON report.</p>' if more > 0 else ""
    return (
        f'<section class="panel" id="plan"><h2>Do these first</h2><ol>{rows}</ol>{tail}</section>'
    )


def _not_run(report: AuditReport) -> str:
    """The checks that did not run and why: their silence is not a clean bill."""
    if not report.checks_not_run:
        return ""
    rows = "".join(
        f"<li><code>{_e(c)}</code>: {_e(why)}</li>" for c, why in report.checks_not_run.items()
    )
    return f'<div class="warn" id="not-run"><b>Checks not run</b><ul>{rows}</ul></div>'


def _suppressed(report: AuditReport) -> str:
    """The findings the ignore file waived, in their own section, each with reason and expiry."""
    if not report.suppressed:
        return ""
    titles = {i.id: i.title or i.id for i in report.items}
    rows = "".join(
        f"<tr><td>{_e(titles.get(w.finding.item_id, w.finding.item_id))}</td>"
        f"<td><code>{_e(w.finding.check)}</code></td><td>{_pill(w.finding.severity)}</td>"
        f"<td>{_e(w.reason)}</td><td>{_e(w.expires or 'never')}</td></tr>"
        for w in report.suppressed
    )
    return (
        f'<section class="panel" id="suppressed"><h2>Ignored ({len(report.suppressed)})</h2>'
        "<table><thead><tr><th>Item</th><th>Check</th><th>Severity</th><th>Reason</th>"
        f"<th>Expires</th></tr></thead><tbody>{rows}</tbody></table></section>"
    )


def _data_sets(report: AuditReport) -> str:
    """Footer lines naming each data set used, its date and its attribution."""
    return "".join(
        f"<br>{_e(d.title)}: fetched {_e(d.fetched[:10])}, {d.entries} entries, "
        f"{_e(d.licence)}; {_e(d.attribution)}"
        for d in report.data_sets
    )


def _item_row(item: ItemResult) -> str:
    score = "-" if item.strength is None else f"{item.strength.score}/4"
    breach = {
        "breached": f"breached ({item.breach_count:,})" if item.breach_count else "breached",
        "blocklisted": "common password (blocklist)",
        "clean": "not found",
        "unknown": "unknown",
        "not_checked": "not checked",
    }[item.breach_status]
    age = "unknown" if item.password_age_days is None else f"{item.password_age_days} d"
    checks = ", ".join(sorted({f.check for f in item.findings})) or "—"
    urls = "<br>".join(_e(u) for u in item.urls[:3])
    return (
        f"<tr><td>{_e(item.title)}</td><td>{_e(item.username or '')}</td><td>{urls}</td>"
        f"<td>{score}</td><td>{_e(breach)}</td><td>{_e(age)}</td><td>{_e(checks)}</td></tr>"
    )


def render(report: AuditReport) -> str:
    """The report as one HTML document."""
    s = report.summary
    severe = s.by_severity[Severity.CRITICAL] + s.by_severity[Severity.HIGH]
    warnings = "".join(f"<li>{_e(w)}</li>" for w in report.warnings)
    source = _e(report.source_path or report.source_format)
    items = "".join(_item_row(i) for i in report.items)
    as_of = _e(report.as_of.date().isoformat())
    return f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'">
<meta name="viewport" content="width=device-width,initial-scale=1">
<meta name="referrer" content="no-referrer">
<title>Vault health report · pwhygiene</title><style>{CSS}</style></head>
<body><main>
<header id="summary">{svg.gauge(s.score, _score_color(s.score))}<div>
<h1>Vault health report</h1>
<div class="muted">{source} · {_e(report.source_format)} · as of {as_of}</div>
<div class="muted">Breach source: {_e(report.breach.label)}</div></div></header>
<div class="cards">
<div class="card"><b>{s.items_audited}</b>items audited</div>
<div class="card"><b>{s.items_with_findings}</b>items with findings</div>
<div class="card"><b>{severe}</b>critical or high findings</div>
<div class="card"><b>{len(report.reuse_groups)}</b>reused passwords</div></div>
{_top_actions(report)}
{_not_run(report)}
{f'<div class="warn"><b>Warnings</b><ul>{warnings}</ul></div>' if warnings else ""}
{_charts(report)}
{_findings(report)}
{_suppressed(report)}
<section class="panel"><details><summary>All items ({s.items_audited})</summary><table>
<thead><tr><th>Item</th><th>Username</th><th>URLs</th><th>Strength</th><th>Breach</th>
<th>Age</th><th>Checks</th></tr></thead><tbody>{items}</tbody></table></details></section>
<footer>pwhygiene {_e(__version__)} · report schema {SCHEMA_VERSION} ·
no password or hash is stored in this file{_data_sets(report)}</footer>
</main></body></html>
"""

"""Terminal output with rich: a summary line, a findings table, then warnings.

Item texts go in as :class:`rich.text.Text`, never as markup, so a title like ``[bold]`` or an
ANSI escape sequence is shown literally instead of styling (or hijacking) the terminal.
"""

from __future__ import annotations

import io

from rich.console import Console, Group, RenderableType
from rich.table import Table
from rich.text import Text

from pwhygiene._audit.report import CHECKS, AuditReport, Severity

MAX_ROWS = 200
TOP_ACTIONS = 5

SEVERITY_STYLE = {
    Severity.CRITICAL: "bold white on red",
    Severity.HIGH: "bold red",
    Severity.MEDIUM: "yellow",
    Severity.LOW: "cyan",
    Severity.INFO: "dim",
}


def score_style(score: int) -> str:
    """Green when healthy, yellow in between, red when poor."""
    return "bold green" if score >= 80 else "bold yellow" if score >= 50 else "bold red"


def _clean(text: str) -> Text:
    """Item text with control characters made visible (no terminal escapes get through)."""
    return Text("".join(c if c.isprintable() else "\N{REPLACEMENT CHARACTER}" for c in text))


def _item_cell(title: str, username: str | None) -> Text:
    cell = _clean(title)
    if username:
        cell.append("\n")
        cell.append_text(_clean(username))
        cell.stylize("dim", len(title) + 1)
    return cell


def renderable(report: AuditReport, *, max_rows: int = MAX_ROWS) -> RenderableType:
    """The whole report as one rich renderable (the CLI prints it to a console).

    The table lists the ``max_rows`` most severe findings: a terminal table of thousands of
    rows helps nobody (and takes rich seconds to lay out); the other formats list everything.
    """
    s = report.summary
    head = Text.assemble(
        ("Vault health ", "bold"),
        (f"{s.score}/100", score_style(s.score)),
        f"  ·  {s.items_audited} items audited, {s.items_with_findings} with findings",
        f", {s.items_excluded} excluded" if s.items_excluded else "",
        f", {s.suppressed} findings ignored" if s.suppressed else "",
    )
    counts = Text("  ".join(f"{c}: {s.by_check[c]}" for c in CHECKS if s.by_check[c]) or "")
    breach = Text(f"Breach source: {report.breach.label}", style="dim")
    parts: list[RenderableType] = [head, counts, breach]
    parts.extend(_top_actions(report))
    parts.extend(
        Text(f"not run: {c}: {_printable((why,))[0]}", style="bold yellow")
        for c, why in report.checks_not_run.items()
    )
    findings = report.findings
    if findings:
        shown = findings[:max_rows]
        titles = {i.id: i for i in report.items}
        table = Table(show_lines=False, header_style="bold", expand=True)
        table.add_column("Severity", no_wrap=True)
        table.add_column("Check", no_wrap=True)
        table.add_column("Item", overflow="fold", max_width=30)
        table.add_column("Finding", overflow="fold", ratio=1)
        for f in shown:
            item = titles[f.item_id]
            table.add_row(
                Text(f.severity.value, style=SEVERITY_STYLE[f.severity]),
                Text(f.check),
                _item_cell(item.title or item.id, item.username),
                _clean(f.message),
            )
        parts.append(table)
        if len(findings) > len(shown):
            parts.append(
                Text(
                    f"… and {len(findings) - len(shown)} more findings of lower or equal "
                    "severity; use --output html or json for all of them",
                    style="bold",
                )
            )
    else:
        parts.append(
            Text("No findings.", style="bold green")
            if not report.checks_not_run
            else Text("No findings from the checks that ran (some did not run).", style="bold")
        )
    parts.extend(Text(f"warning: {w}", style="yellow") for w in _printable(report.warnings))
    return Group(*parts)


def _top_actions(report: AuditReport) -> list[RenderableType]:
    """The first actions of the fix-first plan, numbered, each with its why."""
    if not report.actions:
        return []
    lines: list[RenderableType] = [Text("Do these first:", style="bold")]
    for action in report.actions[:TOP_ACTIONS]:
        line = Text(f"{action.rank}. ")
        line.append_text(_clean(action.title))
        line.append(f" ({action.severity.value}): {action.why}", style="dim")
        lines.append(line)
    return lines


def _printable(lines: tuple[str, ...]) -> list[str]:
    return [
        "".join(c if c.isprintable() else "\N{REPLACEMENT CHARACTER}" for c in w) for w in lines
    ]


def render(report: AuditReport, *, color: bool = False, width: int = 120) -> str:
    """The table as text; ANSI colour only when ``color`` (the CLI passes "stdout is a TTY")."""
    buffer = io.StringIO()
    console = Console(
        file=buffer,
        force_terminal=color,
        color_system="standard" if color else None,
        no_color=not color,
        width=width,
        highlight=False,
        emoji=False,
    )
    console.print(renderable(report))
    return buffer.getvalue()

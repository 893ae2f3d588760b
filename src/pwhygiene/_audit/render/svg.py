"""Tiny inline-SVG charts for the HTML report: no script, no network, every label escaped."""

from __future__ import annotations

import math
from collections.abc import Sequence
from html import escape


def _e(text: object) -> str:
    return escape(str(text), quote=True)


def gauge(score: int, color: str, size: int = 160) -> str:
    """A ring filled to ``score`` percent with the number in the middle."""
    r = size / 2 - 12
    c = size / 2
    length = 2 * math.pi * r
    filled = length * max(0, min(100, score)) / 100
    return (
        f'<svg class="gauge" role="img" aria-label="score {score} of 100" viewBox="0 0 {size} '
        f'{size}" width="{size}" height="{size}">'
        f'<circle cx="{c}" cy="{c}" r="{r:.1f}" fill="none" stroke="#e5e7eb" stroke-width="14"/>'
        f'<circle cx="{c}" cy="{c}" r="{r:.1f}" fill="none" stroke="{color}" stroke-width="14" '
        f'stroke-linecap="round" stroke-dasharray="{filled:.1f} {length:.1f}" '
        f'transform="rotate(-90 {c} {c})"/>'
        f'<text x="{c}" y="{c + 4}" text-anchor="middle" class="gauge-num">{score}</text>'
        f'<text x="{c}" y="{c + 26}" text-anchor="middle" class="gauge-sub">of 100</text></svg>'
    )


def columns(
    bars: Sequence[tuple[str, int, str]], *, label: str, width: int = 520, height: int = 220
) -> str:
    """Vertical bars ``(label, value, colour)`` with values on top and labels below."""
    top, bottom, side = 24, 36, 12
    peak = max((v for _, v, _ in bars), default=0) or 1
    slot = (width - 2 * side) / max(1, len(bars))
    bar_w = slot * 0.62
    inner = height - top - bottom
    parts = [
        f'<svg class="chart" role="img" aria-label="{_e(label)}" viewBox="0 0 {width} {height}" '
        f'preserveAspectRatio="xMidYMid meet">',
        f'<line x1="{side}" y1="{top + inner}" x2="{width - side}" y2="{top + inner}" '
        'class="axis"/>',
    ]
    for n, (name, value, color) in enumerate(bars):
        h = inner * value / peak
        x = side + n * slot + (slot - bar_w) / 2
        y = top + inner - h
        mid = x + bar_w / 2
        parts.append(
            f'<rect x="{x:.1f}" y="{y:.1f}" width="{bar_w:.1f}" height="{max(h, 0):.1f}" rx="4" '
            f'fill="{color}"><title>{_e(name)}: {value}</title></rect>'
            f'<text x="{mid:.1f}" y="{y - 6:.1f}" text-anchor="middle" class="val">{value}</text>'
            f'<text x="{mid:.1f}" y="{height - 14}" text-anchor="middle" class="lbl">{_e(name)}'
            "</text>"
        )
    parts.append("</svg>")
    return "".join(parts)


def rows(
    bars: Sequence[tuple[str, int, str]], *, label: str, width: int = 520, row_h: int = 24
) -> str:
    """Horizontal bars ``(label, value, colour)``, one row each, value at the bar's end."""
    label_w, pad = 130, 8
    height = pad * 2 + row_h * len(bars)
    peak = max((v for _, v, _ in bars), default=0) or 1
    span = width - label_w - 50
    parts = [
        f'<svg class="chart" role="img" aria-label="{_e(label)}" viewBox="0 0 {width} {height}" '
        'preserveAspectRatio="xMidYMid meet">'
    ]
    for n, (name, value, color) in enumerate(bars):
        y = pad + n * row_h
        w = span * value / peak
        parts.append(
            f'<text x="{label_w - 8}" y="{y + row_h * 0.66:.1f}" text-anchor="end" class="lbl">'
            f"{_e(name)}</text>"
            f'<rect x="{label_w}" y="{y + 4}" width="{max(w, 1.5):.1f}" height="{row_h - 8}" '
            f'rx="3" fill="{color if value else "#d1d5db"}"><title>{_e(name)}: {value}</title>'
            "</rect>"
            f'<text x="{label_w + w + 6:.1f}" y="{y + row_h * 0.66:.1f}" class="val">{value}</text>'
        )
    parts.append("</svg>")
    return "".join(parts)


def bubbles(
    groups: Sequence[tuple[str, int, bool]], *, label: str, width: int = 520, height: int = 220
) -> str:
    """One circle per reuse group, area proportional to its size; red when e-mail is in it."""
    if not groups:
        return (
            f'<svg class="chart" role="img" aria-label="{_e(label)}" viewBox="0 0 {width} 60">'
            f'<text x="{width / 2}" y="34" text-anchor="middle" class="lbl">'
            "No reused passwords</text></svg>"
        )
    shown = sorted(groups, key=lambda g: -g[1])[:24]
    unit = min(26.0, (width - 20) / (2.2 * sum(math.sqrt(s) for _, s, _ in shown[:8]) or 1))
    parts = [
        f'<svg class="chart" role="img" aria-label="{_e(label)}" viewBox="0 0 {width} {height}" '
        'preserveAspectRatio="xMidYMid meet">'
    ]
    x, y, row_h = 10.0, 10.0, 0.0
    for name, size, mail in shown:
        r = unit * math.sqrt(size)
        if x + 2 * r > width - 10:
            x, y, row_h = 10.0, y + row_h + 8, 0.0
        if y + 2 * r > height - 4:
            break
        color = "#dc2626" if mail else "#f59e0b"
        parts.append(
            f'<circle cx="{x + r:.1f}" cy="{y + r:.1f}" r="{r:.1f}" fill="{color}" '
            f'fill-opacity="0.85"><title>{_e(name)}</title></circle>'
            f'<text x="{x + r:.1f}" y="{y + r + 4:.1f}" text-anchor="middle" class="bub">'
            f"{size}</text>"
        )
        x += 2 * r + 8
        row_h = max(row_h, 2 * r)
    parts.append("</svg>")
    return "".join(parts)

"""Bar charts as inline SVG, drawn on the server: no script, no chart library, no CDN.

Plain Python (no Django): the figures go in, a string of SVG comes out. Every label and
number is escaped; the chart carries a <title> and each bar its figure as text, and the page
shows the same figures in a table for screen readers and text browsers.
"""

from collections.abc import Sequence
from html import escape

BAR_HEIGHT = 22
GAP = 8
LABEL_WIDTH = 230
BAR_WIDTH = 300
FIGURE_WIDTH = 70
WIDTH = LABEL_WIDTH + BAR_WIDTH + FIGURE_WIDTH
COLOURS = ("#1f5fa8", "#2e8540", "#b26b00", "#8a3ab9", "#c2362f", "#4a6076")


def _clip(text: str, limit: int = 16) -> str:
    """Labels longer than the label column end in an ellipsis; the table has them whole."""
    return text if len(text) <= limit else text[: limit - 1] + "…"


def bar_chart(title: str, bars: Sequence[tuple[str, int]]) -> str:
    """A horizontal bar chart of (label, value); the bars scale to the largest value."""
    height = max(1, len(bars)) * (BAR_HEIGHT + GAP) + GAP
    top = max((value for _label, value in bars), default=0)
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart" role="img" '
        f'viewBox="0 0 {WIDTH} {height}" width="100%" preserveAspectRatio="xMinYMin meet">',
        f"<title>{escape(title)}</title>",
    ]
    if not bars:
        parts.append(f'<text x="0" y="{BAR_HEIGHT}" font-size="14" fill="#555">暂无数据</text>')
    for index, (label, value) in enumerate(bars):
        y = GAP + index * (BAR_HEIGHT + GAP)
        width = round(BAR_WIDTH * value / top) if top else 0
        colour = COLOURS[index % len(COLOURS)]
        middle = y + BAR_HEIGHT * 0.7
        parts.append(
            f'<text x="{LABEL_WIDTH - 6}" y="{middle:.1f}" font-size="14" text-anchor="end" '
            f'fill="#222">{escape(_clip(label))}</text>'
        )
        parts.append(
            f'<rect x="{LABEL_WIDTH}" y="{y}" width="{max(width, 1)}" height="{BAR_HEIGHT}" '
            f'fill="{colour}"><title>{escape(label)}：{value}</title></rect>'
        )
        parts.append(
            f'<text x="{LABEL_WIDTH + max(width, 1) + 6}" y="{middle:.1f}" font-size="14" '
            f'fill="#222">{value}</text>'
        )
    parts.append("</svg>")
    return "".join(parts)

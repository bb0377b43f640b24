"""Bar charts drawn at build time as inline SVG: no chart library, no JavaScript.

Colours come from CSS classes (templates/site + docs/assets/effdiff/site.css) that use
mkdocs-material's colour variables, so the charts follow the light and dark palettes.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import jinja2

ROW_HEIGHT = 22
LABEL_WIDTH = 230
BAR_WIDTH = 380
VALUE_WIDTH = 50


@dataclass(frozen=True)
class BarChart:
    """Rows of (label, value, link or None): a bar with a link opens the matching view."""

    id: str
    title: str
    rows: Sequence[tuple[str, int, str | None]]


def bar_chart(env: jinja2.Environment, chart: BarChart) -> str:
    """A horizontal bar chart; the table of the same numbers is rendered beside it."""
    peak = max((n for _, n, _ in chart.rows), default=0) or 1
    bars = [
        {
            "label": label,
            "value": value,
            "link": link,
            "y": index * ROW_HEIGHT,
            "width": round(BAR_WIDTH * value / peak, 1),
        }
        for index, (label, value, link) in enumerate(chart.rows)
    ]
    return env.get_template("bar_chart.svg.j2").render(
        chart=chart,
        bars=bars,
        row=ROW_HEIGHT,
        label_width=LABEL_WIDTH,
        bar_width=BAR_WIDTH,
        width=LABEL_WIDTH + BAR_WIDTH + VALUE_WIDTH,
        height=max(1, len(bars)) * ROW_HEIGHT,
        links=any(bar["link"] for bar in bars),
    )

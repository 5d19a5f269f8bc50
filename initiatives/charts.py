"""Charts drawn by the server as SVG, from the rows of a table.

Every chart stands beside (or above) the table it is drawn from, which is
its accessible version: the SVG is hidden from assistive technology. Sizes
are in view-box units, so a chart scales to its column (``width: 100%``)
on a phone and on a desktop; colours are CSS classes (no inline style under
the CSP). Templates: ``includes/bar_chart.html``, ``includes/column_chart.html``.
"""

import math

# Horizontal bars: a label above each bar, the number after it.
BAR_LENGTH = 300
BAR_NUMBER_ROOM = 70
BAR_ROW = 40
# Columns (years, months): a row of bars over a few axis labels.
COLUMNS_WIDTH = 400
COLUMNS_HEIGHT = 120
COLUMNS_AXIS = 22
COLUMNS_TICKS = 5


def _n(value):
    """A coordinate as SVG reads it: never in the page's number format (a
    Turkish page would write 133,3 or 1.000 for a float or a large int)."""
    return f"{value:.1f}".removesuffix(".0")


def bars(rows):
    """A horizontal bar chart of ``rows``: [(label, value, shown value)]."""
    largest = max((value for _, value, _ in rows), default=0)
    items = []
    for n, (label, value, shown) in enumerate(rows):
        top = n * BAR_ROW
        length = BAR_LENGTH * value / largest if largest else 0
        if value and length < 2:
            length = 2  # a bar for every value above nothing
        items.append(
            {
                "label": str(label),
                "shown": shown,
                "label_y": _n(top + 14),
                "bar_y": _n(top + 19),
                "length": _n(length),
                "number_x": _n(length + 6),
                "number_y": _n(top + 32),
            }
        )
    return {
        "viewbox": f"0 0 {BAR_LENGTH + BAR_NUMBER_ROOM} {max(len(rows), 1) * BAR_ROW}",
        "bars": items,
    }


def columns(rows):
    """A column chart of ``rows``: [(axis label, value, shown value)], with
    the axis labelled at both ends and a few evenly spaced places between."""
    largest = max((value for _, value, _ in rows), default=0)
    count = max(len(rows), 1)
    step = COLUMNS_WIDTH / count
    every = max(1, math.ceil(count / COLUMNS_TICKS))
    items, ticks = [], []
    for n, (label, value, shown) in enumerate(rows):
        height = COLUMNS_HEIGHT * value / largest if largest else 0
        if value and height < 2:
            height = 2
        x = n * step
        items.append(
            {
                "x": _n(x + step * 0.1),
                "width": _n(step * 0.8),
                "y": _n(COLUMNS_HEIGHT - height),
                "height": _n(height),
                "title": f"{label}: {shown}",
            }
        )
        last = n == len(rows) - 1
        if n % every == 0 or last:
            if last and n % every and ticks:
                ticks.pop()  # too close to the last label: keep the last one
            anchor = "start" if n == 0 else "end" if last else "middle"
            position = x if n == 0 else x + step if last else x + step / 2
            ticks.append({"label": str(label), "x": _n(position), "anchor": anchor})
    return {
        "viewbox": f"0 0 {COLUMNS_WIDTH} {COLUMNS_HEIGHT + COLUMNS_AXIS}",
        "baseline": _n(COLUMNS_HEIGHT),
        "width": _n(COLUMNS_WIDTH),
        "tick_y": _n(COLUMNS_HEIGHT + 17),
        "columns": items,
        "ticks": ticks,
        "largest": largest,
    }

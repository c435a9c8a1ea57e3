"""Charts as SVG markup, drawn on the server from plain data: the dashboard shows them and the
Copil PDF (WeasyPrint) prints the very same markup, so they take no request and no template.

Every chart is a ``SafeString`` holding one ``<svg>``: a viewBox and ``width="100%"`` (it
scales to its container, screen or paper), ``role="img"`` with a translated ``<title>`` and
``<desc>``, colours inline (the PDF has no screen stylesheet) and a legend in words, since a
colour alone says nothing to a reader who cannot tell it or a page printed in grey. Every
text that comes from data is escaped here; numbers and months are written in the language
active when the chart is drawn.
"""

import datetime
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from django.utils import formats
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from pmo.tables import fte, money, number
from projects.staffing_panels import nice_ceiling
from risks.choices import Severity

WIDTH = 720
# Inter first: the PDF bundles it (static/fonts/inter); a screen without it falls back.
FONT = "Inter, DejaVu Sans, Verdana, sans-serif"
INK = "#1d2433"
MUTED = "#5d6778"
LINE = "#dfe3ea"
BLUE = "#9bb8e0"
RED = "#b3261e"
# The heat map's bands, as the HTML heat map colours them (static/css/screen.css):
# (fill, text).
BAND_COLOURS = {
    "none": ("#eef1f5", MUTED),
    "low": ("#e7f5ec", "#1e7b45"),
    "medium": ("#fdf3e2", "#8a5300"),
    "high": ("#f9d9b5", "#7a3e00"),
    "critical": (RED, "#ffffff"),
}
# A white outline behind a text drawn over bars.
HALO = ' stroke="#ffffff" stroke-width="3" paint-order="stroke"'
# An average glyph's width for the font size 11 used here: enough to lay a legend out.
GLYPH = 6.4


@dataclass(frozen=True)
class Series:
    """One layer of a stacked bar chart: its name in the legend, its colour, and its value in
    each column."""

    label: str
    colour: str
    values: Sequence[int | Decimal]


# --- drawing helpers ----------------------------------------------------------------------


def _n(value: float) -> str:
    """A coordinate: never localised (SVG wants a dot), one decimal at most."""
    text = f"{float(value):.1f}"
    return text[:-2] if text.endswith(".0") else text


def _text(x, y, label, *, anchor="middle", size=11, fill=MUTED, weight=None, extra="") -> str:
    bold = f' font-weight="{weight}"' if weight else ""
    return (
        f'<text x="{_n(x)}" y="{_n(y)}" text-anchor="{anchor}" font-size="{size}" '
        f'fill="{fill}"{bold}{extra}>{escape(label)}</text>'
    )


def _rect(x, y, width, height, fill, *, extra="") -> str:
    return (
        f'<rect x="{_n(x)}" y="{_n(y)}" width="{_n(max(width, 0))}" '
        f'height="{_n(max(height, 0))}" fill="{fill}"{extra}/>'
    )


def _line(x1, y1, x2, y2, stroke, *, width=1, dash=None) -> str:
    dashed = f' stroke-dasharray="{dash}"' if dash else ""
    return (
        f'<line x1="{_n(x1)}" y1="{_n(y1)}" x2="{_n(x2)}" y2="{_n(y2)}" stroke="{stroke}" '
        f'stroke-width="{width}"{dashed}/>'
    )


def _legend(items, *, x: float, y: float, right: float) -> tuple[list[str], float]:
    """The legend's markup from ``(label, colour, kind)`` items (kind: "box", "line" or
    "dashed"), laid out in lines from (``x``, ``y``) up to ``right``; and the y below it."""
    parts = ['<g class="legend">']
    cursor = x
    for label, colour, kind in items:
        item_width = 22 + len(str(label)) * GLYPH + 14
        if cursor > x and cursor + item_width > right:
            cursor, y = x, y + 18
        if kind == "box":
            parts.append(_rect(cursor, y - 9, 14, 10, colour, extra=f' stroke="{MUTED}"'))
        else:
            parts.append(
                _line(
                    cursor,
                    y - 4,
                    cursor + 16,
                    y - 4,
                    colour,
                    width=2.5,
                    dash="6 3" if kind == "dashed" else None,
                )
            )
        parts.append(_text(cursor + 20, y, label, anchor="start", fill=INK))
        cursor += item_width
    parts.append("</g>")
    return parts, y + 12


def _svg(
    *, chart_id: str, css_class: str, height: float, title, desc, body: list[str]
) -> SafeString:
    """Wrap ``body`` in the ``<svg>`` element every chart shares."""
    chart_id = escape(chart_id)
    head = (
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart {escape(css_class)}" '
        f'viewBox="0 0 {WIDTH} {_n(height)}" width="100%" preserveAspectRatio="xMidYMid meet" '
        f'role="img" aria-labelledby="{chart_id}-title {chart_id}-desc" '
        f'font-family="{FONT}" font-size="11">'
        f'<title id="{chart_id}-title">{escape(title)}</title>'
        f'<desc id="{chart_id}-desc">{escape(desc)}</desc>'
    )
    # Every piece of body was escaped where it was built.
    return mark_safe(head + "".join(body) + "</svg>")  # noqa: S308


@dataclass(frozen=True)
class _Scale:
    """A vertical axis from 0 to a round ceiling, over the plot's height."""

    top: float
    bottom: float
    ceiling: Decimal

    def y(self, value) -> float:
        share = float(Decimal(value) / self.ceiling) if self.ceiling else 0.0
        return self.bottom - share * (self.bottom - self.top)


def _axis(scale: _Scale, *, left: float, right: float, label) -> list[str]:
    """Grid lines and their labels at 0, half and the ceiling."""
    parts = []
    for share in (Decimal("0"), Decimal("0.5"), Decimal("1")):
        value = scale.ceiling * share
        y = scale.y(value)
        parts.append(_line(left, y, right, y, LINE, dash=None if not share else "3 3"))
        parts.append(_text(left - 6, y + 4, label(value), anchor="end", size=10))
    return parts


def _ink_on(colour: str) -> str:
    """White on a dark fill, ink on a light one (by the fill's luminance)."""
    try:
        red, green, blue = (int(colour[i : i + 2], 16) for i in (1, 3, 5))
    except (ValueError, IndexError):
        return INK
    return "#ffffff" if 0.299 * red + 0.587 * green + 0.114 * blue < 140 else INK


def _month_label(month: datetime.date) -> str:
    return formats.date_format(month, "M")


def _month_title(month: datetime.date) -> str:
    return formats.date_format(month, "YEAR_MONTH_FORMAT")


def _whole(value) -> str:
    """A count or a round axis value, grouped in the reader's language."""
    return number(Decimal(value), 0)


def _short(value: Decimal) -> str:
    """An axis value without trailing zeros (0.5, 2,5), grouped."""
    value = Decimal(value)
    places = 0 if value == value.to_integral_value() else 2
    text = number(value, places)
    if places:
        separator = formats.get_format("DECIMAL_SEPARATOR")
        text = text.rstrip("0").rstrip(separator)
    return text


# --- stacked bars -------------------------------------------------------------------------


def stacked_bars(
    *,
    categories: Sequence[str],
    series: Sequence[Series],
    title,
    desc,
    chart_id: str = "stacked-bars",
    height: int = 300,
    value_label=_whole,
) -> SafeString:
    """Columns (one per category, left to right) each stacking the series' values from the
    bottom in their order, the value written in each segment tall enough to hold it, the
    column's total above it, and a legend naming each series."""
    left, right, top = 44, WIDTH - 10, 24
    legend, legend_end = _legend(
        [(s.label, s.colour, "box") for s in series], x=left, y=0, right=right
    )
    legend_height = legend_end + 6
    bottom = height - 28 - legend_height
    totals = [
        sum((Decimal(s.values[i] or 0) for s in series), Decimal("0"))
        for i in range(len(categories))
    ]
    scale = _Scale(top=top, bottom=bottom, ceiling=nice_ceiling(max(totals, default=Decimal("0"))))
    slot = (right - left) / max(len(categories), 1)
    body = _axis(scale, left=left, right=right, label=_short)
    for index, category in enumerate(categories):
        x = left + index * slot + slot * 0.15
        bar_width = slot * 0.7
        body.append(f'<g class="column"><title>{escape(category)}</title>')
        base = Decimal("0")
        for layer in series:
            value = Decimal(layer.values[index] or 0)
            if not value:
                continue
            y_top, y_bottom = scale.y(base + value), scale.y(base)
            body.append(
                f'<g class="segment"><title>{escape(category)}: {escape(layer.label)} '
                f"{escape(value_label(value))}</title>"
                + _rect(x, y_top, bar_width, y_bottom - y_top, layer.colour, extra=' stroke="#fff"')
                + "</g>"
            )
            if y_bottom - y_top >= 13:
                body.append(
                    _text(
                        x + bar_width / 2,
                        (y_top + y_bottom) / 2 + 4,
                        value_label(value),
                        size=10,
                        fill=_ink_on(layer.colour),
                    )
                )
            base += value
        if base:
            body.append(
                _text(
                    x + bar_width / 2,
                    scale.y(base) - 4,
                    value_label(base),
                    size=10,
                    fill=INK,
                    weight="bold",
                )
            )
        body.append(_text(x + bar_width / 2, bottom + 16, category, size=10))
        body.append("</g>")
    body.append(_line(left, bottom, right, bottom, MUTED))
    body.append(f'<g transform="translate(0 {_n(bottom + 40)})">')
    body.extend(legend)
    body.append("</g>")
    return _svg(
        chart_id=chart_id,
        css_class="chart-stacked",
        height=bottom + 40 + legend_height,
        title=title,
        desc=desc,
        body=body,
    )


# Weather colours, best to worst, then "not reported" in grey.
WEATHER_COLOURS = {
    "sunny": "#f2c94c",
    "cloudy": "#a9b8cc",
    "rainy": "#5b7db1",
    "stormy": "#6b2d5c",
    "not_reported": "#e3e6eb",
}


def weather_chart(
    weeks: Sequence[datetime.date],
    counts: Sequence[dict[str, int]],
    labels: Sequence[tuple[str, str]],
    *,
    chart_id: str = "weather-chart",
    scope: str = "",
) -> SafeString:
    """The projects by weather, one column per week (its Monday): ``counts`` gives each
    week's count by key, ``labels`` the keys in stacking order with their words (the
    weathers, best first, then "not reported"). ``scope`` names what is counted."""
    series = [
        Series(
            label=label,
            colour=WEATHER_COLOURS.get(key, MUTED),
            values=[c.get(key, 0) for c in counts],
        )
        for key, label in labels
    ]
    title = _("Weather of the projects, week by week")
    if scope:
        title = _("%(title)s: %(scope)s") % {"title": title, "scope": scope}
    if weeks:
        desc = _(
            "For each of the %(count)s weeks from %(first)s to %(last)s, the number of projects "
            "by the weather of their latest submitted status that week."
        ) % {
            "count": len(weeks),
            "first": formats.date_format(weeks[0]),
            "last": formats.date_format(weeks[-1]),
        }
    else:
        desc = _("No week to show.")
    return stacked_bars(
        categories=[formats.date_format(week, "j M") for week in weeks],
        series=series,
        title=title,
        desc=desc,
        chart_id=chart_id,
    )


# --- heat map -----------------------------------------------------------------------------


def heat_map(grid: dict, *, chart_id: str = "risk-heat-map", title=None) -> SafeString:
    """The 5 × 5 risk heat map of :func:`risks.selectors.heat_map` (impact 5 at the top,
    probability 1 to 5 from the left): each cell coloured by its score's band with its count
    of risks, the axes named, and a legend naming the bands."""
    cell, gap = 52, 4
    left, top = 70, 14
    size = len(grid["scale"])
    body = []
    for row_index, row in enumerate(grid["rows"]):
        y = top + row_index * (cell + gap)
        body.append(_text(left - 10, y + cell / 2 + 4, str(row["impact"]), anchor="end", size=10))
        for col_index, item in enumerate(row["cells"]):
            x = left + col_index * (cell + gap)
            fill, ink = BAND_COLOURS.get(item["band"], BAND_COLOURS["none"])
            count = item["count"]
            tip = ngettext(
                "Probability %(p)s × impact %(i)s = %(score)s: %(count)s risk",
                "Probability %(p)s × impact %(i)s = %(score)s: %(count)s risks",
                count,
            ) % {
                "p": item["probability"],
                "i": item["impact"],
                "score": item["score"],
                "count": count,
            }
            body.append(
                f'<g class="cell band-{escape(item["band"])}"><title>{escape(tip)}</title>'
                + _rect(
                    x,
                    y,
                    cell,
                    cell,
                    fill,
                    extra=' rx="4"' + ("" if count else ' fill-opacity="0.5"'),
                )
            )
            if count:
                body.append(
                    _text(
                        x + cell / 2,
                        y + cell / 2 + 5,
                        _whole(count),
                        size=14,
                        fill=ink,
                        weight="bold",
                    )
                )
            body.append("</g>")
    grid_bottom = top + size * (cell + gap) - gap
    for col_index, probability in enumerate(grid["scale"]):
        x = left + col_index * (cell + gap) + cell / 2
        body.append(_text(x, grid_bottom + 14, str(probability), size=10))
    grid_right = left + size * (cell + gap) - gap
    body.append(
        _text((left + grid_right) / 2, grid_bottom + 32, _("Probability"), fill=INK, weight="bold")
    )
    middle = (top + grid_bottom) / 2
    body.append(
        _text(
            24,
            middle,
            _("Impact"),
            fill=INK,
            weight="bold",
            extra=f' transform="rotate(-90 24 {_n(middle)})"',
        )
    )
    bands = [
        (Severity(band).label, BAND_COLOURS[band][0], "box")
        for band in ("low", "medium", "high", "critical")
    ]
    body.append(f'<g transform="translate({_n(grid_right + 40)} {_n(top + 10)})">')
    body.append(
        _text(
            0, 0, _("Score bands (probability × impact)"), anchor="start", fill=INK, weight="bold"
        )
    )
    # One band a line: the legend beside the grid is narrow.
    for index, (label, colour, _kind) in enumerate(bands):
        y = 24 + index * 20
        body.append(_rect(0, y - 10, 14, 12, colour, extra=f' stroke="{MUTED}"'))
        body.append(_text(22, y, label, anchor="start", fill=INK))
    body.append(
        _text(
            0,
            24 + len(bands) * 20 + 8,
            ngettext("%(count)s live risk", "%(count)s live risks", grid["total"])
            % {"count": _whole(grid["total"])},
            anchor="start",
        )
    )
    body.append("</g>")
    basis = _("residual") if grid.get("residual") else _("inherent")
    title = title or _("Risk heat map")
    desc = ngettext(
        "%(count)s live risk counted by %(basis)s probability (1 to 5, left to right) and "
        "impact (1 to 5, bottom to top); the colour gives the band of the score.",
        "%(count)s live risks counted by %(basis)s probability (1 to 5, left to right) and "
        "impact (1 to 5, bottom to top); the colour gives the band of the score.",
        grid["total"],
    ) % {"count": grid["total"], "basis": basis}
    return _svg(
        chart_id=chart_id,
        css_class="chart-heat-map",
        height=grid_bottom + 44,
        title=title,
        desc=desc,
        body=body,
    )


# --- budget burn --------------------------------------------------------------------------


def burn_chart(
    *,
    months: Sequence[datetime.date],
    actuals: Sequence[Decimal | None],
    budget: Decimal | None,
    envelope: Decimal | None,
    fiscal_year_label: str = "",
    chart_id: str = "burn-chart",
    scope: str = "",
) -> SafeString:
    """The cumulative actuals at the end of each month of a fiscal year (bars; None for the
    months still ahead) against the budget lines of the year (a line) and the envelope (a
    dashed line; either left out when None). A month whose cumulative actuals pass the
    budget lines is drawn red and said so in the legend."""
    left, right, top = 84, WIDTH - 10, 24
    peaks = [value for value in (*actuals, budget, envelope) if value is not None]
    legend_items = [(_("Actuals, cumulative"), BLUE, "box")]
    if budget is not None:
        legend_items.append((_("Above the budget lines"), RED, "box"))
        legend_items.append((_("Budget lines of the year"), INK, "line"))
    if envelope is not None:
        legend_items.append((_("Envelope"), "#1f4e8c", "dashed"))
    legend, legend_end = _legend(legend_items, x=left, y=0, right=right)
    legend_height = legend_end + 6
    bottom = 300 - 28 - legend_height
    scale = _Scale(top=top, bottom=bottom, ceiling=nice_ceiling(max(peaks, default=Decimal("0"))))
    slot = (right - left) / max(len(months), 1)
    body = _axis(scale, left=left, right=right, label=lambda value: money(value, 0))
    for index, month in enumerate(months):
        x = left + index * slot + slot * 0.18
        bar_width = slot * 0.64
        value = actuals[index] if index < len(actuals) else None
        body.append('<g class="month">')
        if value is not None:
            over = budget is not None and value > budget
            tip = _("%(month)s: %(amount)s spent since the start of the year") % {
                "month": _month_title(month),
                "amount": money(value, 0),
            }
            body.append(f"<title>{escape(tip)}</title>")
            y = scale.y(value)
            body.append(_rect(x, y, bar_width, bottom - y, RED if over else BLUE))
        body.append(_text(x + bar_width / 2, bottom + 16, _month_label(month), size=10))
        body.append("</g>")
    for amount, colour, dash, words in (
        (budget, INK, None, _("Budget lines: %(amount)s")),
        (envelope, "#1f4e8c", "6 3", _("Envelope: %(amount)s")),
    ):
        if amount is None:
            continue
        y = scale.y(amount)
        body.append(_line(left, y, right, y, colour, width=2, dash=dash))
        body.append(
            # At the left, where the cumulative bars are still low; a white halo keeps it
            # readable where a bar reaches it anyway.
            _text(
                left + 4,
                y - 5,
                words % {"amount": money(amount, 0)},
                anchor="start",
                size=10,
                fill=colour,
                extra=HALO,
            )
        )
    body.append(_line(left, bottom, right, bottom, MUTED))
    body.append(f'<g transform="translate(0 {_n(bottom + 40)})">')
    body.extend(legend)
    body.append("</g>")
    spent = next((value for value in reversed(actuals) if value is not None), None)
    title = (
        _("Budget burn, fiscal year %(year)s") % {"year": fiscal_year_label}
        if fiscal_year_label
        else _("Budget burn")
    )
    if scope:
        title = _("%(title)s: %(scope)s") % {"title": title, "scope": scope}
    desc = _(
        "Actuals spent since the start of the fiscal year, month by month (%(spent)s so far), "
        "against the budget lines of the year (%(budget)s) and the envelope (%(envelope)s)."
    ) % {
        "spent": money(spent or Decimal("0"), 0),
        "budget": money(budget, 0),
        "envelope": money(envelope, 0),
    }
    return _svg(
        chart_id=chart_id,
        css_class="chart-burn",
        height=bottom + 40 + legend_height,
        title=title,
        desc=desc,
        body=body,
    )


# --- demand against capacity --------------------------------------------------------------


def demand_capacity(
    *,
    months: Sequence[datetime.date],
    demand: Sequence[Decimal],
    capacity: Sequence[Decimal],
    chart_id: str = "demand-capacity",
    scope: str = "",
) -> SafeString:
    """The FTE demand of each month (bars, red where above capacity, the value above each)
    against the capacity (a line with a point a month)."""
    left, right, top = 44, WIDTH - 10, 24
    legend, legend_end = _legend(
        [
            (_("Demand (FTE)"), BLUE, "box"),
            (_("Demand above capacity"), RED, "box"),
            (_("Capacity (FTE)"), INK, "line"),
        ],
        x=left,
        y=0,
        right=right,
    )
    legend_height = legend_end + 6
    bottom = 280 - 28 - legend_height
    scale = _Scale(
        top=top,
        bottom=bottom,
        ceiling=nice_ceiling(max([*demand, *capacity], default=Decimal("0"))),
    )
    slot = (right - left) / max(len(months), 1)
    body = _axis(scale, left=left, right=right, label=_short)
    points = []
    short_months = 0
    for index, month in enumerate(months):
        wanted, available = demand[index], capacity[index]
        over = wanted > available
        short_months += over
        x = left + index * slot + slot * 0.18
        bar_width = slot * 0.64
        centre = left + index * slot + slot / 2
        tip = _("%(month)s: demand %(demand)s FTE, capacity %(capacity)s FTE") % {
            "month": _month_title(month),
            "demand": fte(wanted),
            "capacity": fte(available),
        }
        y = scale.y(wanted)
        css_class = "month is-over" if over else "month"
        body.append(f'<g class="{css_class}"><title>{escape(tip)}</title>')
        body.append(_rect(x, y, bar_width, bottom - y, RED if over else BLUE))
        if wanted:
            body.append(_text(centre, y - 4, fte(wanted), size=10, fill=INK))
        body.append(_text(centre, bottom + 16, _month_label(month), size=10))
        body.append("</g>")
        points.append(f"{_n(centre)},{_n(scale.y(available))}")
    if points:
        body.append(
            f'<polyline points="{" ".join(points)}" fill="none" stroke="{INK}" stroke-width="2"/>'
        )
        for point in points:
            cx, cy = point.split(",")
            body.append(f'<circle cx="{cx}" cy="{cy}" r="3" fill="{INK}"/>')
    body.append(_line(left, bottom, right, bottom, MUTED))
    body.append(f'<g transform="translate(0 {_n(bottom + 40)})">')
    body.extend(legend)
    body.append("</g>")
    title = _("FTE demand against capacity, by month")
    if scope:
        title = _("%(title)s: %(scope)s") % {"title": title, "scope": scope}
    desc = ngettext(
        "Bars show the FTE planned on the projects, the line the capacity of their portfolios' "
        "pools; demand exceeds capacity in %(count)s month.",
        "Bars show the FTE planned on the projects, the line the capacity of their portfolios' "
        "pools; demand exceeds capacity in %(count)s months.",
        short_months,
    ) % {"count": short_months}
    return _svg(
        chart_id=chart_id,
        css_class="chart-demand",
        height=bottom + 40 + legend_height,
        title=title,
        desc=desc,
        body=body,
    )

"""The SVG charts of the summary band (and of the Copil PDF): well-formed, accessible,
escaped, and written in the reader's language."""

import datetime
import xml.etree.ElementTree as ET
from decimal import Decimal

import pytest
from django.utils import translation

from pmo import months as month_math
from reporting import charts

SVG = "{http://www.w3.org/2000/svg}"
NBSP = "\xa0"
SCRIPT = "<script>alert(1)</script>"
MONTHS = month_math.months(datetime.date(2026, 1, 1), 12)
WEEKS = [datetime.date(2026, 3, 2), datetime.date(2026, 3, 9)]
WEATHER_LABELS = [
    ("sunny", "Sunny"),
    ("cloudy", "Cloudy"),
    ("rainy", "Rainy"),
    ("stormy", "Stormy"),
    ("not_reported", "Not reported"),
]


def parse(svg) -> ET.Element:
    """The chart parsed as XML: it fails the test if the markup is not well-formed."""
    return ET.fromstring(str(svg))  # noqa: S314 (our own markup)


def texts(root: ET.Element) -> list[str]:
    return ["".join(node.itertext()) for node in root.iter(f"{SVG}text")]


def grid(counts: dict[tuple[int, int], int] | None = None, *, threshold: int = 15) -> dict:
    """A heat map grid as risks.selectors.heat_map gives it, from plain counts."""
    counts = counts or {}
    scale = (1, 2, 3, 4, 5)

    def band(score):
        if score >= threshold:
            return "critical"
        if score >= 10:
            return "high"
        return "medium" if score >= 5 else "low"

    rows = [
        {
            "impact": impact,
            "cells": [
                {
                    "probability": p,
                    "impact": impact,
                    "score": p * impact,
                    "band": band(p * impact),
                    "count": counts.get((p, impact), 0),
                }
                for p in scale
            ],
        }
        for impact in reversed(scale)
    ]
    return {"residual": False, "rows": rows, "scale": scale, "total": sum(counts.values())}


def burn(**kwargs):
    values = {
        "months": MONTHS,
        "actuals": [Decimal("1234567.89"), Decimal("2500000"), *[None] * 10],
        "budget": Decimal("3000000"),
        "envelope": Decimal("4000000"),
        "fiscal_year_label": "2026",
    }
    values.update(kwargs)
    return charts.burn_chart(**values)


def demand(**kwargs):
    values = {
        "months": MONTHS[:3],
        "demand": [Decimal("1.5"), Decimal("3.25"), Decimal("0")],
        "capacity": [Decimal("2"), Decimal("2"), Decimal("2")],
    }
    values.update(kwargs)
    return charts.demand_capacity(**values)


def weather(**kwargs):
    return charts.weather_chart(
        WEEKS,
        [{"sunny": 3, "rainy": 1, "not_reported": 2}, {"sunny": 2, "stormy": 2}],
        WEATHER_LABELS,
        **kwargs,
    )


ALL_CHARTS = {
    "weather": weather,
    "heat_map": lambda: charts.heat_map(grid({(3, 4): 2, (5, 5): 1})),
    "burn": burn,
    "demand": demand,
}


@pytest.mark.parametrize("name", ALL_CHARTS)
def test_each_chart_is_an_accessible_svg_image_scaling_to_its_container(name):
    root = parse(ALL_CHARTS[name]())

    assert root.tag == f"{SVG}svg"
    assert root.get("role") == "img"
    assert root.get("width") == "100%"
    assert root.get("viewBox").startswith("0 0 720 ")
    title, desc = root.find(f"{SVG}title"), root.find(f"{SVG}desc")
    assert title.text
    assert desc.text
    assert root.get("aria-labelledby") == f"{title.get('id')} {desc.get('id')}"


def test_stacked_bars_stack_each_series_and_name_them_in_the_legend():
    root = parse(weather())

    words = texts(root)
    for label in ("Sunny", "Cloudy", "Rainy", "Stormy", "Not reported"):
        assert label in words
    # the columns' totals above them
    assert "6" in words
    assert "4" in words
    segments = [
        "".join(node.find(f"{SVG}title").itertext())
        for node in root.iter(f"{SVG}g")
        if node.get("class") == "segment"
    ]
    assert segments == ["2 Mar: Sunny 3", "2 Mar: Rainy 1", "2 Mar: Not reported 2",
                        "9 Mar: Sunny 2", "9 Mar: Stormy 2"]  # fmt: skip


def test_a_label_from_the_data_is_escaped_not_run():
    svg = str(
        charts.stacked_bars(
            categories=[SCRIPT],
            series=[charts.Series(label=f"Portfolio {SCRIPT}", colour="#000", values=[2])],
            title=f"Projects of {SCRIPT}",
            desc=SCRIPT,
        )
    )

    root = parse(svg)
    assert "<script>" not in svg
    assert "&lt;script&gt;" in svg
    assert not list(root.iter(f"{SVG}script"))
    assert root.find(f"{SVG}title").text == f"Projects of {SCRIPT}"
    assert f"Portfolio {SCRIPT}" in texts(root)


def test_a_scope_named_after_a_portfolio_is_escaped_in_every_chart():
    for svg in (weather(scope=SCRIPT), burn(scope=SCRIPT), demand(scope=SCRIPT)):
        text = str(svg)
        assert "<script>" not in text
        assert parse(svg).find(f"{SVG}title").text.endswith(SCRIPT)
    heat = charts.heat_map(grid(), title=f"Risks of {SCRIPT}")
    assert "<script>" not in str(heat)
    assert parse(heat).find(f"{SVG}title").text == f"Risks of {SCRIPT}"


def test_heat_map_writes_each_count_in_its_cell_coloured_by_band_with_a_legend_in_words():
    root = parse(charts.heat_map(grid({(3, 4): 2, (5, 5): 1, (1, 1): 4})))

    cells = {
        node.get("class"): node
        for node in root.iter(f"{SVG}g")
        if (node.get("class") or "").startswith("cell")
    }
    assert len([n for n in root.iter(f"{SVG}g") if "cell" in (n.get("class") or "")]) == 25
    assert "cell band-critical" in cells
    assert "cell band-low" in cells
    tips = [
        "".join(node.find(f"{SVG}title").itertext())
        for node in root.iter(f"{SVG}g")
        if "cell" in (node.get("class") or "")
    ]
    assert "Probability 3 × impact 4 = 12: 2 risks" in tips
    assert "Probability 5 × impact 5 = 25: 1 risk" in tips
    words = texts(root)
    for label in ("Low", "Medium", "High", "Critical", "Probability", "Impact", "7 live risks"):
        assert label in words
    assert "7 live risks" in root.find(f"{SVG}desc").text


def test_burn_chart_draws_the_budget_lines_and_a_dashed_envelope():
    root = parse(burn())

    lines = [n for n in root.iter(f"{SVG}line") if n.get("stroke-width") == "2"]
    assert len(lines) == 2
    assert [n.get("stroke-dasharray") for n in lines] == [None, "6 3"]
    words = texts(root)
    assert "Budget lines: 3,000,000" in words
    assert "Envelope: 4,000,000" in words
    # the months ahead (None) have no bar, only their name
    bars = [
        n
        for n in root.iter(f"{SVG}g")
        if n.get("class") == "month" and n.find(f"{SVG}rect") is not None
    ]
    assert len(bars) == 2


def test_burn_chart_without_envelope_leaves_out_its_line_and_legend():
    root = parse(burn(envelope=None))

    assert not [n for n in root.iter(f"{SVG}line") if n.get("stroke-dasharray") == "6 3"]
    assert "Envelope" not in texts(root)


def test_a_month_above_the_budget_lines_is_red_and_the_legend_says_it():
    root = parse(burn(actuals=[Decimal("3500000"), *[None] * 11]))

    bar = next(n for n in root.iter(f"{SVG}g") if n.get("class") == "month").find(f"{SVG}rect")
    assert bar.get("fill") == charts.RED
    assert "Above the budget lines" in texts(root)


def test_demand_chart_marks_the_months_above_capacity():
    root = parse(demand())

    months = [n for n in root.iter(f"{SVG}g") if (n.get("class") or "").startswith("month")]
    assert [n.get("class") for n in months] == ["month", "month is-over", "month"]
    assert root.find(f"{SVG}polyline") is not None
    assert "in 1 month" in root.find(f"{SVG}desc").text
    for label in ("Demand (FTE)", "Capacity (FTE)", "Demand above capacity"):
        assert label in texts(root)


def test_numbers_and_months_are_written_in_french_for_a_french_reader():
    with translation.override("fr"):
        burn_fr = burn()
        burn_words = texts(parse(burn_fr))
        demand_words = texts(parse(demand()))
        weather_svg = str(weather())

    # French groups thousands with a non-breaking space
    assert f"3{NBSP}000{NBSP}000" in " ".join(burn_words)
    assert f"1{NBSP}234{NBSP}568" in parse(burn_fr).find(f"{SVG}g[@class='month']/{SVG}title").text
    assert "1,50" in demand_words
    assert "3,25" in demand_words
    assert "Fév" in burn_words
    assert "2 mars 2026" in weather_svg.lower()


def test_numbers_are_written_in_english_for_an_english_reader():
    with translation.override("en"):
        demand_words = texts(parse(demand()))
        burn_words = texts(parse(burn()))

    assert "1.50" in demand_words
    assert "Jan" in burn_words
    assert "Budget lines: 3,000,000" in burn_words


def test_charts_of_nothing_are_still_well_formed():
    parse(charts.weather_chart([], [], WEATHER_LABELS))
    parse(charts.heat_map(grid()))
    parse(charts.burn_chart(months=MONTHS, actuals=[None] * 12, budget=None, envelope=None))
    parse(charts.demand_capacity(months=[], demand=[], capacity=[]))

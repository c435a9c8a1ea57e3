"""The PDF of a Copil pack: its frozen snapshot (:mod:`reporting.snapshot`) put through the
print templates (``templates/reporting/pdf/``) and ``static/css/print.css``, rendered by
WeasyPrint.

Nothing in a report makes a network request: WeasyPrint fetches every resource through
:class:`LocalURLFetcher`, which serves the project's static files (the stylesheet, the bundled
Inter fonts) and media files (the portfolio's logo) from disk and refuses everything else. The
templates name those files under two fixed prefixes, ``file:///static/`` and
``file:///media/``, that :func:`fetch_local` maps to the staticfiles finders and to the
default storage: never to the real file system at that path. What a user typed is escaped by
the templates (no ``|safe`` on data), so it never becomes a URL to fetch in the first place;
the fetcher is the second lock.
"""

import datetime
import mimetypes
import posixpath
import re
from dataclasses import dataclass
from decimal import Decimal
from urllib import request as urllib_request
from urllib.parse import unquote, urlsplit

from django.contrib.staticfiles import finders
from django.core.files.storage import default_storage
from django.template.loader import render_to_string
from django.utils import formats, translation
from weasyprint import HTML
from weasyprint.urls import URLFetcher, URLFetcherResponse

from pmo.tables import fte, money
from portfolio.models import Portfolio, Programme
from projects.choices import Axis, MilestoneStatus, Nature, Phase, Rating, Trend, Weather
from projects.choices import WeekState as _WeekState
from projects.models import Project
from reporting import charts
from reporting.choices import AlertKind, Confidentiality, ReportKind, ReportSection
from risks.choices import RiskResponse

STATIC_PREFIX = "file:///static/"
MEDIA_PREFIX = "file:///media/"
BASE_URL = "file:///"
TEMPLATES = {
    ReportKind.PORTFOLIO_PACK: "reporting/pdf/portfolio_pack.html",
    ReportKind.PROGRAMME_PACK: "reporting/pdf/programme_pack.html",
    ReportKind.PROJECT_FLASH: "reporting/pdf/project_flash.html",
}
COLOUR = re.compile(r"^#[0-9a-fA-F]{6}$")
DEFAULT_ACCENT = "#1f4e79"
NOT_REPORTED = _WeekState.NOT_REPORTED


@dataclass(frozen=True)
class RenderedPdf:
    """A rendered pack: the PDF's bytes and its number of pages."""

    content: bytes
    page_count: int


# --- fetching -------------------------------------------------------------------------------


def _clean_name(name: str) -> str:
    """A relative file name without a way out of its root ("..", absolute, backslashes)."""
    name = unquote(name)
    normal = posixpath.normpath(name)
    if (
        not name
        or "\\" in name
        or "\x00" in name
        or normal.startswith(("/", "../"))
        or normal in (".", "..")
        or normal != name
    ):
        raise ValueError("Refused file name in a report: " + name)
    return normal


def fetch_local(url: str, timeout: int = 10, ssl_context=None) -> dict:
    """WeasyPrint URL fetcher serving only the project's static files (through
    django.contrib.staticfiles finders, so no collectstatic is needed) and media files
    (through default_storage) from disk; anything else raises ValueError — nothing in a
    report ever makes a network request.

    ``data:`` URLs are allowed: they carry their bytes in themselves and are decoded here
    without any request (the standard library's data handler), and the templates never build
    one from user text. ``http:``, ``https:``, ``ftp:`` and any ``file:`` outside the two
    prefixes are refused; ``timeout`` and ``ssl_context`` are there for WeasyPrint's
    signature and unused.
    """
    if url[:5].lower() == "data:":
        # Only data: reaches this handler, which decodes the URL itself: no request is made.
        response = urllib_request.DataHandler().data_open(urllib_request.Request(url))  # noqa: S310
        return {
            "string": response.read(),
            "mime_type": response.headers.get_content_type(),
            "redirected_url": url,
        }
    if url.startswith(STATIC_PREFIX):
        name = _clean_name(url[len(STATIC_PREFIX) :].split("?")[0].split("#")[0])
        path = finders.find(name)
        if not path:
            raise ValueError("No such static file: " + name)
        with open(path, "rb") as handle:
            content = handle.read()
    elif url.startswith(MEDIA_PREFIX):
        name = _clean_name(url[len(MEDIA_PREFIX) :].split("?")[0].split("#")[0])
        if not default_storage.exists(name):
            raise ValueError("No such media file: " + name)
        with default_storage.open(name, "rb") as handle:
            content = handle.read()
    else:
        scheme = urlsplit(url).scheme or "?"
        raise ValueError("A report fetches no " + scheme + " URL: " + url)
    mime_type, _encoding = mimetypes.guess_type(name)
    if name.endswith(".otf"):
        mime_type = "font/otf"
    return {
        "string": content,
        "mime_type": mime_type or "application/octet-stream",
        "redirected_url": url,
    }


class LocalURLFetcher(URLFetcher):
    """WeasyPrint's fetcher interface (a class since WeasyPrint 66) around
    :func:`fetch_local`: no handler of the parent class (HTTP, FTP, file) is ever used."""

    def fetch(self, url, headers=None):
        found = fetch_local(url)
        return URLFetcherResponse(
            found["redirected_url"],
            found["string"],
            {"Content-Type": found["mime_type"]},
        )


# --- the context ----------------------------------------------------------------------------


def _day(iso: str | None, style: str = "j M Y") -> str:
    if not iso:
        return "—"
    return formats.date_format(datetime.date.fromisoformat(iso), style)


def _amount(text: str | None, places: int = 0) -> str:
    return money(Decimal(text), places) if text not in (None, "") else "—"


def _label(choices, value) -> str:
    if value in (None, ""):
        return ""
    try:
        return str(choices(value).label)
    except ValueError:
        return str(value)


def _rating(value: str | None) -> dict:
    key = value or NOT_REPORTED
    label = _label(Rating, value) if value else str(NOT_REPORTED.label)
    return {"key": key, "label": label}


def _signed(value: int | None) -> str:
    if not value:
        return "="
    return f"+{value}" if value > 0 else f"\u2212{-value}"


def _summary_view(summary: dict | None) -> dict | None:
    if summary is None:
        return None
    ratings_change = summary.get("ratings_change")
    axes = []
    for axis in Axis.values:
        counts = summary["ratings"][axis]
        changes = (ratings_change or {}).get(axis) or {}
        axes.append(
            {
                "label": _label(Axis, axis),
                "cells": [
                    {
                        "key": key,
                        "count": counts.get(key, 0),
                        "change": _signed(changes.get(key)) if ratings_change else "",
                    }
                    for key in (*Rating.values, NOT_REPORTED)
                ],
            }
        )
    weather_change = summary.get("weather_change")
    weather = [
        {
            "key": key,
            "label": _label(Weather, key) if key != NOT_REPORTED else str(NOT_REPORTED.label),
            "count": summary["weather"].get(key, 0),
            "change": _signed((weather_change or {}).get(key)) if weather_change else "",
        }
        for key in (*Weather.values, NOT_REPORTED)
    ]
    total = summary["project_count"] or 1
    for item in weather:
        item["share"] = round(item["count"] * 100 / total, 1)
    finance = summary["finance"]
    natures = [
        {
            "label": _label(Nature, nature) if nature != "total" else "",
            "is_total": nature == "total",
            **{
                field: _amount(finance["natures"][nature][field])
                for field in ("budget", "committed", "actual", "eac")
            },
        }
        for nature in (*Nature.values, "total")
    ]
    demand = summary["demand"]
    return {
        "project_count": summary["project_count"],
        "needs_attention": summary["needs_attention"],
        "weather": weather,
        "rating_keys": [_rating(key) for key in Rating.values] + [_rating(None)],
        "axes": axes,
        "has_change": ratings_change is not None,
        "natures": natures,
        "eac_percent": finance["eac_percent"],
        "budget_total": _amount(finance["budget_total"]),
        "eac_total": _amount(finance["eac_total"]),
        "overruns": finance["overruns"],
        "unflagged": finance["unflagged"],
        "unestimated": finance["unestimated"],
        "demand": demand,
        "alerts": [
            {**alert, "kind_label": _label(AlertKind, alert["kind"])} for alert in summary["alerts"]
        ],
    }


def _project_view(page: dict) -> dict:
    finance = page["finance"]
    return {
        **page,
        "programme_label": (
            f"{page['programme']['code']} · {page['programme']['name']}"
            if page["programme"]
            else ""
        ),
        "phase_label": _label(Phase, page["phase"]),
        "week_label": _day(page["week"]),
        "weather_label": (
            _label(Weather, page["weather"]) if page["weather"] else str(NOT_REPORTED.label)
        ),
        "weather_key": page["weather"] or NOT_REPORTED,
        "weather_trend_label": _label(Trend, page["weather_trend"]),
        "axes_view": [
            {
                "label": _label(Axis, item["axis"]),
                "declared": _rating(item["declared"]),
                "computed": _rating(item["computed"]) if item["computed"] else None,
                "gap": item["gap"],
                "trend": item["trend"],
                "trend_label": _label(Trend, item["trend"]),
                "comment": item["comment"],
            }
            for item in page["axes"]
        ],
        "dates_view": {
            "baseline_end": _day(page["dates"]["baseline_end"]),
            "forecast_end": _day(page["dates"]["forecast_end"]),
            "slip_days": page["dates"]["slip_days"],
        },
        "milestones_view": [
            {
                **milestone,
                "baseline_label": _day(milestone["baseline"], "j M Y"),
                "forecast_label": _day(milestone["actual"] or milestone["forecast"], "j M Y"),
                "status_label": _label(MilestoneStatus, milestone["status"]),
            }
            for milestone in page["milestones"]
        ],
        "finance_rows": [
            {
                "label": _label(Nature, nature) if nature != "total" else "",
                "is_total": nature == "total",
                **{
                    field: _amount(finance[nature][field])
                    for field in ("budget", "committed", "actual", "eac")
                },
            }
            for nature in (*Nature.values, "total")
        ],
        "eac_percent": finance["eac_percent"],
        "consumption_percent": finance["consumption_percent"],
        "fte_view": [
            {"month": _day(item["month"], "M Y"), "fte": fte(Decimal(item["fte"]))}
            for item in page["fte"]
        ],
        "risks_view": [
            {**risk, "response_label": _label(RiskResponse, risk["response"])}
            for risk in page["top_risks"]
        ],
        "changes_view": [
            {
                **change,
                "cost_label": _amount(change["cost_delta"]),
                "end_label": _day(change["new_end_date"]),
            }
            for change in page["awaiting"]["change_requests"]
        ],
        "decisions_view": [
            {**decision, "needed_label": _day(decision["needed_by"])}
            for decision in page["awaiting"]["decisions"]
        ],
        "has_awaiting": any(page["awaiting"].values()),
    }


def _context(snapshot: dict) -> dict:
    look = snapshot["look"]
    sections = set(snapshot["sections"])
    accent = look.get("accent_colour") or ""
    if not COLOUR.match(accent):
        accent = DEFAULT_ACCENT
    scope = snapshot["scope"]
    summary = snapshot.get("summary")
    summary_view = _summary_view(summary)
    demand_chart = heat_map_chart = ""
    if summary_view and summary_view["demand"] and ReportSection.RESOURCES in sections:
        demand = summary["demand"]
        demand_chart = charts.demand_capacity(
            months=[datetime.date.fromisoformat(m["month"]) for m in demand],
            demand=[Decimal(m["demand"]) for m in demand],
            capacity=[Decimal(m["capacity"]) for m in demand],
            scope=scope["name"],
        )
    if snapshot.get("heat_map"):
        heat_map_chart = charts.heat_map(snapshot["heat_map"])
    decision_log = snapshot.get("decision_log")
    return {
        "snapshot": snapshot,
        "kind": snapshot["kind"],
        "kind_label": _label(ReportKind, snapshot["kind"]),
        "scope": scope,
        "scope_type_label": {
            "portfolio": Portfolio._meta.verbose_name,
            "programme": Programme._meta.verbose_name,
            "project": Project._meta.verbose_name,
        }[scope["type"]],
        "portfolio": snapshot["portfolio"],
        "as_of": _day(snapshot["as_of"], "j F Y"),
        "previous_as_of": _day(snapshot["previous_as_of"]) if snapshot["previous_as_of"] else "",
        "look": look,
        "accent": accent,
        "confidentiality": _label(Confidentiality, look.get("confidentiality")),
        "logo_url": MEDIA_PREFIX + look["logo"] if look.get("logo") else "",
        "static_url": STATIC_PREFIX,
        "show": {section: section in sections for section in ReportSection.values},
        "summary": summary_view,
        "demand_chart": demand_chart,
        "heat_map_chart": heat_map_chart,
        "decision_log": (
            {
                "since": _day(decision_log["since"]),
                "decisions": [
                    {**decision, "decided_label": _day(decision["decided_on"])}
                    for decision in decision_log["decisions"]
                ],
            }
            if decision_log is not None
            else None
        ),
        "projects": [_project_view(page) for page in snapshot["projects"]],
    }


def render_html(snapshot: dict) -> str:
    """The HTML of a snapshot's pack, in the active language (what :func:`render_pack`
    prints; handy to look at a pack in a browser)."""
    return render_to_string(TEMPLATES[snapshot["kind"]], _context(snapshot))


def render_pack(snapshot: dict) -> RenderedPdf:
    """The PDF of a snapshot, in the snapshot's language (translation.override), rendered by
    WeasyPrint with fetch_local as URL fetcher. Raises on failure (the caller records the
    error text on the run)."""
    with translation.override(snapshot["language"]):
        html = render_html(snapshot)
        document = HTML(
            string=html, base_url=BASE_URL, url_fetcher=LocalURLFetcher(timeout=5)
        ).render()
        return RenderedPdf(content=document.write_pdf(), page_count=len(document.pages))

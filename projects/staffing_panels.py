"""The staffing panels: who works on a project, month by month, on its page; a portfolio's
FTE demand against its capacity on the portfolio page; a resource's months and allocations
on the resource's page."""

import datetime
from decimal import Decimal

from django.urls import reverse
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from pmo import months as month_math
from pmo.rules import can
from portfolio import panels as portfolio_panels
from projects import panels as project_panels
from projects.models import Allocation
from projects.selectors import capacity

# The project page looks half a year ahead; the portfolio and resource pages a year.
PROJECT_PANEL_MONTHS = 6
PANEL_MONTHS = 12


def this_month() -> datetime.date:
    return month_math.month_start(timezone.localdate())


@project_panels.register("staffing", template_name="projects/panels/staffing.html", order=45)
def staffing_panel(request, project) -> dict:
    """The next six months' FTE of each resource on the project, flagging the months a
    resource is planned above its capacity (all projects counted); a link to the grid."""
    grid = capacity.project_staffing(project, first_month=this_month(), months=PROJECT_PANEL_MONTHS)
    separator = formats.get_format("DECIMAL_SEPARATOR")
    for row in grid["rows"]:
        for cell in row.cells:
            values = {
                "allocated": f"{cell.allocated:.2f}".replace(".", separator),
                "capacity": f"{cell.capacity:.2f}".replace(".", separator),
            }
            cell.title = (
                _("Overloaded: %(allocated)s / %(capacity)s FTE on all projects") % values
                if cell.over
                else _("%(allocated)s / %(capacity)s FTE on all projects") % values
            )
    return {
        "staffing": grid,
        "staffing_url": reverse("projects:project_staffing", args=[project.pk]),
        "can_staff": can(request.user, "add", Allocation, parent=project),
        "overloaded": sum(1 for row in grid["rows"] if row.is_over),
    }


def nice_ceiling(value: Decimal) -> Decimal:
    """The smallest of 1, 2, 2.5, 5 × 10ⁿ at or above ``value``: the top of a chart's axis."""
    if value <= 0:
        return Decimal("1")
    scale = Decimal("1")
    while scale * 10 < value:
        scale *= 10
    while scale > value:
        scale /= 10
    for step in (Decimal("1"), Decimal("2"), Decimal("2.5"), Decimal("5"), Decimal("10")):
        if scale * step >= value:
            return scale * step
    return scale * 10


def demand_chart(demand: list, *, width: int = 720, height: int = 240) -> dict:
    """The geometry of the demand (bars) against capacity (line) chart, in SVG units."""
    left, right, top, bottom = 44, 8, 12, 40
    plot_w, plot_h = width - left - right, height - top - bottom
    peak = max([m.demand for m in demand] + [m.capacity for m in demand] + [Decimal("0")])
    ceiling = nice_ceiling(peak)
    slot = plot_w / max(len(demand), 1)

    def y(value: Decimal) -> float:
        return round(top + plot_h - float(value / ceiling) * plot_h, 1)

    separator = formats.get_format("DECIMAL_SEPARATOR")

    def text(value: Decimal) -> str:
        return f"{value:.2f}".replace(".", separator)

    bars, points = [], []
    for i, month in enumerate(demand):
        x = left + i * slot
        bar_y = y(month.demand)
        centre = round(x + slot / 2, 1)
        bars.append(
            {
                "month": month,
                "x": round(x + slot * 0.18, 1),
                "y": bar_y,
                "width": round(slot * 0.64, 1),
                "height": round(top + plot_h - bar_y, 1),
                "centre": centre,
                "label_y": round(bar_y - 4, 1),
                "cap_y": y(month.capacity),
                "demand_text": text(month.demand),
                "capacity_text": text(month.capacity),
                "title": _("%(month)s: demand %(demand)s FTE, capacity %(capacity)s FTE")
                % {
                    "month": formats.date_format(month.month, "YEAR_MONTH_FORMAT"),
                    "demand": text(month.demand),
                    "capacity": text(month.capacity),
                },
            }
        )
        points.append(f"{centre},{y(month.capacity)}")
    ticks = [
        {"y": y(ceiling * share), "label": text(ceiling * share).rstrip("0").rstrip(separator)}
        for share in (Decimal("0"), Decimal("0.5"), Decimal("1"))
    ]
    return {
        "width": width,
        "height": height,
        "left": left,
        "right": width - right,
        "baseline": top + plot_h,
        "month_label_y": top + plot_h + 16,
        "bars": bars,
        "capacity_points": " ".join(points),
        "ticks": ticks,
    }


@portfolio_panels.register(
    "capacity", template_name="projects/panels/portfolio_capacity.html", order=45
)
def capacity_panel(request, portfolio) -> dict:
    """The portfolio's FTE demand against its pool's capacity over the next twelve months,
    as a chart and a table, with a link to its heat map."""
    first = this_month()
    demand = capacity.portfolio_demand(portfolio, first_month=first, months=PANEL_MONTHS)
    return {
        "demand": demand,
        "chart": demand_chart(demand),
        "short_months": sum(1 for month in demand if month.over),
        "heat_map_url": reverse("projects:capacity")
        + f"?portfolio={portfolio.pk}&first_month={first:%Y-%m}",
    }


@portfolio_panels.resource_panels.register(
    "allocations", template_name="projects/panels/resource_allocations.html", order=45
)
def resource_allocations_panel(request, resource) -> dict:
    """The resource's next twelve months (capacity, allocated, load) and its allocations by
    project; links to its allocations and to add one."""
    first = this_month()
    data = capacity.resource_allocations(resource, first_month=first, months=PANEL_MONTHS)
    list_url = reverse("projects:allocation_list")
    return {
        "resource": resource,
        "allocations": data,
        "allocation_list_url": f"{list_url}?resource={resource.pk}&month_after={first:%Y-%m}",
        "allocation_add_url": (
            f"{reverse('projects:allocation_create')}?resource={resource.pk}"
            if resource.is_active and can(request.user, "add", Allocation)
            else None
        ),
        "over_months": sum(1 for cell in data["cells"] if cell.over),
    }

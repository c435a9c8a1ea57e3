"""The staffing panels: on the project page (next six months, overloads flagged), on the
portfolio page (demand against capacity as an SVG chart) and on the resource page."""

import re
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from pmo import months as month_math
from projects import staffing_panels
from projects.selectors.capacity import MonthDemand
from tests import factories

THIS_MONTH = month_math.month_start(timezone.localdate())
NEXT_MONTH = month_math.add_months(THIS_MONTH, 1)
D = Decimal


def section(response, anchor: str) -> str:
    html = response.content.decode()
    match = re.search(rf'<section class="card[^"]*" id="{anchor}">.*?</section>', html, re.DOTALL)
    assert match, f"no section #{anchor}"
    return match.group(0)


# --- project page -------------------------------------------------------------------------


@pytest.mark.django_db
def test_the_project_page_shows_the_next_six_months_of_staffing_flagging_overloads(
    client_as, exec_user, project
):
    alice = factories.ResourceFactory(name="Alice", capacity_fte=D("1"))
    bob = factories.ResourceFactory(name="Bob", capacity_fte=D("1"))
    factories.AllocationFactory(resource=alice, project=project, month=THIS_MONTH, fte=D("0.5"))
    factories.AllocationFactory(resource=alice, month=THIS_MONTH, fte=D("0.75"))
    factories.AllocationFactory(resource=bob, project=project, month=NEXT_MONTH, fte=D("0.25"))

    response = client_as(exec_user).get(project.get_absolute_url())

    html = section(response, "staffing")
    assert html.count('<th class="num">') == 6
    assert "Alice" in html
    assert "Bob" in html
    assert re.search(r'class="num load-over" title="Overloaded: 1.25 / 1.00 FTE', html)
    assert "1 resource is planned above capacity" in html
    assert reverse("projects:project_staffing", args=[project.pk]) in html
    assert "See the staffing" in html


@pytest.mark.django_db
def test_the_project_manager_is_offered_to_edit_the_staffing(client_as, pm_user, project):
    response = client_as(pm_user).get(project.get_absolute_url())

    html = section(response, "staffing")
    assert "Edit the staffing" in html
    assert "Nobody is planned on this project" in html


def count_queries(client, url) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries)


@pytest.mark.django_db
def test_the_staffing_panel_costs_the_same_queries_for_2_resources_as_for_20(
    client_as, pmo_user, project
):
    client = client_as(pmo_user)
    url = project.get_absolute_url()

    def staff(count):
        for resource in factories.ResourceFactory.create_batch(count):
            factories.ResourceCapacityFactory(resource=resource, month=THIS_MONTH)
            factories.AllocationFactory(resource=resource, project=project, month=THIS_MONTH)

    staff(2)
    count_queries(client, url)  # warm-up
    with_2 = count_queries(client, url)
    staff(18)

    assert count_queries(client, url) == with_2


# --- portfolio page -----------------------------------------------------------------------


@pytest.mark.django_db
def test_the_portfolio_page_charts_demand_against_capacity(client_as, exec_user, project):
    portfolio = project.portfolio
    alice = factories.ResourceFactory(name="Alice", portfolio=portfolio, capacity_fte=D("1"))
    factories.AllocationFactory(resource=alice, project=project, month=THIS_MONTH, fte=D("1.5"))

    response = client_as(exec_user).get(portfolio.get_absolute_url())

    html = section(response, "capacity-demand")
    assert '<svg viewBox="0 0 720 240" role="img"' in html
    assert '<title id="demand-chart-title">' in html
    assert html.count('class="demand-bar"') == 12
    assert html.count('<g class="month is-over">') == 1
    assert "demand 1.50 FTE, capacity 1.00 FTE" in html
    assert 'class="capacity-line"' in html
    assert f"?portfolio={portfolio.pk}&amp;first_month={THIS_MONTH:%Y-%m}" in html
    assert '<td class="num overdue">-0.50</td>' in html


@pytest.mark.django_db
def test_the_portfolio_panel_costs_the_same_queries_for_2_resources_as_for_20(
    client_as, pmo_user, project
):
    client = client_as(pmo_user)
    portfolio = project.portfolio
    url = portfolio.get_absolute_url()

    def staff(count):
        for resource in factories.ResourceFactory.create_batch(count, portfolio=portfolio):
            factories.ResourceCapacityFactory(resource=resource, month=THIS_MONTH)
            factories.AllocationFactory(resource=resource, project=project, month=NEXT_MONTH)

    staff(2)
    count_queries(client, url)  # warm-up
    with_2 = count_queries(client, url)
    staff(18)

    assert count_queries(client, url) == with_2


def demand(*pairs):
    return [
        MonthDemand(month=month_math.add_months(THIS_MONTH, i), demand=D(d), capacity=D(c))
        for i, (d, c) in enumerate(pairs)
    ]


@pytest.mark.parametrize(
    ("peak", "ceiling"),
    [("0", "1"), ("0.3", "0.5"), ("1", "1"), ("3.2", "5"), ("37", "50"), ("120", "200")],
)
def test_the_chart_axis_ends_at_a_round_value_above_the_peak(peak, ceiling):
    assert staffing_panels.nice_ceiling(D(peak)) == D(ceiling)


def test_the_chart_scales_bars_and_line_to_the_axis():
    chart = staffing_panels.demand_chart(demand(("2", "4"), ("5", "4"), ("0", "0")))

    top, bottom = 12, chart["baseline"]
    full = bottom - top
    assert [bar["height"] for bar in chart["bars"]] == [
        round(full * 2 / 5, 1),
        round(full, 1),
        0,
    ]
    assert [bar["cap_y"] for bar in chart["bars"]] == [
        round(bottom - full * 4 / 5, 1),
        round(bottom - full * 4 / 5, 1),
        bottom,
    ]
    assert [tick["label"] for tick in chart["ticks"]] == ["0", "2.5", "5"]


def test_an_empty_portfolio_draws_a_flat_chart_without_dividing_by_zero():
    chart = staffing_panels.demand_chart(demand(("0", "0"), ("0", "0")))

    assert {bar["height"] for bar in chart["bars"]} == {0}


# --- resource page ------------------------------------------------------------------------


@pytest.mark.django_db
def test_the_resource_page_shows_its_months_and_allocations_by_project(
    client_as, pmo_user, project
):
    alice = factories.ResourceFactory(name="Alice", capacity_fte=D("1"))
    factories.ResourceCapacityFactory(resource=alice, month=NEXT_MONTH, fte=D("0.5"))
    factories.AllocationFactory(resource=alice, project=project, month=THIS_MONTH, fte=D("0.4"))
    factories.AllocationFactory(resource=alice, project=project, month=NEXT_MONTH, fte=D("0.6"))

    response = client_as(pmo_user).get(alice.get_absolute_url())

    html = section(response, "allocations")
    assert project.code in html
    assert "40%" in html
    assert '<td class="num load load-over">120%</td>' in html
    assert "Planned above capacity in 1 month." in html
    assert f"{reverse('projects:allocation_create')}?resource={alice.pk}" in html


@pytest.mark.django_db
def test_an_inactive_resource_page_says_its_plan_is_over_allocated(client_as, exec_user, project):
    gone = factories.ResourceFactory(name="Gone", is_active=False)
    factories.AllocationFactory(resource=gone, project=project, month=THIS_MONTH, fte=D("0.4"))

    html = section(client_as(exec_user).get(gone.get_absolute_url()), "allocations")

    assert "This resource is inactive" in html
    assert "∞" in html
    assert "Plan on a project" not in html

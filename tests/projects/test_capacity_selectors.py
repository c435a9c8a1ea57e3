"""Capacity against demand: the heat map's cells, team rows, the portfolio filter, the
over-allocation alerts, a project's staffing, a portfolio's demand and their cost."""

import datetime
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from portfolio.models import Resource
from projects.selectors import capacity
from tests import factories

JAN = datetime.date(2026, 1, 1)
MARCH = datetime.date(2026, 3, 1)
AUGUST = datetime.date(2026, 8, 1)
D = Decimal


def allocate(resource, project, month, fte):
    return factories.AllocationFactory(resource=resource, project=project, month=month, fte=D(fte))


def grid_for(*resources, **kwargs):
    kwargs.setdefault("first_month", JAN)
    kwargs.setdefault("resources_qs", Resource.objects.filter(pk__in=[r.pk for r in resources]))
    return capacity.capacity_grid(**kwargs)


def row_of(grid, resource):
    return next(row for row in grid["rows"] if row.resource == resource)


def cell(grid, resource, month):
    return next(c for c in row_of(grid, resource).cells if c.month == month)


# --- cells --------------------------------------------------------------------------------


@pytest.mark.django_db
def test_a_month_with_an_override_has_its_capacity_the_others_the_usual_one(project):
    alice = factories.ResourceFactory(capacity_fte=D("1"))
    factories.ResourceCapacityFactory(resource=alice, month=AUGUST, fte=D("0.5"))
    allocate(alice, project, datetime.date(2026, 7, 1), "0.6")
    allocate(alice, project, AUGUST, "0.6")

    grid = grid_for(alice)

    july, august = cell(grid, alice, datetime.date(2026, 7, 1)), cell(grid, alice, AUGUST)
    assert (july.capacity, july.allocated, july.load, july.over) == (D("1"), D("0.6"), 60, False)
    assert (august.capacity, august.load, august.over, august.band) == (D("0.5"), 120, True, "over")


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("allocated", "load", "band"),
    [
        ("0", 0, "light"),
        ("0.79", 79, "light"),
        ("0.80", 80, "normal"),
        ("1", 100, "normal"),
        ("1.01", 101, "over"),
    ],
)
def test_the_load_band_is_light_below_80_normal_up_to_100_over_above(
    project, allocated, load, band
):
    alice = factories.ResourceFactory(capacity_fte=D("1"))
    allocate(alice, project, JAN, allocated)

    january = cell(grid_for(alice), alice, JAN)

    assert (january.load, january.band, january.over) == (load, band, band == "over")


@pytest.mark.django_db
def test_the_load_sums_every_project_of_the_month(project):
    alice = factories.ResourceFactory(capacity_fte=D("0.8"))
    allocate(alice, project, JAN, "0.5")
    allocate(alice, factories.ProjectFactory(), JAN, "0.5")

    january = cell(grid_for(alice), alice, JAN)

    assert (january.allocated, january.load, january.over) == (D("1.0"), 125, True)


@pytest.mark.django_db
def test_no_capacity_with_something_planned_is_over_allocated_without_a_load(project):
    nobody = factories.ResourceFactory(capacity_fte=D("0"))
    allocate(nobody, project, JAN, "0.2")

    grid = grid_for(nobody)

    january, february = grid["rows"][0].cells[:2]
    assert (january.load, january.over, january.band) == (None, True, "over")
    assert (february.load, february.over, february.band) == (None, False, "none")


@pytest.mark.django_db
def test_an_inactive_resource_gives_no_capacity_but_its_plan_shows_as_demand(project):
    gone = factories.ResourceFactory(is_active=False, capacity_fte=D("1"))
    allocate(gone, project, JAN, "0.5")
    idle = factories.ResourceFactory(is_active=False)

    grid = grid_for(gone, idle)

    assert [row.resource for row in grid["rows"]] == [gone]
    row = grid["rows"][0]
    assert row.is_active is False
    assert (row.cells[0].capacity, row.cells[0].allocated, row.cells[0].over) == (
        D("0"),
        D("0.5"),
        True,
    )
    assert grid["totals"][1].capacity == D("0")


@pytest.mark.django_db
def test_allocations_outside_the_window_are_left_out(project):
    alice = factories.ResourceFactory()
    allocate(alice, project, datetime.date(2025, 12, 1), "3")
    allocate(alice, project, datetime.date(2027, 1, 1), "3")

    grid = grid_for(alice)

    assert grid["months"][0] == JAN
    assert grid["months"][-1] == datetime.date(2026, 12, 1)
    assert all(c.allocated == 0 for c in grid["rows"][0].cells)


@pytest.mark.django_db
def test_the_totals_sum_the_rows_month_by_month(project):
    alice = factories.ResourceFactory(capacity_fte=D("1"))
    bob = factories.ResourceFactory(capacity_fte=D("0.5"))
    allocate(alice, project, JAN, "0.5")
    allocate(bob, project, JAN, "1")

    january = grid_for(alice, bob)["totals"][0]

    assert (january.capacity, january.allocated, january.over_count) == (D("1.5"), D("1.5"), 1)


@pytest.mark.django_db
def test_over_only_keeps_the_rows_over_capacity_in_some_month(project):
    alice = factories.ResourceFactory()
    bob = factories.ResourceFactory()
    allocate(alice, project, MARCH, "1.5")
    allocate(bob, project, MARCH, "0.5")

    grid = grid_for(alice, bob, over_only=True)

    assert [row.resource for row in grid["rows"]] == [alice]
    assert grid["over_rows"] == 1


# --- teams --------------------------------------------------------------------------------


@pytest.mark.django_db
def test_team_rows_sum_their_members_and_count_those_over(project):
    a1 = factories.ResourceFactory(team="Apps", capacity_fte=D("1"))
    a2 = factories.ResourceFactory(team="Apps", capacity_fte=D("1"))
    b1 = factories.ResourceFactory(team="Build", capacity_fte=D("0.5"))
    loner = factories.ResourceFactory(team="", capacity_fte=D("1"))
    allocate(a1, project, JAN, "1.5")
    allocate(a2, project, JAN, "0.2")
    allocate(b1, project, JAN, "0.5")

    grid = grid_for(a1, a2, b1, loner, group_by="team")

    assert [(row.label, row.members) for row in grid["rows"]] == [
        ("Apps", 2),
        ("Build", 1),
        ("No team", 1),
    ]
    apps = grid["rows"][0].cells[0]
    # The team has room overall, yet one of its members is overloaded.
    assert (apps.capacity, apps.allocated, apps.over, apps.over_count) == (
        D("2"),
        D("1.7"),
        False,
        1,
    )
    assert grid["rows"][1].cells[0].band == "normal"
    assert grid["totals"][0].over_count == 1


# --- the portfolio filter -----------------------------------------------------------------


@pytest.mark.django_db
def test_a_portfolio_shows_its_pool_and_whoever_is_planned_on_its_projects(project):
    portfolio = project.portfolio
    elsewhere = factories.ProjectFactory()
    pool_idle = factories.ResourceFactory(name="Pool idle", portfolio=portfolio)
    guest = factories.ResourceFactory(name="Guest", portfolio=elsewhere.portfolio)
    stranger = factories.ResourceFactory(name="Stranger", portfolio=elsewhere.portfolio)
    shared = factories.ResourceFactory(name="Shared")
    allocate(guest, project, MARCH, "0.5")
    allocate(guest, elsewhere, MARCH, "0.75")
    allocate(stranger, elsewhere, MARCH, "1")
    allocate(shared, elsewhere, MARCH, "1")

    grid = capacity.capacity_grid(first_month=JAN, portfolio=portfolio)

    assert [row.resource for row in grid["rows"]] == [guest, pool_idle]
    march = cell(grid, guest, MARCH)
    # Overload is about the person: every project counts, the portfolio's part is told apart.
    assert (march.allocated, march.on_portfolio, march.over) == (D("1.25"), D("0.5"), True)
    assert cell(grid, pool_idle, MARCH).on_portfolio == D("0")
    assert grid["totals"][2].on_portfolio == D("0.5")


@pytest.mark.django_db
def test_an_inactive_member_of_the_pool_shows_only_while_planned(project):
    portfolio = project.portfolio
    gone = factories.ResourceFactory(portfolio=portfolio, is_active=False)

    assert capacity.capacity_grid(first_month=JAN, portfolio=portfolio)["rows"] == []
    allocate(gone, factories.ProjectFactory(), MARCH, "0.5")
    assert [
        r.resource for r in capacity.capacity_grid(first_month=JAN, portfolio=portfolio)["rows"]
    ] == [gone]


# --- over-allocations ---------------------------------------------------------------------


@pytest.mark.django_db
def test_over_allocations_list_each_resource_and_month_above_capacity(project):
    alice = factories.ResourceFactory(name="Alice", capacity_fte=D("1"))
    bob = factories.ResourceFactory(name="Bob", capacity_fte=D("1"))
    gone = factories.ResourceFactory(name="Gone", is_active=False)
    factories.ResourceCapacityFactory(resource=bob, month=MARCH, fte=D("0.5"))
    allocate(alice, project, MARCH, "1.2")
    allocate(alice, project, JAN, "1")
    allocate(bob, project, MARCH, "0.6")
    allocate(gone, project, JAN, "0.3")

    alerts = capacity.over_allocations(first_month=JAN)

    assert [(a.resource, a.month, a.capacity, a.allocated, a.excess) for a in alerts] == [
        (gone, JAN, D("0"), D("0.3"), D("0.3")),
        (alice, MARCH, D("1"), D("1.2"), D("0.2")),
        (bob, MARCH, D("0.5"), D("0.6"), D("0.1")),
    ]


@pytest.mark.django_db
def test_over_allocations_are_limited_to_the_resources_given(project):
    alice = factories.ResourceFactory(team="Apps")
    bob = factories.ResourceFactory(team="Build")
    allocate(alice, project, MARCH, "2")
    allocate(bob, project, MARCH, "2")

    alerts = capacity.over_allocations(
        first_month=JAN, resources_qs=capacity.resource_pool(team="Build")
    )

    assert [a.resource for a in alerts] == [bob]


# --- cost ---------------------------------------------------------------------------------


def pool_of(size: int, projects) -> list:
    """``size`` resources, each with an override and allocations on two projects."""
    resources = factories.ResourceFactory.create_batch(size, team="Apps")
    for i, resource in enumerate(resources):
        factories.ResourceCapacityFactory(resource=resource, month=AUGUST, fte=D("0.5"))
        for k, project in enumerate(projects):
            allocate(resource, project, datetime.date(2026, 1 + (i + k) % 12, 1), "0.6")
    return resources


def queries(function, **kwargs) -> int:
    with CaptureQueriesContext(connection) as context:
        function(**kwargs)
    return len(context.captured_queries)


@pytest.mark.django_db
@pytest.mark.parametrize("group_by", ["resource", "team"])
def test_the_heat_map_costs_three_queries_for_5_resources_as_for_50(project, group_by):
    projects = [project, factories.ProjectFactory(portfolio=project.portfolio)]
    pool_of(5, projects)
    for_5 = queries(capacity.capacity_grid, first_month=JAN, group_by=group_by)
    pool_of(45, projects)
    grid = capacity.capacity_grid(first_month=JAN, group_by=group_by)
    for_50 = queries(
        capacity.capacity_grid, first_month=JAN, group_by=group_by, portfolio=project.portfolio
    )

    assert for_5 == 3
    assert for_50 == 3
    assert sum(row.members for row in grid["rows"]) == 50


@pytest.mark.django_db
def test_over_allocations_cost_three_queries_whatever_the_pool(project):
    pool_of(5, [project])
    for_5 = queries(capacity.over_allocations, first_month=JAN)
    pool_of(45, [project, factories.ProjectFactory()])

    assert for_5 == queries(capacity.over_allocations, first_month=JAN) == 3


# --- a project, a portfolio, a resource ---------------------------------------------------


@pytest.mark.django_db
def test_a_projects_staffing_shows_its_fte_and_each_resources_whole_load(project):
    alice = factories.ResourceFactory(name="Alice", capacity_fte=D("1"))
    bob = factories.ResourceFactory(name="Bob", capacity_fte=D("1"))
    allocate(alice, project, JAN, "0.5")
    allocate(alice, factories.ProjectFactory(), JAN, "0.75")
    allocate(bob, project, MARCH, "0")
    allocate(factories.ResourceFactory(), factories.ProjectFactory(), JAN, "1")

    staffing = capacity.project_staffing(project, first_month=JAN, months=6)

    assert [row.resource for row in staffing["rows"]] == [alice, bob]
    alice_jan = staffing["rows"][0].cells[0]
    assert (alice_jan.fte, alice_jan.allocated, alice_jan.over) == (D("0.5"), D("1.25"), True)
    assert staffing["rows"][0].cells[1].fte is None
    assert staffing["rows"][1].cells[2].fte == D("0")
    assert staffing["rows"][0].is_over
    assert not staffing["rows"][1].is_over
    assert staffing["totals"][:3] == [D("0.5"), D("0"), D("0")]


@pytest.mark.django_db
def test_a_projects_staffing_costs_three_queries_for_2_resources_as_for_20(project):
    other = factories.ProjectFactory()
    for resource in factories.ResourceFactory.create_batch(2):
        allocate(resource, project, JAN, "0.5")
        allocate(resource, other, JAN, "0.5")
    small = queries(capacity.project_staffing, project=project, first_month=JAN)
    for resource in factories.ResourceFactory.create_batch(18):
        allocate(resource, project, MARCH, "0.5")
        factories.ResourceCapacityFactory(resource=resource, month=MARCH)

    assert small == queries(capacity.project_staffing, project=project, first_month=JAN) == 3


@pytest.mark.django_db
def test_a_portfolios_demand_is_its_projects_plan_against_its_active_pool(project):
    portfolio = project.portfolio
    alice = factories.ResourceFactory(portfolio=portfolio, capacity_fte=D("1"))
    factories.ResourceFactory(portfolio=portfolio, capacity_fte=D("1"), is_active=False)
    bob = factories.ResourceFactory(portfolio=portfolio, capacity_fte=D("0.5"))
    factories.ResourceCapacityFactory(resource=bob, month=MARCH, fte=D("0"))
    guest = factories.ResourceFactory()
    allocate(alice, project, JAN, "1")
    allocate(guest, project, JAN, "1")
    allocate(alice, factories.ProjectFactory(), MARCH, "1")

    demand = capacity.portfolio_demand(portfolio, first_month=JAN, months=3)

    assert [(m.month, m.demand, m.capacity, m.gap, m.over) for m in demand] == [
        (JAN, D("2"), D("1.5"), D("-0.5"), True),
        (datetime.date(2026, 2, 1), D("0"), D("1.5"), D("1.5"), False),
        (MARCH, D("0"), D("1"), D("1"), False),
    ]


@pytest.mark.django_db
def test_a_resources_months_and_allocations_by_project(project):
    alice = factories.ResourceFactory(capacity_fte=D("1"))
    factories.ResourceCapacityFactory(resource=alice, month=MARCH, fte=D("0.5"))
    other = factories.ProjectFactory(code="ZZZ-1")
    allocate(alice, project, JAN, "0.5")
    allocate(alice, other, JAN, "0.25")
    allocate(alice, other, MARCH, "0.75")

    data = capacity.resource_allocations(alice, first_month=JAN, months=3)

    assert [(c.capacity, c.allocated, c.load) for c in data["cells"]] == [
        (D("1"), D("0.75"), 75),
        (D("1"), D("0"), 0),
        (D("0.5"), D("0.75"), 150),
    ]
    assert [(e["project"], e["ftes"], e["total"]) for e in data["projects"]] == [
        (project, [D("0.5"), None, None], D("0.5")),
        (other, [D("0.25"), None, D("0.75")], D("1.00")),
    ]

"""The PMO narrows the dashboard in a real browser, then opens a project from it."""

import re
from decimal import Decimal

import pytest
from playwright.sync_api import expect

from projects.choices import Phase, Rating
from tests import factories
from tests.e2e.conftest import login

# The live server answers from another thread, on its own connection: the data must be
# committed. serialized_rollback brings back what the migrations wrote (the role groups, the
# singletons) after the flush that ends each transactional test.
pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def project_with_status(code: str, phase: str, **ratings):
    """An active project whose latest submitted status has ``ratings`` (the rest green)."""
    project = factories.ProjectFactory(code=code, phase=phase)
    # An estimate to complete equal to the budget: the computed cost agrees with a green one.
    report = factories.StatusReportFactory(
        project=project, submitted=True, estimate_to_complete=Decimal("500000.00"), **ratings
    )
    project.last_status = report
    project.save(update_fields=["last_status"])
    return project


@pytest.fixture
def portfolio_projects(db):
    """In execution: one red (needs attention), one all green; in planning: one red."""
    return {
        "red": project_with_status("E2E-RED", Phase.EXECUTION, cost_rating=Rating.RED),
        "green": project_with_status("E2E-GREEN", Phase.EXECUTION),
        "planning": project_with_status("E2E-PLAN", Phase.PLANNING, delay_rating=Rating.RED),
    }


def shown_codes(page) -> list[str]:
    return page.locator("#dashboard-grid tr[data-project]").evaluate_all(
        "rows => rows.map(row => row.dataset.project)"
    )


def test_pmo_filters_the_dashboard_in_place_then_opens_a_project(
    page, pmo_user, portfolio_projects
):
    red = portfolio_projects["red"]
    rows = page.locator("#dashboard-grid tr[data-project]")
    filters = page.locator("form#dashboard-filters")
    login(page, pmo_user)
    page.goto("/dashboard/")
    expect(rows).to_have_count(3)
    # Gone after a full page load: its presence at the end proves the rows were swapped in.
    page.evaluate("window.e2eSamePage = true")

    filters.locator("select[name=phase]").select_option(Phase.EXECUTION)
    expect(page).to_have_url(re.compile(r"[?&]phase=execution"))
    expect(rows).to_have_count(2)
    assert sorted(shown_codes(page)) == ["E2E-GREEN", "E2E-RED"]

    filters.locator("input[name=attention]").check()
    # A Django checkbox without a value attribute: the browser sends "on" (the server takes
    # "1" as well, the value of the links that spell the filter out).
    expect(page).to_have_url(re.compile(r"[?&]attention=(1|on)(&|$)"))
    expect(rows).to_have_count(1)
    assert shown_codes(page) == ["E2E-RED"]
    assert page.evaluate("window.e2eSamePage === true")

    # The URL keeps the filters: loaded again, it shows the same rows and the same choices.
    page.reload()
    expect(rows).to_have_count(1)
    expect(filters.locator("select[name=phase]")).to_have_value(Phase.EXECUTION)
    expect(filters.locator("input[name=attention]")).to_be_checked()

    page.locator('#dashboard-grid tr[data-project="E2E-RED"]').get_by_role(
        "link", name="E2E-RED"
    ).first.click()
    expect(page).to_have_url(re.compile(re.escape(red.get_absolute_url()) + "$"))
    expect(page.locator("h1")).to_contain_text(red.name)

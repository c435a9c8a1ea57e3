"""A project manager files this week's status from "My week", in a real browser."""

import re

import pytest
from playwright.sync_api import expect

from projects.choices import ReportState
from projects.models import StatusReport
from tests.e2e.conftest import login

# The live server answers from another thread, on its own connection: the data must be
# committed. serialized_rollback brings back what the migrations wrote (the role groups, the
# singletons) after the flush that ends each transactional test.
pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def pick(page, name: str, value: str) -> None:
    """Choose one chip of a radio group by clicking its label (the radio itself is hidden)."""
    page.locator(f"label.chip:has(input[name={name}][value={value}])").click()
    expect(page.locator(f"input[name={name}][value={value}]")).to_be_checked()


def test_project_manager_files_this_weeks_status_from_my_week(page, pm_user, project):
    login(page, pm_user)
    page.get_by_role("navigation", name="Main navigation").get_by_role(
        "link", name="My week"
    ).click()
    expect(page.get_by_role("heading", name="My week")).to_be_visible()
    row = page.locator("table.my-week tbody tr", has=page.get_by_role("link", name=str(project)))
    # Before or after the deadline depending on the day the suite runs: either word will do.
    submitted = re.compile(r"^Submitted( late)?$")
    expect(row.locator(".badge")).not_to_have_text(submitted)

    row.get_by_role("link", name="File").click()
    expect(page.locator("form.status-form")).to_be_visible()
    pick(page, "weather", "cloudy")
    pick(page, "quality_rating", "green")
    pick(page, "cost_rating", "amber")
    page.fill("textarea[name=cost_comment]", "Licences renewed at a higher price.")
    pick(page, "delay_rating", "green")
    pick(page, "risk_rating", "amber")
    page.fill("textarea[name=risk_comment]", "Supplier short of testers in May.")
    page.fill("input[name=progress]", "45")
    page.fill("textarea[name=achievements]", "Pilot site live.")
    page.get_by_role("button", name="Submit", exact=True).click()

    expect(page.locator(".messages")).to_contain_text("submitted")
    expect(page.locator(".page-head .badge")).to_have_text("Submitted")
    report = StatusReport.objects.get(project=project, state=ReportState.SUBMITTED)
    assert (report.weather, report.cost_rating, report.risk_rating, report.progress) == (
        "cloudy",
        "amber",
        "amber",
        45,
    )
    assert report.cost_comment == "Licences renewed at a higher price."
    assert report.submitted_by == pm_user
    project.refresh_from_db()
    assert project.last_status == report

    page.goto("/my-week/")
    expect(row.locator(".badge")).to_have_text(submitted)
    expect(row.get_by_role("link", name="View")).to_be_visible()

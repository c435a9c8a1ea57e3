"""An executive reviews a project's gate in a real browser: the checklist checked, a go, and
the project moves to the next phase, its gate history showing the decision."""

import datetime
import re

import pytest
from playwright.sync_api import expect

from projects.choices import Phase
from tests import factories
from tests.e2e.conftest import login

# The live server answers from another thread, on its own connection: the data must be
# committed. serialized_rollback brings back what the migrations wrote (the role groups and
# the gate templates).
pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def test_an_executive_passes_a_project_through_its_gate(page, exec_user):
    project = factories.ProjectFactory(
        code="E2E-GATE", phase=Phase.PLANNING, baseline_start=datetime.date(2026, 1, 5)
    )
    login(page, exec_user)
    page.goto(f"/projects/{project.pk}/")
    page.get_by_role("link", name="Review the gate").click()

    form = page.locator("form").filter(has=page.get_by_role("button", name="Record the decision"))
    # A go with an item left unchecked is refused, next to the decision.
    form.locator("select[name=decision]").select_option("go")
    form.get_by_role("button", name="Record the decision").click()
    expect(page.locator(".error, .errorlist").first).to_be_visible()

    checkboxes = form.locator("table.gate-checklist input[type=checkbox]")
    for index in range(checkboxes.count()):
        checkboxes.nth(index).check()
    form.locator("select[name=decision]").select_option("go")
    form.get_by_role("button", name="Record the decision").click()

    # Back on the project page, at its gate history.
    expect(page).to_have_url(re.compile(rf"/projects/{project.pk}/#gates$"))
    expect(page.locator("body")).to_contain_text("Execution")
    expect(page.locator("body")).to_contain_text("G2")
    project.refresh_from_db()
    assert project.phase == Phase.EXECUTION

"""Pages of the RAID log and change control: who sees and does what, the heat map, the
workflow steps, the forms, the lists and their cost."""

import datetime
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape

from projects.choices import Phase
from risks import services
from risks.choices import ActionStatus, ChangeState, DecisionState, IssueStatus, RiskStatus
from risks.models import Action, ChangeRequest, Decision, Issue, Risk, RiskPolicy
from tests import factories
from tests.conftest import ROLES
from tests.pages import assert_field_error, field_block, table_records

TODAY = timezone.localdate()
DAY = datetime.timedelta(days=1)

READERS = {
    "anonymous": 302,
    "no_role": 403,
    "pm_own": 200,
    "pm_other": 200,
    "pmo": 200,
    "exec": 200,
    "integration": 200,
}
PMO_ONLY = {**READERS, "pm_own": 403, "pm_other": 403, "exec": 403, "integration": 403}
# Pages about the ``project`` fixture's project, managed by "pm_own".
ITS_PROJECT_MANAGER_TOO = {**PMO_ONLY, "pm_own": 200}
# Adding somewhere: any project manager may, to their own projects.
PROJECT_MANAGERS_TOO = {**PMO_ONLY, "pm_own": 200, "pm_other": 200}

KINDS = ("risk", "issue", "action", "decision", "change")

EXPECTED = {
    **{f"{kind}_list": READERS for kind in KINDS},
    **{f"{kind}_detail": READERS for kind in KINDS},
    **{f"{kind}_create": PROJECT_MANAGERS_TOO for kind in KINDS},
    **{f"{kind}_create_for_project": ITS_PROJECT_MANAGER_TOO for kind in KINDS},
    **{f"{kind}_edit": ITS_PROJECT_MANAGER_TOO for kind in KINDS},
    "risk_policy": PMO_ONLY,
}


@pytest.fixture
def records(project):
    """One record of each kind on the ``project`` fixture's project, in an editable state."""
    risk = factories.RiskFactory(project=project)
    return {
        "risk": risk,
        "issue": factories.IssueFactory(project=project, risk=risk),
        "action": factories.ActionFactory(project=project),
        "decision": factories.DecisionFactory(project=project, risk=risk),
        "change": factories.ChangeRequestFactory(project=project),
    }


def page_url(page, project, records):
    if page == "risk_policy":
        return reverse("risks:risk_policy")
    kind, _, view = page.partition("_")
    if view == "create_for_project":
        return f"{reverse(f'risks:{kind}_create')}?project={project.pk}"
    if view in ("detail", "edit"):
        return reverse(f"risks:{kind}_{view}", args=[records[kind].pk])
    return reverse(f"risks:{kind}_{view}")


def follow(client, url, data=None):
    """POST ``data`` to ``url`` and follow the redirect to the page showing the outcome."""
    return client.post(url, data or {}, follow=True)


# --- permission matrix ------------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("page", list(EXPECTED))
def test_page_answers_each_role_as_the_rules_say(
    client_in_role, project, records, other_pm_user, page, role
):
    # "pm_other" manages a project too, just not this one.
    factories.ProjectFactory(project_manager=other_pm_user)

    response = client_in_role(role).get(page_url(page, project, records))

    assert response.status_code == EXPECTED[page][role]
    if role == "anonymous":
        assert response["Location"].startswith(f"{reverse('login')}?next=")


# Each step, the record it needs, the roles allowed (the others get 403) and its form.
STEPS = {
    "risk_escalate": ("risk", {"pm_own", "pmo"}, {}),
    "risk_close": ("risk", {"pm_own", "pmo"}, {"risk_close-closure_note": "Gone."}),
    "risk_occurred": ("risk", {"pm_own", "pmo"}, {}),
    "issue_resolve": ("issue", {"pm_own", "pmo"}, {"issue_resolve-resolution": "Fixed."}),
    "decision_take": ("decision", {"pmo", "exec"}, {"decision_take-outcome": "Go with A."}),
    "decision_withdraw": ("decision", {"pm_own", "pmo"}, {}),
    "change_submit": ("change", {"pm_own", "pmo"}, {}),
    "change_withdraw": ("change", {"pm_own", "pmo"}, {}),
    "change_approve": ("submitted_change", {"pmo", "exec"}, {}),
    "change_reject": (
        "submitted_change",
        {"pmo", "exec"},
        {"change_reject-decision_reason": "No."},
    ),
    "change_implement": ("approved_change", {"pm_own", "pmo"}, {}),
}


def step_record(kind, records):
    if kind == "submitted_change":
        change = records["change"]
        ChangeRequest.objects.filter(pk=change.pk).update(state=ChangeState.SUBMITTED)
        return change
    if kind == "approved_change":
        change = records["change"]
        ChangeRequest.objects.filter(pk=change.pk).update(state=ChangeState.APPROVED)
        return change
    return records[kind]


@pytest.mark.django_db
@pytest.mark.parametrize("role", [r for r in ROLES if r != "anonymous"])
@pytest.mark.parametrize("step", list(STEPS))
def test_a_workflow_step_is_refused_with_403_to_whoever_may_not_take_it(
    client_in_role, records, other_pm_user, step, role
):
    kind, allowed, data = STEPS[step]
    record = step_record(kind, records)
    before = type(record).objects.get(pk=record.pk).updated_at

    response = client_in_role(role).post(reverse(f"risks:{step}", args=[record.pk]), data)

    if role in allowed:
        assert response.status_code == 302
        assert type(record).objects.get(pk=record.pk).updated_at > before
    else:
        assert response.status_code == 403
        assert type(record).objects.get(pk=record.pk).updated_at == before


@pytest.mark.django_db
@pytest.mark.parametrize("step", list(STEPS))
def test_a_workflow_step_sends_an_anonymous_visitor_to_the_login(client, records, step):
    kind, _allowed, data = STEPS[step]
    record = step_record(kind, records)

    response = client.post(reverse(f"risks:{step}", args=[record.pk]), data)

    assert response.status_code == 302
    assert response["Location"].startswith(f"{reverse('login')}?next=")


@pytest.mark.django_db
@pytest.mark.parametrize("step", ["risk_close", "change_submit"])
def test_a_workflow_step_answers_get_with_405(client_in_role, records, step):
    kind, _allowed, _data = STEPS[step]

    response = client_in_role("pmo").get(reverse(f"risks:{step}", args=[records[kind].pk]))

    assert response.status_code == 405


@pytest.mark.django_db
def test_a_project_manager_may_not_edit_another_managers_risk(client_in_role, other_pm_user):
    theirs = factories.RiskFactory(project__project_manager=other_pm_user, title="Theirs")

    response = client_in_role("pm_own").post(
        reverse("risks:risk_edit", args=[theirs.pk]), risk_data(theirs.project, title="Mine")
    )

    assert response.status_code == 403
    theirs.refresh_from_db()
    assert theirs.title == "Theirs"


@pytest.mark.django_db
def test_a_project_manager_may_not_close_a_risk_of_a_closed_project(client_in_role, pm_user):
    risk = factories.RiskFactory(
        project=factories.ProjectFactory(project_manager=pm_user, phase=Phase.CLOSED)
    )

    response = client_in_role("pm_own").post(
        reverse("risks:risk_close", args=[risk.pk]), {"risk_close-closure_note": "Done."}
    )

    assert response.status_code == 403
    risk.refresh_from_db()
    assert risk.status == RiskStatus.OPEN


# --- navigation -------------------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize("role", ["pm_own", "pmo", "exec", "integration"])
def test_the_navigation_offers_the_raid_log_and_change_requests_to_every_role(client_in_role, role):
    response = client_in_role(role).get(reverse("home"))

    urls = [item["url"] for item in response.context["nav_items"]]
    assert reverse("risks:risk_list") in urls
    assert reverse("risks:change_list") in urls
    assert (reverse("projects:reporting_calendar") in urls) is (role == "pmo")


@pytest.mark.django_db
def test_the_risk_policy_is_a_tab_of_the_pmos_settings(client_in_role):
    response = client_in_role("pmo").get(reverse("risks:risk_policy"))

    tabs = {tab["url"]: tab["active"] for tab in response.context["section_tabs"]}
    assert tabs[reverse("risks:risk_policy")] is True
    assert tabs[reverse("projects:reporting_calendar")] is False


@pytest.mark.django_db
@pytest.mark.parametrize("kind", ["risk", "issue", "action", "decision"])
def test_the_raid_log_item_is_active_on_every_raid_page(client_in_role, kind):
    response = client_in_role("exec").get(reverse(f"risks:{kind}_list"))

    active = [item["url"] for item in response.context["nav_items"] if item["active"]]
    assert active == [reverse("risks:risk_list")]
    tabs = [tab["url"] for tab in response.context["section_tabs"] if tab["active"]]
    assert tabs == [reverse(f"risks:{kind}_list")]
    assert 'class="tabs"' in response.text


@pytest.mark.django_db
def test_the_change_requests_page_has_its_own_active_item_and_no_raid_tabs(client_in_role):
    response = client_in_role("exec").get(reverse("risks:change_list"))

    active = [item["url"] for item in response.context["nav_items"] if item["active"]]
    assert active == [reverse("risks:change_list")]
    assert "section_tabs" not in response.context
    assert 'class="tabs"' not in response.text


# --- heat map ---------------------------------------------------------------------------


def heat_cell(response, probability, impact):
    """The cell of the page's heat map at (probability, impact)."""
    grid = response.context["heat_map"]
    row = next(r for r in grid["rows"] if r["impact"] == impact)
    return next(c for c in row["cells"] if c["probability"] == probability)


@pytest.fixture
def scattered_risks(project):
    """Three live risks at P3/I4, one at P5/I5, a closed one at P3/I4 and one elsewhere."""
    at_3_4 = [factories.RiskFactory(project=project, probability=3, impact=4) for _ in range(3)]
    factories.RiskFactory(project=project, probability=5, impact=5)
    factories.RiskFactory(project=project, probability=3, impact=4, status=RiskStatus.CLOSED)
    factories.RiskFactory(probability=3, impact=4)
    return at_3_4


@pytest.mark.django_db
def test_the_heat_map_counts_the_risks_of_each_cell_and_links_to_exactly_those(
    client_in_role, project, scattered_risks
):
    client = client_in_role("exec")

    response = client.get(reverse("risks:risk_list"), {"project": project.pk, "live": "true"})

    cell = heat_cell(response, 3, 4)
    assert cell["count"] == 3
    assert 'data-cell="3-4">3</a>' in response.text
    assert "probability=3" in cell["url"]
    assert "impact=4" in cell["url"]
    assert f"project={project.pk}" in cell["url"]
    listed = client.get(cell["url"])
    assert sorted(r.pk for r in table_records(listed)) == sorted(r.pk for r in scattered_risks)


@pytest.mark.django_db
def test_the_heat_map_is_drawn_above_the_table_with_impact_5_at_the_top(
    client_in_role, scattered_risks
):
    response = client_in_role("exec").get(reverse("risks:risk_list"))

    grid = response.context["heat_map"]
    assert [row["impact"] for row in grid["rows"]] == [5, 4, 3, 2, 1]
    assert [cell["probability"] for cell in grid["rows"][0]["cells"]] == [1, 2, 3, 4, 5]
    assert response.text.index('class="heat-map"') < response.text.index('class="table"')
    assert 'class="heat band-critical" title="Probability 5 × impact 5 = 25"' in response.text


@pytest.mark.django_db
def test_the_risk_list_opens_on_the_live_risks_and_its_heat_map_counts_them(
    client_in_role, scattered_risks
):
    response = client_in_role("exec").get(reverse("risks:risk_list"))

    assert heat_cell(response, 3, 4)["count"] == 4  # three here, one on another project
    assert all(r.status == RiskStatus.OPEN for r in table_records(response))
    assert response.context["filter"].form["live"].value() == "true"


@pytest.mark.django_db
def test_the_risk_list_shows_closed_risks_when_asked_for_any(client_in_role, scattered_risks):
    response = client_in_role("exec").get(reverse("risks:risk_list"), {"live": ""})

    assert len(table_records(response)) == 6
    assert heat_cell(response, 3, 4)["count"] == 5


@pytest.mark.django_db
def test_the_heat_map_follows_the_portfolio_filter(client_in_role, project, scattered_risks):
    response = client_in_role("exec").get(
        reverse("risks:risk_list"), {"portfolio": project.portfolio_id, "live": "true"}
    )

    assert heat_cell(response, 3, 4)["count"] == 3
    assert response.context["heat_map"]["total"] == 4


@pytest.mark.django_db
def test_the_residual_heat_map_counts_residual_assessments(client_in_role, project):
    for _ in range(2):
        factories.RiskFactory(
            project=project, probability=4, impact=4, residual_probability=2, residual_impact=3
        )
    factories.RiskFactory(project=project, probability=4, impact=4)
    client = client_in_role("exec")

    response = client.get(reverse("risks:risk_list"), {"basis": "residual"})

    cell = heat_cell(response, 2, 3)
    assert response.context["heat_map"]["residual"] is True
    assert cell["count"] == 2
    assert heat_cell(response, 4, 4)["count"] == 0
    assert "residual_probability=2" in cell["url"]
    assert "residual_impact=3" in cell["url"]
    assert "basis=residual" in cell["url"]
    assert "1 risk without a residual assessment is left out." in response.text
    assert len(table_records(client.get(cell["url"]))) == 2


@pytest.mark.django_db
def test_the_heat_map_toggle_keeps_the_filters(client_in_role, project):
    factories.RiskFactory(project=project)

    response = client_in_role("exec").get(
        reverse("risks:risk_list"), {"project": project.pk, "page": 1}
    )

    assert response.context["residual_url"] == (
        f"{reverse('risks:risk_list')}?project={project.pk}&basis=residual"
    )
    assert response.context["inherent_url"] == f"{reverse('risks:risk_list')}?project={project.pk}"


@pytest.mark.django_db
def test_an_htmx_request_to_the_risk_list_refreshes_the_heat_map_with_the_table(
    client_in_role, project, scattered_risks
):
    response = client_in_role("exec").get(
        reverse("risks:risk_list"),
        {"project": project.pk, "live": "true"},
        headers={"HX-Request": "true"},
    )

    assert "<html" not in response.text
    assert 'class="heat-map"' in response.text
    assert 'data-cell="3-4">3</a>' in response.text
    assert 'class="table"' in response.text


@pytest.mark.django_db
def test_the_filter_form_keeps_the_residual_basis(client_in_role):
    response = client_in_role("exec").get(reverse("risks:risk_list"), {"basis": "residual"})

    assert '<input type="hidden" name="basis" value="residual">' in response.text


# --- lists ------------------------------------------------------------------------------


@pytest.mark.django_db
def test_the_risk_list_shows_score_badges_by_band_and_escalation_flags(client_in_role, project):
    RiskPolicy.objects.create(escalation_threshold=12)
    factories.RiskFactory(project=project, probability=3, impact=4, title="Proposed")
    factories.RiskFactory(
        project=project, probability=5, impact=5, escalated_at=timezone.now(), title="Up"
    )
    factories.RiskFactory(project=project, probability=1, impact=2, title="Small")

    response = client_in_role("exec").get(reverse("risks:risk_list"))

    assert '<span class="badge score band-critical">12</span>' in response.text
    assert '<span class="badge score band-low">2</span>' in response.text
    assert '<span class="badge flag-proposed">Proposed</span>' in response.text
    assert '<span class="badge flag-escalated">Escalated</span>' in response.text


@pytest.mark.django_db
def test_the_risk_list_flags_an_overdue_review(client_in_role, project):
    factories.RiskFactory(project=project, next_review_date=TODAY - DAY)

    response = client_in_role("exec").get(reverse("risks:risk_list"))

    assert '<span class="badge flag-overdue">overdue</span>' in response.text


@pytest.mark.django_db
def test_the_risk_list_names_the_programme_of_a_programme_risk(client_in_role):
    programme = factories.ProgrammeFactory(name="Data platform")
    factories.RiskFactory(project=None, programme=programme)

    response = client_in_role("exec").get(reverse("risks:risk_list"))

    assert 'Data platform</a> <span class="muted">(programme)</span>' in response.text


@pytest.mark.django_db
def test_the_action_list_flags_overdue_actions_in_red(client_in_role, project):
    factories.ActionFactory(project=project, due_date=TODAY - DAY, title="Late")
    factories.ActionFactory(project=project, due_date=TODAY + DAY, title="On time")

    response = client_in_role("exec").get(reverse("risks:action_list"))

    late, on_time = response.text.split("Late", 1)[1].split("On time", 1)
    assert 'class="overdue"' in late
    assert 'class="overdue"' not in on_time


@pytest.mark.django_db
def test_the_action_list_opens_on_pending_actions(client_in_role, project):
    factories.ActionFactory(project=project, title="Open")
    factories.ActionFactory(project=project, title="Done", status=ActionStatus.DONE)

    response = client_in_role("exec").get(reverse("risks:action_list"))

    assert [a.title for a in table_records(response)] == ["Open"]


@pytest.mark.django_db
def test_the_action_list_links_each_action_to_its_origin(client_in_role, project):
    risk = factories.RiskFactory(project=project)
    factories.ActionFactory(project=project, origin="risk", risk=risk)

    response = client_in_role("exec").get(reverse("risks:action_list"))

    assert f'A risk <a href="{risk.get_absolute_url()}">{risk.reference}</a>' in response.text


@pytest.mark.django_db
def test_the_issue_and_decision_lists_open_on_what_is_pending(client_in_role, project):
    factories.IssueFactory(project=project, title="Open issue")
    factories.IssueFactory(project=project, title="Old issue", status=IssueStatus.RESOLVED)
    factories.DecisionFactory(project=project, title="Pending")
    factories.DecisionFactory(project=project, title="Gone", state=DecisionState.WITHDRAWN)
    client = client_in_role("exec")

    issues = client.get(reverse("risks:issue_list"))
    decisions = client.get(reverse("risks:decision_list"))

    assert [i.title for i in table_records(issues)] == ["Open issue"]
    assert [d.title for d in table_records(decisions)] == ["Pending"]


@pytest.mark.django_db
def test_the_change_request_list_shows_the_signed_deltas(client_in_role, project):
    factories.ChangeRequestFactory(
        project=project, cost_delta_capex=Decimal("50000"), cost_delta_opex=Decimal("-1500")
    )

    response = client_in_role("exec").get(reverse("risks:change_list"))

    assert '<td class="num">+50,000</td>' in response.text
    assert '<td class="num">-1,500</td>' in response.text
    assert "+30 days" in response.text


@pytest.mark.django_db
def test_the_new_risk_button_shows_only_to_who_may_add(client_in_role, project):
    for role, shown in (("pmo", True), ("pm_own", True), ("exec", False), ("integration", False)):
        response = client_in_role(role).get(reverse("risks:risk_list"))

        assert (f'href="{reverse("risks:risk_create")}"' in response.text) is shown, role


# --- detail pages and their buttons -----------------------------------------------------


def step_names(response):
    return [step["name"] for step in response.context["steps"]]


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("role", "steps"),
    [
        ("pm_own", ["risk_escalate", "risk_close", "risk_occurred"]),
        ("pmo", ["risk_escalate", "risk_close", "risk_occurred"]),
        ("exec", []),
        ("pm_other", []),
        ("integration", []),
    ],
)
def test_the_risk_page_offers_the_steps_its_reader_may_take(client_in_role, records, role, steps):
    response = client_in_role(role).get(records["risk"].get_absolute_url())

    assert step_names(response) == steps
    for name in steps:
        assert f'action="{reverse(f"risks:{name}", args=[records["risk"].pk])}"' in response.text


@pytest.mark.django_db
def test_an_escalated_risk_no_longer_offers_escalation(client_in_role, records):
    services.risk_escalate(records["risk"])

    response = client_in_role("pm_own").get(records["risk"].get_absolute_url())

    assert step_names(response) == ["risk_close", "risk_occurred"]


@pytest.mark.django_db
def test_a_closed_risk_offers_no_step_and_no_edit_button(client_in_role, records):
    risk = records["risk"]
    services.risk_close(risk, note="Gone.")

    response = client_in_role("pm_own").get(risk.get_absolute_url())

    assert step_names(response) == []
    assert reverse("risks:risk_edit", args=[risk.pk]) not in response.text


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("state", "role", "steps"),
    [
        (ChangeState.DRAFT, "pm_own", ["change_submit", "change_withdraw"]),
        (ChangeState.DRAFT, "exec", []),
        (ChangeState.SUBMITTED, "pm_own", ["change_withdraw"]),
        (ChangeState.SUBMITTED, "exec", ["change_approve", "change_reject"]),
        (
            ChangeState.SUBMITTED,
            "pmo",
            ["change_approve", "change_reject", "change_withdraw"],
        ),
        (ChangeState.APPROVED, "pm_own", ["change_implement"]),
        (ChangeState.APPROVED, "exec", []),
        (ChangeState.REJECTED, "pmo", []),
    ],
)
def test_the_change_request_page_offers_the_steps_of_its_state_and_reader(
    client_in_role, project, state, role, steps
):
    reason = "No." if state == ChangeState.REJECTED else ""
    change = factories.ChangeRequestFactory(project=project, state=state, decision_reason=reason)

    response = client_in_role(role).get(change.get_absolute_url())

    assert step_names(response) == steps


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("role", "steps"),
    [
        ("pm_own", ["decision_withdraw"]),
        ("exec", ["decision_take"]),
        ("pmo", ["decision_take", "decision_withdraw"]),
        ("integration", []),
    ],
)
def test_the_decision_page_offers_taking_it_to_decision_makers_only(
    client_in_role, records, role, steps
):
    response = client_in_role(role).get(records["decision"].get_absolute_url())

    assert step_names(response) == steps


@pytest.mark.django_db
def test_the_risk_page_links_its_issues_actions_and_decisions(client_in_role, records):
    risk = records["risk"]
    action = factories.ActionFactory(project=risk.project, origin="risk", risk=risk)

    response = client_in_role("exec").get(risk.get_absolute_url())

    for linked in (records["issue"], action, records["decision"]):
        assert f'href="{linked.get_absolute_url()}"' in response.text


@pytest.mark.django_db
def test_the_issue_page_links_the_risk_it_came_from(client_in_role, records):
    response = client_in_role("exec").get(records["issue"].get_absolute_url())

    assert f'<a href="{records["risk"].get_absolute_url()}">' in response.text


@pytest.mark.django_db
def test_the_risk_page_offers_adding_an_action_from_it_to_who_may(client_in_role, records):
    risk = records["risk"]
    add = f"{reverse('risks:action_create')}?project={risk.project_id}&amp;origin=risk&amp;"

    own = client_in_role("pm_own").get(risk.get_absolute_url())
    executive = client_in_role("exec").get(risk.get_absolute_url())

    assert f"{add}risk={risk.pk}" in own.text
    assert reverse("risks:action_create") not in executive.text


@pytest.mark.django_db
def test_the_risk_page_shows_who_escalated_and_closed_it_and_when(client_in_role, records, pm_user):
    risk = records["risk"]
    services.risk_escalate(risk, actor=pm_user, note="Board must know.")
    services.risk_close(risk, actor=pm_user, note="Supplier replaced.")

    response = client_in_role("exec").get(risk.get_absolute_url())

    who = escape(pm_user.display_name)
    assert f"Escalated to the steering committee by {who}" in response.text
    assert "Board must know." in response.text
    assert f"Closed by {who}" in response.text
    assert "Supplier replaced." in response.text


@pytest.mark.django_db
def test_the_change_request_page_shows_the_baseline_before_and_after_once_approved(
    client_in_role, project, pm_user, exec_user
):
    change = factories.ChangeRequestFactory(project=project, cost_delta_capex=Decimal("50000"))
    services.change_request_submit(change, actor=pm_user)
    services.change_request_approve(change, actor=exec_user)

    response = client_in_role("pm_own").get(change.get_absolute_url())

    assert 'id="baseline-change"' in response.text
    section = response.text.split('id="baseline-change"', 1)[1]
    assert "400,000" in section
    assert "450,000" in section
    assert f"Approved by {escape(exec_user.display_name)}" in response.text


@pytest.mark.django_db
def test_a_draft_change_request_page_shows_no_baseline_table(client_in_role, records):
    response = client_in_role("pm_own").get(records["change"].get_absolute_url())

    assert 'id="baseline-change"' not in response.text


@pytest.mark.django_db
def test_a_submitted_change_request_page_shows_the_baseline_it_would_move(
    client_in_role, project, pm_user
):
    # Given a project at 400,000 CAPEX ending 18 December 2026, a change of +50,000 and +30 days
    change = factories.ChangeRequestFactory(project=project, cost_delta_capex=Decimal("50000"))
    services.change_request_submit(change, actor=pm_user)

    response = client_in_role("exec").get(change.get_absolute_url())

    section = response.text.split('id="baseline-preview"', 1)[1].split("</section>", 1)[0]
    now, approved = section.split("If approved", 1)
    assert "400,000" in now
    assert "12/18/2026" in now
    assert "450,000" in approved
    assert "01/17/2027" in approved
    assert 'class="error"' not in section


@pytest.mark.django_db
def test_the_baseline_preview_says_why_a_change_could_not_apply(client_in_role, project):
    change = factories.ChangeRequestFactory(
        project=project, cost_delta_capex=Decimal("-900000"), schedule_delta_days=None
    )

    response = client_in_role("pm_own").get(change.get_absolute_url())

    assert "This would make the CAPEX budget negative." in response.text


# --- workflow steps ---------------------------------------------------------------------


@pytest.mark.django_db
def test_escalating_a_risk_records_who_when_and_the_note(client_in_role, records, pm_user):
    risk = records["risk"]

    response = follow(
        client_in_role("pm_own"),
        reverse("risks:risk_escalate", args=[risk.pk]),
        {"risk_escalate-escalation_note": "Needs the board."},
    )

    risk.refresh_from_db()
    assert response.redirect_chain[-1][0] == risk.get_absolute_url()
    assert (risk.escalated_by, risk.escalation_note) == (pm_user, "Needs the board.")
    assert f"{risk.reference} escalated to the steering committee." in response.text


@pytest.mark.django_db
def test_escalating_an_escalated_risk_changes_nothing_and_says_why(client_in_role, records):
    risk = records["risk"]
    services.risk_escalate(risk, note="First.")
    before = Risk.objects.get(pk=risk.pk)

    response = follow(
        client_in_role("pmo"),
        reverse("risks:risk_escalate", args=[risk.pk]),
        {"risk_escalate-escalation_note": "Second."},
    )

    after = Risk.objects.get(pk=risk.pk)
    assert (after.escalated_at, after.escalation_note) == (before.escalated_at, "First.")
    assert response.redirect_chain[-1][0] == risk.get_absolute_url()
    assert 'class="message error">This risk is already escalated.<' in response.text


@pytest.mark.django_db
def test_closing_a_risk_without_a_note_is_refused_next_to_the_note(client_in_role, records):
    risk = records["risk"]

    response = client_in_role("pm_own").post(
        reverse("risks:risk_close", args=[risk.pk]), {"risk_close-closure_note": " "}
    )

    assert response.status_code == 200
    assert_field_error(response, "risk_close-closure_note", "Say why the risk is closed.")
    risk.refresh_from_db()
    assert risk.status == RiskStatus.OPEN


@pytest.mark.django_db
def test_closing_a_risk_keeps_it_with_the_note(client_in_role, records, pm_user):
    risk = records["risk"]

    follow(
        client_in_role("pm_own"),
        reverse("risks:risk_close", args=[risk.pk]),
        {"risk_close-closure_note": "Supplier replaced."},
    )

    risk.refresh_from_db()
    assert (risk.status, risk.closed_by, risk.closure_note) == (
        RiskStatus.CLOSED,
        pm_user,
        "Supplier replaced.",
    )


@pytest.mark.django_db
def test_closing_a_closed_risk_says_why_before_reading_the_note(client_in_role, records):
    risk = records["risk"]
    services.risk_close(risk, note="Gone.")

    response = follow(client_in_role("pmo"), reverse("risks:risk_close", args=[risk.pk]))

    assert "Only a live risk can be closed; this one is closed." in response.text
    assert Risk.objects.get(pk=risk.pk).closure_note == "Gone."


@pytest.mark.django_db
def test_marking_a_risk_occurred_opens_its_issue_and_shows_it(client_in_role, records):
    risk = records["risk"]

    response = follow(
        client_in_role("pm_own"),
        reverse("risks:risk_occurred", args=[risk.pk]),
        {"risk_occurred-closure_note": "It happened.", "risk_occurred-raise_issue": "on"},
    )

    risk.refresh_from_db()
    issue = Issue.objects.filter(risk=risk).exclude(pk=records["issue"].pk).get()
    assert risk.status == RiskStatus.OCCURRED
    assert response.redirect_chain[-1][0] == issue.get_absolute_url()
    assert issue.project == risk.project


@pytest.mark.django_db
def test_marking_a_risk_occurred_without_the_checkbox_opens_no_issue(client_in_role, records):
    risk = records["risk"]

    response = follow(client_in_role("pm_own"), reverse("risks:risk_occurred", args=[risk.pk]))

    assert response.redirect_chain[-1][0] == risk.get_absolute_url()
    assert Issue.objects.filter(risk=risk).count() == 1  # the fixture's
    assert Risk.objects.get(pk=risk.pk).status == RiskStatus.OCCURRED


@pytest.mark.django_db
def test_the_mark_occurred_form_opens_an_issue_by_default(client_in_role, records):
    response = client_in_role("pm_own").get(records["risk"].get_absolute_url())

    block = field_block(response, "risk_occurred-raise_issue")
    assert "checked" in block


@pytest.mark.django_db
def test_resolving_an_issue_without_a_resolution_is_refused_next_to_it(client_in_role, records):
    issue = records["issue"]

    response = client_in_role("pm_own").post(reverse("risks:issue_resolve", args=[issue.pk]), {})

    assert_field_error(response, "issue_resolve-resolution", "Say how the issue was resolved.")
    assert Issue.objects.get(pk=issue.pk).status == IssueStatus.OPEN


@pytest.mark.django_db
def test_resolving_an_issue_records_the_resolution(client_in_role, records, pm_user):
    issue = records["issue"]

    follow(
        client_in_role("pm_own"),
        reverse("risks:issue_resolve", args=[issue.pk]),
        {"issue_resolve-resolution": "Patched."},
    )

    issue.refresh_from_db()
    assert (issue.status, issue.resolution, issue.resolved_by) == (
        IssueStatus.RESOLVED,
        "Patched.",
        pm_user,
    )


@pytest.mark.django_db
def test_an_executive_takes_a_decision_as_its_decider_by_default(
    client_in_role, records, exec_user
):
    decision = records["decision"]

    follow(
        client_in_role("exec"),
        reverse("risks:decision_take", args=[decision.pk]),
        {"decision_take-outcome": "Option A.", "decision_take-committee": "Copil March"},
    )

    decision.refresh_from_db()
    assert decision.state == DecisionState.TAKEN
    assert (decision.outcome, decision.committee) == ("Option A.", "Copil March")
    assert (decision.decided_by, decision.decided_on) == (exec_user, TODAY)


@pytest.mark.django_db
def test_the_pmo_records_a_decision_taken_by_an_executive(
    client_in_role, records, exec_user, pmo_user
):
    decision = records["decision"]

    follow(
        client_in_role("pmo"),
        reverse("risks:decision_take", args=[decision.pk]),
        {
            "decision_take-outcome": "Option B.",
            "decision_take-decided_by": exec_user.pk,
            "decision_take-decided_on": (TODAY - DAY).isoformat(),
        },
    )

    decision.refresh_from_db()
    assert (decision.decided_by, decision.decided_on) == (exec_user, TODAY - DAY)
    assert decision.recorded_by == pmo_user


@pytest.mark.django_db
def test_the_take_form_offers_only_pmo_managers_and_executives_as_deciders(
    client_in_role, records, exec_user, pm_user
):
    response = client_in_role("exec").get(records["decision"].get_absolute_url())

    block = field_block(response, "decision_take-decided_by")
    assert f'value="{exec_user.pk}" selected' in block
    assert f'value="{pm_user.pk}"' not in block


@pytest.mark.django_db
def test_a_decision_taken_in_the_future_is_refused_next_to_the_date(client_in_role, records):
    decision = records["decision"]

    response = client_in_role("exec").post(
        reverse("risks:decision_take", args=[decision.pk]),
        {"decision_take-outcome": "A.", "decision_take-decided_on": (TODAY + DAY).isoformat()},
    )

    assert_field_error(
        response, "decision_take-decided_on", "A decision cannot be taken in the future."
    )
    assert Decision.objects.get(pk=decision.pk).state == DecisionState.REQUESTED


@pytest.mark.django_db
def test_taking_a_decision_without_an_outcome_is_refused_next_to_it(client_in_role, records):
    decision = records["decision"]

    response = client_in_role("exec").post(
        reverse("risks:decision_take", args=[decision.pk]), {"decision_take-outcome": ""}
    )

    assert_field_error(response, "decision_take-outcome", "Say what was decided.")
    assert Decision.objects.get(pk=decision.pk).state == DecisionState.REQUESTED


@pytest.mark.django_db
def test_taking_a_withdrawn_decision_changes_nothing_and_says_why(client_in_role, records):
    decision = records["decision"]
    services.decision_withdraw(decision)

    response = follow(
        client_in_role("exec"),
        reverse("risks:decision_take", args=[decision.pk]),
        {"decision_take-outcome": "Too late."},
    )

    assert Decision.objects.get(pk=decision.pk).state == DecisionState.WITHDRAWN
    assert "Only a requested decision can be taken; this one is withdrawn." in response.text


@pytest.mark.django_db
def test_withdrawing_a_decision_records_who(client_in_role, records, pm_user):
    decision = records["decision"]

    follow(client_in_role("pm_own"), reverse("risks:decision_withdraw", args=[decision.pk]))

    decision.refresh_from_db()
    assert (decision.state, decision.recorded_by) == (DecisionState.WITHDRAWN, pm_user)


@pytest.mark.django_db
def test_a_change_request_goes_from_draft_to_implemented_through_its_buttons(
    client_in_role, records, project, pm_user, exec_user
):
    change = records["change"]

    follow(client_in_role("pm_own"), reverse("risks:change_submit", args=[change.pk]))
    assert ChangeRequest.objects.get(pk=change.pk).state == ChangeState.SUBMITTED
    response = follow(
        client_in_role("exec"),
        reverse("risks:change_approve", args=[change.pk]),
        {"change_approve-decision_reason": "Worth it."},
    )
    done = f"{change.reference} approved: the project's baseline has moved."
    assert escape(done) in response.text
    follow(client_in_role("pm_own"), reverse("risks:change_implement", args=[change.pk]))

    change.refresh_from_db()
    project.refresh_from_db()
    assert change.state == ChangeState.IMPLEMENTED
    assert (change.decided_by, change.decision_reason) == (exec_user, "Worth it.")
    assert project.budget_capex == Decimal("450000.00")
    assert project.baseline_end == datetime.date(2027, 1, 17)


@pytest.mark.django_db
def test_rejecting_a_change_without_a_reason_is_refused_next_to_it_and_nothing_changes(
    client_in_role, records, project
):
    change = records["change"]
    ChangeRequest.objects.filter(pk=change.pk).update(state=ChangeState.SUBMITTED)

    response = client_in_role("exec").post(
        reverse("risks:change_reject", args=[change.pk]), {"change_reject-decision_reason": ""}
    )

    assert response.status_code == 200
    assert_field_error(response, "change_reject-decision_reason", "Say why the change is rejected.")
    change.refresh_from_db()
    assert (change.state, change.decided_by) == (ChangeState.SUBMITTED, None)


@pytest.mark.django_db
def test_rejecting_a_change_keeps_the_reason_and_the_baseline(client_in_role, records, project):
    change = records["change"]
    ChangeRequest.objects.filter(pk=change.pk).update(state=ChangeState.SUBMITTED)

    follow(
        client_in_role("pmo"),
        reverse("risks:change_reject", args=[change.pk]),
        {"change_reject-decision_reason": "Not this year."},
    )

    change.refresh_from_db()
    project.refresh_from_db()
    assert (change.state, change.decision_reason) == (ChangeState.REJECTED, "Not this year.")
    assert project.budget_capex == Decimal("400000.00")


@pytest.mark.django_db
def test_approving_a_draft_changes_nothing_and_says_why(client_in_role, records, project):
    change = records["change"]

    response = follow(client_in_role("exec"), reverse("risks:change_approve", args=[change.pk]))

    assert ChangeRequest.objects.get(pk=change.pk).state == ChangeState.DRAFT
    assert "Only a submitted change request can be approved; this one is draft." in response.text
    project.refresh_from_db()
    assert project.budget_capex == Decimal("400000.00")


@pytest.mark.django_db
def test_submitting_a_change_without_impact_shows_the_reason_on_its_page(client_in_role, project):
    change = factories.ChangeRequestFactory(
        project=project, cost_delta_capex=Decimal("0"), schedule_delta_days=None
    )

    response = client_in_role("pm_own").post(reverse("risks:change_submit", args=[change.pk]))

    assert response.status_code == 200
    assert (
        "Say what the change does to cost, schedule, scope or quality before submitting."
        in response.text
    )
    assert ChangeRequest.objects.get(pk=change.pk).state == ChangeState.DRAFT


@pytest.mark.django_db
def test_withdrawing_a_submitted_change_records_who(client_in_role, records, pm_user):
    change = records["change"]
    ChangeRequest.objects.filter(pk=change.pk).update(state=ChangeState.SUBMITTED)

    follow(client_in_role("pm_own"), reverse("risks:change_withdraw", args=[change.pk]))

    change.refresh_from_db()
    assert (change.state, change.withdrawn_by) == (ChangeState.WITHDRAWN, pm_user)


# --- forms ------------------------------------------------------------------------------


def risk_data(project, **overrides):
    data = {
        "project": project.pk if project else "",
        "title": "Supplier late",
        "description": "",
        "category": "supplier",
        "probability": "3",
        "impact": "4",
        "owner": "",
        "response": "reduce",
        "mitigation": "",
        "residual_probability": "",
        "residual_impact": "",
        "status": "open",
        "next_review_date": "",
    }
    data.update(overrides)
    return data


def change_data(project, **overrides):
    data = {
        "project": project.pk,
        "title": "Extra interface",
        "description": "The business asks for it.",
        "cost_delta_capex": "25000.50",
        "cost_delta_opex": "0",
        "new_end_date": "",
        "schedule_delta_days": "",
        "scope_impact": "",
        "quality_impact": "",
    }
    data.update(overrides)
    return data


@pytest.mark.django_db
def test_a_valid_risk_is_created_on_the_project_and_shown(client_in_role, project, pm_user):
    response = client_in_role("pm_own").post(
        reverse("risks:risk_create"), risk_data(project, owner=pm_user.pk)
    )

    risk = Risk.objects.get()
    assert response.status_code == 302
    assert response["Location"] == risk.get_absolute_url()
    assert (risk.project, risk.owner, risk.score) == (project, pm_user, 12)


@pytest.mark.django_db
def test_a_probability_of_6_is_refused_next_to_it_and_nothing_is_saved(client_in_role, project):
    response = client_in_role("pm_own").post(
        reverse("risks:risk_create"), risk_data(project, probability="6")
    )

    assert response.status_code == 200
    assert_field_error(
        response, "probability", "Select a valid choice. 6 is not one of the available choices."
    )
    assert not Risk.objects.exists()


@pytest.mark.django_db
def test_a_residual_above_the_inherent_value_is_refused_next_to_it(client_in_role, project):
    response = client_in_role("pm_own").post(
        reverse("risks:risk_create"),
        risk_data(project, residual_probability="4", residual_impact="2"),
    )

    assert_field_error(
        response, "residual_probability", "The residual value cannot exceed the inherent one."
    )
    assert not Risk.objects.exists()


@pytest.mark.django_db
def test_the_risk_form_offers_open_and_mitigating_only(client_in_role, project):
    response = client_in_role("pm_own").get(reverse("risks:risk_create"))

    assert [v for v, _label in response.context["form"].fields["status"].choices] == [
        "open",
        "mitigating",
    ]


@pytest.mark.django_db
def test_a_risk_cannot_be_closed_through_its_form(client_in_role, records):
    risk = records["risk"]

    response = client_in_role("pm_own").post(
        reverse("risks:risk_edit", args=[risk.pk]), risk_data(risk.project, status="closed")
    )

    assert response.status_code == 200
    assert "status" in response.context["form"].errors
    assert Risk.objects.get(pk=risk.pk).status == RiskStatus.OPEN


@pytest.mark.django_db
def test_the_risk_form_opened_from_a_project_has_it_chosen(client_in_role, project):
    response = client_in_role("pm_own").get(reverse("risks:risk_create"), {"project": project.pk})

    assert f'<option value="{project.pk}" selected>' in field_block(response, "project")
    assert response.context["cancel_url"] == project.get_absolute_url()


@pytest.mark.django_db
def test_the_risk_form_offers_a_project_manager_only_their_open_projects(
    client_in_role, project, pm_user, other_pm_user
):
    closed = factories.ProjectFactory(project_manager=pm_user, phase=Phase.CLOSED)
    theirs = factories.ProjectFactory(project_manager=other_pm_user)

    response = client_in_role("pm_own").get(reverse("risks:risk_create"))

    offered = list(response.context["form"].fields["project"].queryset)
    assert offered == [project]
    assert closed not in offered
    assert theirs not in offered


@pytest.mark.django_db
def test_a_project_manager_gets_no_programme_or_portfolio_choice(client_in_role, project):
    pm_form = client_in_role("pm_own").get(reverse("risks:risk_create")).context["form"]
    pmo_form = client_in_role("pmo").get(reverse("risks:risk_create")).context["form"]

    assert "programme" not in pm_form.fields
    assert "portfolio" not in pm_form.fields
    assert "programme" in pmo_form.fields
    assert "portfolio" in pmo_form.fields


@pytest.mark.django_db
def test_a_project_manager_cannot_create_a_programme_risk(client_in_role, project):
    programme = factories.ProgrammeFactory(portfolio=project.portfolio)

    response = client_in_role("pm_own").post(
        reverse("risks:risk_create"), risk_data(None, programme=programme.pk)
    )

    assert response.status_code == 200
    assert_field_error(response, "project", "This field is required.")
    assert not Risk.objects.exists()


@pytest.mark.django_db
def test_the_pmo_creates_a_programme_risk(client_in_role):
    programme = factories.ProgrammeFactory()

    response = client_in_role("pmo").post(
        reverse("risks:risk_create"), risk_data(None, programme=programme.pk, portfolio="")
    )

    assert response.status_code == 302
    assert Risk.objects.get().programme == programme


@pytest.mark.django_db
def test_a_risk_on_two_scopes_is_refused_next_to_the_project(client_in_role, project):
    response = client_in_role("pmo").post(
        reverse("risks:risk_create"),
        risk_data(project, programme="", portfolio=project.portfolio_id),
    )

    assert_field_error(
        response, "project", "Choose exactly one of a project, a programme or a portfolio."
    )
    assert not Risk.objects.exists()


@pytest.mark.django_db
def test_a_risk_posted_to_another_managers_project_is_refused(client_in_role, other_pm_user):
    theirs = factories.ProjectFactory(project_manager=other_pm_user)

    response = client_in_role("pm_own").post(reverse("risks:risk_create"), risk_data(theirs))

    assert response.status_code == 200
    assert_field_error(response, "project", "Select a valid choice.")
    assert not Risk.objects.exists()


@pytest.mark.django_db
@pytest.mark.parametrize("kind", KINDS)
def test_the_form_of_another_managers_project_is_refused(client_in_role, other_pm_user, kind):
    theirs = factories.ProjectFactory(project_manager=other_pm_user)

    response = client_in_role("pm_own").get(reverse(f"risks:{kind}_create"), {"project": theirs.pk})

    assert response.status_code == 403


@pytest.mark.django_db
def test_editing_a_risk_saves_the_reassessment(client_in_role, records):
    risk = records["risk"]

    response = client_in_role("pm_own").post(
        reverse("risks:risk_edit", args=[risk.pk]),
        risk_data(
            risk.project,
            title=risk.title,
            probability="2",
            status="mitigating",
            next_review_date=(TODAY + 7 * DAY).isoformat(),
        ),
    )

    assert response.status_code == 302
    risk = Risk.objects.get(pk=risk.pk)
    assert (risk.score, risk.status, risk.next_review_date) == (
        8,
        RiskStatus.MITIGATING,
        TODAY + 7 * DAY,
    )


@pytest.mark.parametrize(
    ("kind", "finish", "reason"),
    [
        ("risk", lambda r: services.risk_close(r, note="x"), "This risk is closed: it is kept"),
        (
            "issue",
            lambda i: services.issue_resolve(i, resolution="x"),
            "This issue is resolved: it is kept as it was.",
        ),
        (
            "decision",
            lambda d: services.decision_withdraw(d),
            "This decision is withdrawn: it is never changed.",
        ),
        (
            "change",
            lambda c: services.change_request_submit(c),
            "Only a draft change request can be edited; this one is submitted.",
        ),
    ],
)
@pytest.mark.django_db
def test_the_form_of_a_record_its_state_keeps_sends_back_to_it_with_the_reason(
    client_in_role, records, kind, finish, reason
):
    record = records[kind]
    finish(record)
    client = client_in_role("pmo")

    page = client.get(record.get_absolute_url())
    response = client.get(reverse(f"risks:{kind}_edit", args=[record.pk]), follow=True)

    assert reverse(f"risks:{kind}_edit", args=[record.pk]) not in page.text
    assert response.redirect_chain == [(record.get_absolute_url(), 302)]
    assert reason in response.text


@pytest.mark.django_db
def test_a_forged_edit_of_a_closed_risk_changes_nothing(client_in_role, records):
    risk = records["risk"]
    services.risk_close(risk, note="Gone.")

    response = client_in_role("pm_own").post(
        reverse("risks:risk_edit", args=[risk.pk]), risk_data(risk.project, title="Changed")
    )

    assert response.status_code == 302
    assert Risk.objects.get(pk=risk.pk).title == risk.title


@pytest.mark.django_db
def test_an_action_needs_the_risk_it_comes_from(client_in_role, project, pm_user):
    response = client_in_role("pm_own").post(
        reverse("risks:action_create"),
        {
            "project": project.pk,
            "title": "Call supplier",
            "owner": pm_user.pk,
            "due_date": (TODAY + DAY).isoformat(),
            "status": "open",
            "origin": "risk",
        },
    )

    assert_field_error(response, "risk", "Say which one the action comes from.")
    assert not Action.objects.exists()


@pytest.mark.django_db
def test_the_action_form_offers_the_risks_of_its_project_only(client_in_role, project):
    own = factories.RiskFactory(project=project)
    elsewhere = factories.RiskFactory()

    response = client_in_role("pmo").get(
        reverse("risks:action_create"), {"project": project.pk, "origin": "risk", "risk": own.pk}
    )

    offered = list(response.context["form"].fields["risk"].queryset)
    assert offered == [own]
    assert elsewhere not in offered
    assert f'<option value="{own.pk}" selected>' in field_block(response, "risk")


@pytest.mark.django_db
def test_a_valid_action_from_a_risk_is_created(client_in_role, records, pm_user):
    risk = records["risk"]

    response = client_in_role("pm_own").post(
        reverse("risks:action_create"),
        {
            "project": risk.project_id,
            "title": "Call supplier",
            "owner": pm_user.pk,
            "due_date": (TODAY + DAY).isoformat(),
            "status": "open",
            "origin": "risk",
            "risk": risk.pk,
        },
    )

    action = Action.objects.get(title="Call supplier")
    assert response["Location"] == action.get_absolute_url()
    assert (action.risk, action.owner) == (risk, pm_user)


@pytest.mark.django_db
def test_the_owner_of_an_action_elsewhere_updates_it_without_moving_it(
    client_in_role, project, other_pm_user
):
    action = factories.ActionFactory(project=project, owner=other_pm_user)

    response = client_in_role("pm_other").post(
        reverse("risks:action_edit", args=[action.pk]),
        {
            "title": action.title,
            "owner": other_pm_user.pk,
            "due_date": action.due_date.isoformat(),
            "status": "done",
            "origin": "other",
        },
    )

    assert response.status_code == 302
    action.refresh_from_db()
    assert (action.status, action.project) == (ActionStatus.DONE, project)
    assert action.completed_at is not None


@pytest.mark.django_db
def test_a_requested_decision_records_who_asked(client_in_role, project, pm_user):
    response = client_in_role("pm_own").post(
        reverse("risks:decision_create"),
        {"project": project.pk, "title": "Pick a vendor", "context": "", "options": "A or B"},
    )

    decision = Decision.objects.get()
    assert response["Location"] == decision.get_absolute_url()
    assert (decision.requested_by, decision.state) == (pm_user, DecisionState.REQUESTED)


@pytest.mark.django_db
def test_a_valid_change_request_is_drafted_by_its_author(client_in_role, project, pm_user):
    response = client_in_role("pm_own").post(reverse("risks:change_create"), change_data(project))

    change = ChangeRequest.objects.get()
    assert response["Location"] == change.get_absolute_url()
    assert (change.state, change.requested_by) == (ChangeState.DRAFT, pm_user)
    assert change.cost_delta_capex == Decimal("25000.50")


@pytest.mark.django_db
def test_a_change_with_a_new_end_and_days_is_refused_next_to_the_days(client_in_role, project):
    response = client_in_role("pm_own").post(
        reverse("risks:change_create"),
        change_data(project, new_end_date="2027-03-01", schedule_delta_days="30"),
    )

    assert_field_error(
        response,
        "schedule_delta_days",
        "Give either a new baseline end or a number of days, not both.",
    )
    assert not ChangeRequest.objects.exists()


@pytest.mark.django_db
def test_a_change_request_stays_on_its_project(client_in_role, records, pm_user):
    change = records["change"]
    other = factories.ProjectFactory(project_manager=pm_user)

    response = client_in_role("pm_own").post(
        reverse("risks:change_edit", args=[change.pk]),
        change_data(other, title="Moved?"),
    )

    assert response.status_code == 302
    change.refresh_from_db()
    assert (change.project, change.title) == (records["change"].project, "Moved?")


@pytest.mark.django_db
def test_a_project_manager_may_not_draft_a_change_on_another_managers_project(
    client_in_role, other_pm_user
):
    theirs = factories.ProjectFactory(project_manager=other_pm_user)

    response = client_in_role("pm_own").post(reverse("risks:change_create"), change_data(theirs))

    assert_field_error(response, "project", "Select a valid choice.")
    assert not ChangeRequest.objects.exists()


# --- risk policy ------------------------------------------------------------------------


@pytest.mark.django_db
def test_the_pmo_sets_the_escalation_threshold(client_in_role):
    response = client_in_role("pmo").post(
        reverse("risks:risk_policy"), {"escalation_threshold": "12"}
    )

    assert response.status_code == 302
    assert RiskPolicy.get().escalation_threshold == 12


@pytest.mark.django_db
def test_a_threshold_above_25_is_refused_next_to_it(client_in_role):
    response = client_in_role("pmo").post(
        reverse("risks:risk_policy"), {"escalation_threshold": "30"}
    )

    assert_field_error(
        response, "escalation_threshold", "Ensure this value is less than or equal to 25."
    )
    assert not RiskPolicy.objects.exists()


@pytest.mark.django_db
def test_the_threshold_colours_the_scores_from_it_as_critical(client_in_role, project):
    factories.RiskFactory(project=project, probability=3, impact=3)
    RiskPolicy.objects.create(escalation_threshold=9)

    response = client_in_role("exec").get(reverse("risks:risk_list"))

    assert '<span class="badge score band-critical">9</span>' in response.text
    assert heat_cell(response, 3, 3)["band"] == "critical"


# --- query counts -----------------------------------------------------------------------


def add_rows(n):
    """``n`` records of each kind, each on its own project, portfolio and programme, with
    every related row a list shows (owner, decider, origin...)."""
    for i in range(n):
        programme = factories.ProgrammeFactory()
        project = factories.ProjectFactory(portfolio=programme.portfolio, programme=programme)
        decider = factories.executive()
        level = [
            {"project": project},
            {"project": None, "programme": programme},
            {"project": None, "portfolio": programme.portfolio},
        ][i % 3]
        risk = factories.RiskFactory(
            **level,
            owner=project.project_manager,
            residual_probability=1,
            residual_impact=2,
            next_review_date=TODAY - DAY,
            escalated_at=timezone.now() if i % 2 else None,
            escalated_by=decider if i % 2 else None,
        )
        issue = factories.IssueFactory(project=project, risk=risk)
        factories.ActionFactory(project=project, origin="issue", issue=issue)
        factories.DecisionFactory(
            project=project,
            state=DecisionState.TAKEN,
            outcome="Yes.",
            decided_by=decider,
            decided_on=TODAY,
        )
        factories.ChangeRequestFactory(
            project=project, state=ChangeState.REJECTED, decided_by=decider, decision_reason="No."
        )


def count_queries(client, url) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries)


LIST_URLS = {
    "risk": ("risks:risk_list", {}),
    "risk_residual": ("risks:risk_list", {"basis": "residual", "live": ""}),
    "issue": ("risks:issue_list", {"status": ""}),
    "action": ("risks:action_list", {"pending": ""}),
    "decision": ("risks:decision_list", {"state": "taken"}),
    "change": ("risks:change_list", {}),
}


@pytest.mark.django_db
@pytest.mark.parametrize("name", list(LIST_URLS))
def test_a_list_page_costs_the_same_queries_for_5_rows_as_for_50(client_in_role, name):
    client = client_in_role("exec")
    url_name, query = LIST_URLS[name]
    url = reverse(url_name)
    if query:
        url = f"{url}?{'&'.join(f'{k}={v}' for k, v in query.items())}"
    add_rows(5)
    count_queries(client, url)  # warm-up: per-process caches (content types, …)

    with_5 = count_queries(client, url)
    add_rows(45)
    with_50 = count_queries(client, url)

    assert with_50 == with_5


@pytest.mark.django_db
@pytest.mark.parametrize(
    "name", ["probability", "impact", "residual_probability", "residual_impact"]
)
def test_a_scale_filter_of_the_risk_list_starts_on_any(client_in_role, name):
    response = client_in_role("exec").get(reverse("risks:risk_list"))

    choices = list(response.context["filter"].form.fields[name].choices)
    assert choices[0][0] == ""
    assert [value for value, _label in choices[1:]] == ["1", "2", "3", "4", "5"]


# --- admin ------------------------------------------------------------------------------


@pytest.fixture
def admin_as(client):
    """``admin_as(user)``: the test client signed in as ``user`` made staff."""

    def make(user):
        user.is_staff = True
        user.save()
        client.force_login(user)
        return client

    return make


def admin_url(obj, view="change"):
    meta = obj._meta
    args = [obj.pk] if view == "change" else []
    return reverse(f"admin:{meta.app_label}_{meta.model_name}_{view}", args=args)


@pytest.mark.django_db
@pytest.mark.parametrize("kind", KINDS)
def test_the_admin_lists_each_kind_of_record_to_the_pmo(admin_as, pmo_user, records, kind):
    response = admin_as(pmo_user).get(admin_url(records[kind], "changelist"))

    assert response.status_code == 200
    assert records[kind].reference in response.text


@pytest.mark.django_db
def test_the_admin_shows_the_workflow_fields_of_a_risk_read_only(admin_as, pmo_user, records):
    response = admin_as(pmo_user).get(admin_url(records["risk"]))

    assert 'name="title"' in response.text
    for name in ("status", "closed_by", "closure_note", "escalated_at"):
        assert f'name="{name}"' not in response.text


@pytest.mark.django_db
def test_the_admin_keeps_a_closed_risk_as_it_is(admin_as, pmo_user, records):
    risk = records["risk"]
    services.risk_close(risk, note="Gone.")

    response = admin_as(pmo_user).get(admin_url(risk))

    assert response.status_code == 200
    assert 'name="_save"' not in response.text


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("url_name", "label"),
    [
        ("risks:risk_list", "Nouveau risque"),
        ("risks:action_list", "Nouvelle action"),
        ("risks:change_list", "Nouvelle demande de changement"),
    ],
)
def test_in_french_the_create_button_agrees_with_its_noun(client_in_role, url_name, label):
    client = client_in_role("pmo")
    client.post(reverse("set_language"), {"language": "fr"})

    response = client.get(reverse(url_name))

    assert label in response.text
    assert "Créer un action" not in response.text


@pytest.mark.django_db
def test_in_french_the_new_action_page_is_titled_with_its_agreement(client_in_role):
    client = client_in_role("pmo")
    client.post(reverse("set_language"), {"language": "fr"})

    response = client.get(reverse("risks:action_create"))

    assert "<h1>Nouvelle action</h1>" in response.text

"""The RAID log and change control sections of the project page."""

import datetime
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape

from risks import services
from risks.choices import ActionStatus, ChangeState, DecisionState, IssueStatus, RiskStatus
from risks.models import RiskPolicy
from tests import factories

TODAY = timezone.localdate()
DAY = datetime.timedelta(days=1)


def section(response, section_id: str) -> str:
    """The HTML of the project page's ``<section id=...>``."""
    html = response.content.decode()
    start = html.index(f'id="{section_id}"')
    return html[start : html.index("</section>", start)]


def heat_cell(grid, probability, impact):
    row = next(r for r in grid["rows"] if r["impact"] == impact)
    return next(c for c in row["cells"] if c["probability"] == probability)


def raid_context(response) -> dict:
    return next(p for p in response.context["panels"] if p["name"] == "raid")


# --- RAID panel -------------------------------------------------------------------------


@pytest.mark.django_db
def test_the_raid_panel_lists_the_live_risks_by_score_with_their_badges(client_in_role, project):
    factories.RiskFactory(project=project, probability=2, impact=2, title="Small")
    factories.RiskFactory(project=project, probability=5, impact=4, title="Big")
    factories.RiskFactory(project=project, title="Gone", status=RiskStatus.CLOSED)

    response = client_in_role("exec").get(project.get_absolute_url())

    raid = section(response, "raid")
    assert raid.index("Big") < raid.index("Small")
    assert "Gone" not in raid
    assert '<span class="badge score band-critical">20</span>' in raid
    assert '<span class="badge score band-low">4</span>' in raid
    assert "1 risk closed or occurred." in raid


@pytest.mark.django_db
def test_the_raid_panel_flags_proposed_escalated_and_overdue_review_risks(client_in_role, project):
    RiskPolicy.objects.create(escalation_threshold=12)
    factories.RiskFactory(project=project, probability=3, impact=4)
    factories.RiskFactory(project=project, probability=1, impact=1, escalated_at=timezone.now())
    factories.RiskFactory(project=project, probability=1, impact=2, next_review_date=TODAY - DAY)

    raid = section(client_in_role("exec").get(project.get_absolute_url()), "raid")

    assert '<span class="badge flag-proposed">Proposed</span>' in raid
    assert '<span class="badge flag-escalated">Escalated</span>' in raid
    assert '<span class="badge flag-overdue">Review overdue</span>' in raid


@pytest.mark.django_db
def test_the_raid_panel_shows_the_inherent_and_residual_heat_maps_side_by_side(
    client_in_role, project
):
    for _ in range(3):
        factories.RiskFactory(
            project=project, probability=3, impact=4, residual_probability=1, residual_impact=2
        )
    factories.RiskFactory(project=project, probability=5, impact=5)
    factories.RiskFactory(probability=3, impact=4)  # another project's

    response = client_in_role("exec").get(project.get_absolute_url())

    raid = raid_context(response)["raid"]
    assert heat_cell(raid["heat_map"], 3, 4)["count"] == 3
    assert heat_cell(raid["residual_heat_map"], 1, 2)["count"] == 3
    html = section(response, "raid")
    assert 'data-basis="inherent"' in html
    assert 'data-basis="residual"' in html
    assert "1 live risk has no residual assessment." in html


@pytest.mark.django_db
def test_a_heat_map_cell_of_the_panel_links_to_the_list_of_exactly_its_risks(
    client_in_role, project
):
    mine = [factories.RiskFactory(project=project, probability=3, impact=4) for _ in range(2)]
    factories.RiskFactory(project=project, probability=3, impact=4, status=RiskStatus.CLOSED)
    factories.RiskFactory(probability=3, impact=4)
    client = client_in_role("exec")

    raid = raid_context(client.get(project.get_absolute_url()))["raid"]
    url = heat_cell(raid["heat_map"], 3, 4)["url"]
    listed = client.get(url)

    assert url.startswith(reverse("risks:risk_list"))
    assert sorted(r.pk for r in listed.context["table"].data) == sorted(r.pk for r in mine)


@pytest.mark.django_db
def test_a_residual_cell_of_the_panel_opens_the_residual_heat_map(client_in_role, project):
    factories.RiskFactory(project=project, residual_probability=2, residual_impact=2)

    raid = raid_context(client_in_role("exec").get(project.get_absolute_url()))["raid"]

    url = heat_cell(raid["residual_heat_map"], 2, 2)["url"]
    assert "residual_probability=2" in url
    assert "residual_impact=2" in url
    assert "basis=residual" in url


@pytest.mark.django_db
def test_the_raid_panel_lists_open_issues_pending_actions_and_decisions(client_in_role, project):
    factories.IssueFactory(project=project, title="Open issue")
    factories.IssueFactory(project=project, title="Old issue", status=IssueStatus.RESOLVED)
    factories.ActionFactory(project=project, title="Late action", due_date=TODAY - DAY)
    factories.ActionFactory(project=project, title="Done action", status=ActionStatus.DONE)
    factories.DecisionFactory(project=project, title="Pending decision")
    factories.DecisionFactory(project=project, title="Old decision", state=DecisionState.WITHDRAWN)

    raid = section(client_in_role("exec").get(project.get_absolute_url()), "raid")

    for shown in ("Open issue", "Late action", "Pending decision"):
        assert shown in raid
    for hidden in ("Old issue", "Done action", "Old decision"):
        assert hidden not in raid
    late = raid.split("Late action", 1)[1].split("</li>", 1)[0]
    assert 'class="overdue"' in late
    assert '<span class="badge flag-overdue">overdue</span>' in late


@pytest.mark.django_db
def test_the_raid_panel_links_to_the_lists_filtered_on_the_project(client_in_role, project):
    raid = section(client_in_role("exec").get(project.get_absolute_url()), "raid")

    for url in (
        f"{reverse('risks:risk_list')}?project={project.pk}&amp;live=true",
        f"{reverse('risks:issue_list')}?project={project.pk}&amp;status=open",
        f"{reverse('risks:action_list')}?project={project.pk}&amp;pending=true",
        f"{reverse('risks:decision_list')}?project={project.pk}&amp;state=requested",
    ):
        assert f'href="{url}"' in raid


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("role", "shown"),
    [("pm_own", True), ("pmo", True), ("pm_other", False), ("exec", False), ("integration", False)],
)
def test_the_add_buttons_of_the_raid_panel_show_only_to_who_may_add(
    client_in_role, project, other_pm_user, role, shown
):
    raid = section(client_in_role(role).get(project.get_absolute_url()), "raid")

    for kind in ("risk", "issue", "action", "decision"):
        add_url = f"{reverse(f'risks:{kind}_create')}?project={project.pk}"
        assert (f'href="{add_url}"' in raid) is shown


@pytest.mark.django_db
def test_the_raid_panel_says_when_the_project_has_no_entry(client_in_role, project):
    raid = section(client_in_role("exec").get(project.get_absolute_url()), "raid")

    assert "No live risk." in raid
    assert "No open issue." in raid
    assert "No pending action." in raid
    assert "No pending decision." in raid


# --- change requests panel --------------------------------------------------------------


@pytest.mark.django_db
def test_the_changes_panel_lists_the_change_requests_with_state_deltas_and_decider(
    client_in_role, project, pm_user, exec_user
):
    approved = factories.ChangeRequestFactory(
        project=project, title="More budget", cost_delta_capex=Decimal("50000")
    )
    services.change_request_submit(approved, actor=pm_user)
    services.change_request_approve(approved, actor=exec_user)
    factories.ChangeRequestFactory(
        project=project,
        title="Less opex",
        cost_delta_capex=Decimal("0"),
        cost_delta_opex=Decimal("-2000"),
        schedule_delta_days=None,
    )
    factories.ChangeRequestFactory(title="Elsewhere")

    changes = section(client_in_role("exec").get(project.get_absolute_url()), "changes")

    assert "More budget" in changes
    assert "Less opex" in changes
    assert "Elsewhere" not in changes
    assert '<span class="badge raid-approved">Approved</span>' in changes
    assert '<span class="badge raid-draft">Draft</span>' in changes
    assert "+50,000" in changes
    assert "-2,000" in changes
    assert "+30 days" in changes
    assert escape(exec_user.display_name) in changes


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("role", "shown"), [("pm_own", True), ("pmo", True), ("exec", False), ("pm_other", False)]
)
def test_the_request_a_change_button_shows_only_to_who_may_draft_one(
    client_in_role, project, other_pm_user, role, shown
):
    changes = section(client_in_role(role).get(project.get_absolute_url()), "changes")

    add_url = f"{reverse('risks:change_create')}?project={project.pk}"
    assert (f'href="{add_url}"' in changes) is shown


@pytest.mark.django_db
def test_the_changes_panel_comes_before_the_baseline_evolution(client_in_role, project):
    response = client_in_role("exec").get(project.get_absolute_url())

    html = response.content.decode()
    assert html.index('id="raid"') < html.index('id="changes"') < html.index('id="baseline"')


# --- cost -------------------------------------------------------------------------------


def add_entries(project, n):
    """``n`` entries of each kind on ``project``, each with its own owner or decider."""
    for i in range(n):
        owner = factories.project_manager()
        risk = factories.RiskFactory(
            project=project,
            owner=owner,
            probability=1 + i % 5,
            impact=1 + (i // 5) % 5,
            residual_probability=1,
            residual_impact=1,
            next_review_date=TODAY - DAY,
            escalated_at=timezone.now() if i % 2 else None,
        )
        factories.IssueFactory(project=project, owner=owner, risk=risk)
        factories.ActionFactory(project=project, owner=owner, due_date=TODAY - DAY * (i % 2))
        factories.DecisionFactory(project=project, requested_by=owner, risk=risk)
        factories.ChangeRequestFactory(
            project=project,
            requested_by=owner,
            state=ChangeState.REJECTED,
            decided_by=factories.executive(),
            decided_at=timezone.now(),
            decision_reason="No.",
        )


def count_queries(client, url) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries)


@pytest.mark.django_db
@pytest.mark.parametrize("role", ["pm_own", "exec"])
def test_the_project_page_costs_the_same_queries_for_2_entries_as_for_20(
    client_in_role, project, role
):
    client = client_in_role(role)
    url = project.get_absolute_url()
    add_entries(project, 2)
    count_queries(client, url)  # warm-up: per-process caches (content types, …)

    with_2 = count_queries(client, url)
    add_entries(project, 18)
    with_20 = count_queries(client, url)

    assert with_20 == with_2

"""Pages of stage gates: the gate review page, the gate reviews list (/gates/), the gate
templates settings, the gate panel of the project page, and the project form's phase."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from projects.choices import GateDecision, Phase
from projects.models import GateReview, GateTemplate, Project
from tests import factories

G3_ITEMS = ["Deliverables accepted", "Go-live done", "Support ready"]


def review_url(project):
    return reverse("projects:gate_review", args=[project.pk])


def review_post(decision, checked=(0, 1, 2), **extra):
    data = {
        "decision": decision,
        "decided_on": timezone.localdate().isoformat(),
        "conditions": "",
        "comments": "",
    }
    for index in checked:
        data[f"item_{index}_checked"] = "on"
    data.update(extra)
    return data


def make_review(project, user, *, decision=GateDecision.GO, days_ago=1):
    return GateReview.objects.create(
        project=project,
        from_phase=Phase.PLANNING,
        to_phase=Phase.EXECUTION,
        gate_name="G2 — Baseline",
        checklist=[{"item": "Planning baselined", "checked": True, "evidence": ""}],
        decision=decision,
        decided_by=user,
        decided_on=timezone.localdate() - datetime.timedelta(days=days_ago),
    )


# --- the review page ------------------------------------------------------------------------


@pytest.mark.django_db
def test_the_review_page_shows_the_gate_of_the_current_phase(client_as, pmo_user, project):
    response = client_as(pmo_user).get(review_url(project))

    assert response.status_code == 200
    html = response.content.decode()
    assert "G3 — Delivery acceptance" in html
    for item in G3_ITEMS:
        assert item in html
    assert response.context["form"]["decided_on"].value() == timezone.localdate()


@pytest.mark.django_db
def test_a_go_from_the_page_moves_the_phase_and_goes_back_to_the_project(
    client_as, exec_user, project
):
    response = client_as(exec_user).post(
        review_url(project),
        review_post(GateDecision.GO, item_0_evidence="https://docs.example.com/pv"),
    )

    assert response.status_code == 302
    assert response.url == f"{project.get_absolute_url()}#gates"
    assert Project.objects.get(pk=project.pk).phase == Phase.CLOSING
    review = GateReview.objects.get()
    assert review.checklist[0]["evidence"] == "https://docs.example.com/pv"


@pytest.mark.django_db
def test_a_go_with_an_item_unchecked_comes_back_with_the_error_on_decision(
    client_as, pmo_user, project
):
    response = client_as(pmo_user).post(review_url(project), review_post("go", checked=(0,)))

    assert response.status_code == 400
    assert "go with conditions" in response.context["form"].errors["decision"][0]
    assert Project.objects.get(pk=project.pk).phase == Phase.EXECUTION


@pytest.mark.django_db
def test_a_go_with_conditions_without_them_is_a_field_error(client_as, pmo_user, project):
    response = client_as(pmo_user).post(
        review_url(project), review_post(GateDecision.GO_WITH_CONDITIONS)
    )

    assert response.status_code == 400
    assert response.context["form"].errors["conditions"]


@pytest.mark.django_db
def test_a_bad_evidence_link_is_a_field_error(client_as, pmo_user, project):
    response = client_as(pmo_user).post(
        review_url(project), review_post(GateDecision.RECYCLE, item_1_evidence="not a link")
    )

    assert response.status_code == 400
    assert response.context["form"].errors["item_1_evidence"]
    assert not GateReview.objects.exists()


@pytest.mark.django_db
def test_leaving_closing_without_a_closure_report_is_refused_with_the_reason(client_as, pmo_user):
    project = factories.ProjectFactory(phase=Phase.CLOSING)

    response = client_as(pmo_user).post(
        review_url(project), review_post(GateDecision.GO, checked=(0, 1, 2, 3))
    )

    assert response.status_code == 409
    assert "closure report" in response.content.decode()
    assert Project.objects.get(pk=project.pk).phase == Phase.CLOSING


@pytest.mark.django_db
def test_an_ended_project_offers_no_gate(client_as, pmo_user):
    project = factories.ProjectFactory(phase=Phase.CLOSED)

    get = client_as(pmo_user).get(review_url(project))
    post = client_as(pmo_user).post(review_url(project), review_post(GateDecision.GO))

    assert get.status_code == 200
    assert get.context["gate"] is None
    assert "no gate is left" in get.content.decode()
    assert post.status_code == 200
    assert not GateReview.objects.exists()


@pytest.mark.parametrize("role", ["pm_own", "pm_other", "integration", "no_role"])
@pytest.mark.django_db
def test_the_review_page_is_for_approvers_only(client_in_role, project, role):
    client = client_in_role(role)

    assert client.get(review_url(project)).status_code == 403
    assert client.post(review_url(project), review_post(GateDecision.GO)).status_code == 403
    assert Project.objects.get(pk=project.pk).phase == Phase.EXECUTION


# --- the project page and form --------------------------------------------------------------


@pytest.mark.django_db
def test_the_project_page_shows_the_gate_history(client_as, pmo_user, exec_user, project):
    make_review(project, exec_user, decision=GateDecision.GO_WITH_CONDITIONS)

    html = client_as(pmo_user).get(project.get_absolute_url()).content.decode()

    assert 'id="gates"' in html
    assert "G2 — Baseline" in html
    assert "Go with conditions" in html
    assert "1/1" in html
    assert review_url(project) in html


@pytest.mark.django_db
def test_the_project_page_offers_no_review_button_to_a_project_manager(client_as, pm_user, project):
    html = client_as(pm_user).get(project.get_absolute_url()).content.decode()

    assert 'id="gates"' in html
    assert review_url(project) not in html


@pytest.mark.django_db
def test_the_project_form_shows_the_phase_read_only_with_a_link_to_the_gate(
    client_as, pmo_user, project
):
    response = client_as(pmo_user).get(reverse("projects:project_edit", args=[project.pk]))

    assert response.context["form"].fields["phase"].disabled
    assert review_url(project) in response.content.decode()


@pytest.mark.django_db
def test_posting_another_phase_in_the_project_form_leaves_the_phase(client_as, pmo_user):
    project = factories.ProjectFactory(phase=Phase.EXECUTION)
    form = client_as(pmo_user).get(reverse("projects:project_edit", args=[project.pk]))
    data = {
        name: value
        for name, value in form.context["form"].initial.items()
        if value is not None and name != "objectives"
    }
    data.update(
        {
            "portfolio": project.portfolio_id,
            "project_manager": project.project_manager_id,
            "phase": Phase.CLOSED,
            "name": "Renamed",
        }
    )

    client_as(pmo_user).post(reverse("projects:project_edit", args=[project.pk]), data)

    assert Project.objects.get(pk=project.pk).phase == Phase.EXECUTION


@pytest.mark.django_db
def test_a_new_project_is_created_in_the_phase_given(client_as, pmo_user):
    form = client_as(pmo_user).get(reverse("projects:project_create"))

    assert not form.context["form"].fields["phase"].disabled


# --- the list of gate reviews ---------------------------------------------------------------


@pytest.mark.django_db
def test_the_gate_reviews_page_lists_and_filters(client_as, pmo_user, exec_user):
    a = factories.ProjectFactory(code="GATE-A")
    b = factories.ProjectFactory(code="GATE-B")
    make_review(a, exec_user, decision=GateDecision.GO, days_ago=40)
    make_review(b, exec_user, decision=GateDecision.RECYCLE, days_ago=2)
    client = client_as(pmo_user)
    url = reverse("projects:gatereview_list")

    def codes(**query):
        return [row.record.project.code for row in client.get(url, query).context["table"].rows]

    assert codes() == ["GATE-B", "GATE-A"]
    assert codes(decision="recycle") == ["GATE-B"]
    assert codes(project=a.pk) == ["GATE-A"]
    assert codes(portfolio=b.portfolio_id) == ["GATE-B"]
    assert codes(phase="planning") == ["GATE-B", "GATE-A"]
    assert codes(phase="idea") == []
    since = (timezone.localdate() - datetime.timedelta(days=10)).isoformat()
    assert codes(decided_after=since) == ["GATE-B"]
    assert codes(decided_before=since) == ["GATE-A"]
    assert codes(q="gate-a") == ["GATE-A"]


@pytest.mark.django_db
def test_the_gate_reviews_page_runs_the_same_queries_for_5_or_50_rows(
    client_as, pmo_user, exec_user
):
    client = client_as(pmo_user)
    url = reverse("projects:gatereview_list")

    def queries():
        with CaptureQueriesContext(connection) as context:
            response = client.get(url)
        assert response.status_code == 200
        return len(context.captured_queries)

    for _ in range(5):
        make_review(factories.ProjectFactory(), exec_user)
    few = queries()
    for _ in range(45):
        make_review(factories.ProjectFactory(), exec_user)
    many = queries()

    assert few == many


@pytest.mark.django_db
def test_the_gate_reviews_page_is_refused_without_a_role(client_as, no_role_user):
    assert client_as(no_role_user).get(reverse("projects:gatereview_list")).status_code == 403


# --- the gate templates settings ------------------------------------------------------------

SETTINGS_URL = "/settings/gates/"


@pytest.mark.django_db
def test_the_settings_page_lists_every_gate_for_the_pmo(client_as, pmo_user):
    response = client_as(pmo_user).get(SETTINGS_URL)

    assert response.status_code == 200
    html = response.content.decode()
    assert "G0 — Opportunity" in html
    assert "G4 — Closure" in html
    assert "Stage gates" in html


@pytest.mark.django_db
def test_the_pmo_saves_a_gate_blank_lines_dropped(client_as, pmo_user):
    response = client_as(pmo_user).post(
        SETTINGS_URL,
        {
            "phase": "framing",
            "framing-name": "G1 — Go",
            "framing-checklist": "Scope agreed\r\n\r\n   \r\nBudget approved\r\n",
        },
    )

    assert response.status_code == 302
    template = GateTemplate.objects.get(phase="framing")
    assert (template.name, template.checklist) == ("G1 — Go", ["Scope agreed", "Budget approved"])


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"framing-name": "  ", "framing-checklist": "One"}, "name"),
        ({"framing-name": "G1", "framing-checklist": " \r\n \r\n"}, "checklist"),
    ],
)
@pytest.mark.django_db
def test_bad_gate_settings_are_field_errors(client_as, pmo_user, data, field):
    response = client_as(pmo_user).post(SETTINGS_URL, {"phase": "framing", **data})

    assert response.status_code == 400
    forms = {template.phase: form for template, form in response.context["rows"]}
    assert forms["framing"].errors[field]
    assert GateTemplate.objects.get(phase="framing").name == "G1 — Launch"


@pytest.mark.parametrize("role", ["pm_own", "exec", "integration", "no_role"])
@pytest.mark.django_db
def test_the_gate_settings_are_the_pmos(client_in_role, role):
    client = client_in_role(role)

    assert client.get(SETTINGS_URL).status_code == 403
    response = client.post(
        SETTINGS_URL, {"phase": "framing", "framing-name": "X", "framing-checklist": "Y"}
    )
    assert response.status_code == 403
    assert GateTemplate.objects.get(phase="framing").name == "G1 — Launch"


@pytest.mark.django_db
def test_the_settings_tab_is_shown_to_the_pmo_only(client_as, pmo_user, exec_user):
    assert SETTINGS_URL in client_as(pmo_user).get("/settings/reporting/").content.decode()
    assert SETTINGS_URL not in client_as(exec_user).get("/settings/reporting/").content.decode()

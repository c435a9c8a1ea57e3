"""API of stage gates: ``gate-reviews`` (list, filters, read, create = review with its 400,
403 and 409), ``gate-templates`` (read, PMO update), and the phase of ``projects``."""

import datetime

import pytest
from django.utils import timezone

from projects.choices import GateDecision, Phase
from projects.models import GateReview, GateTemplate, Project
from tests import factories

REVIEWS = "/api/v1/gate-reviews/"
TEMPLATES = "/api/v1/gate-templates/"
G3_ITEMS = ["Deliverables accepted", "Go-live done", "Support ready"]


def body(project, decision, items=G3_ITEMS, **extra):
    return {
        "project": project.pk,
        "decision": decision,
        "checklist": [{"item": item, "checked": True} for item in items],
        **extra,
    }


def make_review(project, user, decision=GateDecision.GO):
    return GateReview.objects.create(
        project=project,
        from_phase=Phase.PLANNING,
        to_phase=Phase.EXECUTION,
        gate_name="G2 — Baseline",
        checklist=[{"item": "Planning baselined", "checked": False, "evidence": ""}],
        decision=decision,
        decided_by=user,
        decided_on=timezone.localdate() - datetime.timedelta(days=3),
    )


@pytest.mark.django_db
def test_creating_a_review_records_it_and_moves_the_phase(api_as, exec_user, project):
    response = api_as(exec_user).post(REVIEWS, body(project, "go"), format="json")

    assert response.status_code == 201, response.content
    data = response.json()
    assert (data["from_phase"], data["to_phase"], data["decision"]) == (
        "execution",
        "closing",
        "go",
    )
    assert data["checklist_done"] == [3, 3]
    assert data["decided_on"] == timezone.localdate().isoformat()
    assert Project.objects.get(pk=project.pk).phase == Phase.CLOSING


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        (lambda p: body(p, "go", items=G3_ITEMS[:1]), "decision"),
        (lambda p: body(p, "go_with_conditions"), "conditions"),
        (lambda p: body(p, "maybe"), "decision"),
        (lambda p: body(p, "recycle", items=["Coffee"]), "checklist"),
        (lambda p: {**body(p, "go"), "decided_on": "2999-01-01"}, "decided_on"),
        (lambda p: {"decision": "go"}, "project"),
    ],
)
@pytest.mark.django_db
def test_a_bad_review_is_a_400_naming_the_field(api_as, pmo_user, project, payload, field):
    response = api_as(pmo_user).post(REVIEWS, payload(project), format="json")

    assert response.status_code == 400, response.content
    assert field in response.json()
    assert Project.objects.get(pk=project.pk).phase == Phase.EXECUTION
    assert not GateReview.objects.exists()


@pytest.mark.parametrize("role", ["pm", "integration", "no_role"])
@pytest.mark.django_db
def test_only_approvers_create_reviews(api_for_role, project, role):
    response = api_for_role(role).post(REVIEWS, body(project, "go"), format="json")

    assert response.status_code == 403
    assert Project.objects.get(pk=project.pk).phase == Phase.EXECUTION


@pytest.mark.parametrize("phase", [Phase.CLOSED, Phase.CANCELLED])
@pytest.mark.django_db
def test_reviewing_an_ended_project_is_a_409(api_as, pmo_user, phase):
    project = factories.ProjectFactory(phase=phase)

    response = api_as(pmo_user).post(REVIEWS, body(project, "go"), format="json")

    assert response.status_code == 409


@pytest.mark.django_db
def test_leaving_closing_without_a_closure_report_is_a_409(api_as, pmo_user):
    project = factories.ProjectFactory(phase=Phase.CLOSING)
    items = GateTemplate.objects.get(phase="closing").checklist

    response = api_as(pmo_user).post(REVIEWS, body(project, "go", items=items), format="json")

    assert response.status_code == 409
    assert "closure report" in str(response.json())


@pytest.mark.django_db
def test_reviews_are_never_changed_nor_deleted(api_as, pmo_user, project):
    review = make_review(project, pmo_user)
    client = api_as(pmo_user)

    assert client.patch(f"{REVIEWS}{review.pk}/", {"decision": "no_go"}).status_code == 405
    assert client.delete(f"{REVIEWS}{review.pk}/").status_code == 405


@pytest.mark.django_db
def test_reviews_are_listed_filtered_and_read(api_as, integration_user, exec_user):
    a = factories.ProjectFactory(code="GATE-A")
    b = factories.ProjectFactory(code="GATE-B")
    make_review(a, exec_user)
    recycled = make_review(b, exec_user, decision=GateDecision.RECYCLE)
    client = api_as(integration_user)

    def codes(query=""):
        return [row["project_code"] for row in client.get(f"{REVIEWS}{query}").json()["results"]]

    assert sorted(codes()) == ["GATE-A", "GATE-B"]
    assert codes("?decision=recycle") == ["GATE-B"]
    assert codes(f"?project={a.pk}") == ["GATE-A"]
    assert codes(f"?portfolio={b.portfolio_id}") == ["GATE-B"]
    assert sorted(codes("?phase=planning")) == ["GATE-A", "GATE-B"]
    assert codes("?decided_after=2999-01-01") == []
    detail = client.get(f"{REVIEWS}{recycled.pk}/").json()
    assert detail["checklist"] == [{"item": "Planning baselined", "checked": False, "evidence": ""}]
    assert detail["checklist_done"] == [0, 1]
    assert detail["decided_by_detail"]["username"] == "exec"


@pytest.mark.django_db
def test_the_reviews_list_runs_the_same_queries_for_5_or_50_rows(api_list_queries, exec_user):
    for _ in range(5):
        make_review(factories.ProjectFactory(), exec_user)
    few, rows = api_list_queries(REVIEWS)
    assert rows == 5
    for _ in range(45):
        make_review(factories.ProjectFactory(), exec_user)
    many, rows = api_list_queries(REVIEWS)

    assert rows == 50
    assert few == many


@pytest.mark.django_db
def test_reviews_are_refused_without_a_role(api_for_role):
    assert api_for_role("no_role").get(REVIEWS).status_code == 403
    assert api_for_role("no_role").get(TEMPLATES).status_code == 403


# --- gate templates -------------------------------------------------------------------------


@pytest.mark.django_db
def test_the_gates_are_listed_in_phase_order(api_as, exec_user):
    data = api_as(exec_user).get(TEMPLATES).json()["results"]

    assert [row["phase"] for row in data] == [
        "idea",
        "framing",
        "planning",
        "execution",
        "closing",
    ]
    assert data[3]["checklist"] == G3_ITEMS


@pytest.mark.django_db
def test_the_pmo_updates_a_gate_blank_items_dropped(api_as, pmo_user):
    template = GateTemplate.objects.get(phase="execution")

    response = api_as(pmo_user).patch(
        f"{TEMPLATES}{template.pk}/",
        {"name": "G3", "checklist": ["Accepted", " ", "Live"]},
        format="json",
    )

    assert response.status_code == 200, response.content
    assert response.json()["checklist"] == ["Accepted", "Live"]
    template.refresh_from_db()
    assert (template.name, template.checklist) == ("G3", ["Accepted", "Live"])


@pytest.mark.parametrize(
    ("payload", "field"),
    [({"name": ""}, "name"), ({"checklist": ["", " "]}, "checklist")],
)
@pytest.mark.django_db
def test_a_bad_gate_is_a_400(api_as, pmo_user, payload, field):
    template = GateTemplate.objects.get(phase="execution")

    response = api_as(pmo_user).patch(f"{TEMPLATES}{template.pk}/", payload, format="json")

    assert response.status_code == 400
    assert field in response.json()


@pytest.mark.parametrize("role", ["executive", "pm", "integration"])
@pytest.mark.django_db
def test_only_the_pmo_updates_a_gate(api_for_role, role):
    template = GateTemplate.objects.get(phase="execution")

    response = api_for_role(role).patch(f"{TEMPLATES}{template.pk}/", {"name": "X"})

    assert response.status_code == 403


# --- the phase of a project -----------------------------------------------------------------


@pytest.mark.django_db
def test_the_projects_api_refuses_a_phase_change_with_a_400_naming_phase(api_as, pmo_user, project):
    response = api_as(pmo_user).patch(
        f"/api/v1/projects/{project.pk}/", {"phase": "closing"}, format="json"
    )

    assert response.status_code == 400
    assert "phase" in response.json()
    assert Project.objects.get(pk=project.pk).phase == Phase.EXECUTION


@pytest.mark.django_db
def test_the_projects_api_accepts_the_phase_unchanged(api_as, pmo_user, project):
    response = api_as(pmo_user).patch(
        f"/api/v1/projects/{project.pk}/", {"phase": "execution", "name": "New"}, format="json"
    )

    assert response.status_code == 200

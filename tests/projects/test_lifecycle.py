"""A project's whole life through the API, as the people of a PMO live it: a project manager
files a launch note, the PMO accepts it, an executive passes it through every gate, the
project manager writes the closure report, the last gate approves it, and the lesson the PMO
captures at closure is offered to the next project of the programme."""

import datetime
from decimal import Decimal

import pytest

from projects.choices import Phase
from projects.models import ClosureReport, Project
from tests import factories

pytestmark = pytest.mark.django_db


def checked(api, phase: str) -> list[dict]:
    """Every item of the gate that ends ``phase``, checked, with an evidence link."""
    templates = api.get("/api/v1/gate-templates/").json()["results"]
    [template] = [row for row in templates if row["phase"] == phase]
    return [
        {"item": item, "checked": True, "evidence": "https://intranet.example.com/evidence"}
        for item in template["checklist"]
    ]


def test_from_launch_note_to_closure_and_lessons(api_as, pm_user, pmo_user, exec_user):
    programme = factories.ProgrammeFactory(code="PRG-CX", name="Customer experience")
    objective = factories.StrategicObjectiveFactory(code="OBJ-CX")
    pm, pmo, executive = api_as(pm_user), api_as(pmo_user), api_as(exec_user)

    # The project manager files and submits the launch note.
    response = pm.post(
        "/api/v1/project-requests/",
        {
            "title": "Customer self-care portal",
            "portfolio": programme.portfolio_id,
            "programme": programme.pk,
            "sponsor": exec_user.pk,
            "objectives": "Half of the claims filed online within a year.",
            "scope": "Claims and invoices online; the call centre tools are out.",
            "capex_estimate": "350000.00",
            "opex_estimate": "60000.00",
            "fte_estimate": "3.5",
            "strategic_objectives": [objective.pk],
        },
        format="json",
    )
    assert response.status_code == 201, response.json()
    request_id = response.json()["id"]
    assert pm.post(f"/api/v1/project-requests/{request_id}/submit/").status_code == 200
    # Accepting is the PMO's, not the requester's.
    accept = {"code": "CX-001", "review_note": "Fits the customer roadmap."}
    assert pm.post(f"/api/v1/project-requests/{request_id}/accept/", accept).status_code == 403

    response = pmo.post(f"/api/v1/project-requests/{request_id}/accept/", accept, format="json")
    assert response.status_code == 200, response.json()
    project = Project.objects.get(code="CX-001")
    assert response.json()["project"] == project.pk
    assert project.phase == Phase.IDEA
    assert project.project_manager == pm_user
    assert project.budget_capex == Decimal("350000.00")

    # The phase does not move by an edit...
    response = pmo.patch(f"/api/v1/projects/{project.pk}/", {"phase": Phase.FRAMING})
    assert response.status_code == 400
    assert "phase" in response.json()

    # ...but through the gates: an executive decides; a project manager may not.
    start = datetime.date(2026, 1, 5)
    gate = {"project": project.pk, "decision": "go", "checklist": checked(pmo, Phase.IDEA)}
    assert pm.post("/api/v1/gate-reviews/", gate, format="json").status_code == 403
    for phase, following in (
        (Phase.IDEA, Phase.FRAMING),
        (Phase.FRAMING, Phase.PLANNING),
        (Phase.PLANNING, Phase.EXECUTION),
        (Phase.EXECUTION, Phase.CLOSING),
    ):
        if following == Phase.EXECUTION:
            # Execution runs against a baseline, which the PMO sets in planning.
            response = pmo.patch(
                f"/api/v1/projects/{project.pk}/",
                {"baseline_start": str(start), "baseline_end": "2026-10-30"},
                format="json",
            )
            assert response.status_code == 200, response.json()
        response = executive.post(
            "/api/v1/gate-reviews/",
            {
                "project": project.pk,
                "decision": "go",
                "checklist": checked(pmo, phase),
                "decided_on": "2026-06-01",
            },
            format="json",
        )
        assert response.status_code == 201, response.json()
        project.refresh_from_db()
        assert project.phase == following

    # Leaving closing needs the closure report, which the project manager writes.
    last_gate = {"project": project.pk, "decision": "go", "checklist": checked(pmo, Phase.CLOSING)}
    response = executive.post("/api/v1/gate-reviews/", last_gate, format="json")
    assert response.status_code == 409
    response = pm.post(
        "/api/v1/closure-reports/",
        {
            "project": project.pk,
            "objectives_met": "partly",
            "objectives_comment": "40 % of the claims online, not 50 %.",
            "scope_delivered": "Claims and invoices online.",
            "handover": "To the digital run team.",
        },
        format="json",
    )
    assert response.status_code == 201, response.json()
    factories.CostEntryFactory(project=project, amount=Decimal("120000.00"))

    response = executive.post("/api/v1/gate-reviews/", last_gate, format="json")
    assert response.status_code == 201, response.json()
    project.refresh_from_db()
    assert project.phase == Phase.CLOSED
    report = ClosureReport.objects.get(project=project)
    assert report.approved_by == exec_user
    assert report.final_capex == Decimal("120000.00")
    assert len(executive.get(f"/api/v1/gate-reviews/?project={project.pk}").json()["results"]) == 5

    # A closed project's lessons are the PMO's to write; the next project of the programme
    # is offered it.
    lesson = {
        "project": project.pk,
        "source": "closure",
        "knowledge_area": "scope",
        "polarity": "negative",
        "title": "Claims portal scope grew with every workshop",
        "what_happened": "Each workshop added a claim type.",
        "recommendation": "Freeze the claim types of the first release at framing.",
        "tags": ["scope creep", "portal"],
    }
    assert pm.post("/api/v1/lessons/", lesson, format="json").status_code == 403
    response = pmo.post("/api/v1/lessons/", lesson, format="json")
    assert response.status_code == 201, response.json()
    found = pmo.get("/api/v1/lessons/?q=claim types").json()["results"]
    assert [row["title"] for row in found] == [lesson["title"]]

    next_project = factories.ProjectFactory(
        code="CX-002",
        name="Claims portal, second release",
        portfolio=programme.portfolio,
        programme=programme,
        phase=Phase.FRAMING,
        project_manager=pm_user,
    )
    suggested = pm.get(f"/api/v1/lessons/suggested/?project={next_project.pk}").json()
    assert suggested[0]["lesson"]["title"] == lesson["title"]

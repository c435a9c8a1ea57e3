"""REST API of the RAID log (risks, issues, actions, decisions) and change requests."""

import datetime
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.utils import timezone

from projects.choices import Phase
from projects.models import BaselineRevision, Project
from risks import services
from risks.choices import (
    ActionOrigin,
    ActionStatus,
    ChangeState,
    DecisionState,
    IssueStatus,
    RiskStatus,
    Severity,
)
from risks.models import Action, ChangeRequest, Decision, Issue, Risk, RiskPolicy
from tests import factories

API = "/api/v1"
RESOURCES = ("risks", "issues", "actions", "decisions", "change-requests")
MODELS = {
    "risks": Risk,
    "issues": Issue,
    "actions": Action,
    "decisions": Decision,
    "change-requests": ChangeRequest,
}


def today():
    return timezone.localdate()


def days(n):
    return (today() + datetime.timedelta(days=n)).isoformat()


def values(record):
    """Everything stored of one record, to check that a refused call changed nothing."""
    return type(record).objects.filter(pk=record.pk).values().get()


def project_values(project):
    return Project.objects.filter(pk=project.pk).values().get()


@pytest.fixture
def world(project, other_pm_user):
    """``project`` (managed by ``pm_user``) with one entry of each kind and a draft change
    request; another manager's project; a programme of ``project``'s portfolio."""
    return {
        "project": project,
        "other_project": factories.ProjectFactory(project_manager=other_pm_user),
        "programme": factories.ProgrammeFactory(portfolio=project.portfolio),
        "risks": factories.RiskFactory(project=project),
        "issues": factories.IssueFactory(project=project),
        # Owned by someone else, so that only the project's manager may change it.
        "actions": factories.ActionFactory(project=project, owner=factories.UserFactory()),
        "decisions": factories.DecisionFactory(project=project),
        "change-requests": factories.ChangeRequestFactory(project=project),
    }


def new_payload(resource, world, scope="project", **changes):
    """A record of ``resource`` to POST on ``world[scope]`` (a project or the programme)."""
    where = world[scope]
    held_on = {"programme": where.pk} if scope == "programme" else {"project": where.pk}
    payloads = {
        "risks": {"title": "Supplier may fail", "probability": 2, "impact": 3},
        "issues": {"title": "Test bench down", "severity": Severity.HIGH},
        "actions": {
            "title": "Call the supplier",
            "owner": world["project"].project_manager_id,
            "due_date": days(7),
        },
        "decisions": {"title": "Pick a hosting", "context": "Contract ends", "options": "A/B"},
        "change-requests": {"title": "Extra interface", "cost_delta_capex": "1000.00"},
    }
    return {**held_on, **payloads[resource], **changes}


# What an update sends, per resource.
UPDATES = {
    "risks": {"mitigation": "Second supplier qualified"},
    "issues": {"target_date": "2026-12-01"},
    "actions": {"status": ActionStatus.IN_PROGRESS},
    "decisions": {"options": "A, B or C"},
    "change-requests": {"scope_impact": "One more screen"},
}


# ------------------------------------------------------------------------------
# Permissions on reading and writing
# ------------------------------------------------------------------------------
CALLS = ("list", "detail", "create", "create_other", "create_programme", "update", "delete")
ALL_401 = dict.fromkeys(CALLS, 401)
ALL_403 = {**dict.fromkeys(CALLS, 403), "delete": 405}
READER = {**ALL_403, "list": 200, "detail": 200}
WRITER = {**dict.fromkeys(CALLS, 201), "list": 200, "detail": 200, "update": 200, "delete": 405}
STATUS = {
    "anonymous": ALL_401,
    "no_role": ALL_403,
    # Keeps the RAID log of their own project; programme-level entries are the PMO's.
    "pm": {**READER, "create": 201, "update": 200},
    "other_pm": {**READER, "create_other": 201},
    "pmo": WRITER,
    "executive": READER,
    "integration": READER,
}
MATRIX = [
    (resource, role, call, status)
    for resource in RESOURCES
    for role, statuses in STATUS.items()
    for call, status in statuses.items()
    # A change request is held on a project only.
    if not (resource == "change-requests" and call == "create_programme")
]


def call_endpoint(client, resource, call, world):
    url = f"{API}/{resource}/"
    row = world[resource]
    if call == "list":
        return client.get(url)
    if call == "detail":
        return client.get(f"{url}{row.pk}/")
    if call == "create":
        return client.post(url, new_payload(resource, world))
    if call == "create_other":
        return client.post(url, new_payload(resource, world, "other_project"))
    if call == "create_programme":
        return client.post(url, new_payload(resource, world, "programme"))
    if call == "update":
        return client.patch(f"{url}{row.pk}/", UPDATES[resource])
    return client.delete(f"{url}{row.pk}/")


@pytest.mark.django_db
@pytest.mark.parametrize(("resource", "role", "call", "expected"), MATRIX)
def test_each_role_gets_its_status_on_each_raid_endpoint_and_refusals_save_nothing(
    api_for_role, world, resource, role, call, expected
):
    # Given a client in the role and one record of "pm"'s project
    client = api_for_role(role)
    model = MODELS[resource]
    before = {row.pk: values(row) for row in model.objects.all()}

    # When it calls the endpoint
    response = call_endpoint(client, resource, call, world)

    # Then the status is the expected one, and a refused call changed nothing
    assert response.status_code == expected, response.content
    if expected >= 400:
        assert {row.pk: values(row) for row in model.objects.all()} == before
    if expected == 201:
        assert model.objects.count() == len(before) + 1


@pytest.mark.django_db
@pytest.mark.parametrize("resource", RESOURCES)
def test_a_project_manager_cannot_write_the_raid_log_of_an_ended_project_they_managed(
    api_as, pm_user, world, resource
):
    project = world["project"]
    Project.objects.filter(pk=project.pk).update(phase=Phase.CLOSED)
    model = MODELS[resource]
    count = model.objects.count()

    create = api_as(pm_user).post(f"{API}/{resource}/", new_payload(resource, world))
    update = api_as(pm_user).patch(f"{API}/{resource}/{world[resource].pk}/", UPDATES[resource])

    assert (create.status_code, update.status_code) == (403, 403)
    assert model.objects.count() == count


@pytest.mark.django_db
def test_the_owner_of_an_action_of_another_project_may_update_it(api_as, other_pm_user, world):
    action = factories.ActionFactory(project=world["project"], owner=other_pm_user)

    response = api_as(other_pm_user).patch(
        f"{API}/actions/{action.pk}/", {"status": ActionStatus.DONE}
    )

    assert response.status_code == 200, response.content
    assert response.json()["completed_at"] is not None


@pytest.mark.django_db
@pytest.mark.parametrize("resource", RESOURCES)
def test_an_unknown_id_answers_404(api_as, pmo_user, resource):
    response = api_as(pmo_user).get(f"{API}/{resource}/999999/")

    assert response.status_code == 404


# ------------------------------------------------------------------------------
# Permissions on the workflow steps
# ------------------------------------------------------------------------------
# Who may take each step on a record of "pm"'s project in the state that allows it.
CHANGER = {"pm": 200, "other_pm": 403, "pmo": 200, "executive": 403, "integration": 403}
DECIDER = {"pm": 403, "other_pm": 403, "pmo": 200, "executive": 200, "integration": 403}
OUTSIDERS = {"anonymous": 401, "no_role": 403}
STEPS = {
    ("risks", "escalate"): CHANGER,
    ("risks", "close"): CHANGER,
    ("risks", "occurred"): CHANGER,
    ("issues", "resolve"): CHANGER,
    ("decisions", "take"): DECIDER,
    ("decisions", "withdraw"): CHANGER,
    ("change-requests", "submit"): CHANGER,
    ("change-requests", "withdraw"): CHANGER,
    ("change-requests", "approve"): DECIDER,
    ("change-requests", "reject"): DECIDER,
    ("change-requests", "implement"): CHANGER,
}
# The body of each step, and the change request's state it starts from.
STEP_BODIES = {
    "close": {"note": "Supplier replaced"},
    "occurred": {"note": "Supplier went bankrupt"},
    "resolve": {"resolution": "Bench repaired"},
    "take": {"outcome": "Option A"},
    "reject": {"reason": "Not worth it"},
}
CHANGE_STATE_BEFORE = {
    "submit": ChangeState.DRAFT,
    "withdraw": ChangeState.SUBMITTED,
    "approve": ChangeState.SUBMITTED,
    "reject": ChangeState.SUBMITTED,
    "implement": ChangeState.APPROVED,
}
STEP_MATRIX = [
    (resource, step, role, status)
    for (resource, step), statuses in STEPS.items()
    for role, status in {**OUTSIDERS, **statuses}.items()
]


@pytest.mark.django_db
@pytest.mark.parametrize(("resource", "step", "role", "expected"), STEP_MATRIX)
def test_each_role_gets_its_status_on_each_workflow_step_and_refusals_change_nothing(
    api_for_role, world, resource, step, role, expected
):
    # Given a record of "pm"'s project in the state the step starts from
    record = world[resource]
    if resource == "change-requests":
        ChangeRequest.objects.filter(pk=record.pk).update(state=CHANGE_STATE_BEFORE[step])
    before = values(record)
    baseline_before = project_values(world["project"])

    # When a client in the role takes the step
    response = api_for_role(role).post(
        f"{API}/{resource}/{record.pk}/{step}/", STEP_BODIES.get(step, {})
    )

    # Then the status is the expected one, and a refusal changed nothing
    assert response.status_code == expected, response.content
    if expected != 200:
        assert values(record) == before
        assert project_values(world["project"]) == baseline_before


@pytest.mark.django_db
@pytest.mark.parametrize(("resource", "step"), list(STEPS))
def test_a_workflow_step_on_an_unknown_id_answers_404(api_as, pmo_user, resource, step):
    response = api_as(pmo_user).post(f"{API}/{resource}/999999/{step}/", STEP_BODIES.get(step, {}))

    assert response.status_code == 404


# ------------------------------------------------------------------------------
# Risks
# ------------------------------------------------------------------------------
@pytest.mark.django_db
def test_a_created_risk_is_read_back_with_its_database_scores_and_band(api_as, pm_user, world):
    project = world["project"]
    payload = new_payload(
        "risks",
        world,
        probability=4,
        impact=5,
        residual_probability=2,
        residual_impact=3,
        owner=pm_user.pk,
    )

    response = api_as(pm_user).post(f"{API}/risks/", payload)

    assert response.status_code == 201, response.content
    body = response.json()
    risk = Risk.objects.get(pk=body["id"])
    assert (body["score"], body["residual_score"]) == (20, 6)
    assert (body["band"], body["proposed_for_escalation"]) == ("critical", True)
    assert (body["reference"], body["level"], body["status"]) == (f"R-{risk.pk}", "project", "open")
    assert (body["project_code"], body["programme_code"], body["portfolio_code"]) == (
        project.code,
        None,
        None,
    )
    assert body["scope_portfolio_code"] == project.portfolio.code
    assert body["owner_detail"]["username"] == "pm"
    assert (risk.probability, risk.impact) == (4, 5)


@pytest.mark.django_db
def test_a_patched_risk_answers_its_new_score(api_as, pm_user, world):
    risk = world["risks"]

    response = api_as(pm_user).patch(f"{API}/risks/{risk.pk}/", {"impact": 1})

    assert response.status_code == 200, response.content
    assert (response.json()["score"], response.json()["band"]) == (3, "low")


@pytest.mark.django_db
def test_a_programme_risk_is_held_on_the_programme_and_its_portfolio(api_as, pmo_user, world):
    programme = world["programme"]

    response = api_as(pmo_user).post(f"{API}/risks/", new_payload("risks", world, "programme"))

    assert response.status_code == 201, response.content
    body = response.json()
    assert (body["level"], body["project"], body["programme"]) == ("programme", None, programme.pk)
    assert (body["programme_code"], body["scope_portfolio_code"]) == (
        programme.code,
        programme.portfolio.code,
    )


@pytest.mark.django_db
def test_the_band_and_escalation_proposal_follow_the_pmo_threshold(api_as, exec_user, world):
    RiskPolicy.objects.create(escalation_threshold=12)
    risk = world["risks"]  # 3 × 4 = 12

    body = api_as(exec_user).get(f"{API}/risks/{risk.pk}/").json()

    assert (body["band"], body["proposed_for_escalation"]) == ("critical", True)


RISK_BAD_INPUT = {
    "probability 0": (lambda w: {"probability": 0}, ["probability"]),
    "probability 6": (lambda w: {"probability": 6}, ["probability"]),
    "impact 6": (lambda w: {"impact": 6}, ["impact"]),
    "residual probability 0": (
        lambda w: {"residual_probability": 0, "residual_impact": 1},
        ["residual_probability"],
    ),
    "residual above inherent": (
        lambda w: {"residual_probability": 1, "residual_impact": 4},
        ["residual_impact"],
    ),
    "residual impact alone": (lambda w: {"residual_probability": 1}, ["residual_impact"]),
    "unknown project": (lambda w: {"project": 999999}, ["project"]),
    "no scope": (lambda w: {"project": None}, ["project"]),
    "two scopes": (lambda w: {"programme": w["programme"].pk}, ["project"]),
    "closed at creation": (lambda w: {"status": RiskStatus.CLOSED}, ["status"]),
    "unknown status": (lambda w: {"status": "forgotten"}, ["status"]),
    "unknown owner": (lambda w: {"owner": 999999}, ["owner"]),
    "missing title": (lambda w: {"title": ""}, ["title"]),
    "probability not a number": (lambda w: {"probability": "high"}, ["probability"]),
}


@pytest.mark.django_db
@pytest.mark.parametrize(("change", "bad_fields"), RISK_BAD_INPUT.values(), ids=RISK_BAD_INPUT)
def test_bad_risk_input_answers_400_naming_each_bad_field_and_saves_nothing(
    api_as, pmo_user, world, change, bad_fields
):
    count = Risk.objects.count()

    response = api_as(pmo_user).post(f"{API}/risks/", new_payload("risks", world, **change(world)))

    assert response.status_code == 400, response.content
    assert sorted(response.json()) == sorted(bad_fields)
    assert Risk.objects.count() == count


@pytest.mark.django_db
@pytest.mark.parametrize("probability", [0, 6])
def test_a_probability_out_of_1_to_5_by_patch_answers_400_and_keeps_the_risk(
    api_as, pm_user, world, probability
):
    risk = world["risks"]
    before = values(risk)

    response = api_as(pm_user).patch(
        f"{API}/risks/{risk.pk}/", {"probability": probability, "title": "Changed too"}
    )

    assert response.status_code == 400
    assert list(response.json()) == ["probability"]
    assert values(risk) == before


@pytest.mark.django_db
@pytest.mark.parametrize("status", [RiskStatus.CLOSED, RiskStatus.OCCURRED])
def test_closing_a_risk_by_its_status_answers_400_on_status(api_as, pm_user, world, status):
    risk = world["risks"]
    before = values(risk)

    response = api_as(pm_user).patch(f"{API}/risks/{risk.pk}/", {"status": status})

    assert response.status_code == 400
    assert list(response.json()) == ["status"]
    assert values(risk) == before


@pytest.mark.django_db
def test_a_risk_moves_between_open_and_mitigating_by_its_status(api_as, pm_user, world):
    risk = world["risks"]

    response = api_as(pm_user).patch(f"{API}/risks/{risk.pk}/", {"status": "mitigating"})

    assert response.status_code == 200, response.content
    assert Risk.objects.get(pk=risk.pk).status == RiskStatus.MITIGATING


@pytest.mark.django_db
def test_a_project_manager_cannot_move_their_risk_to_the_programme(api_as, pm_user, world):
    risk = world["risks"]
    before = values(risk)

    response = api_as(pm_user).patch(
        f"{API}/risks/{risk.pk}/", {"project": None, "programme": world["programme"].pk}
    )

    assert response.status_code == 403
    assert values(risk) == before


@pytest.mark.django_db
def test_a_closed_risk_is_never_edited_409(api_as, pmo_user, world):
    risk = services.risk_close(world["risks"], actor=pmo_user, note="Gone")
    before = values(risk)

    response = api_as(pmo_user).patch(f"{API}/risks/{risk.pk}/", {"impact": 1})

    assert response.status_code == 409
    assert "closed" in response.json()["detail"]
    assert values(risk) == before


@pytest.mark.django_db
def test_escalating_a_risk_stamps_who_and_when_and_ends_its_proposal(api_as, pm_user, world):
    RiskPolicy.objects.create(escalation_threshold=12)
    risk = world["risks"]

    response = api_as(pm_user).post(
        f"{API}/risks/{risk.pk}/escalate/", {"note": "Copil must arbitrate"}
    )

    assert response.status_code == 200, response.content
    body = response.json()
    assert (body["escalated_by"], body["escalation_note"]) == (pm_user.pk, "Copil must arbitrate")
    assert body["escalated_at"] is not None
    assert body["escalated_by_detail"]["username"] == "pm"
    assert body["proposed_for_escalation"] is False


@pytest.mark.django_db
def test_escalating_a_risk_needs_no_note(api_as, pm_user, world):
    response = api_as(pm_user).post(f"{API}/risks/{world['risks'].pk}/escalate/")

    assert response.status_code == 200, response.content
    assert response.json()["escalation_note"] == ""


@pytest.mark.django_db
def test_escalating_a_risk_twice_answers_409(api_as, pm_user, world):
    risk = services.risk_escalate(world["risks"], actor=pm_user)
    before = values(risk)

    response = api_as(pm_user).post(f"{API}/risks/{risk.pk}/escalate/", {"note": "Again"})

    assert response.status_code == 409
    assert response.json()["detail"]
    assert values(risk) == before


@pytest.mark.django_db
def test_closing_a_risk_keeps_it_with_why_and_who(api_as, pm_user, world):
    risk = world["risks"]

    response = api_as(pm_user).post(f"{API}/risks/{risk.pk}/close/", {"note": "Supplier replaced"})

    assert response.status_code == 200, response.content
    body = response.json()
    assert (body["status"], body["closure_note"], body["closed_by"]) == (
        "closed",
        "Supplier replaced",
        pm_user.pk,
    )
    assert body["closed_by_detail"]["username"] == "pm"
    assert Risk.objects.get(pk=risk.pk).status == RiskStatus.CLOSED


@pytest.mark.django_db
@pytest.mark.parametrize("body", [{}, {"note": "  "}], ids=["missing", "blank"])
def test_closing_a_risk_without_a_note_answers_400_on_closure_note(api_as, pm_user, world, body):
    risk = world["risks"]
    before = values(risk)

    response = api_as(pm_user).post(f"{API}/risks/{risk.pk}/close/", body)

    assert response.status_code == 400
    assert list(response.json()) == ["closure_note"]
    assert values(risk) == before


@pytest.mark.django_db
def test_closing_a_closed_risk_answers_409(api_as, pm_user, world):
    risk = services.risk_close(world["risks"], actor=pm_user, note="Gone")

    response = api_as(pm_user).post(f"{API}/risks/{risk.pk}/close/", {"note": "Again"})

    assert response.status_code == 409
    assert Risk.objects.get(pk=risk.pk).closure_note == "Gone"


@pytest.mark.django_db
def test_a_risk_that_occurred_opens_its_issue_in_the_same_step(api_as, pm_user, world):
    risk = world["risks"]  # impact 4

    response = api_as(pm_user).post(
        f"{API}/risks/{risk.pk}/occurred/", {"note": "Supplier went bankrupt"}
    )

    assert response.status_code == 200, response.content
    body = response.json()
    assert (body["risk"]["id"], body["risk"]["status"]) == (risk.pk, "occurred")
    issue = Issue.objects.get(pk=body["issue"])
    assert (issue.risk, issue.project, issue.severity) == (risk, world["project"], Severity.HIGH)


@pytest.mark.django_db
def test_a_risk_that_occurred_opens_its_issue_with_the_severity_given(api_as, pm_user, world):
    response = api_as(pm_user).post(
        f"{API}/risks/{world['risks'].pk}/occurred/", {"severity": Severity.CRITICAL}
    )

    assert response.status_code == 200, response.content
    assert Issue.objects.get(pk=response.json()["issue"]).severity == Severity.CRITICAL


@pytest.mark.django_db
def test_a_risk_may_occur_without_opening_an_issue(api_as, pm_user, world):
    count = Issue.objects.count()

    response = api_as(pm_user).post(
        f"{API}/risks/{world['risks'].pk}/occurred/", {"raise_issue": False}
    )

    assert response.status_code == 200, response.content
    assert (response.json()["issue"], response.json()["risk"]["status"]) == (None, "occurred")
    assert Issue.objects.count() == count


@pytest.mark.django_db
def test_an_unknown_severity_for_an_occurred_risk_answers_400_and_changes_nothing(
    api_as, pm_user, world
):
    risk = world["risks"]
    before = values(risk)

    response = api_as(pm_user).post(f"{API}/risks/{risk.pk}/occurred/", {"severity": "dire"})

    assert response.status_code == 400
    assert list(response.json()) == ["severity"]
    assert values(risk) == before


@pytest.mark.django_db
def test_a_risk_that_already_occurred_cannot_occur_again_409(api_as, pm_user, world):
    risk, _ = services.risk_mark_occurred(world["risks"], actor=pm_user)
    count = Issue.objects.count()

    response = api_as(pm_user).post(f"{API}/risks/{risk.pk}/occurred/")

    assert response.status_code == 409
    assert Issue.objects.count() == count


# ------------------------------------------------------------------------------
# Issues and actions
# ------------------------------------------------------------------------------
@pytest.mark.django_db
def test_resolving_an_issue_keeps_how_and_who(api_as, pm_user, world):
    issue = world["issues"]

    response = api_as(pm_user).post(
        f"{API}/issues/{issue.pk}/resolve/", {"resolution": "Bench repaired"}
    )

    assert response.status_code == 200, response.content
    body = response.json()
    assert (body["status"], body["resolution"], body["resolved_by"]) == (
        "resolved",
        "Bench repaired",
        pm_user.pk,
    )
    assert body["resolved_by_detail"]["username"] == "pm"


@pytest.mark.django_db
def test_resolving_an_issue_without_a_resolution_answers_400_on_resolution(api_as, pm_user, world):
    issue = world["issues"]
    before = values(issue)

    response = api_as(pm_user).post(f"{API}/issues/{issue.pk}/resolve/", {})

    assert response.status_code == 400
    assert list(response.json()) == ["resolution"]
    assert values(issue) == before


@pytest.mark.django_db
def test_a_resolved_issue_is_neither_resolved_again_nor_edited_409(api_as, pm_user, world):
    issue = services.issue_resolve(world["issues"], actor=pm_user, resolution="Done")
    before = values(issue)

    again = api_as(pm_user).post(f"{API}/issues/{issue.pk}/resolve/", {"resolution": "Again"})
    edit = api_as(pm_user).patch(f"{API}/issues/{issue.pk}/", {"title": "Renamed"})

    assert (again.status_code, edit.status_code) == (409, 409)
    assert values(issue) == before


@pytest.mark.django_db
def test_the_resolution_of_an_issue_is_written_only_by_resolving_it(api_as, pm_user, world):
    issue = world["issues"]

    response = api_as(pm_user).patch(f"{API}/issues/{issue.pk}/", {"resolution": "Sneaky"})

    assert response.status_code == 200
    assert Issue.objects.get(pk=issue.pk).resolution == ""


@pytest.mark.django_db
def test_an_issue_past_its_target_date_is_overdue_until_resolved(api_as, pm_user, world):
    issue = factories.IssueFactory(
        project=world["project"], target_date=today() - datetime.timedelta(days=1)
    )
    url = f"{API}/issues/{issue.pk}/"

    open_body = api_as(pm_user).get(url).json()
    services.issue_resolve(issue, actor=pm_user, resolution="Done")
    resolved_body = api_as(pm_user).get(url).json()

    assert (open_body["overdue"], resolved_body["overdue"]) == (True, False)


@pytest.mark.django_db
def test_an_action_done_is_stamped_and_no_longer_overdue(api_as, pm_user, world):
    action = factories.ActionFactory(
        project=world["project"], due_date=today() - datetime.timedelta(days=1)
    )
    url = f"{API}/actions/{action.pk}/"
    assert api_as(pm_user).get(url).json()["overdue"] is True

    response = api_as(pm_user).patch(url, {"status": ActionStatus.DONE})

    assert response.status_code == 200, response.content
    assert (response.json()["overdue"], response.json()["status"]) == (False, "done")
    assert response.json()["completed_at"] is not None


@pytest.mark.django_db
def test_an_action_from_a_risk_is_created_with_its_risk(api_as, pm_user, world):
    risk = world["risks"]
    payload = new_payload("actions", world, origin=ActionOrigin.RISK, risk=risk.pk)

    response = api_as(pm_user).post(f"{API}/actions/", payload)

    assert response.status_code == 201, response.content
    assert Action.objects.get(pk=response.json()["id"]).risk == risk
    assert response.json()["owner_detail"]["username"] == "pm"


ACTION_BAD_INPUT = {
    "origin risk without risk": (lambda w: {"origin": ActionOrigin.RISK}, ["risk"]),
    "origin meeting without meeting": (lambda w: {"origin": ActionOrigin.MEETING}, ["meeting"]),
    "risk kept with another origin": (
        lambda w: {"origin": ActionOrigin.OTHER, "risk": w["risks"].pk},
        ["risk"],
    ),
    "no owner": (lambda w: {"owner": None}, ["owner"]),
    "no due date": (lambda w: {"due_date": None}, ["due_date"]),
    "unknown status": (lambda w: {"status": "sleeping"}, ["status"]),
    "unknown programme": (lambda w: {"project": None, "programme": 999999}, ["programme"]),
}


@pytest.mark.django_db
@pytest.mark.parametrize(("change", "bad_fields"), ACTION_BAD_INPUT.values(), ids=ACTION_BAD_INPUT)
def test_bad_action_input_answers_400_naming_each_bad_field_and_saves_nothing(
    api_as, pmo_user, world, change, bad_fields
):
    count = Action.objects.count()

    response = api_as(pmo_user).post(
        f"{API}/actions/", new_payload("actions", world, **change(world))
    )

    assert response.status_code == 400, response.content
    assert sorted(response.json()) == sorted(bad_fields)
    assert Action.objects.count() == count


# ------------------------------------------------------------------------------
# Decisions
# ------------------------------------------------------------------------------
@pytest.mark.django_db
def test_a_decision_is_requested_by_the_caller(api_as, pm_user, world):
    response = api_as(pm_user).post(f"{API}/decisions/", new_payload("decisions", world))

    assert response.status_code == 201, response.content
    body = response.json()
    assert (body["state"], body["requested_by"], body["outcome"]) == ("requested", pm_user.pk, "")
    assert body["requested_by_detail"]["username"] == "pm"


@pytest.mark.django_db
def test_the_outcome_of_a_decision_is_not_written_by_patch(api_as, pmo_user, world):
    decision = world["decisions"]

    response = api_as(pmo_user).patch(
        f"{API}/decisions/{decision.pk}/", {"outcome": "Decided", "state": "taken"}
    )

    assert response.status_code == 200
    stored = Decision.objects.get(pk=decision.pk)
    assert (stored.state, stored.outcome) == (DecisionState.REQUESTED, "")


@pytest.mark.django_db
def test_an_executive_takes_a_decision_recording_who_when_and_where(api_as, exec_user, world):
    decision = world["decisions"]
    yesterday = today() - datetime.timedelta(days=1)

    response = api_as(exec_user).post(
        f"{API}/decisions/{decision.pk}/take/",
        {"outcome": "Option A", "decided_on": yesterday.isoformat(), "committee": "Copil 12"},
    )

    assert response.status_code == 200, response.content
    body = response.json()
    assert (body["state"], body["outcome"], body["committee"]) == ("taken", "Option A", "Copil 12")
    assert (body["decided_by"], body["recorded_by"]) == (exec_user.pk, exec_user.pk)
    assert body["decided_on"] == yesterday.isoformat()
    assert body["decided_by_detail"]["username"] == "exec"


@pytest.mark.django_db
def test_the_pmo_records_a_decision_taken_by_an_executive(api_as, pmo_user, exec_user, world):
    decision = world["decisions"]

    response = api_as(pmo_user).post(
        f"{API}/decisions/{decision.pk}/take/", {"outcome": "B", "decided_by": exec_user.pk}
    )

    assert response.status_code == 200, response.content
    assert (response.json()["decided_by"], response.json()["recorded_by"]) == (
        exec_user.pk,
        pmo_user.pk,
    )


TAKE_BAD_INPUT = {
    "no outcome": ({}, ["outcome"]),
    "blank outcome": ({"outcome": " "}, ["outcome"]),
    "decided by a project manager": (
        lambda w: {"outcome": "A", "decided_by": w["pm"]},
        ["decided_by"],
    ),
    "decided by nobody known": ({"outcome": "A", "decided_by": 999999}, ["decided_by"]),
    "decided tomorrow": ({"outcome": "A", "decided_on": days(1)}, ["decided_on"]),
    "decided on no date": ({"outcome": "A", "decided_on": "soon"}, ["decided_on"]),
}


@pytest.mark.django_db
@pytest.mark.parametrize(("body", "bad_fields"), TAKE_BAD_INPUT.values(), ids=TAKE_BAD_INPUT)
def test_bad_input_to_take_a_decision_answers_400_naming_the_field_and_changes_nothing(
    api_as, pmo_user, pm_user, world, body, bad_fields
):
    decision = world["decisions"]
    before = values(decision)
    body = body({"pm": pm_user.pk}) if callable(body) else body

    response = api_as(pmo_user).post(f"{API}/decisions/{decision.pk}/take/", body)

    assert response.status_code == 400, response.content
    assert sorted(response.json()) == bad_fields
    assert values(decision) == before


@pytest.mark.django_db
def test_a_taken_decision_is_never_changed_taken_again_or_withdrawn_409(api_as, pmo_user, world):
    decision = services.decision_take(world["decisions"], actor=pmo_user, outcome="A")
    before = values(decision)
    client = api_as(pmo_user)
    url = f"{API}/decisions/{decision.pk}/"

    edit = client.patch(url, {"title": "Renamed"})
    take = client.post(f"{url}take/", {"outcome": "B"})
    withdraw = client.post(f"{url}withdraw/")

    assert (edit.status_code, take.status_code, withdraw.status_code) == (409, 409, 409)
    assert "taken" in take.json()["detail"]
    assert values(decision) == before


@pytest.mark.django_db
def test_withdrawing_a_decision_records_who(api_as, pm_user, world):
    response = api_as(pm_user).post(f"{API}/decisions/{world['decisions'].pk}/withdraw/")

    assert response.status_code == 200, response.content
    assert (response.json()["state"], response.json()["recorded_by"]) == ("withdrawn", pm_user.pk)


# ------------------------------------------------------------------------------
# Change requests
# ------------------------------------------------------------------------------
def change_in(state, project, **fields):
    """A change request of ``project`` stored directly in ``state``."""
    if state == ChangeState.REJECTED:
        fields.setdefault("decision_reason", "No budget")
    return factories.ChangeRequestFactory(project=project, state=state, **fields)


STEPS_ALLOWED = {
    (ChangeState.DRAFT, "submit"): ChangeState.SUBMITTED,
    (ChangeState.DRAFT, "withdraw"): ChangeState.WITHDRAWN,
    (ChangeState.SUBMITTED, "withdraw"): ChangeState.WITHDRAWN,
    (ChangeState.SUBMITTED, "approve"): ChangeState.APPROVED,
    (ChangeState.SUBMITTED, "reject"): ChangeState.REJECTED,
    (ChangeState.APPROVED, "implement"): ChangeState.IMPLEMENTED,
}
TRANSITIONS = [
    (state, step, STEPS_ALLOWED.get((state, step)))
    for state in ChangeState.values
    for step in ("submit", "withdraw", "approve", "reject", "implement")
]


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("state", "step", "after"),
    TRANSITIONS,
    ids=[f"{step} {state}" for state, step, _ in TRANSITIONS],
)
def test_each_change_request_step_is_allowed_only_from_its_state_else_409(
    api_as, pmo_user, world, state, step, after
):
    # Given a change request in the state
    change = change_in(state, world["project"])
    before = values(change)
    project_before = project_values(world["project"])

    # When the PMO takes the step
    response = api_as(pmo_user).post(
        f"{API}/change-requests/{change.pk}/{step}/", {"reason": "Reviewed"}
    )

    # Then it moves to the next state, or is refused with the reason and nothing changed
    if after is None:
        assert response.status_code == 409, response.content
        assert ChangeState(state).label.lower() in response.json()["detail"]
        assert values(change) == before
        assert project_values(world["project"]) == project_before
    else:
        assert response.status_code == 200, response.content
        assert response.json()["state"] == after
        assert ChangeRequest.objects.get(pk=change.pk).state == after


@pytest.mark.django_db
def test_approving_a_change_request_moves_the_baseline_and_returns_it_before_and_after(
    api_as, exec_user, world
):
    # Given a submitted change adding 50,000 CAPEX, 2,500 OPEX and 30 days
    project = world["project"]
    change = change_in(ChangeState.SUBMITTED, project, cost_delta_opex=Decimal("2500.00"))

    # When an executive approves it
    response = api_as(exec_user).post(
        f"{API}/change-requests/{change.pk}/approve/", {"reason": "Worth it"}
    )

    # Then the project's baseline moved and the request keeps both revisions
    assert response.status_code == 200, response.content
    project.refresh_from_db()
    assert (project.budget_capex, project.budget_opex, project.baseline_end) == (
        Decimal("450000.00"),
        Decimal("102500.00"),
        datetime.date(2027, 1, 17),
    )
    body = response.json()
    assert (body["state"], body["decided_by"], body["decision_reason"]) == (
        "approved",
        exec_user.pk,
        "Worth it",
    )
    assert body["baseline_before"] == {
        "number": 1,
        "baseline_start": "2026-01-05",
        "baseline_end": "2026-12-18",
        "budget_capex": "400000.00",
        "budget_opex": "100000.00",
    }
    assert body["baseline_after"] == {
        "number": 2,
        "baseline_start": "2026-01-05",
        "baseline_end": "2027-01-17",
        "budget_capex": "450000.00",
        "budget_opex": "102500.00",
    }
    assert BaselineRevision.objects.filter(project=project).count() == 2


@pytest.mark.django_db
def test_a_new_end_date_moves_the_baseline_end_to_it(api_as, pmo_user, world):
    project = world["project"]
    change = change_in(
        ChangeState.SUBMITTED,
        project,
        cost_delta_capex=Decimal("-1000.00"),
        schedule_delta_days=None,
        new_end_date=datetime.date(2026, 11, 30),
    )

    response = api_as(pmo_user).post(f"{API}/change-requests/{change.pk}/approve/")

    assert response.status_code == 200, response.content
    project.refresh_from_db()
    assert (project.budget_capex, project.baseline_end) == (
        Decimal("399000.00"),
        datetime.date(2026, 11, 30),
    )


@pytest.mark.django_db
def test_a_change_request_not_yet_approved_has_no_baselines(api_as, pm_user, world):
    body = api_as(pm_user).get(f"{API}/change-requests/{world['change-requests'].pk}/").json()

    assert (body["baseline_before"], body["baseline_after"]) == (None, None)


@pytest.mark.django_db
@pytest.mark.parametrize("body", [{}, {"reason": "   "}], ids=["missing", "blank"])
def test_rejecting_without_a_reason_answers_400_on_decision_reason_and_changes_nothing(
    api_as, exec_user, world, body
):
    change = change_in(ChangeState.SUBMITTED, world["project"])
    before = values(change)

    response = api_as(exec_user).post(f"{API}/change-requests/{change.pk}/reject/", body)

    assert response.status_code == 400, response.content
    assert list(response.json()) == ["decision_reason"]
    assert values(change) == before


@pytest.mark.django_db
def test_rejecting_keeps_the_reason_and_leaves_the_baseline(api_as, exec_user, world):
    project = world["project"]
    change = change_in(ChangeState.SUBMITTED, project)
    project_before = project_values(project)

    response = api_as(exec_user).post(
        f"{API}/change-requests/{change.pk}/reject/", {"reason": "No budget left"}
    )

    assert response.status_code == 200, response.content
    assert (response.json()["state"], response.json()["decision_reason"]) == (
        "rejected",
        "No budget left",
    )
    assert response.json()["baseline_after"] is None
    assert project_values(project) == project_before


@pytest.mark.django_db
@pytest.mark.parametrize("step", ["approve", "reject"])
def test_a_project_manager_cannot_decide_their_own_change_request_403(api_as, pm_user, world, step):
    project = world["project"]
    change = change_in(ChangeState.SUBMITTED, project)
    before, project_before = values(change), project_values(project)

    response = api_as(pm_user).post(
        f"{API}/change-requests/{change.pk}/{step}/", {"reason": "Self-approved"}
    )

    assert response.status_code == 403
    assert values(change) == before
    assert project_values(project) == project_before
    assert not BaselineRevision.objects.filter(project=project).exists()


@pytest.mark.django_db
def test_a_change_request_goes_from_draft_to_implemented_through_the_api(
    api_as, pm_user, exec_user, world
):
    project = world["project"]
    pm = api_as(pm_user)

    # The project manager drafts it, completes it and submits it
    created = pm.post(
        f"{API}/change-requests/",
        new_payload("change-requests", world, cost_delta_capex="0", scope_impact=""),
    )
    assert created.status_code == 201, created.content
    body = created.json()
    assert (body["state"], body["requested_by"], body["reference"]) == (
        "draft",
        pm_user.pk,
        f"CR-{body['id']}",
    )
    url = f"{API}/change-requests/{body['id']}/"
    empty = pm.post(f"{url}submit/")
    assert empty.status_code == 400
    assert list(empty.json()) == ["description"]
    patched = pm.patch(url, {"cost_delta_opex": "1200.50", "schedule_delta_days": 10})
    assert patched.status_code == 200, patched.content
    assert patched.json()["total_cost_delta"] == "1200.50"
    submitted = pm.post(f"{url}submit/")
    assert submitted.status_code == 200, submitted.content
    assert submitted.json()["submitted_by_detail"]["username"] == "pm"

    # Once submitted, it is no longer edited
    assert pm.patch(url, {"title": "Late change"}).status_code == 409

    # An executive approves it, then the project manager implements it
    approved = api_as(exec_user).post(f"{url}approve/")
    assert approved.status_code == 200, approved.content
    implemented = pm.post(f"{url}implement/")
    assert implemented.status_code == 200, implemented.content
    assert implemented.json()["implemented_by"] == pm_user.pk
    project.refresh_from_db()
    assert (project.budget_opex, project.baseline_end) == (
        Decimal("101200.50"),
        datetime.date(2026, 12, 28),
    )


CHANGE_BAD_INPUT = {
    "no project": (lambda w: {"project": None}, ["project"]),
    "unknown project": (lambda w: {"project": 999999}, ["project"]),
    "both end date and days": (
        lambda w: {"new_end_date": "2027-01-31", "schedule_delta_days": 10},
        ["schedule_delta_days"],
    ),
    "zero days": (lambda w: {"schedule_delta_days": 0}, ["schedule_delta_days"]),
    "cost not a number": (lambda w: {"cost_delta_capex": "a lot"}, ["cost_delta_capex"]),
    "cost with three decimals": (lambda w: {"cost_delta_opex": "1.005"}, ["cost_delta_opex"]),
    "missing title": (lambda w: {"title": ""}, ["title"]),
}


@pytest.mark.django_db
@pytest.mark.parametrize(("change", "bad_fields"), CHANGE_BAD_INPUT.values(), ids=CHANGE_BAD_INPUT)
def test_bad_change_request_input_answers_400_naming_each_bad_field_and_saves_nothing(
    api_as, pmo_user, world, change, bad_fields
):
    count = ChangeRequest.objects.count()

    response = api_as(pmo_user).post(
        f"{API}/change-requests/", new_payload("change-requests", world, **change(world))
    )

    assert response.status_code == 400, response.content
    assert sorted(response.json()) == sorted(bad_fields)
    assert ChangeRequest.objects.count() == count


@pytest.mark.django_db
def test_a_change_request_stays_on_its_project(api_as, pmo_user, world):
    change = world["change-requests"]

    response = api_as(pmo_user).patch(
        f"{API}/change-requests/{change.pk}/", {"project": world["other_project"].pk}
    )

    assert response.status_code == 400
    assert list(response.json()) == ["project"]
    assert ChangeRequest.objects.get(pk=change.pk).project == world["project"]


@pytest.mark.django_db
def test_the_decision_fields_of_a_change_request_are_not_written_by_patch(api_as, pmo_user, world):
    change = world["change-requests"]

    response = api_as(pmo_user).patch(
        f"{API}/change-requests/{change.pk}/",
        {"state": "approved", "decision_reason": "Sneaky", "decided_by": pmo_user.pk},
    )

    assert response.status_code == 200
    stored = ChangeRequest.objects.get(pk=change.pk)
    assert (stored.state, stored.decision_reason, stored.decided_by) == ("draft", "", None)


# ------------------------------------------------------------------------------
# Filters
# ------------------------------------------------------------------------------
def titles(response):
    assert response.status_code == 200, response.content
    return {row["title"] for row in response.json()["results"]}


@pytest.fixture
def raid(pm_user, other_pm_user):
    """RAID entries across two portfolios, at each level, in several states."""
    alpha, beta = factories.PortfolioFactory(code="ALPHA"), factories.PortfolioFactory(code="BETA")
    erp = factories.ProgrammeFactory(portfolio=alpha)
    a1 = factories.ProjectFactory(portfolio=alpha, programme=erp, project_manager=pm_user)
    b1 = factories.ProjectFactory(portfolio=beta, project_manager=other_pm_user)
    past, future = today() - datetime.timedelta(days=3), today() + datetime.timedelta(days=3)
    for title, scope, fields in [
        ("a1-low", {"project": a1}, {"probability": 1, "impact": 2}),
        ("a1-high", {"project": a1}, {"probability": 4, "impact": 5, "next_review_date": past}),
        ("a1-closed", {"project": a1}, {"probability": 5, "impact": 5, "status": "closed"}),
        (
            "erp-medium",
            {"project": None, "programme": erp},
            {"probability": 3, "impact": 3, "status": "mitigating", "owner": pm_user},
        ),
        ("alpha-12", {"project": None, "portfolio": alpha}, {"probability": 3, "impact": 4}),
        ("b1-16", {"project": b1}, {"probability": 4, "impact": 4, "next_review_date": future}),
    ]:
        factories.RiskFactory(title=title, **scope, **fields)
    for title, scope, fields in [
        ("late", {"project": a1}, {"due_date": past}),
        ("late-done", {"project": a1}, {"due_date": past, "status": ActionStatus.DONE}),
        ("on-time", {"project": b1}, {"due_date": future}),
        (
            "late-erp",
            {"project": None, "programme": erp, "owner": other_pm_user},
            {"due_date": past, "status": ActionStatus.IN_PROGRESS},
        ),
    ]:
        factories.ActionFactory(title=title, **scope, **fields)
    return {"alpha": alpha, "beta": beta, "erp": erp, "A1": a1, "B1": b1}


ALL_RISKS = {"a1-low", "a1-high", "a1-closed", "erp-medium", "alpha-12", "b1-16"}


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("query", "expected"),
    [
        (lambda r: {}, ALL_RISKS),
        (lambda r: {"score_min": 12}, {"a1-high", "a1-closed", "alpha-12", "b1-16"}),
        (lambda r: {"score_max": 9}, {"a1-low", "erp-medium"}),
        (lambda r: {"score_min": 9, "score_max": 16}, {"erp-medium", "alpha-12", "b1-16"}),
        (lambda r: {"portfolio": r["alpha"].pk}, ALL_RISKS - {"b1-16"}),
        (lambda r: {"programme": r["erp"].pk}, {"a1-low", "a1-high", "a1-closed", "erp-medium"}),
        (lambda r: {"project": r["A1"].pk}, {"a1-low", "a1-high", "a1-closed"}),
        (lambda r: {"level": "portfolio"}, {"alpha-12"}),
        (lambda r: {"status": "open"}, {"a1-low", "a1-high", "alpha-12", "b1-16"}),
        (lambda r: {"status": ["mitigating", "closed"]}, {"erp-medium", "a1-closed"}),
        (lambda r: {"live": "false"}, {"a1-closed"}),
        (
            lambda r: {"owner": r["A1"].project_manager_id},
            {"a1-low", "a1-high", "a1-closed", "erp-medium"},
        ),
        (lambda r: {"overdue": "true"}, {"a1-high"}),
        (lambda r: {"proposed": "true"}, {"a1-high", "b1-16"}),
        (
            lambda r: {"portfolio": r["alpha"].pk, "score_min": 12, "status": "open"},
            {"a1-high", "alpha-12"},
        ),
    ],
    ids=[
        "no filter",
        "score from",
        "score to",
        "score range",
        "portfolio with its programmes and projects",
        "programme with its projects",
        "project",
        "level",
        "status",
        "two statuses",
        "not live",
        "owner",
        "review overdue",
        "proposed for escalation",
        "portfolio, score and status",
    ],
)
def test_risks_are_filtered_like_on_the_pages(api_as, exec_user, raid, query, expected):
    assert titles(api_as(exec_user).get(f"{API}/risks/", query(raid))) == expected


@pytest.mark.django_db
def test_risks_are_listed_by_score_highest_first(api_as, exec_user, raid):
    rows = api_as(exec_user).get(f"{API}/risks/").json()["results"]

    scores = [row["score"] for row in rows]
    assert scores == sorted(scores, reverse=True)


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("query", "expected"),
    [
        (lambda r: {"overdue": "true"}, {"late", "late-erp"}),
        (lambda r: {"overdue": "false"}, {"late-done", "on-time"}),
        (lambda r: {"overdue": "true", "portfolio": r["alpha"].pk}, {"late", "late-erp"}),
        (lambda r: {"portfolio": r["beta"].pk}, {"on-time"}),
        (lambda r: {"status": ["done", "in_progress"]}, {"late-done", "late-erp"}),
        (lambda r: {"pending": "true"}, {"late", "on-time", "late-erp"}),
        (lambda r: {"owner": r["B1"].project_manager_id}, {"on-time", "late-erp"}),
    ],
    ids=[
        "overdue",
        "not overdue",
        "overdue in a portfolio",
        "portfolio",
        "statuses",
        "pending",
        "owner",
    ],
)
def test_actions_are_filtered_like_on_the_pages(api_as, exec_user, raid, query, expected):
    assert titles(api_as(exec_user).get(f"{API}/actions/", query(raid))) == expected


@pytest.mark.django_db
def test_issues_and_decisions_are_filtered_by_status_and_portfolio(
    api_as, exec_user, pmo_user, raid
):
    client = api_as(exec_user)
    factories.IssueFactory(title="open-a1", project=raid["A1"])
    factories.IssueFactory(
        title="resolved-b1", project=raid["B1"], status=IssueStatus.RESOLVED, resolution="Done"
    )
    factories.DecisionFactory(
        title="asked-erp", project=None, programme=raid["erp"], requested_by=pmo_user
    )
    factories.DecisionFactory(
        title="withdrawn-b1", project=raid["B1"], state=DecisionState.WITHDRAWN
    )

    assert titles(client.get(f"{API}/issues/", {"status": "open"})) == {"open-a1"}
    assert titles(client.get(f"{API}/issues/", {"portfolio": raid["beta"].pk})) == {"resolved-b1"}
    assert titles(client.get(f"{API}/decisions/", {"state": "requested"})) == {"asked-erp"}
    assert titles(client.get(f"{API}/decisions/", {"portfolio": raid["alpha"].pk})) == {"asked-erp"}


@pytest.mark.django_db
def test_change_requests_are_filtered_by_state_and_awaiting_decision(api_as, exec_user, raid):
    client = api_as(exec_user)
    change_in(ChangeState.DRAFT, raid["A1"], title="draft-a1")
    change_in(ChangeState.SUBMITTED, raid["A1"], title="submitted-a1")
    change_in(ChangeState.REJECTED, raid["B1"], title="rejected-b1")

    assert titles(client.get(f"{API}/change-requests/", {"awaiting_decision": "true"})) == {
        "submitted-a1"
    }
    assert titles(client.get(f"{API}/change-requests/", {"state": ["draft", "rejected"]})) == {
        "draft-a1",
        "rejected-b1",
    }
    assert titles(client.get(f"{API}/change-requests/", {"portfolio": raid["alpha"].pk})) == {
        "draft-a1",
        "submitted-a1",
    }


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("resource", "query"),
    [
        ("risks", {"status": "lost"}),
        ("risks", {"score_min": "high"}),
        ("risks", {"portfolio": 999999}),
        ("risks", {"probability": 6}),
        ("issues", {"severity": "dire"}),
        ("actions", {"status": "sleeping"}),
        ("actions", {"due_before": "2026-13-01"}),
        ("decisions", {"state": "lost"}),
        ("change-requests", {"project": 999999}),
    ],
)
def test_an_invalid_raid_filter_answers_400_naming_it(api_as, pmo_user, resource, query):
    response = api_as(pmo_user).get(f"{API}/{resource}/", query)

    assert response.status_code == 400
    assert set(response.json()) == set(query)


@pytest.mark.django_db
def test_decisions_offer_no_owner_filter_since_they_have_no_owner(api_as, pmo_user, world):
    response = api_as(pmo_user).get(f"{API}/decisions/", {"owner": pmo_user.pk, "mine": "true"})

    assert response.status_code == 200
    assert response.json()["count"] == 1


# ------------------------------------------------------------------------------
# Query counts
# ------------------------------------------------------------------------------
def scopes(n):
    """``n`` places to hold an entry, each in its own project, programme and portfolio: one
    in three on the project, then on the programme, then on the portfolio."""
    for i in range(n):
        programme = factories.ProgrammeFactory()
        project = factories.ProjectFactory(portfolio=programme.portfolio, programme=programme)
        yield (
            project,
            [
                {"project": project},
                {"project": None, "programme": programme},
                {"project": None, "portfolio": programme.portfolio},
            ][i % 3],
        )


def build_risks(n):
    """Closed and escalated risks, each with its own owner, closer and escalator."""
    now = timezone.now()
    for _, scope in scopes(n):
        factories.RiskFactory(
            **scope,
            owner=factories.UserFactory(),
            status=RiskStatus.CLOSED,
            closed_at=now,
            closed_by=factories.UserFactory(),
            escalated_at=now,
            escalated_by=factories.UserFactory(),
        )


def build_issues(n):
    """Resolved issues, each from a risk, with their own owner and resolver."""
    for project, scope in scopes(n):
        factories.IssueFactory(
            **scope,
            owner=factories.UserFactory(),
            status=IssueStatus.RESOLVED,
            resolved_at=timezone.now(),
            resolved_by=factories.UserFactory(),
            risk=factories.RiskFactory(project=project),
        )


def build_actions(n):
    """Actions each from a decision, with their own owner."""
    for project, scope in scopes(n):
        factories.ActionFactory(
            **scope,
            owner=factories.UserFactory(),
            origin=ActionOrigin.DECISION,
            decision=factories.DecisionFactory(project=project),
        )


def build_decisions(n):
    """Taken decisions, each requested, decided and recorded by their own people."""
    for _, scope in scopes(n):
        factories.DecisionFactory(
            **scope,
            requested_by=factories.UserFactory(),
            state=DecisionState.TAKEN,
            outcome="Yes",
            decided_by=factories.executive(),
            decided_on=today(),
            recorded_by=factories.UserFactory(),
            recorded_at=timezone.now(),
        )


def build_change_requests(n):
    """Implemented change requests, every step by its own person, with their baselines."""
    now = timezone.now()
    for project, _ in scopes(n):
        before, after = (
            BaselineRevision.objects.create(
                project=project,
                number=number,
                baseline_start=project.baseline_start,
                baseline_end=project.baseline_end,
                budget_capex=project.budget_capex,
                budget_opex=project.budget_opex,
                reason="Test",
            )
            for number in (1, 2)
        )
        factories.ChangeRequestFactory(
            project=project,
            state=ChangeState.IMPLEMENTED,
            submitted_by=factories.UserFactory(),
            submitted_at=now,
            decided_by=factories.executive(),
            decided_at=now,
            implemented_by=factories.UserFactory(),
            implemented_at=now,
            withdrawn_by=factories.UserFactory(),
            baseline_before=before,
            baseline_after=after,
        )


BUILDERS = {
    "risks": build_risks,
    "issues": build_issues,
    "actions": build_actions,
    "decisions": build_decisions,
    "change-requests": build_change_requests,
}


@pytest.mark.django_db
@pytest.mark.parametrize("resource", RESOURCES)
def test_each_raid_list_runs_as_many_queries_for_50_rows_as_for_5(api_list_queries, resource):
    url = f"{API}/{resource}/"
    built = MODELS[resource].objects.count
    BUILDERS[resource](5)
    queries_for_5, rows = api_list_queries(url)
    assert rows == built() >= 5

    BUILDERS[resource](45)
    queries_for_50, rows = api_list_queries(url)
    assert rows == built() >= 50

    assert queries_for_50 == queries_for_5


# ------------------------------------------------------------------------------
# Schema
# ------------------------------------------------------------------------------
@pytest.mark.django_db
def test_the_schema_lists_each_raid_resource_with_its_methods_and_steps(api_as, exec_user):
    paths = api_as(exec_user).get("/api/schema/", {"format": "json"}).json()["paths"]

    for resource in RESOURCES:
        assert set(paths[f"{API}/{resource}/"]) == {"get", "post"}
        assert set(paths[f"{API}/{resource}/{{id}}/"]) == {"get", "put", "patch"}
    for resource, step in STEPS:
        assert set(paths[f"{API}/{resource}/{{id}}/{step}/"]) == {"post"}


def test_the_schema_generates_without_warnings_with_the_raid_endpoints(tmp_path):
    # --fail-on-warn exits when drf-spectacular had to guess a type or name an enum.
    call_command(
        "spectacular", "--validate", "--fail-on-warn", "--file", str(tmp_path / "schema.yml")
    )

    schema = (tmp_path / "schema.yml").read_text()
    assert f"{API}/change-requests/{{id}}/approve/:" in schema

"""REST API of projects and milestones."""

import datetime

import pytest
from django.utils import timezone
from django.utils.dateparse import parse_datetime

from projects.choices import Phase
from projects.models import Milestone, Project, ProjectObjective
from tests import factories

API = "/api/v1"


@pytest.fixture
def world(project, other_pm_user):
    """``project`` (managed by ``pm_user``) with a milestone and two objectives, and another
    manager's project with its milestone."""
    other_project = factories.ProjectFactory(project_manager=other_pm_user)
    return {
        "project": project,
        "milestone": factories.MilestoneFactory(project=project),
        "other_project": other_project,
        "other_milestone": factories.MilestoneFactory(project=other_project),
        "objective_a": factories.StrategicObjectiveFactory(code="OBJ-A"),
        "objective_b": factories.StrategicObjectiveFactory(code="OBJ-B"),
    }


def new_project_payload(world, **changes):
    """A project a PMO manager may POST: an idea in the portfolio of ``project``."""
    return {
        "code": "PRJ-NEW",
        "name": "New warehouse",
        "portfolio": world["project"].portfolio_id,
        **changes,
    }


def new_milestone_payload(parent, **changes):
    """A milestone of ``parent`` its manager or a PMO manager may POST."""
    return {"project": parent.pk, "name": "Go live", "baseline_date": "2026-09-30", **changes}


# ------------------------------------------------------------------------------
# Permissions
# ------------------------------------------------------------------------------
ALL_401 = dict.fromkeys(("list", "detail", "create", "update", "update_reserved"), 401)
ALL_403 = dict.fromkeys(ALL_401, 403)
READER = {"list": 200, "detail": 200, "create": 403, "update": 403, "update_reserved": 403}
PROJECT_STATUS = {
    "anonymous": ALL_401,
    "no_role": ALL_403,
    "pm": {**READER, "update": 200},
    "other_pm": READER,
    "pmo": {"list": 200, "detail": 200, "create": 201, "update": 200, "update_reserved": 200},
    "executive": READER,
    "integration": READER,
}
MILESTONE_STATUS = {
    **PROJECT_STATUS,
    # A project manager adds milestones to their own project, not to another's.
    "pm": {**READER, "create": 201, "update": 200},
}
# What each action sends; "update_reserved" sends a field only a PMO manager may set.
PROJECT_CALLS = {
    "update": {"description": "New scope"},
    "update_reserved": {"baseline_end": "2026-12-31"},
}
MILESTONE_CALLS = {
    "update": {"forecast_date": "2026-07-15"},
    "update_reserved": {"baseline_date": "2026-07-15"},
}
MATRIX = [
    ("projects", role, action, status)
    for role, statuses in PROJECT_STATUS.items()
    for action, status in statuses.items()
] + [
    ("milestones", role, action, status)
    for role, statuses in MILESTONE_STATUS.items()
    for action, status in statuses.items()
]


@pytest.mark.django_db
@pytest.mark.parametrize(("resource", "role", "action", "expected"), MATRIX)
def test_each_role_gets_its_status_on_each_project_endpoint_and_refused_writes_save_nothing(
    api_for_role, world, resource, role, action, expected
):
    # Given a client in the role, the project of "pm" and its milestone
    client = api_for_role(role)
    model = Project if resource == "projects" else Milestone
    row = world["project"] if resource == "projects" else world["milestone"]
    rows_before = model.objects.count()
    representation_before = model.objects.filter(pk=row.pk).values().get()

    # When it calls the endpoint
    url = f"{API}/{resource}/"
    if action == "list":
        response = client.get(url)
    elif action == "detail":
        response = client.get(f"{url}{row.pk}/")
    elif action == "create" and resource == "projects":
        response = client.post(url, new_project_payload(world))
    elif action == "create":
        response = client.post(url, new_milestone_payload(world["project"]))
    else:
        calls = PROJECT_CALLS if resource == "projects" else MILESTONE_CALLS
        response = client.patch(f"{url}{row.pk}/", calls[action])

    # Then the status is the expected one, and a refused write changed nothing
    assert response.status_code == expected, response.content
    if action == "create":
        assert model.objects.count() == rows_before + (1 if expected == 201 else 0)
    if action.startswith("update") and expected != 200:
        assert model.objects.filter(pk=row.pk).values().get() == representation_before


@pytest.mark.django_db
@pytest.mark.parametrize("resource", ["projects", "milestones"])
def test_delete_is_not_offered_even_to_the_pmo(api_as, pmo_user, world, resource):
    row = world["project"] if resource == "projects" else world["milestone"]

    response = api_as(pmo_user).delete(f"{API}/{resource}/{row.pk}/")

    assert response.status_code == 405
    assert type(row).objects.filter(pk=row.pk).exists()


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("baseline_start", lambda w: "2026-02-02"),
        ("baseline_end", lambda w: "2026-11-30"),
        ("project_manager", lambda w: w["other_project"].project_manager_id),
        ("portfolio", lambda w: w["other_project"].portfolio_id),
        ("programme", lambda w: factories.ProgrammeFactory(portfolio=w["project"].portfolio).pk),
        ("sponsor", lambda w: factories.executive().pk),
        ("code", lambda w: "PRJ-NEW"),
    ],
)
def test_a_project_manager_gets_403_setting_a_reserved_field_of_their_project_a_pmo_200(
    api_as, pm_user, pmo_user, world, field, value
):
    project = world["project"]
    payload = {field: value(world)}
    before = Project.objects.filter(pk=project.pk).values().get()

    refused = api_as(pm_user).patch(f"{API}/projects/{project.pk}/", payload)

    assert refused.status_code == 403, refused.content
    assert field in refused.json()["detail"]
    assert Project.objects.filter(pk=project.pk).values().get() == before

    accepted = api_as(pmo_user).patch(f"{API}/projects/{project.pk}/", payload)

    assert accepted.status_code == 200, accepted.content
    assert accepted.json()[field] == payload[field]


@pytest.mark.django_db
@pytest.mark.parametrize("user", ["pm_user", "pmo_user"])
def test_a_phase_change_is_a_400_naming_phase_it_moves_through_a_gate(request, api_as, world, user):
    project = world["project"]

    response = api_as(request.getfixturevalue(user)).patch(
        f"{API}/projects/{project.pk}/", {"phase": Phase.CLOSING}
    )

    assert response.status_code == 400, response.content
    assert "phase" in response.json()
    assert Project.objects.get(pk=project.pk).phase == project.phase


@pytest.mark.django_db
def test_a_project_manager_may_send_reserved_fields_unchanged(api_as, pm_user, world):
    project = world["project"]
    current = api_as(pm_user).get(f"{API}/projects/{project.pk}/").json()
    payload = {
        field: current[field]
        for field in ("code", "phase", "portfolio", "project_manager", "baseline_start")
    }

    response = api_as(pm_user).patch(
        f"{API}/projects/{project.pk}/", {**payload, "description": "Same frame, new text"}
    )

    assert response.status_code == 200, response.content
    assert response.json()["description"] == "Same frame, new text"


@pytest.mark.django_db
def test_a_project_manager_changes_description_forecasts_and_objectives_of_their_project(
    api_as, pm_user, world
):
    project = world["project"]
    payload = {
        "description": "Phase two added",
        "forecast_start": "2026-02-02",
        "forecast_end": "2027-01-29",
        "objectives": [{"objective": world["objective_a"].pk, "contribution": 3}],
    }

    response = api_as(pm_user).patch(f"{API}/projects/{project.pk}/", payload)

    assert response.status_code == 200, response.content
    project.refresh_from_db()
    assert project.description == "Phase two added"
    assert (project.forecast_start, project.forecast_end) == (
        datetime.date(2026, 2, 2),
        datetime.date(2027, 1, 29),
    )
    assert list(project.contributions.values_list("objective__code", "contribution")) == [
        ("OBJ-A", 3)
    ]


@pytest.mark.django_db
@pytest.mark.parametrize("phase", [Phase.CLOSED, Phase.CANCELLED])
def test_a_project_manager_can_no_longer_edit_an_ended_project_but_the_pmo_can(
    api_as, pm_user, pmo_user, world, phase
):
    project = world["project"]
    Project.objects.filter(pk=project.pk).update(phase=phase)
    milestone = world["milestone"]

    edit = api_as(pm_user).patch(f"{API}/projects/{project.pk}/", {"description": "Late"})
    add = api_as(pm_user).post(f"{API}/milestones/", new_milestone_payload(project))
    move = api_as(pm_user).patch(
        f"{API}/milestones/{milestone.pk}/", {"forecast_date": "2026-08-31"}
    )

    assert (edit.status_code, add.status_code, move.status_code) == (403, 403, 403)
    assert Project.objects.get(pk=project.pk).description == ""
    assert project.milestones.count() == 1
    by_pmo = api_as(pmo_user).patch(f"{API}/projects/{project.pk}/", {"description": "Lessons"})
    assert by_pmo.status_code == 200


@pytest.mark.django_db
def test_a_project_manager_sets_forecast_and_actual_dates_of_their_milestone(
    api_as, pm_user, world
):
    milestone = world["milestone"]
    today = timezone.localdate()

    response = api_as(pm_user).patch(
        f"{API}/milestones/{milestone.pk}/",
        {"forecast_date": "2026-07-15", "actual_date": today.isoformat()},
    )

    assert response.status_code == 200, response.content
    milestone.refresh_from_db()
    assert (milestone.forecast_date, milestone.actual_date) == (datetime.date(2026, 7, 15), today)
    assert response.json()["status"] == "done"


# ------------------------------------------------------------------------------
# Create and update
# ------------------------------------------------------------------------------
@pytest.mark.django_db
def test_pmo_creates_a_project_with_objectives_and_reads_them_back_with_their_code(
    api_as, pmo_user, pm_user, exec_user, world
):
    programme = factories.ProgrammeFactory(code="PRG-A", portfolio=world["project"].portfolio)
    payload = new_project_payload(
        world,
        programme=programme.pk,
        sponsor=exec_user.pk,
        project_manager=pm_user.pk,
        phase=Phase.EXECUTION,
        baseline_start="2026-03-02",
        baseline_end="2026-10-30",
        objectives=[
            {"objective": world["objective_a"].pk, "contribution": 3},
            {"objective": world["objective_b"].pk, "contribution": 1},
        ],
    )

    response = api_as(pmo_user).post(f"{API}/projects/", payload)

    assert response.status_code == 201, response.content
    project = Project.objects.get(code="PRJ-NEW")
    body = response.json()
    assert body["id"] == project.pk
    assert (body["portfolio_code"], body["programme_code"]) == (
        project.portfolio.code,
        "PRG-A",
    )
    assert body["project_manager_detail"]["id"] == pm_user.pk
    assert body["sponsor_detail"]["id"] == exec_user.pk
    assert (body["phase"], body["baseline_start"], body["baseline_end"]) == (
        "execution",
        "2026-03-02",
        "2026-10-30",
    )
    assert sorted(body["objectives"], key=lambda row: row["objective_code"]) == [
        {"objective": world["objective_a"].pk, "objective_code": "OBJ-A", "contribution": 3},
        {"objective": world["objective_b"].pk, "objective_code": "OBJ-B", "contribution": 1},
    ]
    assert set(project.contributions.values_list("objective__code", "contribution")) == {
        ("OBJ-A", 3),
        ("OBJ-B", 1),
    }


@pytest.mark.django_db
def test_an_objective_sent_without_contribution_counts_as_medium(api_as, pmo_user, world):
    payload = new_project_payload(world, objectives=[{"objective": world["objective_a"].pk}])

    response = api_as(pmo_user).post(f"{API}/projects/", payload)

    assert response.status_code == 201, response.content
    assert response.json()["objectives"][0]["contribution"] == 2


@pytest.fixture
def contributing_project(world):
    """``project`` contributing to objectives A (high) and B (low)."""
    project = world["project"]
    factories.ProjectObjectiveFactory(
        project=project, objective=world["objective_a"], contribution=3
    )
    factories.ProjectObjectiveFactory(
        project=project, objective=world["objective_b"], contribution=1
    )
    return project


@pytest.mark.django_db
def test_patch_changes_only_the_fields_sent_moves_updated_at_and_keeps_contributions(
    api_as, pmo_user, contributing_project
):
    # Given a project and its representation
    client = api_as(pmo_user)
    url = f"{API}/projects/{contributing_project.pk}/"
    before = client.get(url).json()

    # When only the name is sent
    response = client.patch(url, {"name": "Renamed"})

    # Then the name changed, updated_at moved and nothing else changed, objectives included
    assert response.status_code == 200, response.content
    after = response.json()
    assert after["name"] == "Renamed"
    assert parse_datetime(after["updated_at"]) > parse_datetime(before["updated_at"])
    unchanged = set(before) - {"name", "updated_at"}
    assert {k: after[k] for k in unchanged} == {k: before[k] for k in unchanged}
    assert contributing_project.contributions.count() == 2


@pytest.mark.django_db
def test_objectives_sent_replace_the_contributions_as_a_whole(
    api_as, pmo_user, world, contributing_project
):
    objective_c = factories.StrategicObjectiveFactory(code="OBJ-C")
    payload = {
        "objectives": [
            {"objective": world["objective_b"].pk, "contribution": 2},
            {"objective": objective_c.pk, "contribution": 3},
        ]
    }

    response = api_as(pmo_user).patch(f"{API}/projects/{contributing_project.pk}/", payload)

    assert response.status_code == 200, response.content
    expected = [("OBJ-B", 2), ("OBJ-C", 3)]
    stored = contributing_project.contributions.values_list("objective__code", "contribution")
    assert sorted(stored) == expected
    read_back = response.json()["objectives"]
    assert sorted((row["objective_code"], row["contribution"]) for row in read_back) == expected


@pytest.mark.django_db
def test_an_empty_objectives_list_removes_every_contribution(
    api_as, pmo_user, contributing_project
):
    response = api_as(pmo_user).patch(
        f"{API}/projects/{contributing_project.pk}/", {"objectives": []}
    )

    assert response.status_code == 200, response.content
    assert response.json()["objectives"] == []
    assert not contributing_project.contributions.exists()


@pytest.mark.django_db
@pytest.mark.parametrize("project_key", ["project", "other_project"])
def test_pmo_adds_a_milestone_to_any_project(api_as, pmo_user, world, project_key):
    project = world[project_key]

    response = api_as(pmo_user).post(
        f"{API}/milestones/", new_milestone_payload(project, is_gate=True)
    )

    assert response.status_code == 201, response.content
    milestone = Milestone.objects.get(pk=response.json()["id"])
    assert (milestone.project, milestone.is_gate) == (project, True)
    assert response.json()["project_code"] == project.code
    assert response.json()["status"] in {"on_track", "overdue"}


@pytest.mark.django_db
def test_a_milestone_cannot_be_moved_to_another_project(api_as, pmo_user, world):
    milestone = world["milestone"]

    response = api_as(pmo_user).patch(
        f"{API}/milestones/{milestone.pk}/", {"project": world["other_project"].pk}
    )

    assert response.status_code == 400, response.content
    assert "project" in response.json()
    assert Milestone.objects.get(pk=milestone.pk).project == world["project"]


@pytest.mark.django_db
def test_a_project_manager_cannot_move_their_milestone_to_another_managers_project(
    api_as, pm_user, world
):
    milestone = world["milestone"]

    response = api_as(pm_user).patch(
        f"{API}/milestones/{milestone.pk}/", {"project": world["other_project"].pk}
    )

    assert response.status_code == 403, response.content
    assert Milestone.objects.get(pk=milestone.pk).project == world["project"]


# ------------------------------------------------------------------------------
# Bad input
# ------------------------------------------------------------------------------
def _future():
    return (timezone.localdate() + datetime.timedelta(days=1)).isoformat()


PROJECT_BAD_INPUT = {
    "reversed baseline": (
        lambda w: {"baseline_start": "2026-06-01", "baseline_end": "2026-05-29"},
        ["baseline_end"],
    ),
    "reversed forecast": (
        lambda w: {"forecast_start": "2026-06-01", "forecast_end": "2026-05-29"},
        ["forecast_end"],
    ),
    "programme of another portfolio": (
        lambda w: {"programme": factories.ProgrammeFactory().pk},
        ["programme"],
    ),
    "unknown portfolio": (lambda w: {"portfolio": 999999}, ["portfolio"]),
    "unknown programme": (lambda w: {"programme": 999999}, ["programme"]),
    "manager without the role": (
        lambda w: {"project_manager": factories.executive().pk},
        ["project_manager"],
    ),
    "sponsor without the role": (
        lambda w: {"sponsor": factories.UserFactory().pk},
        ["sponsor"],
    ),
    "code of 21 characters": (lambda w: {"code": "P" * 21}, ["code"]),
    "code with a space": (lambda w: {"code": "PRJ 1"}, ["code"]),
    "name of 201 characters": (lambda w: {"name": "N" * 201}, ["name"]),
    "missing name": (lambda w: {"name": ""}, ["name"]),
    "date that is not a date": (lambda w: {"baseline_start": "not-a-date"}, ["baseline_start"]),
    "unknown phase": (lambda w: {"phase": "dreaming"}, ["phase"]),
    "duplicate code in another case": (lambda w: {"code": w["project"].code.lower()}, ["code"]),
    "duplicate code": (lambda w: {"code": w["project"].code}, ["code"]),
    "execution without baseline": (
        lambda w: {"phase": Phase.EXECUTION, "project_manager": w["project"].project_manager_id},
        ["baseline_start", "baseline_end"],
    ),
    "framing without manager": (lambda w: {"phase": Phase.FRAMING}, ["project_manager"]),
    "objective listed twice": (
        lambda w: {
            "objectives": [
                {"objective": w["objective_a"].pk, "contribution": 1},
                {"objective": w["objective_a"].pk, "contribution": 3},
            ]
        },
        ["objectives"],
    ),
    "unknown objective": (lambda w: {"objectives": [{"objective": 999999}]}, ["objectives"]),
    "contribution out of range": (
        lambda w: {"objectives": [{"objective": w["objective_a"].pk, "contribution": 4}]},
        ["objectives"],
    ),
    "objectives not a list": (lambda w: {"objectives": "OBJ-A"}, ["objectives"]),
}


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("change", "bad_fields"), PROJECT_BAD_INPUT.values(), ids=PROJECT_BAD_INPUT.keys()
)
def test_bad_project_input_answers_400_naming_each_bad_field_and_saves_nothing(
    api_as, pmo_user, world, change, bad_fields
):
    payload = new_project_payload(world, **change(world))
    counts_before = (Project.objects.count(), ProjectObjective.objects.count())

    response = api_as(pmo_user).post(f"{API}/projects/", payload)

    assert response.status_code == 400, response.content
    assert sorted(response.json()) == sorted(bad_fields)
    assert (Project.objects.count(), ProjectObjective.objects.count()) == counts_before


@pytest.mark.django_db
def test_every_bad_field_of_one_request_is_named(api_as, pmo_user, world):
    payload = new_project_payload(
        world, code="P" * 21, name="N" * 201, portfolio=999999, baseline_start="not-a-date"
    )

    response = api_as(pmo_user).post(f"{API}/projects/", payload)

    assert response.status_code == 400
    assert set(response.json()) == {"code", "name", "portfolio", "baseline_start"}


@pytest.mark.django_db
def test_a_reversed_forecast_by_patch_answers_400_and_keeps_the_old_dates(api_as, pm_user, world):
    project = world["project"]

    response = api_as(pm_user).patch(
        f"{API}/projects/{project.pk}/",
        {"description": "Changed too", "forecast_end": "2025-12-31"},
    )

    assert response.status_code == 400
    assert list(response.json()) == ["forecast_end"]
    project.refresh_from_db()
    assert (project.forecast_end, project.description) == (datetime.date(2026, 12, 18), "")


@pytest.mark.django_db
def test_a_failing_patch_keeps_the_old_contributions(api_as, pmo_user, world, contributing_project):
    response = api_as(pmo_user).patch(
        f"{API}/projects/{contributing_project.pk}/",
        {"baseline_start": None, "objectives": [{"objective": world["objective_a"].pk}]},
    )

    assert response.status_code == 400
    assert "baseline_start" in response.json()
    assert contributing_project.contributions.count() == 2


@pytest.mark.django_db
def test_patching_a_project_code_to_another_in_other_case_answers_400_on_code(
    api_as, pmo_user, world
):
    project = world["project"]
    taken = world["other_project"].code.lower()

    response = api_as(pmo_user).patch(f"{API}/projects/{project.pk}/", {"code": taken})

    assert response.status_code == 400, response.content
    assert list(response.json()) == ["code"]


MILESTONE_BAD_INPUT = {
    "reached in the future": (lambda w: {"actual_date": _future()}, ["actual_date"]),
    "unknown project": (lambda w: {"project": 999999}, ["project"]),
    "no project": (lambda w: {"project": None}, ["project"]),
    "name of 201 characters": (lambda w: {"name": "N" * 201}, ["name"]),
    "baseline that is not a date": (lambda w: {"baseline_date": "soon"}, ["baseline_date"]),
    "missing baseline": (lambda w: {"baseline_date": None}, ["baseline_date"]),
    "gate that is not a boolean": (lambda w: {"is_gate": "perhaps"}, ["is_gate"]),
}


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("change", "bad_fields"), MILESTONE_BAD_INPUT.values(), ids=MILESTONE_BAD_INPUT.keys()
)
def test_bad_milestone_input_answers_400_naming_each_bad_field_and_saves_nothing(
    api_as, pmo_user, world, change, bad_fields
):
    payload = new_milestone_payload(world["project"], **change(world))
    count_before = Milestone.objects.count()

    response = api_as(pmo_user).post(f"{API}/milestones/", payload)

    assert response.status_code == 400, response.content
    assert sorted(response.json()) == sorted(bad_fields)
    assert Milestone.objects.count() == count_before


@pytest.mark.django_db
def test_a_milestone_reached_in_the_future_by_patch_answers_400_on_actual_date(
    api_as, pm_user, world
):
    milestone = world["milestone"]

    response = api_as(pm_user).patch(
        f"{API}/milestones/{milestone.pk}/", {"actual_date": _future()}
    )

    assert response.status_code == 400
    assert list(response.json()) == ["actual_date"]
    assert Milestone.objects.get(pk=milestone.pk).actual_date is None


@pytest.mark.django_db
@pytest.mark.parametrize("resource", ["projects", "milestones"])
@pytest.mark.parametrize("method", ["post", "patch"])
def test_malformed_json_answers_400(api_as, pmo_user, world, resource, method):
    row = world["project"] if resource == "projects" else world["milestone"]
    url = f"{API}/{resource}/" if method == "post" else f"{API}/{resource}/{row.pk}/"

    response = getattr(api_as(pmo_user), method)(
        url, data='{"name": "x"', content_type="application/json"
    )

    assert response.status_code == 400
    assert "detail" in response.json()


# ------------------------------------------------------------------------------
# Filters and ordering
# ------------------------------------------------------------------------------
def codes(response):
    assert response.status_code == 200, response.content
    return [row.get("code") or row["name"] for row in response.json()["results"]]


@pytest.fixture
def catalogue(pm_user, other_pm_user):
    """Five projects across two portfolios, phases and managers."""
    alpha, beta = factories.PortfolioFactory(code="ALPHA"), factories.PortfolioFactory(code="BETA")
    erp = factories.ProgrammeFactory(portfolio=alpha)
    growth = factories.StrategicObjectiveFactory(code="OBJ-GROW")
    projects = {
        "A1": factories.ProjectFactory(
            code="A1", name="Warehouse", portfolio=alpha, programme=erp, project_manager=pm_user
        ),
        "A2": factories.ProjectFactory(
            code="A2", name="Payroll", portfolio=alpha, phase=Phase.IDEA, project_manager=None
        ),
        "A3": factories.ProjectFactory(
            code="A3", name="ERP rollout", portfolio=alpha, programme=erp, phase=Phase.CLOSED
        ),
        "B1": factories.ProjectFactory(
            code="B1",
            name="Mobile app",
            portfolio=beta,
            phase=Phase.FRAMING,
            project_manager=other_pm_user,
        ),
        "B2": factories.ProjectFactory(
            code="B2", name="Warehouse robots", portfolio=beta, phase=Phase.CANCELLED
        ),
    }
    factories.ProjectObjectiveFactory(project=projects["A2"], objective=growth)
    factories.ProjectObjectiveFactory(project=projects["B1"], objective=growth)
    return {"alpha": alpha, "beta": beta, "erp": erp, "growth": growth, **projects}


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("query", "expected"),
    [
        (lambda c: {"portfolio": c["alpha"].pk}, ["A1", "A2", "A3"]),
        (lambda c: {"portfolio": [c["alpha"].pk, c["beta"].pk]}, ["A1", "A2", "A3", "B1", "B2"]),
        (lambda c: {"programme": c["erp"].pk}, ["A1", "A3"]),
        (lambda c: {"phase": Phase.IDEA}, ["A2"]),
        (lambda c: {"phase": [Phase.IDEA, Phase.FRAMING]}, ["A2", "B1"]),
        (lambda c: {"project_manager": c["A1"].project_manager_id}, ["A1"]),
        (lambda c: {"q": "warehouse"}, ["A1", "B2"]),
        (lambda c: {"q": "b1"}, ["B1"]),
        (lambda c: {"active": "true"}, ["A1", "B1"]),
        (lambda c: {"active": "false"}, ["A2", "A3", "B2"]),
        (lambda c: {"objective": c["growth"].pk}, ["A2", "B1"]),
        (lambda c: {"portfolio": c["alpha"].pk, "active": "true"}, ["A1"]),
        (lambda c: {"ordering": "-code"}, ["B2", "B1", "A3", "A2", "A1"]),
    ],
    ids=[
        "portfolio",
        "two portfolios",
        "programme",
        "phase",
        "two phases",
        "project manager",
        "q on name",
        "q on code",
        "active",
        "not active",
        "objective",
        "portfolio and active",
        "ordering",
    ],
)
def test_projects_are_filtered_like_on_the_pages(api_as, pmo_user, catalogue, query, expected):
    response = api_as(pmo_user).get(f"{API}/projects/", query(catalogue))

    assert codes(response) == expected


@pytest.mark.django_db
@pytest.mark.parametrize(
    "query", [{"phase": "dreaming"}, {"portfolio": 999999}, {"project_manager": "abc"}]
)
def test_an_invalid_project_filter_answers_400_not_500(api_as, pmo_user, query):
    response = api_as(pmo_user).get(f"{API}/projects/", query)

    assert response.status_code == 400
    assert set(response.json()) == set(query)


@pytest.fixture
def milestones(world):
    """Milestones of ``project`` in each status, relative to today, and one elsewhere."""
    today = timezone.localdate()
    days = datetime.timedelta(days=1)
    project = world["project"]
    Milestone.objects.filter(project=project).delete()
    Milestone.objects.filter(project=world["other_project"]).update(
        name="Elsewhere", baseline_date=today + 30 * days
    )
    for name, fields in {
        "Done": {"baseline_date": today - 5 * days, "actual_date": today - 2 * days},
        "Overdue": {"baseline_date": today - 10 * days, "is_gate": True},
        "Overdue forecast": {"baseline_date": today + 5 * days, "forecast_date": today - days},
        "Slipped": {"baseline_date": today + 5 * days, "forecast_date": today + 20 * days},
        "On track": {"baseline_date": today + 10 * days, "is_gate": True},
        "Ahead": {"baseline_date": today + 10 * days, "forecast_date": today + 3 * days},
    }.items():
        factories.MilestoneFactory(project=project, name=name, **fields)
    return world


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ({"status": "done"}, {"Done"}),
        ({"status": "overdue"}, {"Overdue", "Overdue forecast"}),
        ({"status": "slipped"}, {"Slipped"}),
        ({"status": "on_track"}, {"On track", "Ahead", "Elsewhere"}),
        ({"is_gate": "true"}, {"Overdue", "On track"}),
        ({"is_gate": "true", "status": "overdue"}, {"Overdue"}),
    ],
)
def test_milestones_are_filtered_by_gate_and_status_relative_to_today(
    api_as, pmo_user, milestones, query, expected
):
    response = api_as(pmo_user).get(f"{API}/milestones/", query)

    assert set(codes(response)) == expected


@pytest.mark.django_db
def test_each_milestone_reports_the_status_its_filter_selects_it_by(api_as, pmo_user, milestones):
    client = api_as(pmo_user)

    for status in ("done", "overdue", "slipped", "on_track"):
        rows = client.get(f"{API}/milestones/", {"status": status}).json()["results"]
        assert {row["status"] for row in rows} == {status}


@pytest.mark.django_db
@pytest.mark.parametrize("key", ["project", "portfolio"])
def test_milestones_are_filtered_by_project_and_portfolio(api_as, pmo_user, milestones, key):
    other = milestones["other_project"]
    value = other.pk if key == "project" else other.portfolio_id

    response = api_as(pmo_user).get(f"{API}/milestones/", {key: value})

    assert codes(response) == ["Elsewhere"]


@pytest.mark.django_db
def test_an_unknown_milestone_status_answers_400(api_as, pmo_user):
    response = api_as(pmo_user).get(f"{API}/milestones/", {"status": "lost"})

    assert response.status_code == 400
    assert "status" in response.json()


# ------------------------------------------------------------------------------
# Query counts
# ------------------------------------------------------------------------------
def build_projects(n):
    """``n`` projects, each with its own manager, sponsor, programme, two contributions and
    latest submitted status."""
    objectives = list(factories.StrategicObjectiveFactory.create_batch(2))
    for _ in range(n):
        programme = factories.ProgrammeFactory()
        project = factories.ProjectFactory(
            portfolio=programme.portfolio, programme=programme, sponsor=factories.executive()
        )
        for objective in objectives:
            factories.ProjectObjectiveFactory(project=project, objective=objective)
        report = factories.StatusReportFactory(project=project, submitted=True)
        Project.objects.filter(pk=project.pk).update(last_status=report)


def build_milestones(n):
    # Each in its own project, portfolio and manager.
    factories.MilestoneFactory.create_batch(n)


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("resource", "build"), [("projects", build_projects), ("milestones", build_milestones)]
)
def test_list_endpoint_runs_as_many_queries_for_50_rows_as_for_5(api_list_queries, resource, build):
    build(5)
    queries_for_5, rows = api_list_queries(f"{API}/{resource}/")
    assert rows == 5

    build(45)
    queries_for_50, rows = api_list_queries(f"{API}/{resource}/")
    assert rows == 50

    assert queries_for_50 == queries_for_5

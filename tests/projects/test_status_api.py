"""REST API of weekly statuses (``status-reports``) and the projects' latest status."""

import datetime
from decimal import Decimal

import pytest
from django.utils import timezone

from projects import services, weeks
from projects.choices import Phase, Rating, ReportState, Weather
from projects.models import Project, StatusReport
from tests import factories

API = "/api/v1"
URL = f"{API}/status-reports/"


def this_week(project):
    return weeks.current_week(project.tz)


def report_values(report):
    """Everything stored of one report, to check that a refused call changed nothing."""
    return StatusReport.objects.filter(pk=report.pk).values().get()


def new_status_payload(project, /, **changes):
    """A draft of last week for ``project`` that its manager or a PMO manager may POST."""
    return {
        "project": project.pk,
        "week": (this_week(project) - weeks.ONE_WEEK).isoformat(),
        "weather": Weather.CLOUDY,
        "quality_rating": Rating.AMBER,
        "quality_comment": "Test coverage below target",
        "progress": 35,
        "achievements": "Interfaces specified",
        "estimate_to_complete": "125000.50",
        **changes,
    }


@pytest.fixture
def world(project, other_pm_user):
    """``project`` (managed by ``pm_user``) with a submitted status three weeks ago and a
    complete draft two weeks ago; another manager's project."""
    three_weeks_ago = this_week(project) - 3 * weeks.ONE_WEEK
    return {
        "project": project,
        "submitted": factories.StatusReportFactory(
            project=project, week=three_weeks_ago, submitted=True
        ),
        "draft": factories.StatusReportFactory(
            project=project, week=three_weeks_ago + weeks.ONE_WEEK
        ),
        "other_project": factories.ProjectFactory(project_manager=other_pm_user),
    }


# ------------------------------------------------------------------------------
# Permissions
# ------------------------------------------------------------------------------
ACTIONS = ("list", "detail", "create", "update", "submit", "amend", "delete")
READER = {"list": 200, "detail": 200, **dict.fromkeys(ACTIONS[2:6], 403), "delete": 405}
WRITER = {
    "list": 200,
    "detail": 200,
    "create": 201,
    "update": 200,
    "submit": 200,
    "amend": 201,
    "delete": 405,
}
STATUS_REPORT_STATUS = {
    "anonymous": dict.fromkeys(ACTIONS, 401),
    # Without a role nothing is readable; DELETE is not offered at all.
    "no_role": {**dict.fromkeys(ACTIONS, 403), "delete": 405},
    "pm": WRITER,
    # Reads every project's status, files only for their own.
    "other_pm": READER,
    "pmo": WRITER,
    "executive": READER,
    "integration": READER,
}
MATRIX = [
    (role, action, status)
    for role, statuses in STATUS_REPORT_STATUS.items()
    for action, status in statuses.items()
]


def call(client, action, world):
    """Call ``action`` on the reports of ``world["project"]``."""
    draft, submitted = world["draft"], world["submitted"]
    if action == "list":
        return client.get(URL)
    if action == "detail":
        return client.get(f"{URL}{submitted.pk}/")
    if action == "create":
        return client.post(
            URL, new_status_payload(world["project"], week=this_week(world["project"]))
        )
    if action == "update":
        return client.patch(f"{URL}{draft.pk}/", {"progress": 55})
    if action == "submit":
        return client.post(f"{URL}{draft.pk}/submit/")
    if action == "amend":
        return client.post(f"{URL}{submitted.pk}/amend/", {"amendment_reason": "Cost misread"})
    return client.delete(f"{URL}{draft.pk}/")


@pytest.mark.django_db
@pytest.mark.parametrize(("role", "action", "expected"), MATRIX)
def test_each_role_gets_its_status_on_each_status_report_endpoint_and_refusals_save_nothing(
    api_for_role, world, role, action, expected
):
    # Given a client in the role and the draft and submitted status of "pm"'s project
    client = api_for_role(role)
    before = {row.pk: report_values(row) for row in StatusReport.objects.all()}

    # When it calls the endpoint
    response = call(client, action, world)

    # Then the status is the expected one, and a refused call changed nothing
    assert response.status_code == expected, response.content
    if expected >= 400:
        assert {row.pk: report_values(row) for row in StatusReport.objects.all()} == before


@pytest.mark.django_db
def test_a_project_manager_lists_and_reads_the_statuses_of_every_project(
    api_as, other_pm_user, world
):
    client = api_as(other_pm_user)

    listed = client.get(URL)
    read = client.get(f"{URL}{world['submitted'].pk}/")

    assert listed.json()["count"] == 2
    assert read.json()["project_code"] == world["project"].code


@pytest.mark.django_db
def test_a_project_manager_cannot_file_for_an_ended_project_they_managed(api_as, pm_user, world):
    project = world["project"]
    Project.objects.filter(pk=project.pk).update(phase=Phase.CLOSED)

    create = api_as(pm_user).post(URL, new_status_payload(project, week=this_week(project)))
    submit = api_as(pm_user).post(f"{URL}{world['draft'].pk}/submit/")

    assert (create.status_code, submit.status_code) == (403, 403)
    assert project.status_reports.count() == 2


@pytest.mark.django_db
def test_pmo_files_for_any_project_and_is_the_author(api_as, pmo_user, world):
    response = api_as(pmo_user).post(URL, new_status_payload(world["other_project"]))

    assert response.status_code == 201, response.content
    assert response.json()["author"] == pmo_user.pk
    assert response.json()["author_detail"]["username"] == "pmo"


# ------------------------------------------------------------------------------
# The workflow
# ------------------------------------------------------------------------------
@pytest.mark.django_db
def test_draft_patch_submit_amend_submit_keeps_every_revision_and_moves_the_latest_status(
    api_as, pm_user, project
):
    client = api_as(pm_user)
    last_week = this_week(project) - weeks.ONE_WEEK

    # A draft is started, then completed
    created = client.post(URL, new_status_payload(project, quality_comment=""))
    assert created.status_code == 201, created.content
    first = created.json()
    assert (first["state"], first["revision"], first["is_current"]) == ("draft", 1, False)
    assert (first["week"], first["project_code"]) == (last_week.isoformat(), project.code)
    assert (first["author"], first["submitted_at"], first["submitted_by"]) == (
        pm_user.pk,
        None,
        None,
    )
    assert first["estimate_to_complete"] == "125000.50"
    url = f"{URL}{first['id']}/"
    patched = client.patch(url, {"quality_comment": "Two defects open", "progress": 40})
    assert patched.status_code == 200, patched.content
    assert (patched.json()["quality_comment"], patched.json()["progress"]) == (
        "Two defects open",
        40,
    )

    # It is submitted, and from then on never edited
    submitted = client.post(f"{url}submit/")
    assert submitted.status_code == 200, submitted.content
    body = submitted.json()
    assert (body["state"], body["is_current"], body["submitted_by"]) == (
        "submitted",
        True,
        pm_user.pk,
    )
    assert body["submitted_at"] is not None
    before = report_values(StatusReport.objects.get(pk=first["id"]))
    refused = client.patch(url, {"progress": 90})
    assert refused.status_code == 409
    assert "amend" in refused.json()["detail"]
    assert client.post(f"{url}submit/").status_code == 409
    assert report_values(StatusReport.objects.get(pk=first["id"])) == before

    # It is amended: a new draft revision with the same content and the reason
    amended = client.post(f"{url}amend/", {"amendment_reason": "Cost overrun found"})
    assert amended.status_code == 201, amended.content
    second = amended.json()
    assert (second["state"], second["revision"], second["week"]) == (
        "draft",
        2,
        last_week.isoformat(),
    )
    assert (second["amendment_reason"], second["quality_comment"], second["progress"]) == (
        "Cost overrun found",
        "Two defects open",
        40,
    )
    assert client.get(url).json()["state"] == "submitted"
    changed = client.patch(
        f"{URL}{second['id']}/",
        {
            "cost_rating": Rating.RED,
            "cost_comment": "Licences repriced",
            "recovery_plan": "Renegotiate the licences",
            "recovery_target_date": "2026-09-30",
        },
    )
    assert changed.status_code == 200, changed.content

    # The amendment is submitted: it supersedes the first revision, which is kept
    resubmitted = client.post(f"{URL}{second['id']}/submit/")
    assert resubmitted.status_code == 200, resubmitted.content
    assert (resubmitted.json()["state"], resubmitted.json()["cost_rating"]) == ("submitted", "red")
    old = client.get(url)
    assert old.status_code == 200
    assert (old.json()["state"], old.json()["is_current"], old.json()["cost_rating"]) == (
        "superseded",
        False,
        "green",
    )
    latest = client.get(f"{API}/projects/{project.pk}/").json()["last_status"]
    assert (latest["id"], latest["week"], latest["cost_rating"], latest["progress"]) == (
        second["id"],
        last_week.isoformat(),
        "red",
        40,
    )
    assert client.post(f"{url}amend/", {"amendment_reason": "Again"}).status_code == 409


@pytest.mark.django_db
def test_put_replaces_the_content_of_a_draft_sent_with_its_project_and_week(api_as, pm_user, world):
    draft = world["draft"]
    payload = new_status_payload(world["project"], week=draft.week.isoformat(), progress=60)

    response = api_as(pm_user).put(f"{URL}{draft.pk}/", payload)

    assert response.status_code == 200, response.content
    draft.refresh_from_db()
    assert (draft.weather, draft.quality_rating, draft.progress) == ("cloudy", "amber", 60)
    assert draft.estimate_to_complete == Decimal("125000.50")


@pytest.mark.django_db
def test_an_amendment_already_open_answers_409_and_opens_no_other(api_as, pm_user, world):
    client = api_as(pm_user)
    url = f"{URL}{world['submitted'].pk}/amend/"
    assert client.post(url, {"amendment_reason": "First"}).status_code == 201

    response = client.post(url, {"amendment_reason": "Second"})

    assert response.status_code == 409
    assert response.json()["detail"]
    assert world["project"].status_reports.filter(week=world["submitted"].week).count() == 2


@pytest.mark.django_db
@pytest.mark.parametrize("reason", ["", "   "])
def test_an_amendment_without_a_reason_answers_400_on_it_and_opens_nothing(
    api_as, pm_user, world, reason
):
    response = api_as(pm_user).post(
        f"{URL}{world['submitted'].pk}/amend/", {"amendment_reason": reason}
    )

    assert response.status_code == 400
    assert list(response.json()) == ["amendment_reason"]
    assert world["project"].status_reports.count() == 2


@pytest.mark.django_db
def test_an_amendment_request_without_body_answers_400_on_the_reason(api_as, pm_user, world):
    response = api_as(pm_user).post(f"{URL}{world['submitted'].pk}/amend/", {})

    assert response.status_code == 400
    assert list(response.json()) == ["amendment_reason"]


@pytest.mark.django_db
def test_a_draft_cannot_be_amended(api_as, pm_user, world):
    response = api_as(pm_user).post(
        f"{URL}{world['draft'].pk}/amend/", {"amendment_reason": "Typo"}
    )

    assert response.status_code == 409
    assert world["project"].status_reports.count() == 2


@pytest.mark.django_db
def test_a_superseded_revision_can_neither_be_edited_submitted_nor_amended(api_as, pm_user, world):
    old = world["submitted"]
    services.status_report_submit(
        services.status_report_amend(old, actor=pm_user, reason="Typo"), actor=pm_user
    )
    before = report_values(old)
    client = api_as(pm_user)

    edit = client.patch(f"{URL}{old.pk}/", {"progress": 80})
    submit = client.post(f"{URL}{old.pk}/submit/")
    amend = client.post(f"{URL}{old.pk}/amend/", {"amendment_reason": "Again"})

    assert (edit.status_code, submit.status_code, amend.status_code) == (409, 409, 409)
    assert report_values(old) == before


# ------------------------------------------------------------------------------
# Bad input
# ------------------------------------------------------------------------------
def _days(n):
    return datetime.timedelta(days=n)


STATUS_BAD_INPUT = {
    "progress over 100": (lambda p: {"progress": 101}, ["progress"]),
    "negative progress": (lambda p: {"progress": -1}, ["progress"]),
    "progress not a number": (lambda p: {"progress": "most"}, ["progress"]),
    "week not a Monday": (
        lambda p: {"week": (this_week(p) - weeks.ONE_WEEK + _days(2)).isoformat()},
        ["week"],
    ),
    "week not started": (lambda p: {"week": (this_week(p) + weeks.ONE_WEEK).isoformat()}, ["week"]),
    "week not a date": (lambda p: {"week": "last week"}, ["week"]),
    "no week": (lambda p: {"week": None}, ["week"]),
    "unknown project": (lambda p: {"project": 999999}, ["project"]),
    "project not an id": (lambda p: {"project": "PRJ-0001"}, ["project"]),
    "no project": (lambda p: {"project": None}, ["project"]),
    "unknown weather": (lambda p: {"weather": "foggy"}, ["weather"]),
    "unknown rating": (lambda p: {"cost_rating": "purple"}, ["cost_rating"]),
    "negative estimate": (lambda p: {"estimate_to_complete": "-1.00"}, ["estimate_to_complete"]),
    "estimate not a number": (
        lambda p: {"estimate_to_complete": "a lot"},
        ["estimate_to_complete"],
    ),
    "estimate with three decimals": (
        lambda p: {"estimate_to_complete": "10.125"},
        ["estimate_to_complete"],
    ),
    "recovery date not a date": (
        lambda p: {"recovery_target_date": "soon"},
        ["recovery_target_date"],
    ),
    "reason on a first revision": (lambda p: {"amendment_reason": "Why"}, ["amendment_reason"]),
    "comment not a string": (lambda p: {"quality_comment": {"text": "x"}}, ["quality_comment"]),
}


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("change", "bad_fields"), STATUS_BAD_INPUT.values(), ids=STATUS_BAD_INPUT.keys()
)
def test_bad_status_input_answers_400_naming_each_bad_field_and_saves_nothing(
    api_as, pm_user, project, change, bad_fields
):
    payload = new_status_payload(project, **change(project))

    response = api_as(pm_user).post(URL, payload)

    assert response.status_code == 400, response.content
    assert sorted(response.json()) == sorted(bad_fields)
    assert not StatusReport.objects.exists()


@pytest.mark.django_db
def test_every_bad_field_of_one_status_is_named(api_as, pm_user, project):
    payload = new_status_payload(project, progress=101, weather="foggy", week="2026-02-31")

    response = api_as(pm_user).post(URL, payload)

    assert response.status_code == 400
    assert set(response.json()) == {"progress", "weather", "week"}


@pytest.mark.django_db
def test_a_status_without_weather_answers_400_on_weather(api_as, pm_user, project):
    payload = new_status_payload(project)
    del payload["weather"]

    response = api_as(pm_user).post(URL, payload)

    assert response.status_code == 400
    assert list(response.json()) == ["weather"]
    assert not StatusReport.objects.exists()


@pytest.mark.django_db
@pytest.mark.parametrize("existing", ["draft", "submitted"])
def test_a_second_status_for_the_same_week_answers_400_on_week(api_as, pm_user, world, existing):
    report = world[existing]
    payload = new_status_payload(world["project"], week=report.week.isoformat())

    response = api_as(pm_user).post(URL, payload)

    assert response.status_code == 400, response.content
    assert list(response.json()) == ["week"]
    assert world["project"].status_reports.filter(week=report.week).count() == 1


@pytest.mark.django_db
def test_malformed_status_json_answers_400(api_as, pm_user, project):
    response = api_as(pm_user).post(URL, data='{"week": ', content_type="application/json")

    assert response.status_code == 400
    assert "detail" in response.json()
    assert not StatusReport.objects.exists()


DRAFT_BAD_CHANGES = {
    "progress over 100": ({"progress": 101}, ["progress"]),
    "another week": ({"week": "2026-01-05"}, ["week"]),
    "unknown rating": ({"risk_rating": "black"}, ["risk_rating"]),
    "null weather": ({"weather": None}, ["weather"]),
}


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("change", "bad_fields"), DRAFT_BAD_CHANGES.values(), ids=DRAFT_BAD_CHANGES.keys()
)
def test_a_bad_change_to_a_draft_answers_400_and_keeps_the_draft_as_it_was(
    api_as, pm_user, world, change, bad_fields
):
    draft = world["draft"]
    before = report_values(draft)

    response = api_as(pm_user).patch(f"{URL}{draft.pk}/", {"achievements": "More", **change})

    assert response.status_code == 400, response.content
    assert sorted(response.json()) == bad_fields
    assert report_values(draft) == before


@pytest.mark.django_db
def test_pmo_cannot_move_a_draft_to_another_project(api_as, pmo_user, world):
    draft = world["draft"]

    response = api_as(pmo_user).patch(f"{URL}{draft.pk}/", {"project": world["other_project"].pk})

    assert response.status_code == 400, response.content
    assert list(response.json()) == ["project"]
    assert StatusReport.objects.get(pk=draft.pk).project == world["project"]


@pytest.mark.django_db
def test_a_project_manager_cannot_move_their_draft_to_another_managers_project(
    api_as, pm_user, world
):
    draft = world["draft"]

    response = api_as(pm_user).patch(f"{URL}{draft.pk}/", {"project": world["other_project"].pk})

    assert response.status_code == 403
    assert StatusReport.objects.get(pk=draft.pk).project == world["project"]


INCOMPLETE_CONTENT = {
    "red without comment nor recovery plan": (
        {"delay_rating": Rating.RED},
        ["delay_comment", "recovery_plan", "recovery_target_date"],
    ),
    "red with a plan but no date": (
        {"risk_rating": Rating.RED, "risk_comment": "Key person leaving", "recovery_plan": "Hire"},
        ["recovery_target_date"],
    ),
    "amber without comment": ({"cost_rating": Rating.AMBER}, ["cost_comment"]),
    "blank comment": (
        {"quality_rating": Rating.AMBER, "quality_comment": "   "},
        ["quality_comment"],
    ),
}


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("content", "bad_fields"), INCOMPLETE_CONTENT.values(), ids=INCOMPLETE_CONTENT.keys()
)
def test_submitting_an_incomplete_draft_answers_400_naming_each_field_and_changes_nothing(
    api_as, pm_user, world, content, bad_fields
):
    # Given a draft saved with incomplete content (a draft may be)
    draft = world["draft"]
    StatusReport.objects.filter(pk=draft.pk).update(**content)
    before = report_values(draft)

    # When it is submitted
    response = api_as(pm_user).post(f"{URL}{draft.pk}/submit/")

    # Then each missing field is named and the draft is still the same draft
    assert response.status_code == 400, response.content
    assert sorted(response.json()) == bad_fields
    assert report_values(draft) == before
    assert report_values(draft)["state"] == ReportState.DRAFT
    assert Project.objects.get(pk=draft.project_id).last_status is None


@pytest.mark.django_db
def test_an_amendment_whose_reason_was_blanked_is_refused_and_the_week_keeps_its_status(
    api_as, pm_user, world
):
    # Given an open amendment of the submitted status whose reason was then erased
    submitted = world["submitted"]
    amendment = services.status_report_amend(submitted, actor=pm_user, reason="Typo")
    StatusReport.objects.filter(pk=amendment.pk).update(amendment_reason="")

    # When it is submitted
    response = api_as(pm_user).post(f"{URL}{amendment.pk}/submit/")

    # Then it is refused on the reason and the submitted revision is not superseded
    assert response.status_code == 400
    assert list(response.json()) == ["amendment_reason"]
    assert StatusReport.objects.get(pk=submitted.pk).state == ReportState.SUBMITTED
    assert StatusReport.objects.get(pk=amendment.pk).state == ReportState.DRAFT


@pytest.mark.django_db
def test_the_reason_of_an_open_amendment_can_be_corrected(api_as, pm_user, world):
    amendment = services.status_report_amend(world["submitted"], actor=pm_user, reason="Tpyo")

    response = api_as(pm_user).patch(f"{URL}{amendment.pk}/", {"amendment_reason": "Typo"})

    assert response.status_code == 200, response.content
    assert StatusReport.objects.get(pk=amendment.pk).amendment_reason == "Typo"


@pytest.mark.django_db
def test_read_only_fields_sent_with_a_change_are_ignored(api_as, pm_user, other_pm_user, world):
    draft = world["draft"]
    before = report_values(draft)

    response = api_as(pm_user).patch(
        f"{URL}{draft.pk}/",
        {
            "progress": 77,
            "revision": 7,
            "state": ReportState.SUBMITTED,
            "author": other_pm_user.pk,
            "submitted_at": "2026-01-01T10:00:00Z",
            "submitted_by": other_pm_user.pk,
            "created_at": "2026-01-01T10:00:00Z",
        },
    )

    assert response.status_code == 200, response.content
    after = report_values(draft)
    assert after.pop("progress") == 77
    assert after.pop("version") == before["version"] + 1
    assert {k: v for k, v in after.items() if k != "updated_at"} == {
        k: v for k, v in before.items() if k not in {"progress", "version", "updated_at"}
    }


# ------------------------------------------------------------------------------
# Filters and ordering
# ------------------------------------------------------------------------------
def labels(response):
    assert response.status_code == 200, response.content
    return {row["achievements"] for row in response.json()["results"]}


@pytest.fixture
def reports(pm_user, other_pm_user, pmo_user):
    """Six revisions of two projects in two portfolios over three weeks.

    A1 (alpha, programme ERP, "pm"): old (submitted), superseded and amended (the amendment
    submitted, with a comment on a supplier), draft of this week. B1 (beta, "Mobile app",
    "pm2"): submitted, and a draft of this week filed by the PMO.
    """
    alpha, beta = factories.PortfolioFactory(code="ALPHA"), factories.PortfolioFactory(code="BETA")
    erp = factories.ProgrammeFactory(portfolio=alpha)
    a1 = factories.ProjectFactory(
        code="A1", name="Warehouse", portfolio=alpha, programme=erp, project_manager=pm_user
    )
    b1 = factories.ProjectFactory(
        code="B1", name="Mobile app", portfolio=beta, project_manager=other_pm_user
    )
    week = this_week(a1)
    noon = timezone.now().replace(microsecond=0)
    made = {}
    for label, project, weeks_ago, fields in [
        ("a1-old", a1, 2, {"state": "submitted", "submitted_at": noon - _days(13)}),
        (
            "a1-superseded",
            a1,
            1,
            {
                "state": "superseded",
                "weather": "cloudy",
                "quality_rating": "amber",
                "submitted_at": noon - _days(6),
            },
        ),
        (
            "a1-amended",
            a1,
            1,
            {
                "revision": 2,
                "state": "submitted",
                "weather": "rainy",
                "quality_rating": "amber",
                "quality_comment": "Supplier behind",
                "cost_rating": "red",
                "submitted_at": noon - _days(4),
            },
        ),
        ("a1-draft", a1, 0, {"weather": "stormy", "risk_rating": "red"}),
        (
            "b1-submitted",
            b1,
            1,
            {
                "state": "submitted",
                "weather": "cloudy",
                "delay_rating": "amber",
                "submitted_at": noon - _days(5),
            },
        ),
        ("b1-draft", b1, 0, {"author": pmo_user}),
    ]:
        made[label] = factories.StatusReportFactory(
            project=project,
            week=week - weeks_ago * weeks.ONE_WEEK,
            achievements=label,
            **fields,
        )
    return {"alpha": alpha, "beta": beta, "erp": erp, "A1": a1, "B1": b1, "week": week, **made}


ALL = {"a1-old", "a1-superseded", "a1-amended", "a1-draft", "b1-submitted", "b1-draft"}
A1 = {"a1-old", "a1-superseded", "a1-amended", "a1-draft"}
LAST_WEEK = {"a1-superseded", "a1-amended", "b1-submitted"}
CURRENT = {"a1-old", "a1-amended", "b1-submitted"}


def _week(r, weeks_ago):
    return (r["week"] - weeks_ago * weeks.ONE_WEEK).isoformat()


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("query", "expected"),
    [
        (lambda r: {}, ALL),
        (lambda r: {"project": r["B1"].pk}, {"b1-submitted", "b1-draft"}),
        (lambda r: {"project": [r["A1"].pk, r["B1"].pk]}, ALL),
        (lambda r: {"portfolio": r["alpha"].pk}, A1),
        (lambda r: {"portfolio": [r["alpha"].pk, r["beta"].pk]}, ALL),
        (lambda r: {"programme": r["erp"].pk}, A1),
        (lambda r: {"week": _week(r, 1)}, LAST_WEEK),
        (lambda r: {"week_after": _week(r, 1)}, ALL - {"a1-old"}),
        (lambda r: {"week_before": _week(r, 1)}, ALL - {"a1-draft", "b1-draft"}),
        (lambda r: {"week_after": _week(r, 1), "week_before": _week(r, 1)}, LAST_WEEK),
        (lambda r: {"state": "draft"}, {"a1-draft", "b1-draft"}),
        (lambda r: {"state": ["submitted", "superseded"]}, CURRENT | {"a1-superseded"}),
        (lambda r: {"weather": "stormy"}, {"a1-draft"}),
        (lambda r: {"weather": ["rainy", "cloudy"]}, LAST_WEEK),
        (lambda r: {"quality_rating": "amber"}, {"a1-superseded", "a1-amended"}),
        (lambda r: {"cost_rating": "red"}, {"a1-amended"}),
        (lambda r: {"delay_rating": "amber"}, {"b1-submitted"}),
        (lambda r: {"risk_rating": ["amber", "red"]}, {"a1-draft"}),
        (lambda r: {"risk_rating": "green"}, ALL - {"a1-draft"}),
        (lambda r: {"author": r["B1"].project_manager_id}, {"b1-submitted"}),
        (lambda r: {"author": r["b1-draft"].author_id}, {"b1-draft"}),
        (lambda r: {"current": "true"}, CURRENT),
        (lambda r: {"current": "false"}, ALL - CURRENT),
        (lambda r: {"current": "true", "portfolio": r["beta"].pk}, {"b1-submitted"}),
        (lambda r: {"q": "supplier"}, {"a1-amended"}),
        (lambda r: {"q": "MOBILE"}, {"b1-submitted", "b1-draft"}),
        (lambda r: {"q": "a1"}, A1),
        (lambda r: {"q": "nothing like it"}, set()),
    ],
    ids=[
        "no filter",
        "project",
        "two projects",
        "portfolio",
        "two portfolios",
        "programme",
        "week",
        "week after",
        "week before",
        "week between",
        "state",
        "two states",
        "weather",
        "two weathers",
        "quality",
        "cost",
        "delay",
        "risk amber or red",
        "risk green",
        "author",
        "author pmo",
        "current",
        "not current",
        "current of a portfolio",
        "q on comment",
        "q on project name",
        "q on project code",
        "q matching nothing",
    ],
)
def test_status_reports_are_filtered(api_as, exec_user, reports, query, expected):
    response = api_as(exec_user).get(URL, query(reports))

    assert labels(response) == expected


@pytest.mark.django_db
@pytest.mark.parametrize(
    "query",
    [
        {"state": "lost"},
        {"weather": "foggy"},
        {"quality_rating": "purple"},
        {"week": "last"},
        {"week_after": "2026-13-01"},
        {"project": 999999},
        {"portfolio": "alpha"},
        {"author": "pm"},
    ],
)
def test_an_invalid_status_filter_answers_400_naming_it(api_as, pmo_user, query):
    response = api_as(pmo_user).get(URL, query)

    assert response.status_code == 400
    assert set(response.json()) == set(query)


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("ordering", "key"),
    [
        ("week", lambda row: row["week"]),
        ("-week", lambda row: row["week"]),
        ("project__code", lambda row: row["project_code"]),
        ("-project__code", lambda row: row["project_code"]),
    ],
)
def test_status_reports_are_ordered_by_week_and_project_code(
    api_as, pmo_user, reports, ordering, key
):
    rows = api_as(pmo_user).get(URL, {"ordering": ordering}).json()["results"]

    values = [key(row) for row in rows]
    assert values == sorted(values, reverse=ordering.startswith("-"))
    assert len(values) == len(ALL)


@pytest.mark.django_db
def test_current_statuses_are_ordered_by_submission(api_as, pmo_user, reports):
    response = api_as(pmo_user).get(URL, {"current": "true", "ordering": "-submitted_at"})

    assert [row["achievements"] for row in response.json()["results"]] == [
        "a1-amended",
        "b1-submitted",
        "a1-old",
    ]


@pytest.mark.django_db
def test_ordering_on_another_field_is_ignored(api_as, pmo_user, reports):
    response = api_as(pmo_user).get(URL, {"ordering": "author__password"})

    assert response.status_code == 200
    assert labels(response) == ALL


# ------------------------------------------------------------------------------
# The projects' latest status
# ------------------------------------------------------------------------------
@pytest.mark.django_db
def test_a_project_never_reported_shows_an_empty_latest_status(api_as, exec_user, project):
    body = api_as(exec_user).get(f"{API}/projects/{project.pk}/").json()

    assert body["last_status"]["week"] is None
    assert set(body["last_status"].values()) == {None}


@pytest.mark.django_db
def test_projects_carry_their_latest_submitted_status_not_a_later_draft(
    api_as, exec_user, pm_user, project
):
    # Given a submitted status of last week and a draft of this week
    week = this_week(project) - weeks.ONE_WEEK
    report = services.status_report_create(
        actor=pm_user,
        project=project,
        week=week,
        weather=Weather.RAINY,
        delay_rating=Rating.AMBER,
        delay_comment="Vendor late",
        progress=62,
    )
    report = services.status_report_submit(report, actor=pm_user)
    services.status_report_create(
        actor=pm_user, project=project, week=this_week(project), weather=Weather.SUNNY
    )

    # When the projects are listed
    rows = api_as(exec_user).get(f"{API}/projects/").json()["results"]

    # Then the project carries the submitted one
    assert rows[0]["last_status"] == {
        "id": report.pk,
        "week": week.isoformat(),
        "weather": "rainy",
        "quality_rating": "green",
        "cost_rating": "green",
        "delay_rating": "amber",
        "risk_rating": "green",
        "progress": 62,
        "submitted_at": rows[0]["last_status"]["submitted_at"],
        "age_days": (timezone.localdate() - week).days,
    }
    assert rows[0]["last_status"]["submitted_at"] is not None


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("time_zone", "age_days"),
    # Sunday 8 March 2026, 23:30 UTC: already Monday in Paris, still Sunday in New York.
    [("Europe/Paris", 7), ("America/New_York", 6), ("UTC", 6)],
)
def test_the_age_of_the_latest_status_is_counted_in_the_projects_time_zone(
    api_as, exec_user, monkeypatch, time_zone, age_days
):
    project = factories.ProjectFactory(time_zone=time_zone)
    report = factories.StatusReportFactory(
        project=project, week=datetime.date(2026, 3, 2), submitted=True
    )
    Project.objects.filter(pk=project.pk).update(last_status=report)
    moment = datetime.datetime(2026, 3, 8, 23, 30, tzinfo=datetime.UTC)
    monkeypatch.setattr(timezone, "now", lambda: moment)

    body = api_as(exec_user).get(f"{API}/projects/{project.pk}/").json()

    assert body["last_status"]["age_days"] == age_days


@pytest.mark.django_db
def test_the_latest_status_is_read_only_on_a_project(api_as, pmo_user, world):
    project = world["project"]

    response = api_as(pmo_user).patch(
        f"{API}/projects/{project.pk}/", {"last_status": {"id": world["submitted"].pk}}
    )

    assert response.status_code == 200
    assert Project.objects.get(pk=project.pk).last_status is None


# ------------------------------------------------------------------------------
# Query counts
# ------------------------------------------------------------------------------
def build_status_reports(n):
    """``n`` submitted statuses, each in its own project, portfolio, programme and manager."""
    for _ in range(n):
        programme = factories.ProgrammeFactory()
        project = factories.ProjectFactory(portfolio=programme.portfolio, programme=programme)
        factories.StatusReportFactory(project=project, submitted=True)


def build_reported_projects(n):
    """``n`` projects, each with its own manager and a status filed and submitted by them."""
    for _ in range(n):
        project = factories.ProjectFactory(sponsor=factories.executive())
        report = services.status_report_create(
            actor=project.project_manager,
            project=project,
            week=this_week(project) - weeks.ONE_WEEK,
            weather=Weather.CLOUDY,
        )
        services.status_report_submit(report, actor=project.project_manager)


@pytest.mark.django_db
def test_status_report_list_runs_as_many_queries_for_50_rows_as_for_5(api_list_queries):
    build_status_reports(5)
    queries_for_5, rows = api_list_queries(URL)
    assert rows == 5

    build_status_reports(45)
    queries_for_50, rows = api_list_queries(URL)
    assert rows == 50

    assert queries_for_50 == queries_for_5


@pytest.mark.django_db
def test_project_list_with_latest_statuses_runs_as_many_queries_for_50_rows_as_for_5(
    api_list_queries, api_as, pmo_user
):
    build_reported_projects(5)
    queries_for_5, rows = api_list_queries(f"{API}/projects/")
    assert rows == 5

    build_reported_projects(45)
    queries_for_50, rows = api_list_queries(f"{API}/projects/")
    assert rows == 50

    assert queries_for_50 == queries_for_5
    listed = api_as(pmo_user).get(f"{API}/projects/", {"page_size": 50}).json()["results"]
    assert all(row["last_status"]["id"] is not None for row in listed)

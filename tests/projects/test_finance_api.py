"""API of a project's finance figures (``projects/{id}/finance/``) and of the overrun alerts."""

import datetime
from decimal import Decimal

import pytest
from django.utils import timezone

from projects.choices import CostKind, EacBasis, Nature, Rating
from projects.models import OverrunAlert
from tests import factories

D = Decimal
API = "/api/v1"
WEEK = datetime.date(2026, 11, 9)
STATUS = {
    "anonymous": 401,
    "no_role": 403,
    "pm": 200,
    "other_pm": 200,
    "pmo": 200,
    "executive": 200,
    "integration": 200,
}


def finance_url(project, query: str = "") -> str:
    url = f"{API}/projects/{project.pk}/finance/"
    return f"{url}?{query}" if query else url


def declare(project, *, etc=None, progress=40, rating=Rating.GREEN, week=WEEK):
    report = factories.StatusReportFactory(
        project=project,
        week=week,
        submitted=True,
        progress=progress,
        cost_rating=rating,
        estimate_to_complete=D(etc) if etc is not None else None,
    )
    project.last_status = report
    project.save(update_fields=["last_status"])
    return report


def spend(project, amount, *, nature=Nature.CAPEX, date=datetime.date(2026, 7, 1), **fields):
    return factories.CostEntryFactory(
        project=project, amount=D(amount), nature=nature, date=date, **fields
    )


@pytest.fixture
def reference(project):
    """BAC 500,000 over 2026, 40 % done, 250,000 spent by 1 July, no ETC reported."""
    project.baseline_start = datetime.date(2026, 1, 1)
    project.baseline_end = datetime.date(2026, 12, 31)
    project.save(update_fields=["baseline_start", "baseline_end"])
    spend(project, "200000.00", date=datetime.date(2026, 6, 30))
    spend(project, "50000.00", nature=Nature.OPEX, date=datetime.date(2026, 7, 1))
    spend(project, "10000.00", kind=CostKind.COMMITMENT, date=datetime.date(2026, 6, 1))
    declare(project, week=datetime.date(2026, 6, 29))
    return project


@pytest.mark.django_db
@pytest.mark.parametrize("role", list(STATUS))
def test_each_role_reads_the_finance_figures_as_it_reads_the_project(api_for_role, reference, role):
    response = api_for_role(role).get(finance_url(reference))

    assert response.status_code == STATUS[role]


@pytest.mark.django_db
def test_an_unknown_project_answers_404(api_as, exec_user):
    assert api_as(exec_user).get(f"{API}/projects/999999/finance/").status_code == 404


@pytest.mark.django_db
def test_the_figures_as_of_a_day_match_the_hand_computed_case(api_as, exec_user, reference):
    response = api_as(exec_user).get(finance_url(reference, "as_of=2026-07-01"))

    assert response.status_code == 200
    data = response.json()
    assert data["project"] == reference.pk
    assert data["as_of"] == "2026-07-01"
    assert data["budget"] == {"capex": "400000.00", "opex": "100000.00", "total": "500000.00"}
    assert data["actual"] == {"capex": "200000.00", "opex": "50000.00", "total": "250000.00"}
    assert data["committed"] == {"capex": "10000.00", "opex": "0.00", "total": "10000.00"}
    assert data["etc"] is None
    assert data["eac"] == "625000.00"
    assert data["eac_basis"] == EacBasis.PERFORMANCE
    assert data["consumption_percent"] == "50.0"
    assert data["remaining"] == "250000.00"
    assert data["threshold"] == "525000.00"
    assert data["overrun"] is True
    assert data["unflagged"] is True
    assert data["cost_rating"] == Rating.GREEN
    assert data["earned_value"] == {
        "as_of": "2026-07-01",
        "bac": "500000.00",
        "pv": "249315.07",
        "ev": "200000.00",
        "ac": "250000.00",
        "cpi": "0.80",
        "spi": "0.80",
        "cv": "-50000.00",
        "sv": "-49315.07",
        "eac": "625000.00",
        "etc": "375000.00",
        "vac": "-125000.00",
        "tcpi": "1.20",
        "planned_percent": "49.86",
        "progress": 40,
    }


@pytest.mark.django_db
def test_money_is_sent_as_strings_never_floats(api_as, exec_user, reference):
    data = api_as(exec_user).get(finance_url(reference, "as_of=2026-07-01")).json()

    def numbers(value):
        if isinstance(value, dict):
            for item in value.values():
                yield from numbers(item)
        elif isinstance(value, list):
            for item in value:
                yield from numbers(item)
        else:
            yield value

    assert not any(isinstance(value, float) for value in numbers(data))


@pytest.mark.django_db
def test_entries_after_the_day_asked_are_left_out(api_as, exec_user, reference):
    data = api_as(exec_user).get(finance_url(reference, "as_of=2026-06-30")).json()

    assert data["actual"]["total"] == "200000.00"
    assert data["earned_value"]["ac"] == "200000.00"


@pytest.mark.django_db
def test_without_as_of_the_figures_are_for_today(api_as, exec_user, reference):
    data = api_as(exec_user).get(finance_url(reference)).json()

    assert data["as_of"] == timezone.localdate().isoformat()
    assert data["earned_value"]["as_of"] == timezone.localdate().isoformat()


@pytest.mark.django_db
def test_figures_that_cannot_be_computed_are_null(api_as, exec_user, project):
    data = api_as(exec_user).get(finance_url(project)).json()

    assert data["etc"] is None
    assert data["eac"] is None
    assert data["eac_basis"] is None
    assert data["cost_rating"] is None
    assert data["lines_difference"] is None
    assert data["overrun"] is False
    assert data["actual"]["total"] == "0.00"
    evm = data["earned_value"]
    for key in ("ev", "cpi", "spi", "cv", "sv", "eac", "etc", "vac", "tcpi", "progress"):
        assert evm[key] is None, key
    assert evm["ac"] == "0.00"
    assert evm["bac"] == "500000.00"


@pytest.mark.django_db
def test_the_reported_etc_gives_the_eac(api_as, exec_user, project):
    spend(project, "100000.00")
    declare(project, etc="300000.00")
    factories.BudgetLineFactory(project=project, amount=D("450000.00"))

    data = api_as(exec_user).get(finance_url(project)).json()

    assert data["etc"] == "300000.00"
    assert data["eac"] == "400000.00"
    assert data["eac_basis"] == EacBasis.REPORTED
    assert data["overrun"] is False
    assert data["lines_difference"] == "-50000.00"
    assert data["budget_lines"] == [
        {
            "fiscal_year": 2026,
            "label": "2026",
            "amounts": {"capex": "450000.00", "opex": "0.00", "total": "450000.00"},
        }
    ]


@pytest.mark.django_db
@pytest.mark.parametrize("value", ["yesterday", "2026-13-01", "2026-02-30", "01/07/2026"])
def test_a_bad_as_of_answers_400_naming_it(api_as, exec_user, project, value):
    response = api_as(exec_user).get(finance_url(project, f"as_of={value}"))

    assert response.status_code == 400
    assert list(response.json()) == ["as_of"]


@pytest.mark.django_db
def test_the_finance_endpoint_is_read_only(api_as, pmo_user, project):
    assert api_as(pmo_user).post(finance_url(project), {}).status_code == 405


@pytest.mark.django_db
def test_the_finance_endpoint_is_in_the_schema(api_as, exec_user):
    response = api_as(exec_user).get("/api/schema/", {"format": "json"})

    assert response.status_code == 200
    paths = response.json()["paths"]
    operation = paths["/api/v1/projects/{id}/finance/"]["get"]
    assert "as_of" in [parameter["name"] for parameter in operation["parameters"]]
    assert "/api/v1/overrun-alerts/" in paths


# --- overrun alerts -----------------------------------------------------------------------


def alert(project=None, *, closed=False, unflagged=True):
    return OverrunAlert.objects.create(
        project=project or factories.ProjectFactory(),
        closed_at=timezone.now() if closed else None,
        budget=D("500000.00"),
        threshold=D("525000.00"),
        eac=D("600000.00"),
        eac_basis=EacBasis.REPORTED,
        cost_rating=Rating.GREEN if unflagged else Rating.AMBER,
        unflagged=unflagged,
    )


@pytest.mark.django_db
@pytest.mark.parametrize("role", list(STATUS))
def test_each_role_reads_the_overrun_alerts_as_the_rules_say(api_for_role, project, role):
    alert(project)

    response = api_for_role(role).get(f"{API}/overrun-alerts/")

    assert response.status_code == STATUS[role]


@pytest.mark.django_db
def test_an_overrun_alert_is_listed_with_its_figures(api_as, exec_user, project):
    made = alert(project)

    data = api_as(exec_user).get(f"{API}/overrun-alerts/").json()["results"]

    assert data == [
        {
            "id": made.pk,
            "project": project.pk,
            "project_code": project.code,
            "opened_at": data[0]["opened_at"],
            "closed_at": None,
            "is_open": True,
            "budget": "500000.00",
            "threshold": "525000.00",
            "eac": "600000.00",
            "eac_basis": EacBasis.REPORTED,
            "overrun_percent": "20.0",
            "cost_rating": Rating.GREEN,
            "unflagged": True,
            "notified_at": None,
        }
    ]


@pytest.mark.django_db
def test_the_overrun_alerts_filter_like_the_page(api_as, exec_user, project):
    open_unflagged = alert(project)
    alert(closed=True)
    alert(unflagged=False)

    response = api_as(exec_user).get(
        f"{API}/overrun-alerts/", {"open": "true", "unflagged": "true"}
    )

    assert [row["id"] for row in response.json()["results"]] == [open_unflagged.pk]


@pytest.mark.django_db
@pytest.mark.parametrize("method", ["post", "put", "patch", "delete"])
def test_the_overrun_alerts_cannot_be_written_through_the_api(api_as, pmo_user, project, method):
    made = alert(project)
    url = f"{API}/overrun-alerts/" if method == "post" else f"{API}/overrun-alerts/{made.pk}/"

    response = getattr(api_as(pmo_user), method)(url, {"eac": "1.00"})

    assert response.status_code == 405
    made.refresh_from_db()
    assert made.eac == D("600000.00")


@pytest.mark.django_db
def test_the_overrun_alert_list_costs_the_same_for_5_rows_as_for_50(api_list_queries):
    for _ in range(5):
        alert(factories.ProjectFactory(programme=None))
    with_5, rows_5 = api_list_queries(f"{API}/overrun-alerts/")
    for i in range(45):
        alert(closed=bool(i % 2))
    with_50, rows_50 = api_list_queries(f"{API}/overrun-alerts/")

    assert (rows_5, rows_50) == (5, 50)
    assert with_50 == with_5

"""API of budget lines and cost entries (``budget-lines``, ``cost-entries``): who reads and
writes, what is refused, the filters shared with the pages, and what a list costs."""

import datetime
from decimal import Decimal

import pytest
from django.utils import timezone

from portfolio.models import FinancePolicy
from projects.choices import CostCategory, CostKind, EntrySource, Nature
from projects.models import BudgetLine, CostEntry
from tests import factories

API = "/api/v1"
TODAY = timezone.localdate()
DAY = datetime.timedelta(days=1)


@pytest.fixture
def world(project, other_pm_user):
    """A line and an entry on ``project`` (managed by pm), another project of pm2."""
    return {
        "line": factories.BudgetLineFactory(project=project),
        "entry": factories.CostEntryFactory(project=project),
        "other_project": factories.ProjectFactory(project_manager=other_pm_user),
    }


def line_body(of, /, **overrides):
    return {
        "project": of.pk,
        "fiscal_year": 2027,
        "nature": "opex",
        "category": "software",
        "amount": "1500.00",
        **overrides,
    }


def entry_body(of, /, **overrides):
    return {
        "project": of.pk,
        "date": (TODAY - DAY).isoformat(),
        "kind": "actual",
        "nature": "capex",
        "category": "hardware",
        "amount": "999.99",
        "label": "Servers",
        **overrides,
    }


# --- permission matrix ------------------------------------------------------------------

ROLES = ("anonymous", "no_role", "pm", "other_pm", "pmo", "executive", "integration")
READ = dict.fromkeys(ROLES, 200) | {"anonymous": 401, "no_role": 403}
PMO_WRITES = dict.fromkeys(ROLES, 403) | {"anonymous": 401, "pmo": "ok"}
COST_WRITES = dict.fromkeys(ROLES, 403) | {
    "anonymous": 401,
    "pm": "ok",
    "pmo": "ok",
    "integration": "ok",
}

CALLS = {
    "list budget lines": ("get", "budget-lines/", None, READ),
    "read a budget line": ("get", "budget-lines/{line}/", None, READ),
    "create a budget line": ("post", "budget-lines/", "line", PMO_WRITES),
    "update a budget line": ("patch", "budget-lines/{line}/", {"note": "x"}, PMO_WRITES),
    "list cost entries": ("get", "cost-entries/", None, READ),
    "read a cost entry": ("get", "cost-entries/{entry}/", None, READ),
    "create a cost entry": ("post", "cost-entries/", "entry", COST_WRITES),
}


@pytest.mark.django_db
@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("call", list(CALLS))
def test_each_role_gets_its_status_on_each_finance_endpoint(
    api_for_role, project, world, call, role
):
    method, path, body, expected = CALLS[call]
    url = f"{API}/{path.format(line=world['line'].pk, entry=world['entry'].pk)}"
    if body == "line":
        body = line_body(project)
    elif body == "entry":
        body = entry_body(project)
    lines, entries = BudgetLine.objects.count(), CostEntry.objects.count()

    response = getattr(api_for_role(role), method)(url, body, format="json")

    wanted = expected[role]
    if wanted == "ok":
        assert response.status_code in (200, 201), response.content
    else:
        assert response.status_code == wanted, response.content
        if method != "get":
            assert (BudgetLine.objects.count(), CostEntry.objects.count()) == (lines, entries)


@pytest.mark.django_db
def test_a_project_manager_records_no_cost_on_a_project_they_do_not_manage(api_as, pm_user, world):
    response = api_as(pm_user).post(
        f"{API}/cost-entries/", entry_body(world["other_project"]), format="json"
    )

    assert response.status_code == 403
    assert CostEntry.objects.count() == 1


@pytest.mark.django_db
@pytest.mark.parametrize("method", ["put", "patch", "delete"])
def test_a_cost_entry_is_never_changed_nor_deleted_405(api_as, pmo_user, world, method):
    entry = world["entry"]

    response = getattr(api_as(pmo_user), method)(
        f"{API}/cost-entries/{entry.pk}/", {"amount": "1.00"}, format="json"
    )

    assert response.status_code == 405
    assert CostEntry.objects.get(pk=entry.pk).amount == Decimal("1000.00")


@pytest.mark.django_db
def test_a_budget_line_is_never_deleted_405(api_as, pmo_user, world):
    response = api_as(pmo_user).delete(f"{API}/budget-lines/{world['line'].pk}/")

    assert response.status_code == 405
    assert BudgetLine.objects.count() == 1


# --- writing ----------------------------------------------------------------------------


@pytest.mark.django_db
def test_a_cost_entry_created_by_the_api_is_read_back_with_its_recorder(api_as, pm_user, project):
    response = api_as(pm_user).post(f"{API}/cost-entries/", entry_body(project), format="json")

    assert response.status_code == 201, response.content
    body = response.json()
    assert body["amount"] == "999.99"
    assert body["project_code"] == project.code
    assert body["source"] == EntrySource.MANUAL
    assert body["recorded_by"] == pm_user.pk
    assert CostEntry.objects.get(pk=body["id"]).recorded_by == pm_user


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"amount": "0.00"}, "amount"),
        ({"amount": "1.001"}, "amount"),
        ({"date": (TODAY + DAY).isoformat()}, "date"),
        ({"nature": "capital"}, "nature"),
        ({"project": 999999}, "project"),
    ],
)
def test_a_bad_cost_entry_answers_400_naming_the_field(api_as, pmo_user, project, overrides, field):
    response = api_as(pmo_user).post(
        f"{API}/cost-entries/", entry_body(project, **overrides), format="json"
    )

    assert response.status_code == 400
    assert field in response.json()
    assert not CostEntry.objects.exists()


@pytest.mark.django_db
def test_a_reference_already_recorded_answers_400_on_the_reference(api_as, pmo_user, project):
    factories.CostEntryFactory(project=project, external_reference="INV-7")

    response = api_as(pmo_user).post(
        f"{API}/cost-entries/", entry_body(project, external_reference="INV-7"), format="json"
    )

    assert response.status_code == 400
    assert response.json() == {
        "external_reference": ["An entry with this reference is already recorded."]
    }


@pytest.mark.django_db
def test_the_pmo_creates_and_updates_a_budget_line(api_as, pmo_user, project):
    client = api_as(pmo_user)

    created = client.post(f"{API}/budget-lines/", line_body(project), format="json")
    line_id = created.json()["id"]
    updated = client.patch(f"{API}/budget-lines/{line_id}/", {"amount": "2000.5"}, format="json")

    assert created.status_code == 201, created.content
    assert updated.status_code == 200, updated.content
    assert updated.json()["amount"] == "2000.50"
    assert BudgetLine.objects.get(pk=line_id).amount == Decimal("2000.50")


@pytest.mark.django_db
def test_a_second_budget_line_for_the_same_year_nature_and_category_answers_400(
    api_as, pmo_user, project
):
    factories.BudgetLineFactory(
        project=project, fiscal_year=2027, nature=Nature.OPEX, category=CostCategory.SOFTWARE
    )

    response = api_as(pmo_user).post(f"{API}/budget-lines/", line_body(project), format="json")

    assert response.status_code == 400
    assert "already has a budget line" in str(response.json())
    assert BudgetLine.objects.count() == 1


# --- filters ----------------------------------------------------------------------------


def ids(response) -> set[int]:
    assert response.status_code == 200, response.content
    return {row["id"] for row in response.json()["results"]}


@pytest.mark.django_db
def test_cost_entries_of_a_fiscal_year_follow_the_april_policy_to_the_day(api_as, exec_user):
    FinancePolicy.objects.create(fiscal_year_start_month=4)
    project = factories.ProjectFactory()
    dates = {
        "before": datetime.date(2026, 3, 31),
        "first": datetime.date(2026, 4, 1),
        "last": datetime.date(2027, 3, 31),
        "after": datetime.date(2027, 4, 1),
    }
    entries = {
        name: factories.CostEntryFactory(project=project, date=day, kind=CostKind.COMMITMENT)
        for name, day in dates.items()
    }

    response = api_as(exec_user).get(f"{API}/cost-entries/", {"fiscal_year": 2026})

    assert ids(response) == {entries["first"].pk, entries["last"].pk}


@pytest.mark.django_db
def test_cost_entries_of_a_calendar_fiscal_year_by_default(api_as, exec_user, project):
    december = factories.CostEntryFactory(project=project, date=datetime.date(2025, 12, 31))
    january = factories.CostEntryFactory(project=project, date=datetime.date(2026, 1, 1))

    response = api_as(exec_user).get(f"{API}/cost-entries/", {"fiscal_year": 2026})

    assert ids(response) == {january.pk}
    assert december.pk not in ids(response)


@pytest.fixture
def spread(db):
    """Entries and lines over two portfolios, a programme, kinds, natures and sources."""
    programme = factories.ProgrammeFactory()
    in_programme = factories.ProjectFactory(portfolio=programme.portfolio, programme=programme)
    elsewhere = factories.ProjectFactory()
    return {
        "programme": programme,
        "in_programme": in_programme,
        "elsewhere": elsewhere,
        "actual": factories.CostEntryFactory(
            project=in_programme, date=datetime.date(2026, 2, 1), label="Licence"
        ),
        "commitment": factories.CostEntryFactory(
            project=elsewhere,
            kind=CostKind.COMMITMENT,
            nature=Nature.OPEX,
            category=CostCategory.SOFTWARE,
            source=EntrySource.INTEGRATION,
            external_reference="PO-77",
            supplier="Soft Co",
            date=datetime.date(2026, 5, 1),
        ),
        "line_2026": factories.BudgetLineFactory(project=in_programme, note="Phase 1"),
        "line_2027": factories.BudgetLineFactory(
            project=elsewhere, fiscal_year=2027, nature=Nature.OPEX, category=CostCategory.OTHER
        ),
    }


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ({"kind": "commitment"}, {"commitment"}),
        ({"nature": "capex"}, {"actual"}),
        ({"category": "software"}, {"commitment"}),
        ({"source": "integration"}, {"commitment"}),
        ({"date_after": "2026-03-01"}, {"commitment"}),
        ({"date_before": "2026-03-01"}, {"actual"}),
        ({"q": "po-77"}, {"commitment"}),
        ({"q": "soft co"}, {"commitment"}),
        ({"q": "licence"}, {"actual"}),
        ({"programme": "programme"}, {"actual"}),
        ({"portfolio": "elsewhere"}, {"commitment"}),
        ({"project": "in_programme"}, {"actual"}),
    ],
)
def test_cost_entries_are_filtered_like_on_the_pages(api_as, exec_user, spread, query, expected):
    params = {
        key: (
            spread[value].pk
            if key in ("programme", "project")
            else spread[value].portfolio_id
            if key == "portfolio"
            else value
        )
        for key, value in query.items()
    }

    response = api_as(exec_user).get(f"{API}/cost-entries/", params)

    assert ids(response) == {spread[name].pk for name in expected}


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ({"fiscal_year": 2027}, {"line_2027"}),
        ({"nature": "capex"}, {"line_2026"}),
        ({"category": "other"}, {"line_2027"}),
        ({"q": "phase 1"}, {"line_2026"}),
        ({"programme": "programme"}, {"line_2026"}),
        ({"project": "elsewhere"}, {"line_2027"}),
        ({"portfolio": "elsewhere"}, {"line_2027"}),
    ],
)
def test_budget_lines_are_filtered_like_on_the_pages(api_as, exec_user, spread, query, expected):
    params = {
        key: (
            spread[value].pk
            if key in ("programme", "project")
            else spread[value].portfolio_id
            if key == "portfolio"
            else value
        )
        for key, value in query.items()
    }

    response = api_as(exec_user).get(f"{API}/budget-lines/", params)

    assert ids(response) == {spread[name].pk for name in expected}


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("resource", "query"),
    [
        ("cost-entries", {"fiscal_year": "abc"}),
        ("cost-entries", {"fiscal_year": "1999"}),
        ("cost-entries", {"fiscal_year": "99999999"}),
        ("cost-entries", {"kind": "spent"}),
        ("cost-entries", {"date_after": "15/03/2026"}),
        ("cost-entries", {"portfolio": "999999"}),
        ("budget-lines", {"fiscal_year": "2026.5"}),
        ("budget-lines", {"nature": "capital"}),
    ],
)
def test_an_invalid_filter_answers_400_naming_it(api_as, exec_user, resource, query):
    response = api_as(exec_user).get(f"{API}/{resource}/", query)

    assert response.status_code == 400
    assert set(response.json()) == set(query)


@pytest.mark.django_db
def test_amounts_are_listed_as_strings_never_floats(api_as, exec_user, project):
    factories.CostEntryFactory(project=project, amount=Decimal("0.10"))
    factories.BudgetLineFactory(project=project, amount=Decimal("1234567.89"))
    client = api_as(exec_user)

    entry = client.get(f"{API}/cost-entries/").json()["results"][0]
    line = client.get(f"{API}/budget-lines/").json()["results"][0]

    assert entry["amount"] == "0.10"
    assert line["amount"] == "1234567.89"


# --- cost of the lists ------------------------------------------------------------------


def add_entries(count):
    project = factories.ProjectFactory()
    factories.CostEntryFactory.create_batch(count, project=project)


def add_lines(count):
    for _ in range(count):
        factories.BudgetLineFactory(project=factories.ProjectFactory())


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("url", "add", "model"),
    [
        (f"{API}/cost-entries/?page_size=100", add_entries, CostEntry),
        (f"{API}/cost-entries/?page_size=100&fiscal_year=2026", add_entries, CostEntry),
        (f"{API}/budget-lines/?page_size=100", add_lines, BudgetLine),
    ],
)
def test_each_finance_list_runs_as_many_queries_for_50_rows_as_for_5(
    api_list_queries, url, add, model
):
    add(5)
    queries_for_5, rows = api_list_queries(url)
    assert rows == model.objects.count() == 5

    add(45)
    queries_for_50, rows = api_list_queries(url)
    assert rows == model.objects.count() == 50

    assert queries_for_50 == queries_for_5


# --- schema -----------------------------------------------------------------------------


@pytest.mark.django_db
def test_the_schema_describes_the_finance_resources_and_the_bulk_body(api_as, exec_user):
    schema = api_as(exec_user).get("/api/schema/", {"format": "json"}).json()
    paths = schema["paths"]

    assert set(paths[f"{API}/budget-lines/"]) == {"get", "post"}
    assert set(paths[f"{API}/budget-lines/{{id}}/"]) == {"get", "put", "patch"}
    assert set(paths[f"{API}/cost-entries/"]) == {"get", "post"}
    assert set(paths[f"{API}/cost-entries/{{id}}/"]) == {"get"}
    bulk = paths[f"{API}/cost-entries/bulk/"]["post"]
    # Besides the errors every operation documents (pmo.api.schema).
    assert {"200", "201", "400", "403"} <= set(bulk["responses"])
    body = bulk["requestBody"]["content"]["application/json"]["schema"]["$ref"]
    component = schema["components"]["schemas"][body.rsplit("/", 1)[-1]]
    entries = component["properties"]["entries"]
    assert (entries["minItems"], entries["maxItems"]) == (1, 10_000)

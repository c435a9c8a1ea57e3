"""Pages of budget lines and cost entries: who sees and writes what, the forms, the totals,
and what the lists cost."""

import datetime
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from portfolio.models import FinancePolicy
from projects.choices import CostCategory, CostKind, EntrySource, Nature, Phase
from projects.models import BudgetLine, CostEntry
from tests import factories
from tests.conftest import ROLES
from tests.pages import assert_field_error, table_records

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
COST_WRITERS = {**PMO_ONLY, "pm_own": 200, "pm_other": 200, "integration": 200}
COST_WRITERS_OF_THE_PROJECT = {**COST_WRITERS, "pm_other": 403}

EXPECTED = {
    "budgetline_list": READERS,
    "budgetline_create": PMO_ONLY,
    "budgetline_edit": PMO_ONLY,
    "costentry_list": READERS,
    "costentry_detail": READERS,
    "costentry_create": COST_WRITERS,
    "costentry_create_for_project": COST_WRITERS_OF_THE_PROJECT,
}


@pytest.fixture
def records(project):
    return {
        "line": factories.BudgetLineFactory(project=project),
        "entry": factories.CostEntryFactory(project=project),
    }


def page_url(page, project, records):
    if page == "budgetline_edit":
        return reverse("projects:budgetline_edit", args=[records["line"].pk])
    if page == "costentry_detail":
        return reverse("projects:costentry_detail", args=[records["entry"].pk])
    if page == "costentry_create_for_project":
        return f"{reverse('projects:costentry_create')}?project={project.pk}"
    return reverse(f"projects:{page}")


@pytest.mark.django_db
@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("page", list(EXPECTED))
def test_page_answers_each_role_as_the_rules_say(
    client_in_role, project, records, other_pm_user, page, role
):
    factories.ProjectFactory(project_manager=other_pm_user)

    response = client_in_role(role).get(page_url(page, project, records))

    assert response.status_code == EXPECTED[page][role]
    if role == "anonymous":
        assert response["Location"].startswith(f"{reverse('login')}?next=")


@pytest.mark.django_db
@pytest.mark.parametrize("role", ["pm_own", "exec", "integration", "no_role"])
def test_a_budget_line_posted_by_whoever_may_not_write_it_is_refused(client_in_role, project, role):
    response = client_in_role(role).post(
        reverse("projects:budgetline_create"), budget_form(project)
    )

    assert response.status_code == 403
    assert not BudgetLine.objects.exists()


@pytest.mark.django_db
@pytest.mark.parametrize(("role", "status"), [("pm_other", 200), ("exec", 403), ("no_role", 403)])
def test_a_cost_entry_posted_by_whoever_may_not_add_it_to_the_project_is_refused(
    client_in_role, project, other_pm_user, role, status
):
    # Another project manager may add costs, only not to this project: it is not offered.
    factories.ProjectFactory(project_manager=other_pm_user)

    response = client_in_role(role).post(reverse("projects:costentry_create"), entry_form(project))

    assert response.status_code == status
    if status == 200:
        assert "project" in response.context["form"].errors
    assert not CostEntry.objects.exists()


# --- budget lines -----------------------------------------------------------------------


def budget_form(project, **overrides):
    return {
        "project": project.pk,
        "fiscal_year": "2026",
        "nature": Nature.CAPEX,
        "category": CostCategory.SOFTWARE,
        "amount": "25000.00",
        "note": "",
        **overrides,
    }


@pytest.mark.django_db
def test_the_pmo_creates_a_budget_line_and_lands_on_the_project_s_lines(client_in_role, project):
    response = client_in_role("pmo").post(
        reverse("projects:budgetline_create"), budget_form(project)
    )

    line = BudgetLine.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"{reverse('projects:budgetline_list')}?project={project.pk}"
    assert (line.amount, line.fiscal_year) == (Decimal("25000.00"), 2026)


@pytest.mark.django_db
def test_a_budget_line_form_offers_this_fiscal_year(client_in_role):
    FinancePolicy.objects.create(fiscal_year_start_month=4)

    response = client_in_role("pmo").get(reverse("projects:budgetline_create"))

    expected = TODAY.year if TODAY.month >= 4 else TODAY.year - 1
    assert response.context["form"].initial["fiscal_year"] == expected


@pytest.mark.django_db
def test_a_negative_budget_line_is_refused_next_to_its_amount(client_in_role, project):
    response = client_in_role("pmo").post(
        reverse("projects:budgetline_create"), budget_form(project, amount="-5")
    )

    assert response.status_code == 200
    assert_field_error(response, "amount", "Ensure this value is greater than or equal to 0.")
    assert not BudgetLine.objects.exists()


@pytest.mark.django_db
def test_a_second_line_for_the_same_year_nature_and_category_is_refused(client_in_role, project):
    factories.BudgetLineFactory(
        project=project, nature=Nature.CAPEX, category=CostCategory.SOFTWARE
    )

    response = client_in_role("pmo").post(
        reverse("projects:budgetline_create"), budget_form(project)
    )

    assert response.status_code == 200
    assert "already has a budget line for this year" in response.text
    assert BudgetLine.objects.count() == 1


@pytest.mark.django_db
def test_the_pmo_edits_a_budget_line(client_in_role, project):
    line = factories.BudgetLineFactory(project=project)

    response = client_in_role("pmo").post(
        reverse("projects:budgetline_edit", args=[line.pk]),
        budget_form(project, amount="1234.50", note="Revised"),
    )

    assert response.status_code == 302
    line.refresh_from_db()
    assert (line.amount, line.note, line.category) == (
        Decimal("1234.50"),
        "Revised",
        CostCategory.SOFTWARE,
    )


@pytest.mark.django_db
def test_the_budget_line_list_sums_the_lines_the_filters_keep_on_every_page(
    client_in_role, project
):
    for year, amount in ((2025, "1000.50"), (2026, "2000.25"), (2026, "0.25")):
        factories.BudgetLineFactory(
            project=project,
            fiscal_year=year,
            amount=Decimal(amount),
            category=CostCategory.SOFTWARE if amount != "0.25" else CostCategory.OTHER,
        )
    other = factories.BudgetLineFactory(amount=Decimal("7"))

    all_lines = client_in_role("exec").get(reverse("projects:budgetline_list"))
    year_2026 = client_in_role("exec").get(
        reverse("projects:budgetline_list"), {"fiscal_year": 2026, "project": project.pk}
    )

    assert all_lines.context["table"].total == Decimal("3008.00")
    assert "3,008.00" in all_lines.text
    assert year_2026.context["table"].total == Decimal("2000.50")
    assert "<tfoot" in year_2026.text
    assert other not in table_records(year_2026)


@pytest.mark.django_db
def test_the_budget_line_list_offers_edit_links_to_the_pmo_only(client_in_role, project):
    line = factories.BudgetLineFactory(project=project)
    edit_url = reverse("projects:budgetline_edit", args=[line.pk])

    assert edit_url in client_in_role("pmo").get(reverse("projects:budgetline_list")).text
    assert edit_url not in client_in_role("exec").get(reverse("projects:budgetline_list")).text


@pytest.mark.django_db
def test_the_budget_line_list_names_fiscal_years_as_the_policy_does(client_in_role, project):
    FinancePolicy.objects.create(fiscal_year_start_month=4)
    factories.BudgetLineFactory(project=project, fiscal_year=2026)

    response = client_in_role("exec").get(reverse("projects:budgetline_list"))

    assert "2026/27" in response.text


# --- cost entries -----------------------------------------------------------------------


def entry_form(project, **overrides):
    return {
        "project": project.pk,
        "date": (TODAY - DAY).isoformat(),
        "kind": CostKind.ACTUAL,
        "nature": Nature.OPEX,
        "category": CostCategory.EXTERNAL_SERVICES,
        "amount": "1250.50",
        "label": "Audit",
        "supplier": "Cabinet",
        "external_reference": "",
        **overrides,
    }


@pytest.mark.django_db
def test_a_project_manager_records_a_cost_entry_on_their_project(client_in_role, project, pm_user):
    response = client_in_role("pm_own").post(
        reverse("projects:costentry_create"), entry_form(project)
    )

    entry = CostEntry.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("projects:costentry_detail", args=[entry.pk])
    assert (entry.recorded_by, entry.source, entry.amount) == (
        pm_user,
        EntrySource.MANUAL,
        Decimal("1250.50"),
    )


@pytest.mark.django_db
def test_a_project_manager_chooses_only_among_the_live_projects_they_manage(
    client_in_role, project, pm_user
):
    closed = factories.ProjectFactory(project_manager=pm_user, phase=Phase.CLOSED)
    someone_else_s = factories.ProjectFactory()

    response = client_in_role("pm_own").get(reverse("projects:costentry_create"))

    choices = list(response.context["form"].fields["project"].queryset)
    assert choices == [project]
    refused = client_in_role("pm_own").post(
        reverse("projects:costentry_create"), entry_form(someone_else_s)
    )
    assert refused.status_code == 200
    assert "project" in refused.context["form"].errors
    assert closed not in choices
    assert not CostEntry.objects.exists()


@pytest.mark.django_db
def test_the_pmo_chooses_among_every_project(client_in_role, project):
    closed = factories.ProjectFactory(phase=Phase.CLOSED)

    response = client_in_role("pmo").get(reverse("projects:costentry_create"))

    assert set(response.context["form"].fields["project"].queryset) == {project, closed}


@pytest.mark.django_db
def test_a_cost_entry_opened_from_a_project_has_that_project_chosen(client_in_role, project):
    response = client_in_role("pm_own").get(
        reverse("projects:costentry_create"), {"project": project.pk}
    )

    assert response.context["form"].initial["project"] == str(project.pk)
    assert response.context["form"].initial["date"] == TODAY


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"amount": "0"}, "amount", "An entry of zero records nothing."),
        (
            {"date": (TODAY + DAY).isoformat()},
            "date",
            "Money cannot have been spent in the future.",
        ),
        ({"amount": "1.234"}, "amount", "Ensure that there are no more than 2 decimal places."),
        ({"amount": "abc"}, "amount", "Enter a number."),
        ({"nature": ""}, "nature", "This field is required."),
    ],
)
def test_a_bad_cost_entry_is_refused_next_to_its_field(
    client_in_role, project, overrides, field, message
):
    response = client_in_role("pm_own").post(
        reverse("projects:costentry_create"), entry_form(project, **overrides)
    )

    assert response.status_code == 200
    assert_field_error(response, field, message)
    assert not CostEntry.objects.exists()


@pytest.mark.django_db
def test_a_reference_already_recorded_is_refused_next_to_the_reference(client_in_role, project):
    factories.CostEntryFactory(project=project, external_reference="INV-9")

    response = client_in_role("pmo").post(
        reverse("projects:costentry_create"), entry_form(project, external_reference="INV-9")
    )

    assert response.status_code == 200
    assert_field_error(
        response, "external_reference", "An entry with this reference is already recorded."
    )
    assert CostEntry.objects.count() == 1


@pytest.mark.django_db
def test_the_cost_entry_list_totals_commitments_and_actuals_of_the_filtered_entries(
    client_in_role, project
):
    factories.CostEntryFactory(project=project, amount=Decimal("1000.10"))
    factories.CostEntryFactory(project=project, amount=Decimal("-0.10"))
    factories.CostEntryFactory(project=project, kind=CostKind.COMMITMENT, amount=Decimal("50"))
    factories.CostEntryFactory(amount=Decimal("999"))

    response = client_in_role("exec").get(
        reverse("projects:costentry_list"), {"project": project.pk}
    )

    totals = {t["kind"]: (t["count"], t["total"]) for t in response.context["totals"]}
    assert totals == {
        CostKind.COMMITMENT: (1, Decimal("50.00")),
        CostKind.ACTUAL: (2, Decimal("1000.00")),
    }
    assert "1,000.00" in response.text


@pytest.mark.django_db
def test_the_cost_entry_list_filters_by_fiscal_year_as_the_policy_sets_it(client_in_role, project):
    FinancePolicy.objects.create(fiscal_year_start_month=4)
    march = factories.CostEntryFactory(project=project, date=datetime.date(2026, 3, 31))
    april = factories.CostEntryFactory(project=project, date=datetime.date(2026, 4, 1))

    response = client_in_role("exec").get(reverse("projects:costentry_list"), {"fiscal_year": 2026})

    assert table_records(response) == [april]
    assert march not in table_records(response)


@pytest.mark.django_db
def test_the_cost_entry_list_searches_labels_suppliers_and_references(client_in_role, project):
    by_label = factories.CostEntryFactory(project=project, label="Cloud hosting")
    by_supplier = factories.CostEntryFactory(project=project, supplier="Cloudy Ltd")
    by_reference = factories.CostEntryFactory(project=project, external_reference="CLOUD-1")
    factories.CostEntryFactory(project=project, label="Licences")

    response = client_in_role("exec").get(reverse("projects:costentry_list"), {"q": "cloud"})

    assert set(table_records(response)) == {by_label, by_supplier, by_reference}


@pytest.mark.django_db
def test_the_cost_entry_list_shows_only_the_results_to_htmx(client_in_role, project):
    factories.CostEntryFactory(project=project)

    response = client_in_role("exec").get(
        reverse("projects:costentry_list"), HTTP_HX_REQUEST="true"
    )

    assert "<form" not in response.text
    assert "cost-totals" in response.text


@pytest.mark.django_db
def test_the_import_tab_shows_to_those_who_may_import(client_in_role):
    import_url = reverse("projects:cost_import")

    assert import_url in client_in_role("pmo").get(reverse("projects:costentry_list")).text
    assert import_url not in client_in_role("pm_own").get(reverse("projects:costentry_list")).text


@pytest.mark.django_db
def test_a_cost_entry_page_offers_a_correction_to_whoever_may_add_one(
    client_in_role, project, records
):
    entry = records["entry"]
    url = reverse("projects:costentry_detail", args=[entry.pk])

    own = client_in_role("pm_own").get(url)
    executive = client_in_role("exec").get(url)

    assert "amount=-1000.00" in own.context["correction_url"]
    assert "correction_url" not in executive.context
    assert "Edit" not in executive.text


# --- cost of the lists ------------------------------------------------------------------


def count_queries(client, url) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries)


def add_lines(count):
    for _ in range(count):
        factories.BudgetLineFactory(project=factories.ProjectFactory())


def add_entries(count):
    project = factories.ProjectFactory()
    factories.CostEntryFactory.create_batch(count, project=project)


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("url_name", "add", "query"),
    [
        ("projects:budgetline_list", add_lines, ""),
        ("projects:budgetline_list", add_lines, "?fiscal_year=2026&nature=capex"),
        ("projects:costentry_list", add_entries, ""),
        ("projects:costentry_list", add_entries, "?fiscal_year=2026&kind=actual&q=invoice"),
    ],
)
def test_a_finance_list_costs_the_same_queries_for_5_rows_as_for_50(
    client_in_role, url_name, add, query
):
    client = client_in_role("pmo")
    url = reverse(url_name) + query
    add(5)
    count_queries(client, url)  # warm-up: per-process caches

    with_5 = count_queries(client, url)
    add(45)
    with_50 = count_queries(client, url)

    assert with_50 == with_5


# --- French -----------------------------------------------------------------------------


@pytest.mark.django_db
def test_the_cost_entry_list_renders_in_french_with_french_numbers(client_in_role, project):
    factories.CostEntryFactory(project=project, amount=Decimal("1234.56"))
    client = client_in_role("exec")
    client.post(reverse("set_language"), {"language": "fr"})

    response = client.get(reverse("projects:costentry_list"))

    assert response.status_code == 200
    assert '<html lang="fr">' in response.text
    assert "1\xa0234,56" in response.text

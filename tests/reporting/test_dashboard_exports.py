"""Exports of the PMO dashboard: CSV for French Excel and XLSX with numeric cells, the
filters and order of the page, translated headers, permissions and query counts."""

import csv
import io
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from openpyxl import load_workbook

from projects.choices import Phase, Rating
from tests import factories
from tests.conftest import ROLES
from tests.reporting.test_dashboard import last_week, load_projects, submitted

CSV_URL = "/dashboard/export.csv"
XLSX_URL = "/dashboard/export.xlsx"


def test_the_exports_are_named():
    assert reverse("reporting:dashboard_export", kwargs={"format": "csv"}) == CSV_URL
    assert reverse("reporting:dashboard_export", kwargs={"format": "xlsx"}) == XLSX_URL


def read_csv(response) -> list[list[str]]:
    content = response.content
    assert content.startswith("\ufeff".encode())
    return list(csv.reader(io.StringIO(content.decode("utf-8-sig")), delimiter=";"))


def read_xlsx(response) -> list[tuple]:
    sheet = load_workbook(io.BytesIO(response.content)).active
    return list(sheet.iter_rows(values_only=True))


@pytest.fixture
def overrun(project):
    """``project`` declaring green on Cost while its EAC is 560,000 for a 500,000 budget."""
    factories.CostEntryFactory(project=project, amount=Decimal("100000.00"))
    submitted(project, last_week(project), estimate_to_complete=Decimal("460000.50"))
    return project


@pytest.mark.django_db
@pytest.mark.parametrize("url", [CSV_URL, XLSX_URL])
@pytest.mark.parametrize("role", ROLES)
def test_every_role_exports_and_nobody_else(client_in_role, project, role, url):
    response = client_in_role(role).get(url)

    if role == "anonymous":
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("login"))
    elif role == "no_role":
        assert response.status_code == 403
    else:
        assert response.status_code == 200
        assert "attachment" in response["Content-Disposition"]


@pytest.mark.django_db
def test_an_unknown_format_is_not_found(client_in_role, project):
    assert client_in_role("pmo").get("/dashboard/export.pdf").status_code == 404


@pytest.mark.django_db
def test_the_csv_has_semicolons_a_bom_words_and_numbers_with_a_decimal_point(
    client_in_role, overrun
):
    response = client_in_role("pmo").get(CSV_URL)

    assert response["Content-Type"].startswith("text/csv")
    header, row = read_csv(response)
    values = dict(zip(header, row, strict=True))
    assert values["Code"] == overrun.code
    assert values["Cost declared"] == "Green"
    assert values["Cost computed"] == "Red"
    assert "Quality computed" not in values  # only the people on the project judge it
    assert values["Budget"] == "500000.00"
    assert values["Estimate at completion"] == "560000.50"
    assert values["EAC / budget (%)"] == "112.0"
    assert values["Needs attention"] == "yes"


@pytest.mark.django_db
def test_the_export_speaks_the_language_of_the_user(client, pmo_user, overrun):
    client.force_login(pmo_user)
    client.post(reverse("set_language"), {"language": "fr"})

    header, row = read_xlsx(client.get(XLSX_URL))

    assert header[1] == "Nom"
    assert "Vert" in row


@pytest.mark.django_db
def test_the_xlsx_keeps_money_as_numbers(client_in_role, overrun):
    header, row = read_xlsx(client_in_role("pmo").get(XLSX_URL))

    values = dict(zip(header, row, strict=True))
    assert values["Budget"] == 500000
    assert values["Estimate at completion"] == 560000.5
    assert values["Cost computed"] == "Red"
    assert values["Slip (days)"] == 0


@pytest.mark.django_db
def test_the_exports_follow_the_filters_and_the_order_of_the_page(client_in_role):
    for code, phase in (("A", Phase.EXECUTION), ("B", Phase.PLANNING), ("C", Phase.EXECUTION)):
        factories.ProjectFactory(code=code, phase=phase)
    factories.ProjectFactory(code="D", phase=Phase.CLOSED)
    client = client_in_role("pmo")

    rows = read_csv(client.get(CSV_URL, {"phase": "execution", "sort": "-code"}))[1:]
    assert [row[0] for row in rows] == ["C", "A"]
    rows = read_xlsx(client.get(XLSX_URL, {"sort": "-code"}))[1:]
    assert [row[0] for row in rows] == ["C", "B", "A"]


@pytest.mark.django_db
def test_a_red_declared_axis_is_exported_as_a_word(client_in_role, project):
    submitted(
        project,
        last_week(project),
        delay_rating=Rating.RED,
        delay_comment="Late",
        recovery_plan="Add people",
    )

    header, row = read_csv(client_in_role("exec").get(CSV_URL))

    assert dict(zip(header, row, strict=True))["Delay declared"] == "Red"


@pytest.mark.django_db
@pytest.mark.parametrize("url", [CSV_URL, XLSX_URL])
def test_the_exports_cost_the_same_queries_for_5_and_50_projects(client_in_role, url):
    client = client_in_role("pmo")

    def count(n):
        load_projects(n)
        with CaptureQueriesContext(connection) as context:
            response = client.get(url)
        assert response.status_code == 200
        return len(context.captured_queries)

    assert count(5) == count(45) <= 12

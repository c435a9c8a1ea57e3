"""Importing actuals from a CSV or XLSX file: reading the file, checking its rows by their line,
and the three pages (upload, preview, confirm) that write nothing until confirmed."""

import datetime
import io
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import Workbook, load_workbook

from projects import imports
from projects.choices import CostCategory, CostKind, EntrySource, Nature
from projects.models import CostEntry
from projects.services import finance as services
from tests import factories
from tests.conftest import ROLES

D = datetime.date
UPLOAD = "projects:cost_import"

ENGLISH_HEADER = "project,date,kind,nature,category,amount,label,supplier,external_reference"


def excel_day(year, month, day) -> datetime.datetime:
    """A date cell as openpyxl reads it back: a date-time at midnight, without a zone."""
    return datetime.datetime.combine(D(year, month, day), datetime.time())


def csv_file(text: str, name="costs.csv", encoding="utf-8") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, text.encode(encoding), content_type="text/csv")


def xlsx_file(rows: list[list], name="costs.xlsx") -> SimpleUploadedFile:
    workbook = Workbook()
    sheet = workbook.active
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return SimpleUploadedFile(name, buffer.getvalue())


def read(uploaded) -> list[dict]:
    return imports.read_cost_file(uploaded)


def file_error(uploaded) -> str:
    with pytest.raises(imports.CostFileError) as error:
        read(uploaded)
    return error.value.messages[0]


@pytest.fixture(autouse=True)
def _media_in_tmp(settings, tmp_path):
    """Uploads kept for a preview go to a folder of the test's own."""
    settings.MEDIA_ROOT = tmp_path


@pytest.fixture
def erp(db):
    return factories.ProjectFactory(code="ERP-1")


# --- reading a file ---------------------------------------------------------------------


def test_a_csv_with_semicolons_reads_decimal_commas_and_day_first_dates():
    text = (
        "project;date;kind;nature;category;amount;label\n"
        "ERP-1;15/03/2026;actual;capex;software;1 234,56;Licences\n"
        "ERP-1;2026-03-31;commitment;opex;other;-12,5;Credit\n"
    )

    rows = read(csv_file(text))

    assert rows == [
        {
            "row_number": 2,
            "project_code": "ERP-1",
            "date": D(2026, 3, 15),
            "kind": "actual",
            "nature": "capex",
            "category": "software",
            "amount": Decimal("1234.56"),
            "label": "Licences",
        },
        {
            "row_number": 3,
            "project_code": "ERP-1",
            "date": D(2026, 3, 31),
            "kind": "commitment",
            "nature": "opex",
            "category": "other",
            "amount": Decimal("-12.5"),
            "label": "Credit",
        },
    ]


def test_a_csv_with_a_bom_and_commas_reads_its_first_header():
    text = (
        f"\ufeff{ENGLISH_HEADER}\nERP-1,2026-03-15,actual,capex,software,1234.56,Lic,ACME,INV-1\n"
    )

    rows = read(csv_file(text))

    assert rows[0]["project_code"] == "ERP-1"
    assert rows[0]["amount"] == Decimal("1234.56")
    assert rows[0]["external_reference"] == "INV-1"


@pytest.mark.parametrize(
    ("written", "amount"),
    [
        ("1234.56", Decimal("1234.56")),
        ("1 234,56", Decimal("1234.56")),
        ("1\u202f234,56", Decimal("1234.56")),
        ("1\xa0234,56 €", Decimal("1234.56")),
        ("1,234.56", Decimal("1234.56")),
        ("1.234,56", Decimal("1234.56")),
        ("1.234.567", Decimal("1234567")),
        ("-0,1", Decimal("-0.1")),
        ("12,345", Decimal("12.345")),  # a decimal comma: the check refuses three places
        ("douze", "douze"),
    ],
)
def test_amounts_are_read_with_a_decimal_comma_or_point(written, amount):
    text = f'project;date;nature;category;amount\nERP-1;2026-03-15;capex;other;"{written}"\n'

    assert read(csv_file(text))[0]["amount"] == amount


def test_an_xlsx_file_reads_real_dates_and_excel_floats_as_exact_decimals():
    uploaded = xlsx_file(
        [
            ["Project", "Date", "Kind", "Nature", "Category", "Amount", "Reference"],
            ["ERP-1", excel_day(2026, 3, 15), "actual", "capex", "software", 1234.56, 7],
            ["ERP-1", D(2026, 4, 1), "actual", "opex", "other", 0.1 + 0.2, "GL-2"],
            [None, None, None, None, None, None, None],
            ["ERP-1", "15/05/2026", "actual", "opex", "other", 1000, "GL-3"],
        ]
    )

    rows = read(uploaded)

    assert [r["row_number"] for r in rows] == [2, 3, 5]
    assert [r["date"] for r in rows] == [D(2026, 3, 15), D(2026, 4, 1), D(2026, 5, 15)]
    assert [r["amount"] for r in rows] == [
        Decimal("1234.56"),
        Decimal("0.30"),
        Decimal("1000"),
    ]
    assert all(type(r["amount"]) is Decimal for r in rows)
    assert rows[0]["external_reference"] == 7


def test_french_headers_and_french_words_are_understood():
    text = (
        "Projet;Date;Type;Nature;Catégorie;Montant;Libellé;Fournisseur;Référence\n"
        "ERP-1;15/03/2026;Réel;CAPEX;Prestations externes;100;Audit;Cabinet;F-1\n"
        "ERP-1;15/03/2026;engagement;Fonctionnement;Main-d'œuvre interne;100;;;F-2\n"
        "ERP-1;15/03/2026;Commitment;opex;Internal labour;100;;;F-3\n"
    )

    rows = read(csv_file(text))

    assert [(r["kind"], r["nature"], r["category"]) for r in rows] == [
        (CostKind.ACTUAL, Nature.CAPEX, CostCategory.EXTERNAL_SERVICES),
        (CostKind.COMMITMENT, Nature.OPEX, CostCategory.INTERNAL_LABOUR),
        (CostKind.COMMITMENT, Nature.OPEX, CostCategory.INTERNAL_LABOUR),
    ]
    assert rows[0]["label"] == "Audit"
    assert rows[0]["supplier"] == "Cabinet"
    assert rows[0]["external_reference"] == "F-1"


def test_blank_lines_are_skipped_and_rows_keep_their_line_in_the_file():
    text = (
        "project;date;nature;category;amount\n"
        "\n"
        "ERP-1;2026-03-15;capex;other;1\n"
        ";;;;\n"
        "ERP-1;x;capex;other;2\n"
    )

    rows = read(csv_file(text))

    assert [r["row_number"] for r in rows] == [3, 5]
    assert rows[1]["date"] == "x"


def test_a_column_of_the_sender_s_own_is_left_aside():
    text = "project;date;nature;category;amount;cost centre\nERP-1;2026-03-15;capex;other;1;CC-9\n"

    assert "cost centre" not in read(csv_file(text))[0]


@pytest.mark.parametrize(
    ("uploaded", "message"),
    [
        (csv_file("a,b\n1,2\n", name="costs.txt"), "Send a CSV (.csv) or Excel (.xlsx) file"),
        (csv_file("a,b\n1,2\n", name="costs.xlsx"), "not an Excel (.xlsx) workbook"),
        (xlsx_file([["project"]], name="costs.csv"), "is an Excel workbook"),
        (csv_file("projet;montant\né;1\n", encoding="latin-1"), "not in UTF-8"),
        (csv_file(""), "The file is empty."),
        (csv_file("project;date;amount\nERP-1;2026-03-15;1\n"), "nature, category"),
        (csv_file("project;date;nature;category;amount\n"), "no entry"),
        (csv_file("project;projet;date;nature;category;amount\n"), "Two columns"),
        (SimpleUploadedFile("costs.xlsx", b"PK\x03\x04 broken"), "could not be read"),
    ],
    ids=[
        "txt",
        "csv named xlsx",
        "xlsx named csv",
        "latin-1",
        "empty",
        "missing columns",
        "header only",
        "column twice",
        "broken xlsx",
    ],
)
def test_a_file_that_cannot_be_read_is_refused_whole_with_why(uploaded, message):
    assert message in file_error(uploaded)


def test_a_file_above_5_mb_is_refused():
    text = "project;date;nature;category;amount\n" + "x" * imports.MAX_FILE_SIZE

    assert "larger than 5 MB" in file_error(csv_file(text))


def test_a_file_above_10000_rows_is_refused():
    line = "ERP-1;2026-03-15;capex;other;1\n"
    text = "project;date;nature;category;amount\n" + line * (imports.MAX_ROWS + 1)

    assert "more than 10,000 rows" in file_error(csv_file(text))


def test_an_xlsx_file_above_10000_rows_is_refused():
    rows = [["project", "date", "nature", "category", "amount"]]
    rows += [["ERP-1", D(2026, 3, 15), "capex", "other", 1]] * (imports.MAX_ROWS + 1)

    assert "more than 10,000 rows" in file_error(xlsx_file(rows))


# --- checking the rows ------------------------------------------------------------------


@pytest.mark.django_db
def test_import_errors_are_named_by_the_line_of_the_file(pmo_user, erp):
    text = (
        "project;date;nature;category;amount;reference\n"
        "ERP-1;2026-03-15;capex;other;10;A\n"
        "ERP-1;2026-03-15;capex;other;0;B\n"
        "NOPE;31/02/2026;capital;other;10;C\n"
        "ERP-1;2026-03-15;capex;other;10;A\n"
    )
    rows = read(csv_file(text))

    with pytest.raises(services.BatchValidationError) as error:
        services.cost_entries_import(actor=pmo_user, rows=rows)

    assert error.value.rows == {
        3: {"amount": ["An entry of zero records nothing."]},
        4: {
            "project_code": ["No project has the code NOPE."],
            "date": ["Enter a valid date (YYYY-MM-DD)."],
            "nature": ["“capital” is not one of the choices: capex, opex."],
        },
        5: {"external_reference": ["The same reference is already on row 2 of the file."]},
    }
    assert not CostEntry.objects.exists()


@pytest.mark.django_db
def test_imported_rows_without_reference_are_always_recorded_and_others_once(pmo_user, erp):
    text = (
        "project;date;nature;category;amount;reference\n"
        "ERP-1;2026-03-15;capex;other;10;\n"
        "ERP-1;2026-03-15;capex;other;20;R-1\n"
    )

    first = services.cost_entries_import(actor=pmo_user, rows=read(csv_file(text)))
    second = services.cost_entries_import(actor=pmo_user, rows=read(csv_file(text)))

    assert (first.created, first.unchanged) == (2, 0)
    assert (second.created, second.unchanged) == (1, 1)
    assert CostEntry.objects.filter(source=EntrySource.IMPORT).count() == 3


@pytest.mark.django_db
@pytest.mark.parametrize("role", ["pm_user", "exec_user"])
def test_only_the_pmo_and_integrations_import(request, erp, role):
    rows = read(csv_file("project;date;nature;category;amount\nERP-1;2026-03-15;capex;other;1\n"))

    with pytest.raises(PermissionDenied):
        services.cost_entries_import(actor=request.getfixturevalue(role), rows=rows)


# --- the pages --------------------------------------------------------------------------

GOOD_CSV = (
    "projet;date;type;nature;catégorie;montant;libellé;fournisseur;référence\n"
    "ERP-1;15/03/2026;réel;capex;software;1 234,56;Licences;Soft Co;INV-1\n"
    "ERP-1;16/03/2026;actual;opex;other;100;Cloud;Host Co;INV-2\n"
    "ERP-2;17/03/2026;actual;capex;hardware;-34,56;Return;HW Co;\n"
)
BAD_CSV = (
    "project;date;nature;category;amount\n"
    "ERP-1;2026-03-15;capex;other;10\n"
    "ERP-1;2026-03-15;capex;other;0\n"
)


@pytest.fixture
def projects_of_the_file(db):
    return factories.ProjectFactory(code="ERP-1"), factories.ProjectFactory(code="ERP-2")


def upload(client, uploaded):
    """Upload a file; the answer to follow is the redirect to its preview."""
    return client.post(reverse(UPLOAD), {"file": uploaded})


def stored_files() -> list[str]:
    if not default_storage.exists(imports.IMPORT_FOLDER):
        return []
    return default_storage.listdir(imports.IMPORT_FOLDER)[1]


EXPECTED = {
    "anonymous": 302,
    "no_role": 403,
    "pm_own": 403,
    "pm_other": 403,
    "pmo": 200,
    "exec": 403,
    "integration": 200,
}


@pytest.mark.django_db
@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("page", ["upload", "template_csv", "template_xlsx"])
def test_the_import_pages_answer_each_role_as_the_rules_say(client_in_role, page, role):
    url = {
        "upload": reverse(UPLOAD),
        "template_csv": reverse("projects:cost_import_template", args=["csv"]),
        "template_xlsx": reverse("projects:cost_import_template", args=["xlsx"]),
    }[page]

    response = client_in_role(role).get(url)

    assert response.status_code == EXPECTED[role]


@pytest.mark.django_db
@pytest.mark.parametrize("role", ["no_role", "pm_own", "exec"])
def test_a_user_without_the_import_right_cannot_upload(client_in_role, role):
    response = upload(client_in_role(role), csv_file(BAD_CSV))

    assert response.status_code == 403
    assert stored_files() == []


@pytest.mark.django_db
def test_uploading_a_file_writes_nothing_and_leads_to_its_preview(
    client_in_role, projects_of_the_file
):
    client = client_in_role("pmo")

    response = upload(client, csv_file(GOOD_CSV))

    assert response.status_code == 302
    assert "/finance/import/" in response["Location"]
    assert not CostEntry.objects.exists()
    assert len(stored_files()) == 2  # the file and who uploaded it
    preview = client.get(response["Location"])
    assert preview.status_code == 200
    html = preview.text
    assert "Confirm import" in html
    assert preview.context["row_count"] == 3
    assert preview.context["new_count"] == 3
    assert preview.context["errors"] == []
    totals = {(t["project"], t["nature"]): t["total"] for t in preview.context["totals"]}
    assert totals == {
        ("ERP-1", "CAPEX"): "1,234.56",
        ("ERP-1", "OPEX"): "100.00",
        ("ERP-2", "CAPEX"): "-34.56",
    }
    assert preview.context["grand_total"] == "1,300.00"
    assert not CostEntry.objects.exists()


@pytest.mark.django_db
def test_confirming_records_every_row_and_says_how_many(client_in_role, projects_of_the_file):
    client = client_in_role("pmo")
    preview_url = upload(client, csv_file(GOOD_CSV))["Location"]

    response = client.post(preview_url, {"confirm": ""}, follow=True)

    assert response.redirect_chain[-1][0] == f"{reverse('projects:costentry_list')}?source=import"
    assert "3 entries imported, 0 already present." in response.text
    entries = CostEntry.objects.order_by("date")
    assert [e.amount for e in entries] == [
        Decimal("1234.56"),
        Decimal("100.00"),
        Decimal("-34.56"),
    ]
    assert {e.source for e in entries} == {EntrySource.IMPORT}
    assert entries[0].kind == CostKind.ACTUAL
    assert entries[0].external_reference == "INV-1"
    assert stored_files() == []
    # The list shows them, filtered to imports.
    assert response.context["filter"].form.cleaned_data["source"] == EntrySource.IMPORT


@pytest.mark.django_db
def test_the_same_file_imported_again_adds_only_its_rows_without_reference(
    client_in_role, projects_of_the_file
):
    client = client_in_role("pmo")
    client.post(upload(client, csv_file(GOOD_CSV))["Location"], {"confirm": ""})

    response = client.post(
        upload(client, csv_file(GOOD_CSV))["Location"], {"confirm": ""}, follow=True
    )

    assert "1 entry imported, 2 already present." in response.text
    assert CostEntry.objects.count() == 4


@pytest.mark.django_db
def test_a_file_with_an_invalid_row_shows_each_error_by_line_and_offers_no_confirmation(
    client_in_role, projects_of_the_file
):
    client = client_in_role("pmo")

    preview = client.get(upload(client, csv_file(BAD_CSV))["Location"])

    assert preview.status_code == 200
    assert "Confirm import" not in preview.text
    assert preview.context["errors"] == [
        {"line": 3, "field": "Amount", "message": "An entry of zero records nothing."}
    ]
    assert preview.context["error_rows"] == 1


@pytest.mark.django_db
def test_confirming_a_file_with_an_invalid_row_records_nothing(
    client_in_role, projects_of_the_file
):
    client = client_in_role("pmo")
    preview_url = upload(client, csv_file(BAD_CSV))["Location"]

    response = client.post(preview_url, {"confirm": ""})

    assert response.status_code == 400
    assert "Nothing was recorded" in response.text
    assert not CostEntry.objects.exists()


@pytest.mark.django_db
def test_a_file_of_invalid_rows_shows_them_as_written(client_in_role, projects_of_the_file):
    client = client_in_role("pmo")
    text = "project;date;nature;category;amount\nNOPE;32/01/2026;capex;other;abc\n"

    preview = client.get(upload(client, csv_file(text))["Location"])

    row = preview.context["rows"][0]
    assert row["state"] == "error"
    assert (row["values"]["project"], row["values"]["date"], row["values"]["amount"]) == (
        "NOPE",
        "32/01/2026",
        "abc",
    )


@pytest.mark.django_db
def test_an_xlsx_file_goes_through_preview_and_confirmation(client_in_role, projects_of_the_file):
    client = client_in_role("integration")
    uploaded = xlsx_file(
        [
            ["projet", "date", "nature", "catégorie", "montant", "référence"],
            ["ERP-1", excel_day(2026, 3, 15), "capex", "software", 1234.56, "X-1"],
            ["ERP-2", excel_day(2026, 3, 16), "opex", "other", 0.1, "X-2"],
        ]
    )

    preview_url = upload(client, uploaded)["Location"]
    assert client.get(preview_url).context["new_count"] == 2
    client.post(preview_url, {"confirm": ""})

    assert dict(CostEntry.objects.values_list("external_reference", "amount")) == {
        "X-1": Decimal("1234.56"),
        "X-2": Decimal("0.10"),
    }


@pytest.mark.django_db
def test_the_preview_shows_the_first_200_rows_and_counts_them_all(
    client_in_role, projects_of_the_file
):
    client = client_in_role("pmo")
    text = "project;date;nature;category;amount\n" + "ERP-1;2026-03-15;capex;other;1\n" * 250

    preview = client.get(upload(client, csv_file(text))["Location"])

    assert len(preview.context["rows"]) == 200
    assert preview.context["row_count"] == 250
    assert preview.context["hidden_count"] == 50
    assert preview.context["totals"][0]["total"] == "250.00"


@pytest.mark.django_db
def test_another_user_s_upload_is_not_found(client, pmo_user, projects_of_the_file):
    client.force_login(pmo_user)
    preview_url = upload(client, csv_file(GOOD_CSV))["Location"]
    client.force_login(factories.pmo_manager(username="pmo2"))

    assert client.get(preview_url).status_code == 404
    assert client.post(preview_url, {"confirm": ""}).status_code == 404
    assert not CostEntry.objects.exists()
    assert len(stored_files()) == 2


@pytest.mark.django_db
def test_an_unknown_upload_is_not_found(client_in_role):
    url = reverse("projects:cost_import_preview", args=["00000000-0000-0000-0000-000000000000"])

    assert client_in_role("pmo").get(url).status_code == 404


@pytest.mark.django_db
def test_cancelling_an_import_forgets_the_file(client_in_role, projects_of_the_file):
    client = client_in_role("pmo")
    preview_url = upload(client, csv_file(GOOD_CSV))["Location"]

    response = client.post(preview_url, {"cancel": ""})

    assert response.status_code == 302
    assert stored_files() == []
    assert client.get(preview_url).status_code == 404
    assert not CostEntry.objects.exists()


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("uploaded", "message"),
    [
        (csv_file("a;b\n", name="costs.pdf"), "Send a CSV (.csv) or Excel (.xlsx) file"),
        (
            csv_file("project;date;nature;category;amount\n" + "x" * imports.MAX_FILE_SIZE),
            "The file is larger than 5 MB; split it.",
        ),
        (csv_file("project;amount\nERP-1;1\n"), "lacks the column(s)"),
    ],
    ids=["wrong type", "too big", "missing columns"],
)
def test_a_file_that_cannot_be_read_is_refused_on_the_form(client_in_role, uploaded, message):
    response = upload(client_in_role("pmo"), uploaded)

    assert response.status_code == 200
    errors = response.context["form"].errors["file"]
    assert any(message in error for error in errors), errors
    assert 'class="field has-error' in response.text
    assert stored_files() == []


@pytest.mark.django_db
def test_the_csv_template_reads_back_as_one_example_row(client_in_role):
    response = client_in_role("pmo").get(reverse("projects:cost_import_template", args=["csv"]))

    assert response["Content-Type"].startswith("text/csv")
    assert "attachment" in response["Content-Disposition"]
    rows = read(csv_file(response.content.decode("utf-8")))
    assert len(rows) == 1
    assert rows[0]["amount"] == Decimal("1234.56")
    assert rows[0]["date"] == D(2026, 3, 15)


@pytest.mark.django_db
def test_the_xlsx_template_reads_back_as_one_example_row(client_in_role):
    response = client_in_role("pmo").get(reverse("projects:cost_import_template", args=["xlsx"]))

    workbook = load_workbook(io.BytesIO(response.content))
    assert [c.value for c in workbook.active[1]][:3] == ["project", "date", "kind"]
    rows = read(SimpleUploadedFile("template.xlsx", response.content))
    assert rows[0]["date"] == D(2026, 3, 15)
    assert rows[0]["amount"] == Decimal("1234.56")


@pytest.mark.django_db
def test_an_unknown_template_format_is_not_found(client_in_role):
    response = client_in_role("pmo").get("/finance/import/template.pdf")

    assert response.status_code == 404


@pytest.mark.django_db
def test_the_preview_renders_in_french_with_french_numbers(client_in_role, projects_of_the_file):
    client = client_in_role("pmo")
    client.post(reverse("set_language"), {"language": "fr"})

    response = client.get(upload(client, csv_file(GOOD_CSV))["Location"])

    assert response.status_code == 200
    assert '<html lang="fr">' in response.text
    assert "1\xa0234,56" in response.text
    assert "15/03/2026" in response.text

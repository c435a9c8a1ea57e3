"""Uploaded files are checked for type and size before anything is kept: the file of cost
entries (the import page; the API takes JSON, not files) and the logo of a pack's look. An
SVG logo is only ever drawn in the PDF, never put into a page."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from projects.models import CostEntry
from reporting.choices import Confidentiality, ReportSection
from reporting.models import ReportLook
from tests import factories
from tests.projects.test_cost_import import GOOD_CSV, stored_files
from tests.security.payloads import SCRIPT

pytestmark = pytest.mark.django_db

# The first bytes of a Windows executable, then enough of nothing to look like one.
EXE = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00" + b"\x00" * 256
ELF = b"\x7fELF\x02\x01\x01" + b"\x00" * 256


def import_page(client, uploaded):
    return client.post(reverse("projects:cost_import"), {"file": uploaded})


def file_errors(response) -> list[str]:
    assert response.status_code == 200
    assert 'class="field has-error' in response.text
    return response.context["form"].errors["file"]


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("costs.csv", EXE, "is not a CSV file"),
        ("costs.csv", ELF, "is not a CSV file"),
        ("costs.csv", b"project;date\x00;amount\n", "is not a CSV file"),
        ("costs.xlsx", EXE, "is not an Excel (.xlsx) workbook"),
        ("costs.xlsx", b"PK\x03\x04 not really a workbook", "could not be read"),
        ("costs.exe", b"project;date;nature;category;amount\n", "Send a CSV (.csv)"),
        ("costs", b"project;date;nature;category;amount\n", "Send a CSV (.csv)"),
    ],
    ids=["exe as csv", "elf as csv", "nul in csv", "exe as xlsx", "broken xlsx", "exe", "none"],
)
def test_a_file_that_is_not_a_real_csv_or_xlsx_is_refused_next_to_the_field(
    client_as, pmo_user, name, content, message
):
    response = import_page(client_as(pmo_user), SimpleUploadedFile(name, content))

    errors = file_errors(response)
    assert any(message in error for error in errors), errors
    assert stored_files() == []
    assert not CostEntry.objects.exists()


def test_the_size_limit_comes_from_the_setting(client_as, pmo_user, settings):
    settings.IMPORT_MAX_BYTES = 512 * 1024
    text = "project;date;nature;category;amount\n" + "x" * (600 * 1024)

    response = import_page(client_as(pmo_user), SimpleUploadedFile("costs.csv", text.encode()))

    assert "The file is larger than 0.5 MB; split it." in file_errors(response)
    assert stored_files() == []


def test_a_file_under_the_limit_is_read(client_as, pmo_user, settings):
    factories.ProjectFactory(code="ERP-1")
    factories.ProjectFactory(code="ERP-2")
    settings.IMPORT_MAX_BYTES = len(GOOD_CSV.encode()) + 1

    response = import_page(client_as(pmo_user), SimpleUploadedFile("costs.csv", GOOD_CSV.encode()))

    assert response.status_code == 302, response.context["form"].errors


def test_the_form_says_the_limit_of_the_setting(client_as, pmo_user, settings):
    settings.IMPORT_MAX_BYTES = 10 * 1024 * 1024

    page = client_as(pmo_user).get(reverse("projects:cost_import"))

    assert "at most 10 MB" in page.text


def test_the_setting_defaults_to_5_mb():
    from django.conf import settings as django_settings

    assert django_settings.IMPORT_MAX_BYTES == 5 * 1024 * 1024


# --- logos --------------------------------------------------------------------------------


def look_form(**changes) -> dict:
    data = {
        "title": "Copil",
        "accent_colour": "#aa3300",
        "confidentiality": Confidentiality.INTERNAL,
        "footer": "PMO",
        "sections": [ReportSection.SUMMARY],
    }
    data.update(changes)
    return data


HOSTILE_SVG = (
    b'<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10" onload="alert(2)">'
    + SCRIPT.encode()
    + b'<image href="http://127.0.0.1:9/tracker.png"/><rect width="10" height="10"/></svg>'
)


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("logo.svg", b"<svg>" + b" " * (1024 * 1024) + b"</svg>", "1 MB"),
        ("logo.exe", EXE, "not allowed"),
        ("logo.html", b"<html><script>alert(1)</script></html>", "not allowed"),
        ("logo.gif", b"GIF89a", "not allowed"),
        # The right extension on the wrong content.
        ("logo.png", EXE, "not a PNG image"),
        ("logo.jpg", b"GIF89a", "not a JPG image"),
        ("logo.svg", b"<html><script>alert(1)</script></html>", "not a SVG image"),
    ],
    ids=["too big", "exe", "html", "gif", "exe as png", "gif as jpg", "html as svg"],
)
def test_a_logo_of_a_wrong_type_or_size_is_refused_next_to_the_field(
    client_as, pmo_user, name, content, message
):
    portfolio = factories.PortfolioFactory()

    response = client_as(pmo_user).post(
        reverse("reporting:look_edit", args=[portfolio.pk]),
        look_form(logo=SimpleUploadedFile(name, content)),
    )

    assert response.status_code == 200
    assert message in " ".join(response.context["form"].errors["logo"])
    assert not ReportLook.objects.exists()


def test_an_svg_logo_with_a_script_is_never_inlined_in_a_page(client_as, pmo_user):
    portfolio = factories.PortfolioFactory()
    client = client_as(pmo_user)
    edit_url = reverse("reporting:look_edit", args=[portfolio.pk])
    client.post(edit_url, look_form(logo=SimpleUploadedFile("logo.svg", HOSTILE_SVG)))
    assert ReportLook.objects.get().logo

    for url in (edit_url, reverse("reporting:look_list")):
        html = client.get(url).content.decode()
        assert "onload=" not in html, url
        assert SCRIPT not in html, url
        assert "<svg" not in html or "alert(2)" not in html, url

"""The pack look settings: PMO managers only, one row per portfolio, the form saving through
the service, a logo checked for type and weight, cleared on demand."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from reporting.choices import Confidentiality, ReportSection
from reporting.models import ReportLook
from tests import factories
from tests.conftest import ROLES

LIST_URL = "/settings/packs/"
SVG = (
    b'<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10">'
    b'<rect width="10" height="10"/></svg>'
)


def form_data(**changes) -> dict:
    data = {
        "title": "Comité de pilotage",
        "accent_colour": "#aa3300",
        "confidentiality": Confidentiality.CONFIDENTIAL,
        "footer": "PMO office",
        "sections": [ReportSection.SUMMARY, ReportSection.PROJECT_PAGES],
    }
    data.update(changes)
    return data


def test_the_routes():
    assert reverse("reporting:look_list") == LIST_URL
    assert reverse("reporting:look_edit", args=[4]) == "/settings/packs/4/"


@pytest.mark.django_db
@pytest.mark.parametrize("role", ROLES)
def test_only_pmo_managers_see_the_looks(client_in_role, role):
    portfolio = factories.PortfolioFactory(name="Digital")
    expected = {"anonymous": 302, "pmo": 200}.get(role, 403)

    for url in (LIST_URL, reverse("reporting:look_edit", args=[portfolio.pk])):
        response = client_in_role(role).get(url)
        assert response.status_code == expected, url
        if expected == 200:
            assert "Digital" in response.content.decode()


@pytest.mark.django_db
def test_the_list_has_a_row_per_portfolio_with_its_look(client_as, pmo_user):
    styled = factories.PortfolioFactory(name="Styled")
    plain = factories.PortfolioFactory(name="Plain")
    ReportLook.objects.create(portfolio=styled, accent_colour="#123456", title="Board")

    response = client_as(pmo_user).get(LIST_URL)

    rows = {row["portfolio"].pk: row["look"] for row in response.context["rows"]}
    assert rows[plain.pk] is None
    assert rows[styled.pk].accent_colour == "#123456"
    assert "#123456" in response.content.decode()


@pytest.mark.django_db
def test_a_pmo_manager_sets_a_look_with_a_logo(client_as, pmo_user):
    portfolio = factories.PortfolioFactory()
    url = reverse("reporting:look_edit", args=[portfolio.pk])
    logo = SimpleUploadedFile("logo.svg", SVG, content_type="image/svg+xml")

    response = client_as(pmo_user).post(url, form_data(logo=logo))

    assert response.status_code == 302
    assert response["Location"] == LIST_URL
    look = ReportLook.objects.get(portfolio=portfolio)
    assert (look.title, look.accent_colour, look.confidentiality, look.footer) == (
        "Comité de pilotage",
        "#aa3300",
        Confidentiality.CONFIDENTIAL,
        "PMO office",
    )
    assert look.sections == [ReportSection.SUMMARY, ReportSection.PROJECT_PAGES]
    assert look.logo.name.startswith("report-logos/")
    with look.logo.open("rb") as file:
        assert file.read() == SVG


@pytest.mark.django_db
def test_saving_without_a_new_logo_keeps_it_and_clearing_removes_it(client_as, pmo_user):
    portfolio = factories.PortfolioFactory()
    url = reverse("reporting:look_edit", args=[portfolio.pk])
    client = client_as(pmo_user)
    client.post(url, form_data(logo=SimpleUploadedFile("logo.svg", SVG)))
    kept = ReportLook.objects.get().logo.name

    client.post(url, form_data(title="Other title"))
    look = ReportLook.objects.get()
    assert (look.title, look.logo.name) == ("Other title", kept)

    client.post(url, form_data(**{"logo-clear": "on"}))
    assert not ReportLook.objects.get().logo


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("logo", "message"),
    [
        (SimpleUploadedFile("big.svg", b"<svg>" + b" " * (2 * 1024 * 1024) + b"</svg>"), "1 MB"),
        (SimpleUploadedFile("setup.exe", b"MZ\x90\x00"), "not allowed"),
    ],
)
def test_a_bad_logo_is_refused_next_to_the_field(client_as, pmo_user, logo, message):
    portfolio = factories.PortfolioFactory()

    response = client_as(pmo_user).post(
        reverse("reporting:look_edit", args=[portfolio.pk]), form_data(logo=logo)
    )

    assert response.status_code == 200
    errors = response.context["form"].errors
    assert message in " ".join(errors["logo"])
    assert 'id="id_logo_error"' in response.content.decode()
    assert not ReportLook.objects.exists()


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"accent_colour": "red"}, "accent_colour"),
        ({"sections": ["poster"]}, "sections"),
        ({"confidentiality": "secret"}, "confidentiality"),
    ],
)
def test_bad_values_are_refused_next_to_their_field(client_as, pmo_user, changes, field):
    portfolio = factories.PortfolioFactory()

    response = client_as(pmo_user).post(
        reverse("reporting:look_edit", args=[portfolio.pk]), form_data(**changes)
    )

    assert response.status_code == 200
    assert field in response.context["form"].errors
    assert not ReportLook.objects.exists()


@pytest.mark.django_db
def test_the_form_is_multipart_with_a_colour_picker_and_section_boxes(client_as, pmo_user):
    portfolio = factories.PortfolioFactory()

    page = client_as(pmo_user).get(reverse("reporting:look_edit", args=[portfolio.pk]))

    html = page.content.decode()
    assert 'enctype="multipart/form-data"' in html
    assert 'type="color"' in html
    assert html.count('name="sections"') == len(ReportSection.values)


@pytest.mark.django_db
def test_an_executive_may_not_post_a_look(client_as, exec_user):
    portfolio = factories.PortfolioFactory()

    response = client_as(exec_user).post(
        reverse("reporting:look_edit", args=[portfolio.pk]), form_data()
    )

    assert response.status_code == 403
    assert not ReportLook.objects.exists()


@pytest.mark.django_db
def test_an_unknown_portfolio_is_not_found(client_as, pmo_user):
    assert client_as(pmo_user).get(reverse("reporting:look_edit", args=[999999])).status_code == 404

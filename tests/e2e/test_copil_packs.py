"""An executive asks for a portfolio's Copil pack in a real browser and downloads it: from
the pack's page, then from the latest packs of their dashboard."""

import io

import pytest
from playwright.sync_api import expect
from pypdf import PdfReader

from tests import factories
from tests.e2e.conftest import login

# The live server answers from another thread, on its own connection: the data must be
# committed. serialized_rollback brings back what the migrations wrote (the role groups).
pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def pdf_text(path) -> str:
    with open(path, "rb") as file:
        reader = PdfReader(io.BytesIO(file.read()))
    return "\n".join(page.extract_text() for page in reader.pages)


@pytest.fixture
def portfolio(db):
    portfolio = factories.PortfolioFactory(code="E2E", name="Customer Portfolio")
    project = factories.ProjectFactory(portfolio=portfolio, code="E2E-1", name="Self-care app")
    report = factories.StatusReportFactory(project=project, submitted=True)
    project.last_status = report
    project.save(update_fields=["last_status"])
    return portfolio


def test_an_executive_generates_a_pack_and_downloads_it_twice(page, exec_user, portfolio):
    login(page, exec_user)
    page.goto(f"/portfolios/{portfolio.pk}/")
    panel = page.locator("#copil-packs")
    panel.locator("select[name=language]").select_option("en")
    panel.get_by_role("button", name="Generate now").click()

    # The pack's page: made by the time it shows (the task runs once the request commits),
    # or followed until it is.
    download_button = page.get_by_role("link", name="Download the PDF")
    expect(download_button).to_be_visible()
    with page.expect_download() as download_info:
        download_button.click()
    download = download_info.value
    assert download.suggested_filename.startswith("copil-E2E-")
    text = pdf_text(download.path())
    assert "Customer Portfolio" in text
    assert "Self-care app" in text
    assert "Quality" in text

    # The executive dashboard lists it among the latest packs, one click from the file.
    page.goto("/dashboard/executive/")
    latest = page.locator("#latest-copil-packs")
    expect(latest).to_contain_text("Customer Portfolio")
    with page.expect_download() as again:
        latest.get_by_role("link", name="PDF").first.click()
    assert again.value.suggested_filename == download.suggested_filename

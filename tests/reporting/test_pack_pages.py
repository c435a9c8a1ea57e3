"""The Copil pack pages: the executives' list (who reads it, filters, fixed queries), a pack's
page (its polling block, retry), the download, Generate now, the panels of the portfolio,
programme and project pages, and the executive dashboard's box."""

import datetime

import pytest
from django.core.files.base import ContentFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from reporting.choices import ReportKind, RunState
from reporting.models import ReportRun
from tests import factories
from tests.conftest import ROLES

LIST_URL = "/reporting/packs/"


@pytest.fixture(scope="module")
def pdf_bytes():
    import weasyprint

    return weasyprint.HTML(string="<p>Copil</p>").write_pdf()


def make_run(*, portfolio=None, project=None, programme=None, state=RunState.SUCCEEDED, **kw):
    """A pack row: a portfolio pack unless a programme or a project is given."""
    if project is not None:
        kind, portfolio = ReportKind.PROJECT_FLASH, project.portfolio
    elif programme is not None:
        kind, portfolio = ReportKind.PROGRAMME_PACK, programme.portfolio
    else:
        kind, portfolio = ReportKind.PORTFOLIO_PACK, portfolio or factories.PortfolioFactory()
    values = {
        "kind": kind,
        "portfolio": portfolio,
        "programme": programme,
        "project": project,
        "language": "en",
        "as_of": datetime.date(2026, 11, 16),
        "state": state,
    }
    values.update(kw)
    return ReportRun.objects.create(**values)


def with_pdf(run, content: bytes) -> ReportRun:
    run.pdf.save(run.file_name(), ContentFile(content), save=False)
    run.file_size = len(content)
    run.page_count = 1
    run.save()
    return run


def test_the_routes():
    assert reverse("reporting:pack_list") == LIST_URL
    assert reverse("reporting:pack_detail", args=[3]) == "/reporting/packs/3/"
    assert reverse("reporting:pack_pdf", args=[3]) == "/reporting/packs/3/pdf/"
    assert reverse("reporting:pack_retry", args=[3]) == "/reporting/packs/3/retry/"
    assert reverse("reporting:pack_request") == "/reporting/packs/new/"


# --- the executives' page ----------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize("role", ROLES)
def test_every_role_reads_the_packs_and_nobody_else(client_in_role, role):
    make_run(portfolio=factories.PortfolioFactory(name="Digital"))

    response = client_in_role(role).get(LIST_URL)

    expected = {"anonymous": 302, "no_role": 403}.get(role, 200)
    assert response.status_code == expected
    if role == "anonymous":
        assert response["Location"].startswith("/login/")
    if expected == 200:
        assert "Digital" in response.content.decode()


@pytest.mark.django_db
def test_the_list_is_newest_first_with_a_pdf_link_on_finished_packs(
    client_as, exec_user, pdf_bytes
):
    older = with_pdf(make_run(), pdf_bytes)
    failed = make_run(state=RunState.FAILED, error="Boom: no font")

    response = client_as(exec_user).get(LIST_URL)

    rows = [row.record.pk for row in response.context["table"].page.object_list]
    assert rows == [failed.pk, older.pk]
    page = response.content.decode()
    assert reverse("reporting:pack_pdf", args=[older.pk]) in page
    assert reverse("reporting:pack_pdf", args=[failed.pk]) not in page
    assert 'title="Boom: no font"' in page


@pytest.mark.django_db
def test_the_filters_are_kept_in_the_url(client_as, pmo_user):
    digital = factories.PortfolioFactory(code="DIG", name="Digital")
    mine = make_run(portfolio=digital, language="fr")
    make_run(state=RunState.FAILED)
    client = client_as(pmo_user)

    def listed(query):
        response = client.get(LIST_URL + query)
        assert response.status_code == 200
        return {row.record.pk for row in response.context["table"].page.object_list}

    assert listed(f"?portfolio={digital.pk}") == {mine.pk}
    assert listed("?language=fr&state=succeeded") == {mine.pk}
    assert listed("?q=DIG") == {mine.pk}
    assert listed("?as_of_after=2026-11-17") == set()
    assert listed(f"?kind={ReportKind.PORTFOLIO_PACK}&state=succeeded") == {mine.pk}


@pytest.mark.django_db
def test_a_bad_filter_is_a_message_not_an_error(client_as, pmo_user):
    response = client_as(pmo_user).get(LIST_URL + "?state=sideways&as_of_after=yesterday")

    assert response.status_code == 200
    assert response.context["filter"].errors


@pytest.mark.django_db
def test_the_list_costs_the_same_queries_for_5_or_50_packs(client_as, pmo_user):
    client = client_as(pmo_user)
    schedule_owner = factories.pmo_manager()

    def add(number):
        for index in range(number):
            project = factories.ProjectFactory(programme=factories.ProgrammeFactory())
            if index % 3 == 0:
                make_run(project=project, requested_by=schedule_owner)
            elif index % 3 == 1:
                make_run(programme=project.programme, state=RunState.FAILED, error="x")
            else:
                make_run(portfolio=project.portfolio)

    def count():
        with CaptureQueriesContext(connection) as context:
            response = client.get(LIST_URL + "?per_page=100")
        assert response.status_code == 200
        return len(context.captured_queries)

    add(5)
    five = count()
    add(45)
    assert count() == five


# --- a pack's page -----------------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize("role", ROLES)
def test_a_pack_page_is_for_every_role(client_in_role, role, pdf_bytes):
    run = with_pdf(make_run(), pdf_bytes)

    response = client_in_role(role).get(run.get_absolute_url())

    assert response.status_code == {"anonymous": 302, "no_role": 403}.get(role, 200)


@pytest.mark.django_db
def test_a_running_pack_polls_and_a_finished_one_does_not(client_as, exec_user, pdf_bytes):
    running = make_run(state=RunState.RUNNING)
    finished = with_pdf(make_run(), pdf_bytes)
    client = client_as(exec_user)

    page = client.get(running.get_absolute_url()).content.decode()
    partial = client.get(running.get_absolute_url(), headers={"HX-Request": "true"})
    done = client.get(finished.get_absolute_url(), headers={"HX-Request": "true"})

    assert 'hx-trigger="every 2s"' in page
    assert "<html" not in partial.content.decode()
    assert 'hx-trigger="every 2s"' in partial.content.decode()
    assert 'hx-trigger="every 2s"' not in done.content.decode()
    assert reverse("reporting:pack_pdf", args=[finished.pk]) in done.content.decode()


@pytest.mark.django_db
def test_the_retry_button_is_only_for_who_may_retry_a_failed_pack(client_as, pmo_user, exec_user):
    failed = make_run(state=RunState.FAILED, error="No font")
    retry_url = reverse("reporting:pack_retry", args=[failed.pk])

    assert retry_url in client_as(pmo_user).get(failed.get_absolute_url()).content.decode()
    page = client_as(exec_user).get(failed.get_absolute_url()).content.decode()
    assert retry_url not in page
    assert "No font" in page


@pytest.mark.django_db
def test_retrying_a_failed_pack_queues_it_again(
    client_as, pmo_user, django_capture_on_commit_callbacks
):
    failed = make_run(state=RunState.FAILED, error="No font", attempts=3)

    with django_capture_on_commit_callbacks(execute=False):
        response = client_as(pmo_user).post(reverse("reporting:pack_retry", args=[failed.pk]))

    assert response.status_code == 302
    assert response["Location"] == failed.get_absolute_url()
    failed.refresh_from_db()
    assert failed.state == RunState.QUEUED
    assert failed.error == ""


@pytest.mark.django_db
def test_retrying_a_pack_that_did_not_fail_is_a_conflict(client_as, pmo_user, pdf_bytes):
    run = with_pdf(make_run(), pdf_bytes)

    response = client_as(pmo_user).post(reverse("reporting:pack_retry", args=[run.pk]))

    assert response.status_code == 409
    assert "Only a failed pack can be retried" in response.content.decode()
    run.refresh_from_db()
    assert run.state == RunState.SUCCEEDED


@pytest.mark.django_db
def test_retrying_is_refused_to_who_may_not(client_as, exec_user, no_role_user):
    failed = make_run(state=RunState.FAILED)
    url = reverse("reporting:pack_retry", args=[failed.pk])

    assert client_as(exec_user).post(url).status_code == 403
    assert client_as(no_role_user).post(url).status_code == 403
    failed.refresh_from_db()
    assert failed.state == RunState.FAILED


# --- the download ------------------------------------------------------------------------


@pytest.mark.django_db
def test_the_download_is_the_pdf_named_after_the_pack(client_as, exec_user, pdf_bytes):
    portfolio = factories.PortfolioFactory(code="DIGITAL")
    run = with_pdf(make_run(portfolio=portfolio, as_of=datetime.date(2026, 11, 23)), pdf_bytes)

    response = client_as(exec_user).get(reverse("reporting:pack_pdf", args=[run.pk]))

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    disposition = response["Content-Disposition"]
    assert disposition == 'attachment; filename="copil-DIGITAL-2026-11-23.pdf"'
    assert b"".join(response.streaming_content) == pdf_bytes


@pytest.mark.django_db
def test_the_download_of_an_unfinished_pack_is_not_found(client_as, exec_user):
    queued = make_run(state=RunState.QUEUED)
    failed = make_run(state=RunState.FAILED)
    client = client_as(exec_user)

    assert client.get(reverse("reporting:pack_pdf", args=[queued.pk])).status_code == 404
    assert client.get(reverse("reporting:pack_pdf", args=[failed.pk])).status_code == 404
    assert client.get(reverse("reporting:pack_pdf", args=[999999])).status_code == 404


@pytest.mark.django_db
def test_the_download_is_refused_without_a_role_and_asks_to_log_in(
    client, client_as, no_role_user, pdf_bytes
):
    run = with_pdf(make_run(), pdf_bytes)
    url = reverse("reporting:pack_pdf", args=[run.pk])

    anonymous = client.get(url)
    assert anonymous.status_code == 302
    assert anonymous["Location"].startswith("/login/")
    assert client_as(no_role_user).get(url).status_code == 403


# --- Generate now ------------------------------------------------------------------------


@pytest.mark.django_db
def test_generate_now_queues_a_pack_and_opens_its_page(
    client_as, pmo_user, django_capture_on_commit_callbacks
):
    portfolio = factories.PortfolioFactory()

    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        response = client_as(pmo_user).post(
            reverse("reporting:pack_request"),
            {"kind": ReportKind.PORTFOLIO_PACK, "portfolio": portfolio.pk, "language": "fr"},
        )

    run = ReportRun.objects.get()
    assert response.status_code == 302
    assert response["Location"] == run.get_absolute_url()
    assert (run.kind, run.portfolio, run.language, run.state) == (
        ReportKind.PORTFOLIO_PACK,
        portfolio,
        "fr",
        RunState.QUEUED,
    )
    assert run.requested_by == pmo_user
    assert len(callbacks) == 1


@pytest.mark.django_db
def test_a_project_manager_generates_the_flash_of_their_project_only(
    client_as, pm_user, project, django_capture_on_commit_callbacks
):
    other = factories.ProjectFactory()
    client = client_as(pm_user)
    url = reverse("reporting:pack_request")

    with django_capture_on_commit_callbacks(execute=False):
        mine = client.post(
            url, {"kind": ReportKind.PROJECT_FLASH, "project": project.pk, "language": "en"}
        )
        theirs = client.post(
            url, {"kind": ReportKind.PROJECT_FLASH, "project": other.pk, "language": "en"}
        )
        portfolio = client.post(
            url,
            {
                "kind": ReportKind.PORTFOLIO_PACK,
                "portfolio": project.portfolio_id,
                "language": "en",
            },
        )

    assert mine.status_code == 302
    assert theirs.status_code == 403
    assert portfolio.status_code == 403
    assert list(ReportRun.objects.values_list("project", flat=True)) == [project.pk]


@pytest.mark.django_db
@pytest.mark.parametrize(
    "data",
    [
        {"kind": "poster", "portfolio": "1", "language": "en"},
        {"kind": ReportKind.PORTFOLIO_PACK, "portfolio": "999999", "language": "en"},
        {"kind": ReportKind.PROGRAMME_PACK, "portfolio": "1", "language": "en"},
        {"kind": ReportKind.PROJECT_FLASH, "project": "abc", "language": "en"},
        {"kind": ReportKind.PORTFOLIO_PACK, "portfolio": "1", "language": "de"},
    ],
)
def test_generate_now_with_bad_input_is_a_400_with_a_message(client_as, pmo_user, data):
    factories.PortfolioFactory(pk=1)

    response = client_as(pmo_user).post(reverse("reporting:pack_request"), data)

    assert response.status_code == 400
    assert "form-errors" in response.content.decode()
    assert not ReportRun.objects.exists()


@pytest.mark.django_db
def test_generate_now_needs_a_role_and_a_login(client, client_as, no_role_user):
    portfolio = factories.PortfolioFactory()
    data = {"kind": ReportKind.PORTFOLIO_PACK, "portfolio": portfolio.pk, "language": "en"}
    url = reverse("reporting:pack_request")

    assert client.post(url, data).status_code == 302
    assert client_as(no_role_user).post(url, data).status_code == 403
    assert not ReportRun.objects.exists()


# --- the panels and the executive dashboard ----------------------------------------------


@pytest.mark.django_db
def test_the_project_page_lists_its_flashes_and_offers_generate_now_to_its_manager(
    client_as, pm_user, other_pm_user, project, pdf_bytes
):
    run = with_pdf(make_run(project=project), pdf_bytes)

    own = client_as(pm_user).get(project.get_absolute_url()).content.decode()
    other = client_as(other_pm_user).get(project.get_absolute_url()).content.decode()

    for page in (own, other):
        assert 'id="copil-packs"' in page
        assert reverse("reporting:pack_pdf", args=[run.pk]) in page
    assert reverse("reporting:pack_request") in own
    assert reverse("reporting:pack_request") not in other


@pytest.mark.django_db
def test_the_portfolio_page_offers_its_pack_to_executives(client_as, exec_user, pm_user):
    portfolio = factories.PortfolioFactory()

    page = client_as(exec_user).get(portfolio.get_absolute_url()).content.decode()
    assert 'id="copil-packs"' in page
    assert f'value="{ReportKind.PORTFOLIO_PACK}"' in page
    pm_page = client_as(pm_user).get(portfolio.get_absolute_url()).content.decode()
    assert 'id="copil-packs"' in pm_page
    assert reverse("reporting:pack_request") not in pm_page


@pytest.mark.django_db
def test_the_programme_page_loads_its_panel(client_as, pmo_user, pdf_bytes):
    programme = factories.ProgrammeFactory()
    run = with_pdf(make_run(programme=programme), pdf_bytes)
    client = client_as(pmo_user)

    page = client.get(programme.get_absolute_url()).content.decode()
    panel = client.get(reverse("reporting:pack_panel") + f"?programme={programme.pk}")

    assert f"{reverse('reporting:pack_panel')}?programme={programme.pk}" in page
    assert panel.status_code == 200
    assert reverse("reporting:pack_pdf", args=[run.pk]) in panel.content.decode()
    assert f'value="{ReportKind.PROGRAMME_PACK}"' in panel.content.decode()
    assert client.get(reverse("reporting:pack_panel") + "?programme=999999").status_code == 404
    assert client.get(reverse("reporting:pack_panel")).status_code == 404


@pytest.mark.django_db
def test_the_executive_dashboard_shows_the_latest_five_finished_packs(
    client_as, exec_user, pdf_bytes
):
    runs = [
        with_pdf(make_run(as_of=datetime.date(2026, 11, day)), pdf_bytes) for day in range(1, 8)
    ]
    make_run(state=RunState.FAILED, as_of=datetime.date(2026, 11, 30))

    response = client_as(exec_user).get(reverse("reporting:dashboard_executive"))

    assert [run.pk for run in response.context["copil_packs"]] == [
        run.pk for run in reversed(runs[2:])
    ]
    page = response.content.decode()
    assert reverse("reporting:pack_pdf", args=[runs[-1].pk]) in page
    assert reverse("reporting:pack_pdf", args=[runs[0].pk]) not in page
    assert reverse("reporting:pack_list") in page


@pytest.mark.django_db
def test_the_latest_packs_box_loads_alone(client_as, exec_user, pdf_bytes):
    run = with_pdf(make_run(), pdf_bytes)

    response = client_as(exec_user).get(reverse("reporting:pack_latest"))

    assert response.status_code == 200
    assert reverse("reporting:pack_pdf", args=[run.pk]) in response.content.decode()

"""Project requests (launch notes): the workflow and its 409s, acceptance creating the project
all or nothing, who sees and does what on the pages and the API, bad input, and what the
lists cost."""

from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from pmo.exceptions import WorkflowError
from portfolio.choices import Contribution
from projects.choices import Phase, RequestState
from projects.models import Project, ProjectRequest
from projects.services import intake as services
from tests import factories
from tests.conftest import ROLES
from tests.pages import assert_field_error, table_records

API = "/api/v1/project-requests/"


def make_request(author, *, state=RequestState.DRAFT, portfolio=None, **data) -> ProjectRequest:
    """A request filed by ``author`` through the service, then brought to ``state``."""
    portfolio = portfolio or factories.PortfolioFactory()
    values = {
        "title": "Customer chatbot",
        "portfolio": portfolio,
        "objectives": "Answer customers in under a minute.",
        "scope": "Web and mobile; not the phone line.",
        "capex_estimate": Decimal("120000.00"),
        "opex_estimate": Decimal("30000.00"),
        "fte_estimate": Decimal("2.50"),
        **data,
    }
    request = services.request_create(actor=author, **values)
    if state != RequestState.DRAFT:
        request = services.request_submit(request, actor=author)
    if state in (RequestState.ACCEPTED, RequestState.REJECTED, RequestState.WITHDRAWN):
        if state == RequestState.WITHDRAWN:
            request = services.request_withdraw(request, actor=author)
        else:
            ProjectRequest.objects.filter(pk=request.pk).update(state=state)
            request.refresh_from_db()
    return request


# --- workflow -------------------------------------------------------------------------------


@pytest.mark.django_db
def test_the_author_submits_a_draft(pm_user):
    request = make_request(pm_user)

    request = services.request_submit(request, actor=pm_user)

    assert request.state == RequestState.SUBMITTED
    assert request.submitted_at is not None


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("state", "step"),
    [
        (RequestState.SUBMITTED, "submit"),
        (RequestState.ACCEPTED, "withdraw"),
        (RequestState.REJECTED, "withdraw"),
        (RequestState.DRAFT, "reject"),
        (RequestState.DRAFT, "accept"),
        (RequestState.WITHDRAWN, "accept"),
    ],
)
def test_a_step_the_state_does_not_allow_is_a_workflow_error(pm_user, pmo_user, state, step):
    request = make_request(pm_user, state=state)
    calls = {
        "submit": lambda: services.request_submit(request, actor=pm_user),
        "withdraw": lambda: services.request_withdraw(request, actor=pm_user),
        "reject": lambda: services.request_reject(request, actor=pmo_user, review_note="No."),
        "accept": lambda: services.request_accept(request, actor=pmo_user, code="NEW-1"),
    }

    with pytest.raises(WorkflowError):
        calls[step]()


@pytest.mark.django_db
def test_only_the_author_submits_and_only_the_pmo_reviews(pm_user, other_pm_user, exec_user):
    request = make_request(pm_user)

    with pytest.raises(PermissionDenied):
        services.request_submit(request, actor=other_pm_user)
    services.request_submit(request, actor=pm_user)
    with pytest.raises(PermissionDenied):
        services.request_accept(request, actor=exec_user, code="NEW-1")


@pytest.mark.django_db
def test_the_author_edits_only_a_draft_the_pmo_a_submitted_one_too(pm_user, pmo_user):
    request = make_request(pm_user, state=RequestState.SUBMITTED)

    with pytest.raises(WorkflowError):
        services.request_update(request, actor=pm_user, title="Other")
    services.request_update(request, actor=pmo_user, title="Reworded by the PMO")

    assert ProjectRequest.objects.get().title == "Reworded by the PMO"


@pytest.mark.django_db
def test_a_rejection_needs_a_note(pm_user, pmo_user):
    request = make_request(pm_user, state=RequestState.SUBMITTED)

    with pytest.raises(ValidationError) as error:
        services.request_reject(request, actor=pmo_user, review_note="  ")
    request = services.request_reject(request, actor=pmo_user, review_note="Not this year.")

    assert "review_note" in error.value.message_dict
    assert request.state == RequestState.REJECTED
    assert request.reviewed_by == pmo_user


@pytest.mark.django_db
def test_accepting_creates_the_project_in_the_idea_phase_with_the_requests_data(
    pm_user, pmo_user, exec_user
):
    objectives = factories.StrategicObjectiveFactory.create_batch(2)
    programme = factories.ProgrammeFactory()
    request = make_request(
        pm_user,
        state=RequestState.SUBMITTED,
        portfolio=programme.portfolio,
        programme=programme,
        sponsor=exec_user,
        strategic_objectives=objectives,
    )

    project = services.request_accept(
        request, actor=pmo_user, code="CHAT-1", review_note="Go for framing."
    )

    request.refresh_from_db()
    assert request.state == RequestState.ACCEPTED
    assert request.project == project
    assert request.reviewed_by == pmo_user
    assert request.review_note == "Go for framing."
    assert project.phase == Phase.IDEA
    assert project.code == "CHAT-1"
    assert project.name == "Customer chatbot"
    assert project.portfolio == programme.portfolio
    assert project.programme == programme
    assert project.sponsor == exec_user
    assert project.project_manager == pm_user
    assert (project.budget_capex, project.budget_opex) == (Decimal("120000"), Decimal("30000"))
    assert "Answer customers" in project.description
    assert "phone line" in project.description
    assert {(c.objective, c.contribution) for c in project.contributions.all()} == {
        (objective, Contribution.MEDIUM) for objective in objectives
    }


@pytest.mark.django_db
def test_an_executives_request_gets_the_project_manager_chosen_on_acceptance(
    exec_user, pmo_user, other_pm_user
):
    request = make_request(exec_user, state=RequestState.SUBMITTED)

    project = services.request_accept(
        request, actor=pmo_user, code="EX-1", project_manager=other_pm_user
    )

    assert project.project_manager == other_pm_user


@pytest.mark.django_db
def test_a_taken_code_refuses_the_acceptance_and_saves_nothing(pm_user, pmo_user, project):
    request = make_request(pm_user, state=RequestState.SUBMITTED)

    with pytest.raises(ValidationError) as error:
        services.request_accept(request, actor=pmo_user, code=project.code.lower())

    assert "code" in error.value.message_dict
    request.refresh_from_db()
    assert request.state == RequestState.SUBMITTED
    assert request.project is None
    assert Project.objects.count() == 1


@pytest.mark.django_db
def test_a_programme_of_another_portfolio_is_refused_on_the_programme(pm_user):
    with pytest.raises(ValidationError) as error:
        make_request(pm_user, programme=factories.ProgrammeFactory())

    assert "programme" in error.value.message_dict
    assert not ProjectRequest.objects.exists()


@pytest.mark.django_db
def test_a_negative_estimate_is_refused_on_its_field(pm_user):
    with pytest.raises(ValidationError) as error:
        make_request(pm_user, capex_estimate=Decimal("-1"))

    assert "capex_estimate" in error.value.message_dict


# --- pages ----------------------------------------------------------------------------------

# Requests are filed by ``pm_own``; ``pm_other`` and the integration see none of them.
READ_LIST = {
    "anonymous": 302,
    "no_role": 403,
    "pm_own": 200,
    "pm_other": 200,
    "pmo": 200,
    "exec": 200,
    "integration": 200,
}
READ_ONE = {**READ_LIST, "pm_other": 404, "integration": 404}
CREATE = {**READ_LIST, "integration": 403}
# The edit page refuses (403) whoever may edit no request at all, before looking the request up.
EDIT_DRAFT = {**READ_ONE, "exec": 403, "integration": 403}


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("page", "expected"),
    [
        ("request_list", READ_LIST),
        ("request_create", CREATE),
        ("request_detail", READ_ONE),
        ("request_edit", EDIT_DRAFT),
    ],
)
@pytest.mark.parametrize("role", ROLES)
def test_who_may_open_each_request_page(client_in_role, pm_user, page, expected, role):
    request = make_request(pm_user)
    args = [request.pk] if page in ("request_detail", "request_edit") else []

    response = client_in_role(role).get(reverse(f"projects:{page}", args=args))

    assert response.status_code == expected[role]


@pytest.mark.django_db
def test_the_list_shows_others_only_what_they_filed_or_sponsor(
    client_as, pm_user, other_pm_user, exec_user
):
    own = make_request(pm_user, title="Mine")
    sponsored = make_request(exec_user, title="Sponsored", sponsor=other_pm_user)
    make_request(exec_user, title="Not mine")

    response = client_as(other_pm_user).get(reverse("projects:request_list"))

    assert table_records(response) == [sponsored]
    assert own not in table_records(response)


@pytest.mark.django_db
def test_the_author_files_a_request_from_the_page(client_as, pm_user):
    portfolio = factories.PortfolioFactory()
    objective = factories.StrategicObjectiveFactory()

    response = client_as(pm_user).post(
        reverse("projects:request_create"),
        {
            "title": "Supplier portal",
            "portfolio": portfolio.pk,
            "objectives": "Self-service for suppliers.",
            "scope": "Invoices and orders.",
            "capex_estimate": "50000",
            "opex_estimate": "10000",
            "fte_estimate": "1.5",
            "strategic_objectives": [objective.pk],
        },
    )

    request = ProjectRequest.objects.get()
    assert response.status_code == 302
    assert response.url == reverse("projects:request_detail", args=[request.pk])
    assert request.requested_by == pm_user
    assert list(request.strategic_objectives.all()) == [objective]


@pytest.mark.django_db
def test_the_page_puts_a_programme_of_another_portfolio_on_its_field(client_as, pm_user):
    portfolio = factories.PortfolioFactory()

    response = client_as(pm_user).post(
        reverse("projects:request_create"),
        {
            "title": "X",
            "portfolio": portfolio.pk,
            "programme": factories.ProgrammeFactory().pk,
            "objectives": "o",
            "scope": "s",
            "capex_estimate": "0",
            "opex_estimate": "0",
            "fte_estimate": "0",
        },
    )

    assert response.status_code == 200
    assert_field_error(response, "programme", "This programme belongs to another portfolio.")
    assert not ProjectRequest.objects.exists()


@pytest.mark.django_db
def test_submit_then_accept_from_the_pages(client, pm_user, pmo_user):
    request = make_request(pm_user)
    client.force_login(pm_user)

    client.post(reverse("projects:request_submit", args=[request.pk]))
    client.force_login(pmo_user)
    response = client.post(
        reverse("projects:request_accept", args=[request.pk]), {"code": "PAGE-1"}
    )

    request.refresh_from_db()
    assert response.status_code == 302
    assert request.state == RequestState.ACCEPTED
    assert request.project.code == "PAGE-1"
    page = client.get(reverse("projects:request_detail", args=[request.pk]))
    assert "PAGE-1" in page.content.decode()


@pytest.mark.django_db
def test_a_step_in_the_wrong_state_answers_409_with_a_message(client_as, pm_user):
    request = make_request(pm_user, state=RequestState.SUBMITTED)

    response = client_as(pm_user).post(reverse("projects:request_submit", args=[request.pk]))

    assert response.status_code == 409
    assert "Only a draft request can be submitted." in response.content.decode()


@pytest.mark.django_db
def test_a_duplicate_code_on_acceptance_is_shown_on_the_code(client_as, pm_user, pmo_user, project):
    request = make_request(pm_user, state=RequestState.SUBMITTED)

    response = client_as(pmo_user).post(
        reverse("projects:request_accept", args=[request.pk]), {"code": project.code}
    )

    assert response.status_code == 400
    assert_field_error(response, "code", "Project with this Code already exists.")
    request.refresh_from_db()
    assert request.state == RequestState.SUBMITTED


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("role", "step", "expected"),
    [
        ("no_role", "submit", 403),
        ("pm_other", "submit", 404),
        ("exec", "submit", 403),
        ("exec", "accept", 403),
        ("pm_own", "reject", 403),
    ],
)
def test_who_may_take_a_step_on_the_pages(client_in_role, pm_user, role, step, expected):
    request = make_request(pm_user, state=RequestState.SUBMITTED)

    response = client_in_role(role).post(
        reverse(f"projects:request_{step}", args=[request.pk]), {"code": "X-1", "review_note": "n"}
    )

    assert response.status_code == expected


@pytest.mark.django_db
def test_the_launch_note_panel_links_the_project_to_its_request(client_as, pm_user, pmo_user):
    request = make_request(pm_user, state=RequestState.SUBMITTED)
    project = services.request_accept(request, actor=pmo_user, code="LN-1")

    response = client_as(pm_user).get(project.get_absolute_url())

    assert reverse("projects:request_detail", args=[request.pk]) in response.content.decode()


def count_queries(client, url) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries)


def add_requests(count, author):
    portfolio = factories.PortfolioFactory()
    programme = factories.ProgrammeFactory(portfolio=portfolio)
    objective = factories.StrategicObjectiveFactory()
    for index in range(count):
        make_request(
            author,
            title=f"Request {index}",
            portfolio=portfolio,
            programme=programme,
            strategic_objectives=[objective],
        )


@pytest.mark.django_db
def test_the_requests_list_page_costs_the_same_queries_for_5_rows_as_for_50(
    client_as, pmo_user, pm_user
):
    client = client_as(pmo_user)
    url = reverse("projects:request_list") + "?page_size=50"
    add_requests(5, pm_user)
    count_queries(client, url)

    with_5 = count_queries(client, url)
    add_requests(45, pm_user)
    with_50 = count_queries(client, url)

    assert with_50 == with_5


# --- API ------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_the_requests_endpoint_costs_the_same_queries_for_5_rows_as_for_50(
    api_list_queries, pm_user
):
    add_requests(5, pm_user)
    api_list_queries(API)

    with_5, rows_5 = api_list_queries(API)
    add_requests(45, pm_user)
    with_50, rows_50 = api_list_queries(API + "?page_size=50")

    assert (rows_5, rows_50) == (5, 50)
    assert with_50 == with_5


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("role", "list_status", "rows", "detail_status"),
    [
        ("anonymous", 401, None, 401),
        ("no_role", 403, None, 403),
        ("pm", 200, 1, 200),
        ("other_pm", 200, 0, 404),
        ("pmo", 200, 1, 200),
        ("executive", 200, 1, 200),
        ("integration", 200, 0, 404),
    ],
)
def test_who_reads_requests_through_the_api(
    api_for_role, pm_user, role, list_status, rows, detail_status
):
    request = make_request(pm_user)
    client = api_for_role(role)

    listed = client.get(API)
    detail = client.get(f"{API}{request.pk}/")

    assert listed.status_code == list_status
    if rows is not None:
        assert listed.json()["count"] == rows
    assert detail.status_code == detail_status


@pytest.mark.django_db
def test_the_api_files_submits_and_accepts_a_request(api_as, pm_user, pmo_user):
    portfolio = factories.PortfolioFactory()
    objective = factories.StrategicObjectiveFactory()

    created = api_as(pm_user).post(
        API,
        {
            "title": "API request",
            "portfolio": portfolio.pk,
            "objectives": "o",
            "scope": "s",
            "capex_estimate": "1000.00",
            "strategic_objectives": [objective.pk],
        },
        format="json",
    )
    pk = created.json()["id"]
    submitted = api_as(pm_user).post(f"{API}{pk}/submit/")
    accepted = api_as(pmo_user).post(f"{API}{pk}/accept/", {"code": "API-1"}, format="json")

    assert created.status_code == 201, created.content
    assert created.json()["state"] == "draft"
    assert created.json()["requested_by"] == pm_user.pk
    assert submitted.json()["state"] == "submitted"
    assert accepted.status_code == 200, accepted.content
    assert accepted.json()["project_code"] == "API-1"
    assert Project.objects.get(code="API-1").phase == Phase.IDEA


@pytest.mark.django_db
def test_the_api_answers_409_with_the_reason_for_a_wrong_step(api_as, pm_user):
    request = make_request(pm_user, state=RequestState.SUBMITTED)

    response = api_as(pm_user).post(f"{API}{request.pk}/submit/")

    assert response.status_code == 409
    assert response.json()["detail"] == "Only a draft request can be submitted."


@pytest.mark.django_db
def test_the_api_answers_409_to_an_authors_edit_after_submission(api_as, pm_user):
    request = make_request(pm_user, state=RequestState.SUBMITTED)

    response = api_as(pm_user).patch(f"{API}{request.pk}/", {"title": "x"}, format="json")

    assert response.status_code == 409


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"capex_estimate": "-5"}, "capex_estimate"),
        ({"programme": "other"}, "programme"),
        ({"title": ""}, "title"),
    ],
)
def test_the_api_names_the_field_of_bad_input(api_as, pm_user, data, field):
    portfolio = factories.PortfolioFactory()
    if data.get("programme") == "other":
        data = {"programme": factories.ProgrammeFactory().pk}
    body = {"title": "T", "portfolio": portfolio.pk, "objectives": "o", "scope": "s", **data}

    response = api_as(pm_user).post(API, body, format="json")

    assert response.status_code == 400
    assert field in response.json()
    assert not ProjectRequest.objects.exists()


@pytest.mark.django_db
def test_the_api_refuses_a_duplicate_code_on_acceptance_on_the_code(
    api_as, pm_user, pmo_user, project
):
    request = make_request(pm_user, state=RequestState.SUBMITTED)

    response = api_as(pmo_user).post(
        f"{API}{request.pk}/accept/", {"code": project.code}, format="json"
    )

    assert response.status_code == 400
    assert "code" in response.json()


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("role", "step", "expected"),
    [
        ("no_role", "submit", 403),
        ("other_pm", "withdraw", 404),
        ("executive", "accept", 403),
        ("pm", "reject", 403),
        ("integration", "submit", 403),
    ],
)
def test_who_may_take_a_step_through_the_api(api_for_role, pm_user, role, step, expected):
    request = make_request(pm_user, state=RequestState.SUBMITTED)

    response = api_for_role(role).post(
        f"{API}{request.pk}/{step}/", {"code": "X-1", "review_note": "n"}, format="json"
    )

    assert response.status_code == expected

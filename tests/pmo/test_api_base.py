"""What every endpoint of the API shares: authentication, schema, docs and pagination."""

import re
from html.parser import HTMLParser

import pytest
from django.conf import settings
from django.contrib.staticfiles import finders
from django.core.management import call_command
from django.middleware.csrf import get_token
from django.test import Client, RequestFactory
from drf_spectacular.validation import validate_schema
from rest_framework.test import APIClient

from pmo.api.pagination import PageNumberPagination
from pmo.models import ApiToken
from pmo.tokens import hash_key
from portfolio.models import StrategicObjective
from tests import factories

API = "/api/v1"
RESOURCES = [
    "objectives",
    "portfolios",
    "programmes",
    "resources",
    "resource-capacities",
    "portfolio-envelopes",
    "projects",
    "milestones",
    "status-reports",
    "budget-lines",
    "allocations",
    "risks",
    "issues",
    "actions",
    "decisions",
    "change-requests",
]
# Workflow steps offered as actions on one row.
ACTIONS = [
    f"{API}/{resource}/{{id}}/{step}/"
    for resource, steps in (
        ("resource-capacities", ("clear",)),
        ("status-reports", ("submit", "amend")),
        ("risks", ("escalate", "close", "occurred")),
        ("issues", ("resolve",)),
        ("decisions", ("take", "withdraw")),
        ("change-requests", ("submit", "withdraw", "approve", "reject", "implement")),
    )
    for step in steps
]
# Actions on a whole resource: a batch upsert and a computed read.
ACTIONS += [f"{API}/allocations/bulk/", f"{API}/allocations/capacity/"]
# A computed read of one project, and a read-only list the daily refresh writes (its reads
# are checked role by role in tests/projects/test_finance_api.py).
ACTIONS += [
    f"{API}/projects/{{id}}/finance/",
    f"{API}/overrun-alerts/",
    f"{API}/overrun-alerts/{{id}}/",
]
# Cost entries are never changed (no put nor patch: see tests/projects/test_cost_api.py);
# integrations push batches of them to bulk/.
ACTIONS += [f"{API}/cost-entries/", f"{API}/cost-entries/{{id}}/", f"{API}/cost-entries/bulk/"]
# Alerts are read-only (the hourly refresh writes them); PMO managers acknowledge them (see
# tests/reporting/test_alert_views.py).
ACTIONS += [f"{API}/alerts/", f"{API}/alerts/{{id}}/", f"{API}/alerts/{{id}}/acknowledge/"]
# Copil packs are asked for (202) and read, never edited; their PDF and a retry are actions.
# Schedules are deleted with their beat entry (see tests/reporting/test_api_packs.py).
ACTIONS += [
    f"{API}/reports/",
    f"{API}/reports/{{id}}/",
    f"{API}/reports/{{id}}/pdf/",
    f"{API}/reports/{{id}}/retry/",
    f"{API}/report-schedules/",
    f"{API}/report-schedules/{{id}}/",
]
# Lessons are deleted by the PMO; suggestions are a computed read; feedback is listed and
# upserted (see tests/projects/test_lessons_api.py).
ACTIONS += [
    f"{API}/lessons/",
    f"{API}/lessons/{{id}}/",
    f"{API}/lessons/suggested/",
    f"{API}/lesson-feedback/",
    f"{API}/lesson-feedback/{{id}}/",
]
# Strategic scoring: criteria and scores are read one by one and written as a set (bulk/);
# scenarios are deleted too and recomputed by an action (see tests/projects/test_scoring_api.py).
ACTIONS += [
    f"{API}/scoring-criteria/",
    f"{API}/scoring-criteria/{{id}}/",
    f"{API}/scoring-criteria/bulk/",
    f"{API}/project-scores/",
    f"{API}/project-scores/{{id}}/",
    f"{API}/project-scores/bulk/",
    f"{API}/scenarios/",
    f"{API}/scenarios/{{id}}/",
    f"{API}/scenarios/{{id}}/recompute/",
]
# Intake: requests are filed, edited and moved by actions (see tests/projects/test_intake.py);
# closure reports are written, then frozen by the gate (tests/projects/test_closure.py).
RESOURCES += ["project-requests", "closure-reports"]
ACTIONS += [
    f"{API}/project-requests/{{id}}/{step}/" for step in ("submit", "withdraw", "accept", "reject")
]
# Stage gates: a review is recorded (POST) and never changed; the PMO edits a gate template
# but creates none (see tests/projects/test_gates_api.py).
GATE_PATHS = {
    f"{API}/gate-reviews/": {"get", "post"},
    f"{API}/gate-reviews/{{id}}/": {"get"},
    f"{API}/gate-templates/": {"get"},
    f"{API}/gate-templates/{{id}}/": {"get", "put", "patch"},
}
ACTIONS += list(GATE_PATHS)


# ------------------------------------------------------------------------------
# Authentication
# ------------------------------------------------------------------------------
@pytest.mark.django_db
def test_the_token_endpoint_gives_a_token_that_authenticates_its_user(integration_user):
    # Given an integration's credentials
    client = APIClient()

    # When they are posted to the token endpoint
    response = client.post(
        f"{API}/auth/token/",
        {"username": "erp", "password": factories.TEST_PASSWORD},
    )

    # Then the answer is the user's token, and it opens the API
    assert response.status_code == 200, response.content
    key = response.json()["token"]
    assert ApiToken.objects.get(key_hash=hash_key(key)).user == integration_user
    client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    assert client.get(f"{API}/projects/").status_code == 200


@pytest.mark.django_db
def test_the_token_endpoint_gives_a_new_key_every_time_and_both_work(integration_user):
    # Only a key's hash is kept: an earlier key cannot be given again.
    credentials = {"username": "erp", "password": factories.TEST_PASSWORD}

    first = APIClient().post(f"{API}/auth/token/", credentials).json()["token"]
    second = APIClient().post(f"{API}/auth/token/", credentials).json()["token"]

    assert first != second
    for key in (first, second):
        client = APIClient()
        client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
        assert client.get(f"{API}/projects/").status_code == 200


@pytest.mark.django_db
@pytest.mark.parametrize(
    "credentials",
    [
        {"username": "erp", "password": "wrong"},
        {"username": "nobody-here", "password": factories.TEST_PASSWORD},
        {"username": "erp"},
        {},
    ],
    ids=["wrong password", "unknown user", "no password", "nothing"],
)
def test_the_token_endpoint_refuses_bad_credentials_with_400_and_issues_no_token(
    integration_user, credentials
):
    response = APIClient().post(f"{API}/auth/token/", credentials)

    assert response.status_code == 400
    assert "token" not in response.json()
    assert not ApiToken.objects.exists()


@pytest.mark.django_db
def test_the_token_endpoint_refuses_an_inactive_user(integration_user):
    integration_user.is_active = False
    integration_user.save()

    response = APIClient().post(
        f"{API}/auth/token/", {"username": "erp", "password": factories.TEST_PASSWORD}
    )

    assert response.status_code == 400
    assert not ApiToken.objects.exists()


@pytest.mark.django_db
def test_a_token_stops_working_once_its_user_is_deactivated(api_as, integration_user):
    client = api_as(integration_user)
    integration_user.is_active = False
    integration_user.save()

    response = client.get(f"{API}/projects/")

    assert response.status_code == 401


@pytest.mark.django_db
@pytest.mark.parametrize("resource", RESOURCES)
def test_anonymous_calls_get_401_inviting_token_authentication(resource):
    response = APIClient().get(f"{API}/{resource}/")

    assert response.status_code == 401
    assert response["WWW-Authenticate"] == "Token"


@pytest.mark.django_db
def test_an_unknown_token_gets_401():
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION="Token 0123456789abcdef0123456789abcdef01234567")

    response = client.get(f"{API}/projects/")

    assert response.status_code == 401


@pytest.mark.django_db
@pytest.mark.parametrize("resource", RESOURCES)
def test_a_signed_in_browser_reads_the_api_with_its_session(client_as, exec_user, resource):
    response = client_as(exec_user).get(f"{API}/{resource}/")

    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    assert response.json()["count"] == 0


@pytest.mark.django_db
def test_a_session_write_needs_the_csrf_token_like_any_browser_form(pmo_user):
    # Given a browser signed in as a PMO manager, with a CSRF cookie
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(pmo_user)
    csrf_token = get_token(RequestFactory().get("/"))
    browser.cookies[settings.CSRF_COOKIE_NAME] = csrf_token
    payload = {"code": "OBJ-1", "name": "Grow"}

    # When it posts without the token, then with it
    forged = browser.post(f"{API}/objectives/", payload, content_type="application/json")
    genuine = browser.post(
        f"{API}/objectives/",
        payload,
        content_type="application/json",
        headers={"X-CSRFToken": csrf_token},
    )

    # Then only the request carrying the token is accepted
    assert forged.status_code == 403
    assert "CSRF" in forged.json()["detail"]
    assert genuine.status_code == 201, genuine.content
    assert StrategicObjective.objects.count() == 1


# ------------------------------------------------------------------------------
# Schema and docs
# ------------------------------------------------------------------------------
@pytest.mark.django_db
@pytest.mark.parametrize(
    "request_kwargs",
    [
        {"HTTP_ACCEPT": "application/vnd.oai.openapi+json"},
        {"data": {"format": "json"}},
    ],
    ids=["accept header", "format parameter"],
)
def test_the_schema_is_valid_openapi_3_listing_every_resource(api_as, exec_user, request_kwargs):
    response = api_as(exec_user).get("/api/schema/", **request_kwargs)

    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.oai.openapi+json")
    schema = response.json()
    assert schema["openapi"].startswith("3.")
    validate_schema(schema)
    expected = {f"{API}/auth/token/", *ACTIONS}
    for resource in RESOURCES:
        expected |= {f"{API}/{resource}/", f"{API}/{resource}/{{id}}/"}
    assert set(schema["paths"]) == expected


@pytest.mark.django_db
def test_the_schema_offers_no_delete_and_the_methods_each_resource_serves(api_as, exec_user):
    schema = api_as(exec_user).get("/api/schema/", {"format": "json"}).json()

    for resource in RESOURCES:
        assert set(schema["paths"][f"{API}/{resource}/"]) == {"get", "post"}
        assert set(schema["paths"][f"{API}/{resource}/{{id}}/"]) == {"get", "put", "patch"}


@pytest.mark.django_db
def test_the_schema_offers_gate_reviews_to_record_and_gate_templates_to_edit(api_as, exec_user):
    schema = api_as(exec_user).get("/api/schema/", {"format": "json"}).json()

    assert {path: set(schema["paths"][path]) for path in GATE_PATHS} == GATE_PATHS


def test_the_schema_generates_without_warnings(tmp_path):
    # --fail-on-warn exits when drf-spectacular had to guess a type.
    call_command(
        "spectacular", "--validate", "--fail-on-warn", "--file", str(tmp_path / "schema.yml")
    )

    assert (tmp_path / "schema.yml").read_text().startswith("openapi: 3.")


class AssetCollector(HTMLParser):
    """Collects the URLs of the scripts, stylesheets and icons a page loads."""

    def __init__(self):
        super().__init__()
        self.urls = []

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        if tag == "script" and attributes.get("src"):
            self.urls.append(attributes["src"])
        if tag == "link" and attributes.get("href"):
            self.urls.append(attributes["href"])


@pytest.mark.django_db
def test_the_docs_page_loads_only_local_static_files(client_as, exec_user):
    response = client_as(exec_user).get("/api/docs/")

    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/html")
    html = response.content.decode()
    collector = AssetCollector()
    collector.feed(html)
    assert collector.urls, "the page loads no asset at all"
    static_url = "/" + settings.STATIC_URL.lstrip("/")
    for url in collector.urls:
        assert not re.match(r"^(https?:)?//", url), url
        assert url.startswith(static_url), url
        assert finders.find(url.removeprefix(static_url).split("?")[0]), url
    assert "/api/schema/" in html


# ------------------------------------------------------------------------------
# Pagination
# ------------------------------------------------------------------------------
@pytest.mark.django_db
def test_page_size_is_honoured_and_pages_follow_each_other(api_as, integration_user):
    factories.StrategicObjectiveFactory.create_batch(5)
    client = api_as(integration_user)

    first = client.get(f"{API}/objectives/", {"page_size": 2}).json()
    last = client.get(f"{API}/objectives/", {"page_size": 2, "page": 3}).json()

    assert (first["count"], len(first["results"])) == (5, 2)
    assert first["previous"] is None
    assert "page=2" in first["next"]
    assert "page_size=2" in first["next"]
    assert (len(last["results"]), last["next"]) == (1, None)


def test_the_page_size_cap_is_the_setting():
    assert settings.API_MAX_PAGE_SIZE == 1000
    assert PageNumberPagination.max_page_size == settings.API_MAX_PAGE_SIZE


@pytest.mark.django_db
def test_a_page_size_above_the_cap_gets_the_cap(api_as, integration_user):
    cap = settings.API_MAX_PAGE_SIZE
    StrategicObjective.objects.bulk_create(
        StrategicObjective(code=f"OBJ-{i:04d}", name=f"Objective {i}") for i in range(cap + 1)
    )

    response = api_as(integration_user).get(f"{API}/objectives/", {"page_size": cap * 2})

    body = response.json()
    assert (body["count"], len(body["results"])) == (cap + 1, cap)
    assert body["next"] is not None


@pytest.mark.django_db
@pytest.mark.parametrize("page", ["3", "0", "-1", "abc"])
def test_a_page_that_does_not_exist_gets_404(api_as, integration_user, page):
    factories.StrategicObjectiveFactory.create_batch(3)

    response = api_as(integration_user).get(f"{API}/objectives/", {"page_size": 2, "page": page})

    assert response.status_code == 404
    assert "detail" in response.json()

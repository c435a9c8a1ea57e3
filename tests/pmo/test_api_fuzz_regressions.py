"""What the fuzzed API (tests/fuzz) found, held here without the fuzzer."""

import pytest
from django.test import Client
from drf_spectacular.generators import SchemaGenerator
from rest_framework.test import APIClient

from tests import factories

API = "/api/v1"


@pytest.fixture(scope="module")
def api_schema():
    return SchemaGenerator().get_schema(request=None, public=True)


@pytest.mark.django_db
def test_token_request_without_client_address_is_refused_not_crashed():
    """A server passing no REMOTE_ADDR (a Unix socket) once crashed the login throttle."""
    factories.integration(username="erp")

    response = APIClient().post(
        f"{API}/auth/token/", {"username": "erp", "password": "wrong"}, REMOTE_ADDR=None
    )

    assert response.status_code == 400


@pytest.mark.django_db
@pytest.mark.parametrize("path", ["projects/1.5/", "risks/-2.0e-05/", "reports/a.b/pdf/"])
def test_api_path_no_route_matches_answers_json_404(api_as, pmo_user, path):
    response = api_as(pmo_user).get(f"{API}/{path}")

    assert response.status_code == 404
    assert response["Content-Type"] == "application/json"
    assert response.json() == {"detail": "Not found."}


@pytest.mark.django_db
def test_page_path_no_route_matches_still_answers_the_html_404(pmo_user):
    client = Client()
    client.force_login(pmo_user)

    response = client.get("/projects/1.5/nowhere/")

    assert response.status_code == 404
    assert response["Content-Type"].startswith("text/html")


@pytest.mark.django_db
def test_project_without_sponsor_answers_null_detail_and_schema_allows_it(
    api_as, pmo_user, api_schema
):
    project = factories.ProjectFactory(sponsor=None)

    data = api_as(pmo_user).get(f"{API}/projects/{project.pk}/").json()

    assert data["sponsor_detail"] is None
    assert api_schema["components"]["schemas"]["Project"]["properties"]["sponsor_detail"][
        "nullable"
    ]


def test_every_operation_documents_the_refusals_of_authentication_rules_and_throttles(
    api_schema,
):
    for path, item in api_schema["paths"].items():
        for method, operation in item.items():
            expected = {"429"} if path.endswith("/auth/token/") else {"401", "403", "429"}
            assert expected <= set(operation["responses"]), (method, path)


def test_operations_on_one_record_document_404_and_writes_409(api_schema):
    for path, item in api_schema["paths"].items():
        for method, operation in item.items():
            if "{id}" in path:
                assert "404" in operation["responses"], (method, path)
            if method in ("post", "put", "patch", "delete") and "auth/token" not in path:
                assert "409" in operation["responses"], (method, path)


def test_pdf_download_documents_its_errors_in_each_type_it_may_answer(api_schema):
    responses = api_schema["paths"][f"{API}/reports/{{id}}/pdf/"]["get"]["responses"]

    assert set(responses["404"]["content"]) == {"application/json", "application/pdf"}

"""What the fuzzed API (tests/fuzz) found on the project endpoints, held without the fuzzer."""

import pytest
from drf_spectacular.generators import SchemaGenerator

from tests import factories


@pytest.mark.django_db
def test_request_not_yet_accepted_answers_null_project_code_and_schema_allows_it(api_as, pmo_user):
    portfolio = factories.PortfolioFactory()

    response = api_as(pmo_user).post(
        "/api/v1/project-requests/",
        {"title": "New CRM", "portfolio": portfolio.pk, "objectives": "Sell", "scope": "All"},
    )

    assert response.status_code == 201, response.content
    assert response.json()["project_code"] is None
    schema = SchemaGenerator().get_schema(request=None, public=True)
    assert schema["components"]["schemas"]["LaunchNote"]["properties"]["project_code"]["nullable"]


@pytest.mark.django_db
def test_recompute_of_a_scenario_id_that_is_not_a_number_is_not_found(api_as, pmo_user):
    response = api_as(pmo_user).post("/api/v1/scenarios/null/recompute/")

    assert response.status_code == 404


@pytest.mark.django_db
def test_cost_batch_with_a_nul_in_a_project_code_names_the_field(api_as, pmo_user):
    """PostgreSQL refuses a NUL in a query: the lookup of the codes once crashed on it."""
    entry = {
        "project_code": "PRJ\x00-1",
        "date": "2026-03-15",
        "kind": "actual",
        "nature": "capex",
        "category": "external_services",
        "amount": "100.00",
        "label": "Invoice 1",
        "external_reference": "INV-00001",
    }

    response = api_as(pmo_user).post("/api/v1/cost-entries/bulk/", {"entries": [entry]})

    assert response.status_code == 400, response.content
    assert "project_code" in str(response.json())

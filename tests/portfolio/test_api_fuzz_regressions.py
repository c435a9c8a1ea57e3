"""What the fuzzed API (tests/fuzz) found on the portfolio endpoints, held without the fuzzer."""

import pytest

from tests import factories


@pytest.mark.django_db
def test_capacity_month_of_an_early_year_is_answered_as_an_iso_date(api_as, pmo_user):
    """strftime wrote the year 590 as "590-01-01", which is not a date."""
    resource = factories.ResourceFactory()

    response = api_as(pmo_user).post(
        "/api/v1/resource-capacities/",
        {"resource": resource.pk, "month": "0590-01-01", "fte": "0.77", "reason": "Leave"},
    )

    assert response.status_code == 201, response.content
    assert response.json()["month"] == "0590-01-01"

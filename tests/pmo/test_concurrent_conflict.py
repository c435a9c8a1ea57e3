"""A write that validation accepted but the database refuses (a concurrent duplicate)."""

import pytest
from django.urls import reverse

from projects.models import Project
from tests import factories


@pytest.fixture
def validation_misses_the_duplicate(monkeypatch):
    """Emulate the other request committing between our validation and our insert."""
    monkeypatch.setattr(Project, "validate_unique", lambda self, exclude=None: None)
    monkeypatch.setattr(Project, "validate_constraints", lambda self, exclude=None: None)


@pytest.mark.django_db
@pytest.mark.usefixtures("validation_misses_the_duplicate")
def test_api_answers_409_when_the_database_refuses_a_concurrent_duplicate(api_as, pmo_user):
    existing = factories.ProjectFactory(code="RACE-1")
    payload = {
        "code": "race-1",
        "name": "Twin",
        "portfolio": existing.portfolio_id,
        "phase": "idea",
    }

    response = api_as(pmo_user).post("/api/v1/projects/", payload, format="json")

    assert response.status_code == 409
    assert "same moment" in response.json()["detail"]
    assert Project.objects.count() == 1


@pytest.mark.django_db
@pytest.mark.usefixtures("validation_misses_the_duplicate")
def test_page_shows_the_conflict_on_the_form_when_the_database_refuses_a_duplicate(
    client_as, pmo_user
):
    existing = factories.ProjectFactory(code="RACE-2")
    form = {
        "code": "race-2",
        "name": "Twin",
        "portfolio": existing.portfolio_id,
        "phase": "idea",
        "budget_capex": "0",
        "budget_opex": "0",
    }

    response = client_as(pmo_user).post(reverse("projects:project_create"), form)

    assert response.status_code == 200
    assert "same moment" in response.content.decode()
    assert Project.objects.count() == 1

"""The PMO's computed-health thresholds: the settings page and its service."""

from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from reporting import services
from reporting.models import HealthPolicy
from tests.conftest import ROLES

URL = "/settings/health/"

FORM = {
    "cost_amber_percent": "3",
    "cost_red_percent": "8",
    "delay_amber_days": "10",
    "delay_red_days": "30",
    "overdue_milestones_amber": "1",
    "overdue_milestones_red": "2",
    "risk_amber_score": "8",
    "risk_red_score": "16",
}


@pytest.mark.django_db
@pytest.mark.parametrize("role", ROLES)
def test_only_the_pmo_opens_the_health_thresholds(client_in_role, role, project):
    response = client_in_role(role).get(URL)

    assert response.status_code == {"anonymous": 302, "pmo": 200}.get(role, 403)


@pytest.mark.django_db
def test_the_page_shows_what_is_in_force_and_the_settings_tab(client_as, pmo_user):
    page = client_as(pmo_user).get(URL).content.decode()

    assert "more than 5 %" in page
    assert "Health thresholds" in page
    assert 'name="risk_red_score"' in page


@pytest.mark.django_db
def test_the_pmo_saves_new_thresholds(client_as, pmo_user):
    response = client_as(pmo_user).post(URL, FORM)

    assert response.status_code == 302
    policy = HealthPolicy.get()
    assert policy.cost_red_percent == Decimal("8")
    assert policy.risk_red_score == 16


@pytest.mark.django_db
def test_red_before_amber_is_refused_next_to_the_field(client_as, pmo_user):
    response = client_as(pmo_user).post(URL, {**FORM, "delay_red_days": "5"})

    assert response.status_code == 200
    assert response.context["form"].errors["delay_red_days"] == ["Red cannot start before amber."]
    assert HealthPolicy.get().delay_red_days == 45


@pytest.mark.django_db
def test_a_score_off_the_scale_is_refused(client_as, pmo_user):
    response = client_as(pmo_user).post(URL, {**FORM, "risk_red_score": "30"})

    assert response.status_code == 200
    assert "risk_red_score" in response.context["form"].errors


@pytest.mark.django_db
def test_the_service_refuses_others_and_bad_values(pm_user, pmo_user):
    with pytest.raises(PermissionDenied):
        services.health_policy_update(actor=pm_user, risk_red_score=20)
    with pytest.raises(ValidationError):
        services.health_policy_update(actor=pmo_user, risk_amber_score=20, risk_red_score=18)

    assert HealthPolicy.get().risk_red_score == 15

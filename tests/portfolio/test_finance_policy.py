"""The PMO's finance policy: when the fiscal year starts and the overrun tolerance, set by
its service and on its settings page (PMO managers only)."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from portfolio import services
from portfolio.models import FinancePolicy
from tests.conftest import ROLES
from tests.pages import assert_field_error

URL = "/settings/finance/"
NOT_PMO = ["pm_user", "exec_user", "integration_user", "no_role_user"]


# --- the service --------------------------------------------------------------------------


@pytest.mark.django_db
def test_the_first_save_creates_the_one_policy_row_and_later_ones_change_it(pmo_user):
    services.finance_policy_update(actor=pmo_user, fiscal_year_start_month=4)
    services.finance_policy_update(actor=pmo_user, overrun_tolerance=Decimal("7.5"))

    policy = FinancePolicy.objects.get()
    assert (policy.fiscal_year_start_month, policy.overrun_tolerance) == (4, Decimal("7.50"))
    assert FinancePolicy.get().fiscal_year(datetime.date(2027, 3, 31)) == 2026


@pytest.mark.django_db
@pytest.mark.parametrize("fixture", NOT_PMO)
def test_only_a_pmo_manager_sets_the_finance_policy(request, fixture):
    with pytest.raises(PermissionDenied):
        services.finance_policy_update(
            actor=request.getfixturevalue(fixture), overrun_tolerance=Decimal("50")
        )

    assert not FinancePolicy.objects.exists()


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("overrun_tolerance", Decimal("-1")),
        ("overrun_tolerance", Decimal("100.01")),
        ("fiscal_year_start_month", 13),
        ("fiscal_year_start_month", 0),
    ],
)
def test_a_bad_setting_is_refused_on_its_field_and_nothing_is_saved(pmo_user, field, value):
    services.finance_policy_update(actor=pmo_user, overrun_tolerance=Decimal("5"))

    with pytest.raises(ValidationError) as error:
        services.finance_policy_update(actor=pmo_user, **{field: value})

    assert list(error.value.message_dict) == [field]
    policy = FinancePolicy.objects.get()
    assert (policy.fiscal_year_start_month, policy.overrun_tolerance) == (1, Decimal("5.00"))


@pytest.mark.django_db
def test_the_policy_in_force_before_any_save_is_the_default():
    policy = FinancePolicy.get()

    assert (policy.pk, policy.fiscal_year_start_month, policy.overrun_tolerance) == (
        None,
        1,
        Decimal("5"),
    )
    assert policy.overrun_threshold(Decimal("100000.00")) == Decimal("105000.00")


# --- the page -----------------------------------------------------------------------------

ONLY_PMO = {
    "anonymous": 302,
    "no_role": 403,
    "pm_own": 403,
    "pm_other": 403,
    "pmo": 200,
    "exec": 403,
    "integration": 403,
}


def test_the_page_is_at_settings_finance():
    assert reverse("portfolio:finance_policy") == URL


@pytest.mark.django_db
@pytest.mark.parametrize("role", ROLES)
def test_the_finance_policy_page_is_the_pmos_only(client_in_role, role):
    response = client_in_role(role).get(URL)

    assert response.status_code == ONLY_PMO[role]
    if role == "anonymous":
        assert response["Location"] == f"{reverse('login')}?next={URL}"


@pytest.mark.django_db
@pytest.mark.parametrize("role", ["no_role", "pm_own", "exec", "integration"])
def test_who_is_not_pmo_cannot_post_the_finance_policy(client_in_role, role):
    response = client_in_role(role).post(
        URL, {"fiscal_year_start_month": "4", "overrun_tolerance": "50"}
    )

    assert response.status_code == 403
    assert not FinancePolicy.objects.exists()


@pytest.mark.django_db
def test_the_pmo_saves_the_finance_policy_and_comes_back_to_it(client_in_role):
    response = client_in_role("pmo").post(
        URL, {"fiscal_year_start_month": "4", "overrun_tolerance": "10"}, follow=True
    )

    assert response.redirect_chain == [(URL, 302)]
    policy = FinancePolicy.objects.get()
    assert (policy.fiscal_year_start_month, policy.overrun_tolerance) == (4, Decimal("10.00"))
    assert "Finance policy saved." in response.text
    # The page now says what is in force.
    year = policy.fiscal_year(timezone.localdate())
    assert policy.fiscal_year_label(year) in response.text
    assert "110,000.00" in response.text


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("overrun_tolerance", "101", "Ensure this value is less than or equal to 100."),
        ("overrun_tolerance", "-1", "Ensure this value is greater than or equal to 0."),
        ("overrun_tolerance", "", "This field is required."),
        (
            "fiscal_year_start_month",
            "13",
            "Select a valid choice. 13 is not one of the available choices.",
        ),
    ],
)
def test_a_bad_setting_is_shown_next_to_its_field(client_in_role, field, value, message):
    data = {"fiscal_year_start_month": "1", "overrun_tolerance": "5", field: value}

    response = client_in_role("pmo").post(URL, data)

    assert response.status_code == 200
    assert_field_error(response, field, message)
    assert not FinancePolicy.objects.exists()


@pytest.mark.django_db
def test_the_form_starts_from_the_policy_in_force(client_in_role, pmo_user):
    services.finance_policy_update(
        actor=pmo_user, fiscal_year_start_month=9, overrun_tolerance=Decimal("12.5")
    )

    response = client_in_role("pmo").get(URL)

    form = response.context["form"]
    assert (form.initial["fiscal_year_start_month"], form.initial["overrun_tolerance"]) == (
        9,
        Decimal("12.50"),
    )


@pytest.mark.django_db
def test_the_finance_policy_page_in_french_shows_french_numbers(client_in_role):
    client = client_in_role("pmo")
    client.post(reverse("set_language"), {"language": "fr"})

    response = client.get(URL)

    assert response.status_code == 200
    assert '<html lang="fr">' in response.text
    assert "105\xa0000,00" in response.text

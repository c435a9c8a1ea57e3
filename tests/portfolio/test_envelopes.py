"""Portfolio envelopes per fiscal year: the services, the pages (list with its total row,
form) and the ``portfolio-envelopes`` endpoint."""

from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from portfolio import services
from portfolio.models import FinancePolicy, PortfolioEnvelope
from tests import factories
from tests.conftest import ROLES
from tests.pages import assert_field_error, table_records

API = "/api/v1"
DUPLICATE = "This portfolio already has an envelope for this year."
NOT_PMO = ["pm_user", "exec_user", "integration_user", "no_role_user"]


@pytest.fixture
def portfolio(db):
    return factories.PortfolioFactory(code="DSI", name="IT")


@pytest.fixture
def envelope(portfolio):
    return factories.PortfolioEnvelopeFactory(
        portfolio=portfolio,
        fiscal_year=2026,
        capex=Decimal("2000000.00"),
        opex=Decimal("500000.00"),
    )


def april_fiscal_year():
    FinancePolicy.objects.create(fiscal_year_start_month=4)


# --- services -----------------------------------------------------------------------------


@pytest.mark.django_db
def test_a_pmo_manager_sets_a_portfolios_envelope(pmo_user, portfolio):
    envelope = services.envelope_create(
        actor=pmo_user,
        portfolio=portfolio,
        fiscal_year=2027,
        capex=Decimal("1000000.50"),
        opex=Decimal("250000"),
    )

    envelope.refresh_from_db()
    assert (envelope.capex, envelope.opex, envelope.total) == (
        Decimal("1000000.50"),
        Decimal("250000.00"),
        Decimal("1250000.50"),
    )


@pytest.mark.django_db
@pytest.mark.parametrize("fixture", NOT_PMO)
def test_only_a_pmo_manager_sets_an_envelope(request, fixture, portfolio):
    with pytest.raises(PermissionDenied):
        services.envelope_create(
            actor=request.getfixturevalue(fixture), portfolio=portfolio, fiscal_year=2027
        )

    assert not PortfolioEnvelope.objects.exists()


@pytest.mark.django_db
@pytest.mark.parametrize("fixture", NOT_PMO)
def test_only_a_pmo_manager_changes_an_envelope(request, fixture, envelope):
    with pytest.raises(PermissionDenied):
        services.envelope_update(
            envelope, actor=request.getfixturevalue(fixture), capex=Decimal("1")
        )

    envelope.refresh_from_db()
    assert envelope.capex == Decimal("2000000.00")


@pytest.mark.django_db
def test_a_second_envelope_for_the_same_year_is_refused_on_the_year(pmo_user, envelope):
    with pytest.raises(ValidationError) as error:
        services.envelope_create(actor=pmo_user, portfolio=envelope.portfolio, fiscal_year=2026)

    assert error.value.message_dict == {"fiscal_year": [DUPLICATE]}
    assert PortfolioEnvelope.objects.count() == 1


@pytest.mark.django_db
def test_moving_an_envelope_onto_a_taken_year_is_refused_on_the_year(pmo_user, envelope):
    other = factories.PortfolioEnvelopeFactory(portfolio=envelope.portfolio, fiscal_year=2027)

    with pytest.raises(ValidationError) as error:
        services.envelope_update(other, actor=pmo_user, fiscal_year=2026)

    assert error.value.message_dict == {"fiscal_year": [DUPLICATE]}
    other.refresh_from_db()
    assert other.fiscal_year == 2027


@pytest.mark.django_db
def test_an_envelope_keeps_its_own_year_when_changed(pmo_user, envelope):
    services.envelope_update(envelope, actor=pmo_user, fiscal_year=2026, opex=Decimal("1"))

    envelope.refresh_from_db()
    assert envelope.opex == Decimal("1.00")


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("field", "value"),
    [("capex", Decimal("-1")), ("opex", Decimal("-0.01")), ("fiscal_year", 1999)],
)
def test_a_bad_envelope_value_is_refused_on_its_field(pmo_user, portfolio, field, value):
    data = {"portfolio": portfolio, "fiscal_year": 2026, field: value}

    with pytest.raises(ValidationError) as error:
        services.envelope_create(actor=pmo_user, **data)

    assert list(error.value.message_dict) == [field]
    assert not PortfolioEnvelope.objects.exists()


# --- pages --------------------------------------------------------------------------------

READERS = {
    "anonymous": 302,
    "no_role": 403,
    "pm_own": 200,
    "pm_other": 200,
    "pmo": 200,
    "exec": 200,
    "integration": 200,
}
PMO_ONLY = {**READERS, "pm_own": 403, "pm_other": 403, "exec": 403, "integration": 403}
PAGES = {
    "list": (lambda e: reverse("portfolio:envelope_list"), READERS),
    "create": (lambda e: reverse("portfolio:envelope_create"), PMO_ONLY),
    "edit": (lambda e: reverse("portfolio:envelope_edit", args=[e.pk]), PMO_ONLY),
}
ENVELOPE_FORM = {"fiscal_year": "2027", "capex": "1500000", "opex": "300000.50", "note": ""}


@pytest.mark.django_db
@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("page", list(PAGES))
def test_an_envelope_page_answers_each_role_as_the_rules_say(client_in_role, envelope, page, role):
    url_of, matrix = PAGES[page]
    url = url_of(envelope)

    response = client_in_role(role).get(url)

    assert response.status_code == matrix[role]


@pytest.mark.django_db
@pytest.mark.parametrize("role", ["pm_own", "exec", "integration", "no_role"])
def test_who_may_not_write_envelopes_cannot_post_them(client_in_role, envelope, role):
    client = client_in_role(role)

    created = client.post(
        reverse("portfolio:envelope_create"), {**ENVELOPE_FORM, "portfolio": envelope.portfolio_id}
    )
    edited = client.post(
        reverse("portfolio:envelope_edit", args=[envelope.pk]),
        {**ENVELOPE_FORM, "fiscal_year": "2026", "portfolio": envelope.portfolio_id},
    )

    assert (created.status_code, edited.status_code) == (403, 403)
    envelope.refresh_from_db()
    assert PortfolioEnvelope.objects.count() == 1
    assert envelope.capex == Decimal("2000000.00")


@pytest.mark.django_db
def test_a_valid_envelope_is_created_and_its_portfolios_envelopes_shown(client_in_role, portfolio):
    response = client_in_role("pmo").post(
        reverse("portfolio:envelope_create"), {**ENVELOPE_FORM, "portfolio": portfolio.pk}
    )

    envelope = PortfolioEnvelope.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"{reverse('portfolio:envelope_list')}?portfolio={portfolio.pk}"
    assert (envelope.fiscal_year, envelope.capex, envelope.opex) == (
        2027,
        Decimal("1500000.00"),
        Decimal("300000.50"),
    )


@pytest.mark.django_db
def test_a_valid_envelope_edit_is_saved(client_in_role, envelope):
    url = reverse("portfolio:envelope_edit", args=[envelope.pk])

    response = client_in_role("pmo").post(
        url, {**ENVELOPE_FORM, "fiscal_year": "2026", "portfolio": envelope.portfolio_id}
    )

    assert response.status_code == 302
    envelope.refresh_from_db()
    assert envelope.capex == Decimal("1500000.00")


@pytest.mark.django_db
def test_a_new_envelope_starts_on_the_fiscal_year_under_way(client_in_role, portfolio):
    april_fiscal_year()

    response = client_in_role("pmo").get(reverse("portfolio:envelope_create"))

    today = timezone.localdate()
    under_way = today.year if today.month >= 4 else today.year - 1
    assert response.context["form"].initial["fiscal_year"] == under_way
    assert "Named after the calendar year it starts in" in response.text


@pytest.mark.django_db
def test_the_envelope_form_links_back_to_the_list(client_in_role, envelope):
    response = client_in_role("pmo").get(reverse("portfolio:envelope_edit", args=[envelope.pk]))

    assert response.status_code == 200
    assert response.context["cancel_url"] == (
        f"{reverse('portfolio:envelope_list')}?portfolio={envelope.portfolio_id}"
    )


@pytest.mark.django_db
def test_a_duplicate_envelope_year_is_refused_next_to_the_year(client_in_role, envelope):
    response = client_in_role("pmo").post(
        reverse("portfolio:envelope_create"),
        {**ENVELOPE_FORM, "fiscal_year": "2026", "portfolio": envelope.portfolio_id},
    )

    assert response.status_code == 200
    assert_field_error(response, "fiscal_year", DUPLICATE)
    assert response.text.count(DUPLICATE) == 1
    assert PortfolioEnvelope.objects.count() == 1


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("capex", "-1", "Ensure this value is greater than or equal to 0."),
        ("opex", "lots", "Enter a number."),
        ("fiscal_year", "1999", "Ensure this value is greater than or equal to 2000."),
        ("fiscal_year", "", "This field is required."),
    ],
)
def test_a_bad_envelope_value_is_shown_next_to_its_field(
    client_in_role, portfolio, field, value, message
):
    response = client_in_role("pmo").post(
        reverse("portfolio:envelope_create"),
        {**ENVELOPE_FORM, "portfolio": portfolio.pk, field: value},
    )

    assert response.status_code == 200
    assert_field_error(response, field, message)
    assert not PortfolioEnvelope.objects.exists()


@pytest.mark.django_db
def test_the_list_names_fiscal_years_as_the_policy_does_and_totals_the_filtered_rows(
    client_in_role, envelope
):
    april_fiscal_year()
    factories.PortfolioEnvelopeFactory(
        portfolio=envelope.portfolio, fiscal_year=2027, capex=Decimal("1"), opex=Decimal("2")
    )
    factories.PortfolioEnvelopeFactory(fiscal_year=2026, capex=Decimal("10"), opex=Decimal("0"))

    response = client_in_role("exec").get(
        reverse("portfolio:envelope_list"), {"portfolio": envelope.portfolio_id}
    )

    assert [e.fiscal_year for e in table_records(response)] == [2026, 2027]
    assert "2026/27" in response.text
    assert "2027/28" in response.text
    tfoot = response.text.split("<tfoot", 1)[1].split("</tfoot>", 1)[0]
    assert "Total" in tfoot
    assert "2,000,001.00" in tfoot
    assert "500,002.00" in tfoot
    assert "2,500,003.00" in tfoot


@pytest.mark.django_db
def test_the_list_filters_by_fiscal_year(client_in_role, envelope):
    factories.PortfolioEnvelopeFactory(portfolio=envelope.portfolio, fiscal_year=2027)

    response = client_in_role("exec").get(reverse("portfolio:envelope_list"), {"fiscal_year": 2027})

    assert [e.fiscal_year for e in table_records(response)] == [2027]


@pytest.mark.django_db
@pytest.mark.parametrize(("role", "shown"), [("pmo", True), ("exec", False), ("pm_own", False)])
def test_the_envelope_list_offers_new_and_edit_only_to_the_pmo(
    client_in_role, envelope, role, shown
):
    response = client_in_role(role).get(reverse("portfolio:envelope_list"))

    assert (reverse("portfolio:envelope_create") in response.text) is shown
    assert (reverse("portfolio:envelope_edit", args=[envelope.pk]) in response.text) is shown


@pytest.mark.django_db
def test_the_envelope_list_in_french_groups_its_thousands_the_french_way(client_in_role, envelope):
    client = client_in_role("exec")
    client.post(reverse("set_language"), {"language": "fr"})

    response = client.get(reverse("portfolio:envelope_list"))

    assert '<html lang="fr">' in response.text
    assert "2\xa0000\xa0000,00" in response.text


def count_queries(client, url) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries)


def add_envelopes(count: int) -> None:
    for index in range(count):
        factories.PortfolioEnvelopeFactory(fiscal_year=2000 + index % 50)


@pytest.mark.django_db
def test_the_envelope_list_costs_the_same_queries_for_5_rows_as_for_50(client_in_role):
    client = client_in_role("pmo")
    url = reverse("portfolio:envelope_list") + "?sort=-total"
    add_envelopes(5)
    count_queries(client, url)  # warm-up

    with_5 = count_queries(client, url)
    add_envelopes(45)
    with_50 = count_queries(client, url)

    assert with_50 == with_5


# --- API ----------------------------------------------------------------------------------

READER = {"list": 200, "detail": 200, "create": 403, "update": 403}
EXPECTED_STATUS = {
    "anonymous": {"list": 401, "detail": 401, "create": 401, "update": 401},
    "no_role": {"list": 403, "detail": 403, "create": 403, "update": 403},
    "pm": READER,
    "other_pm": READER,
    "executive": READER,
    "integration": READER,
    "pmo": {"list": 200, "detail": 200, "create": 201, "update": 200},
}


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("role", "action", "expected"),
    [(role, action, status) for role, s in EXPECTED_STATUS.items() for action, status in s.items()],
)
def test_each_role_gets_its_status_on_the_envelope_endpoint(
    api_for_role, envelope, role, action, expected
):
    client = api_for_role(role)
    url = f"{API}/portfolio-envelopes/"

    if action == "list":
        response = client.get(url)
    elif action == "detail":
        response = client.get(f"{url}{envelope.pk}/")
    elif action == "create":
        response = client.post(
            url, {"portfolio": envelope.portfolio_id, "fiscal_year": 2027, "capex": "5"}
        )
    else:
        response = client.patch(f"{url}{envelope.pk}/", {"capex": "5.00"})

    assert response.status_code == expected, response.content
    envelope.refresh_from_db()
    updated = action == "update" and expected == 200
    assert envelope.capex == (Decimal("5.00") if updated else Decimal("2000000.00"))
    assert PortfolioEnvelope.objects.count() == (2 if expected == 201 else 1)


@pytest.mark.django_db
def test_an_envelope_reads_its_money_as_strings_and_its_year_as_the_policy_names_it(
    api_as, exec_user, envelope
):
    april_fiscal_year()

    body = api_as(exec_user).get(f"{API}/portfolio-envelopes/{envelope.pk}/").json()

    assert body["capex"] == "2000000.00"
    assert body["opex"] == "500000.00"
    assert body["total"] == "2500000.00"
    assert (body["fiscal_year"], body["fiscal_year_label"]) == (2026, "2026/27")
    assert body["portfolio_code"] == "DSI"


@pytest.mark.django_db
def test_a_duplicate_envelope_year_gets_400_naming_the_year(api_as, pmo_user, envelope):
    response = api_as(pmo_user).post(
        f"{API}/portfolio-envelopes/",
        {"portfolio": envelope.portfolio_id, "fiscal_year": 2026, "capex": "1"},
    )

    assert response.status_code == 400
    assert response.json() == {"fiscal_year": [DUPLICATE]}
    assert PortfolioEnvelope.objects.count() == 1


@pytest.mark.django_db
@pytest.mark.parametrize(("field", "value"), [("capex", "-1"), ("opex", "x"), ("fiscal_year", 1)])
def test_a_bad_envelope_value_gets_400_naming_the_field(api_as, pmo_user, portfolio, field, value):
    payload = {"portfolio": portfolio.pk, "fiscal_year": 2026, field: value}

    response = api_as(pmo_user).post(f"{API}/portfolio-envelopes/", payload)

    assert response.status_code == 400
    assert list(response.json()) == [field]


@pytest.mark.django_db
def test_envelopes_filter_by_portfolio_and_fiscal_year(api_as, integration_user, envelope):
    factories.PortfolioEnvelopeFactory(portfolio=envelope.portfolio, fiscal_year=2027)
    factories.PortfolioEnvelopeFactory(fiscal_year=2026)
    client, url = api_as(integration_user), f"{API}/portfolio-envelopes/"

    by_portfolio = client.get(url, {"portfolio": envelope.portfolio_id}).json()["results"]
    by_year = client.get(url, {"fiscal_year": 2026}).json()["results"]
    both = client.get(url, {"portfolio": envelope.portfolio_id, "fiscal_year": 2027}).json()

    assert [e["fiscal_year"] for e in by_portfolio] == [2026, 2027]
    assert len(by_year) == 2
    assert [e["fiscal_year"] for e in both["results"]] == [2027]


@pytest.mark.django_db
def test_the_envelope_endpoint_runs_as_many_queries_for_50_rows_as_for_5(api_list_queries):
    url = f"{API}/portfolio-envelopes/?page_size=100"
    add_envelopes(5)
    queries_for_5, rows = api_list_queries(url)
    assert rows == 5

    add_envelopes(45)
    queries_for_50, rows = api_list_queries(url)
    assert rows == 50

    assert queries_for_50 == queries_for_5

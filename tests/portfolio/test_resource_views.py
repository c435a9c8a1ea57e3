"""Pages of the resource pool: who sees and writes what, the resource form, a month's
capacity set and cleared on the resource's page, the list's filters and its cost."""

import datetime
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from pmo import months
from portfolio import panels, selectors
from portfolio.choices import ResourceKind
from portfolio.forms import MonthField
from portfolio.models import Resource, ResourceCapacity
from tests import factories
from tests.conftest import ROLES
from tests.pages import assert_field_error, field_block, table_records

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
# A POST that succeeds redirects to the resource's page.
PMO_ONLY_POST = {**PMO_ONLY, "pmo": 302}
# Monthly capacities are set by the PMO and pushed by integrations.
CAPACITY_POST = {**PMO_ONLY_POST, "integration": 302}
CAPACITY_WRITERS = ("pmo", "integration")

THIS_MONTH = selectors.current_month()
NEXT_MONTH = months.add_months(THIS_MONTH, 1)

RESOURCE_FORM = {
    "name": "Alice Martin",
    "kind": "person",
    "user": "",
    "skill": "Business analyst",
    "team": "Delivery",
    "portfolio": "",
    "capacity_fte": "0.8",
    "daily_rate": "650",
    "is_active": "on",
}


@pytest.fixture(autouse=True)
def _no_panel_of_later_apps(monkeypatch):
    """The resource's page alone: the panels later apps register (its allocations) are
    theirs to test."""
    monkeypatch.setattr(panels.resource_panels, "_panels", {})


@pytest.fixture
def resource(db):
    return factories.ResourceFactory(name="Alice", capacity_fte=Decimal("1.00"))


def capacity_post(**values) -> dict:
    """The capacity form of the resource's page, as posted (prefix "capacity")."""
    data = {"month": NEXT_MONTH.strftime("%Y-%m"), "fte": "0.5", "reason": "Holidays", **values}
    return {f"capacity-{name}": value for name, value in data.items()}


# --- permission matrix ------------------------------------------------------------------


PAGES = {
    "list": (lambda r: reverse("portfolio:resource_list"), READERS),
    "detail": (lambda r: r.get_absolute_url(), READERS),
    "create": (lambda r: reverse("portfolio:resource_create"), PMO_ONLY),
    "edit": (lambda r: reverse("portfolio:resource_edit", args=[r.pk]), PMO_ONLY),
}


@pytest.mark.django_db
@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("page", list(PAGES))
def test_a_resource_page_answers_each_role_as_the_rules_say(client_in_role, resource, page, role):
    url_of, matrix = PAGES[page]
    url = url_of(resource)

    response = client_in_role(role).get(url)

    assert response.status_code == matrix[role]
    if role == "anonymous":
        assert response["Location"] == f"{reverse('login')}?next={url}"


@pytest.mark.django_db
@pytest.mark.parametrize("role", ROLES)
def test_only_the_pmo_and_integrations_set_a_months_capacity(client_in_role, resource, role):
    url = reverse("portfolio:resource_capacity_set", args=[resource.pk])

    response = client_in_role(role).post(url, capacity_post())

    assert response.status_code == CAPACITY_POST[role]
    assert ResourceCapacity.objects.exists() is (role in CAPACITY_WRITERS)


@pytest.mark.django_db
@pytest.mark.parametrize("role", ROLES)
def test_only_the_pmo_and_integrations_clear_a_months_capacity(client_in_role, resource, role):
    factories.ResourceCapacityFactory(resource=resource, month=NEXT_MONTH)
    url = reverse("portfolio:resource_capacity_clear", args=[resource.pk])

    response = client_in_role(role).post(url, {"month": NEXT_MONTH.strftime("%Y-%m")})

    assert response.status_code == CAPACITY_POST[role]
    assert ResourceCapacity.objects.exists() is (role not in CAPACITY_WRITERS)


@pytest.mark.django_db
def test_the_capacity_urls_answer_only_posts(client_in_role, resource):
    client = client_in_role("pmo")

    for name in ("resource_capacity_set", "resource_capacity_clear"):
        assert client.get(reverse(f"portfolio:{name}", args=[resource.pk])).status_code == 405


@pytest.mark.django_db
def test_the_capacity_of_a_missing_resource_is_not_found(client_in_role):
    url = reverse("portfolio:resource_capacity_set", args=[999999])

    assert client_in_role("pmo").post(url, capacity_post()).status_code == 404


@pytest.mark.django_db
@pytest.mark.parametrize(("role", "shown"), [("pmo", True), ("exec", False), ("pm_own", False)])
def test_the_new_resource_button_shows_only_to_the_pmo(client_in_role, role, shown):
    response = client_in_role(role).get(reverse("portfolio:resource_list"))

    assert (f'href="{reverse("portfolio:resource_create")}"' in response.text) is shown
    assert ("New resource" in response.text) is shown


@pytest.mark.django_db
@pytest.mark.parametrize("role", ["pmo", "exec", "pm_own", "integration"])
def test_the_edit_button_shows_to_the_pmo_and_the_capacity_form_to_its_writers(
    client_in_role, resource, role
):
    factories.ResourceCapacityFactory(resource=resource, month=NEXT_MONTH)

    response = client_in_role(role).get(resource.get_absolute_url())

    edit_url = reverse("portfolio:resource_edit", args=[resource.pk])
    assert (f'href="{edit_url}"' in response.text) is (role == "pmo")
    assert ('name="capacity-month"' in response.text) is (role in CAPACITY_WRITERS)
    clear_url = reverse("portfolio:resource_capacity_clear", args=[resource.pk])
    assert (clear_url in response.text) is (role in CAPACITY_WRITERS)


# --- the resource form ------------------------------------------------------------------


@pytest.mark.django_db
def test_a_valid_resource_is_created_and_shown(client_in_role):
    portfolio = factories.PortfolioFactory()

    response = client_in_role("pmo").post(
        reverse("portfolio:resource_create"), {**RESOURCE_FORM, "portfolio": portfolio.pk}
    )

    resource = Resource.objects.get()
    assert response.status_code == 302
    assert response["Location"] == resource.get_absolute_url()
    assert (resource.name, resource.portfolio, resource.capacity_fte, resource.daily_rate) == (
        "Alice Martin",
        portfolio,
        Decimal("0.80"),
        Decimal("650.00"),
    )


@pytest.mark.django_db
def test_a_valid_resource_edit_is_saved(client_in_role, resource):
    url = reverse("portfolio:resource_edit", args=[resource.pk])

    response = client_in_role("pmo").post(url, {**RESOURCE_FORM, "is_active": ""})

    assert response.status_code == 302
    resource.refresh_from_db()
    assert (resource.name, resource.is_active) == ("Alice Martin", False)


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("capacity_fte", "-1", "Ensure this value is greater than or equal to 0."),
        ("capacity_fte", "1000", "Ensure this value is less than or equal to 999."),
        ("daily_rate", "-5", "Ensure this value is greater than or equal to 0."),
        ("daily_rate", "abc", "Enter a number."),
        ("skill", "", "This field is required."),
    ],
)
def test_a_bad_resource_value_is_shown_next_to_its_field(client_in_role, field, value, message):
    response = client_in_role("pmo").post(
        reverse("portfolio:resource_create"), {**RESOURCE_FORM, field: value}
    )

    assert response.status_code == 200
    assert_field_error(response, field, message)
    assert not Resource.objects.exists()


@pytest.mark.django_db
def test_a_team_with_a_user_account_is_refused_next_to_the_account(client_in_role, pm_user):
    response = client_in_role("pmo").post(
        reverse("portfolio:resource_create"),
        {**RESOURCE_FORM, "kind": "team", "user": pm_user.pk},
    )

    assert response.status_code == 200
    assert_field_error(response, "user", "A team is not linked to a user account.")
    assert not Resource.objects.exists()


@pytest.mark.django_db
def test_the_account_offered_are_those_without_a_resource_and_its_own(
    client_in_role, pm_user, other_pm_user, exec_user
):
    factories.ResourceFactory(user=pm_user)
    own = factories.ResourceFactory(user=other_pm_user)

    response = client_in_role("pmo").get(reverse("portfolio:resource_edit", args=[own.pk]))

    offered = set(response.context["form"].fields["user"].queryset)
    assert other_pm_user in offered
    assert exec_user in offered
    assert pm_user not in offered


# --- the resource's page and its monthly capacity ---------------------------------------


@pytest.mark.django_db
def test_the_resource_page_shows_twelve_months_with_the_overrides_and_their_reasons(
    client_in_role, resource
):
    factories.ResourceCapacityFactory(
        resource=resource, month=NEXT_MONTH, fte=Decimal("0.25"), reason="Parental leave"
    )

    response = client_in_role("exec").get(resource.get_absolute_url())

    plan = response.context["plan"]
    assert [row["month"] for row in plan] == months.months(THIS_MONTH, 12)
    assert [row["fte"] for row in plan[:2]] == [Decimal("1.00"), Decimal("0.25")]
    assert "Parental leave" in response.text
    assert response.text.count('class="badge capacity-override"') == 1


@pytest.mark.django_db
def test_a_month_typed_as_yyyy_mm_sets_that_months_capacity(client_in_role, resource):
    url = reverse("portfolio:resource_capacity_set", args=[resource.pk])

    response = client_in_role("pmo").post(url, capacity_post(fte="0.4", reason="Training"))

    assert response.status_code == 302
    assert response["Location"] == resource.get_absolute_url()
    override = ResourceCapacity.objects.get()
    assert (override.month, override.fte, override.reason) == (
        NEXT_MONTH,
        Decimal("0.40"),
        "Training",
    )


@pytest.mark.django_db
def test_setting_a_month_twice_replaces_its_capacity(client_in_role, resource):
    url = reverse("portfolio:resource_capacity_set", args=[resource.pk])
    client = client_in_role("pmo")

    client.post(url, capacity_post(fte="0.4"))
    client.post(url, capacity_post(fte="0.6", reason="Back part time"))

    override = ResourceCapacity.objects.get()
    assert (override.fte, override.reason) == (Decimal("0.60"), "Back part time")


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("month", "2026-13", "Enter a valid month, e.g. 2026-08."),
        ("month", "August", "Enter a valid month, e.g. 2026-08."),
        ("month", "", "This field is required."),
        ("month", "2026-08-15", "A month is identified by its first day."),
        ("fte", "-0.5", "Ensure this value is greater than or equal to 0."),
        ("fte", "1000", "Ensure this value is less than or equal to 999."),
        ("fte", "", "This field is required."),
    ],
)
def test_a_bad_capacity_is_shown_next_to_its_field_on_the_resource_page(
    client_in_role, resource, field, value, message
):
    url = reverse("portfolio:resource_capacity_set", args=[resource.pk])

    response = client_in_role("pmo").post(url, capacity_post(**{field: value}))

    assert response.status_code == 200
    assert response.context["object"] == resource
    assert_field_error(response, f"capacity-{field}", message)
    assert len(response.context["plan"]) == 12
    assert not ResourceCapacity.objects.exists()


@pytest.mark.django_db
def test_the_capacity_form_offers_a_month_picker(client_in_role, resource):
    response = client_in_role("pmo").get(resource.get_absolute_url())

    assert 'type="month"' in field_block(response, "capacity-month")


@pytest.mark.django_db
def test_clearing_a_month_brings_back_the_usual_capacity(client_in_role, resource):
    factories.ResourceCapacityFactory(resource=resource, month=NEXT_MONTH, fte=Decimal("0"))
    url = reverse("portfolio:resource_capacity_clear", args=[resource.pk])

    response = client_in_role("pmo").post(url, {"month": NEXT_MONTH.strftime("%Y-%m")}, follow=True)

    assert not ResourceCapacity.objects.exists()
    assert response.context["plan"][1]["fte"] == Decimal("1.00")
    assert "back to the usual capacity" in response.text


@pytest.mark.django_db
def test_clearing_a_bad_month_says_so_and_clears_nothing(client_in_role, resource):
    factories.ResourceCapacityFactory(resource=resource, month=NEXT_MONTH)
    url = reverse("portfolio:resource_capacity_clear", args=[resource.pk])

    response = client_in_role("pmo").post(url, {"month": "soon"}, follow=True)

    assert response.status_code == 200
    assert "Enter a valid month, e.g. 2026-08." in response.text
    assert ResourceCapacity.objects.count() == 1


@pytest.mark.django_db
def test_the_resource_page_renders_the_panels_registered_for_it(client_in_role, resource):
    seen = []

    def panel_context(request, obj):
        seen.append(obj)
        return {"rows": ["allocation"]}

    # A template the page does not include otherwise (an executive gets no capacity form).
    template_name = "pmo/form_errors.html"
    panels.resource_panels.register("test", template_name=template_name)(panel_context)

    response = client_in_role("exec").get(resource.get_absolute_url())

    assert seen == [resource]
    assert response.context["panels"] == [
        {"name": "test", "template_name": template_name, "rows": ["allocation"]}
    ]
    assert template_name in [template.name for template in response.templates]


# --- the list -----------------------------------------------------------------------------


@pytest.mark.django_db
def test_the_list_shows_the_capacity_of_this_month_rate_team_skill_and_pool(client_in_role):
    portfolio = factories.PortfolioFactory(code="DSI")
    resource = factories.ResourceFactory(
        name="Bob",
        portfolio=portfolio,
        skill="Java developer",
        team="Factory",
        capacity_fte=Decimal("1.00"),
        daily_rate=Decimal("12500.00"),
    )
    factories.ResourceCapacityFactory(resource=resource, month=THIS_MONTH, fte=Decimal("0.30"))

    response = client_in_role("exec").get(reverse("portfolio:resource_list"))

    row = table_records(response)[0]
    assert row.capacity_this_month == Decimal("0.30")
    assert "<tfoot" not in response.text
    for shown in ("Bob", "Java developer", "Factory", "DSI", "0.30", "1.00", "12,500.00"):
        assert shown in response.text


def listed(client, **query) -> list[str]:
    response = client.get(reverse("portfolio:resource_list"), query)
    assert response.status_code == 200
    return [r.name for r in table_records(response)]


@pytest.mark.django_db
def test_the_list_filters_by_search_kind_team_skill_pool_and_activity(client_in_role):
    portfolio = factories.PortfolioFactory()
    factories.ResourceFactory(name="Ann", team="Data", skill="Data engineer", portfolio=portfolio)
    factories.ResourceFactory(name="Ops team", kind=ResourceKind.TEAM, team="Run", skill="Ops")
    factories.ResourceFactory(name="Old", team="Run", skill="Tester", is_active=False)
    client = client_in_role("exec")

    assert listed(client, q="data") == ["Ann"]
    assert listed(client, kind="team") == ["Ops team"]
    assert listed(client, team="Run") == ["Old", "Ops team"]
    assert listed(client, skill="engineer") == ["Ann"]
    assert listed(client, portfolio=portfolio.pk) == ["Ann"]
    assert listed(client, portfolio="shared") == ["Old", "Ops team"]
    assert listed(client, is_active="false") == ["Old"]


@pytest.mark.django_db
def test_the_team_filter_offers_the_teams_of_the_pool(client_in_role):
    factories.ResourceFactory(team="Data")
    factories.ResourceFactory(team="Run")

    response = client_in_role("exec").get(reverse("portfolio:resource_list"))

    choices = [value for value, _label in response.context["filter"].form.fields["team"].choices]
    assert choices == ["", "Data", "Run"]


def count_queries(client, url) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries)


def add_resources(count: int) -> None:
    portfolio = factories.PortfolioFactory()
    for index in range(count):
        resource = factories.ResourceFactory(
            portfolio=portfolio if index % 2 else None, team=f"Team {index % 3}"
        )
        factories.ResourceCapacityFactory(resource=resource, month=THIS_MONTH)


@pytest.mark.django_db
@pytest.mark.parametrize("query", ["", "?is_active=true&sort=-capacity_this_month"])
def test_the_resource_list_costs_the_same_queries_for_5_rows_as_for_50(client_in_role, query):
    client = client_in_role("exec")
    url = reverse("portfolio:resource_list") + query
    add_resources(5)
    count_queries(client, url)  # warm-up: per-process caches (content types, …)

    with_5 = count_queries(client, url)
    add_resources(45)
    with_50 = count_queries(client, url)

    assert with_50 == with_5


@pytest.mark.django_db
def test_the_resource_page_in_french_shows_french_numbers(client_in_role, resource):
    client = client_in_role("exec")
    client.post(reverse("set_language"), {"language": "fr"})
    factories.ResourceCapacityFactory(resource=resource, month=NEXT_MONTH, fte=Decimal("0.25"))

    response = client.get(resource.get_absolute_url())

    assert response.status_code == 200
    assert '<html lang="fr">' in response.text
    assert "0,25" in response.text
    assert "0.25" not in response.text


@pytest.mark.django_db
def test_the_resource_list_in_french_answers_in_french(client_in_role, resource):
    client = client_in_role("exec")
    client.post(reverse("set_language"), {"language": "fr"})

    response = client.get(reverse("portfolio:resource_list"))

    assert response.status_code == 200
    assert '<html lang="fr">' in response.text
    assert "1,00" in response.text


def test_a_month_written_as_a_first_day_is_accepted_too():
    assert MonthField().clean("2026-08-01") == datetime.date(2026, 8, 1)
    assert MonthField().clean(" 2026-08 ") == datetime.date(2026, 8, 1)

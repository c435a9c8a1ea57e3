"""The overrun list page: who reads it, its filters, its order and its cost."""

import datetime
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from projects.choices import EacBasis, Rating
from projects.models import OverrunAlert
from tests import factories
from tests.conftest import ROLES
from tests.pages import table_records

D = Decimal
URL = "/finance/overruns/"
EXPECTED = {
    "anonymous": 302,
    "no_role": 403,
    "pm_own": 200,
    "pm_other": 200,
    "pmo": 200,
    "exec": 200,
    "integration": 200,
}


def alert(project=None, *, closed=False, unflagged=True, days_ago=1, eac="600000.00"):
    project = project or factories.ProjectFactory()
    return OverrunAlert.objects.create(
        project=project,
        opened_at=timezone.now() - datetime.timedelta(days=days_ago),
        closed_at=timezone.now() if closed else None,
        budget=D("500000.00"),
        threshold=D("525000.00"),
        eac=D(eac),
        eac_basis=EacBasis.REPORTED,
        cost_rating=Rating.GREEN if unflagged else Rating.AMBER,
        unflagged=unflagged,
    )


def test_the_overrun_list_lives_at_its_url():
    assert reverse("projects:overrun_list") == URL


@pytest.mark.django_db
@pytest.mark.parametrize("role", ROLES)
def test_the_overrun_list_answers_each_role_as_the_rules_say(client_in_role, project, role):
    alert(project)

    response = client_in_role(role).get(URL)

    assert response.status_code == EXPECTED[role]
    if role == "anonymous":
        assert response["Location"].startswith(f"{reverse('login')}?next=")
    elif response.status_code == 200:
        assert project.code in response.text


@pytest.mark.django_db
def test_the_open_alerts_come_first_then_the_latest(client_in_role):
    old_closed = alert(closed=True, days_ago=90)
    new_closed = alert(closed=True, days_ago=10)
    old_open = alert(days_ago=30)
    new_open = alert(days_ago=2)

    response = client_in_role("exec").get(URL)

    assert table_records(response)[:2] == [new_open, old_open]
    assert set(table_records(response)[2:]) == {old_closed, new_closed}


@pytest.mark.django_db
def test_the_list_shows_the_figures_and_badges_of_an_alert(client_in_role, project):
    alert(project)
    alert(closed=True, unflagged=False)

    html = client_in_role("exec").get(URL).text

    assert f'href="{project.get_absolute_url()}"' in html
    assert project.name in html
    assert "500,000" in html
    assert "600,000" in html
    assert "+20.0&nbsp;%" in html
    assert '<span class="badge flag-unflagged">Unflagged</span>' in html
    assert '<span class="badge alert-open">Open</span>' in html
    assert "Cleared on" in html
    assert '<span class="rating rating-amber">Amber</span>' in html


@pytest.fixture
def scattered(db):
    """Alerts in two portfolios, one in a programme; open or closed, flagged or not."""
    north, south = factories.PortfolioFactory(), factories.PortfolioFactory()
    programme = factories.ProgrammeFactory(portfolio=north)
    return {
        "in_programme": alert(factories.ProjectFactory(portfolio=north, programme=programme)),
        "north_flagged": alert(factories.ProjectFactory(portfolio=north), unflagged=False),
        "north_closed": alert(factories.ProjectFactory(portfolio=north), closed=True),
        "south": alert(factories.ProjectFactory(portfolio=south, name="Southern depot")),
        "portfolios": (north, south),
        "programme": programme,
    }


def listed(client, query: str) -> set:
    response = client.get(f"{URL}?{query}")
    assert response.status_code == 200
    return {a.pk for a in table_records(response)}


@pytest.mark.django_db
def test_the_list_filters_by_portfolio_programme_and_project(client_in_role, scattered):
    client = client_in_role("exec")
    north, south = scattered["portfolios"]
    in_programme = scattered["in_programme"]

    assert listed(client, f"portfolio={south.pk}") == {scattered["south"].pk}
    assert listed(client, f"portfolio={north.pk}") == {
        scattered[k].pk for k in ("in_programme", "north_flagged", "north_closed")
    }
    assert listed(client, f"programme={scattered['programme'].pk}") == {in_programme.pk}
    assert listed(client, f"project={in_programme.project_id}") == {in_programme.pk}


@pytest.mark.django_db
def test_the_list_filters_open_and_unflagged_alerts(client_in_role, scattered):
    client = client_in_role("exec")

    assert listed(client, "open=true") == {
        scattered[k].pk for k in ("in_programme", "north_flagged", "south")
    }
    assert listed(client, "open=false") == {scattered["north_closed"].pk}
    assert listed(client, "unflagged=false") == {scattered["north_flagged"].pk}
    assert listed(client, "open=true&unflagged=true") == {
        scattered[k].pk for k in ("in_programme", "south")
    }


@pytest.mark.django_db
def test_the_list_searches_project_codes_and_names(client_in_role, scattered):
    assert listed(client_in_role("exec"), "q=southern") == {scattered["south"].pk}


@pytest.mark.django_db
def test_an_unknown_filter_value_is_said_next_to_the_filter(client_in_role, scattered):
    response = client_in_role("exec").get(f"{URL}?portfolio=999999")

    assert response.status_code == 200
    assert response.context["filter"].errors["portfolio"]


@pytest.mark.django_db
def test_the_list_costs_the_same_queries_for_5_rows_as_for_50(client_in_role):
    client = client_in_role("exec")

    def add(n):
        for i in range(n):
            programme = factories.ProgrammeFactory()
            project = factories.ProjectFactory(
                portfolio=programme.portfolio, programme=programme if i % 2 else None
            )
            alert(project, closed=bool(i % 3), unflagged=bool(i % 2))

    def count():
        with CaptureQueriesContext(connection) as queries:
            response = client.get(URL)
        assert response.status_code == 200
        return len(queries)

    add(5)
    count()  # warm-up: per-process caches
    with_5 = count()
    add(45)
    with_50 = count()

    assert with_50 == with_5


@pytest.mark.django_db
def test_the_overrun_list_renders_in_french(client_in_role, project):
    alert(project)
    client = client_in_role("exec")
    client.post(reverse("set_language"), {"language": "fr"})

    response = client.get(URL)

    assert response.status_code == 200
    assert '<html lang="fr">' in response.text
    assert "600\xa0000" in response.text

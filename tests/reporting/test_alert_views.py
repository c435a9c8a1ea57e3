"""The alerts page (who reads it, filters, order, fixed queries), acknowledging from it, and
the alerts panel of the project page."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from reporting.choices import AlertKind, AlertSeverity
from reporting.models import Alert
from tests import factories
from tests.conftest import ROLES

URL = "/alerts/"


def make_alert(*, project=None, severity=AlertSeverity.LOW, seen=None, **kwargs):
    moment = seen or timezone.now()
    number = Alert.objects.count() + 1
    defaults = {
        "key": f"overdue_action:{number}",
        "kind": AlertKind.OVERDUE_ACTION,
        "severity": severity,
        "project": project,
        "portfolio": project.portfolio if project else None,
        "first_seen_at": moment,
        "last_seen_at": moment,
        "url": "/raid/actions/1/",
        "params": {
            "reference": f"A-{number}",
            "title": f"Call the supplier {number}",
            "owner": "Ann",
            "due": "2026-11-01",
            "days": 3,
        },
    }
    defaults.update(kwargs)
    return Alert.objects.create(**defaults)


def test_the_routes():
    assert reverse("reporting:alert_list") == URL
    assert reverse("reporting:alert_acknowledge", args=[4]) == "/alerts/4/acknowledge/"
    assert reverse("reporting:health_policy") == "/settings/health/"


@pytest.mark.django_db
@pytest.mark.parametrize("role", ROLES)
def test_every_role_reads_the_alerts_and_nobody_else(client_in_role, project, role):
    make_alert(project=project)

    response = client_in_role(role).get(URL)

    expected = {"anonymous": 302, "no_role": 403}.get(role, 200)
    assert response.status_code == expected
    if expected == 200:
        assert "Call the supplier 1" in response.content.decode()


@pytest.mark.django_db
def test_the_page_shows_open_alerts_high_first_then_newest(client_as, pmo_user, project):
    now = timezone.now()
    old_low = make_alert(project=project, seen=now - datetime.timedelta(days=3))
    new_low = make_alert(project=project, seen=now)
    high = make_alert(
        project=project, severity=AlertSeverity.HIGH, seen=now - datetime.timedelta(days=9)
    )
    make_alert(project=project, resolved_at=now, params={"title": "Gone"})

    response = client_as(pmo_user).get(URL)

    rows = list(response.context["table"].page.object_list)
    assert [row.record.pk for row in rows] == [high.pk, new_low.pk, old_low.pk]


@pytest.mark.django_db
def test_filters_show_resolved_and_unacknowledged_ones(client_as, pmo_user, project):
    now = timezone.now()
    resolved = make_alert(project=project, resolved_at=now)
    seen = make_alert(project=project, acknowledged_by=pmo_user, acknowledged_at=now)
    unseen = make_alert(project=project)

    client = client_as(pmo_user)
    listed = lambda query: {  # noqa: E731
        row.record.pk for row in client.get(URL + query).context["table"].page.object_list
    }

    assert listed("?state=resolved") == {resolved.pk}
    assert listed("?state=all") == {resolved.pk, seen.pk, unseen.pk}
    assert listed("?acknowledged=false") == {unseen.pk}
    assert listed("?acknowledged=true") == {seen.pk}
    assert listed(f"?kind={AlertKind.OVERDUE_ACTION}&severity=low") == {seen.pk, unseen.pk}
    assert listed(f"?q={project.code}") == {seen.pk, unseen.pk}


@pytest.mark.django_db
def test_a_bad_filter_is_a_message_not_an_error(client_as, pmo_user):
    response = client_as(pmo_user).get(URL + "?state=sideways&severity=huge")

    assert response.status_code == 200
    assert response.context["filter"].errors


@pytest.mark.django_db
def test_the_page_costs_the_same_queries_for_5_or_50_alerts(client_as, pmo_user):
    client = client_as(pmo_user)

    def count():
        with CaptureQueriesContext(connection) as context:
            response = client.get(URL + "?state=all")
        assert response.status_code == 200
        return len(context.captured_queries)

    def add(number):
        for _ in range(number):
            alert = make_alert(project=factories.ProjectFactory())
            alert.acknowledged_by = pmo_user
            alert.acknowledged_at = timezone.now()
            alert.save()

    add(5)
    few = count()
    add(45)
    assert count() == few


@pytest.mark.django_db
def test_only_pmo_managers_get_the_acknowledge_button(client_as, pmo_user, exec_user, project):
    make_alert(project=project)

    assert "Acknowledge</button>" in client_as(pmo_user).get(URL).content.decode()
    assert "Acknowledge</button>" not in client_as(exec_user).get(URL).content.decode()


@pytest.mark.django_db
def test_acknowledging_records_it_and_goes_back(client_as, pmo_user, project):
    alert = make_alert(project=project)

    response = client_as(pmo_user).post(
        f"/alerts/{alert.pk}/acknowledge/", {"note": "Seen", "next": "/alerts/?severity=low"}
    )

    assert response.status_code == 302
    assert response["Location"] == "/alerts/?severity=low"
    alert.refresh_from_db()
    assert (alert.acknowledged_by, alert.acknowledgement_note) == (pmo_user, "Seen")


@pytest.mark.django_db
def test_acknowledging_twice_says_why_not(client_as, pmo_user, project):
    alert = make_alert(project=project)
    client = client_as(pmo_user)
    client.post(f"/alerts/{alert.pk}/acknowledge/")

    response = client.post(f"/alerts/{alert.pk}/acknowledge/", follow=True)

    assert "already acknowledged" in response.content.decode()


@pytest.mark.django_db
def test_an_outside_next_goes_back_to_the_alerts(client_as, pmo_user, project):
    alert = make_alert(project=project)

    response = client_as(pmo_user).post(
        f"/alerts/{alert.pk}/acknowledge/", {"next": "https://evil.example.com/"}
    )

    assert response["Location"] == URL


@pytest.mark.django_db
@pytest.mark.parametrize("role", ["pm_own", "exec", "integration", "no_role"])
def test_others_may_not_acknowledge(client_in_role, project, role):
    alert = make_alert(project=project)

    response = client_in_role(role).post(f"/alerts/{alert.pk}/acknowledge/")

    assert response.status_code == 403
    alert.refresh_from_db()
    assert not alert.is_acknowledged


@pytest.mark.django_db
def test_acknowledging_an_unknown_alert_is_404(client_as, pmo_user):
    assert client_as(pmo_user).post("/alerts/999999/acknowledge/").status_code == 404


@pytest.mark.django_db
def test_the_project_page_lists_its_open_alerts(client_as, exec_user, project):
    make_alert(project=project, severity=AlertSeverity.HIGH)
    make_alert(project=project, resolved_at=timezone.now(), params={"title": "Old news"})
    make_alert(project=factories.ProjectFactory(), params={"title": "Elsewhere"})

    page = client_as(exec_user).get(project.get_absolute_url()).content.decode()

    assert 'id="alerts"' in page
    assert "Call the supplier 1" in page
    assert "Old news" not in page
    assert "Elsewhere" not in page
    assert f"/alerts/?project={project.pk}" in page


# --- API ----------------------------------------------------------------------------------

API = "/api/v1/alerts/"


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("role", "expected"),
    [
        ("anonymous", 401),
        ("no_role", 403),
        ("pm", 200),
        ("pmo", 200),
        ("executive", 200),
        ("integration", 200),
    ],
)
def test_every_role_reads_the_alerts_through_the_api(api_for_role, project, role, expected):
    make_alert(project=project)

    response = api_for_role(role).get(API)

    assert response.status_code == expected
    if expected == 200:
        [row] = response.json()["results"]
        assert row["message"].startswith("A-1")
        assert row["project_code"] == project.code


@pytest.mark.django_db
def test_the_api_lists_open_alerts_unless_asked(api_as, pmo_user, project):
    make_alert(project=project)
    make_alert(project=project, resolved_at=timezone.now())
    client = api_as(pmo_user)

    assert len(client.get(API).json()["results"]) == 1
    assert len(client.get(API + "?state=all").json()["results"]) == 2


@pytest.mark.django_db
def test_the_api_list_costs_the_same_queries_for_5_or_50_alerts(api_list_queries, pmo_user):
    def add(number):
        for _ in range(number):
            make_alert(
                project=factories.ProjectFactory(),
                acknowledged_by=pmo_user,
                acknowledged_at=timezone.now(),
            )

    add(5)
    few_queries, few = api_list_queries(API)
    add(45)
    many_queries, many = api_list_queries(API + "?page_size=50")

    assert (few, many) == (5, 50)
    assert many_queries == few_queries


@pytest.mark.django_db
def test_the_pmo_acknowledges_through_the_api_and_only_once(api_as, pmo_user, project):
    alert = make_alert(project=project)
    client = api_as(pmo_user)

    response = client.post(f"{API}{alert.pk}/acknowledge/", {"note": "Seen"}, format="json")

    assert response.status_code == 200
    assert response.json()["acknowledgement_note"] == "Seen"
    assert response.json()["acknowledged_by"] == str(pmo_user)
    again = client.post(f"{API}{alert.pk}/acknowledge/", {}, format="json")
    assert again.status_code == 409


@pytest.mark.django_db
@pytest.mark.parametrize("role", ["pm", "executive", "integration"])
def test_others_may_not_acknowledge_through_the_api(api_for_role, project, role):
    alert = make_alert(project=project)

    response = api_for_role(role).post(f"{API}{alert.pk}/acknowledge/", {}, format="json")

    assert response.status_code == 403


@pytest.mark.django_db
def test_a_note_too_long_is_a_400_naming_it(api_as, pmo_user, project):
    alert = make_alert(project=project)

    response = api_as(pmo_user).post(
        f"{API}{alert.pk}/acknowledge/", {"note": "x" * 1001}, format="json"
    )

    assert response.status_code == 400
    assert "note" in response.json()

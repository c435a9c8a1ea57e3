"""The settings page of API tokens: the PMO's list, the form showing a new key once,
revoking."""

import datetime
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from pmo.models import ApiToken, TokenScope
from pmo.tokens import hash_key, token_create, token_revoke

pytestmark = pytest.mark.django_db

LIST = reverse("tokens:token_list")
CREATE = reverse("tokens:token_create")
OTHERS = ["pm_user", "exec_user", "integration_user", "no_role_user"]


def make_token(actor, name="SAP actuals", **kwargs):
    values = {
        "scopes": [TokenScope.READ, TokenScope.ACTUALS],
        "expires_at": timezone.now() + datetime.timedelta(days=30),
        **kwargs,
    }
    return token_create(actor=actor, name=name, **values)


def form_data(**changes):
    data = {
        "name": "SAP actuals",
        "scopes": [TokenScope.READ, TokenScope.ACTUALS],
        "expires_on": (timezone.localdate() + datetime.timedelta(days=180)).isoformat(),
        "user": "",
    }
    data.update(changes)
    return {key: value for key, value in data.items() if value is not None}


def shown_key(response) -> str:
    return re.search(r'id="api-key">([^<]+)<', response.content.decode()).group(1)


# --- list ---------------------------------------------------------------------------------------


def test_the_pmo_sees_each_token_with_its_state(client_as, pmo_user):
    make_token(pmo_user, name="active one")
    expired, _ = make_token(pmo_user, name="expired one")
    ApiToken.objects.filter(pk=expired.pk).update(expires_at=timezone.now())
    revoked, _ = make_token(pmo_user, name="revoked one")
    token_revoke(revoked, actor=pmo_user)

    response = client_as(pmo_user).get(LIST)

    assert response.status_code == 200
    states = {row["token"].name: row["state"] for row in response.context["rows"]}
    assert states == {"active one": "active", "expired one": "expired", "revoked one": "revoked"}
    assert expired.prefix in response.content.decode()


@pytest.mark.parametrize("role", OTHERS)
def test_others_may_not_see_the_tokens(request, client_as, pmo_user, role):
    make_token(pmo_user)

    response = client_as(request.getfixturevalue(role)).get(LIST)

    assert response.status_code == 403


def test_an_anonymous_visitor_is_sent_to_sign_in(client):
    response = client.get(LIST)

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_the_list_costs_the_same_queries_for_5_and_50_tokens(client_as, pmo_user):
    client = client_as(pmo_user)

    def queries_for(count):
        ApiToken.objects.all().delete()
        for number in range(count):
            token, _key = make_token(pmo_user, name=f"token {number}")
            if number % 3 == 0:
                token_revoke(token, actor=pmo_user)
        with CaptureQueriesContext(connection) as context:
            response = client.get(LIST)
        assert len(response.context["rows"]) == count
        return len(context.captured_queries)

    assert queries_for(5) == queries_for(50)


def test_the_settings_section_offers_the_tab_to_the_pmo_only(client_as, pmo_user, pm_user):
    tabs = client_as(pmo_user).get(LIST).context["section_tabs"]

    assert LIST in [tab["url"] for tab in tabs]
    pm_tabs = client_as(pm_user).get(reverse("projects:reporting_calendar")).context
    assert LIST not in [tab["url"] for tab in pm_tabs.get("section_tabs", [])]


# --- create ----------------------------------------------------------------------------------


def test_creating_shows_the_key_once_and_the_key_works(client_as, pmo_user):
    client = client_as(pmo_user)

    response = client.post(CREATE, form_data())

    assert response.status_code == 200
    key = shown_key(response)
    assert "it will not be shown again" in response.content.decode()
    token = ApiToken.objects.get()
    assert token.key_hash == hash_key(key)
    assert key not in client.get(LIST).content.decode()
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    assert api.get("/api/v1/projects/").status_code == 200


def test_the_page_with_the_key_is_never_cached(client_as, pmo_user):
    response = client_as(pmo_user).post(CREATE, form_data())

    assert "no-store" in response["Cache-Control"]


def test_the_form_creates_a_service_account_by_default(client_as, pmo_user):
    client_as(pmo_user).post(CREATE, form_data(name="BI extract"))

    token = ApiToken.objects.get()
    assert token.user.username == "bi-extract"
    assert token.scopes == [TokenScope.READ, TokenScope.ACTUALS]
    expiry = timezone.localtime(token.expires_at)
    assert expiry.date() == timezone.localdate() + datetime.timedelta(days=180)
    assert expiry.time() == datetime.time.min
    assert token.created_by == pmo_user


def test_the_form_may_pick_an_existing_integration_account(client_as, pmo_user, integration_user):
    client_as(pmo_user).post(CREATE, form_data(user=str(integration_user.pk)))

    assert ApiToken.objects.get().user == integration_user


def test_the_form_offers_only_integration_accounts(client_as, pmo_user, pm_user, integration_user):
    response = client_as(pmo_user).post(CREATE, form_data(user=str(pm_user.pk)))

    assert response.status_code == 200
    assert "user" in response.context["form"].errors
    assert not ApiToken.objects.exists()


def test_the_form_proposes_a_year_and_the_read_scope(client_as, pmo_user):
    form = client_as(pmo_user).get(CREATE).context["form"]

    assert form["expires_on"].value() == timezone.localdate() + datetime.timedelta(days=365)
    assert form["scopes"].value() == [TokenScope.READ]


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"scopes": None}, "scopes", "Choose at least one scope."),
        (
            {"expires_on": timezone.localdate().isoformat()},
            "expires_on",
            "The expiry must be in the future.",
        ),
        (
            {"expires_on": (timezone.localdate() - datetime.timedelta(days=3)).isoformat()},
            "expires_on",
            "The expiry must be in the future.",
        ),
        (
            {"expires_on": (timezone.localdate() + datetime.timedelta(days=731)).isoformat()},
            "expires_on",
            "A token lives at most two years: choose an earlier expiry.",
        ),
        ({"name": ""}, "name", "This field is required."),
    ],
    ids=["no scope", "today", "past", "beyond two years", "no name"],
)
def test_a_bad_form_says_why_next_to_the_field_and_creates_nothing(
    client_as, pmo_user, changes, field, message
):
    response = client_as(pmo_user).post(CREATE, form_data(**changes))

    assert response.status_code == 200
    assert response.context["form"].errors[field] == [message]
    assert not ApiToken.objects.exists()
    assert 'class="api-key"' not in response.content.decode()


@pytest.mark.parametrize("role", OTHERS)
def test_others_may_not_create_a_token(request, client_as, role):
    client = client_as(request.getfixturevalue(role))

    assert client.get(CREATE).status_code == 403
    assert client.post(CREATE, form_data()).status_code == 403
    assert not ApiToken.objects.exists()


# --- revoke ----------------------------------------------------------------------------------


def test_the_pmo_revokes_a_token_and_its_key_stops_working(client_as, pmo_user):
    token, key = make_token(pmo_user)

    response = client_as(pmo_user).post(reverse("tokens:token_revoke", args=[token.pk]))

    assert response.status_code == 302
    token.refresh_from_db()
    assert token.revoked_by == pmo_user
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    assert api.get("/api/v1/projects/").status_code == 401


def test_the_revoke_button_asks_for_confirmation(client_as, pmo_user):
    token, _key = make_token(pmo_user)

    page = client_as(pmo_user).get(LIST).content.decode()

    form = re.search(rf'<form[^>]*action="[^"]*/{token.pk}/revoke/"[^>]*>', page).group(0)
    assert 'method="post"' in form
    assert "data-confirm=" in form


def test_revoking_a_revoked_token_is_a_conflict(client_as, pmo_user):
    token, _key = make_token(pmo_user)
    token_revoke(token, actor=pmo_user)

    response = client_as(pmo_user).post(reverse("tokens:token_revoke", args=[token.pk]))

    assert response.status_code == 409
    assert "already revoked" in response.content.decode()


@pytest.mark.parametrize("role", OTHERS)
def test_others_may_not_revoke_a_token(request, client_as, pmo_user, role):
    token, _key = make_token(pmo_user)

    response = client_as(request.getfixturevalue(role)).post(
        reverse("tokens:token_revoke", args=[token.pk])
    )

    assert response.status_code == 403
    token.refresh_from_db()
    assert token.revoked_at is None


def test_revoking_is_a_post_only(client_as, pmo_user):
    token, _key = make_token(pmo_user)

    response = client_as(pmo_user).get(reverse("tokens:token_revoke", args=[token.pk]))

    assert response.status_code == 405

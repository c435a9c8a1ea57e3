"""A person's own API keys: listed, made (the key shown once) and revoked on their page."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from rest_framework.test import APIClient

from pmo.models import ApiToken
from pmo.tokens import hash_key, token_create

URL = reverse("my_tokens")


def personal_token(user, name="notebook"):
    return token_create(actor=user, kind=ApiToken.Kind.PERSONAL, name=name)


def revoke_url(token):
    return reverse("my_token_revoke", args=[token.pk])


@pytest.mark.django_db
def test_anonymous_visitors_are_sent_to_sign_in(client):
    response = client.get(URL)

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


@pytest.mark.django_db
def test_a_user_without_a_role_is_refused(client_as, no_role_user):
    assert client_as(no_role_user).get(URL).status_code == 403
    assert client_as(no_role_user).post(URL, {"name": "x"}).status_code == 403
    assert not ApiToken.objects.exists()


@pytest.mark.django_db
def test_the_page_lists_only_ones_own_personal_keys(
    client_as, pm_user, other_pm_user, api_with_token
):
    mine, _ = personal_token(pm_user, "mine")
    personal_token(other_pm_user, "theirs")
    api_with_token(["read"])  # an integration token: the PMO's, not on this page

    response = client_as(pm_user).get(URL)

    assert response.status_code == 200
    assert [row["token"] for row in response.context["rows"]] == [mine]
    assert "theirs" not in response.content.decode()


@pytest.mark.django_db
def test_a_new_key_is_shown_once_kept_hashed_and_works(client_as, pm_user):
    response = client_as(pm_user).post(URL, {"name": "Reporting notebook"})

    assert response.status_code == 200
    key = response.context["key"]
    assert key in response.content.decode()
    assert "no-store" in response["Cache-Control"]
    token = ApiToken.objects.get(user=pm_user)
    assert (token.kind, token.name, token.key_hash) == (
        ApiToken.Kind.PERSONAL,
        "Reporting notebook",
        hash_key(key),
    )
    assert key not in client_as(pm_user).get(URL).content.decode()
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    assert api.get("/api/v1/projects/").status_code == 200


@pytest.mark.django_db
def test_a_key_needs_a_name(client_as, pm_user):
    response = client_as(pm_user).post(URL, {"name": "  "})

    assert response.status_code == 200
    assert response.context["form"].errors["name"]
    assert not ApiToken.objects.exists()


@pytest.mark.django_db
def test_revoking_ones_key_refuses_it_at_once(client_as, pm_user):
    token, key = personal_token(pm_user)

    response = client_as(pm_user).post(revoke_url(token))

    assert response.status_code == 302
    token.refresh_from_db()
    assert token.revoked_at is not None
    assert token.revoked_by == pm_user
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    assert api.get("/api/v1/projects/").status_code == 401


@pytest.mark.django_db
def test_someone_elses_key_is_not_found(client_as, pm_user, other_pm_user, pmo_user):
    theirs, _ = personal_token(other_pm_user)

    assert client_as(pm_user).post(revoke_url(theirs)).status_code == 404
    # The PMO revokes others' keys from the settings page, not from this one.
    assert client_as(pmo_user).post(revoke_url(theirs)).status_code == 404
    theirs.refresh_from_db()
    assert theirs.revoked_at is None


@pytest.mark.django_db
def test_revoking_twice_answers_409(client_as, pm_user):
    token, _ = personal_token(pm_user)
    client = client_as(pm_user)
    client.post(revoke_url(token))

    assert client.post(revoke_url(token)).status_code == 409


@pytest.mark.django_db
def test_the_revoke_address_offers_no_get(client_as, pm_user):
    token, _ = personal_token(pm_user)

    assert client_as(pm_user).get(revoke_url(token)).status_code == 405


def page_queries(client) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(URL).status_code == 200
    return len(queries)


@pytest.mark.django_db
def test_the_page_runs_as_many_queries_for_50_keys_as_for_5(client_as, pm_user):
    # Past 25 the oldest keys are revoked: revoked keys are listed all the same.
    client = client_as(pm_user)
    for number in range(5):
        personal_token(pm_user, f"key {number}")
    for_5 = page_queries(client)
    for number in range(5, 50):
        personal_token(pm_user, f"key {number}")

    assert page_queries(client) == for_5

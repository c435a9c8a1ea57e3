"""API rate limits: per token (per signed-in user without one), per address without
credentials."""

import pytest
from django.core.cache import cache
from rest_framework.test import APIClient

URL = "/api/v1/projects/"


@pytest.fixture(autouse=True)
def _fresh_counters():
    cache.clear()
    yield
    cache.clear()


def test_a_user_past_the_rate_gets_429_with_retry_after(settings, api_as, pmo_user):
    settings.API_USER_RATE = "3/minute"
    api = api_as(pmo_user)

    answers = [api.get(URL).status_code for _ in range(4)]

    assert answers == [200, 200, 200, 429]
    refused = api.get(URL)
    assert 0 < int(refused["Retry-After"]) <= 60


def test_each_user_has_a_rate_of_their_own(settings, api_as, pmo_user, exec_user):
    settings.API_USER_RATE = "2/minute"
    pmo_api = api_as(pmo_user)
    for _ in range(3):
        pmo_api.get(URL)

    assert api_as(exec_user).get(URL).status_code == 200


def test_each_token_of_one_service_account_has_a_rate_of_its_own(settings, api_with_token):
    settings.API_USER_RATE = "2/minute"
    first = api_with_token(["read"])
    second = api_with_token(["read"], user=first.token.user)
    answers = [first.get(URL).status_code for _ in range(3)]

    assert answers == [200, 200, 429]
    assert second.get(URL).status_code == 200


def test_the_rate_is_read_at_each_request(settings, api_as, pmo_user):
    settings.API_USER_RATE = "1/minute"
    api = api_as(pmo_user)
    api.get(URL)
    assert api.get(URL).status_code == 429

    settings.API_USER_RATE = "100/minute"

    assert api.get(URL).status_code == 200


def test_anonymous_calls_are_counted_per_address(settings, integration_user):
    # Permissions answer an anonymous call to a guarded endpoint (401) before any throttle:
    # the token endpoint is where anonymous calls get through.
    settings.API_ANON_RATE = "2/minute"
    api = APIClient()
    token_url = "/api/v1/auth/token/"
    for _ in range(2):
        assert api.post(token_url, {"username": "x"}, REMOTE_ADDR="10.0.0.1").status_code == 400

    assert api.post(token_url, {"username": "x"}, REMOTE_ADDR="10.0.0.1").status_code == 429
    assert api.post(token_url, {"username": "x"}, REMOTE_ADDR="10.0.0.2").status_code == 400


def test_the_anonymous_rate_does_not_apply_to_a_token(settings, api_as, pmo_user):
    settings.API_ANON_RATE = "1/minute"
    api = api_as(pmo_user)

    assert [api.get(URL).status_code for _ in range(3)] == [200, 200, 200]

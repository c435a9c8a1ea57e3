"""Login throttling: the sign-in page, the admin's sign-in and the API's token endpoint."""

import pytest
from django.contrib.auth import authenticate
from django.core.cache import cache
from django.urls import reverse
from rest_framework.test import APIClient

from tests.factories import TEST_PASSWORD

LOCKED = "Too many failed attempts; try again in"


@pytest.fixture(autouse=True)
def _throttle(settings):
    """The production limits, and counters that start at zero and leave nothing behind."""
    settings.LOGIN_FAILURE_LIMIT = 5
    settings.LOGIN_IP_FAILURE_LIMIT = 20
    settings.LOGIN_LOCKOUT_SECONDS = 15 * 60
    cache.clear()
    yield
    cache.clear()


def sign_in(client, username, password, ip="10.0.0.1"):
    return client.post(
        reverse("login"), {"username": username, "password": password}, REMOTE_ADDR=ip
    )


def errors(response):
    return " ".join(response.context["form"].non_field_errors()) if response.context else ""


def fail(client, username, times, ip="10.0.0.1"):
    for _ in range(times):
        sign_in(client, username, "wrong-password", ip=ip)


def test_the_right_password_signs_in_after_four_failures(client, pm_user):
    fail(client, "pm", 4)

    response = sign_in(client, "pm", TEST_PASSWORD)

    assert response.status_code == 302


def test_five_failures_lock_the_username_even_for_the_right_password(client, pm_user):
    fail(client, "pm", 5)

    response = sign_in(client, "pm", TEST_PASSWORD)

    assert response.status_code == 200
    assert "_auth_user_id" not in client.session
    assert errors(response) == "Too many failed attempts; try again in 15 minutes."


def test_the_fifth_failure_already_says_the_username_is_locked(client, pm_user):
    fail(client, "pm", 4)

    response = sign_in(client, "pm", "wrong-password")

    assert errors(response).startswith(LOCKED)


def test_a_locked_try_does_not_check_the_password(client, pm_user, monkeypatch):
    fail(client, "pm", 5)
    checked = []
    monkeypatch.setattr("django.contrib.auth.forms.authenticate", lambda *a, **k: checked.append(k))

    sign_in(client, "pm", TEST_PASSWORD)

    assert checked == []


def test_the_lock_ends_with_its_window(client, pm_user, settings):
    settings.LOGIN_LOCKOUT_SECONDS = 1
    fail(client, "pm", 5)
    assert errors(sign_in(client, "pm", TEST_PASSWORD)).startswith(LOCKED)

    # The lock's cache entry gone is the window over (Redis expires it after 1 s).
    cache.clear()

    assert sign_in(client, "pm", TEST_PASSWORD).status_code == 302


def test_a_success_resets_the_usernames_failures(client, pm_user):
    fail(client, "pm", 4)
    assert sign_in(client, "pm", TEST_PASSWORD).status_code == 302
    client.logout()

    fail(client, "pm", 4)

    assert sign_in(client, "pm", TEST_PASSWORD).status_code == 302


def test_the_username_lock_ignores_case(client, pm_user):
    fail(client, "PM", 5)

    assert errors(sign_in(client, "pm", TEST_PASSWORD)).startswith(LOCKED)


def test_an_unknown_username_gets_the_same_answers_as_a_real_one(client, pm_user):
    fail(client, "pm", 4)
    fail(client, "nobody-here", 4)

    real = sign_in(client, "pm", "wrong-password")
    unknown = sign_in(client, "nobody-here", "wrong-password")

    assert errors(real) == errors(unknown) == "Too many failed attempts; try again in 15 minutes."


def test_one_address_is_locked_after_twenty_failures_over_many_usernames(client, pm_user):
    for number in range(20):
        sign_in(client, f"guess-{number}", "wrong-password", ip="10.0.0.9")

    from_there = sign_in(client, "pm", TEST_PASSWORD, ip="10.0.0.9")
    from_elsewhere = sign_in(client, "pm", TEST_PASSWORD, ip="10.0.0.10")

    assert errors(from_there).startswith(LOCKED)
    assert from_elsewhere.status_code == 302


def test_a_forged_forwarded_for_header_does_not_escape_the_address_limit(client, pm_user):
    for number in range(20):
        client.post(
            reverse("login"),
            {"username": f"guess-{number}", "password": "x"},
            REMOTE_ADDR="10.0.0.9",
            HTTP_X_FORWARDED_FOR=f"192.0.2.{number}",
        )

    assert errors(sign_in(client, "pm", TEST_PASSWORD, ip="10.0.0.9")).startswith(LOCKED)


def test_the_admin_sign_in_shares_the_lock(client, pmo_user):
    fail(client, "pmo", 5)

    response = client.post(reverse("admin:login"), {"username": "pmo", "password": TEST_PASSWORD})

    assert LOCKED in response.content.decode()


def test_the_token_endpoint_answers_429_with_retry_after_once_locked(integration_user):
    api = APIClient()
    url = reverse("api-token")
    for _ in range(4):
        assert api.post(url, {"username": "erp", "password": "bad"}).status_code == 400

    fifth = api.post(url, {"username": "erp", "password": "bad"})
    right = api.post(url, {"username": "erp", "password": TEST_PASSWORD})

    assert fifth.status_code == 429
    assert right.status_code == 429
    assert right["Retry-After"] == "900"
    assert right.json()["detail"] == "Too many failed attempts; try again in 15 minutes."


def test_page_failures_lock_the_token_endpoint_too(client, integration_user):
    fail(client, "erp", 5, ip="127.0.0.1")

    response = APIClient().post(
        reverse("api-token"), {"username": "erp", "password": TEST_PASSWORD}
    )

    assert response.status_code == 429


def test_the_token_endpoint_still_gives_a_token_with_the_right_password(integration_user):
    response = APIClient().post(
        reverse("api-token"), {"username": "erp", "password": TEST_PASSWORD}
    )

    assert response.status_code == 200
    assert response.json()["token"]


def test_a_token_request_that_is_not_an_object_is_a_400(integration_user):
    response = APIClient().post(reverse("api-token"), ["erp"], format="json")

    assert response.status_code == 400


def test_authenticate_itself_is_not_throttled_outside_the_sign_in_doors(pm_user):
    # Management commands and tests call authenticate() directly: no request, no counter.
    assert authenticate(username="pm", password=TEST_PASSWORD) == pm_user

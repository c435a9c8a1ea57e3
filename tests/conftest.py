"""Fixtures shared by every test: people in each role, an API client per role."""

import pytest
from django.conf import settings
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone, translation
from rest_framework.test import APIClient

from tests import factories


@pytest.fixture(autouse=True)
def _language_of_the_settings():
    """Each test starts in the default language: LocaleMiddleware leaves the language of the
    last request active in the thread, which would leak a French page into the next test."""
    translation.activate(settings.LANGUAGE_CODE)
    yield
    translation.activate(settings.LANGUAGE_CODE)


@pytest.fixture(autouse=True)
def _media_of_the_test(settings, tmp_path):
    """Each test writes its files (Copil PDFs, logos) in a folder of its own."""
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def pmo_user(db):
    return factories.pmo_manager(username="pmo")


@pytest.fixture
def pm_user(db):
    return factories.project_manager(username="pm")


@pytest.fixture
def other_pm_user(db):
    return factories.project_manager(username="pm2")


@pytest.fixture
def exec_user(db):
    return factories.executive(username="exec")


@pytest.fixture
def integration_user(db):
    return factories.integration(username="erp")


@pytest.fixture
def no_role_user(db):
    return factories.UserFactory(username="nobody")


@pytest.fixture
def project(db, pm_user):
    """A project in execution managed by ``pm_user``."""
    return factories.ProjectFactory(project_manager=pm_user)


@pytest.fixture
def api_client():
    return APIClient()


@pytest.fixture
def api_as():
    """``api_as(user)``: an API client authenticated with a personal token of the user (every
    scope: what the account may do, the API lets it).

    The token counts as just used: its last use is written at most once a minute, so the
    first call of a test would otherwise run one query more than the next (query counts)."""
    from pmo.models import ApiToken
    from pmo.tokens import token_create

    def make(user):
        client = APIClient()
        if user is not None:
            token, key = token_create(actor=user, name="test", kind=ApiToken.Kind.PERSONAL)
            ApiToken.objects.filter(pk=token.pk).update(last_used_at=timezone.now())
            client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
        return client

    return make


@pytest.fixture
def client_as(client):
    """``client_as(user)``: the Django test client signed in as the user."""

    def make(user):
        client.force_login(user)
        return client

    return make


# The roles of the API permission matrices, each the name of the fixture giving its user.
API_ROLES = {
    "anonymous": None,
    "no_role": "no_role_user",
    "pm": "pm_user",
    "other_pm": "other_pm_user",
    "pmo": "pmo_user",
    "executive": "exec_user",
    "integration": "integration_user",
}


@pytest.fixture
def api_for_role(request, api_as):
    """``api_for_role("pm")``: an API client for one of :data:`API_ROLES` (token auth)."""

    def make(role):
        fixture = API_ROLES[role]
        return api_as(request.getfixturevalue(fixture) if fixture else None)

    return make


@pytest.fixture
def api_list_queries(api_as, pmo_user):
    """``api_list_queries(url)``: (queries run, rows listed) for one GET of a list endpoint."""
    client = api_as(pmo_user)

    def count(url):
        with CaptureQueriesContext(connection) as context:
            response = client.get(url)
        assert response.status_code == 200, response.content
        return len(context.captured_queries), len(response.json()["results"])

    return count


# The people a page's permission matrix is checked against, by the fixture giving each.
# "pm_own" manages the ``project`` fixture's project; "pm_other" manages another project.
ROLE_FIXTURES = {
    "no_role": "no_role_user",
    "pm_own": "pm_user",
    "pm_other": "other_pm_user",
    "pmo": "pmo_user",
    "exec": "exec_user",
    "integration": "integration_user",
}
ROLES = ("anonymous", *ROLE_FIXTURES)


@pytest.fixture
def user_in_role(request):
    """``user_in_role("pm_own")``: the user of one of :data:`ROLES` (None for "anonymous")."""

    def get(role):
        if role == "anonymous":
            return None
        return request.getfixturevalue(ROLE_FIXTURES[role])

    return get


@pytest.fixture
def client_in_role(client, user_in_role):
    """``client_in_role("pmo")``: the Django test client signed in as that role's user."""

    def make(role):
        user = user_in_role(role)
        if user is not None:
            client.force_login(user)
        return client

    return make


@pytest.fixture
def api_with_token(db, pmo_user):
    """``api_with_token(scopes, user=None)``: an API client with an integration token of those
    scopes, acting as ``user`` (an Integration account; a new service account when None).
    The client's ``token`` and ``key`` are the token and its key; the token counts as just
    used, as ``api_as``'s does."""
    from pmo.models import ApiToken
    from pmo.tokens import INTEGRATION_DEFAULT_LIFETIME, token_create

    def make(scopes, user=None):
        token, key = token_create(
            actor=pmo_user,
            name="integration under test",
            scopes=list(scopes),
            expires_at=timezone.now() + INTEGRATION_DEFAULT_LIFETIME,
            user=user,
        )
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=timezone.now())
        client = APIClient()
        client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
        client.token, client.key = token, key
        return client

    return make

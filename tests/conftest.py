"""Fixtures shared by every test: people in each role, an API client per role."""

import pytest
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from tests import factories


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
    """``api_as(user)``: an API client authenticated with the user's token."""

    def make(user):
        client = APIClient()
        if user is not None:
            token, _ = Token.objects.get_or_create(user=user)
            client.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
        return client

    return make


@pytest.fixture
def client_as(client):
    """``client_as(user)``: the Django test client signed in as the user."""

    def make(user):
        client.force_login(user)
        return client

    return make

"""API tokens: issued hashed, authenticating, expiring, revocable, scoped (pmo.tokens and the
API's authentication and scope permission)."""

import datetime
import hashlib

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from rest_framework.test import APIClient

from pmo.api.permissions import required_scope
from pmo.exceptions import WorkflowError
from pmo.models import ApiToken, TokenScope
from pmo.roles import Role, is_integration
from pmo.tokens import (
    PERSONAL_TOKENS_KEPT,
    token_authenticate,
    token_create,
    token_record_use,
    token_revoke,
    token_state,
)
from portfolio.api.views import ResourceCapacityViewSet
from projects.api.finance import CostEntryViewSet
from projects.api.staffing import AllocationViewSet
from projects.api.views import ProjectViewSet, StatusReportViewSet
from reporting.api_packs import ReportRunViewSet
from risks.api.views import ActionViewSet, DecisionViewSet, IssueViewSet, RiskViewSet
from tests import factories

pytestmark = pytest.mark.django_db

API = "/api/v1"
PROJECTS = f"{API}/projects/"
COST_BULK = f"{API}/cost-entries/bulk/"
IN_A_YEAR = datetime.timedelta(days=365)


def integration_token(actor, **kwargs):
    values = {
        "name": "SAP actuals",
        "scopes": [TokenScope.READ],
        "expires_at": timezone.now() + IN_A_YEAR,
        **kwargs,
    }
    return token_create(actor=actor, **values)


def client_with(key, scheme="Token"):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"{scheme} {key}")
    return client


def token_writes(context) -> list[str]:
    return [
        q["sql"] for q in context.captured_queries if q["sql"].startswith('UPDATE "pmo_apitoken"')
    ]


# --- the key ----------------------------------------------------------------------------------


def test_only_the_hash_of_the_key_is_stored(pmo_user):
    token, key = integration_token(pmo_user)

    row = ApiToken.objects.filter(pk=token.pk).values().get()
    assert key not in [str(value) for value in row.values()]
    assert row["key_hash"] == hashlib.sha256(key.encode()).hexdigest()
    assert key.startswith("plt_")
    assert key.startswith(row["prefix"])


def test_two_tokens_never_share_a_key_or_a_prefix(pmo_user):
    first, first_key = integration_token(pmo_user, name="one")
    second, second_key = integration_token(pmo_user, name="two")

    assert first_key != second_key
    assert first.prefix != second.prefix


def test_a_new_key_opens_the_api_as_its_account(pmo_user):
    token, key = integration_token(pmo_user)

    response = client_with(key).get(PROJECTS)

    assert response.status_code == 200
    assert is_integration(token.user)


def test_the_bearer_scheme_works_too(pmo_user):
    _token, key = integration_token(pmo_user)

    assert client_with(key, scheme="Bearer").get(PROJECTS).status_code == 200


# --- refused keys -----------------------------------------------------------------------------


def expire(token):
    ApiToken.objects.filter(pk=token.pk).update(
        expires_at=timezone.now() - datetime.timedelta(seconds=1)
    )


def revoke(token):
    token_revoke(token, actor=token.created_by)


def deactivate(token):
    token.user.is_active = False
    token.user.save()


@pytest.mark.parametrize(
    ("spoil", "message"),
    [
        (expire, "This token has expired."),
        (revoke, "This token has been revoked."),
        (deactivate, "The account of this token is inactive."),
    ],
    ids=["expired", "revoked", "inactive account"],
)
def test_a_spoilt_key_gets_401_saying_why(pmo_user, spoil, message):
    token, key = integration_token(pmo_user)
    spoil(token)

    response = client_with(key).get(PROJECTS)

    assert response.status_code == 401
    assert response.json()["detail"] == message
    assert response["WWW-Authenticate"] == "Token"


@pytest.mark.parametrize(
    "key",
    ["plt_0000000000000000000000000000000000000000", "0123456789abcdef0123456789abcdef01234567"],
    ids=["well formed", "old format"],
)
def test_an_unknown_key_gets_401(key):
    response = client_with(key).get(PROJECTS)

    assert response.status_code == 401
    assert response.json()["detail"] == "Invalid token."


def test_a_header_with_a_space_in_the_key_gets_401():
    response = client_with("plt_abc def").get(PROJECTS)

    assert response.status_code == 401


def test_a_key_revoked_between_two_calls_is_refused_at_the_second(pmo_user):
    token, key = integration_token(pmo_user)
    client = client_with(key)
    assert client.get(PROJECTS).status_code == 200

    token_revoke(token, actor=pmo_user)

    assert client.get(PROJECTS).status_code == 401


# --- last use ---------------------------------------------------------------------------------


def test_the_first_call_records_when_and_where_from(pmo_user):
    token, key = integration_token(pmo_user)

    client_with(key).get(PROJECTS, REMOTE_ADDR="10.1.2.3")

    token.refresh_from_db()
    assert token.last_used_ip == "10.1.2.3"
    assert timezone.now() - token.last_used_at < datetime.timedelta(seconds=10)


def test_calls_within_a_minute_do_not_write_the_last_use_again(pmo_user):
    _token, key = integration_token(pmo_user)
    client = client_with(key)
    client.get(PROJECTS)

    with CaptureQueriesContext(connection) as context:
        for _ in range(3):
            assert client.get(PROJECTS).status_code == 200

    assert token_writes(context) == []


def test_a_call_a_minute_later_records_the_use_again(pmo_user):
    token, key = integration_token(pmo_user)
    client = client_with(key)
    client.get(PROJECTS, REMOTE_ADDR="10.1.2.3")
    earlier = timezone.now() - datetime.timedelta(minutes=2)
    ApiToken.objects.filter(pk=token.pk).update(last_used_at=earlier)

    with CaptureQueriesContext(connection) as context:
        client.get(PROJECTS, REMOTE_ADDR="10.1.2.4")

    assert len(token_writes(context)) == 1
    token.refresh_from_db()
    assert token.last_used_at > earlier
    assert token.last_used_ip == "10.1.2.4"


def test_authenticating_records_the_use_once_when_two_processes_race(pmo_user):
    # Two processes hold the same stale row: the database writes the first one only.
    token, key = integration_token(pmo_user)
    stale_copy = ApiToken.objects.get(pk=token.pk)
    token_authenticate(key, ip="10.0.0.1")

    with CaptureQueriesContext(connection) as context:
        token_record_use(stale_copy, ip="10.0.0.2")

    assert ApiToken.objects.get(pk=token.pk).last_used_ip == "10.0.0.1"
    assert len(token_writes(context)) == 1  # tried, changed nothing


# --- scopes -----------------------------------------------------------------------------------


def test_a_read_needs_the_read_scope_and_says_so(api_with_token):
    response = api_with_token([TokenScope.ACTUALS]).get(PROJECTS)

    assert response.status_code == 403
    assert response.json()["detail"] == 'This token lacks the scope "read".'


def test_a_write_needs_its_scope_and_says_which(api_with_token):
    response = api_with_token([TokenScope.READ]).post(COST_BULK, {"entries": []}, format="json")

    assert response.status_code == 403
    assert response.json()["detail"] == 'This token lacks the scope "write:actuals".'


def test_with_its_scope_a_write_reaches_the_endpoint(api_with_token):
    response = api_with_token([TokenScope.ACTUALS]).post(
        COST_BULK, {"entries": "not a list"}, format="json"
    )

    assert response.status_code == 400


def test_with_its_scope_a_write_still_meets_the_accounts_rules(api_with_token, project):
    # An Integration account files no weekly status, whatever its token allows.
    client = api_with_token([TokenScope.READ, TokenScope.STATUS])

    response = client.post(f"{API}/status-reports/", {"project": project.pk}, format="json")

    assert response.status_code == 403
    assert "scope" not in response.json()["detail"]


def test_a_write_no_scope_covers_is_refused_to_an_integration_token(api_with_token):
    client = api_with_token(list(TokenScope.values))

    response = client.post(f"{API}/portfolios/", {"name": "X"}, format="json")

    assert response.status_code == 403
    assert "no scope allows it" in response.json()["detail"]


def test_a_personal_token_carries_every_scope(api_as, integration_user):
    response = api_as(integration_user).post(COST_BULK, {"entries": "x"}, format="json")

    assert response.status_code == 400


def test_a_session_is_not_limited_by_scopes(client_as, integration_user):
    response = client_as(integration_user).post(
        COST_BULK, {"entries": "x"}, content_type="application/json"
    )

    assert response.status_code == 400


@pytest.mark.parametrize(
    ("viewset", "scope"),
    [
        (CostEntryViewSet, TokenScope.ACTUALS),
        (AllocationViewSet, TokenScope.ALLOCATIONS),
        (ResourceCapacityViewSet, TokenScope.CAPACITY),
        (StatusReportViewSet, TokenScope.STATUS),
        (RiskViewSet, TokenScope.RAID),
        (IssueViewSet, TokenScope.RAID),
        (ActionViewSet, TokenScope.RAID),
        (DecisionViewSet, TokenScope.RAID),
        (ReportRunViewSet, TokenScope.REPORTS),
        (ProjectViewSet, None),
    ],
)
def test_each_write_asks_the_scope_of_its_resource(viewset, scope):
    view = viewset()

    assert required_scope(view, "GET") == TokenScope.READ
    assert all(required_scope(view, method) == scope for method in ("POST", "PUT", "PATCH"))


# --- creating and revoking ---------------------------------------------------------------------


@pytest.mark.parametrize("role", ["pm_user", "exec_user", "integration_user", "no_role_user"])
def test_only_a_pmo_manager_creates_an_integration_token(request, role):
    actor = request.getfixturevalue(role)

    with pytest.raises(PermissionDenied):
        integration_token(actor)

    assert not ApiToken.objects.exists()


def test_a_token_without_account_gets_a_new_service_account(pmo_user):
    token, _key = integration_token(pmo_user, name="SAP actuals")

    account = token.user
    assert account.username == "sap-actuals"
    assert account.first_name == "SAP actuals"
    assert not account.has_usable_password()
    assert list(account.groups.values_list("name", flat=True)) == [Role.INTEGRATION]


def test_a_service_account_name_already_taken_gets_a_suffix(pmo_user):
    factories.UserFactory(username="sap-actuals")

    token, _key = integration_token(pmo_user, name="SAP actuals")

    assert token.user.username == "sap-actuals-2"


def test_a_token_may_act_as_an_existing_integration_account(pmo_user, integration_user):
    token, _key = integration_token(pmo_user, user=integration_user)

    assert token.user == integration_user


@pytest.mark.parametrize("role", ["pm_user", "pmo_user"])
def test_an_integration_token_never_acts_as_a_person(request, pmo_user, role):
    with pytest.raises(ValidationError) as error:
        integration_token(pmo_user, user=request.getfixturevalue(role))

    assert "user" in error.value.message_dict


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"expires_at": None}, "expires_at"),
        ({"expires_at": timezone.now() - datetime.timedelta(days=1)}, "expires_at"),
        ({"expires_at": timezone.now() + datetime.timedelta(days=2 * 365 + 2)}, "expires_at"),
        ({"scopes": []}, "scopes"),
        ({"scopes": ["write:everything"]}, "scopes"),
        ({"name": "  "}, "name"),
    ],
    ids=["no expiry", "past", "beyond two years", "no scope", "unknown scope", "no name"],
)
def test_a_bad_token_is_refused_naming_the_field_and_nothing_is_created(pmo_user, changes, field):
    users_before = factories.UserFactory._meta.model.objects.count()

    with pytest.raises(ValidationError) as error:
        integration_token(pmo_user, **changes)

    assert field in error.value.message_dict
    assert not ApiToken.objects.exists()
    assert factories.UserFactory._meta.model.objects.count() == users_before


def test_revoking_twice_is_a_conflict(pmo_user):
    token, _key = integration_token(pmo_user)
    token_revoke(token, actor=pmo_user)

    with pytest.raises(WorkflowError):
        token_revoke(token, actor=pmo_user)


@pytest.mark.parametrize("role", ["pm_user", "exec_user", "integration_user"])
def test_only_a_pmo_manager_revokes_an_integration_token(request, pmo_user, role):
    token, _key = integration_token(pmo_user)

    with pytest.raises(PermissionDenied):
        token_revoke(token, actor=request.getfixturevalue(role))

    token.refresh_from_db()
    assert token.revoked_at is None


def test_revoking_records_who_and_when(pmo_user):
    token, _key = integration_token(pmo_user)

    token_revoke(token, actor=pmo_user)

    token.refresh_from_db()
    assert token.revoked_by == pmo_user
    assert timezone.now() - token.revoked_at < datetime.timedelta(seconds=10)


# --- personal tokens and the token endpoint ------------------------------------------------------


def test_the_token_endpoint_issues_a_personal_token_of_ninety_days(integration_user):
    response = APIClient().post(
        f"{API}/auth/token/", {"username": "erp", "password": factories.TEST_PASSWORD}
    )

    key = response.json()["token"]
    token = ApiToken.objects.get(user=integration_user)
    assert token.kind == ApiToken.Kind.PERSONAL
    assert token.key_hash == hashlib.sha256(key.encode()).hexdigest()
    assert set(token.scopes) == set(TokenScope.values)
    lifetime = token.expires_at - token.created_at
    assert datetime.timedelta(days=89) < lifetime <= datetime.timedelta(days=90)
    assert client_with(key).get(PROJECTS).status_code == 200


def test_a_service_account_cannot_obtain_a_token_with_a_password(pmo_user):
    token, _key = integration_token(pmo_user, name="sap")

    response = APIClient().post(f"{API}/auth/token/", {"username": "sap", "password": ""})

    assert response.status_code == 400
    assert ApiToken.objects.filter(user=token.user).count() == 1


def test_past_the_personal_tokens_kept_the_oldest_are_revoked(pm_user):
    keys = [
        token_create(actor=pm_user, name="cli", kind=ApiToken.Kind.PERSONAL)[1]
        for _ in range(PERSONAL_TOKENS_KEPT + 1)
    ]

    assert client_with(keys[0]).get(PROJECTS).status_code == 401
    assert client_with(keys[1]).get(PROJECTS).status_code == 200
    assert client_with(keys[-1]).get(PROJECTS).status_code == 200


def test_a_personal_token_is_its_owners_own(pmo_user, pm_user):
    with pytest.raises(PermissionDenied):
        token_create(actor=pmo_user, name="x", kind=ApiToken.Kind.PERSONAL, user=pm_user)


def test_a_person_may_revoke_their_own_personal_token(pm_user):
    token, key = token_create(actor=pm_user, name="cli", kind=ApiToken.Kind.PERSONAL)

    token_revoke(token, actor=pm_user)

    assert client_with(key).get(PROJECTS).status_code == 401


def test_the_demo_gives_the_erp_account_an_active_an_expired_and_a_revoked_token(
    pmo_user, integration_user
):
    from collections import Counter
    from types import SimpleNamespace

    from reporting.demo_tokens import load_tokens

    loader = SimpleNamespace(
        users={"erp": integration_user, "pmo": pmo_user},
        now=timezone.now(),
        report=SimpleNamespace(created=Counter()),
    )
    load_tokens(loader)
    load_tokens(loader)

    tokens = ApiToken.objects.filter(user=integration_user)
    assert sorted(token_state(token) for token in tokens) == ["active", "expired", "revoked"]
    active = next(token for token in tokens if token_state(token) == "active")
    assert set(active.scopes) == {TokenScope.READ, TokenScope.ACTUALS, TokenScope.ALLOCATIONS}
    assert loader.report.created["api_tokens"] == 3

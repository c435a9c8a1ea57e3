"""API tokens: creating, revoking and authenticating keys (see :class:`pmo.models.ApiToken`).

A key reads ``plt_<prefix><secret>``: the prefix (8 hex digits) lets a person recognise a key
in the list without it being kept; the secret is random. Only the SHA-256 of the whole key is
stored, so a copy of the database opens nothing.
"""

import datetime
import hashlib
import hmac
import re
import secrets

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _

from pmo import rules
from pmo.exceptions import WorkflowError
from pmo.models import ApiToken, TokenScope
from pmo.roles import Role, forget_roles, has_any_role, is_integration, is_pmo_manager

KEY_START = "plt_"
PREFIX_LENGTH = 8
# An integration's key lives at most this long: long enough not to break a nightly job
# every quarter, short enough that a forgotten key does not open the API for ever.
INTEGRATION_MAX_LIFETIME = datetime.timedelta(days=2 * 365)
INTEGRATION_DEFAULT_LIFETIME = datetime.timedelta(days=365)
PERSONAL_LIFETIME = datetime.timedelta(days=90)
# A person (or a script) asking the token endpoint again and again gets a new key each time:
# past this many, the oldest active ones are revoked, so keys do not pile up.
PERSONAL_TOKENS_KEPT = 25
# Last use is written at most this often per token: not one write per API call.
LAST_USE_PRECISION = datetime.timedelta(minutes=1)


class ApiTokenRules(rules.ModelRules):
    """Tokens are the PMO's: PMO managers see, create and revoke them; nobody deletes one
    (a revoked token stays, with who revoked it). Each person keeps their own personal keys."""

    def can_view(self, user, obj=None) -> bool:
        return is_pmo_manager(user)

    def can_revoke(self, user, obj=None) -> bool:
        return is_pmo_manager(user)

    def can_keep_own(self, user, obj=None) -> bool:
        """Whoever works in Pilotage may hold personal keys (their own page)."""
        return has_any_role(user)


rules.register(ApiToken)(ApiTokenRules)


# ------------------------------------------------------------------------------
# Keys
# ------------------------------------------------------------------------------
def hash_key(key: str) -> str:
    """The SHA-256 of a key, as stored: a key is random and long, no salt or stretching is
    needed to make guessing it from the hash hopeless."""
    return hashlib.sha256(key.encode()).hexdigest()


def _new_key() -> tuple[str, str]:
    """A fresh (prefix, key); the prefix is the start of the key shown in lists."""
    prefix = KEY_START + secrets.token_hex(PREFIX_LENGTH // 2)
    return prefix, prefix + secrets.token_urlsafe(32)


def all_scopes() -> list[str]:
    return list(TokenScope.values)


def token_state(token: ApiToken, now: datetime.datetime | None = None) -> str:
    """``revoked``, ``expired`` or ``active``."""
    if token.revoked_at is not None:
        return "revoked"
    if token.expires_at is not None and token.expires_at <= (now or timezone.now()):
        return "expired"
    return "active"


def token_has_scope(token: ApiToken, scope: str | None) -> bool:
    """Whether ``token`` allows ``scope``; a personal token allows every scope."""
    if scope is None:
        return token.kind == ApiToken.Kind.PERSONAL
    return token.kind == ApiToken.Kind.PERSONAL or scope in (token.scopes or ())


# ------------------------------------------------------------------------------
# Service accounts
# ------------------------------------------------------------------------------
def _free_username(name: str) -> str:
    User = get_user_model()
    base = (slugify(name) or "integration")[:140]
    candidate, number = base, 1
    while User.objects.filter(username__iexact=candidate).exists():
        number += 1
        candidate = f"{base}-{number}"
    return candidate


def service_account_create(*, name: str):
    """A user for an integration: the Integration role, no password (it signs in with its
    token only), named after the token."""
    User = get_user_model()
    user = User(username=_free_username(name), first_name=name[:150])
    user.set_unusable_password()
    user.full_clean()
    user.save()
    user.groups.add(Group.objects.get(name=Role.INTEGRATION))
    forget_roles(user)
    return user


def integration_accounts():
    """The active users of the Integration role: the accounts an integration token may act
    as."""
    return (
        get_user_model()
        .objects.filter(groups__name=Role.INTEGRATION, is_active=True)
        .distinct()
        .order_by("username")
    )


# ------------------------------------------------------------------------------
# Services
# ------------------------------------------------------------------------------
def _check_expiry(kind: str, expires_at, now) -> None:
    if expires_at is None:
        if kind == ApiToken.Kind.INTEGRATION:
            raise ValidationError(
                {"expires_at": _("An integration token needs an expiry date.")}, code="required"
            )
        return
    if expires_at <= now:
        raise ValidationError({"expires_at": _("The expiry must be in the future.")}, code="past")
    if kind == ApiToken.Kind.INTEGRATION and expires_at > now + INTEGRATION_MAX_LIFETIME:
        raise ValidationError(
            {"expires_at": _("A token lives at most two years: choose an earlier expiry.")},
            code="too_far",
        )


def _check_scopes(scopes) -> list[str]:
    scopes = list(dict.fromkeys(scopes or ()))
    unknown = [scope for scope in scopes if scope not in TokenScope.values]
    if unknown:
        raise ValidationError(
            {"scopes": _("Unknown scope: %(scopes)s.") % {"scopes": ", ".join(map(str, unknown))}},
            code="invalid",
        )
    if not scopes:
        raise ValidationError({"scopes": _("Choose at least one scope.")}, code="required")
    # In the order of TokenScope, so that lists read the same for every token.
    return [scope for scope in TokenScope.values if scope in scopes]


@transaction.atomic
def token_create(
    *,
    actor,
    name: str,
    scopes=(),
    expires_at: datetime.datetime | None = None,
    user=None,
    kind: str = ApiToken.Kind.INTEGRATION,
) -> tuple[ApiToken, str]:
    """Create a token and return it with its key, which is not kept anywhere: the caller
    shows it once.

    An integration token is a PMO manager's to create; it acts as ``user`` (an Integration
    account) or, without one, as a new service account named after the token. Its expiry is
    required, in the future, at most two years away. A personal token is its owner's own
    (``actor``), carries every scope and expires after 90 days unless told otherwise.
    """
    now = timezone.now()
    name = (name or "").strip()
    if kind == ApiToken.Kind.PERSONAL:
        if user is not None and user != actor:
            raise PermissionDenied(_("A personal token is its owner's own."))
        user = actor
        scopes = all_scopes()
        expires_at = expires_at or now + PERSONAL_LIFETIME
    elif kind == ApiToken.Kind.INTEGRATION:
        if not rules.can(actor, "add", ApiToken):
            raise PermissionDenied(_("Only PMO managers create integration tokens."))
        scopes = _check_scopes(scopes)
    else:
        raise ValidationError({"kind": _("Unknown kind of token.")}, code="invalid")
    if not name:
        raise ValidationError({"name": _("Give the token a name.")}, code="required")
    _check_expiry(kind, expires_at, now)
    if kind == ApiToken.Kind.INTEGRATION:
        if user is None:
            user = service_account_create(name=name)
        elif not (user.is_active and is_integration(user)):
            raise ValidationError(
                {"user": _("An integration token acts as an active Integration account.")},
                code="invalid",
            )
    prefix, key = _new_key()
    token = ApiToken(
        name=name,
        kind=kind,
        user=user,
        scopes=scopes,
        prefix=prefix,
        key_hash=hash_key(key),
        created_by=actor,
        expires_at=expires_at,
    )
    token.full_clean()
    token.save()
    if kind == ApiToken.Kind.PERSONAL:
        _revoke_surplus_personal_tokens(user, actor=actor, now=now)
    return token, key


def _revoke_surplus_personal_tokens(user, *, actor, now) -> None:
    active = ApiToken.objects.filter(
        user=user, kind=ApiToken.Kind.PERSONAL, revoked_at__isnull=True, expires_at__gt=now
    ).order_by("-created_at", "-pk")
    surplus = list(active.values_list("pk", flat=True)[PERSONAL_TOKENS_KEPT:])
    if surplus:
        ApiToken.objects.filter(pk__in=surplus).update(revoked_at=now, revoked_by=actor)


@transaction.atomic
def token_revoke(token: ApiToken, *, actor) -> ApiToken:
    """Revoke a token at once: the next call with its key is refused. A PMO manager revokes
    any token; a person their own personal ones. Revoking twice is refused (409)."""
    own_personal = token.kind == ApiToken.Kind.PERSONAL and token.user_id == actor.pk
    if not (own_personal or rules.can(actor, "revoke", token)):
        raise PermissionDenied(_("Only PMO managers revoke tokens."))
    token = ApiToken.objects.select_for_update().get(pk=token.pk)
    if token.revoked_at is not None:
        raise WorkflowError(_("This token is already revoked."))
    token.revoked_at = timezone.now()
    token.revoked_by = actor
    token.save(update_fields=["revoked_at", "revoked_by"])
    return token


# Keys issued before tokens were hashed (40 hex digits), kept working by migration pmo/0004.
FORMER_KEY = re.compile(r"[0-9a-f]{40}")


def token_for_key(key: str) -> ApiToken | None:
    """The token whose key this is (revoked or expired ones included), with its user; None
    for a key that was never issued.

    The database finds the row by the key's hash, never by the key: how long the lookup takes
    says nothing about how close a guess is. The hash is compared again in constant time.
    """
    if not key or len(key) > 200:
        return None
    if not (key.startswith(KEY_START) or FORMER_KEY.fullmatch(key)):
        return None
    digest = hash_key(key)
    token = ApiToken.objects.select_related("user").filter(key_hash=digest).first()
    if token is None or not hmac.compare_digest(token.key_hash, digest):
        return None
    return token


def token_authenticate(key: str, *, ip: str | None = None) -> ApiToken:
    """The usable token of ``key``, its last use recorded; ``ValidationError`` saying why
    not (unknown, revoked, expired, inactive account)."""
    token = token_for_key(key)
    now = timezone.now()
    if token is None:
        raise ValidationError(_("Invalid token."), code="unknown")
    if token.revoked_at is not None:
        raise ValidationError(_("This token has been revoked."), code="revoked")
    if token.expires_at is not None and token.expires_at <= now:
        raise ValidationError(_("This token has expired."), code="expired")
    if not token.user.is_active:
        raise ValidationError(_("The account of this token is inactive."), code="inactive")
    token_record_use(token, ip=ip, now=now)
    return token


def token_record_use(token: ApiToken, *, ip: str | None, now=None) -> None:
    """Note when and from where a token was last used, at most once a minute per token.

    The update is conditional in the database as well, so that several processes serving the
    same integration at once write it once.
    """
    now = now or timezone.now()
    stale = now - LAST_USE_PRECISION
    if token.last_used_at is not None and token.last_used_at > stale:
        return
    updated = (
        ApiToken.objects.filter(pk=token.pk)
        .filter(Q(last_used_at__isnull=True) | Q(last_used_at__lte=stale))
        .update(last_used_at=now, last_used_ip=ip)
    )
    if updated:
        token.last_used_at, token.last_used_ip = now, ip

"""The demo's API tokens: three of the "erp" integration account, one in each state.

Keys are random and shown nowhere: the demo only shows what the token list looks like. A
token is found again by its account and name, so a second load creates nothing.
"""

import datetime

from django.utils import timezone

from pmo.models import ApiToken, TokenScope
from pmo.tokens import token_create, token_revoke

DEMO_TOKENS = (
    # name, scopes, days until expiry (negative: expired), revoked, days ago created
    (
        "SAP actuals and staffing (nightly)",
        (TokenScope.READ, TokenScope.ACTUALS, TokenScope.ALLOCATIONS),
        300,
        False,
        65,
    ),
    ("SAP actuals (2024 interface)", (TokenScope.READ, TokenScope.ACTUALS), -20, False, 385),
    ("BI extract (replaced)", (TokenScope.READ,), 200, True, 160),
)


def load_tokens(loader) -> None:
    """The tokens of the "erp" account: active, expired and revoked."""
    erp = loader.users.get("erp")
    pmo = loader.users.get("pmo")
    if erp is None or pmo is None:
        return
    # The demo's day (it may be loaded as of an earlier one).
    now = loader.now
    for name, scopes, expires_in, revoked, created_ago in DEMO_TOKENS:
        if ApiToken.objects.filter(user=erp, name=name).exists():
            continue
        created_at = now - datetime.timedelta(days=created_ago)
        token, _key = token_create(
            actor=pmo,
            name=name,
            scopes=list(scopes),
            # Any valid expiry to create it; then the one of the story (maybe past).
            expires_at=timezone.now() + datetime.timedelta(days=365),
            user=erp,
        )
        changes = {
            "created_at": created_at,
            "expires_at": now + datetime.timedelta(days=expires_in),
        }
        if expires_in < 0:
            changes["last_used_at"] = changes["expires_at"] - datetime.timedelta(days=1)
            changes["last_used_ip"] = "10.20.0.14"
        elif not revoked:
            changes["last_used_at"] = now - datetime.timedelta(hours=9)
            changes["last_used_ip"] = "10.20.0.15"
        ApiToken.objects.filter(pk=token.pk).update(**changes)
        if revoked:
            token_revoke(token, actor=pmo)
            # Replaced a month ago, after months of use.
            ApiToken.objects.filter(pk=token.pk).update(
                revoked_at=now - datetime.timedelta(days=30),
                last_used_at=now - datetime.timedelta(days=31),
                last_used_ip="10.20.0.21",
            )
        loader.report.created["api_tokens"] += 1

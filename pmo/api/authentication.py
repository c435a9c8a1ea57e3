"""API authentication by token: ``Authorization: Token <key>`` (or ``Bearer <key>``).

The key is an :class:`pmo.models.ApiToken`'s: ``request.user`` is the account it acts as,
``request.auth`` the token itself (its scopes are checked by
:class:`pmo.api.permissions.TokenScopePermission`).
"""

import ipaddress

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from rest_framework import authentication, exceptions

from pmo.throttling import client_ip

SCHEMES = ("token", "bearer")


def _address(request) -> str | None:
    ip = client_ip(request)
    try:
        return str(ipaddress.ip_address(ip))
    except ValueError:
        return None


class ApiTokenAuthentication(authentication.BaseAuthentication):
    """Authenticates a request carrying an API token; 401 with the reason when the key is
    unknown, revoked, expired or its account inactive."""

    # What the 401 answers invite: the scheme integrations already use.
    keyword = "Token"

    def authenticate(self, request):
        parts = authentication.get_authorization_header(request).split()
        if not parts or parts[0].lower().decode(errors="replace") not in SCHEMES:
            return None
        if len(parts) != 2:
            raise exceptions.AuthenticationFailed(
                _("Invalid token header: send the key after the scheme, with no space in it.")
            )
        try:
            key = parts[1].decode()
        except UnicodeError:
            raise exceptions.AuthenticationFailed(_("Invalid token.")) from None
        # Here, not at the top: DRF imports this class with its settings, maybe before the
        # models are ready.
        from pmo.tokens import token_authenticate

        try:
            token = token_authenticate(key, ip=_address(request))
        except ValidationError as error:
            raise exceptions.AuthenticationFailed(error.messages[0]) from None
        return token.user, token

    def authenticate_header(self, request):
        return self.keyword


class ApiTokenScheme(OpenApiAuthenticationExtension):
    """How the schema describes the token: a header, as DRF's own token scheme was."""

    target_class = ApiTokenAuthentication
    name = "tokenAuth"

    def get_security_definition(self, auto_schema):
        return {
            "type": "apiKey",
            "in": "header",
            "name": "Authorization",
            "description": _(
                'An API token, prefixed by "Token" (or "Bearer"): `Token plt_…`. PMO managers '
                "create integration tokens in Settings; `/api/v1/auth/token/` gives a "
                "personal one."
            ),
        }

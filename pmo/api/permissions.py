"""The API asks the same rules as the pages (:mod:`pmo.rules`)."""

from django.utils.translation import gettext as _
from rest_framework.permissions import SAFE_METHODS, BasePermission

from pmo.rules import can

METHOD_ACTIONS = {
    "GET": "view",
    "HEAD": "view",
    "OPTIONS": "view",
    "POST": "add",
    "PUT": "change",
    "PATCH": "change",
    "DELETE": "delete",
}


def _model_of(view):
    queryset = getattr(view, "queryset", None)
    return getattr(view, "rules_model", None) or (queryset.model if queryset is not None else None)


class RulePermission(BasePermission):
    """Model-level check on every request, object-level check on every object."""

    def has_permission(self, request, view):
        if not hasattr(view, request.method.lower()):
            # The view does not offer this method: let it answer 405, not 403.
            return bool(request.user and request.user.is_authenticated)
        model = _model_of(view)
        if model is None:
            return bool(request.user and request.user.is_authenticated)
        action = getattr(view, "rules_action", None) or METHOD_ACTIONS.get(request.method)
        return action is not None and can(request.user, action, model)

    def has_object_permission(self, request, view, obj):
        action = getattr(view, "rules_action", None) or METHOD_ACTIONS.get(request.method)
        if action == "add":
            action = "change"
        return action is not None and can(request.user, action, obj)


# ------------------------------------------------------------------------------
# API token scopes
# ------------------------------------------------------------------------------
def required_scope(view, method: str):
    """The token scope a call of ``method`` on ``view`` needs: ``read`` for a safe method,
    the view's ``token_scope`` otherwise (an action may set its own); None when no scope
    allows the call (an integration token is refused, a personal token passes)."""
    from pmo.models import TokenScope

    if method.upper() in SAFE_METHODS:
        return TokenScope.READ
    return getattr(view, "token_scope", None)


class TokenScopePermission(BasePermission):
    """A call with an API token stays within the token's scopes (a personal token has them
    all); the account's own rules apply on top (:class:`RulePermission`)."""

    def has_permission(self, request, view):
        from pmo.models import ApiToken
        from pmo.tokens import token_has_scope

        token = getattr(request, "auth", None)
        if not isinstance(token, ApiToken) or not hasattr(view, request.method.lower()):
            return True
        scope = required_scope(view, request.method)
        if token_has_scope(token, scope):
            return True
        if scope is None:
            self.message = _("An API token may not make this change: no scope allows it.")
        else:
            self.message = _('This token lacks the scope "%(scope)s".') % {"scope": scope}
        return False

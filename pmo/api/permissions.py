"""The API asks the same rules as the pages (:mod:`pmo.rules`)."""

from rest_framework.permissions import BasePermission

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

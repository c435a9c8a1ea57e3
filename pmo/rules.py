"""The permission rules of Pilotage: one place, asked by pages, API and admin alike.

Each app declares the rules of its models in its own ``rules.py`` (imported when the app is
ready) by subclassing :class:`ModelRules` and registering it. Everything else asks
:func:`can`, directly or through ``user.has_perm()`` via :class:`RulesBackend`.

Actions are Django's: ``view``, ``add``, ``change``, ``delete``. ``add`` may be asked with a
parent object (for example adding a milestone *to this project*). A model's rules may add
workflow actions of their own (``decide`` on a change request): a ``can_<action>`` method.
"""

from django.apps import apps

from pmo.roles import has_any_role, is_pmo_manager

ACTIONS = ("view", "add", "change", "delete")

_registry: dict[type, "ModelRules"] = {}


class ModelRules:
    """Default rules: every role reads; only PMO managers write; nobody deletes."""

    def can_view(self, user, obj=None) -> bool:
        return has_any_role(user)

    def can_add(self, user, parent=None) -> bool:
        return is_pmo_manager(user)

    def can_change(self, user, obj=None) -> bool:
        return is_pmo_manager(user)

    def can_delete(self, user, obj=None) -> bool:
        return False


def register(model):
    """Class decorator registering the rules of ``model``."""

    def decorator(rules_class):
        _registry[model] = rules_class()
        return rules_class

    return decorator


def rules_for(model) -> ModelRules | None:
    return _registry.get(model)


def can(user, action: str, target, parent=None) -> bool:
    """Whether ``user`` may do ``action`` on ``target`` (a model class or an instance).

    Models without registered rules are outside the application's rules: nobody but a
    superuser (through Django's own checks) may touch them.
    """
    model = target if isinstance(target, type) else type(target)
    obj = None if isinstance(target, type) else target
    model_rules = rules_for(model)
    if action not in ACTIONS and not hasattr(model_rules, f"can_{action}"):
        raise ValueError(f"Unknown action {action!r}")
    if user is None or not user.is_authenticated or not user.is_active:
        return False
    if model_rules is None:
        return False
    if action == "add":
        return model_rules.can_add(user, parent)
    return getattr(model_rules, f"can_{action}")(user, obj)


class RulesBackend:
    """Authentication backend answering ``has_perm`` from the rules (authenticates nobody).

    It makes ``user.has_perm("projects.change_project", project)`` and the admin follow the
    same rules as pages and API.
    """

    def authenticate(self, request, **credentials):
        return None

    def has_perm(self, user_obj, perm, obj=None):
        try:
            app_label, codename = perm.split(".", 1)
            action, model_name = codename.split("_", 1)
            model = apps.get_model(app_label, model_name)
        except (ValueError, LookupError):
            return False
        if action not in ACTIONS or rules_for(model) is None:
            return False
        return can(user_obj, action, obj if obj is not None else model)

    def has_module_perms(self, user_obj, app_label):
        return any(
            m._meta.app_label == app_label and r.can_view(user_obj) for m, r in _registry.items()
        )

"""The roles of Pilotage, each a Django group created by a data migration."""

from django.contrib.auth import get_user_model
from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    """A role is a group name (stored, never translated) with a translated label."""

    PMO_MANAGER = "PMO manager", _("PMO manager")
    PROJECT_MANAGER = "Project manager", _("Project manager")
    EXECUTIVE = "Executive", _("Executive")
    INTEGRATION = "Integration", _("Integration")


_CACHE_ATTRIBUTE = "_pilotage_roles"


def roles_of(user) -> frozenset[str]:
    """Return the role names of ``user``, read once per user object."""
    if user is None or not user.is_authenticated or not user.is_active:
        return frozenset()
    cached = getattr(user, _CACHE_ATTRIBUTE, None)
    if cached is None:
        names = set(user.groups.values_list("name", flat=True))
        cached = frozenset(names & set(Role.values))
        setattr(user, _CACHE_ATTRIBUTE, cached)
    return cached


def forget_roles(user) -> None:
    """Drop the cached roles after the user's groups changed."""
    if hasattr(user, _CACHE_ATTRIBUTE):
        delattr(user, _CACHE_ATTRIBUTE)


def is_pmo_manager(user) -> bool:
    """PMO managers set up and govern everything; superusers count as such."""
    return bool(user and user.is_active and user.is_superuser) or (
        Role.PMO_MANAGER in roles_of(user)
    )


def is_project_manager(user) -> bool:
    return Role.PROJECT_MANAGER in roles_of(user)


def is_executive(user) -> bool:
    return Role.EXECUTIVE in roles_of(user)


def is_integration(user) -> bool:
    return Role.INTEGRATION in roles_of(user)


def has_any_role(user) -> bool:
    """A user without any role sees nothing of the portfolio."""
    return is_pmo_manager(user) or bool(roles_of(user))


def oversees_portfolio(user) -> bool:
    """PMO managers and executives watch the whole portfolio (compliance, dashboards)."""
    return is_pmo_manager(user) or is_executive(user)


def pmo_managers_to_email():
    """The active PMO managers with an email address: who the PMO's emails go to."""
    return (
        get_user_model()
        .objects.filter(groups__name=Role.PMO_MANAGER, is_active=True)
        .exclude(email="")
        .distinct()
        .order_by("pk")
    )

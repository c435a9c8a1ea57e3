"""Template context shared by every page: the navigation that fits the user's roles."""

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from pmo.roles import (
    has_any_role,
    is_pmo_manager,
    is_project_manager,
    oversees_portfolio,
    roles_of,
)


def navigation(request):
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    items = []
    if has_any_role(user):
        items = [
            (_("Home"), reverse("home")),
            *([(_("My week"), reverse("projects:my_week"))] if is_project_manager(user) else []),
            (_("Projects"), reverse("projects:project_list")),
            (_("Milestones"), reverse("projects:milestone_list")),
            (_("Programmes"), reverse("portfolio:programme_list")),
            (_("Portfolios"), reverse("portfolio:portfolio_list")),
            (_("Objectives"), reverse("portfolio:objective_list")),
        ]
        if oversees_portfolio(user):
            items.append((_("Compliance"), reverse("reporting:compliance")))
        if is_pmo_manager(user):
            items.append((_("Reporting calendar"), reverse("projects:reporting_calendar")))
            items.append((_("API"), reverse("api-docs")))
    path = request.path
    current = max(
        (url for _label, url in items if url != "/" and path.startswith(url)),
        key=len,
        default="/" if path == "/" else None,
    )
    return {
        "nav_items": [
            {"label": label, "url": url, "active": url == current} for label, url in items
        ],
        "user_roles": sorted(roles_of(user)),
        "user_is_pmo": is_pmo_manager(user),
    }

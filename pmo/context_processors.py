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

# The RAID log's pages share one navigation item and, inside, a tab per kind of entry.
RAID_PREFIX = "/raid/"
RAID_TABS = (
    (_("Risks"), "risks:risk_list"),
    (_("Issues"), "risks:issue_list"),
    (_("Actions"), "risks:action_list"),
    (_("Decisions"), "risks:decision_list"),
)


def navigation(request):
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    # Each item: its label, its link, and the start of the paths it is the current item of.
    items = []
    if has_any_role(user):
        items = [
            (_("Home"), reverse("home")),
            *([(_("My week"), reverse("projects:my_week"))] if is_project_manager(user) else []),
            (_("Projects"), reverse("projects:project_list")),
            (_("Milestones"), reverse("projects:milestone_list")),
            (_("RAID log"), reverse("risks:risk_list"), RAID_PREFIX),
            (_("Change requests"), reverse("risks:change_list")),
            (_("Programmes"), reverse("portfolio:programme_list")),
            (_("Portfolios"), reverse("portfolio:portfolio_list")),
            (_("Objectives"), reverse("portfolio:objective_list")),
        ]
        if oversees_portfolio(user):
            items.append((_("Compliance"), reverse("reporting:compliance")))
        if is_pmo_manager(user):
            items.append((_("Reporting calendar"), reverse("projects:reporting_calendar")))
            items.append((_("Risk policy"), reverse("risks:risk_policy")))
            items.append((_("API"), reverse("api-docs")))
    items = [(label, url, prefix[0] if prefix else url) for label, url, *prefix in items]
    path = request.path
    current = max(
        (prefix for _label, _url, prefix in items if prefix != "/" and path.startswith(prefix)),
        key=len,
        default="/" if path == "/" else None,
    )
    context = {
        "nav_items": [
            {"label": label, "url": url, "active": prefix == current}
            for label, url, prefix in items
        ],
        "user_roles": sorted(roles_of(user)),
        "user_is_pmo": is_pmo_manager(user),
    }
    if items and path.startswith(RAID_PREFIX):
        tabs = [(label, reverse(name)) for label, name in RAID_TABS]
        context["raid_tabs"] = [
            {"label": label, "url": url, "active": path.startswith(url)} for label, url in tabs
        ]
    return context

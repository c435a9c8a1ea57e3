"""Template context shared by every page: the navigation that fits the user's roles."""

from django.apps import apps
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from pmo.roles import (
    has_any_role,
    is_pmo_manager,
    is_project_manager,
    oversees_portfolio,
    roles_of,
)
from pmo.rules import can

# Sections: pages that share one navigation item and, inside, a tab per page. Each: the start
# (or starts) of their paths, the label of their tabs' bar, and the tabs (label, URL name, and
# what a user needs to see the tab when not everyone does: a role test or a rules action).
# The portfolio's structure and its governance: one navigation item, a tab each.
PORTFOLIO_PREFIXES = (
    "/portfolios/",
    "/programmes/",
    "/objectives/",
    "/prioritisation/",
    "/requests/",
    "/gates/",
)
SECTIONS = (
    (
        ("/dashboard/", "/alerts/", "/reporting/"),
        _("Portfolio health"),
        (
            (_("Dashboard"), "reporting:dashboard", None),
            (_("Executive view"), "reporting:dashboard_executive", None),
            (_("Alerts"), "reporting:alert_list", None),
            (_("Compliance"), "reporting:compliance", oversees_portfolio),
            (_("Copil packs"), "reporting:pack_list", ("view", "reporting.ReportRun")),
            (
                _("Report schedules"),
                "reporting:schedule_list",
                ("view", "reporting.ReportSchedule"),
            ),
        ),
    ),
    (
        "/raid/",
        _("RAID log"),
        (
            (_("Risks"), "risks:risk_list", None),
            (_("Issues"), "risks:issue_list", None),
            (_("Actions"), "risks:action_list", None),
            (_("Decisions"), "risks:decision_list", None),
        ),
    ),
    (
        "/finance/",
        _("Finance"),
        (
            (_("Cost entries"), "projects:costentry_list", None),
            (_("Budget lines"), "projects:budgetline_list", None),
            (_("Envelopes"), "portfolio:envelope_list", None),
            (_("Overruns"), "projects:overrun_list", None),
            (_("Import actuals"), "projects:cost_import", ("import", "projects.CostEntry")),
        ),
    ),
    (
        "/resources/",
        _("Resources"),
        (
            (_("Capacity"), "projects:capacity", None),
            (_("Allocations"), "projects:allocation_list", None),
            (_("Resource pool"), "portfolio:resource_list", None),
        ),
    ),
    (
        PORTFOLIO_PREFIXES,
        _("Portfolio structure"),
        (
            (_("Portfolios"), "portfolio:portfolio_list", None),
            (_("Programmes"), "portfolio:programme_list", None),
            (_("Objectives"), "portfolio:objective_list", None),
            (_("Prioritisation"), "projects:prioritisation", None),
            (_("Requests"), "projects:request_list", None),
            (_("Gate reviews"), "projects:gatereview_list", None),
        ),
    ),
    (
        "/lessons/",
        _("Lessons learned"),
        (
            (_("Library"), "projects:lesson_list", None),
            (_("Feedback on suggestions"), "projects:lessonfeedback_list", None),
        ),
    ),
    (
        "/settings/",
        _("Settings"),
        (
            (_("Reporting calendar"), "projects:reporting_calendar", None),
            (_("Risk policy"), "risks:risk_policy", None),
            (_("Finance policy"), "portfolio:finance_policy", None),
            (
                _("Health thresholds"),
                "reporting:health_policy",
                ("change", "reporting.HealthPolicy"),
            ),
            (_("Copil pack look"), "reporting:look_list", ("change", "reporting.ReportLook")),
            (_("Stage gates"), "projects:gate_templates", ("change", "projects.GateTemplate")),
            (_("API tokens"), "tokens:token_list", is_pmo_manager),
        ),
    ),
)


# The pages of the portfolio's health: the dashboard, the alerts, reporting compliance.
HEALTH_PREFIXES = SECTIONS[0][0]


def _prefixes(url: str, prefixes: str | tuple[str, ...] | None = None) -> tuple[str, ...]:
    """The starts of the paths a navigation item is the current item of: its own URL unless
    it names one or several."""
    if prefixes is None:
        return (url,)
    return (prefixes,) if isinstance(prefixes, str) else prefixes


def _may(user, needs) -> bool:
    """Whether ``user`` sees a tab: ``needs`` is None (everyone), a role test, or a rules
    action on a model named by its label."""
    if needs is None:
        return True
    if callable(needs):
        return needs(user)
    action, label = needs
    # By name: the shared base imports no app of the domain.
    return can(user, action, apps.get_model(label))


def section_tabs(user, path: str) -> tuple[str, list[dict]] | None:
    """The label and tabs of the section ``path`` is in, the current tab (the longest URL
    ``path`` starts with) marked active; None outside sections."""
    for prefixes, label, tabs in SECTIONS:
        if not path.startswith(prefixes):
            continue
        links = [(name, reverse(url_name)) for name, url_name, needs in tabs if _may(user, needs)]
        current = max((url for _name, url in links if path.startswith(url)), key=len, default=None)
        return label, [{"label": name, "url": url, "active": url == current} for name, url in links]
    return None


def navigation(request):
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    # Each item: its label, its link, and the start of the paths it is the current item of.
    items = []
    if has_any_role(user):
        items = [
            *(
                [(_("Dashboard"), reverse("reporting:dashboard"), HEALTH_PREFIXES)]
                if oversees_portfolio(user)
                else []
            ),
            (_("Home"), reverse("home")),
            *([(_("My week"), reverse("projects:my_week"))] if is_project_manager(user) else []),
            (_("Projects"), reverse("projects:project_list")),
            (_("Milestones"), reverse("projects:milestone_list")),
            (_("RAID log"), reverse("risks:risk_list"), "/raid/"),
            (_("Change requests"), reverse("risks:change_list")),
            (_("Lessons learned"), reverse("projects:lesson_list"), "/lessons/"),
            (_("Finance"), reverse("projects:costentry_list"), "/finance/"),
            (_("Resources"), reverse("projects:capacity"), "/resources/"),
            (
                _("Portfolios"),
                reverse("portfolio:portfolio_list"),
                PORTFOLIO_PREFIXES,
            ),
        ]
        if not oversees_portfolio(user):
            items.append((_("Alerts"), reverse("reporting:alert_list"), ("/alerts/",)))
        if is_pmo_manager(user):
            items.append((_("Settings"), reverse("projects:reporting_calendar"), "/settings/"))
            items.append((_("API"), reverse("api-docs")))
            items.append((_("Audit trail"), reverse("audit:list"), "/audit/"))
    items = [(label, url, _prefixes(url, *prefix)) for label, url, *prefix in items]
    path = request.path
    current = max(
        (
            prefix
            for _label, _url, prefixes in items
            for prefix in prefixes
            if prefix != "/" and path.startswith(prefix)
        ),
        key=len,
        default="/" if path == "/" else None,
    )
    context = {
        "nav_items": [
            {"label": label, "url": url, "active": current in prefixes}
            for label, url, prefixes in items
        ],
        "user_roles": sorted(roles_of(user)),
        "user_is_pmo": is_pmo_manager(user),
    }
    section = section_tabs(user, path) if items else None
    if section:
        context["section_label"], context["section_tabs"] = section
    return context

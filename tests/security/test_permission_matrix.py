"""The permission matrix: every role against every page and every API endpoint and method.

The URLs come from the resolver (:mod:`tests.security.matrix_urls`): a pattern without a row
in :data:`PAGES` or :data:`API`, or a row naming a pattern that is gone, fails the suite, so a
new endpoint cannot be forgotten. Each expectation is a string with one letter per role, in
the order of the column headers below (see :mod:`tests.security.matrix_runner`):

    o allowed (past the permission check)   L sign in first (login redirect, 401)
    D denied (403)                           H hidden (404)          M method not allowed

Every record a URL names belongs to project A, managed by "pm"; "pm_other" manages project B
only (:mod:`tests.security.matrix_world`). The API has two more columns: an integration token
(an Integration service account) holding every scope, then one holding every scope but the
one :func:`required_scope` names for the call. Pages are asked a seventh time with that token
and no session: they must answer as to an anonymous visitor (not repeated in the table).

An empty body is what a write is sent: past the permission check it is a 400 or a 409 ("o").
Where the parent of a new record is in the body (a risk's project), the refusal of another
project manager comes after validation and is tested with each app's API tests.
"""

import contextlib
import logging
import os
from dataclasses import dataclass, field

import pytest
from django.db import transaction
from django.test import override_settings
from django.urls import resolve, reverse
from drf_spectacular.views import SpectacularAPIView
from rest_framework.response import Response

from pmo.api.permissions import required_scope
from tests.security import matrix_world as w
from tests.security.matrix_runner import Caller, page_client
from tests.security.matrix_urls import endpoints
from tests.security.matrix_world import api_client_for, build_world

# Print the answers instead of asserting them: a help when adding rows, never a substitute
# for deciding what each role should get.
DRAFT = os.environ.get("PERMISSION_MATRIX_DRAFT") == "1"


@dataclass(frozen=True)
class Row:
    """The expectations of one URL pattern by method, and the world objects of its kwargs.

    ``kwargs`` maps a URL kwarg to the name of a world object (its pk is used) or to a
    callable taking the world.
    """

    expect: dict
    kwargs: dict = field(default_factory=dict)


def row(obj=None, *, kwargs=None, **expect) -> Row:
    kwargs = dict(kwargs or {})
    if obj is not None:
        kwargs.setdefault("pk", obj)
    return Row(expect=expect, kwargs=kwargs)


# --- Pages ---------------------------------------------------------------------------------
#            anonymous, no_role, pm, pm_other, pmo, exec
PUBLIC = "oooooo"
SIGNED_IN = "Looooo"
EVERY_ROLE = "LDoooo"  # everyone with a role
PMO_ONLY = "LDDDoD"
OVERSEERS = "LDDDoo"  # the PMO and executives
OWN = "LDoDoD"  # the project's manager and the PMO
ANY_PM = "LDoooD"  # any project manager (the record is chosen in the form) and the PMO
WEEK = {"week": lambda world: world["status_draft"].week.isoformat()}
SCENARIO = {"pk": "portfolio", "scenario_pk": "scenario"}

PAGES = {
    # Sign-in and the public doors
    "home": row(GET=SIGNED_IN),
    "healthz": row(GET=PUBLIC),
    "login": row(GET=PUBLIC, POST=PUBLIC),
    # Signing out lands on the sign-in page, whoever asks.
    "logout": row(POST="LLLLLL"),
    "set_language": row(GET=PUBLIC),
    "admin:index": row(GET="LLLLLL"),
    # Portfolio structure
    "portfolio:objective_list": row(GET=EVERY_ROLE),
    "portfolio:objective_create": row(GET=PMO_ONLY, POST=PMO_ONLY),
    "portfolio:objective_detail": row("objective", GET=EVERY_ROLE),
    "portfolio:objective_edit": row("objective", GET=PMO_ONLY, POST=PMO_ONLY),
    "portfolio:portfolio_list": row(GET=EVERY_ROLE),
    "portfolio:portfolio_create": row(GET=PMO_ONLY, POST=PMO_ONLY),
    "portfolio:portfolio_detail": row("portfolio", GET=EVERY_ROLE),
    "portfolio:portfolio_edit": row("portfolio", GET=PMO_ONLY, POST=PMO_ONLY),
    "portfolio:programme_list": row(GET=EVERY_ROLE),
    "portfolio:programme_create": row(GET=PMO_ONLY, POST=PMO_ONLY),
    "portfolio:programme_detail": row("programme", GET=EVERY_ROLE),
    "portfolio:programme_edit": row("programme", GET=PMO_ONLY, POST=PMO_ONLY),
    # Resource pool, envelopes, finance policy
    "portfolio:resource_list": row(GET=EVERY_ROLE),
    "portfolio:resource_create": row(GET=PMO_ONLY, POST=PMO_ONLY),
    "portfolio:resource_detail": row("resource", GET=EVERY_ROLE),
    "portfolio:resource_edit": row("resource", GET=PMO_ONLY, POST=PMO_ONLY),
    "portfolio:resource_capacity_set": row("resource", POST=PMO_ONLY),
    "portfolio:resource_capacity_clear": row("resource", POST=PMO_ONLY),
    "portfolio:envelope_list": row(GET=EVERY_ROLE),
    "portfolio:envelope_create": row(GET=PMO_ONLY, POST=PMO_ONLY),
    "portfolio:envelope_edit": row("envelope", GET=PMO_ONLY, POST=PMO_ONLY),
    "portfolio:finance_policy": row(GET=PMO_ONLY, POST=PMO_ONLY),
    # Projects, milestones, weekly statuses
    "projects:project_list": row(GET=EVERY_ROLE),
    "projects:project_create": row(GET=PMO_ONLY, POST=PMO_ONLY),
    "projects:project_detail": row("project", GET=EVERY_ROLE),
    "projects:project_edit": row("project", GET=OWN, POST=OWN),
    "projects:milestone_list": row(GET=EVERY_ROLE),
    "projects:milestone_create": row(GET=ANY_PM, POST=ANY_PM),
    "projects:milestone_detail": row("milestone", GET=EVERY_ROLE),
    "projects:milestone_edit": row("milestone", GET=OWN, POST=OWN),
    "projects:my_week": row(GET=ANY_PM),
    "projects:status_edit": row("project", kwargs=WEEK, GET=OWN, POST=OWN),
    "projects:status_detail": row("status_submitted", GET=EVERY_ROLE),
    "projects:status_amend": row("status_submitted", POST=OWN),
    "projects:reporting_calendar": row(GET=PMO_ONLY, POST=PMO_ONLY),
    # Finance
    "projects:budgetline_list": row(GET=EVERY_ROLE),
    "projects:budgetline_create": row(GET=PMO_ONLY, POST=PMO_ONLY),
    "projects:budgetline_edit": row("budget_line", GET=PMO_ONLY, POST=PMO_ONLY),
    "projects:costentry_list": row(GET=EVERY_ROLE),
    "projects:costentry_create": row(GET=ANY_PM, POST=ANY_PM),
    "projects:costentry_detail": row("cost_entry", GET=EVERY_ROLE),
    "projects:cost_import": row(GET=PMO_ONLY, POST=PMO_ONLY),
    "projects:cost_import_template": row(kwargs={"format": "csv"}, GET=PMO_ONLY),
    "projects:cost_import_preview": row(
        kwargs={"token": "import_token"}, GET="LDDDHD", POST="LDDDHD"
    ),
    "projects:overrun_list": row(GET=EVERY_ROLE),
    # Staffing
    "projects:capacity": row(GET=EVERY_ROLE),
    "projects:allocation_list": row(GET=EVERY_ROLE),
    "projects:allocation_create": row(GET=ANY_PM, POST=ANY_PM),
    "projects:allocation_edit": row("allocation", GET=OWN, POST=OWN),
    "projects:project_staffing": row("project", GET=EVERY_ROLE, POST=OWN),
    # Lessons learned
    "projects:lesson_list": row(GET=EVERY_ROLE),
    "projects:lesson_create": row(GET=ANY_PM, POST=ANY_PM),
    "projects:lessonfeedback_list": row(GET=EVERY_ROLE),
    "projects:lesson_detail": row("lesson", GET=EVERY_ROLE),
    "projects:lesson_edit": row("lesson", GET=OWN, POST=OWN),
    "projects:lesson_delete": row("lesson", POST=PMO_ONLY),
    # POST only (GET: 404 past the check); the project is in the body, checked after it.
    "projects:lesson_feedback_set": row("lesson", GET="LDHHHD", POST=ANY_PM),
    # Strategic alignment
    "projects:prioritisation": row(GET=EVERY_ROLE),
    "projects:criteria": row("portfolio", GET=EVERY_ROLE, POST=PMO_ONLY),
    "projects:ranking": row("portfolio", GET=EVERY_ROLE),
    "projects:scenario_list": row("portfolio", GET=EVERY_ROLE),
    "projects:scenario_create": row("portfolio", GET=PMO_ONLY, POST=PMO_ONLY),
    "projects:scenario_compare": row("portfolio", GET=EVERY_ROLE),
    "projects:scenario_detail": row(kwargs=SCENARIO, GET=EVERY_ROLE),
    "projects:scenario_edit": row(kwargs=SCENARIO, GET=PMO_ONLY, POST=PMO_ONLY),
    "projects:scenario_recompute": row(kwargs=SCENARIO, POST=PMO_ONLY),
    "projects:scenario_delete": row(kwargs=SCENARIO, POST=PMO_ONLY),
    "projects:project_scores": row("project", GET=EVERY_ROLE, POST=PMO_ONLY),
    # Stage gates
    "projects:gatereview_list": row(GET=EVERY_ROLE),
    "projects:gate_review": row("project", GET=OVERSEERS, POST=OVERSEERS),
    # An empty POST names no gate template: 404 once past the check.
    "projects:gate_templates": row(GET=PMO_ONLY, POST="LDDDHD"),
    # Intake: the request was filed by "pm"; to anyone else who does not oversee the
    # portfolio it does not exist (404). Its steps are POSTs (GET: 404).
    "projects:request_list": row(GET=EVERY_ROLE),
    "projects:request_create": row(GET=EVERY_ROLE, POST=EVERY_ROLE),
    "projects:request_detail": row("request", GET="LDoHoo"),
    "projects:request_edit": row("request", GET="LDoHoD", POST="LDoHoD"),
    "projects:request_submit": row("request", GET="LDHHHH", POST="LDoHDD"),
    "projects:request_withdraw": row("request", GET="LDHHHH", POST="LDoHDD"),
    "projects:request_accept": row("request", GET="LDHHHH", POST="LDDHoD"),
    "projects:request_reject": row("request", GET="LDHHHH", POST="LDDHoD"),
    # Closure report of a closing project of "pm"
    "projects:closure_report": row("closing", GET=EVERY_ROLE, POST=OWN),
    # RAID log and change control
    **{
        f"risks:{kind}_{page}": row(kind if page in ("detail", "edit") else None, **expect)
        for kind in ("risk", "issue", "action", "decision", "change")
        for page, expect in (
            ("list", {"GET": EVERY_ROLE}),
            ("create", {"GET": ANY_PM, "POST": ANY_PM}),
            ("detail", {"GET": EVERY_ROLE}),
            ("edit", {"GET": OWN, "POST": OWN}),
        )
    },
    "risks:risk_escalate": row("risk", POST=OWN),
    "risks:risk_close": row("risk", POST=OWN),
    "risks:risk_occurred": row("risk", POST=OWN),
    "risks:issue_resolve": row("issue", POST=OWN),
    "risks:decision_take": row("decision", POST=OVERSEERS),
    "risks:decision_withdraw": row("decision", POST=OWN),
    "risks:change_submit": row("change", POST=OWN),
    "risks:change_approve": row("change", POST=OVERSEERS),
    "risks:change_reject": row("change", POST=OVERSEERS),
    "risks:change_implement": row("change", POST=OWN),
    "risks:change_withdraw": row("change", POST=OWN),
    "risks:risk_policy": row(GET=PMO_ONLY, POST=PMO_ONLY),
    # Dashboards, alerts, Copil packs
    "reporting:compliance": row(GET=OVERSEERS),
    "reporting:dashboard": row(GET=EVERY_ROLE),
    # The same rows as the dashboard, fewer columns: whoever sees the one sees the other.
    "reporting:dashboard_executive": row(GET=EVERY_ROLE),
    "reporting:dashboard_export": row(kwargs={"format": "csv"}, GET=EVERY_ROLE),
    "reporting:dashboard_summary": row(GET=EVERY_ROLE),
    "reporting:alert_list": row(GET=EVERY_ROLE),
    "reporting:alert_acknowledge": row("alert", POST=PMO_ONLY),
    "reporting:health_policy": row(GET=PMO_ONLY, POST=PMO_ONLY),
    "reporting:pack_list": row(GET=EVERY_ROLE),
    "reporting:pack_request": row(POST=EVERY_ROLE),
    # The panel of a record's packs: without the record asked for, 404 past the check.
    "reporting:pack_panel": row(GET="LDHHHH"),
    "reporting:pack_latest": row(GET=EVERY_ROLE),
    "reporting:pack_detail": row("run", GET=EVERY_ROLE),
    "reporting:pack_pdf": row("run", GET=EVERY_ROLE),
    "reporting:pack_retry": row("run", POST=OWN),
    "reporting:schedule_list": row(GET=OVERSEERS),
    "reporting:schedule_create": row(GET=PMO_ONLY, POST=PMO_ONLY),
    "reporting:schedule_detail": row("schedule", GET=OVERSEERS),
    "reporting:schedule_update": row("schedule", GET=PMO_ONLY, POST=PMO_ONLY),
    "reporting:schedule_delete": row("schedule", GET=PMO_ONLY, POST=PMO_ONLY),
    "reporting:look_list": row(GET=PMO_ONLY),
    # API tokens and the audit trail
    "tokens:token_list": row(GET=PMO_ONLY),
    "tokens:token_create": row(GET=PMO_ONLY, POST=PMO_ONLY),
    "tokens:token_revoke": row("token:all", POST=PMO_ONLY),
    # One's own personal keys: another's key is not found, whoever asks.
    "my_tokens": row(GET=EVERY_ROLE, POST=EVERY_ROLE),
    "my_token_revoke": row("token:all", POST="LDHHHH"),
    "audit:list": row(GET=PMO_ONLY),
    # Everyone with a role reads the project; its history is for its manager and overseers.
    "audit:record": row("project", kwargs={"model": lambda world: "project"}, GET="LDoDoo"),
    "reporting:look_edit": row(kwargs={"portfolio_pk": "portfolio"}, GET=PMO_ONLY, POST=PMO_ONLY),
}

# --- API -----------------------------------------------------------------------------------
#            anonymous, no_role, pm, pm_other, pmo, exec, token with the scope, token without
A_PUBLIC = "oooooooo"
A_READ = "LDoooooD"  # everyone with a role
A_PMO_ONLY = "LDDDoDDD"
A_OVERSEERS = "LDDDooDD"
A_OWN = "LDoDoDDD"  # the project's manager and the PMO
A_ANY_PM = "LDoooDDD"  # any project manager (the project is in the body) and the PMO

API = {
    "api-token": row(POST=A_PUBLIC),
    # The list of endpoints, no data: any signed-in account (a token needs "read").
    "api-root": row(GET="LooooooD"),
    "api-schema": row(GET=A_PUBLIC),
    "api-docs": row(GET=A_PUBLIC),
    # Portfolio structure and resource pool
    **{
        f"{name}-{kind}": row(obj if kind == "detail" else None, **expect)
        for name, obj in (
            ("strategicobjective", "objective"),
            ("portfolio", "portfolio"),
            ("programme", "programme"),
            ("resource", "resource"),
            ("portfolioenvelope", "envelope"),
        )
        for kind, expect in (
            ("list", {"GET": A_READ, "POST": A_PMO_ONLY}),
            ("detail", {"GET": A_READ, "PUT": A_PMO_ONLY, "PATCH": A_PMO_ONLY}),
        )
    },
    "resourcecapacity-list": row(GET=A_READ, POST="LDDDoDoD"),
    "resourcecapacity-detail": row("capacity", GET=A_READ, PUT="LDDDoDoD", PATCH="LDDDoDoD"),
    "resourcecapacity-clear": row("capacity", POST="LDDDoDoD"),
    # Projects, milestones, weekly statuses
    "project-list": row(GET=A_READ, POST=A_PMO_ONLY),
    "project-detail": row("project", GET=A_READ, PUT=A_OWN, PATCH=A_OWN),
    "project-finance": row("project", GET=A_READ),
    "milestone-list": row(GET=A_READ, POST=A_ANY_PM),
    "milestone-detail": row("milestone", GET=A_READ, PUT=A_OWN, PATCH=A_OWN),
    "statusreport-list": row(GET=A_READ, POST=A_ANY_PM),
    "statusreport-detail": row("status_draft", GET=A_READ, PUT=A_OWN, PATCH=A_OWN),
    "statusreport-amend": row("status_submitted", POST=A_OWN),
    "statusreport-submit": row("status_draft", POST=A_OWN),
    # Finance and staffing
    "budgetline-list": row(GET=A_READ, POST=A_PMO_ONLY),
    "budgetline-detail": row("budget_line", GET=A_READ, PUT=A_PMO_ONLY, PATCH=A_PMO_ONLY),
    "costentry-list": row(GET=A_READ, POST="LDoooDoD"),
    "costentry-bulk": row(POST="LDDDoDoD"),
    "costentry-detail": row("cost_entry", GET=A_READ),
    "overrunalert-list": row(GET=A_READ),
    "overrunalert-detail": row("overrun", GET=A_READ),
    "allocation-list": row(GET=A_READ, POST="LDoooDoD"),
    "allocation-bulk": row(POST="LDDDoDoD"),
    "allocation-capacity": row(GET=A_READ),
    "allocation-detail": row("allocation", GET=A_READ, PUT="LDoDoDoD", PATCH="LDoDoDoD"),
    # Lessons learned
    "lesson-list": row(GET=A_READ, POST=A_ANY_PM),
    "lesson-suggested": row(GET=A_READ),
    "lesson-detail": row("lesson", GET=A_READ, PUT=A_OWN, PATCH=A_OWN, DELETE=A_PMO_ONLY),
    "lessonfeedback-list": row(GET=A_READ, POST=A_ANY_PM),
    "lessonfeedback-detail": row("lesson_feedback", GET=A_READ),
    # Strategic scoring
    "scoringcriterion-list": row(GET=A_READ),
    "scoringcriterion-bulk": row(PUT=A_PMO_ONLY),
    "scoringcriterion-detail": row("criterion", GET=A_READ),
    "projectscore-list": row(GET=A_READ),
    "projectscore-bulk": row(POST=A_PMO_ONLY),
    "projectscore-detail": row("score", GET=A_READ),
    "scenario-list": row(GET=A_READ, POST=A_PMO_ONLY),
    "scenario-detail": row(
        "scenario", GET=A_READ, PUT=A_PMO_ONLY, PATCH=A_PMO_ONLY, DELETE=A_PMO_ONLY
    ),
    "scenario-recompute": row("scenario", POST=A_PMO_ONLY),
    # Intake, closure, gates
    "projectrequest-list": row(GET=A_READ, POST="LDooooDD"),
    "projectrequest-detail": row("request", GET="LDoHooHD", PUT="LDoHoDDD", PATCH="LDoHoDDD"),
    "projectrequest-accept": row("request", POST=A_PMO_ONLY),
    "projectrequest-reject": row("request", POST=A_PMO_ONLY),
    "projectrequest-submit": row("request", POST="LDoHDDDD"),
    "projectrequest-withdraw": row("request", POST="LDoHDDDD"),
    "closurereport-list": row(GET=A_READ, POST=A_ANY_PM),
    "closurereport-detail": row("closure", GET=A_READ, PUT=A_OWN, PATCH=A_OWN),
    "gatereview-list": row(GET=A_READ, POST=A_OVERSEERS),
    "gatereview-detail": row("gate_review", GET=A_READ),
    "gatetemplate-list": row(GET=A_READ),
    "gatetemplate-detail": row("gate_template", GET=A_READ, PUT=A_PMO_ONLY, PATCH=A_PMO_ONLY),
    # RAID log and change control
    "risk-list": row(GET=A_READ, POST=A_ANY_PM),
    "risk-detail": row("risk", GET=A_READ, PUT=A_OWN, PATCH=A_OWN),
    "risk-close": row("risk", POST=A_OWN),
    "risk-escalate": row("risk", POST=A_OWN),
    "risk-occurred": row("risk", POST=A_OWN),
    "issue-list": row(GET=A_READ, POST=A_ANY_PM),
    "issue-detail": row("issue", GET=A_READ, PUT=A_OWN, PATCH=A_OWN),
    "issue-resolve": row("issue", POST=A_OWN),
    "action-list": row(GET=A_READ, POST=A_ANY_PM),
    "action-detail": row("action", GET=A_READ, PUT=A_OWN, PATCH=A_OWN),
    "decision-list": row(GET=A_READ, POST=A_ANY_PM),
    "decision-detail": row("decision", GET=A_READ, PUT=A_OWN, PATCH=A_OWN),
    "decision-take": row("decision", POST=A_OVERSEERS),
    "decision-withdraw": row("decision", POST=A_OWN),
    "changerequest-list": row(GET=A_READ, POST=A_ANY_PM),
    "changerequest-detail": row("change", GET=A_READ, PUT=A_OWN, PATCH=A_OWN),
    "changerequest-approve": row("change", POST=A_OVERSEERS),
    "changerequest-implement": row("change", POST=A_OWN),
    "changerequest-reject": row("change", POST=A_OVERSEERS),
    "changerequest-submit": row("change", POST=A_OWN),
    "changerequest-withdraw": row("change", POST=A_OWN),
    # Alerts and Copil packs
    "alert-list": row(GET=A_READ),
    "alert-detail": row("alert", GET=A_READ),
    "alert-acknowledge": row("alert", POST=A_PMO_ONLY),
    # Which scope a pack may be asked for is in the body: the service's 403, after the body
    # is valid; an empty body is a 400 for whoever may see packs.
    "reportrun-list": row(GET=A_READ, POST="LDoooooD"),
    "reportrun-detail": row("run", GET=A_READ),
    "reportrun-pdf": row("run", GET=A_READ),
    "reportrun-retry": row("run", POST=A_OWN),
    "reportschedule-list": row(GET=A_OVERSEERS, POST=A_PMO_ONLY),
    "reportschedule-detail": row(
        "schedule", GET=A_OVERSEERS, PUT=A_PMO_ONLY, PATCH=A_PMO_ONLY, DELETE=A_PMO_ONLY
    ),
}

TABLE = {**PAGES, **API}


# --- The world and its callers -------------------------------------------------------------


@contextlib.contextmanager
def one_schema():
    """The schema is the same public document for every caller (``serve_public``): built
    once, not once per role. Who may fetch it is still asked at each request."""
    built = {}
    original = SpectacularAPIView._get_schema_response

    def memoized(view, request):
        if "response" not in built:
            built["response"] = original(view, request)
        return Response(data=built["response"].data, headers=dict(built["response"].items()))

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(SpectacularAPIView, "_get_schema_response", memoized)
        yield


@pytest.fixture
def _media_of_the_test():
    """The matrix's world keeps its files for the whole module (see :func:`matrix`)."""


@pytest.fixture(scope="module")
def matrix(django_db_setup, django_db_blocker, tmp_path_factory):
    """The world and one caller per role, built once and rolled back after the module."""
    # Thousands of refusals are the point here, not news worth a log line each.
    request_log = logging.getLogger("django.request")
    level = request_log.level
    request_log.setLevel(logging.ERROR)
    media = override_settings(MEDIA_ROOT=tmp_path_factory.mktemp("media"))
    with media, one_schema(), django_db_blocker.unblock():
        atomic = transaction.atomic()
        atomic.__enter__()
        try:
            world = build_world()
            pages = {w.ANONYMOUS: Caller(page_client(None))}
            api = {w.ANONYMOUS: Caller(api_client_for())}
            for role in w.USER_ROLES[1:]:
                pages[role] = Caller(page_client(world.users[role]))
                api[role] = Caller(api_client_for(world.users[role]))
            # A token on a page is no session: the page answers as to an anonymous visitor.
            with_token = page_client(None)
            with_token.defaults["HTTP_AUTHORIZATION"] = f"Token {world.token_keys['all']}"
            pages[w.TOKEN_SCOPED] = Caller(with_token)
            for scope, key in world.token_keys.items():
                api[f"token:{scope}"] = Caller(api_client_for(key=key))
            yield world, pages, api
        finally:
            transaction.set_rollback(True)
            atomic.__exit__(None, None, None)
            request_log.setLevel(level)


def url_of(name: str, spec: Row, world) -> str:
    if name == "admin:index":
        return reverse("admin:index")
    kwargs = {}
    for key, value in spec.kwargs.items():
        if callable(value):
            kwargs[key] = value(world)
        elif value in world.objects:
            target = world[value]
            kwargs[key] = getattr(target, "pk", target)
        else:
            kwargs[key] = value
    return reverse(name, kwargs=kwargs)


def scope_needed(url: str, method: str):
    """The scope :func:`required_scope` names for this call (None: no scope allows it)."""
    callback = resolve(url).func
    view_class = getattr(callback, "cls", None)
    if view_class is None:
        return None
    view = view_class(**getattr(callback, "initkwargs", {}))
    actions = getattr(callback, "actions", None) or {}
    view.action = actions.get(method.lower())
    return required_scope(view, method)


def api_callers(callers, url: str, method: str) -> list:
    """The callers of the API columns for this call: the token columns hold every scope, and
    every scope but the one needed (all of them when none is)."""
    scope = scope_needed(url, method)
    unscoped = callers[f"token:{scope}"] if scope else callers["token:all"]
    return [*(callers[role] for role in w.USER_ROLES), callers["token:all"], unscoped]


API_COLUMNS = (*w.USER_ROLES, *w.TOKEN_ROLES)
PAGE_COLUMNS = (*w.USER_ROLES, w.TOKEN_SCOPED)


# --- The tests -----------------------------------------------------------------------------


def test_every_url_pattern_has_a_row_in_the_matrix():
    missing = sorted(set(endpoints()) - set(TABLE))

    assert not missing, f"URL patterns without a row in the permission matrix: {missing}"


def test_every_row_of_the_matrix_names_a_url_pattern_that_exists():
    gone = sorted(set(TABLE) - set(endpoints()))

    assert not gone, f"Rows of the permission matrix naming no URL pattern: {gone}"


def test_each_row_lists_exactly_the_methods_its_url_answers():
    found = endpoints()
    wrong = {}
    for name, spec in TABLE.items():
        if name not in found:
            continue
        methods = set(found[name].methods)
        if name in PAGES:
            # A browser sends GET and POST; FormView's PUT is the same code as its POST.
            methods &= {"GET", "POST"}
        if methods != set(spec.expect):
            wrong[name] = (sorted(methods), sorted(spec.expect))

    assert not wrong, f"Methods answered vs. methods in the matrix: {wrong}"


@pytest.mark.django_db
@pytest.mark.parametrize("name", list(PAGES))
def test_each_role_gets_the_expected_answer_on_each_page(name, matrix):
    world, pages, _api = matrix
    check(name, PAGES[name], world, pages, PAGE_COLUMNS)


@pytest.mark.django_db
@pytest.mark.parametrize("name", list(API))
def test_each_role_gets_the_expected_answer_on_each_api_endpoint(name, matrix):
    world, _pages, api = matrix
    check(name, API[name], world, api, API_COLUMNS)


def check(name, spec, world, callers, columns):
    url = url_of(name, spec, world)
    is_api = name in API
    found = {}
    for method in spec.expect:
        asked = api_callers(callers, url, method) if is_api else [callers[r] for r in columns]
        found[method] = [caller.call(method, url, api=is_api) for caller in asked]
    got = {method: "".join(c for c, _ in results) for method, results in found.items()}
    if DRAFT:
        print(f"DRAFT {name!r}: {got}")
        return
    expect = spec.expect
    if not is_api:
        expect = {method: want + want[0] for method, want in expect.items()}
    mismatches = [
        f"{method} {url} as {role}: expected {want}, got {cls} ({detail})"
        for method, results in found.items()
        for role, want, (cls, detail) in zip(columns, expect[method], results, strict=True)
        if want != cls
    ]
    assert not mismatches, "\n".join(mismatches)


@pytest.mark.django_db
def test_a_superuser_opens_the_admin(admin_client):
    # Every role of the matrix is sent to the admin's sign-in (row "admin:index").
    response = admin_client.get(reverse("admin:index"))

    assert response.status_code == 200

"""The world the permission matrix is asked in: one of every record, on two projects.

Project A is managed by "pm", project B by "pm_other"; every record a URL names belongs to
project A (or to its portfolio), so "pm" asks about their own records and "pm_other" about
someone else's. Built once per test module: every request of the matrix is rolled back.
"""

import datetime
import uuid
from dataclasses import dataclass, field
from decimal import Decimal

from django.core.files.base import ContentFile
from django.utils import timezone
from rest_framework.test import APIClient

from pmo.models import ApiToken, TokenScope
from pmo.tokens import token_create
from portfolio.models import ScoringCriterion
from projects.choices import GateDecision, Phase
from projects.models import (
    GateReview,
    GateTemplate,
    LessonFeedback,
    OverrunAlert,
    ProjectScore,
)
from projects.services.closure import closure_report_create
from projects.services.intake import request_create
from projects.services.lessons import lesson_create
from projects.services.scoring import scenario_save
from reporting.choices import AlertKind, AlertSeverity, ReportKind, RunState
from reporting.models import Alert, ReportLook, ReportRun, ReportSchedule
from tests import factories

# The people of the matrix, each a column of the table.
ANONYMOUS = "anonymous"
NO_ROLE = "no_role"
PM = "pm"
PM_OTHER = "pm_other"
PMO = "pmo"
EXEC = "exec"
USER_ROLES = (ANONYMOUS, NO_ROLE, PM, PM_OTHER, PMO, EXEC)
# Integration tokens, on the API only: one holding the scope the call needs, one without it.
TOKEN_SCOPED = "token_scoped"
TOKEN_UNSCOPED = "token_unscoped"
TOKEN_ROLES = (TOKEN_SCOPED, TOKEN_UNSCOPED)


@dataclass
class World:
    """Users and records by name; ``objects["risk"]`` is project A's risk."""

    users: dict = field(default_factory=dict)
    objects: dict = field(default_factory=dict)
    # Integration token keys: "all" holds every scope, each scope's key every scope but it.
    token_keys: dict = field(default_factory=dict)

    def __getitem__(self, name):
        return self.objects[name]


def build_world() -> World:
    world = World()
    users = world.users
    users[NO_ROLE] = factories.UserFactory(username="matrix-nobody")
    users[PM] = factories.project_manager(username="matrix-pm")
    users[PM_OTHER] = factories.project_manager(username="matrix-pm-other")
    users[PMO] = factories.pmo_manager(username="matrix-pmo")
    users[EXEC] = factories.executive(username="matrix-exec")
    users["integration"] = factories.integration(username="matrix-erp")
    pm, pmo = users[PM], users[PMO]

    o = world.objects
    o["objective"] = factories.StrategicObjectiveFactory()
    o["portfolio"] = factories.PortfolioFactory()
    o["programme"] = factories.ProgrammeFactory(portfolio=o["portfolio"])
    o["project"] = factories.ProjectFactory(
        project_manager=pm, portfolio=o["portfolio"], programme=o["programme"]
    )
    o["project_b"] = factories.ProjectFactory(
        project_manager=users[PM_OTHER], portfolio=o["portfolio"]
    )
    # A closure report needs a project in its closing phase: one more project of "pm".
    o["closing"] = factories.ProjectFactory(
        project_manager=pm, portfolio=o["portfolio"], phase=Phase.CLOSING
    )
    project = o["project"]

    o["milestone"] = factories.MilestoneFactory(project=project)
    o["status_draft"] = factories.StatusReportFactory(project=project)
    o["status_submitted"] = factories.StatusReportFactory(
        project=project, submitted=True, week=o["status_draft"].week - datetime.timedelta(7)
    )
    o["risk"] = factories.RiskFactory(project=project)
    o["issue"] = factories.IssueFactory(project=project)
    # An action owned by the PMO, not by "pm": "pm" changes it as the project's manager.
    o["action"] = factories.ActionFactory(project=project, owner=pmo)
    o["decision"] = factories.DecisionFactory(project=project)
    o["change"] = factories.ChangeRequestFactory(project=project)
    o["envelope"] = factories.PortfolioEnvelopeFactory(portfolio=o["portfolio"])
    o["resource"] = factories.ResourceFactory()
    o["capacity"] = factories.ResourceCapacityFactory(resource=o["resource"])
    o["allocation"] = factories.AllocationFactory(project=project, resource=o["resource"])
    o["budget_line"] = factories.BudgetLineFactory(project=project)
    o["cost_entry"] = factories.CostEntryFactory(project=project)
    o["overrun"] = OverrunAlert.objects.create(
        project=project,
        budget=Decimal("500000.00"),
        threshold=Decimal("525000.00"),
        eac=Decimal("600000.00"),
        eac_basis="reported",
        cost_rating="amber",
    )
    o["gate_template"] = GateTemplate.objects.order_by("pk").first()
    o["gate_review"] = GateReview.objects.create(
        project=project,
        from_phase=Phase.PLANNING,
        to_phase=Phase.EXECUTION,
        gate_name="G2",
        checklist=[{"item": "Planning baselined", "checked": True, "evidence": ""}],
        decision=GateDecision.GO,
        decided_by=pmo,
        decided_on=timezone.localdate() - datetime.timedelta(days=3),
    )
    o["closure"] = closure_report_create(
        actor=pm,
        project=o["closing"],
        objectives_met="partly",
        objectives_comment="Two sites of three.",
        scope_delivered="The portal.",
        handover="To the run team.",
    )
    o["request"] = request_create(
        actor=pm,
        title="Customer chatbot",
        portfolio=o["portfolio"],
        objectives="Answer customers in under a minute.",
        scope="Web and mobile.",
        capex_estimate=Decimal("120000.00"),
        opex_estimate=Decimal("30000.00"),
        fte_estimate=Decimal("2.50"),
    )
    o["lesson"] = lesson_create(
        actor=pm,
        project=project,
        knowledge_area="scope",
        polarity="negative",
        title="A lesson",
        what_happened="Something happened.",
        recommendation="Do better.",
    )
    o["lesson_feedback"] = LessonFeedback.objects.create(
        project=project, lesson=o["lesson"], state="applied"
    )
    o["criterion"] = ScoringCriterion.objects.create(
        portfolio=o["portfolio"], name="Fit", weight=100
    )
    o["score"] = ProjectScore.objects.create(project=project, criterion=o["criterion"], score=4)
    o["scenario"] = scenario_save(
        actor=None,
        portfolio=o["portfolio"],
        data={
            "name": "Base",
            "capex_envelope": Decimal("1000000"),
            "opex_envelope": Decimal("1000000"),
            "fte_capacity": Decimal("10"),
        },
        choices={},
    )
    # A flash report of project A, asked for by "pm", with its PDF.
    o["run"] = ReportRun.objects.create(
        kind=ReportKind.PROJECT_FLASH,
        portfolio=o["portfolio"],
        project=project,
        language="en",
        as_of=datetime.date(2026, 11, 16),
        state=RunState.SUCCEEDED,
        requested_by=pm,
    )
    o["run"].pdf.save(o["run"].file_name(), ContentFile(b"%PDF-1.4 matrix"), save=False)
    o["run"].file_size, o["run"].page_count = 15, 1
    o["run"].save()
    o["schedule"] = ReportSchedule.objects.create(
        name="Weekly Copil",
        kind=ReportKind.PORTFOLIO_PACK,
        portfolio=o["portfolio"],
        cron="0 7 * * 1",
        time_zone="Europe/Paris",
        language="en",
    )
    o["look"] = ReportLook.objects.create(portfolio=o["portfolio"], title="Board")
    moment = timezone.now()
    o["alert"] = Alert.objects.create(
        key="overdue_action:matrix",
        kind=AlertKind.OVERDUE_ACTION,
        severity=AlertSeverity.LOW,
        project=project,
        portfolio=o["portfolio"],
        first_seen_at=moment,
        last_seen_at=moment,
        url="/raid/actions/1/",
        params={"reference": "A-1", "title": "Call", "owner": "Ann", "due": "2026-11-01"},
    )
    in_a_year = timezone.now() + datetime.timedelta(days=365)
    every_scope = list(TokenScope.values)
    for scope in ("all", *every_scope):
        o[f"token:{scope}"], world.token_keys[scope] = token_create(
            actor=pmo,
            name=f"Matrix {scope}",
            scopes=[s for s in every_scope if s != scope],
            expires_at=in_a_year,
            user=users["integration"],
        )
    # An import preview that does not exist: whoever may import gets 404, others their refusal.
    o["import_token"] = uuid.UUID(int=1)
    return world


def api_client_for(user=None, *, key=None) -> APIClient:
    """An API client presenting ``key``, or a personal token of ``user`` (every scope: what
    the account may do), or no credentials."""
    client = APIClient()
    if user is not None:
        _token, key = token_create(actor=user, name="Matrix", kind=ApiToken.Kind.PERSONAL)
    if key is not None:
        client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    return client

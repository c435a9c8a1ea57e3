"""Every free-text field a user types, shown on the pages that show it, is escaped: a
``<script>``, an ``<img onerror>`` or an image on someone else's server never reaches the
browser as markup, only as text.

Each case is one field of one model, built with the payload in it, and the pages that show
it; a field the pages show later is one more line in ``CASES``. Every page is read by a PMO
manager, who may see everything.
"""

import datetime
from decimal import Decimal
from types import SimpleNamespace

import pytest
from django.urls import reverse
from django.utils import timezone

from portfolio.models import ScoringCriterion
from projects.choices import GateDecision, Phase, SuggestionState
from projects.models import (
    BaselineRevision,
    ClosureReport,
    GateReview,
    GateTemplate,
    LessonFeedback,
    ProjectScore,
    Scenario,
)
from reporting.choices import AlertKind, AlertSeverity
from reporting.models import Alert, ReportLook
from risks.choices import ChangeState, DecisionState
from tests import factories
from tests.projects.test_intake import make_request
from tests.projects.test_lessons import make_lesson
from tests.reporting.test_schedule_pages import make_schedule
from tests.security.payloads import markers_in, payload

pytestmark = pytest.mark.django_db


def text_for(model, field: str) -> str:
    """The payload, as long as the field takes."""
    return payload(max_length=model._meta.get_field(field).max_length)


# --- builders: (field, env) -> the record with the payload in ``field`` ------------------


def of_factory(factory, *, on_project=True, **extra):
    def build(field, env):
        values = {"project": env.project} if on_project else {}
        values.update({k: v(env) if callable(v) else v for k, v in extra.items()})
        values[field] = text_for(factory._meta.model, field)
        return factory(**values)

    return build


def project(field, env):
    setattr(env.project, field, text_for(type(env.project), field))
    env.project.save()
    return env.project


def portfolio(field, env):
    setattr(env.portfolio, field, text_for(type(env.portfolio), field))
    env.portfolio.save()
    return env.portfolio


def status(field, env):
    report = factories.StatusReportFactory(
        project=env.project,
        submitted=True,
        **{field: text_for(factories.StatusReportFactory._meta.model, field)},
    )
    env.project.last_status = report
    env.project.save()
    return report


def lesson(field, env):
    return make_lesson(env.project, actor=env.pmo, **{field: text_for(lesson_model(), field)})


def lesson_model():
    from projects.models import Lesson

    return Lesson


def lesson_tag(_field, env):
    return make_lesson(env.project, actor=env.pmo, tags=[payload(max_length=50)])


def lesson_feedback(field, env):
    planning = factories.ProjectFactory(portfolio=env.portfolio, phase=Phase.PLANNING)
    lesson_ = make_lesson(env.project, actor=env.pmo)
    LessonFeedback.objects.create(
        project=planning,
        lesson=lesson_,
        state=SuggestionState.APPLIED,
        note=text_for(LessonFeedback, "note"),
    )
    return lesson_


def request(field, env):
    from projects.models import ProjectRequest

    return make_request(env.pm, portfolio=env.portfolio, **{field: text_for(ProjectRequest, field)})


def request_review_note(_field, env):
    from projects.models import ProjectRequest

    made = make_request(env.pm, portfolio=env.portfolio)
    ProjectRequest.objects.filter(pk=made.pk).update(
        review_note=payload(), reviewed_by=env.pmo, reviewed_at=timezone.now()
    )
    made.refresh_from_db()
    return made


def closure(field, env):
    env.project.phase = Phase.CLOSING
    env.project.save()
    values = {
        "objectives_met": "partly",
        "objectives_comment": "Two sites of three.",
        "scope_delivered": "The portal.",
        "handover": "To the run team.",
    }
    values[field] = text_for(ClosureReport, field)
    return ClosureReport.objects.create(project=env.project, written_by=env.pm, **values)


def gate_review(field, env):
    values = {"gate_name": "G1", "conditions": "Hire a tester.", "comments": "Fine."}
    values[field] = text_for(GateReview, field)
    return GateReview.objects.create(
        project=env.project,
        from_phase=Phase.PLANNING,
        to_phase=Phase.EXECUTION,
        decision=GateDecision.GO_WITH_CONDITIONS,
        decided_by=env.pmo,
        decided_on=timezone.localdate(),
        **values,
    )


def gate_template(field, env):
    template, _created = GateTemplate.objects.update_or_create(
        phase=Phase.PLANNING, defaults={field: text_for(GateTemplate, field)}
    )
    return template


def criterion(field, env):
    values = {"name": "Fit", "description": "How well it fits."}
    values[field] = text_for(ScoringCriterion, field)
    return ScoringCriterion.objects.create(portfolio=env.portfolio, weight=100, **values)


def score_comment(_field, env):
    fit = ScoringCriterion.objects.create(portfolio=env.portfolio, name="Fit", weight=100)
    return ProjectScore.objects.create(
        project=env.project, criterion=fit, score=4, comment=text_for(ProjectScore, "comment")
    )


def scenario(field, env):
    values = {"name": "Lean", "description": ""}
    values[field] = text_for(Scenario, field)
    return Scenario.objects.create(
        portfolio=env.portfolio,
        capex_envelope=1,
        opex_envelope=1,
        fte_capacity=1,
        created_by=env.pmo,
        **values,
    )


def schedule(field, env):
    from reporting.models import ReportSchedule

    return make_schedule(portfolio=env.portfolio, **{field: text_for(ReportSchedule, field)})


def look(field, env):
    return ReportLook.objects.create(
        portfolio=env.portfolio, **{field: text_for(ReportLook, field)}
    )


def alert_note(_field, env):
    now = timezone.now()
    return Alert.objects.create(
        kind=AlertKind.HEALTH_GAP,
        severity=AlertSeverity.HIGH,
        key=f"gap-{env.project.pk}",
        project=env.project,
        params={"code": env.project.code, "axis": "cost", "declared": "green", "computed": "red"},
        first_seen_at=now,
        last_seen_at=now,
        acknowledged_by=env.pmo,
        acknowledged_at=now,
        acknowledgement_note=payload(),
    )


def baseline_reason(_field, env):
    return BaselineRevision.objects.create(
        project=env.project,
        number=2,
        budget_capex=Decimal("1"),
        budget_opex=Decimal("1"),
        reason=text_for(BaselineRevision, "reason"),
        recorded_by=env.pmo,
    )


def resource(field, env):
    made = factories.ResourceFactory(
        **{field: text_for(factories.ResourceFactory._meta.model, field)}
    )
    factories.AllocationFactory(resource=made, project=env.project)
    return made


def capacity_reason(_field, env):
    return factories.ResourceCapacityFactory(
        month=timezone.localdate().replace(day=1),
        reason=text_for(factories.ResourceCapacityFactory._meta.model, "reason"),
    )


def allocation_note(_field, env):
    return factories.AllocationFactory(
        project=env.project,
        month=timezone.localdate().replace(day=1),
        note=text_for(factories.AllocationFactory._meta.model, "note"),
    )


def taken_decision(_field, env):
    return factories.DecisionFactory(
        project=env.project,
        state=DecisionState.TAKEN,
        outcome=payload(),
        decided_by=env.pmo,
        decided_on=timezone.localdate() - datetime.timedelta(days=1),
    )


def decided_change(_field, env):
    return factories.ChangeRequestFactory(
        project=env.project,
        state=ChangeState.REJECTED,
        decision_reason=payload(),
        submitted_at=timezone.now(),
        decided_by=env.pmo,
        decided_at=timezone.now(),
    )


# --- urls: (record, env) -> a page that shows the field ----------------------------------


def page(name, *, of="record"):
    """The page ``name``, of the record (``of="record"``), of its project, of its portfolio,
    or with no argument (``of=None``)."""

    def url(record, env):
        if of is None:
            return reverse(name)
        target = {
            "record": record,
            "project": getattr(record, "project", env.project),
            "portfolio": env.portfolio,
            "env_project": env.project,
        }[of]
        return reverse(name, args=[target.pk])

    url.__name__ = name
    return url


def case(model, field, build, *urls):
    return pytest.param(field, build, urls, id=f"{model}.{field}")


PROJECT = page("projects:project_detail", of="env_project")
DASHBOARD = page("reporting:dashboard", of=None)

CASES = [
    # Portfolio, programme, objectives
    case(
        "portfolio",
        "name",
        portfolio,
        page("portfolio:portfolio_detail", of="portfolio"),
        page("portfolio:portfolio_list", of=None),
        DASHBOARD,
    ),
    case("portfolio", "description", portfolio, page("portfolio:portfolio_detail", of="portfolio")),
    case(
        "programme",
        "name",
        of_factory(factories.ProgrammeFactory, on_project=False),
        page("portfolio:programme_detail"),
        page("portfolio:programme_list", of=None),
    ),
    case(
        "programme",
        "outcome",
        of_factory(factories.ProgrammeFactory, on_project=False),
        page("portfolio:programme_detail"),
    ),
    case(
        "objective",
        "name",
        of_factory(factories.StrategicObjectiveFactory, on_project=False),
        page("portfolio:objective_detail"),
        page("portfolio:objective_list", of=None),
    ),
    case(
        "objective",
        "description",
        of_factory(factories.StrategicObjectiveFactory, on_project=False),
        page("portfolio:objective_detail"),
    ),
    case(
        "envelope",
        "note",
        of_factory(factories.PortfolioEnvelopeFactory, on_project=False),
        page("portfolio:envelope_list", of=None),
    ),
    # Projects, milestones, status
    case(
        "project",
        "name",
        project,
        PROJECT,
        page("projects:project_list", of=None),
        DASHBOARD,
        page("reporting:dashboard_executive", of=None),
    ),
    case("project", "description", project, PROJECT),
    case("baseline revision", "reason", baseline_reason, PROJECT),
    case(
        "milestone",
        "name",
        of_factory(factories.MilestoneFactory),
        page("projects:milestone_detail"),
        page("projects:milestone_list", of=None),
        PROJECT,
    ),
    case(
        "milestone",
        "description",
        of_factory(factories.MilestoneFactory),
        page("projects:milestone_detail"),
    ),
    *(
        case("status", field, status, page("projects:status_detail"))
        for field in (
            "quality_comment",
            "cost_comment",
            "delay_comment",
            "risk_comment",
            "recovery_plan",
            "achievements",
            "next_steps",
            "attention_points",
            "decisions_requested",
            "amendment_reason",
        )
    ),
    # RAID log and change control
    *(
        case("risk", field, of_factory(factories.RiskFactory), page("risks:risk_detail"))
        for field in ("title", "description", "mitigation")
    ),
    case(
        "risk",
        "title",
        of_factory(factories.RiskFactory),
        page("risks:risk_list", of=None),
        PROJECT,
    ),
    *(
        case("issue", field, of_factory(factories.IssueFactory), page("risks:issue_detail"))
        for field in ("title", "description", "resolution")
    ),
    case("issue", "title", of_factory(factories.IssueFactory), page("risks:issue_list", of=None)),
    *(
        case("action", field, of_factory(factories.ActionFactory), page("risks:action_detail"))
        for field in ("title", "description")
    ),
    case(
        "action", "title", of_factory(factories.ActionFactory), page("risks:action_list", of=None)
    ),
    *(
        case(
            "decision", field, of_factory(factories.DecisionFactory), page("risks:decision_detail")
        )
        for field in ("title", "description", "context", "options")
    ),
    case(
        "decision",
        "title",
        of_factory(factories.DecisionFactory),
        page("risks:decision_list", of=None),
    ),
    case("decision", "outcome", taken_decision, page("risks:decision_detail")),
    *(
        case(
            "change request",
            field,
            of_factory(factories.ChangeRequestFactory),
            page("risks:change_detail"),
        )
        for field in ("title", "description", "scope_impact", "quality_impact")
    ),
    case(
        "change request",
        "title",
        of_factory(factories.ChangeRequestFactory),
        page("risks:change_list", of=None),
    ),
    case("change request", "decision_reason", decided_change, page("risks:change_detail")),
    # Resources and finance
    case(
        "resource",
        "name",
        resource,
        page("portfolio:resource_detail"),
        page("portfolio:resource_list", of=None),
    ),
    case("resource", "team", resource, page("portfolio:resource_detail")),
    case("resource", "skill", resource, page("portfolio:resource_detail")),
    case(
        "resource capacity",
        "reason",
        capacity_reason,
        lambda record, env: reverse("portfolio:resource_detail", args=[record.resource_id]),
    ),
    case("allocation", "note", allocation_note, page("projects:allocation_list", of=None)),
    case(
        "budget line",
        "note",
        of_factory(factories.BudgetLineFactory),
        page("projects:budgetline_list", of=None),
    ),
    *(
        case(
            "cost entry",
            field,
            of_factory(factories.CostEntryFactory),
            page("projects:costentry_detail"),
            page("projects:costentry_list", of=None),
        )
        for field in ("label", "supplier", "external_reference")
    ),
    # Requests, gates, closure, lessons, scoring
    *(
        case("request", field, request, page("projects:request_detail"))
        for field in ("title", "objectives", "scope", "stakes", "expected_benefits")
    ),
    case("request", "title", request, page("projects:request_list", of=None)),
    case("request", "review_note", request_review_note, page("projects:request_detail")),
    *(
        case("gate review", field, gate_review, PROJECT)
        for field in ("gate_name", "conditions", "comments")
    ),
    case("gate review", "gate_name", gate_review, page("projects:gatereview_list", of=None)),
    case("gate template", "name", gate_template, page("projects:gate_templates", of=None)),
    *(
        case(
            "closure report", field, closure, page("projects:closure_report", of="project"), PROJECT
        )
        for field in ("objectives_comment", "scope_delivered", "handover")
    ),
    *(
        case("lesson", field, lesson, page("projects:lesson_detail"))
        for field in ("title", "what_happened", "recommendation")
    ),
    case("lesson", "title", lesson, page("projects:lesson_list", of=None), PROJECT),
    case(
        "lesson",
        "tags",
        lesson_tag,
        page("projects:lesson_detail"),
        page("projects:lesson_list", of=None),
    ),
    case("lesson feedback", "note", lesson_feedback, page("projects:lesson_detail")),
    case(
        "criterion",
        "name",
        criterion,
        page("projects:criteria", of="portfolio"),
        page("projects:ranking", of="portfolio"),
    ),
    case("criterion", "description", criterion, page("projects:criteria", of="portfolio")),
    case("score", "comment", score_comment, page("projects:project_scores", of="project")),
    case(
        "scenario",
        "name",
        scenario,
        lambda record, env: reverse("projects:scenario_detail", args=[env.portfolio.pk, record.pk]),
        page("projects:scenario_list", of="portfolio"),
    ),
    case(
        "scenario",
        "description",
        scenario,
        lambda record, env: reverse("projects:scenario_detail", args=[env.portfolio.pk, record.pk]),
    ),
    # Reporting
    case(
        "alert",
        "acknowledgement_note",
        alert_note,
        page("reporting:alert_list", of=None),
    ),
    case(
        "schedule",
        "name",
        schedule,
        page("reporting:schedule_detail"),
        page("reporting:schedule_list", of=None),
    ),
    case(
        "look",
        "title",
        look,
        page("reporting:look_list", of=None),
        page("reporting:look_edit", of="portfolio"),
    ),
    case(
        "look",
        "footer",
        look,
        page("reporting:look_edit", of="portfolio"),
    ),
]


@pytest.fixture
def env(pmo_user, pm_user):
    the_project = factories.ProjectFactory(project_manager=pm_user)
    return SimpleNamespace(
        project=the_project, portfolio=the_project.portfolio, pm=pm_user, pmo=pmo_user
    )


@pytest.mark.parametrize(("field", "build", "urls"), CASES)
def test_a_typed_payload_is_shown_escaped_never_as_markup(client_as, env, field, build, urls):
    record = build(field, env)
    typed = getattr(record, field, None) if field != "tags" else payload(max_length=50)
    markers = markers_in(typed if isinstance(typed, str) else payload())
    assert markers, "the record holds no payload"
    client = client_as(env.pmo)

    for url in urls:
        address = url(record, env)
        response = client.get(address)
        assert response.status_code == 200, address
        html = response.content.decode()
        for raw, escaped in markers:
            assert raw not in html, f"{address} shows {raw!r} unescaped"
            assert escaped in html, f"{address} does not show the field ({escaped!r})"

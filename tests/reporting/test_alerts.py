"""Alert rules (each kind, its severity and key), the refresh that opens, updates and resolves
the stored alerts, acknowledgement, and the hourly task."""

import datetime
import zoneinfo
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone, translation

from pmo import months as month_math
from pmo.celery import app as celery_app
from pmo.exceptions import WorkflowError
from projects import weeks
from projects.choices import Phase, Rating
from reporting import alerts, services, tasks
from reporting.choices import AlertKind, AlertSeverity
from reporting.models import Alert
from risks.choices import ActionStatus, DecisionState
from tests import factories

D = Decimal
PARIS = zoneinfo.ZoneInfo("Europe/Paris")
DAY = datetime.timedelta(days=1)


def now():
    return timezone.now()


def today():
    return timezone.localdate()


def declare(project, *, week=None, **fields):
    """File ``project``'s latest submitted status (all green unless told) and point its
    ``last_status`` at it."""
    week = week or weeks.current_week(project.tz) - weeks.ONE_WEEK
    report = factories.StatusReportFactory(project=project, week=week, submitted=True, **fields)
    project.last_status = report
    project.save(update_fields=["last_status"])
    return report


def of_kind(kind, *, at=None):
    return [c for c in alerts.candidates(now=at or now()) if c.kind == kind]


def quiet_project(**kwargs):
    """A project raising no alert by itself: it starts in the future, so no week is due."""
    start = today() + datetime.timedelta(days=30)
    kwargs.setdefault("forecast_start", start)
    kwargs.setdefault("baseline_start", start)
    kwargs.setdefault("forecast_end", start + datetime.timedelta(days=300))
    kwargs.setdefault("baseline_end", start + datetime.timedelta(days=300))
    return factories.ProjectFactory(**kwargs)


# --- unflagged overrun --------------------------------------------------------------------


@pytest.mark.django_db
def test_an_overrun_still_green_on_cost_is_a_high_alert():
    project = quiet_project()
    factories.CostEntryFactory(project=project, amount=D("450000"), date=today())
    declare(project, estimate_to_complete=D("200000"))

    [alert] = of_kind(AlertKind.UNFLAGGED_OVERRUN)

    assert alert.key == f"unflagged_overrun:{project.pk}"
    assert alert.severity == AlertSeverity.HIGH
    assert alert.project_id == project.pk
    assert alert.portfolio_id == project.portfolio_id
    assert alert.params["eac"] == "650000"
    assert alert.params["budget"] == "500000"


@pytest.mark.django_db
def test_an_overrun_the_project_flags_red_is_not_an_unflagged_one():
    project = quiet_project()
    factories.CostEntryFactory(project=project, amount=D("450000"), date=today())
    declare(
        project,
        estimate_to_complete=D("200000"),
        cost_rating=Rating.RED,
        cost_comment="Over.",
        recovery_plan="Cut scope.",
        recovery_target_date=today() + 30 * DAY,
    )

    assert of_kind(AlertKind.UNFLAGGED_OVERRUN) == []


# --- late or missing report ---------------------------------------------------------------

# Thursday 12 March 2026, 09:00 Paris: the week of 9 March is due Friday 13 at noon.
THURSDAY = datetime.datetime(2026, 3, 12, 9, 0, tzinfo=PARIS)
FRIDAY_AFTERNOON = datetime.datetime(2026, 3, 13, 15, 0, tzinfo=PARIS)


def reporting_since(day):
    return factories.ProjectFactory(baseline_start=day, forecast_start=day)


def filed(project, week):
    return factories.StatusReportFactory(
        project=project,
        week=week,
        submitted=True,
        submitted_at=datetime.datetime.combine(week + 2 * DAY, datetime.time(10, 0), tzinfo=PARIS),
    )


@pytest.mark.django_db
def test_last_week_not_reported_is_a_medium_alert_keyed_by_its_week():
    project = reporting_since(datetime.date(2026, 2, 23))
    filed(project, datetime.date(2026, 2, 23))

    [alert] = of_kind(AlertKind.LATE_REPORT, at=THURSDAY)

    assert alert.key == f"late_report:{project.pk}:2026-03-02"
    assert alert.severity == AlertSeverity.MEDIUM
    assert alert.params["count"] == 1


@pytest.mark.django_db
def test_two_weeks_missing_in_a_row_is_high_and_keeps_the_first_weeks_key():
    project = reporting_since(datetime.date(2026, 2, 23))

    [alert] = of_kind(AlertKind.LATE_REPORT, at=THURSDAY)

    assert alert.key == f"late_report:{project.pk}:2026-02-23"
    assert alert.severity == AlertSeverity.HIGH
    assert alert.params["count"] == 2


@pytest.mark.django_db
def test_weeks_before_the_project_starts_are_not_missing():
    reporting_since(datetime.date(2026, 3, 9))

    assert of_kind(AlertKind.LATE_REPORT, at=THURSDAY) == []


@pytest.mark.django_db
def test_this_weeks_status_late_after_the_deadline_is_an_alert():
    project = reporting_since(datetime.date(2026, 3, 2))
    filed(project, datetime.date(2026, 3, 2))

    assert of_kind(AlertKind.LATE_REPORT, at=THURSDAY) == []
    [alert] = of_kind(AlertKind.LATE_REPORT, at=FRIDAY_AFTERNOON)
    assert alert.key == f"late_report:{project.pk}:2026-03-09"
    assert alert.severity == AlertSeverity.MEDIUM


@pytest.mark.django_db
def test_a_project_up_to_date_or_inactive_raises_no_late_report():
    project = reporting_since(datetime.date(2026, 3, 2))
    filed(project, datetime.date(2026, 3, 2))
    factories.ProjectFactory(phase=Phase.CLOSED, baseline_start=datetime.date(2026, 1, 5))

    assert of_kind(AlertKind.LATE_REPORT, at=THURSDAY) == []


# --- red without a recovery plan ----------------------------------------------------------


@pytest.mark.django_db
def test_red_with_its_recovery_date_past_is_a_high_alert():
    project = quiet_project()
    declare(
        project,
        delay_rating=Rating.RED,
        delay_comment="Late.",
        recovery_plan="Add people.",
        recovery_target_date=today() - DAY,
    )

    [alert] = of_kind(AlertKind.RED_WITHOUT_RECOVERY)

    assert alert.key == f"red_without_recovery:{project.pk}"
    assert alert.severity == AlertSeverity.HIGH
    assert alert.params["axes"] == ["delay"]


@pytest.mark.django_db
def test_red_without_any_plan_is_an_alert_and_a_plan_in_time_is_not():
    without = quiet_project()
    declare(without, risk_rating=Rating.RED, risk_comment="Bad.")
    with_plan = quiet_project()
    declare(
        with_plan,
        risk_rating=Rating.RED,
        risk_comment="Bad.",
        recovery_plan="Mitigate.",
        recovery_target_date=today() + 10 * DAY,
    )
    amber = quiet_project()
    declare(amber, risk_rating=Rating.AMBER, risk_comment="Watch.")

    assert [c.project_id for c in of_kind(AlertKind.RED_WITHOUT_RECOVERY)] == [without.pk]


# --- slipped milestone --------------------------------------------------------------------


@pytest.mark.django_db
def test_milestones_overdue_gate_overdue_and_slipped_weigh_differently():
    project = quiet_project()
    overdue = factories.MilestoneFactory(project=project, baseline_date=today() - 3 * DAY)
    gate = factories.MilestoneFactory(
        project=project, baseline_date=today() - 3 * DAY, is_gate=True
    )
    slipped = factories.MilestoneFactory(
        project=project,
        baseline_date=today() + 10 * DAY,
        forecast_date=today() + 20 * DAY,
    )
    factories.MilestoneFactory(project=project, baseline_date=today() + 10 * DAY)
    factories.MilestoneFactory(
        project=project, baseline_date=today() - 10 * DAY, actual_date=today() - 9 * DAY
    )

    found = {c.key: c for c in of_kind(AlertKind.SLIPPED_MILESTONE)}

    assert set(found) == {
        f"slipped_milestone:{overdue.pk}",
        f"slipped_milestone:{gate.pk}",
        f"slipped_milestone:{slipped.pk}",
    }
    assert found[f"slipped_milestone:{overdue.pk}"].severity == AlertSeverity.MEDIUM
    assert found[f"slipped_milestone:{gate.pk}"].severity == AlertSeverity.HIGH
    assert found[f"slipped_milestone:{slipped.pk}"].severity == AlertSeverity.LOW
    assert found[f"slipped_milestone:{slipped.pk}"].params["slip_days"] == 10


# --- overdue action -----------------------------------------------------------------------


@pytest.mark.django_db
def test_overdue_actions_are_low_then_medium_after_two_weeks():
    project = quiet_project()
    recent = factories.ActionFactory(project=project, due_date=today() - 3 * DAY)
    old = factories.ActionFactory(project=project, due_date=today() - 20 * DAY)
    factories.ActionFactory(project=project, due_date=today() - 20 * DAY, status=ActionStatus.DONE)
    factories.ActionFactory(project=project, due_date=today() + DAY)

    found = {c.key: c for c in of_kind(AlertKind.OVERDUE_ACTION)}

    assert set(found) == {f"overdue_action:{recent.pk}", f"overdue_action:{old.pk}"}
    assert found[f"overdue_action:{recent.pk}"].severity == AlertSeverity.LOW
    assert found[f"overdue_action:{old.pk}"].severity == AlertSeverity.MEDIUM
    assert found[f"overdue_action:{old.pk}"].params["days"] == 20


@pytest.mark.django_db
def test_an_overdue_action_of_a_portfolio_is_an_alert_on_that_portfolio():
    portfolio = factories.PortfolioFactory()
    owner = factories.pmo_manager(username="owner")
    action = factories.ActionFactory(
        project=None, portfolio=portfolio, owner=owner, due_date=today() - 2 * DAY
    )

    [alert] = of_kind(AlertKind.OVERDUE_ACTION)

    assert alert.key == f"overdue_action:{action.pk}"
    assert alert.portfolio_id == portfolio.pk
    assert alert.project_id is None


# --- over-allocated resource --------------------------------------------------------------


@pytest.mark.django_db
def test_over_allocation_is_medium_and_high_above_120_percent():
    month = month_math.month_start(today())
    next_month = month_math.add_months(month, 1)
    project = quiet_project()
    resource = factories.ResourceFactory()
    factories.AllocationFactory(resource=resource, project=project, month=month, fte=D("1.10"))
    factories.AllocationFactory(resource=resource, project=project, month=next_month, fte=D("1.50"))
    factories.AllocationFactory(
        resource=resource,
        project=project,
        month=month_math.add_months(month, 5),
        fte=D("3.00"),
    )

    found = {c.key: c for c in of_kind(AlertKind.OVER_ALLOCATION)}

    this_key = f"over_allocation:{resource.pk}:{month:%Y-%m}"
    next_key = f"over_allocation:{resource.pk}:{next_month:%Y-%m}"
    assert set(found) == {this_key, next_key}
    assert found[this_key].severity == AlertSeverity.MEDIUM
    assert found[this_key].params["load"] == 110
    assert found[next_key].severity == AlertSeverity.HIGH
    assert found[next_key].resource_id == resource.pk


# --- escalated risk without a decision ----------------------------------------------------


@pytest.mark.django_db
def test_a_risk_escalated_two_weeks_ago_without_a_decision_is_an_alert():
    project = quiet_project()
    risk = factories.RiskFactory(project=project, escalated_at=now() - 20 * DAY)
    factories.RiskFactory(project=quiet_project(), escalated_at=now() - 5 * DAY)

    [alert] = of_kind(AlertKind.ESCALATED_RISK)

    assert alert.key == f"escalated_risk:{risk.pk}"
    assert alert.severity == AlertSeverity.MEDIUM
    assert alert.params["score"] == 12


@pytest.mark.django_db
def test_a_decision_taken_on_the_project_since_the_escalation_settles_it(pmo_user):
    project = quiet_project()
    factories.RiskFactory(project=project, escalated_at=now() - 20 * DAY)
    factories.DecisionFactory(
        project=project,
        state=DecisionState.TAKEN,
        decided_by=pmo_user,
        decided_on=today() - 2 * DAY,
        outcome="Go on.",
    )

    assert of_kind(AlertKind.ESCALATED_RISK) == []


@pytest.mark.django_db
def test_a_decision_taken_before_the_escalation_does_not_settle_it(pmo_user):
    project = quiet_project()
    factories.RiskFactory(project=project, escalated_at=now() - 20 * DAY)
    factories.DecisionFactory(
        project=project,
        state=DecisionState.TAKEN,
        decided_by=pmo_user,
        decided_on=today() - 30 * DAY,
        outcome="Earlier.",
    )
    factories.DecisionFactory(project=project)  # requested, not taken

    assert len(of_kind(AlertKind.ESCALATED_RISK)) == 1


# --- declared vs computed -----------------------------------------------------------------


@pytest.mark.django_db
def test_declared_green_computed_red_is_a_high_health_gap():
    project = quiet_project()
    factories.CostEntryFactory(project=project, amount=D("450000"), date=today())
    declare(project, estimate_to_complete=D("200000"))

    found = {c.key: c for c in of_kind(AlertKind.HEALTH_GAP)}

    gap = found[f"health_gap:{project.pk}:cost"]
    assert gap.severity == AlertSeverity.HIGH
    assert gap.params["declared"] == Rating.GREEN
    assert gap.params["computed"] == Rating.RED


@pytest.mark.django_db
def test_a_one_level_gap_is_medium():
    project = quiet_project()
    factories.RiskFactory(project=project, probability=3, impact=4)  # 12: amber
    declare(project)

    found = {c.key: c for c in of_kind(AlertKind.HEALTH_GAP)}

    assert found[f"health_gap:{project.pk}:risk"].severity == AlertSeverity.MEDIUM


# --- all rules together -------------------------------------------------------------------


def busy_project():
    """A project raising one alert of nearly every kind."""
    project = quiet_project()
    factories.CostEntryFactory(project=project, amount=D("450000"), date=today())
    declare(project, estimate_to_complete=D("200000"), delay_rating=Rating.RED, delay_comment="x")
    factories.MilestoneFactory(project=project, baseline_date=today() - 3 * DAY, is_gate=True)
    factories.ActionFactory(project=project, due_date=today() - 3 * DAY)
    factories.RiskFactory(project=project, escalated_at=now() - 20 * DAY)
    resource = factories.ResourceFactory()
    factories.AllocationFactory(
        resource=resource,
        project=project,
        month=month_math.month_start(today()),
        fte=D("2.0"),
    )
    return project


@pytest.mark.django_db
def test_the_rules_cost_the_same_queries_for_2_or_6_projects():
    def count():
        with CaptureQueriesContext(connection) as context:
            found = alerts.candidates(now=now())
        return len(context.captured_queries), len(found)

    for _ in range(2):
        busy_project()
    few_queries, few = count()
    for _ in range(4):
        busy_project()
    many_queries, many = count()

    assert many > few
    assert many_queries == few_queries


@pytest.mark.django_db
@pytest.mark.parametrize("language", ["en", "fr"])
def test_every_kind_has_a_message(language):
    busy_project()
    reporting_since(today() - 30 * DAY)
    found = alerts.candidates(now=now())
    kinds = {c.kind for c in found}

    with translation.override(language):
        texts = {c.kind: alerts.message(c) for c in found}

    assert kinds == set(AlertKind.values)
    assert all(texts.values())
    assert "%(" not in "".join(texts.values())


# --- refresh ------------------------------------------------------------------------------


@pytest.mark.django_db
def test_a_refresh_opens_then_keeps_then_resolves_an_alert():
    project = quiet_project()
    action = factories.ActionFactory(project=project, due_date=today() - 3 * DAY)
    first, second = now(), now() + datetime.timedelta(hours=1)

    assert services.alerts_refresh(now=first) == {"opened": 1, "updated": 0, "resolved": 0}
    alert = Alert.objects.get()
    assert (alert.key, alert.first_seen_at, alert.last_seen_at) == (
        f"overdue_action:{action.pk}",
        first,
        first,
    )

    assert services.alerts_refresh(now=second) == {"opened": 0, "updated": 0, "resolved": 0}
    alert.refresh_from_db()
    assert (alert.first_seen_at, alert.last_seen_at, alert.resolved_at) == (first, second, None)

    action.status = ActionStatus.DONE
    action.save()
    third = second + datetime.timedelta(hours=1)
    assert services.alerts_refresh(now=third) == {"opened": 0, "updated": 0, "resolved": 1}
    alert.refresh_from_db()
    assert alert.resolved_at == third


@pytest.mark.django_db
def test_a_refresh_updates_severity_and_details_of_an_open_alert():
    project = quiet_project()
    action = factories.ActionFactory(project=project, due_date=today() - 3 * DAY)
    services.alerts_refresh(now=now())
    action.due_date = today() - 20 * DAY
    action.save()

    assert services.alerts_refresh(now=now())["updated"] == 1

    alert = Alert.objects.get()
    assert alert.severity == AlertSeverity.MEDIUM
    assert alert.params["days"] == 20


@pytest.mark.django_db
def test_a_subject_that_comes_back_after_resolving_opens_a_new_alert():
    project = quiet_project()
    action = factories.ActionFactory(project=project, due_date=today() - 3 * DAY)
    services.alerts_refresh(now=now())
    action.status = ActionStatus.DONE
    action.save()
    services.alerts_refresh(now=now())
    action.status = ActionStatus.OPEN
    action.save()

    assert services.alerts_refresh(now=now())["opened"] == 1
    assert Alert.objects.filter(key=f"overdue_action:{action.pk}").count() == 2
    assert Alert.objects.filter(resolved_at__isnull=True).count() == 1


@pytest.mark.django_db
def test_an_alert_opened_by_a_concurrent_run_is_taken_not_duplicated(monkeypatch):
    project = quiet_project()
    factories.ActionFactory(project=project, due_date=today() - 3 * DAY)
    factories.ActionFactory(project=project, due_date=today() - 4 * DAY)
    real = alerts.candidates
    at = now()

    def racing(*, now=None):
        found = real(now=now)
        # Another run opens the first one's alert after this run read the open alerts.
        services._new_alert(found[0], at - datetime.timedelta(minutes=1)).save()
        return found

    monkeypatch.setattr(alerts, "candidates", racing)

    counts = services.alerts_refresh(now=at)

    assert counts["opened"] == 1
    assert Alert.objects.filter(resolved_at__isnull=True).count() == 2
    assert set(Alert.objects.values_list("last_seen_at", flat=True)) == {at}


@pytest.mark.django_db
def test_the_hourly_task_refreshes_the_alerts():
    factories.ActionFactory(project=quiet_project(), due_date=today() - 3 * DAY)

    assert tasks.refresh_alerts.run()["opened"] == 1
    assert celery_app.tasks["reporting.refresh_alerts"].run is tasks.refresh_alerts.run
    assert tasks.refresh_alerts.max_retries == 3


# --- acknowledgement ----------------------------------------------------------------------


def open_alert(**kwargs):
    moment = now()
    defaults = {
        "key": f"overdue_action:{Alert.objects.count() + 1}",
        "kind": AlertKind.OVERDUE_ACTION,
        "severity": AlertSeverity.LOW,
        "first_seen_at": moment,
        "last_seen_at": moment,
        "params": {"reference": "A-1", "title": "Call", "owner": "Ann", "due": "2026-11-01"},
    }
    defaults.update(kwargs)
    return Alert.objects.create(**defaults)


@pytest.mark.django_db
def test_a_pmo_manager_acknowledges_an_alert_with_a_note(pmo_user):
    alert = open_alert()

    services.alert_acknowledge(alert, actor=pmo_user, note="  Seen with the PM.  ")

    alert.refresh_from_db()
    assert alert.acknowledged_by == pmo_user
    assert alert.acknowledged_at is not None
    assert alert.acknowledgement_note == "Seen with the PM."
    assert alert.is_open


@pytest.mark.django_db
@pytest.mark.parametrize("person", ["pm_user", "exec_user", "integration_user", "no_role_user"])
def test_only_pmo_managers_acknowledge(request, person):
    alert = open_alert()

    with pytest.raises(PermissionDenied):
        services.alert_acknowledge(alert, actor=request.getfixturevalue(person))

    alert.refresh_from_db()
    assert not alert.is_acknowledged


@pytest.mark.django_db
def test_a_resolved_or_acknowledged_alert_cannot_be_acknowledged(pmo_user):
    resolved = open_alert(resolved_at=now())
    seen = open_alert()
    services.alert_acknowledge(seen, actor=pmo_user)

    with pytest.raises(WorkflowError, match="resolved"):
        services.alert_acknowledge(resolved, actor=pmo_user)
    with pytest.raises(WorkflowError, match="already acknowledged"):
        services.alert_acknowledge(seen, actor=pmo_user, note="again")

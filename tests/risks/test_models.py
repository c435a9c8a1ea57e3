"""Models of the RAID log and change control: what each row may hold, checked by
``full_clean()`` and again by the database, and what each row says about itself."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from projects.choices import Phase
from projects.models import Project
from risks.choices import (
    ActionOrigin,
    ActionStatus,
    ChangeState,
    DecisionState,
    IssueStatus,
    Level,
    RiskStatus,
)
from risks.models import Action, ChangeRequest, Decision, Issue, Risk, RiskPolicy
from tests import factories

D = datetime.date
TODAY = D(2026, 3, 11)
YESTERDAY = TODAY - datetime.timedelta(days=1)
TOMORROW = TODAY + datetime.timedelta(days=1)


def errors_of(instance) -> dict:
    with pytest.raises(ValidationError) as error:
        instance.full_clean()
    return error.value.message_dict


def refused_by_the_database(constraint: str, create) -> None:
    """``create()`` is refused by the check constraint named ``constraint``."""
    with pytest.raises(IntegrityError, match=constraint), transaction.atomic():
        create()


# --- scope: exactly one of project, programme, portfolio --------------------------------


SCOPED_MODELS = {
    "risk": (Risk, {"probability": 2, "impact": 2}),
    "issue": (Issue, {}),
    "action": (Action, {"due_date": TOMORROW}),
    "decision": (Decision, {}),
}


def scoped_row(name, owner, **scope):
    model, extra = SCOPED_MODELS[name]
    people = {"requested_by": owner} if model is Decision else {"owner": owner}
    return model(title="Entry", **people, **extra, **scope)


def scopes(project, programme, portfolio):
    return {
        "none": {},
        "project and programme": {"project": project, "programme": programme},
        "project and portfolio": {"project": project, "portfolio": portfolio},
        "programme and portfolio": {"programme": programme, "portfolio": portfolio},
        "all three": {"project": project, "programme": programme, "portfolio": portfolio},
    }


BAD_SCOPES = (
    "none",
    "project and programme",
    "project and portfolio",
    "programme and portfolio",
    "all three",
)


@pytest.mark.django_db
@pytest.mark.parametrize("name", SCOPED_MODELS)
@pytest.mark.parametrize("bad", BAD_SCOPES)
def test_an_entry_not_held_on_exactly_one_scope_is_refused_on_project(name, bad, project):
    programme = factories.ProgrammeFactory(portfolio=project.portfolio)
    scope = scopes(project, programme, project.portfolio)[bad]

    errors = errors_of(scoped_row(name, project.project_manager, **scope))

    assert "exactly one" in " ".join(errors["project"])


@pytest.mark.django_db
@pytest.mark.parametrize("name", SCOPED_MODELS)
@pytest.mark.parametrize("bad", BAD_SCOPES)
def test_the_database_refuses_an_entry_not_held_on_exactly_one_scope(name, bad, project):
    programme = factories.ProgrammeFactory(portfolio=project.portfolio)
    scope = scopes(project, programme, project.portfolio)[bad]

    refused_by_the_database(
        f"{name}_one_scope", scoped_row(name, project.project_manager, **scope).save
    )


@pytest.mark.django_db
@pytest.mark.parametrize("name", SCOPED_MODELS)
@pytest.mark.parametrize("level", [Level.PROJECT, Level.PROGRAMME, Level.PORTFOLIO])
def test_an_entry_held_on_one_scope_is_valid_and_knows_its_level(name, level, project):
    programme = factories.ProgrammeFactory(portfolio=project.portfolio)
    target = {
        Level.PROJECT: project,
        Level.PROGRAMME: programme,
        Level.PORTFOLIO: project.portfolio,
    }[level]
    entry = scoped_row(name, project.project_manager, **{str(level): target})

    entry.full_clean()

    assert entry.level == level
    assert entry.scope == target
    assert entry.scope_portfolio == project.portfolio


# --- risks: scale, residual, score --------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize("field", ["probability", "impact"])
@pytest.mark.parametrize("value", [0, 6])
def test_a_probability_or_impact_outside_1_to_5_is_refused_by_full_clean(field, value, project):
    risk = factories.RiskFactory.build(project=project, **{field: value})

    assert field in errors_of(risk)


@pytest.mark.django_db
@pytest.mark.parametrize("field", ["probability", "impact"])
@pytest.mark.parametrize("value", [0, 6])
def test_the_database_refuses_a_probability_or_impact_outside_1_to_5(field, value, project):
    refused_by_the_database(
        "risk_scale_1_to_5",
        lambda: factories.RiskFactory(project=project, **{field: value}),
    )


@pytest.mark.django_db
@pytest.mark.parametrize("field", ["residual_probability", "residual_impact"])
@pytest.mark.parametrize("value", [0, 6])
def test_the_database_refuses_a_residual_value_outside_1_to_5(field, value, project):
    refused_by_the_database(
        "risk_residual_scale_1_to_5",
        lambda: factories.RiskFactory(
            project=project,
            probability=5,
            impact=5,
            **{"residual_probability": 2, "residual_impact": 2, field: value},
        ),
    )


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("given", "missing"),
    [("residual_probability", "residual_impact"), ("residual_impact", "residual_probability")],
)
def test_a_residual_assessment_needs_both_probability_and_impact(given, missing, project):
    risk = factories.RiskFactory.build(project=project, **{given: 2})

    errors = errors_of(risk)

    assert "or neither" in " ".join(errors[missing])


@pytest.mark.django_db
def test_a_residual_assessment_may_be_left_out_entirely(project):
    factories.RiskFactory.build(project=project).full_clean()


@pytest.mark.django_db
@pytest.mark.parametrize("field", ["residual_probability", "residual_impact"])
def test_a_residual_value_above_the_inherent_one_is_refused(field, project):
    risk = factories.RiskFactory.build(
        project=project, probability=3, impact=3, residual_probability=3, residual_impact=3
    )
    setattr(risk, field, 4)

    assert "cannot exceed" in " ".join(errors_of(risk)[field])


@pytest.mark.django_db
def test_a_residual_assessment_equal_to_the_inherent_one_is_accepted(project):
    factories.RiskFactory.build(
        project=project, probability=3, impact=4, residual_probability=3, residual_impact=4
    ).full_clean()


@pytest.mark.django_db
def test_the_database_computes_the_score_and_the_residual_score(project):
    risk = factories.RiskFactory(
        project=project, probability=3, impact=4, residual_probability=2, residual_impact=1
    )

    stored = Risk.objects.get(pk=risk.pk)

    assert (stored.score, stored.residual_score) == (12, 2)


@pytest.mark.django_db
def test_the_residual_score_is_empty_without_a_residual_assessment(project):
    risk = factories.RiskFactory(project=project)

    assert Risk.objects.get(pk=risk.pk).residual_score is None


@pytest.mark.django_db
def test_the_database_recomputes_the_score_when_probability_changes(project):
    risk = factories.RiskFactory(project=project, probability=3, impact=4)

    Risk.objects.filter(pk=risk.pk).update(probability=5)

    assert Risk.objects.get(pk=risk.pk).score == 20


@pytest.mark.django_db
def test_risks_are_listed_by_score_highest_first(project):
    low = factories.RiskFactory(project=project, probability=1, impact=2)
    high = factories.RiskFactory(project=project, probability=5, impact=4)
    middle = factories.RiskFactory(project=project, probability=3, impact=3)

    assert list(Risk.objects.all()) == [high, middle, low]


@pytest.mark.django_db
def test_the_current_score_is_read_from_the_fields_in_hand():
    risk = Risk(probability=4, impact=5)

    assert risk.current_score == 20
    assert Risk(probability=4).current_score is None


def test_references_name_the_kind_and_the_number():
    assert [
        Risk(pk=7).reference,
        Issue(pk=7).reference,
        Action(pk=7).reference,
        Decision(pk=7).reference,
        ChangeRequest(pk=7).reference,
        Risk().reference,
    ] == ["R-7", "I-7", "A-7", "D-7", "CR-7", "R-?"]


# --- overdue and escalation ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("status", "review", "overdue"),
    [
        (RiskStatus.OPEN, YESTERDAY, True),
        (RiskStatus.MITIGATING, YESTERDAY, True),
        (RiskStatus.OPEN, TODAY, False),
        (RiskStatus.OPEN, TOMORROW, False),
        (RiskStatus.OPEN, None, False),
        (RiskStatus.CLOSED, YESTERDAY, False),
        (RiskStatus.OCCURRED, YESTERDAY, False),
    ],
)
def test_a_review_is_overdue_only_for_a_live_risk_past_its_review_date(status, review, overdue):
    risk = Risk(status=status, next_review_date=review)

    assert risk.review_overdue(TODAY) is overdue


@pytest.mark.parametrize(
    ("status", "probability", "impact", "escalated", "proposed"),
    [
        (RiskStatus.OPEN, 3, 5, False, True),
        (RiskStatus.MITIGATING, 4, 4, False, True),
        (RiskStatus.OPEN, 2, 7, False, False),
        (RiskStatus.OPEN, 2, 5, False, False),
        (RiskStatus.OPEN, 5, 5, True, False),
        (RiskStatus.CLOSED, 5, 5, False, False),
        (RiskStatus.OCCURRED, 5, 5, False, False),
    ],
)
def test_a_live_unescalated_risk_at_the_threshold_is_proposed_for_escalation(
    status, probability, impact, escalated, proposed
):
    risk = Risk(
        status=status,
        probability=probability,
        impact=impact,
        escalated_at=datetime.datetime(2026, 3, 1, tzinfo=datetime.UTC) if escalated else None,
    )

    assert risk.proposed_for_escalation(15) is proposed


@pytest.mark.parametrize(
    ("status", "target", "overdue"),
    [
        (IssueStatus.OPEN, YESTERDAY, True),
        (IssueStatus.OPEN, TODAY, False),
        (IssueStatus.OPEN, None, False),
        (IssueStatus.RESOLVED, YESTERDAY, False),
    ],
)
def test_an_issue_is_overdue_when_open_past_its_target_date(status, target, overdue):
    assert Issue(status=status, target_date=target).overdue(TODAY) is overdue


@pytest.mark.parametrize(
    ("status", "due", "overdue"),
    [
        (ActionStatus.OPEN, YESTERDAY, True),
        (ActionStatus.IN_PROGRESS, YESTERDAY, True),
        (ActionStatus.OPEN, TODAY, False),
        (ActionStatus.DONE, YESTERDAY, False),
        (ActionStatus.CANCELLED, YESTERDAY, False),
    ],
)
def test_an_action_is_overdue_when_pending_past_its_due_date(status, due, overdue):
    assert Action(status=status, due_date=due).overdue(TODAY) is overdue


@pytest.mark.parametrize(
    ("state", "needed_by", "overdue"),
    [
        (DecisionState.REQUESTED, YESTERDAY, True),
        (DecisionState.REQUESTED, TODAY, False),
        (DecisionState.REQUESTED, None, False),
        (DecisionState.TAKEN, YESTERDAY, False),
        (DecisionState.WITHDRAWN, YESTERDAY, False),
    ],
)
def test_a_decision_is_overdue_when_still_requested_past_its_date(state, needed_by, overdue):
    assert Decision(state=state, needed_by=needed_by).overdue(TODAY) is overdue


@pytest.mark.django_db
def test_the_risk_policy_proposes_from_15_until_the_pmo_saves_one():
    assert RiskPolicy.get().escalation_threshold == 15
    assert RiskPolicy.get().pk is None


@pytest.mark.django_db
def test_the_risk_policy_in_force_is_the_saved_one():
    RiskPolicy.objects.create(escalation_threshold=12)

    assert RiskPolicy.get().escalation_threshold == 12


@pytest.mark.parametrize("threshold", [0, 26])
def test_an_escalation_threshold_outside_1_to_25_is_refused(threshold):
    with pytest.raises(ValidationError) as error:
        RiskPolicy(escalation_threshold=threshold).full_clean()

    assert "escalation_threshold" in error.value.message_dict


# --- decisions -----------------------------------------------------------------------------


@pytest.mark.django_db
def test_the_database_refuses_a_taken_decision_without_who_and_when(project):
    refused_by_the_database(
        "decision_taken_has_who_and_when",
        lambda: factories.DecisionFactory(project=project, state=DecisionState.TAKEN),
    )


# --- actions: origin -----------------------------------------------------------------------


@pytest.fixture
def origins(project):
    """A risk, an issue and a decision of the project an action may come out of."""
    return {
        "risk": factories.RiskFactory(project=project),
        "issue": factories.IssueFactory(project=project),
        "decision": factories.DecisionFactory(project=project),
    }


@pytest.mark.django_db
@pytest.mark.parametrize("origin", [ActionOrigin.RISK, ActionOrigin.ISSUE, ActionOrigin.DECISION])
def test_an_action_from_a_risk_issue_or_decision_says_which_one(origin, project, origins):
    action = factories.ActionFactory.build(project=project, origin=origin)

    assert "Say which one" in " ".join(errors_of(action)[str(origin)])

    setattr(action, str(origin), origins[str(origin)])
    action.full_clean()
    assert action.origin_object == origins[str(origin)]


@pytest.mark.django_db
def test_an_action_from_a_meeting_names_the_meeting(project):
    action = factories.ActionFactory.build(
        project=project, origin=ActionOrigin.MEETING, meeting=" "
    )

    assert "meeting" in errors_of(action)

    action.meeting = "Copil 12 March"
    action.full_clean()


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("origin", "other"),
    [
        (ActionOrigin.RISK, "issue"),
        (ActionOrigin.ISSUE, "decision"),
        (ActionOrigin.DECISION, "risk"),
        (ActionOrigin.OTHER, "risk"),
        (ActionOrigin.MEETING, "issue"),
    ],
)
def test_an_action_keeps_only_the_origin_chosen(origin, other, project, origins):
    action = factories.ActionFactory.build(
        project=project, origin=origin, meeting="Copil", **{other: origins[other]}
    )
    if origin in origins:
        setattr(action, str(origin), origins[str(origin)])

    errors = errors_of(action)

    assert set(errors) == {other}
    assert "clear this one" in " ".join(errors[other])


@pytest.mark.django_db
def test_an_action_of_other_origin_needs_no_link(project):
    factories.ActionFactory.build(project=project, origin=ActionOrigin.OTHER).full_clean()


# --- change requests -----------------------------------------------------------------------


@pytest.mark.django_db
def test_a_change_request_gives_a_new_end_or_a_number_of_days_not_both(project):
    change = factories.ChangeRequestFactory.build(
        project=project, new_end_date=D(2027, 3, 1), schedule_delta_days=30
    )

    assert "not both" in " ".join(errors_of(change)["schedule_delta_days"])


@pytest.mark.django_db
def test_the_database_refuses_a_change_request_with_a_new_end_and_days(project):
    refused_by_the_database(
        "change_request_one_schedule_impact",
        lambda: factories.ChangeRequestFactory(
            project=project, new_end_date=D(2027, 3, 1), schedule_delta_days=30
        ),
    )


@pytest.mark.django_db
def test_a_change_request_of_zero_days_is_refused(project):
    change = factories.ChangeRequestFactory.build(project=project, schedule_delta_days=0)

    assert "Leave it empty" in " ".join(errors_of(change)["schedule_delta_days"])


@pytest.mark.django_db
def test_the_database_refuses_a_rejected_change_request_without_a_reason(project):
    refused_by_the_database(
        "change_request_rejection_has_reason",
        lambda: factories.ChangeRequestFactory(project=project, state=ChangeState.REJECTED),
    )


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("fields", "has_impact"),
    [
        ({}, False),
        ({"cost_delta_capex": Decimal("1")}, True),
        ({"cost_delta_opex": Decimal("-1")}, True),
        ({"schedule_delta_days": 5}, True),
        ({"new_end_date": D(2027, 1, 1)}, True),
        ({"scope_impact": "One more interface"}, True),
        ({"quality_impact": "Fewer tests"}, True),
        ({"scope_impact": "   "}, False),
    ],
)
def test_a_change_request_has_an_impact_when_it_changes_something(fields, has_impact):
    change = ChangeRequest(**fields)

    assert change.has_impact is has_impact


def test_the_total_cost_change_adds_capex_and_opex():
    change = ChangeRequest(cost_delta_capex=Decimal("1000.50"), cost_delta_opex=Decimal("-200"))

    assert change.total_cost_delta == Decimal("800.50")


def baselined_project(**fields):
    """An unsaved project in execution: 400,000 CAPEX, 100,000 OPEX, 5 Jan – 18 Dec 2026."""
    return Project(
        **{
            "phase": Phase.EXECUTION,
            "baseline_start": D(2026, 1, 5),
            "baseline_end": D(2026, 12, 18),
            "budget_capex": Decimal("400000.00"),
            "budget_opex": Decimal("100000.00"),
            **fields,
        }
    )


def test_the_new_baseline_adds_the_cost_changes_to_the_budgets():
    change = ChangeRequest(cost_delta_capex=Decimal("50000.00"), cost_delta_opex=Decimal("-2500"))

    assert change.new_baseline(baselined_project()) == {
        "budget_capex": Decimal("450000.00"),
        "budget_opex": Decimal("97500.00"),
    }


def test_the_new_baseline_moves_the_end_by_the_number_of_days():
    change = ChangeRequest(schedule_delta_days=-18)

    assert change.new_baseline(baselined_project()) == {"baseline_end": D(2026, 11, 30)}


def test_the_new_baseline_sets_the_new_end_given():
    change = ChangeRequest(new_end_date=D(2027, 2, 26))

    assert change.new_baseline(baselined_project()) == {"baseline_end": D(2027, 2, 26)}


def test_the_new_baseline_of_a_scope_only_change_is_empty():
    change = ChangeRequest(scope_impact="Drop the reporting module")

    assert change.new_baseline(baselined_project()) == {}


def test_a_change_applying_to_the_baseline_has_no_problems():
    change = ChangeRequest(cost_delta_capex=Decimal("-400000.00"), schedule_delta_days=-347)

    assert change.baseline_problems(baselined_project()) == {}


def test_days_cannot_move_a_baseline_end_the_project_does_not_have():
    project = baselined_project(phase=Phase.PLANNING, baseline_end=None)
    change = ChangeRequest(schedule_delta_days=10)

    problems = change.baseline_problems(project)

    assert set(problems) == {"schedule_delta_days"}
    assert "no baseline end" in str(problems["schedule_delta_days"])


@pytest.mark.parametrize("field", ["cost_delta_capex", "cost_delta_opex"])
def test_a_cost_change_making_a_budget_negative_is_a_problem(field):
    change = ChangeRequest(**{field: Decimal("-400000.01")})

    problems = change.baseline_problems(baselined_project(budget_opex=Decimal("400000.00")))

    assert set(problems) == {field}
    assert "negative" in str(problems[field])


@pytest.mark.parametrize(
    ("fields", "problem_field"),
    [
        ({"new_end_date": D(2026, 1, 4)}, "new_end_date"),
        ({"schedule_delta_days": -348}, "schedule_delta_days"),
    ],
)
def test_a_baseline_end_before_the_baseline_start_is_a_problem(fields, problem_field):
    change = ChangeRequest(**fields)

    problems = change.baseline_problems(baselined_project())

    assert set(problems) == {problem_field}
    assert "before the baseline start" in str(problems[problem_field])

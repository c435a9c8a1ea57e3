"""The frozen data of a Copil pack: its figures and content for a small portfolio, the change
since the previous pack, the sections, JSON round trip and a query count that does not grow
with the projects."""

import datetime
import json
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from projects import weeks
from projects.choices import CostKind, Nature, Rating, ReportState, Weather
from projects.models import Project, StatusReport
from reporting.choices import AlertKind, AlertSeverity, ReportKind, ReportSection
from reporting.models import Alert, ReportLook
from reporting.snapshot import SNAPSHOT_VERSION, look_of, pack_snapshot
from risks.choices import ChangeState, DecisionState
from tests import factories

pytestmark = pytest.mark.django_db


def submitted(project, week, **fields):
    """A submitted status of ``week``, made the project's latest one."""
    status = factories.StatusReportFactory(
        project=project,
        week=week,
        state=ReportState.SUBMITTED,
        submitted_at=timezone.now(),
        submitted_by=project.project_manager,
        **fields,
    )
    latest = project.status_reports.filter(state=ReportState.SUBMITTED).order_by("-week").first()
    Project.objects.filter(pk=project.pk).update(last_status=latest)
    return status


def build(count=3, *, names=None, comment="On track.", next_steps="Sign the contract."):
    """A portfolio of ``count`` active projects in one programme, each with two weeks of
    status (the latest amber on Cost for the first project), a milestone, two risks, a
    submitted change request, a requested decision, money and FTE; one high alert and a
    decision taken 10 days ago."""
    portfolio = factories.PortfolioFactory(code="DIGI", name="Digital")
    programme = factories.ProgrammeFactory(portfolio=portfolio, code="ERP", name="ERP One")
    sponsor = factories.executive(first_name="Ada", last_name="Sponsor")
    today = timezone.localdate()
    week = weeks.monday_of(today) - weeks.ONE_WEEK
    projects = []
    for index in range(count):
        name = names[index] if names else f"Project {index + 1}"
        project = factories.ProjectFactory(
            portfolio=portfolio,
            programme=programme,
            sponsor=sponsor,
            code=f"P-{index + 1:03d}",
            name=name,
            forecast_end=datetime.date(2027, 1, 29),
        )
        submitted(project, week - weeks.ONE_WEEK, weather=Weather.SUNNY)
        submitted(
            project,
            week,
            weather=Weather.CLOUDY if index == 0 else Weather.SUNNY,
            cost_rating=Rating.AMBER if index == 0 else Rating.GREEN,
            quality_comment=comment,
            next_steps=next_steps,
            progress=40 + index,
            estimate_to_complete=Decimal("450000.00"),
        )
        factories.MilestoneFactory(
            project=project,
            name="Go live",
            baseline_date=today + datetime.timedelta(days=30),
            forecast_date=today + datetime.timedelta(days=45),
        )
        factories.RiskFactory(project=project, title="Supplier late", probability=5, impact=4)
        factories.RiskFactory(project=project, title="Small one", probability=1, impact=2)
        factories.ChangeRequestFactory(
            project=project,
            title="Extra interface",
            state=ChangeState.SUBMITTED,
            submitted_at=timezone.now(),
        )
        factories.DecisionFactory(project=project, title="Choose the supplier")
        factories.CostEntryFactory(
            project=project, date=today, amount=Decimal("30000.00"), nature=Nature.CAPEX
        )
        factories.CostEntryFactory(
            project=project, date=today, amount=Decimal("20000.00"), nature=Nature.OPEX
        )
        factories.CostEntryFactory(
            project=project,
            date=today,
            amount=Decimal("5000.00"),
            kind=CostKind.COMMITMENT,
            nature=Nature.CAPEX,
        )
        factories.AllocationFactory(project=project, month=today.replace(day=1), fte=Decimal("1.5"))
        projects.append(project)
    now = timezone.now()
    Alert.objects.create(
        kind=AlertKind.HEALTH_GAP,
        severity=AlertSeverity.HIGH,
        key=f"gap-{portfolio.pk}",
        project=projects[0],
        params={"code": "P-001", "axis": "cost", "declared": "green", "computed": "red"},
        first_seen_at=now,
        last_seen_at=now,
    )
    factories.DecisionFactory(
        project=projects[0],
        title="Go with supplier B",
        state=DecisionState.TAKEN,
        outcome="Supplier B.",
        decided_by=sponsor,
        decided_on=today - datetime.timedelta(days=10),
    )
    return portfolio, programme, projects


def snapshot_of(portfolio, *, kind=ReportKind.PORTFOLIO_PACK, previous=None, look=None, **scope):
    return pack_snapshot(
        kind=kind,
        portfolio=portfolio,
        as_of=timezone.localdate(),
        language="en",
        look=look or look_of(portfolio),
        previous=previous,
        **scope,
    )


def test_look_of_a_portfolio_without_a_look_gives_the_defaults():
    portfolio = factories.PortfolioFactory()

    look = look_of(portfolio)

    assert look["accent_colour"] == "#1f4e79"
    assert look["sections"] == list(ReportSection.values)
    assert look["logo"] == ""


def test_look_of_a_portfolio_reads_its_saved_look():
    portfolio = factories.PortfolioFactory()
    ReportLook.objects.create(
        portfolio=portfolio,
        title="Copil DSI",
        accent_colour="#aa0000",
        sections=[ReportSection.DECISION_LOG, ReportSection.SUMMARY],
        footer="PMO",
    )

    look = look_of(portfolio)

    assert look["title"] == "Copil DSI"
    assert look["accent_colour"] == "#aa0000"
    assert look["sections"] == [ReportSection.SUMMARY, ReportSection.DECISION_LOG]


def test_the_snapshot_holds_the_cover_and_the_project_pages():
    portfolio, _programme, _projects = build()

    snapshot = snapshot_of(portfolio)

    assert snapshot["version"] == SNAPSHOT_VERSION
    assert snapshot["scope"] == {"type": "portfolio", "code": "DIGI", "name": "Digital"}
    assert snapshot["as_of"] == timezone.localdate().isoformat()
    assert [page["code"] for page in snapshot["projects"]] == ["P-001", "P-002", "P-003"]
    page = snapshot["projects"][0]
    assert page["programme"] == {"code": "ERP", "name": "ERP One"}
    assert page["sponsor"] == "Ada Sponsor"
    assert page["weather"] == Weather.CLOUDY
    assert page["weather_trend"] == "worse"
    cost = next(axis for axis in page["axes"] if axis["axis"] == "cost")
    assert cost["declared"] == Rating.AMBER
    assert cost["trend"] == "worse"
    quality = next(axis for axis in page["axes"] if axis["axis"] == "quality")
    assert quality["comment"] == "On track."
    assert page["next_steps"] == "Sign the contract."
    assert page["progress"] == 40


def test_the_project_page_holds_its_figures():
    portfolio, _programme, _projects = build(1)

    page = snapshot_of(portfolio)["projects"][0]

    assert page["finance"]["capex"]["budget"] == "400000.00"
    assert page["finance"]["capex"]["actual"] == "30000.00"
    assert page["finance"]["capex"]["committed"] == "5000.00"
    assert page["finance"]["opex"]["actual"] == "20000.00"
    # EAC = actuals 50,000 + ETC 450,000, split 80/20 as the budget.
    assert page["finance"]["total"]["eac"] == "500000.00"
    assert page["finance"]["capex"]["eac"] == "400000.00"
    assert page["fte"][0]["fte"] == "1.50"
    assert page["milestones"][0]["slip_days"] == 15
    assert page["milestones"][0]["status"] == "slipped"
    assert [risk["score"] for risk in page["top_risks"]] == [20, 2]
    assert page["awaiting"]["change_requests"][0]["title"] == "Extra interface"
    assert page["awaiting"]["decisions"][0]["title"] == "Choose the supplier"
    assert (
        page["dates"]["slip_days"]
        == (datetime.date(2027, 1, 29) - datetime.date(2026, 12, 18)).days
    )


def test_the_summary_counts_and_sums_the_projects():
    portfolio, _programme, _projects = build()

    summary = snapshot_of(portfolio)["summary"]

    assert summary["project_count"] == 3
    assert summary["weather"] == {
        "sunny": 2,
        "cloudy": 1,
        "rainy": 0,
        "stormy": 0,
        "not_reported": 0,
    }
    assert summary["ratings"]["cost"] == {"green": 2, "amber": 1, "red": 0, "not_reported": 0}
    assert summary["ratings_change"] is None
    assert summary["finance"]["natures"]["capex"]["budget"] == "1200000.00"
    assert summary["finance"]["natures"]["opex"]["actual"] == "60000.00"
    assert summary["finance"]["eac_total"] == "1500000.00"
    assert len(summary["demand"]) == 12
    assert summary["alerts"][0]["message"] == "P-001 declares Cost green; the figures say red."


def test_the_summary_shows_the_change_since_the_previous_pack():
    portfolio, _programme, _projects = build()
    previous = snapshot_of(portfolio)
    previous["as_of"] = (timezone.localdate() - datetime.timedelta(days=30)).isoformat()
    previous["summary"]["ratings"]["cost"] = {"green": 3, "amber": 0, "red": 0, "not_reported": 0}

    snapshot = snapshot_of(portfolio, previous=previous)

    assert snapshot["summary"]["ratings_change"]["cost"] == {
        "green": -1,
        "amber": 1,
        "red": 0,
        "not_reported": 0,
    }
    assert snapshot["previous_as_of"] == previous["as_of"]


def test_the_decision_log_starts_after_the_previous_pack():
    portfolio, _programme, _projects = build(1)

    without_previous = snapshot_of(portfolio)["decision_log"]
    previous = {"as_of": (timezone.localdate() - datetime.timedelta(days=5)).isoformat()}
    after_previous = snapshot_of(portfolio, previous=previous)["decision_log"]

    assert [d["title"] for d in without_previous["decisions"]] == ["Go with supplier B"]
    assert (
        without_previous["since"]
        == (timezone.localdate() - datetime.timedelta(days=90)).isoformat()
    )
    assert after_previous["decisions"] == []


def test_the_heat_map_counts_the_live_risks_of_the_scope():
    portfolio, _programme, _projects = build(2)

    heat_map = snapshot_of(portfolio)["heat_map"]

    assert heat_map["total"] == 4


def test_sections_left_out_are_not_read():
    portfolio, _programme, _projects = build(1)
    look = {**look_of(portfolio), "sections": [ReportSection.PROJECT_PAGES]}

    snapshot = snapshot_of(portfolio, look=look)

    assert snapshot["sections"] == [ReportSection.PROJECT_PAGES]
    assert snapshot["summary"] is None
    assert snapshot["heat_map"] is None
    assert snapshot["decision_log"] is None


def test_a_programme_pack_covers_the_programme_projects_only():
    portfolio, programme, _projects = build(2)
    factories.ProjectFactory(portfolio=portfolio, code="OTHER")

    snapshot = snapshot_of(portfolio, kind=ReportKind.PROGRAMME_PACK, programme=programme)

    assert snapshot["scope"] == {"type": "programme", "code": "ERP", "name": "ERP One"}
    assert [page["code"] for page in snapshot["projects"]] == ["P-001", "P-002"]


def test_a_project_flash_has_one_project_and_no_summary():
    portfolio, _programme, projects = build(2)

    snapshot = snapshot_of(portfolio, kind=ReportKind.PROJECT_FLASH, project=projects[1])

    assert snapshot["scope"]["code"] == "P-002"
    assert [page["code"] for page in snapshot["projects"]] == ["P-002"]
    assert snapshot["summary"] is None


def test_the_snapshot_survives_a_json_round_trip():
    portfolio, _programme, _projects = build()

    snapshot = snapshot_of(portfolio)

    assert json.loads(json.dumps(snapshot)) == snapshot


def test_the_snapshot_is_frozen_against_later_edits():
    portfolio, _programme, projects = build(1)
    snapshot = snapshot_of(portfolio)
    frozen = json.dumps(snapshot)

    StatusReport.objects.filter(project=projects[0]).update(quality_comment="Changed afterwards.")

    assert json.dumps(snapshot) == frozen
    assert snapshot_of(portfolio)["projects"][0]["axes"][0]["comment"] == "Changed afterwards."


def count_queries(portfolio) -> int:
    with CaptureQueriesContext(connection) as captured:
        snapshot_of(portfolio)
    return len(captured)


def test_the_query_count_does_not_grow_with_the_projects():
    small, _programme, _projects = build(5)
    large = factories.PortfolioFactory(code="LARGE")
    build_more(large, factories.ProgrammeFactory(portfolio=large), 20)

    few = count_queries(small)
    many = count_queries(large)

    assert few == many
    assert many <= 40


def build_more(portfolio, programme, count):
    """``count`` projects in ``portfolio`` like those of :func:`build`."""
    week = weeks.monday_of(timezone.localdate()) - weeks.ONE_WEEK
    projects = []
    for _index in range(count):
        project = factories.ProjectFactory(portfolio=portfolio, programme=programme)
        submitted(project, week - weeks.ONE_WEEK)
        submitted(project, week, quality_comment="Fine.")
        factories.MilestoneFactory(project=project)
        factories.RiskFactory(project=project)
        factories.ChangeRequestFactory(project=project, state=ChangeState.SUBMITTED)
        factories.DecisionFactory(project=project)
        factories.CostEntryFactory(project=project)
        factories.AllocationFactory(project=project, month=timezone.localdate().replace(day=1))
        projects.append(project)
    return portfolio, programme, projects


def add_gate_reviews(project, count, decider):
    from projects.choices import GateDecision, Phase
    from projects.models import GateReview

    for index in range(count):
        GateReview.objects.create(
            project=project,
            from_phase=Phase.PLANNING,
            to_phase=Phase.EXECUTION,
            gate_name=f"G{index}",
            decision=GateDecision.GO_WITH_CONDITIONS if index == count - 1 else GateDecision.GO,
            conditions="Hire a tester." if index == count - 1 else "",
            decided_by=decider,
            decided_on=timezone.localdate() - datetime.timedelta(days=10 * (count - index)),
        )


def test_a_project_page_holds_its_newest_3_gate_reviews_with_the_same_query_count():
    small, _programme, projects = build(2)
    large = factories.PortfolioFactory(code="LARGE")
    build_more(large, factories.ProgrammeFactory(portfolio=large), 8)
    decider = factories.executive(first_name="Ada", last_name="Exec")
    add_gate_reviews(projects[0], 5, decider)
    for project in Project.objects.filter(portfolio=large):
        add_gate_reviews(project, 2, decider)

    page = snapshot_of(small)["projects"][0]

    assert [gate["gate"] for gate in page["gates"]] == ["G4", "G3", "G2"]
    assert page["gates"][0] == {
        "gate": "G4",
        "from_phase": "planning",
        "to_phase": "execution",
        "to_phase_label": "Execution",
        "decision": "go_with_conditions",
        "decision_label": "Go with conditions",
        "decided_on": (timezone.localdate() - datetime.timedelta(days=10)).isoformat(),
        "decided_on_label": page["gates"][0]["decided_on_label"],
        "decided_by": "Ada Exec",
        "conditions": "Hire a tester.",
    }
    assert snapshot_of(small)["projects"][1]["gates"] == []
    assert count_queries(small) == count_queries(large)

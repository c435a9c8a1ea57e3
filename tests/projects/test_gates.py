"""Stage gates: the services (each decision's effect, its rules, who decides, ended
projects, the closure gate), the phase moving only through a gate, and the data migration
of the default gates."""

import datetime
import importlib

import pytest
from django.apps import apps
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from pmo.exceptions import WorkflowError
from projects.choices import GateDecision, ObjectivesMet, Phase
from projects.models import ClosureReport, GateReview, GateTemplate, Project
from projects.services import project_update
from projects.services.gates import gate_review_record, gate_template_update
from tests import factories

G3_ITEMS = ["Deliverables accepted", "Go-live done", "Support ready"]


def checked(*items, evidence=""):
    return [{"item": item, "checked": True, "evidence": evidence} for item in items]


def record(actor, project, decision, checklist=None, **extra):
    return gate_review_record(
        actor=actor,
        project=project,
        decision=decision,
        checklist=checked(*G3_ITEMS) if checklist is None else checklist,
        **extra,
    )


def phase_of(project) -> str:
    return Project.objects.get(pk=project.pk).phase


# --- the default gates (data migration 0011) ------------------------------------------------


@pytest.mark.django_db
def test_the_migration_creates_one_gate_per_phase_a_gate_ends_in_the_site_language(settings):
    templates = {t.phase: t for t in GateTemplate.objects.all()}

    assert sorted(templates) == sorted(["idea", "framing", "planning", "execution", "closing"])
    assert templates["execution"].name == "G3 — Delivery acceptance"
    assert templates["execution"].checklist == G3_ITEMS
    assert templates["closing"].checklist[0] == "Closure report written"


@pytest.mark.django_db
def test_the_migration_is_reversible_and_keeps_a_gate_the_pmo_set():
    migration = importlib.import_module("projects.migrations.0011_default_gate_templates")

    migration.remove_gates(apps, schema_editor=None)
    assert GateTemplate.objects.count() == 0

    GateTemplate.objects.create(phase="idea", name="Our G0", checklist=["Idea written"])
    migration.create_gates(apps, schema_editor=None)

    assert GateTemplate.objects.count() == 5
    assert GateTemplate.objects.get(phase="idea").name == "Our G0"


# --- each decision's effect -----------------------------------------------------------------


@pytest.mark.django_db
def test_a_go_moves_the_project_to_the_next_phase_and_records_the_review(project, pmo_user):
    review = record(pmo_user, project, GateDecision.GO, comments=" Fine ")

    assert phase_of(project) == Phase.CLOSING
    assert (review.from_phase, review.to_phase, review.gate_name) == (
        Phase.EXECUTION,
        Phase.CLOSING,
        "G3 — Delivery acceptance",
    )
    assert review.decided_by == pmo_user
    assert review.decided_on == timezone.localdate()
    assert review.comments == "Fine"
    assert [row["checked"] for row in review.checklist] == [True, True, True]


@pytest.mark.django_db
def test_a_go_with_conditions_moves_the_project_with_an_item_open(project, exec_user):
    review = record(
        exec_user,
        project,
        GateDecision.GO_WITH_CONDITIONS,
        checklist=checked("Deliverables accepted"),
        conditions="Support contract signed by May.",
    )

    assert phase_of(project) == Phase.CLOSING
    assert [row["checked"] for row in review.checklist] == [True, False, False]
    assert review.conditions == "Support contract signed by May."


@pytest.mark.django_db
def test_a_no_go_cancels_the_project(project, pmo_user):
    review = record(pmo_user, project, GateDecision.NO_GO, checklist=[])

    assert phase_of(project) == Phase.CANCELLED
    assert review.to_phase == Phase.CANCELLED


@pytest.mark.django_db
def test_a_recycle_keeps_the_phase_and_the_project_comes_back_to_the_same_gate(project, pmo_user):
    first = record(pmo_user, project, GateDecision.RECYCLE, checklist=[])
    assert phase_of(project) == Phase.EXECUTION
    assert first.to_phase == Phase.EXECUTION

    second = record(pmo_user, project, GateDecision.GO)

    assert second.gate_name == first.gate_name
    assert phase_of(project) == Phase.CLOSING


@pytest.mark.django_db
def test_gates_follow_one_another_from_idea(pmo_user, pm_user):
    project = factories.ProjectFactory(
        phase=Phase.IDEA, project_manager=pm_user, baseline_start=None, baseline_end=None
    )
    items = GateTemplate.objects.get(phase="idea").checklist
    gate_review_record(
        actor=pmo_user, project=project, decision=GateDecision.GO, checklist=checked(*items)
    )
    assert phase_of(project) == Phase.FRAMING


@pytest.mark.django_db
def test_entering_execution_without_a_baseline_is_refused_and_nothing_is_saved(pmo_user):
    project = factories.ProjectFactory(phase=Phase.PLANNING, baseline_start=None)
    items = GateTemplate.objects.get(phase="planning").checklist

    with pytest.raises(ValidationError) as error:
        gate_review_record(
            actor=pmo_user, project=project, decision=GateDecision.GO, checklist=checked(*items)
        )

    assert "baseline_start" in error.value.message_dict
    assert phase_of(project) == Phase.PLANNING
    assert not GateReview.objects.exists()


# --- the rules of a decision ----------------------------------------------------------------


@pytest.mark.django_db
def test_a_go_with_an_item_unchecked_is_refused_on_decision(project, pmo_user):
    with pytest.raises(ValidationError) as error:
        record(pmo_user, project, GateDecision.GO, checklist=checked("Go-live done"))

    assert "go with conditions" in error.value.message_dict["decision"][0]
    assert phase_of(project) == Phase.EXECUTION
    assert not GateReview.objects.exists()


@pytest.mark.django_db
def test_a_go_with_conditions_needs_the_conditions(project, pmo_user):
    with pytest.raises(ValidationError) as error:
        record(pmo_user, project, GateDecision.GO_WITH_CONDITIONS, conditions="  ")

    assert list(error.value.message_dict) == ["conditions"]
    assert phase_of(project) == Phase.EXECUTION


@pytest.mark.parametrize(
    ("checklist", "words"),
    [
        ([{"item": "Coffee served", "checked": True}], "not on this gate"),
        ([{"item": "Go-live done", "checked": True, "evidence": "not a link"}], "not a link"),
        (["Go-live done"], "names its item"),
    ],
)
@pytest.mark.django_db
def test_a_bad_checklist_is_refused_on_checklist(project, pmo_user, checklist, words):
    with pytest.raises(ValidationError) as error:
        record(pmo_user, project, GateDecision.RECYCLE, checklist=checklist)

    assert words in error.value.message_dict["checklist"][0]


@pytest.mark.django_db
def test_evidence_links_are_kept_with_their_item(project, pmo_user):
    review = record(
        pmo_user,
        project,
        GateDecision.GO,
        checklist=checked(*G3_ITEMS, evidence="https://docs.example.com/pv"),
    )

    assert review.checklist[0] == {
        "item": "Deliverables accepted",
        "checked": True,
        "evidence": "https://docs.example.com/pv",
    }


@pytest.mark.django_db
def test_a_gate_is_not_decided_in_the_future(project, pmo_user):
    with pytest.raises(ValidationError) as error:
        record(
            pmo_user,
            project,
            GateDecision.GO,
            decided_on=timezone.localdate() + datetime.timedelta(days=1),
        )

    assert "decided_on" in error.value.message_dict


@pytest.mark.django_db
def test_an_unknown_decision_is_refused(project, pmo_user):
    with pytest.raises(ValidationError) as error:
        record(pmo_user, project, "maybe")

    assert "decision" in error.value.message_dict


# --- who decides, and when ------------------------------------------------------------------


@pytest.mark.parametrize("fixture", ["pm_user", "integration_user", "no_role_user"])
@pytest.mark.django_db
def test_only_pmo_managers_and_executives_decide_at_a_gate(request, project, fixture):
    with pytest.raises(PermissionDenied):
        record(request.getfixturevalue(fixture), project, GateDecision.GO)

    assert phase_of(project) == Phase.EXECUTION


@pytest.mark.parametrize("phase", [Phase.CLOSED, Phase.CANCELLED])
@pytest.mark.django_db
def test_an_ended_project_has_no_gate_left(pmo_user, phase):
    project = factories.ProjectFactory(phase=phase)

    with pytest.raises(WorkflowError):
        record(pmo_user, project, GateDecision.GO)


@pytest.mark.django_db
def test_leaving_closing_needs_the_closure_report(pmo_user):
    project = factories.ProjectFactory(phase=Phase.CLOSING)
    items = GateTemplate.objects.get(phase="closing").checklist

    with pytest.raises(WorkflowError) as error:
        gate_review_record(
            actor=pmo_user, project=project, decision=GateDecision.GO, checklist=checked(*items)
        )

    assert "closure report" in error.value.message
    assert phase_of(project) == Phase.CLOSING
    assert not GateReview.objects.exists()


@pytest.mark.django_db
def test_leaving_closing_approves_the_closure_report_and_closes_the_project(exec_user):
    pytest.importorskip("projects.services.closure")
    project = factories.ProjectFactory(phase=Phase.CLOSING)
    report = ClosureReport.objects.create(
        project=project, objectives_met=ObjectivesMet.MET, scope_delivered="All of it."
    )
    items = GateTemplate.objects.get(phase="closing").checklist
    day = timezone.localdate() - datetime.timedelta(days=2)

    review = gate_review_record(
        actor=exec_user,
        project=project,
        decision=GateDecision.GO,
        checklist=checked(*items),
        decided_on=day,
    )

    report.refresh_from_db()
    assert review.to_phase == Phase.CLOSED
    assert phase_of(project) == Phase.CLOSED
    assert (report.approved_by, report.approved_on) == (exec_user, day)


@pytest.mark.django_db
def test_a_recycle_at_the_closure_gate_needs_no_closure_report(pmo_user):
    project = factories.ProjectFactory(phase=Phase.CLOSING)

    gate_review_record(actor=pmo_user, project=project, decision=GateDecision.RECYCLE)

    assert phase_of(project) == Phase.CLOSING


# --- the phase moves only through a gate ----------------------------------------------------


@pytest.mark.django_db
def test_project_update_refuses_a_phase_change(project, pmo_user):
    with pytest.raises(ValidationError) as error:
        project_update(project, actor=pmo_user, phase=Phase.CLOSING, name="Renamed")

    assert error.value.message_dict == {"phase": ["The phase changes through a gate review."]}
    stored = Project.objects.get(pk=project.pk)
    assert (stored.phase, stored.name) == (Phase.EXECUTION, project.name)


@pytest.mark.django_db
def test_project_update_accepts_the_phase_posted_unchanged(project, pmo_user):
    project_update(project, actor=pmo_user, phase=Phase.EXECUTION, name="Renamed")

    assert Project.objects.get(pk=project.pk).name == "Renamed"


# --- gate templates -------------------------------------------------------------------------


@pytest.mark.django_db
def test_the_pmo_renames_a_gate_and_edits_its_checklist_blank_lines_dropped(pmo_user):
    template = GateTemplate.objects.get(phase="framing")

    gate_template_update(
        template, actor=pmo_user, name="  G1  Go ", checklist="Scope agreed\n\n  \n Budget ok \n"
    )

    template.refresh_from_db()
    assert (template.name, template.checklist) == ("G1 Go", ["Scope agreed", "Budget ok"])


@pytest.mark.parametrize(
    ("name", "checklist", "field"),
    [
        ("", "One item", "name"),
        ("G1", "\n \n", "checklist"),
        ("G1", "Same\nSame", "checklist"),
        ("G1", "x" * 201, "checklist"),
    ],
)
@pytest.mark.django_db
def test_a_gate_needs_a_name_and_distinct_items(pmo_user, name, checklist, field):
    template = GateTemplate.objects.get(phase="framing")

    with pytest.raises(ValidationError) as error:
        gate_template_update(template, actor=pmo_user, name=name, checklist=checklist)

    assert list(error.value.message_dict) == [field]
    assert GateTemplate.objects.get(phase="framing").name == "G1 — Launch"


@pytest.mark.django_db
def test_only_the_pmo_sets_the_gates(exec_user):
    with pytest.raises(PermissionDenied):
        gate_template_update(
            GateTemplate.objects.get(phase="framing"), actor=exec_user, name="X", checklist="Y"
        )


@pytest.mark.django_db
def test_a_review_keeps_the_checklist_it_had_when_the_gate_changes(project, pmo_user):
    review = record(pmo_user, project, GateDecision.RECYCLE, checklist=[])
    gate_template_update(
        GateTemplate.objects.get(phase="execution"),
        actor=pmo_user,
        name="G3 bis",
        checklist="Only one",
    )

    review.refresh_from_db()
    assert [row["item"] for row in review.checklist] == G3_ITEMS
    assert review.gate_name == "G3 — Delivery acceptance"

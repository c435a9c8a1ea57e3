"""Baseline revisions: every state of a project's baseline is kept, from its first one to each
change by the PMO or by an approved change request."""

import datetime
import importlib
from decimal import Decimal

import pytest
from django.apps import apps
from django.core.exceptions import PermissionDenied, ValidationError

from projects import services
from projects.choices import Phase
from projects.models import BaselineRevision, Project
from tests import factories

D = datetime.date
BASELINE = {
    "baseline_start": D(2026, 1, 5),
    "baseline_end": D(2026, 12, 18),
    "budget_capex": Decimal("400000.00"),
    "budget_opex": Decimal("100000.00"),
}


def revisions_of(project) -> list[tuple]:
    """(number, reason, start, end, CAPEX, OPEX) of each revision, oldest first."""
    return list(
        BaselineRevision.objects.filter(project=project)
        .order_by("number")
        .values_list(
            "number", "reason", "baseline_start", "baseline_end", "budget_capex", "budget_opex"
        )
    )


def created(actor, **fields) -> Project:
    return services.project_create(
        actor=actor,
        code="PRJ-B1",
        name="Baselined",
        portfolio=factories.PortfolioFactory(),
        phase=Phase.EXECUTION,
        **{"project_manager": factories.project_manager(), **BASELINE, **fields},
    )


# --- project_create -------------------------------------------------------------------------


@pytest.mark.django_db
def test_creating_a_baselined_project_records_its_initial_baseline(pmo_user):
    project = created(pmo_user)

    assert revisions_of(project) == [(1, "Initial baseline", *BASELINE.values())]
    assert project.baseline_revisions.get().recorded_by == pmo_user


@pytest.mark.django_db
def test_creating_a_project_without_a_baseline_records_nothing(pmo_user):
    project = services.project_create(
        actor=pmo_user, code="PRJ-B2", name="Idea", portfolio=factories.PortfolioFactory()
    )

    assert revisions_of(project) == []


@pytest.mark.django_db
def test_a_project_refused_at_creation_leaves_no_revision(pmo_user):
    with pytest.raises(ValidationError):
        created(pmo_user, baseline_end=D(2025, 12, 31))

    assert BaselineRevision.objects.count() == 0


# --- project_update -------------------------------------------------------------------------


@pytest.mark.django_db
def test_changing_the_baseline_records_a_new_revision(pmo_user):
    project = created(pmo_user)

    services.project_update(
        project, actor=pmo_user, budget_capex=Decimal("420000.00"), baseline_end=D(2027, 1, 29)
    )

    assert revisions_of(project) == [
        (1, "Initial baseline", *BASELINE.values()),
        (
            2,
            "Baseline changed by the PMO",
            D(2026, 1, 5),
            D(2027, 1, 29),
            Decimal("420000.00"),
            Decimal("100000.00"),
        ),
    ]


@pytest.mark.django_db
def test_a_project_baselined_before_revisions_existed_first_records_it_as_found(pmo_user):
    project = factories.ProjectFactory()

    services.project_update(project, actor=pmo_user, budget_opex=Decimal("120000.00"))

    assert revisions_of(project) == [
        (1, "Baseline as found", *BASELINE.values()),
        (
            2,
            "Baseline changed by the PMO",
            D(2026, 1, 5),
            D(2026, 12, 18),
            Decimal("400000.00"),
            Decimal("120000.00"),
        ),
    ]


@pytest.mark.django_db
def test_a_baseline_set_on_a_project_without_one_is_its_initial_baseline(pmo_user, pm_user):
    project = services.project_create(
        actor=pmo_user,
        code="PRJ-B3",
        name="Framing",
        portfolio=factories.PortfolioFactory(),
        project_manager=pm_user,
        phase=Phase.FRAMING,
    )

    services.project_update(
        project, actor=pmo_user, baseline_start=D(2026, 5, 4), baseline_end=D(2026, 10, 30)
    )

    assert revisions_of(project) == [
        (
            1,
            "Initial baseline",
            D(2026, 5, 4),
            D(2026, 10, 30),
            Decimal("0.00"),
            Decimal("0.00"),
        )
    ]


@pytest.mark.django_db
def test_changing_other_fields_records_no_revision(pmo_user):
    project = created(pmo_user)

    services.project_update(project, actor=pmo_user, name="Renamed", code="PRJ-RENAMED")
    services.project_update(
        project, actor=project.project_manager, description="On track", forecast_end=D(2027, 1, 8)
    )

    assert [number for number, *_ in revisions_of(project)] == [1]


@pytest.mark.django_db
def test_a_form_posting_the_baseline_unchanged_records_no_revision(pmo_user):
    project = factories.ProjectFactory()

    services.project_update(project, actor=pmo_user, description="Edited", **BASELINE)

    assert revisions_of(project) == []


@pytest.mark.django_db
def test_a_refused_baseline_change_records_nothing(pmo_user):
    project = factories.ProjectFactory()

    with pytest.raises(ValidationError):
        services.project_update(project, actor=pmo_user, budget_capex=Decimal("-1.00"))

    assert revisions_of(project) == []
    assert Project.objects.get(pk=project.pk).budget_capex == Decimal("400000.00")


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("field", "value"),
    [("budget_capex", Decimal("1.00")), ("budget_opex", Decimal("0.00"))],
)
def test_a_project_manager_may_not_set_the_budget(field, value, pmo_user, pm_user):
    project = created(pmo_user, project_manager=pm_user)

    with pytest.raises(PermissionDenied, match=field):
        services.project_update(project, actor=pm_user, **{field: value})

    assert getattr(Project.objects.get(pk=project.pk), field) == BASELINE[field]
    assert [number for number, *_ in revisions_of(project)] == [1]


# --- project_rebaseline ---------------------------------------------------------------------


@pytest.mark.django_db
def test_rebaselining_returns_the_revisions_before_and_after(pmo_user):
    project = created(pmo_user)
    initial = project.baseline_revisions.get()

    before, after = services.project_rebaseline(
        project,
        actor=pmo_user,
        reason="CR-1 approved: more scope",
        budget_capex=Decimal("450000.00"),
        baseline_end=D(2027, 1, 17),
    )

    assert before == initial
    assert (after.number, after.reason, after.budget_capex, after.baseline_end) == (
        2,
        "CR-1 approved: more scope",
        Decimal("450000.00"),
        D(2027, 1, 17),
    )
    stored = Project.objects.get(pk=project.pk)
    assert (stored.budget_capex, stored.baseline_end) == (Decimal("450000.00"), D(2027, 1, 17))


@pytest.mark.django_db
def test_rebaselining_a_project_without_revisions_records_it_as_found_first(pmo_user):
    project = factories.ProjectFactory()

    before, after = services.project_rebaseline(
        project, actor=pmo_user, reason="Re-plan", budget_opex=Decimal("90000.00")
    )

    assert (before.number, before.reason, before.budget_opex) == (
        1,
        "Baseline as found",
        Decimal("100000.00"),
    )
    assert (after.number, after.budget_opex) == (2, Decimal("90000.00"))


@pytest.mark.django_db
def test_rebaselining_moves_only_baseline_fields(pmo_user):
    project = factories.ProjectFactory()

    with pytest.raises(ValueError, match="name"):
        services.project_rebaseline(project, actor=pmo_user, reason="Oops", name="Renamed")

    assert revisions_of(project) == []


@pytest.mark.django_db
def test_a_rebaseline_ending_before_the_start_is_refused_and_records_nothing(pmo_user):
    project = created(pmo_user)

    with pytest.raises(ValidationError):
        services.project_rebaseline(
            project, actor=pmo_user, reason="Too early", baseline_end=D(2025, 12, 1)
        )

    assert [number for number, *_ in revisions_of(project)] == [1]
    assert Project.objects.get(pk=project.pk).baseline_end == BASELINE["baseline_end"]


@pytest.mark.django_db
def test_the_current_revision_is_recorded_again_when_the_baseline_drifted(pmo_user):
    project = created(pmo_user)
    Project.objects.filter(pk=project.pk).update(budget_opex=Decimal("1.00"))
    project.refresh_from_db()

    revision = services.current_baseline_revision(project, actor=pmo_user)

    assert (revision.number, revision.reason, revision.budget_opex) == (
        2,
        "Baseline as found",
        Decimal("1.00"),
    )


# --- data migration 0006 --------------------------------------------------------------------


@pytest.mark.django_db
def test_the_migration_records_the_baseline_of_projects_that_had_one():
    migration = importlib.import_module("projects.migrations.0006_record_existing_baselines")
    baselined = factories.ProjectFactory()
    unbaselined = factories.ProjectFactory(
        phase=Phase.IDEA,
        baseline_start=None,
        baseline_end=None,
        budget_capex=Decimal("0"),
        budget_opex=Decimal("0"),
    )
    already = factories.ProjectFactory()
    services.project_rebaseline(already, actor=None, reason="Kept", budget_opex=Decimal("1.00"))

    migration.record(apps, schema_editor=None)

    assert revisions_of(baselined) == [(1, "Initial baseline", *BASELINE.values())]
    assert revisions_of(unbaselined) == []
    assert [reason for _, reason, *_ in revisions_of(already)] == ["Baseline as found", "Kept"]

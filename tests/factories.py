"""Factories of every app (factory_boy), one per model."""

import datetime
from decimal import Decimal

import factory
from django.contrib.auth.models import Group
from django.utils import timezone

from pmo.models import User
from pmo.roles import Role, forget_roles
from portfolio.models import (
    Portfolio,
    PortfolioEnvelope,
    Programme,
    Resource,
    ResourceCapacity,
    StrategicObjective,
)
from projects import weeks
from projects.choices import CostCategory, CostKind, Nature, Phase, ReportState, Weather
from projects.models import (
    Allocation,
    BudgetLine,
    CostEntry,
    Milestone,
    Project,
    ProjectObjective,
    StatusReport,
)
from risks.choices import ActionStatus, ChangeState, DecisionState, RiskStatus
from risks.models import Action, ChangeRequest, Decision, Issue, Risk

TEST_PASSWORD = "a-long-test-password"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        django_get_or_create = ("username",)
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    first_name = factory.Faker("first_name")
    last_name = factory.Faker("last_name")
    email = factory.LazyAttribute(lambda u: f"{u.username}@example.com")
    password = factory.PostGenerationMethodCall("set_password", TEST_PASSWORD)

    @factory.post_generation
    def roles(self, create, extracted, **kwargs):
        """``UserFactory(roles=[Role.PMO_MANAGER])`` puts the user in those groups."""
        if create and extracted:
            for role in extracted:
                self.groups.add(Group.objects.get(name=role))
            forget_roles(self)
        if create:
            self.save()


def pmo_manager(**kwargs):
    return UserFactory(roles=[Role.PMO_MANAGER], **kwargs)


def project_manager(**kwargs):
    return UserFactory(roles=[Role.PROJECT_MANAGER], **kwargs)


def executive(**kwargs):
    return UserFactory(roles=[Role.EXECUTIVE], **kwargs)


def integration(**kwargs):
    return UserFactory(roles=[Role.INTEGRATION], **kwargs)


class StrategicObjectiveFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = StrategicObjective

    code = factory.Sequence(lambda n: f"OBJ-{n}")
    name = factory.Sequence(lambda n: f"Objective {n}")
    weight = 20


class PortfolioFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Portfolio

    code = factory.Sequence(lambda n: f"PF{n}")
    name = factory.Sequence(lambda n: f"Portfolio {n}")
    owner = factory.LazyFunction(pmo_manager)


class ProgrammeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Programme

    code = factory.Sequence(lambda n: f"PRG-{n}")
    name = factory.Sequence(lambda n: f"Programme {n}")
    portfolio = factory.SubFactory(PortfolioFactory)


class ProjectFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Project

    code = factory.Sequence(lambda n: f"PRJ-{n:04d}")
    name = factory.Sequence(lambda n: f"Project {n}")
    portfolio = factory.SubFactory(PortfolioFactory)
    project_manager = factory.LazyFunction(project_manager)
    phase = Phase.EXECUTION
    baseline_start = datetime.date(2026, 1, 5)
    baseline_end = datetime.date(2026, 12, 18)
    forecast_start = datetime.date(2026, 1, 5)
    forecast_end = datetime.date(2026, 12, 18)
    budget_capex = Decimal("400000.00")
    budget_opex = Decimal("100000.00")


class ProjectObjectiveFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ProjectObjective

    project = factory.SubFactory(ProjectFactory)
    objective = factory.SubFactory(StrategicObjectiveFactory)
    contribution = 2


class MilestoneFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Milestone

    project = factory.SubFactory(ProjectFactory)
    name = factory.Sequence(lambda n: f"Milestone {n}")
    baseline_date = datetime.date(2026, 6, 30)


class StatusReportFactory(factory.django.DjangoModelFactory):
    """A draft of last week's status by the project's manager, all green.

    ``StatusReportFactory(submitted=True)`` stores it submitted without going through the
    service: the project's ``last_status`` is left alone (use the services for the workflow).
    """

    class Meta:
        model = StatusReport

    class Params:
        submitted = factory.Trait(
            state=ReportState.SUBMITTED,
            submitted_at=factory.LazyFunction(timezone.now),
            submitted_by=factory.SelfAttribute("author"),
        )

    project = factory.SubFactory(ProjectFactory)
    week = factory.LazyAttribute(lambda o: weeks.current_week(o.project.tz) - weeks.ONE_WEEK)
    weather = Weather.SUNNY
    progress = 40
    author = factory.LazyAttribute(lambda o: o.project.project_manager)


# --- RAID log and change control ----------------------------------------------------------
# These store rows directly (no workflow): use the risks services to walk a workflow.


class RiskFactory(factory.django.DjangoModelFactory):
    """An open risk of a project, scored 3 × 4, owned by the project's manager."""

    class Meta:
        model = Risk

    project = factory.SubFactory(ProjectFactory)
    title = factory.Sequence(lambda n: f"Risk {n}")
    probability = 3
    impact = 4
    owner = factory.LazyAttribute(lambda o: o.project.project_manager if o.project else None)
    status = RiskStatus.OPEN


class IssueFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Issue

    project = factory.SubFactory(ProjectFactory)
    title = factory.Sequence(lambda n: f"Issue {n}")
    owner = factory.LazyAttribute(lambda o: o.project.project_manager if o.project else None)


class ActionFactory(factory.django.DjangoModelFactory):
    """An open action of a project, due in two weeks."""

    class Meta:
        model = Action

    project = factory.SubFactory(ProjectFactory)
    title = factory.Sequence(lambda n: f"Action {n}")
    owner = factory.LazyAttribute(lambda o: o.project.project_manager)
    due_date = factory.LazyFunction(lambda: timezone.localdate() + datetime.timedelta(days=14))
    status = ActionStatus.OPEN


class DecisionFactory(factory.django.DjangoModelFactory):
    """A decision requested by the project's manager."""

    class Meta:
        model = Decision

    project = factory.SubFactory(ProjectFactory)
    title = factory.Sequence(lambda n: f"Decision {n}")
    context = "Needed to go on."
    options = "A or B."
    requested_by = factory.LazyAttribute(lambda o: o.project.project_manager)
    state = DecisionState.REQUESTED


class ChangeRequestFactory(factory.django.DjangoModelFactory):
    """A draft change request adding 50,000 CAPEX and 30 days, by the project's manager."""

    class Meta:
        model = ChangeRequest

    project = factory.SubFactory(ProjectFactory)
    title = factory.Sequence(lambda n: f"Change {n}")
    description = "Extra interface asked by the business."
    cost_delta_capex = Decimal("50000.00")
    schedule_delta_days = 30
    requested_by = factory.LazyAttribute(lambda o: o.project.project_manager)
    state = ChangeState.DRAFT


class PortfolioEnvelopeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = PortfolioEnvelope

    portfolio = factory.SubFactory(PortfolioFactory)
    fiscal_year = 2026
    capex = Decimal("2000000.00")
    opex = Decimal("500000.00")


class ResourceFactory(factory.django.DjangoModelFactory):
    """A full-time person of the pool at 600 a day."""

    class Meta:
        model = Resource

    name = factory.Sequence(lambda n: f"Resource {n}")
    skill = "Business analyst"
    team = "Delivery"
    capacity_fte = Decimal("1.00")
    daily_rate = Decimal("600.00")


class ResourceCapacityFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ResourceCapacity

    resource = factory.SubFactory(ResourceFactory)
    month = datetime.date(2026, 8, 1)
    fte = Decimal("0.50")
    reason = "Holidays"


class AllocationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Allocation

    resource = factory.SubFactory(ResourceFactory)
    project = factory.SubFactory(ProjectFactory)
    month = datetime.date(2026, 3, 1)
    fte = Decimal("0.50")


class BudgetLineFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = BudgetLine

    project = factory.SubFactory(ProjectFactory)
    fiscal_year = 2026
    nature = Nature.CAPEX
    category = CostCategory.EXTERNAL_SERVICES
    amount = Decimal("100000.00")


class CostEntryFactory(factory.django.DjangoModelFactory):
    """An actual of 1,000.00 in external services CAPEX, typed in by hand."""

    class Meta:
        model = CostEntry

    project = factory.SubFactory(ProjectFactory)
    date = datetime.date(2026, 3, 15)
    kind = CostKind.ACTUAL
    nature = Nature.CAPEX
    category = CostCategory.EXTERNAL_SERVICES
    amount = Decimal("1000.00")
    label = factory.Sequence(lambda n: f"Invoice {n}")

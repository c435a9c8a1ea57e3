"""A seeded portfolio for the fuzzed API, made once per module and rolled back after it."""

import datetime
import tempfile
from decimal import Decimal
from pathlib import Path

import pytest
from django.core import signals
from django.db import close_old_connections, transaction
from hypothesis.configuration import set_hypothesis_home_dir

from pmo.urls import api_router
from tests import factories

# Hypothesis keeps caches (constants of the code, Unicode tables) in its home folder, by
# default .hypothesis/ in the working tree; examples are never saved (database=None).
set_hypothesis_home_dir(Path(tempfile.gettempdir()) / "pilotage-hypothesis")


def _seed_world():
    """A few rows of every kind the API serves, so that most ids in a path exist; returns the
    PMO manager the API is called as, and the projects' manager."""
    pmo = factories.pmo_manager(username="fuzz-pmo")
    portfolio = factories.PortfolioFactory()
    programme = factories.ProgrammeFactory(portfolio=portfolio)
    objective = factories.StrategicObjectiveFactory()
    resource = factories.ResourceFactory()
    project_manager = factories.project_manager(username="fuzz-pm")
    for index in range(3):
        project = factories.ProjectFactory(
            portfolio=portfolio,
            programme=programme if index else None,
            project_manager=project_manager,
        )
        factories.ProjectObjectiveFactory(project=project, objective=objective)
        factories.MilestoneFactory(project=project)
        factories.StatusReportFactory(project=project)
        factories.RiskFactory(project=project)
        factories.IssueFactory(project=project)
        factories.ActionFactory(project=project)
        factories.DecisionFactory(project=project)
        factories.ChangeRequestFactory(project=project)
        factories.BudgetLineFactory(project=project)
        factories.CostEntryFactory(project=project)
        factories.AllocationFactory(project=project, resource=resource)
    factories.PortfolioEnvelopeFactory(portfolio=portfolio)
    factories.ResourceCapacityFactory(
        resource=resource, month=datetime.date(2026, 9, 1), fte=Decimal("0.80")
    )
    return pmo, project_manager


@pytest.fixture(scope="module")
def fuzz_world(django_db_setup, django_db_blocker):
    """(PMO manager, project manager) of the world, made in a transaction the module's tests
    run inside (each test is a savepoint in it), rolled back after the last."""
    with django_db_blocker.unblock():
        atomic = transaction.atomic()
        atomic.__enter__()
        try:
            yield _seed_world()
        finally:
            transaction.set_rollback(True)
            atomic.__exit__(None, None, None)


@pytest.fixture
def keep_connection():
    """The WSGI handler closes the connection around each request (it would end the test's
    transaction): Django's own test client stops it the same way."""
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    yield
    signals.request_started.connect(close_old_connections)
    signals.request_finished.connect(close_old_connections)


@pytest.fixture
def path_ids(db, fuzz_world):
    """The id of one row per API prefix (``projects`` -> a project's id), None when none."""
    ids = {}
    for prefix, viewset, _basename in api_router.registry:
        queryset = getattr(viewset, "queryset", None)
        if queryset is not None:
            ids[prefix] = (
                queryset.model._default_manager.order_by("pk").values_list("pk", flat=True).first()
            )
    return ids


def pytest_collection_modifyitems(items):
    """Name each fuzzed test after its operation (``[GET /api/v1/projects/]``): the pytest
    plugin of schemathesis sets the name, which this pytest leaves out of the test's id."""
    for item in items:
        label = getattr(item, "operation_label", None)
        node_id = getattr(item, "_id", None)
        if label and node_id is not None and getattr(node_id, "params", "") is None:
            item._id = node_id.with_params(label)

"""Approvals racing each other on the real PostgreSQL: the row locks make them apply one after
the other, never twice and never over each other.

Each approver runs in its own thread with its own connection; a barrier starts them together,
and the first approval holds its transaction open a moment after moving the baseline, so the
second is sure to arrive while the first still holds its locks.
"""

import threading
import time
from decimal import Decimal

import pytest
from django.db import connection
from django.utils import timezone

from pmo.exceptions import WorkflowError
from projects.models import BaselineRevision, Project
from risks import services
from risks.choices import ChangeState
from risks.models import ChangeRequest
from tests import factories

# Concurrent tests commit for real: the database is emptied after each, then restored from
# the migrations' data (roles) for the next one.
pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

HOLD = 0.3  # seconds an approval keeps its transaction open once the baseline has moved


@pytest.fixture
def slow_rebaseline(monkeypatch):
    """Keep the approving transaction open a moment after the baseline moved."""
    rebaseline = services.project_rebaseline

    def slowly(*args, **kwargs):
        result = rebaseline(*args, **kwargs)
        time.sleep(HOLD)
        return result

    monkeypatch.setattr(services, "project_rebaseline", slowly)


def race(*calls):
    """Run ``calls`` at once, one thread each; return what each returned or raised."""
    barrier = threading.Barrier(len(calls))
    outcomes = [None] * len(calls)

    def run(index, call):
        try:
            barrier.wait(timeout=10)
            outcomes[index] = call()
        except Exception as error:  # the outcome under test, whatever it is
            outcomes[index] = error
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i, call)) for i, call in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert not any(thread.is_alive() for thread in threads), "an approval never finished"
    return outcomes


def submitted(project, **fields) -> ChangeRequest:
    return factories.ChangeRequestFactory(
        project=project,
        state=ChangeState.SUBMITTED,
        submitted_at=timezone.now(),
        submitted_by=project.project_manager,
        **fields,
    )


@pytest.mark.usefixtures("slow_rebaseline")
def test_two_approvals_of_one_change_request_at_once_apply_it_once(project, pmo_user, exec_user):
    change = submitted(project, cost_delta_capex=Decimal("50000.00"))

    outcomes = race(
        lambda: services.change_request_approve(change, actor=pmo_user),
        lambda: services.change_request_approve(change, actor=exec_user),
    )

    approved = [o for o in outcomes if isinstance(o, ChangeRequest)]
    refused = [o for o in outcomes if isinstance(o, WorkflowError)]
    assert (len(approved), len(refused)) == (1, 1), outcomes
    assert "approved" in str(refused[0])
    assert Project.objects.get(pk=project.pk).budget_capex == Decimal("450000.00")
    assert BaselineRevision.objects.filter(project=project).count() == 2
    stored = ChangeRequest.objects.get(pk=change.pk)
    assert stored.state == ChangeState.APPROVED
    assert stored.decided_by == approved[0].decided_by


@pytest.mark.usefixtures("slow_rebaseline")
def test_two_change_requests_of_one_project_approved_at_once_both_apply(
    project, pmo_user, exec_user
):
    first = submitted(project, cost_delta_capex=Decimal("50000.00"), schedule_delta_days=None)
    second = submitted(
        project,
        cost_delta_capex=Decimal("20000.00"),
        cost_delta_opex=Decimal("5000.00"),
        schedule_delta_days=None,
    )

    outcomes = race(
        lambda: services.change_request_approve(first, actor=pmo_user),
        lambda: services.change_request_approve(second, actor=exec_user),
    )

    assert all(isinstance(o, ChangeRequest) for o in outcomes), outcomes
    stored = Project.objects.get(pk=project.pk)
    assert (stored.budget_capex, stored.budget_opex) == (
        Decimal("470000.00"),
        Decimal("105000.00"),
    )
    revisions = list(
        BaselineRevision.objects.filter(project=project)
        .order_by("number")
        .values_list("number", "budget_capex")
    )
    assert [number for number, _ in revisions] == [1, 2, 3]
    assert revisions[-1][1] == Decimal("470000.00")
    one, two = (ChangeRequest.objects.get(pk=c.pk) for c in (first, second))
    # Whichever went second started from the first one's result.
    later, earlier = sorted((one, two), key=lambda c: c.baseline_after.number, reverse=True)
    assert later.baseline_before_id == earlier.baseline_after_id

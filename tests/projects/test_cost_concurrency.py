"""Two identical batches of cost entries racing each other on the real PostgreSQL: the
entries are recorded once, and the batch that lost the race says they were already there.

Each batch runs in its own thread with its own connection. Both are held after their check
until the other has checked too, so that both find every reference free: the database's
unique constraint is then what keeps the second from recording them again.
"""

import threading

import pytest
from django.db import IntegrityError, connection

from projects.models import CostEntry
from projects.services import finance as services
from tests.projects.test_cost_bulk import BULK, batch

# Concurrent tests commit for real: the database is emptied after each, then restored from
# the migrations' data (roles) for the next one.
pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

SIZE = 1500  # more than one INSERT statement (1,000 rows each)


@pytest.fixture
def checks_meet(monkeypatch):
    """Hold each thread's first check until both threads have checked."""
    barrier = threading.Barrier(2)
    checked = threading.local()
    check = services._BatchChecker.check

    def meet_after_check(self, rows):
        result = check(self, rows)
        if not getattr(checked, "once", False):
            checked.once = True
            barrier.wait(timeout=10)
        return result

    monkeypatch.setattr(services._BatchChecker, "check", meet_after_check)


@pytest.fixture
def refused_writes(monkeypatch):
    """The writes the unique constraint refused (a batch that lost the race)."""
    refused = []
    write = services._write

    def recording_write(checked):
        try:
            return write(checked)
        except IntegrityError as error:
            refused.append(error)
            raise

    monkeypatch.setattr(services, "_write", recording_write)
    return refused


def race(*calls):
    """Run ``calls`` at once, one thread each; return what each returned or raised."""
    outcomes = [None] * len(calls)

    def run(index, call):
        try:
            outcomes[index] = call()
        except Exception as error:  # the outcome under test, whatever it is
            outcomes[index] = error
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i, call)) for i, call in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert not any(thread.is_alive() for thread in threads), "a batch never finished"
    return outcomes


@pytest.mark.usefixtures("checks_meet")
def test_two_identical_batches_at_once_record_the_entries_once(
    integration_user, project, refused_writes
):
    entries = batch(project, SIZE)

    outcomes = race(
        lambda: services.cost_entries_bulk_create(actor=integration_user, entries=entries),
        lambda: services.cost_entries_bulk_create(actor=integration_user, entries=entries),
    )

    assert all(isinstance(o, services.BulkResult) for o in outcomes), outcomes
    counts = sorted((o.created, o.unchanged) for o in outcomes)
    assert counts == [(0, SIZE), (SIZE, 0)]
    assert CostEntry.objects.count() == SIZE
    # Both found the references free: the constraint stopped the second, checked again.
    assert len(refused_writes) == 1


@pytest.mark.usefixtures("checks_meet")
def test_two_identical_calls_of_the_endpoint_at_once_answer_201_then_200(
    api_as, integration_user, project
):
    entries = batch(project, SIZE)
    clients = [api_as(integration_user), api_as(integration_user)]

    outcomes = race(
        *(lambda c=c: c.post(BULK, {"entries": entries}, format="json") for c in clients)
    )

    answers = sorted((r.status_code, r.json()["created"], r.json()["unchanged"]) for r in outcomes)
    assert answers == [(200, 0, SIZE), (201, SIZE, 0)]
    assert CostEntry.objects.count() == SIZE


def test_two_overlapping_batches_at_once_record_each_entry_once(integration_user, project):
    # Without holding them: whichever order they run in, the union is recorded once.
    first, second = batch(project, SIZE), batch(project, SIZE, start=SIZE // 2)

    outcomes = race(
        lambda: services.cost_entries_bulk_create(actor=integration_user, entries=first),
        lambda: services.cost_entries_bulk_create(actor=integration_user, entries=second),
    )

    assert all(isinstance(o, services.BulkResult) for o in outcomes), outcomes
    assert sum(o.created for o in outcomes) == SIZE + SIZE // 2
    assert sum(o.unchanged for o in outcomes) == SIZE // 2
    assert CostEntry.objects.count() == SIZE + SIZE // 2

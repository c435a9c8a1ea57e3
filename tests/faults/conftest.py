"""Fixtures of the fault tests: a Redis and a PostgreSQL of their own, and the processes of
the app (worker, web) started on them, every one stopped at teardown."""

import shutil
import tempfile
import threading
import time
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.faults.services import PostgresServer, RedisServer, app_environment, manage

# The worker and the web process read what the test wrote: it must be committed.
# serialized_rollback brings back the migrations' rows (the role groups) after the flush.
FAULTS_DB = pytest.mark.django_db(transaction=True, serialized_rollback=True)


@pytest.fixture
def redis_server(tmp_path):
    """A redis-server of the test's own, running."""
    server = RedisServer(tmp_path / "redis")
    server.start()
    yield server
    server.stop()


@pytest.fixture
def processes():
    """Processes started by the test (``processes.append(...)``), stopped at its end; their
    output is printed when the test failed (pytest shows what teardown prints)."""
    started = []
    yield started
    for process in reversed(started):
        process.stop()


@pytest.fixture(scope="session")
def own_postgres(tmp_path_factory):
    """A PostgreSQL cluster of the fault tests' own, for those that restart it or make and
    drop databases; stopped at the end of the run."""
    # Not under pytest's folder: PostgreSQL's user could not reach it (it is root's alone).
    folder = Path(tempfile.mkdtemp(prefix="pilotage-faults-pg-"))
    server = PostgresServer(folder)
    try:
        server.init()
        yield server
    finally:
        server.stop()
        shutil.rmtree(folder, ignore_errors=True)


@dataclass
class DemoSite:
    """The demo data (``manage.py seed_demo``) in a database of ``own_postgres``, with its
    media folder (the packs' PDFs, the portfolios' logos)."""

    database: str
    url: str
    media: Path
    seconds: float = 0.0
    error: BaseException | None = None


def _seed(site: DemoSite) -> None:
    environment = app_environment(database_url=site.url, redis_url=None, media=site.media)
    started = time.monotonic()
    try:
        manage(environment, "migrate", "--noinput", "-v", "0", timeout=600)
        manage(environment, "seed_demo", timeout=600)
    except BaseException as error:  # reported by the test that needs the demo
        site.error = error
    site.seconds = time.monotonic() - started


def pytest_collection_modifyitems(config, items):
    """The tests on the demo data run after the other fault tests: the demo is seeded (a few
    minutes on a busy machine) in the background meanwhile."""
    on_demo = [item for item in items if "demo_site" in getattr(item, "fixturenames", ())]
    if on_demo:
        items[:] = [item for item in items if item not in on_demo] + on_demo


@pytest.fixture(scope="session")
def demo_seeding(own_postgres, tmp_path_factory):
    """Start seeding the demo into a database of ``own_postgres``; (site, thread)."""
    folder = tmp_path_factory.mktemp("faults-demo")
    own_postgres.sql("postgres", "CREATE DATABASE demo")
    site = DemoSite("demo", own_postgres.url("demo"), folder / "media")
    thread = threading.Thread(target=_seed, args=(site,), daemon=True)
    thread.start()
    yield site, thread
    thread.join(600)


@pytest.fixture(scope="session", autouse=True)
def _seed_the_demo_early(request):
    if any("demo_site" in getattr(item, "fixturenames", ()) for item in request.session.items):
        request.getfixturevalue("demo_seeding")


@pytest.fixture
def demo_site(demo_seeding) -> DemoSite:
    site, thread = demo_seeding
    thread.join(600)
    if site.error is not None:
        raise site.error
    return site

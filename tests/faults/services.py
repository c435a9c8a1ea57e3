"""Servers the fault tests start, stop and break on their own: Redis, PostgreSQL, a Celery
worker and the web app under gunicorn, each on a free loopback port and in a folder of the
test. The suite's own PostgreSQL and Redis (started by scripts/test-services.sh) are never
touched, only read: the test database's address is handed to the processes started here.

A binary that is missing fails the test saying which and how to install it; nothing is
skipped.
"""

# Every command here is a fixed server binary with arguments the tests choose.
# ruff: noqa: S603, S607

import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
import requests
from django.db import connection

ROOT = Path(__file__).resolve().parent.parent.parent
PG_BIN = Path(os.environ.get("PG_BIN", "/usr/lib/postgresql/15/bin"))
VENV_BIN = Path(sys.executable).parent
# The settings of every process started here (tests/faults/settings.py).
SETTINGS = "tests.faults.settings"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_for(predicate, timeout: float, interval: float = 0.2) -> bool:
    """Ask ``predicate`` until it is true (True) or ``timeout`` seconds passed (False)."""
    deadline = time.monotonic() + timeout
    while True:
        if predicate():
            return True
        if time.monotonic() >= deadline:
            return False
        time.sleep(interval)


def require(path: str | Path, hint: str) -> str:
    """The binary's path, or the test fails saying what to install."""
    found = shutil.which(str(path)) if not Path(path).is_absolute() else str(path)
    if not found or not os.access(found, os.X_OK):
        pytest.fail(f"{path} is needed by the fault tests and was not found: {hint}")
    return found


def _stop(process: subprocess.Popen | None, sig=signal.SIGTERM, timeout: float = 20) -> None:
    if process is None or process.poll() is not None:
        return
    try:
        os.killpg(process.pid, sig)
    except ProcessLookupError:
        return
    try:
        process.wait(timeout)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait(10)


def _tail(path: Path, lines: int = 40) -> str:
    if not path.exists():
        return ""
    return "\n".join(path.read_text(errors="replace").splitlines()[-lines:])


# ------------------------------------------------------------------------------
# Redis
# ------------------------------------------------------------------------------
class RedisServer:
    """A redis-server of the test's own, stopped and started again on the same port (its
    data is not persisted: stopping it loses the queue, as a crash would)."""

    def __init__(self, folder: Path):
        self.binary = require(
            "redis-server", "install Debian's redis-server package (make test does)."
        )
        self.folder = folder
        self.port = free_port()
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self.process: subprocess.Popen | None = None

    def start(self) -> None:
        self.folder.mkdir(parents=True, exist_ok=True)
        log = self.folder / "redis.log"
        self.process = subprocess.Popen(
            [
                *(self.binary, "--port", str(self.port), "--bind", "127.0.0.1", "--save", ""),
                *("--appendonly", "no", "--dir", str(self.folder), "--logfile", str(log)),
            ],
            start_new_session=True,
        )
        if not wait_for(self.answers, 10, 0.05):
            _stop(self.process)
            pytest.fail(f"redis-server did not start:\n{_tail(log)}")

    def answers(self) -> bool:
        try:
            with socket.create_connection(("127.0.0.1", self.port), timeout=0.5) as sock:
                sock.sendall(b"PING\r\n")
                return sock.recv(16).startswith(b"+PONG")
        except OSError:
            return False

    def stop(self) -> None:
        _stop(self.process)
        self.process = None
        if not wait_for(lambda: not self.answers(), 10, 0.05):
            pytest.fail("redis-server did not stop")

    def command(self, *args: str) -> str:
        cli = require("redis-cli", "install Debian's redis-tools package.")
        return subprocess.run(
            [cli, "-p", str(self.port), *args], capture_output=True, text=True, check=True
        ).stdout.strip()


# ------------------------------------------------------------------------------
# PostgreSQL
# ------------------------------------------------------------------------------
class PostgresServer:
    """A PostgreSQL 15 cluster of the test's own (initdb + pg_ctl, as test-services.sh does),
    run as an unprivileged user when the tests run as root (PostgreSQL refuses root)."""

    def __init__(self, folder: Path):
        for name in ("initdb", "pg_ctl"):
            require(
                PG_BIN / name,
                f"PostgreSQL 15 server binaries in {PG_BIN} (Debian: apt-get install "
                "postgresql-15), or set PG_BIN.",
            )
        self.folder = folder
        self.data = folder / "pg"
        self.sockets = folder / "pgsock"
        self.port = free_port()
        self.user = None
        if os.getuid() == 0:
            self.user = "postgres" if _user_exists("postgres") else "nobody"

    def _as_pg(self, *command) -> list[str]:
        command = [str(part) for part in command]
        return ["runuser", "-u", self.user, "--", *command] if self.user else command

    def url(self, database: str) -> str:
        return f"postgres://postgres@127.0.0.1:{self.port}/{database}"

    def init(self) -> None:
        self.folder.mkdir(parents=True, exist_ok=True)
        # The server's user must reach its folders inside the test's.
        os.chmod(self.folder, 0o755)  # noqa: S103
        for path in (self.data, self.sockets):
            path.mkdir()
            if self.user:
                shutil.chown(path, self.user)
        result = subprocess.run(
            self._as_pg(
                PG_BIN / "initdb", "-D", self.data, "-U", "postgres", "--auth=trust",
                "--encoding=UTF8", "--locale=C.UTF-8",
            ),
            capture_output=True,
            text=True,
        )  # fmt: skip
        if result.returncode:
            pytest.fail(f"initdb failed: {result.stdout}{result.stderr}")
        self.start()

    def _ctl(self, *args) -> None:
        options = (
            f"-c listen_addresses=127.0.0.1 -p {self.port} -k {self.sockets} -c fsync=off "
            "-c synchronous_commit=off -c full_page_writes=off"
        )
        result = subprocess.run(
            self._as_pg(
                PG_BIN / "pg_ctl", "-D", self.data, "-l", self.data / "server.log", "-w",
                "-t", "60", *args, "-o", options,
            ),
            capture_output=True,
            text=True,
        )  # fmt: skip
        if result.returncode:
            pytest.fail(f"pg_ctl {args}: {result.stderr}\n{_tail(self.data / 'server.log')}")

    def start(self) -> None:
        self._ctl("start")

    def restart(self) -> None:
        """Restart in fast mode: every open connection is cut, as in a failover."""
        self._ctl("restart", "-m", "fast")

    def stop(self) -> None:
        subprocess.run(
            self._as_pg(PG_BIN / "pg_ctl", "-D", self.data, "-m", "fast", "-w", "stop"),
            capture_output=True,
        )

    def sql(self, database: str, statement: str) -> str:
        psql = require(PG_BIN / "psql" if (PG_BIN / "psql").exists() else "psql", "psql")
        command = [psql, "-X", "-A", "-t", "-v", "ON_ERROR_STOP=1", "-d", self.url(database)]
        return subprocess.run(
            [*command, "-c", statement],
            capture_output=True,
            text=True,
            check=True,
        ).stdout.strip()


def _user_exists(name: str) -> bool:
    return subprocess.run(["id", name], capture_output=True).returncode == 0


# ------------------------------------------------------------------------------
# The app's processes
# ------------------------------------------------------------------------------
def suite_database_url() -> str:
    """The address of the test database the suite made (pytest-django's)."""
    values = connection.settings_dict
    password = f":{values['PASSWORD']}" if values.get("PASSWORD") else ""
    return (
        f"postgres://{values['USER']}{password}@{values['HOST']}:{values['PORT']}/{values['NAME']}"
    )


def app_environment(*, database_url: str, redis_url: str | None, media: Path, **extra) -> dict:
    """The environment of a worker or web process of the app under the fault settings
    (without ``redis_url``: the in-process cache and a folder broker beside ``media``)."""
    environment = {
        key: value
        for key, value in os.environ.items()
        if key not in ("CELERY_BROKER_URL", "DJANGO_SETTINGS_MODULE")
    }
    environment.update(
        {
            "DJANGO_SETTINGS_MODULE": SETTINGS,
            "DATABASE_URL": database_url,
            "REDIS_URL": redis_url or "",
            "CELERY_BROKER_URL": redis_url or "",
            "PILOTAGE_VAR_DIR": str(media.parent / "var"),
            "FAULTS_MEDIA_ROOT": str(media),
            "PYTHONPATH": str(ROOT),
            "PYTHONUNBUFFERED": "1",
        }
    )
    environment.update({key: str(value) for key, value in extra.items()})
    return environment


class AppProcess:
    """A process of the app (worker, web), its output in a log file, in its own process
    group so that it is stopped, or killed, whole."""

    def __init__(self, name: str, command: list[str], environment: dict, folder: Path):
        self.name = name
        self.command = command
        self.environment = environment
        self.log = folder / f"{name}.log"
        self.process: subprocess.Popen | None = None

    def start(self) -> "AppProcess":
        self.log.parent.mkdir(parents=True, exist_ok=True)
        with self.log.open("ab") as log:
            self.process = subprocess.Popen(
                self.command,
                cwd=ROOT,
                env=self.environment,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        return self

    @property
    def pid(self) -> int:
        return self.process.pid

    def running(self) -> bool:
        return self.process is not None and self.process.poll() is None

    def kill(self) -> None:
        """SIGKILL: no warm shutdown, no message given back, as when a machine dies."""
        _stop(self.process, signal.SIGKILL)

    def stop(self) -> None:
        _stop(self.process)

    def output(self) -> str:
        return _tail(self.log, 80)


def celery_worker(name: str, environment: dict, folder: Path) -> AppProcess:
    """One worker doing one task at a time in its own process (the solo pool: killing the
    process kills the task)."""
    command = [
        str(VENV_BIN / "celery"), "-A", "pmo", "worker", "--pool=solo", "--loglevel=INFO",
        "--without-gossip", "--without-mingle", "--without-heartbeat", "-n", f"{name}@%h",
    ]  # fmt: skip
    return AppProcess(name, command, environment, folder).start()


class WebServer(AppProcess):
    """The app under gunicorn (one process, one thread: one database connection, kept
    between requests when DATABASE_CONN_MAX_AGE says so)."""

    def __init__(self, environment: dict, folder: Path):
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        command = [
            str(VENV_BIN / "gunicorn"), "pmo.wsgi:application", "--bind",
            f"127.0.0.1:{self.port}", "--workers", "1", "--threads", "1", "--timeout", "60",
        ]  # fmt: skip
        super().__init__("web", command, environment, folder)

    def start(self) -> "WebServer":
        super().start()

        def answers():
            if not self.running():
                pytest.fail(f"gunicorn stopped:\n{self.output()}")
            try:
                # The first request imports the views and templates: it takes a while.
                return requests.get(self.base + "/login/", timeout=20).status_code == 200
            except (requests.ConnectionError, requests.Timeout):
                return False

        if not wait_for(answers, 60, 0.2):
            self.stop()  # not left running: the test has not been handed it yet
            pytest.fail(f"gunicorn did not answer:\n{self.output()}")
        return self


def sign_in(server: WebServer, username: str, password: str) -> requests.Session:
    """A browser session signed in through the login page (its CSRF token, its cookie)."""
    session = requests.Session()
    session.get(server.base + "/login/", timeout=10).raise_for_status()
    response = session.post(
        server.base + "/login/",
        data={
            "username": username,
            "password": password,
            "csrfmiddlewaretoken": session.cookies["csrftoken"],
        },
        headers={"Referer": server.base + "/login/"},
        allow_redirects=False,
        timeout=10,
    )
    assert response.status_code == 302, (response.status_code, response.text[:2000])
    return session


def post_form(session: requests.Session, server: WebServer, path: str, data: dict):
    """POST a form the way the browser does (CSRF token and Referer), following redirects."""
    return session.post(
        server.base + path,
        data={**data, "csrfmiddlewaretoken": session.cookies["csrftoken"]},
        headers={"Referer": server.base + path},
        timeout=30,
    )


def manage(environment: dict, *args: str, timeout: float = 300) -> str:
    """Run ``manage.py`` with the environment; its output, or the test fails with it."""
    result = subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        timeout=timeout,
    )
    if result.returncode:
        pytest.fail(f"manage.py {' '.join(args)} failed:\n{result.stdout}\n{result.stderr}")
    return result.stdout

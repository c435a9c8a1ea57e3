"""Load test: gunicorn with the production settings, driven by locust on loopback; writes JSON.

    scripts/test-services.sh .venv/bin/python bench/load.py [--users 20] [--duration 60]

Runs against the PostgreSQL and Redis that ``scripts/test-services.sh`` started: creates the
database, migrates it, loads the demo portfolio and ``--projects`` more projects built as
``make bench`` builds them (52 weeks of statuses, the RAID log, budgets and a year of
actuals each, over 50 project managers), collects the static files, then starts gunicorn with
``pmo.settings.production`` on a free loopback port and runs ``bench/locustfile.py`` headless,
10 s to warm the workers up (reported apart), then ``--duration`` seconds with a bounded
number of users: project managers filing their
weekly statuses through the pages, PMO managers on the dashboard and the lists, executives
on the dashboard and the Copil packs, integrations reading the API. Figures (errors,
requests, throughput, p50/p95/p99 per kind of request and in total) go to
``bench/results/load.json`` and are printed as a table; the exit status is 1 when any request
failed.

The data goes into the database DATABASE_URL names: throwaway servers only (``make load``
unsets any DATABASE_URL / REDIS_URL so that test-services.sh starts its own). Everything
started here (gunicorn, locust) is stopped here, by its process id. The secret key and the
accounts' password are made at run time and live only in this run's environment. Production's
API rate limit is kept: each simulated integration has its own account, well under it.
"""

import argparse
import csv
import datetime
import json
import os
import platform
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
BIN = Path(sys.executable).parent

# Plain HTTP on loopback, yet every production setting kept as it is (secure cookies, HSTS,
# HTTPS redirect): the load client plays a browser behind the TLS proxy of a real deployment,
# which sends X-Forwarded-Proto (trusted through SECURE_PROXY_SSL_HEADER), and a browser that
# speaks HTTPS to that proxy, so it sends the secure cookies back (see bench/locustfile.py).
FORWARDED_PROTO = "https"
# gunicorn's start on a busy machine: a generous bound, then give up.
READY_TIMEOUT_SECONDS = 60


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def production_environment(work: Path, password: str) -> dict:
    """The environment of every process of the run: production settings, this run's secrets,
    the services test-services.sh started, and files under this run's own folder."""
    for name in ("DATABASE_URL", "REDIS_URL"):
        if not os.environ.get(name):
            raise SystemExit(f"{name} is not set: run under scripts/test-services.sh.")
    env = dict(os.environ)
    env.update(
        {
            "DJANGO_SETTINGS_MODULE": "pmo.settings.production",
            "SECRET_KEY": secrets.token_urlsafe(50),
            "ALLOWED_HOSTS": "127.0.0.1",
            "PILOTAGE_VAR_DIR": str(work / "var"),
            "STATIC_ROOT": str(work / "static"),
            "MEDIA_ROOT": str(work / "media"),
            "SITE_URL": "https://127.0.0.1",
            # No mail server on a load machine; nothing the load does waits on mail anyway.
            "EMAIL_BACKEND": "django.core.mail.backends.dummy.EmailBackend",
            "LOG_LEVEL": "WARNING",
            "DEMO_PASSWORD": password,
        }
    )
    return env


def create_database() -> None:
    """test-services.sh starts an empty server: create the database DATABASE_URL names."""
    import dj_database_url
    import psycopg2
    from psycopg2 import sql

    config = dj_database_url.parse(os.environ["DATABASE_URL"])
    connection = psycopg2.connect(
        dbname="postgres",
        user=config["USER"],
        password=config["PASSWORD"] or None,
        host=config["HOST"],
        port=config["PORT"],
    )
    connection.autocommit = True
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_database WHERE datname = %s", [config["NAME"]])
        if cursor.fetchone() is None:
            cursor.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(config["NAME"])))
    connection.close()


def build(
    projects: int, password: str, integrations: int, *, demo: bool = True
) -> tuple[dict, dict]:
    """Migrate, load the demo and the bench portfolio, collect the static files; return what
    the load client needs (accounts, their projects, this week, the dashboard's filters)."""
    import django

    django.setup()
    from django.contrib.auth.hashers import make_password
    from django.core.management import call_command
    from django.db import connection
    from django.test.utils import override_settings

    call_command("migrate", interactive=False, verbosity=0)
    call_command("collectstatic", interactive=False, verbosity=0)

    from bench import run as bench
    from pmo.models import User
    from projects import weeks
    from projects.models import CostEntry, Project, StatusReport
    from reporting.demo import load_demo
    from risks.models import Risk
    from tests import factories

    started = time.perf_counter()
    if demo:
        load_demo(password=password)
        print(f"  demo loaded in {time.perf_counter() - started:.0f} s", flush=True)
    # The factories number their codes from 1, as the demo's objectives (OBJ-1...) do.
    for factory in (
        factories.StrategicObjectiveFactory,
        factories.PortfolioFactory,
        factories.ProgrammeFactory,
        factories.ProjectFactory,
        factories.UserFactory,
    ):
        factory.reset_sequence(1000)
    # The factories set each password through the production hasher (a second each on a busy
    # machine): made with a fast one here, every load account then gets one real hash below.
    with override_settings(PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"]):
        people = bench.load_people()
        bench.load(people, 0, projects)
        robots = [factories.integration(username=f"load-erp{k}") for k in range(integrations)]
    bench.analyze()
    managers = people["managers"]
    usernames = [user.username for user in (*managers, people["pmo"], people["sponsor"], *robots)]
    User.objects.filter(username__in=usernames).update(password=make_password(password))
    build_seconds = time.perf_counter() - started

    own = {user.pk: [] for user in managers}
    for project in Project.objects.filter(project_manager__in=managers).order_by("pk"):
        own[project.project_manager_id].append(project.pk)
    sample = Project.objects.filter(project_manager__in=managers).order_by("pk").first()
    plan = {
        "password": password,
        "forwarded_proto": FORWARDED_PROTO,
        # Every bench project reports in the same time zone: one current week for all.
        "week": weeks.current_week(sample.tz).isoformat(),
        "project_managers": [
            {"username": user.username, "projects": own[user.pk]} for user in managers
        ],
        # The demo's own accounts beside the bench's, when the demo is there.
        "pmo_managers": [people["pmo"].username, *(["pmo"] if demo else [])],
        "executives": [people["sponsor"].username, *(["exec"] if demo else [])],
        "integrations": [robot.username for robot in robots],
        "projects": list(Project.objects.order_by("pk").values_list("pk", flat=True)),
        "portfolios": sorted({programme.portfolio_id for programme in people["programmes"]}),
        "programmes": [programme.pk for programme in people["programmes"]],
        # Pages of 100 the API surely has (half the rows: filters may hide some), so that an
        # integration's reads spread over the tables without asking past the end (404).
        "api_pages": {
            name: max(1, model.objects.count() // 200)
            for name, model in (
                ("projects", Project),
                ("status_reports", StatusReport),
                ("risks", Risk),
                ("cost_entries", CostEntry),
            )
        },
    }
    summary = {
        "projects": Project.objects.count(),
        "bench_projects": projects,
        "demo": demo,
        "accounts": User.objects.count(),
        "build_seconds": round(build_seconds, 1),
    }
    connection.close()
    return plan, summary


def wait_until_ready(port: int, server: subprocess.Popen) -> None:
    """Until /healthz answers 200 (the database and Redis reached) or the server dies."""
    request = urllib.request.Request(
        f"http://127.0.0.1:{port}/healthz", headers={"X-Forwarded-Proto": FORWARDED_PROTO}
    )
    deadline = time.monotonic() + READY_TIMEOUT_SECONDS
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise SystemExit(f"gunicorn stopped with status {server.returncode}.")
        try:
            with urllib.request.urlopen(request, timeout=5) as response:  # noqa: S310
                if response.status == 200:
                    return
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            pass
        time.sleep(0.5)
    raise SystemExit("gunicorn did not answer /healthz in time.")


def stop(process: subprocess.Popen | None, timeout: float = 20) -> None:
    """Stop one process this run started: SIGTERM (gunicorn's graceful stop), then SIGKILL."""
    if process is None or process.poll() is not None:
        return
    process.send_signal(signal.SIGTERM)
    try:
        process.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


def run_locust(port, env, prefix: Path, users: int, spawn_rate: float, seconds: int) -> Path:
    """Run bench/locustfile.py headless against the server; its CSV files' prefix."""
    log = open(f"{prefix}.log", "w")  # noqa: SIM115 (closed once locust has stopped)
    locust = subprocess.Popen(  # noqa: S603
        [
            str(BIN / "locust"),
            "-f",
            str(ROOT / "bench" / "locustfile.py"),
            "--headless",
            "--only-summary",
            "--users",
            str(users),
            "--spawn-rate",
            str(spawn_rate),
            "--run-time",
            f"{seconds}s",
            "--stop-timeout",
            "10",
            "--host",
            f"http://127.0.0.1:{port}",
            "--csv",
            str(prefix),
            "--loglevel",
            "WARNING",
        ],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    try:
        locust.wait()
    finally:
        stop(locust)
        log.close()
    # 1 is locust's "some requests failed", reported from the CSV files.
    if locust.returncode not in (0, 1) or not Path(f"{prefix}_stats.csv").exists():
        print(Path(f"{prefix}.log").read_text()[-4000:])
        raise SystemExit(f"locust stopped with status {locust.returncode}.")
    return prefix


def percentile_row(row: dict, seconds: float) -> dict:
    """One line of locust's stats CSV as figures: counts, throughput, latency percentiles."""

    def number(key):
        value = row.get(key, "")
        return None if value in ("", "N/A") else round(float(value))

    requests = int(row["Request Count"])
    return {
        "requests": requests,
        "failures": int(row["Failure Count"]),
        "req_per_s": round(requests / seconds, 1) if seconds else None,
        "p50_ms": number("50%"),
        "p95_ms": number("95%"),
        "p99_ms": number("99%"),
        "max_ms": number("Max Response Time"),
        "mean_ms": round(float(row["Average Response Time"]), 1),
    }


def read_results(prefix: Path, seconds: float) -> dict:
    """Per kind of request and in total, from locust's CSV files; failures and exceptions."""
    kinds, total = {}, None
    with open(f"{prefix}_stats.csv", newline="") as stats:
        for row in csv.DictReader(stats):
            figures = percentile_row(row, seconds)
            if row["Name"] == "Aggregated":
                total = figures
            else:
                kinds[row["Name"]] = {"method": row["Type"], **figures}
    failures = []
    with open(f"{prefix}_failures.csv", newline="") as rows:
        for row in csv.DictReader(rows):
            failures.append(
                {
                    "name": row["Name"],
                    "method": row["Method"],
                    "error": row["Error"],
                    "occurrences": int(row["Occurrences"]),
                }
            )
    exceptions = []
    exceptions_file = Path(f"{prefix}_exceptions.csv")
    if exceptions_file.exists():
        with exceptions_file.open(newline="") as rows:
            for row in csv.DictReader(rows):
                exceptions.append(
                    {
                        "message": row["Message"],
                        "occurrences": int(row["Count"]),
                        "traceback": row["Traceback"][-2000:],
                    }
                )
    return {"kinds": kinds, "total": total, "failures": failures, "exceptions": exceptions}


def print_table(report: dict) -> None:
    kinds = report["kinds"]
    width = max(len(name) for name in [*kinds, "total"])
    header = f"{'kind':<{width}}  {'requests':>8}  {'fail':>4}  {'req/s':>6}  {'p50':>6}  "
    print(header + f"{'p95':>6}  {'p99':>6}  (ms)")
    rows = sorted(kinds.items(), key=lambda item: -(item[1]["p95_ms"] or 0))
    for name, row in [*rows, ("total", report["total"])]:
        print(
            f"{name:<{width}}  {row['requests']:>8}  {row['failures']:>4}  {row['req_per_s']:>6}  "
            f"{row['p50_ms']!s:>6}  {row['p95_ms']!s:>6}  {row['p99_ms']!s:>6}"
        )
    print(
        f"errors: {report['errors']}  requests: {report['total']['requests']}  "
        f"throughput: {report['total']['req_per_s']} req/s  "
        f"expected business answers: {report['business_answers']}"
    )
    machine = report["machine"]
    print(
        f"machine: {machine['cpus']} CPUs, load average {machine['load_average_before']} "
        f"before the run, {machine['load_average_after']} after"
    )


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--users", type=int, default=20, help="simulated users at once")
    parser.add_argument("--spawn-rate", type=float, default=4, help="users started a second")
    parser.add_argument("--duration", type=int, default=60, help="seconds of load")
    parser.add_argument("--projects", type=int, default=200, help="projects beside the demo")
    parser.add_argument("--workers", type=int, default=3, help="gunicorn worker processes")
    parser.add_argument("--threads", type=int, default=2, help="threads per gunicorn worker")
    parser.add_argument("--integrations", type=int, default=4, help="integration accounts")
    parser.add_argument(
        "--no-demo", action="store_true", help="the bench projects only (a quicker build)"
    )
    parser.add_argument("--output", default=str(ROOT / "bench" / "results" / "load.json"))
    args = parser.parse_args()

    work = Path(tempfile.mkdtemp(prefix="pilotage-load."))
    try:
        sys.exit(run(args, work))
    finally:
        shutil.rmtree(work, ignore_errors=True)


def run(args, work: Path) -> int:
    """Build, serve, load, report; the exit status (1 when anything failed)."""
    password = secrets.token_urlsafe(24)
    env = production_environment(work, password)
    os.environ.update(env)
    create_database()
    print("building the data (demo and bench portfolio)...", flush=True)
    plan, data = build(args.projects, password, args.integrations, demo=not args.no_demo)
    plan_file = work / "plan.json"
    plan_file.write_text(json.dumps(plan))
    plan_file.chmod(0o600)

    port = free_port()
    server = None
    server_log = work / "gunicorn.log"
    csv_prefix = work / "locust"
    business_file = work / "business.json"
    try:
        with server_log.open("w") as log:
            # As the Dockerfile runs it, with threads beside the workers: two CPUs, and most of
            # a request's time spent waiting on PostgreSQL.
            server = subprocess.Popen(  # noqa: S603
                [
                    str(BIN / "gunicorn"),
                    "pmo.wsgi:application",
                    "--bind",
                    f"127.0.0.1:{port}",
                    "--workers",
                    str(args.workers),
                    "--threads",
                    str(args.threads),
                    "--worker-tmp-dir",
                    "/dev/shm",  # noqa: S108 (its heartbeat files, in memory as in the Dockerfile)
                    "--timeout",
                    "60",
                ],
                cwd=ROOT,
                env=env,
                stdout=log,
                stderr=subprocess.STDOUT,
            )
        try:
            wait_until_ready(port, server)
        except SystemExit:
            print(server_log.read_text()[-4000:])
            raise
        print(
            f"gunicorn on 127.0.0.1:{port} ({args.workers} workers x {args.threads} threads); "
            f"locust: {args.users} users for {args.duration} s",
            flush=True,
        )
        locust_env = {**env, "LOAD_PLAN": str(plan_file), "LOAD_BUSINESS": str(business_file)}
        # A deployed server is warm: each worker has imported its views and compiled its
        # templates. A short run first, its figures kept apart (its failures still count).
        warm_up = run_locust(port, locust_env, work / "warm-up", args.users, args.spawn_rate, 10)
        # Other work on the machine shares its CPUs: said in the report, before and after.
        load_before = os.getloadavg()[0]
        started = time.monotonic()
        run_locust(port, locust_env, csv_prefix, args.users, args.spawn_rate, args.duration)
        elapsed = time.monotonic() - started
    finally:
        stop(server)

    results = read_results(csv_prefix, float(args.duration))
    warm_up = read_results(warm_up, 10.0)
    warm_up_errors = warm_up["total"]["failures"] + len(warm_up["exceptions"])
    business = json.loads(business_file.read_text()) if business_file.exists() else {}
    errors = results["total"]["failures"] + sum(e["occurrences"] for e in results["exceptions"])
    # What gunicorn itself complains of: a traceback, a worker killed for its timeout...
    server_errors = [
        line
        for line in server_log.read_text().splitlines()
        if "Traceback" in line or "[CRITICAL]" in line or "[ERROR]" in line
    ]
    report = {
        "when": datetime.datetime.now(datetime.UTC).isoformat(timespec="seconds"),
        "settings": "pmo.settings.production",
        "server": f"gunicorn, {args.workers} workers x {args.threads} threads (gthread)",
        "database": "postgresql",
        "cache_and_broker": "redis",
        "users": args.users,
        "spawn_rate": args.spawn_rate,
        "duration_seconds": args.duration,
        "locust_seconds": round(elapsed, 1),
        **data,
        "python": platform.python_version(),
        "machine": {
            "cpus": os.cpu_count(),
            "load_average_before": round(load_before, 2),
            "load_average_after": round(os.getloadavg()[0], 2),
        },
        "errors": errors,
        "warm_up": {
            "seconds": 10,
            "requests": warm_up["total"]["requests"],
            "errors": warm_up_errors,
            "failures": warm_up["failures"],
        },
        "business_answers": sum(business.values()),
        "business_answers_by_kind": business,
        "server_errors": server_errors[:20],
        "total": results["total"],
        "kinds": results["kinds"],
        "failures": results["failures"],
        "exceptions": results["exceptions"],
    }
    output = Path(args.output)
    output.parent.mkdir(parents=True, exist_ok=True)
    output.write_text(json.dumps(report, indent=2) + "\n")
    print_table(report)
    if server_errors:
        print(server_log.read_text()[-4000:])
    print(f"written to {output}")
    if warm_up_errors:
        print(f"warm-up errors: {warm_up_errors} (see warm_up in the JSON)")
    return 1 if errors or warm_up_errors or server_errors else 0


if __name__ == "__main__":
    main()

"""The deployment files (Dockerfile, docker-compose.yml) against the project they run.

No Docker engine is needed: the files are read as data, every command they run is resolved
against the installed project, and the production settings and the web command are run here
the way the containers would run them.
"""

import http.client
import json
import os
import re
import secrets
import socket
import string
import subprocess
import sys
import time
import tomllib
from fnmatch import fnmatch
from pathlib import Path

import dj_database_url
import pytest
import yaml
from celery import Celery
from celery.app.utils import find_app
from celery.beat import Scheduler
from celery.bin.celery import celery as celery_cli
from celery.utils.imports import symbol_by_name
from django.conf import settings
from django.core.management import get_commands, load_command_class
from django.urls import resolve

import pmo.celery
from pmo.health import healthz

REPO_ROOT = Path(__file__).resolve().parents[2]
APP_SERVICES = ("migrate", "web", "worker", "beat")
SECRET_NAME = re.compile(r"SECRET|PASSWORD|TOKEN|_KEY$")
# Compose's interpolation: ${NAME}, ${NAME:-default}, ${NAME:?error}.
COMPOSE_VARIABLE = re.compile(r"\$\{(?P<name>\w+)(?:(?P<op>:[-?])(?P<arg>[^}]*))?\}")
# Both are required by the compose file; these stand in for the operator's values.
OPERATOR_SECRETS = {"SECRET_KEY": "operator-" + "k" * 55, "POSTGRES_PASSWORD": "operator-pw"}
SUBPROCESS_TIMEOUT = 180


# ------------------------------------------------------------------------------
# Reading the files
# ------------------------------------------------------------------------------
class ComposeRefuses(Exception):
    """Compose would stop here: a required variable is unset or empty."""


def interpolate(value, variables):
    """Substitute variables in every string of ``value`` the way ``docker compose`` does."""
    if isinstance(value, dict):
        return {key: interpolate(item, variables) for key, item in value.items()}
    if isinstance(value, list):
        return [interpolate(item, variables) for item in value]
    if not isinstance(value, str):
        return value

    def substitute(match):
        given = variables.get(match["name"], "")
        if given:
            return given
        if match["op"] == ":?":
            raise ComposeRefuses(match["arg"])
        return match["arg"] if match["op"] == ":-" else ""

    return COMPOSE_VARIABLE.sub(substitute, value)


def load_compose() -> dict:
    return yaml.safe_load((REPO_ROOT / "docker-compose.yml").read_text())


def compose_as_run(variables=None) -> dict:
    """The compose file as the engine sees it with the operator's secrets set."""
    return interpolate(load_compose(), OPERATOR_SECRETS if variables is None else variables)


def dockerfile_instructions() -> list[tuple[str, str]]:
    """(INSTRUCTION, arguments) per instruction, continuation lines joined, comments dropped."""
    instructions, pending = [], ""
    for line in (REPO_ROOT / "Dockerfile").read_text().splitlines():
        stripped = line.strip()
        if not stripped or stripped.startswith("#"):
            continue
        if stripped.endswith("\\"):
            pending += stripped[:-1] + " "
            continue
        keyword, _, arguments = (pending + stripped).partition(" ")
        instructions.append((keyword.upper(), " ".join(arguments.split())))
        pending = ""
    return instructions


def final_stage() -> list[tuple[str, str]]:
    instructions = dockerfile_instructions()
    last_from = max(i for i, (keyword, _) in enumerate(instructions) if keyword == "FROM")
    return instructions[last_from:]


def dockerfile_env(stage) -> dict[str, str]:
    pairs = (
        word.split("=", 1) for keyword, args in stage if keyword == "ENV" for word in args.split()
    )
    return dict(pairs)


def dockerfile_runs(stage=None) -> list[str]:
    return [args for keyword, args in (stage or dockerfile_instructions()) if keyword == "RUN"]


def makefile_uv_version() -> str:
    match = re.search(r"^UV_VERSION := (\S+)$", (REPO_ROOT / "Makefile").read_text(), re.M)
    assert match, "the Makefile no longer pins UV_VERSION"
    return match[1]


def option_value(command: list[str], option: str) -> str:
    return command[command.index(option) + 1]


def with_option(command: list[str], option: str, value: str) -> list[str]:
    index = command.index(option)
    return [*command[: index + 1], value, *command[index + 2 :]]


# ------------------------------------------------------------------------------
# Running the project as a container would
# ------------------------------------------------------------------------------
def random_secret_key(length=60) -> str:
    alphabet = string.ascii_letters + string.digits + "!@#%^&*(-_=+)"
    return "".join(secrets.choice(alphabet) for _ in range(length))


def production_env(tmp_path, **overrides) -> dict[str, str]:
    """This process's environment with production settings, a SQLite file and local folders."""
    env = dict(os.environ)
    # The production defaults are under test: an outside value must not hide them.
    for name in ("DJANGO_SETTINGS_MODULE", "DEBUG", "SECURE_SSL_REDIRECT", "SECURE_HSTS_SECONDS"):
        env.pop(name, None)
    env.update(
        DJANGO_SETTINGS_MODULE="pmo.settings.production",
        SECRET_KEY=random_secret_key(),
        ALLOWED_HOSTS="pilotage.example.com",
        DATABASE_URL=f"sqlite:///{tmp_path / 'pilotage.sqlite3'}",
        PILOTAGE_VAR_DIR=str(tmp_path / "var"),
        MEDIA_ROOT=str(tmp_path / "media"),
        STATIC_ROOT=str(tmp_path / "static"),
        XDG_RUNTIME_DIR=str(tmp_path),  # gunicorn's control socket goes here, not in $HOME
    )
    env.update(overrides)
    return {name: value for name, value in env.items() if value is not None}


def run_python(arguments: list[str], env: dict[str, str]) -> subprocess.CompletedProcess:
    return subprocess.run(  # noqa: S603 - our own interpreter with fixed arguments
        [sys.executable, *arguments],
        cwd=REPO_ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=SUBPROCESS_TIMEOUT,
        check=False,
    )


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


# ------------------------------------------------------------------------------
# docker-compose.yml: services, image, order, volumes
# ------------------------------------------------------------------------------
def test_compose_defines_the_backing_services_and_the_app_processes():
    services = load_compose()["services"]

    assert set(services) == {"postgres", "redis", "migrate", "web", "worker", "beat"}


def test_app_services_run_one_image_built_once_from_the_repository():
    services = load_compose()["services"]

    assert {services[name]["image"] for name in APP_SERVICES} == {"pilotage:latest"}
    assert [name for name, service in services.items() if "build" in service] == ["web"]
    assert services["web"]["build"] == "."
    assert (REPO_ROOT / "Dockerfile").is_file()


def test_backing_services_are_postgres_15_and_redis_7_with_health_checks():
    services = load_compose()["services"]

    assert services["postgres"]["image"] == "postgres:15"
    assert services["postgres"]["healthcheck"]["test"][:2] == ["CMD", "pg_isready"]
    assert services["redis"]["image"] == "redis:7"
    assert services["redis"]["healthcheck"]["test"] == ["CMD", "redis-cli", "ping"]


def test_migrations_run_once_postgres_is_healthy_and_before_every_app_process():
    services = load_compose()["services"]
    after_migrate = {
        "migrate": {"condition": "service_completed_successfully"},
        "redis": {"condition": "service_healthy"},
    }

    assert services["migrate"]["depends_on"] == {"postgres": {"condition": "service_healthy"}}
    assert services["migrate"]["restart"] == "no"
    for name in ("web", "worker", "beat"):
        assert services[name]["depends_on"] == after_migrate, name


def test_database_and_media_live_in_named_volumes_mounted_where_the_settings_look():
    compose = load_compose()
    media_root = compose["services"]["web"]["environment"]["MEDIA_ROOT"]

    assert set(compose["volumes"]) == {"postgres-data", "media"}
    assert compose["services"]["postgres"]["volumes"] == ["postgres-data:/var/lib/postgresql/data"]
    assert media_root == "/data/media"
    for name in APP_SERVICES:
        assert compose["services"][name]["environment"]["MEDIA_ROOT"] == media_root
        assert f"media:{media_root}" in compose["services"][name]["volumes"], name
    # The image creates that folder for its user, so a fresh volume is writable by the app.
    assert dockerfile_env(final_stage())["MEDIA_ROOT"] == media_root


def test_app_processes_reach_the_compose_postgres_and_redis():
    compose = compose_as_run()
    postgres = compose["services"]["postgres"]["environment"]
    environment = compose["services"]["web"]["environment"]
    database = dj_database_url.parse(environment["DATABASE_URL"])

    assert database["ENGINE"] == "django.db.backends.postgresql"
    assert (database["HOST"], database["PORT"]) == ("postgres", 5432)
    assert database["NAME"] == postgres["POSTGRES_DB"] == "pilotage"
    assert database["USER"] == postgres["POSTGRES_USER"] == "pilotage"
    assert database["PASSWORD"] == postgres["POSTGRES_PASSWORD"] == "operator-pw"
    assert environment["REDIS_URL"] == "redis://redis:6379/0"
    assert environment["ALLOWED_HOSTS"] == "localhost"
    assert environment["SECURE_SSL_REDIRECT"] == "true"
    assert environment["TIME_ZONE"] == "Europe/Paris"


# ------------------------------------------------------------------------------
# No secret committed
# ------------------------------------------------------------------------------
def test_compose_takes_every_secret_from_the_operator_environment():
    compose = load_compose()
    environments = {
        name: service.get("environment", {}) for name, service in compose["services"].items()
    }
    secret_values = {
        (service, key): value
        for service, environment in environments.items()
        for key, value in environment.items()
        if SECRET_NAME.search(key)
    }

    assert ("web", "SECRET_KEY") in secret_values
    assert ("postgres", "POSTGRES_PASSWORD") in secret_values
    for (service, key), value in secret_values.items():
        assert value == f"${{{key}:?set {key}}}", f"{service}.{key} is not a required reference"
    assert environments["web"]["DATABASE_URL"] == (
        "postgres://pilotage:${POSTGRES_PASSWORD:?set POSTGRES_PASSWORD}@postgres:5432/pilotage"
    )


@pytest.mark.parametrize("missing", ["SECRET_KEY", "POSTGRES_PASSWORD"])
def test_compose_refuses_to_start_without_each_secret(missing):
    variables = {name: value for name, value in OPERATOR_SECRETS.items() if name != missing}

    with pytest.raises(ComposeRefuses, match=f"^set {missing}$"):
        compose_as_run(variables)


def test_dockerfile_keeps_its_build_only_secret_key_out_of_env_and_arg():
    instructions = dockerfile_instructions()
    build_steps = [run for run in dockerfile_runs() if "collectstatic" in run]

    assert not [
        args for keyword, args in instructions if keyword in ("ENV", "ARG") and "SECRET" in args
    ]
    assert len(build_steps) == 1
    assert "SECRET_KEY=build-only-not-a-secret" in build_steps[0]


def test_dockerignore_keeps_secrets_and_local_state_out_but_the_lock_in():
    patterns = [
        line.strip()
        for line in (REPO_ROOT / ".dockerignore").read_text().splitlines()
        if line.strip() and not line.startswith("#")
    ]

    assert {".env", ".git", ".venv", "var", "**/__pycache__", ".pytest_cache"} <= set(patterns)
    for needed in ("pyproject.toml", "uv.lock", "manage.py", "pmo/wsgi.py", "locale/fr"):
        assert not [pattern for pattern in patterns if fnmatch(needed, pattern)], needed


# ------------------------------------------------------------------------------
# Every command names something that exists
# ------------------------------------------------------------------------------
def test_migrate_service_runs_djangos_migrate_through_manage_py():
    command = load_compose()["services"]["migrate"]["command"]
    parser = load_command_class("django.core", "migrate").create_parser("manage.py", "migrate")

    assert command == ["python", "manage.py", "migrate", "--noinput"]
    assert (REPO_ROOT / "manage.py").is_file()
    assert get_commands()["migrate"] == "django.core"
    assert parser.parse_args(command[3:]).interactive is False


@pytest.mark.parametrize("service", ["worker", "beat"])
def test_celery_services_load_the_projects_celery_app(service):
    command = load_compose()["services"][service]["command"]

    assert command[:3] == ["celery", "-A", "pmo"]
    app = find_app(command[2])
    assert app is pmo.celery.app
    assert isinstance(app, Celery)
    assert app.main == "pilotage"


@pytest.mark.parametrize("service", ["worker", "beat"])
def test_celery_services_run_a_celery_subcommand_with_options_it_knows(service):
    command = load_compose()["services"][service]["command"]
    subcommand = celery_cli.commands[command[3]]
    known = {flag for parameter in subcommand.params for flag in parameter.opts}
    given = {argument.split("=")[0] for argument in command[4:] if argument.startswith("-")}

    assert command[3] == service
    assert "--loglevel" in given
    assert given <= known


def test_beat_schedules_from_the_database_with_django_celery_beat():
    command = load_compose()["services"]["beat"]["command"]
    scheduler_path = option_value(command, "--scheduler")
    scheduler = symbol_by_name(scheduler_path)

    assert scheduler_path == "django_celery_beat.schedulers:DatabaseScheduler"
    assert scheduler_path == settings.CELERY_BEAT_SCHEDULER
    assert scheduler.__module__ == "django_celery_beat.schedulers"
    assert issubclass(scheduler, Scheduler)


def test_runtime_tools_are_installed_here_and_in_the_image_without_the_dev_group():
    pyproject = tomllib.loads((REPO_ROOT / "pyproject.toml").read_text())
    runtime = {re.split(r"[\[<>=~! ]", spec)[0] for spec in pyproject["project"]["dependencies"]}
    venv_bin = Path(sys.executable).parent

    # The image runs `uv sync --no-dev`: everything a container runs must be a runtime dependency.
    assert {"gunicorn", "celery", "django-celery-beat", "psycopg2-binary", "redis"} <= runtime
    for script in ("gunicorn", "celery"):
        assert os.access(venv_bin / script, os.X_OK), f"{script} is not installed in the venv"


def test_web_command_names_the_projects_wsgi_application(tmp_path):
    command = compose_as_run()["services"]["web"]["command"]
    loader = (
        "import sys; from gunicorn.util import import_app; app = import_app(sys.argv[1]); "
        "print(type(app).__module__, type(app).__name__)"
    )

    result = run_python(["-c", loader, command[1]], production_env(tmp_path))

    assert command[:2] == ["gunicorn", "pmo.wsgi:application"]
    assert settings.WSGI_APPLICATION == "pmo.wsgi.application"
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["django.core.handlers.wsgi", "WSGIHandler"]


def test_web_command_serves_healthz_to_the_compose_healthcheck(tmp_path):
    """The web service's command and environment, started here, pass its own healthcheck."""
    web = compose_as_run()["services"]["web"]
    port = free_port()
    command = with_option(web["command"], "--bind", f"127.0.0.1:{port}")
    command = with_option(command, "--workers", "1")
    healthcheck = web["healthcheck"]["test"]
    assert healthcheck[:3] == ["CMD", "python", "-c"]
    assert "http://127.0.0.1:8000/healthz" in healthcheck[3]
    probe = healthcheck[3].replace("127.0.0.1:8000", f"127.0.0.1:{port}")
    # The compose environment, but this machine's Redis (when the test services run) and files.
    overrides = {
        key: value
        for key, value in web["environment"].items()
        if key not in ("DATABASE_URL", "REDIS_URL", "MEDIA_ROOT")
    }
    env = production_env(tmp_path, **overrides)
    log = (tmp_path / "gunicorn.log").open("w")

    server = subprocess.Popen(  # noqa: S603 - our own interpreter with the compose arguments
        [sys.executable, "-m", *command],
        cwd=REPO_ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    try:
        deadline = time.monotonic() + 60
        while True:
            probed = run_python(["-c", probe], env)
            if probed.returncode == 0 or time.monotonic() > deadline or server.poll() is not None:
                break
            time.sleep(0.5)
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
        connection.request("GET", "/", headers={"Host": "localhost"})
        response = connection.getresponse()
    finally:
        server.terminate()
        server.wait(timeout=30)
        log.close()

    gunicorn_log = (tmp_path / "gunicorn.log").read_text()
    assert probed.returncode == 0, probed.stderr + gunicorn_log
    # Everything else is redirected to HTTPS; /healthz is exempt so that the probe can pass.
    assert response.status == 301
    assert response.getheader("Location") == "https://localhost/"
    assert resolve("/healthz").func is healthz


# ------------------------------------------------------------------------------
# Dockerfile
# ------------------------------------------------------------------------------
def test_dockerfile_builds_every_stage_from_python_311_slim_bookworm():
    bases = [args.split()[0] for keyword, args in dockerfile_instructions() if keyword == "FROM"]

    assert bases
    assert set(bases) == {"python:3.11-slim-bookworm"}


def test_dockerfile_default_command_is_the_compose_web_command():
    cmd = [args for keyword, args in final_stage() if keyword == "CMD"]
    web = compose_as_run()["services"]["web"]

    assert len(cmd) == 1
    assert json.loads(cmd[0]) == web["command"]
    assert json.loads(cmd[0])[1] == "pmo.wsgi:application"
    assert option_value(web["command"], "--bind") == "0.0.0.0:8000"
    assert ("EXPOSE", "8000") in final_stage()
    assert web["ports"] == ["8000:8000"]


def test_dockerfile_installs_the_locked_dependencies_with_the_makefiles_uv():
    instructions = dockerfile_instructions()
    runs = dockerfile_runs()
    lock_copy = instructions.index(("COPY", "pyproject.toml uv.lock ./"))
    sync = next(i for i, (_, args) in enumerate(instructions) if "uv sync" in args)
    code_copy = instructions.index(("COPY", ". ."))

    assert [run for run in runs if f"uv=={makefile_uv_version()}" in run]
    assert "uv sync --frozen --no-dev --no-install-project" in instructions[sync][1]
    assert dockerfile_env(instructions[:sync])["UV_PROJECT_ENVIRONMENT"] == "/opt/venv"
    # The dependency layer comes before the code, so editing code does not reinstall.
    assert lock_copy < sync < code_copy
    assert ("COPY", "--from=dependencies /opt/venv /opt/venv") in final_stage()
    assert dockerfile_env(final_stage())["PATH"].startswith("/opt/venv/bin:")


def test_dockerfile_installs_weasyprint_libraries_and_gettext_lean():
    (install,) = [run for run in dockerfile_runs(final_stage()) if "apt-get install" in run]
    packages = set(install.split())

    assert {
        "libpango-1.0-0",
        "libpangoft2-1.0-0",
        "libharfbuzz0b",
        "libharfbuzz-subset0",
        "fonts-dejavu-core",
        "gettext",
    } <= packages
    assert "--no-install-recommends" in packages
    assert install.endswith("rm -rf /var/lib/apt/lists/*")


def test_dockerfile_builds_messages_and_static_files_with_production_settings():
    (build,) = [run for run in dockerfile_runs(final_stage()) if "collectstatic" in run]
    env = dockerfile_env(final_stage())

    assert "python manage.py compilemessages" in build
    assert "python manage.py collectstatic --noinput" in build
    assert env["DJANGO_SETTINGS_MODULE"] == "pmo.settings.production"
    assert env["PYTHONUNBUFFERED"] == "1"


def test_dockerfile_runs_every_process_as_an_unprivileged_user():
    stage = final_stage()
    users = [(i, args) for i, (keyword, args) in enumerate(stage) if keyword == "USER"]
    last_run = max(i for i, (keyword, _) in enumerate(stage) if keyword == "RUN")

    assert users, "the image runs as root"
    position, user = users[-1]
    assert user == "pilotage"
    assert position > last_run
    assert "useradd --uid 1000 --gid pilotage" in " ".join(dockerfile_runs(stage))


# ------------------------------------------------------------------------------
# Production settings
# ------------------------------------------------------------------------------
def test_production_settings_pass_the_deployment_checks_without_a_warning(tmp_path):
    result = run_python(
        ["manage.py", "check", "--deploy", "--fail-level", "WARNING"], production_env(tmp_path)
    )

    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout.strip() == "System check identified no issues (0 silenced)."
    assert "WARNING" not in result.stderr


def test_compose_environment_passes_the_deployment_checks(tmp_path):
    environment = compose_as_run()["services"]["web"]["environment"]
    env = production_env(tmp_path, **environment)
    # As in the container: no broker other than the compose Redis.
    env.pop("CELERY_BROKER_URL", None)

    result = run_python(["manage.py", "check", "--deploy", "--fail-level", "WARNING"], env)

    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout.strip() == "System check identified no issues (0 silenced)."


def test_production_settings_refuse_to_load_without_a_secret_key(tmp_path):
    result = run_python(
        ["manage.py", "check", "--deploy"], production_env(tmp_path, SECRET_KEY=None)
    )

    assert result.returncode != 0
    assert (
        "django.core.exceptions.ImproperlyConfigured: "
        "SECRET_KEY must be set in the environment for production."
    ) in result.stderr


def test_collectstatic_as_in_the_image_writes_the_manifest_whitenoise_serves(tmp_path):
    # The image's step with one difference: the brotli/gzip copies are not made, which takes
    # a minute and cannot fail where the manifest step (every url() resolved) passes.
    collectstatic = (
        "import django; django.setup(); "
        "from whitenoise.compress import Compressor; "
        "Compressor.should_compress = lambda self, filename: False; "
        "from django.core.management import call_command; "
        "call_command('collectstatic', '--noinput', verbosity=0)"
    )

    result = run_python(["-c", collectstatic], production_env(tmp_path))

    assert result.returncode == 0, result.stderr
    manifest = json.loads((tmp_path / "static" / "staticfiles.json").read_text())
    assert manifest["paths"]["admin/css/base.css"].startswith("admin/css/base.")
    assert (tmp_path / "static" / manifest["paths"]["admin/css/base.css"]).is_file()

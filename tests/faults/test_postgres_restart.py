"""PostgreSQL restarted under a running site: every open connection is cut; the next
requests, on the same app process, answer as before.

The site keeps its database connection between requests (DATABASE_CONN_MAX_AGE, 60 s in
production): at the start of each request Django checks that the kept connection still
answers (conn_health_checks) and opens a new one when it does not.
"""

from django.urls import reverse

from tests.faults.services import WebServer, app_environment, sign_in

DEMO_PASSWORD = "pilotage-demo"


def test_after_postgresql_restarts_the_running_site_answers_without_being_restarted(
    demo_site, own_postgres, redis_server, processes, tmp_path
):
    # Given the site on the demo data, holding its connection between requests.
    web = WebServer(
        app_environment(
            database_url=demo_site.url,
            redis_url=redis_server.url,
            media=demo_site.media,
            DATABASE_CONN_MAX_AGE=60,
        ),
        tmp_path,
    ).start()
    processes.append(web)
    session = sign_in(web, "pmo", DEMO_PASSWORD)
    project = own_postgres.sql("demo", "SELECT min(id) FROM projects_project")
    paths = [
        reverse("reporting:dashboard"),
        reverse("projects:project_detail", args=[project]),
        "/api/v1/projects/",
        "/healthz",
    ]
    for path in paths:
        assert session.get(web.base + path, timeout=30).status_code == 200, path
    booted = web.output().count("Booting worker")

    # When PostgreSQL restarts (fast mode: the site's connection is cut).
    own_postgres.restart()

    # Then every request answers, the first one included, from the same process.
    answers = [
        (path, session.get(web.base + path, timeout=30).status_code)
        for _ in range(3)
        for path in paths
    ]
    assert answers == [(path, 200) for _ in range(3) for path in paths], web.output()
    assert web.running()
    assert web.output().count("Booting worker") == booted == 1

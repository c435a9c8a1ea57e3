"""Backup and restore on the demo data: scripts/backup.sh, then scripts/restore.sh into an
empty database and an empty folder, give the same rows, the same files and a site that
serves the Copil packs' PDFs."""

import hashlib
import json
import os
import subprocess
import time
from pathlib import Path

from django.apps import apps
from django.urls import reverse

from tests.faults.services import (
    PG_BIN,
    ROOT,
    WebServer,
    app_environment,
    sign_in,
)

DEMO_PASSWORD = "pilotage-demo"


def _script(name: str, *args: str, database_url: str, media: Path) -> tuple[str, float]:
    environment = {**os.environ, "DATABASE_URL": database_url, "MEDIA_ROOT": str(media)}
    if PG_BIN.is_dir():
        environment["PG_BIN"] = str(PG_BIN)
    started = time.monotonic()
    result = subprocess.run(  # noqa: S603 (the project's own script)
        [str(ROOT / "scripts" / name), *args],
        env=environment,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stderr
    return result.stdout.strip(), time.monotonic() - started


def _tables(postgres, database: str) -> dict[str, str]:
    """Each table of the database: its row count and a digest of all its rows."""
    names = postgres.sql(
        database,
        "SELECT table_name FROM information_schema.tables "
        "WHERE table_schema = 'public' AND table_type = 'BASE TABLE' ORDER BY table_name",
    ).split()
    return {
        name: postgres.sql(
            database,
            f"SELECT count(*) || ' ' || md5(coalesce(string_agg(t::text, '|' "  # noqa: S608
            f"ORDER BY t::text), '')) FROM \"{name}\" t",
        )
        for name in names
    }


def _sequences(postgres, database: str) -> dict[str, str]:
    names = postgres.sql(
        database,
        "SELECT sequence_name FROM information_schema.sequences "
        "WHERE sequence_schema = 'public' ORDER BY sequence_name",
    ).split()
    return {
        name: postgres.sql(database, f'SELECT last_value FROM "{name}"')  # noqa: S608
        for name in names
    }


def _rows(postgres, database: str, table: str, count: int = 3) -> list[dict]:
    text = postgres.sql(
        database,
        f'SELECT row_to_json(t) FROM "{table}" t ORDER BY t::text LIMIT {count}',  # noqa: S608
    )
    return [json.loads(line) for line in text.splitlines()]


def _files(folder: Path) -> dict[str, str]:
    return {
        str(path.relative_to(folder)): hashlib.sha256(path.read_bytes()).hexdigest()
        for path in sorted(folder.rglob("*"))
        if path.is_file()
    }


def test_a_backup_of_the_demo_restores_into_an_empty_site_with_the_same_data_and_files(
    demo_site, own_postgres, processes, tmp_path
):
    # Given the demo site, backed up.
    output, backup_seconds = _script(
        "backup.sh", str(tmp_path / "backups"), database_url=demo_site.url, media=demo_site.media
    )
    backup = Path(output.splitlines()[-1])
    manifest = (backup / "MANIFEST").read_text()
    assert "[migrations]" in manifest
    assert "\nprojects " in manifest

    # When it is restored into an empty database and an empty folder.
    own_postgres.sql("postgres", "CREATE DATABASE restored")
    media = tmp_path / "restored-media"
    _output, restore_seconds = _script(
        "restore.sh", str(backup), database_url=own_postgres.url("restored"), media=media
    )

    # Then every table holds the same rows (every model's among them), the sequences go on
    # from the same values, and a few records read the same field by field.
    original = _tables(own_postgres, "demo")
    assert _tables(own_postgres, "restored") == original
    models = {model._meta.db_table for model in apps.get_models(include_auto_created=True)}
    assert models <= set(original)
    for table in ("projects_project", "projects_statusreport", "reporting_reportrun"):
        assert int(original[table].split()[0]) > 0, table
    assert _sequences(own_postgres, "restored") == _sequences(own_postgres, "demo")
    for table in (
        "projects_project",
        "projects_historicalstatusreport",
        "risks_risk",
        "reporting_reportrun",
    ):
        assert _rows(own_postgres, "restored", table) == _rows(own_postgres, "demo", table)
    # Every media file, byte for byte.
    files = _files(demo_site.media)
    assert any(name.endswith(".pdf") for name in files)
    assert any(name.startswith("report-logos/") for name in files)
    assert _files(media) == files

    # And the restored site serves a Copil pack's PDF, the one that was backed up.
    pack_id, digest = own_postgres.sql(
        "restored",
        "SELECT id || ' ' || sha256 FROM reporting_reportrun "
        "WHERE state = 'succeeded' AND kind = 'portfolio_pack' ORDER BY id LIMIT 1",
    ).split()
    web = WebServer(
        app_environment(database_url=own_postgres.url("restored"), redis_url=None, media=media),
        tmp_path,
    ).start()
    processes.append(web)
    session = sign_in(web, "pmo", DEMO_PASSWORD)
    response = session.get(web.base + reverse("reporting:pack_pdf", args=[pack_id]), timeout=30)
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "application/pdf"
    assert hashlib.sha256(response.content).hexdigest() == digest
    print(
        f"\nDemo: {len(original)} tables, {len(files)} media files; seeded in "
        f"{demo_site.seconds:.1f} s, backed up in {backup_seconds:.1f} s "
        f"({sum(p.stat().st_size for p in backup.iterdir()) / 1e6:.1f} MB), "
        f"restored in {restore_seconds:.1f} s"
    )

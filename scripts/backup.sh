#!/usr/bin/env bash
# Back up Pilotage: the PostgreSQL database and the media folder, with a manifest.
#
#   DATABASE_URL=postgres://... MEDIA_ROOT=/srv/pilotage/media scripts/backup.sh [DEST]
#
# Writes DEST/pilotage-YYYYMMDD-HHMMSS/ (DEST defaults to ./backups):
#   database.dump       pg_dump custom format (-Fc) of DATABASE_URL: every table, history
#                       and Copil pack records included
#   media.tar.gz        the whole MEDIA_ROOT (Copil pack PDFs, portfolio logos)
#   media.sha256        the SHA-256 of every media file, to check a restore against
#   MANIFEST            when, from which database, with which tools, the last migration of
#                       each app, row and file counts, and the SHA-256 of the two archives
# Redis is not backed up: it holds the cache and the task queue only (see README).
# PG_BIN picks the client tools (default: the ones on the PATH).
set -euo pipefail

log() { printf '[backup] %s\n' "$*" >&2; }
die() { log "$*"; exit 1; }

: "${DATABASE_URL:?DATABASE_URL must name the PostgreSQL database to back up}"
case "$DATABASE_URL" in
  postgres://*|postgresql://*) ;;
  *) die "DATABASE_URL is not a PostgreSQL URL: only PostgreSQL is backed up by this script." ;;
esac
MEDIA_ROOT=${MEDIA_ROOT:-var/media}
PG_DUMP=${PG_BIN:+$PG_BIN/}pg_dump
PSQL=${PG_BIN:+$PG_BIN/}psql
command -v "$PG_DUMP" >/dev/null || die "pg_dump not found (Debian: apt-get install postgresql-client)."
[ -d "$MEDIA_ROOT" ] || die "MEDIA_ROOT $MEDIA_ROOT is not a folder."

dest_root=${1:-backups}
stamp=$(date -u +%Y%m%d-%H%M%S)
dest="$dest_root/pilotage-$stamp"
[ -e "$dest" ] && die "$dest exists already."
mkdir -p "$dest"
# The backup holds everything: readable by its owner only.
chmod 700 "$dest"

started=$(date +%s)
log "Database -> $dest/database.dump"
"$PG_DUMP" --format=custom --no-owner --no-privileges --file="$dest/database.dump" \
  --dbname="$DATABASE_URL"

log "Media ($MEDIA_ROOT) -> $dest/media.tar.gz"
tar -C "$MEDIA_ROOT" -czf "$dest/media.tar.gz" .
(cd "$MEDIA_ROOT" && find . -type f -print0 | sort -z | xargs -0 -r sha256sum) >"$dest/media.sha256"

# What the manifest says about the data, read from the database itself.
query() { "$PSQL" -X -A -t -v ON_ERROR_STOP=1 --dbname="$DATABASE_URL" -c "$1"; }
migrations=$(query "SELECT app || ' ' || max(name) FROM django_migrations GROUP BY app ORDER BY app")
projects=$(query "SELECT count(*) FROM projects_project")
packs=$(query "SELECT count(*) FROM reporting_reportrun")
safe_url=$(printf '%s' "$DATABASE_URL" | sed -E 's#(://[^:/@]+):[^@]*@#\1:***@#')

{
  echo "pilotage-backup 1"
  echo "created_at $(date -u +%Y-%m-%dT%H:%M:%SZ)"
  echo "database $safe_url"
  echo "pg_dump $("$PG_DUMP" --version)"
  echo "server $(query 'SHOW server_version')"
  echo "projects $projects"
  echo "copil_packs $packs"
  echo "media_files $(wc -l <"$dest/media.sha256")"
  echo "duration_seconds $(( $(date +%s) - started ))"
  echo "[migrations]"
  echo "$migrations"
  echo "[archives]"
  (cd "$dest" && sha256sum database.dump media.tar.gz media.sha256)
} >"$dest/MANIFEST"

log "Done: $dest ($(du -sh "$dest" | cut -f1))"
echo "$dest"

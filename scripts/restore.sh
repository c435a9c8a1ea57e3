#!/usr/bin/env bash
# Restore a Pilotage backup made by scripts/backup.sh into an EMPTY database and an EMPTY
# (or missing) media folder.
#
#   DATABASE_URL=postgres://.../pilotage_new MEDIA_ROOT=/srv/pilotage/media \
#       scripts/restore.sh backups/pilotage-YYYYMMDD-HHMMSS
#
# Create the database first (createdb pilotage_new). The archives are checked against the
# manifest before anything is written; the media files against their SHA-256 after. The
# database is restored in one transaction: it ends complete or untouched.
# Then: `manage.py migrate` (nothing to apply for a backup of the same version) and start
# the app; queued Copil packs are in the database and the reaper enqueues them again.
set -euo pipefail

log() { printf '[restore] %s\n' "$*" >&2; }
die() { log "$*"; exit 1; }

backup=${1:?usage: scripts/restore.sh BACKUP_FOLDER}
: "${DATABASE_URL:?DATABASE_URL must name the empty PostgreSQL database to restore into}"
: "${MEDIA_ROOT:?MEDIA_ROOT must name the empty media folder to restore into}"
PG_RESTORE=${PG_BIN:+$PG_BIN/}pg_restore
PSQL=${PG_BIN:+$PG_BIN/}psql
command -v "$PG_RESTORE" >/dev/null || die "pg_restore not found (Debian: apt-get install postgresql-client)."

for file in MANIFEST database.dump media.tar.gz media.sha256; do
  [ -f "$backup/$file" ] || die "$backup/$file is missing: not a complete backup."
done
log "Checking the archives against the manifest"
(cd "$backup" && sed -n '/^\[archives\]$/,$p' MANIFEST | tail -n +2 | sha256sum --check --quiet) \
  || die "An archive does not match its SHA-256 in the manifest: the backup is damaged."

tables=$("$PSQL" -X -A -t -v ON_ERROR_STOP=1 --dbname="$DATABASE_URL" \
  -c "SELECT count(*) FROM information_schema.tables WHERE table_schema = 'public'")
[ "$tables" = "0" ] || die "The database has $tables tables already: restore into an empty one."
if [ -d "$MEDIA_ROOT" ] && [ -n "$(ls -A "$MEDIA_ROOT")" ]; then
  die "MEDIA_ROOT $MEDIA_ROOT is not empty: restore into an empty folder."
fi

started=$(date +%s)
log "Database <- $backup/database.dump"
"$PG_RESTORE" --no-owner --no-privileges --single-transaction --exit-on-error \
  --dbname="$DATABASE_URL" "$backup/database.dump"

log "Media <- $backup/media.tar.gz"
mkdir -p "$MEDIA_ROOT"
tar -C "$MEDIA_ROOT" -xzf "$backup/media.tar.gz"
sums=$(realpath "$backup/media.sha256")
(cd "$MEDIA_ROOT" && sha256sum --check --quiet "$sums") \
  || die "A media file does not match its SHA-256 after the restore."

log "Done in $(( $(date +%s) - started )) s: $(grep -E '^(projects|copil_packs|media_files) ' "$backup/MANIFEST" | tr '\n' ' ')"

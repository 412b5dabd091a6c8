/**
 * The backup script every DatabaseBackup CronJob runs. It is rendered into a ConfigMap, and
 * the tests run the exact text taken from the synthesized manifest against real SQLite and
 * PostgreSQL servers. POSIX sh only: it runs under busybox (alpine images) and dash.
 *
 * Environment it reads (names in {@link BACKUP_ENV}):
 * - BACKUP_SOURCE: `sqlite` (online backup API through `sqlite3 .backup`, then
 *   `PRAGMA integrity_check`) or `postgres` (`pg_dump --format=custom`, then
 *   `pg_restore --list` to prove the archive reads back).
 * - SQLITE_DATABASE: path of the live database file (sqlite).
 * - DATABASE_URL: libpq URI (postgres); when empty, libpq reads PGHOST, PGPORT, PGUSER,
 *   PGPASSWORD and PGDATABASE.
 * - BACKUP_DIR, BACKUP_PREFIX: where and under which name (`<prefix>-<UTC stamp>.<db|dump>`).
 * - BACKUP_KEEP_LAST: keep the N newest backups (0 disables the count rule).
 * - BACKUP_MAX_AGE_DAYS: delete backups older than D days (0 disables the age rule).
 *
 * A backup is written to a hidden `.partial` file and renamed only once verified, so an
 * interrupted run never leaves a file that retention would count as a good backup.
 */
export const BACKUP_SCRIPT = `#!/bin/sh
set -eu
umask 027
: "\${BACKUP_SOURCE:?}" "\${BACKUP_DIR:?}" "\${BACKUP_PREFIX:?}"
keep_last="\${BACKUP_KEEP_LAST:-0}"
max_age_days="\${BACKUP_MAX_AGE_DAYS:-0}"
case "$BACKUP_SOURCE" in
  sqlite) ext=db ;;
  postgres) ext=dump ;;
  *) echo "backup: unknown BACKUP_SOURCE '$BACKUP_SOURCE' (sqlite or postgres)" >&2; exit 2 ;;
esac

stamp=$(date -u +%Y%m%dT%H%M%SZ)
name="$BACKUP_PREFIX-$stamp.$ext"
final="$BACKUP_DIR/$name"
partial="$BACKUP_DIR/.$name.partial"
[ -e "$final" ] && { echo "backup: $final already exists" >&2; exit 1; }
trap 'rm -f "$partial"' EXIT

if [ "$BACKUP_SOURCE" = sqlite ]; then
  : "\${SQLITE_DATABASE:?}"
  sqlite3 "$SQLITE_DATABASE" ".timeout 30000" ".backup '$partial'"
  check=$(sqlite3 "$partial" "PRAGMA integrity_check;")
  [ "$check" = ok ] || { echo "backup: integrity check failed: $check" >&2; exit 1; }
else
  if [ -n "\${DATABASE_URL:-}" ]; then
    pg_dump --format=custom --no-owner --no-privileges --file="$partial" --dbname="$DATABASE_URL"
  else
    pg_dump --format=custom --no-owner --no-privileges --file="$partial"
  fi
  pg_restore --list "$partial" >/dev/null
fi

mv "$partial" "$final"
(cd "$BACKUP_DIR" && sha256sum "$name" > "$name.sha256")
echo "backup: wrote $final ($(wc -c < "$final") bytes)"

# Retention: backups sort by their UTC stamp, newest first.
pattern="^$BACKUP_PREFIX-[0-9]{8}T[0-9]{6}Z\\\\.$ext\\$"
n=0
for f in $(ls -1 "$BACKUP_DIR" | grep -E "$pattern" | sort -r); do
  n=$((n + 1))
  [ "$f" = "$name" ] && continue
  expired=""
  if [ "$keep_last" -gt 0 ] && [ "$n" -gt "$keep_last" ]; then expired="beyond the $keep_last newest"; fi
  if [ -z "$expired" ] && [ "$max_age_days" -gt 0 ] && [ -n "$(find "$BACKUP_DIR/$f" -mtime +$((max_age_days - 1)))" ]; then
    expired="older than $max_age_days days"
  fi
  if [ -n "$expired" ]; then
    rm -f "$BACKUP_DIR/$f" "$BACKUP_DIR/$f.sha256"
    echo "backup: removed $f ($expired)"
  fi
done
`;

/** Names of the env vars {@link BACKUP_SCRIPT} reads. */
export const BACKUP_ENV = {
  source: 'BACKUP_SOURCE',
  sqliteDatabase: 'SQLITE_DATABASE',
  dir: 'BACKUP_DIR',
  prefix: 'BACKUP_PREFIX',
  keepLast: 'BACKUP_KEEP_LAST',
  maxAgeDays: 'BACKUP_MAX_AGE_DAYS',
} as const;

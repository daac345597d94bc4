#!/usr/bin/env bash
# Restore a backup made by backup.sh into an EMPTY database (and an empty media folder).
#
#   DATABASE_URL=postgres://…/sammachip DJANGO_MEDIA_ROOT=/srv/sammachip/media \
#   SAMMACHIP_FIELD_KEYS=… SAMMACHIP_HASH_KEY=… deploy/restore.sh /var/backups/sammachip/<stamp>
#
# Create the database first, in UTF-8 (Thai search needs it), e.g.
#   createdb --template=template0 --encoding=UTF8 --lc-collate=C.UTF-8 --lc-ctype=C.UTF-8 \
#            --owner=sammachip sammachip
# The checksums are verified first; the keys must be the ones the backup was made with (their
# fingerprint is compared; set RESTORE_IGNORE_KEYS=1 to restore anyway, e.g. to read
# everything but the citizen IDs). The dump is restored in one transaction: all or nothing.
set -euo pipefail

source_dir=${1:?usage: restore.sh BACKUP_FOLDER}
: "${DATABASE_URL:?DATABASE_URL must be set}"
MEDIA_ROOT=${DJANGO_MEDIA_ROOT:-$(cd "$(dirname "$0")/.." && pwd)/media}

(cd "$source_dir" && sha256sum --check --quiet SHA256SUMS)

expected=$(sed -n 's/^key_fingerprint=//p' "$source_dir/MANIFEST")
if [ -n "${SAMMACHIP_FIELD_KEYS:-}" ] && [ -n "${SAMMACHIP_HASH_KEY:-}" ]; then
  given=$(printf '%s|%s' "$SAMMACHIP_FIELD_KEYS" "$SAMMACHIP_HASH_KEY" | sha256sum | cut -c1-16)
else
  given=unknown
fi
if [ "$expected" != "unknown" ] && [ "$given" != "$expected" ] && [ -z "${RESTORE_IGNORE_KEYS:-}" ]; then
  echo "restore.sh: SAMMACHIP_FIELD_KEYS/SAMMACHIP_HASH_KEY are not the keys of this backup" \
       "(fingerprint $given, backup needs $expected): citizen IDs would be unreadable." >&2
  exit 2
fi

encoding=$(psql --dbname="$DATABASE_URL" --tuples-only --no-align --command \
  "SELECT pg_encoding_to_char(encoding) FROM pg_database WHERE datname = current_database()")
if [ "$encoding" != "UTF8" ]; then
  echo "restore.sh: the database is in $encoding; create it in UTF8 (see above)." >&2
  exit 3
fi

tables=$(psql --dbname="$DATABASE_URL" --tuples-only --no-align --command \
  "SELECT count(*) FROM pg_tables WHERE schemaname = 'public'")
if [ "$tables" != "0" ]; then
  echo "restore.sh: the database is not empty ($tables tables); restore into a new database." >&2
  exit 3
fi

pg_restore --no-owner --no-privileges --exit-on-error --single-transaction \
  --dbname="$DATABASE_URL" "$source_dir/db.dump"

if [ -f "$source_dir/media.tar.gz" ]; then
  mkdir -p "$MEDIA_ROOT"
  tar --extract --gzip --file="$source_dir/media.tar.gz" --directory="$MEDIA_ROOT"
fi
echo "restored $(basename "$source_dir")"

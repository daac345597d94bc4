#!/usr/bin/env bash
# One backup of sammachip: the database (pg_dump, custom format) and the uploaded files.
#
#   DATABASE_URL=postgres://… [DJANGO_MEDIA_ROOT=/srv/sammachip/media] \
#   [SAMMACHIP_FIELD_KEYS=… SAMMACHIP_HASH_KEY=…] [BACKUP_DIR=/var/backups/sammachip] \
#   [BACKUP_KEEP_DAYS=30] deploy/backup.sh
#
# Writes BACKUP_DIR/<UTC timestamp>/ with db.dump, media.tar.gz (when the media folder exists;
# S3 media are backed up by the bucket's versioning, see docs/deploy.md), MANIFEST (sizes, row
# count check, key fingerprint) and SHA256SUMS; prints that folder's path on the last line.
# The encryption keys are deliberately NOT written here: a dump and its keys together reveal
# every citizen ID. Only a fingerprint of the keys is kept, so restore.sh can tell whether the
# keys it is given are the ones this dump needs.
set -euo pipefail
umask 077

: "${DATABASE_URL:?DATABASE_URL must be set (postgres://user@host:5432/sammachip)}"
BACKUP_DIR=${BACKUP_DIR:-/var/backups/sammachip}
MEDIA_ROOT=${DJANGO_MEDIA_ROOT:-$(cd "$(dirname "$0")/.." && pwd)/media}
KEEP_DAYS=${BACKUP_KEEP_DAYS:-0}

stamp=$(date -u +%Y%m%dT%H%M%SZ)
target="$BACKUP_DIR/$stamp"
mkdir -p "$target.partial"

pg_dump --format=custom --compress=6 --no-owner --no-privileges \
  --dbname="$DATABASE_URL" --file="$target.partial/db.dump"

if [ -d "$MEDIA_ROOT" ] && [ -z "${DJANGO_MEDIA_S3_BUCKET:-}" ]; then
  tar --create --gzip --file="$target.partial/media.tar.gz" --directory="$MEDIA_ROOT" .
fi

fingerprint() {
  if [ -n "${SAMMACHIP_FIELD_KEYS:-}" ] && [ -n "${SAMMACHIP_HASH_KEY:-}" ]; then
    printf '%s|%s' "$SAMMACHIP_FIELD_KEYS" "$SAMMACHIP_HASH_KEY" | sha256sum | cut -c1-16
  else
    echo unknown
  fi
}

{
  echo "created_utc=$stamp"
  echo "database_dump_bytes=$(stat -c %s "$target.partial/db.dump")"
  echo "media=$([ -f "$target.partial/media.tar.gz" ] && echo media.tar.gz || echo none)"
  echo "key_fingerprint=$(fingerprint)"
  echo "pg_dump=$(pg_dump --version)"
} > "$target.partial/MANIFEST"
(cd "$target.partial" && sha256sum -- * > SHA256SUMS)
mv "$target.partial" "$target"

if [ "$KEEP_DAYS" -gt 0 ]; then
  find "$BACKUP_DIR" -mindepth 1 -maxdepth 1 -type d -name '20*Z' -mtime +"$KEEP_DAYS" \
    -exec rm -rf -- {} +
fi
echo "$target"

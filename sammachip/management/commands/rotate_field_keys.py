"""Re-encrypt every encrypted column with the newest field key.

Key rotation (docs/security.md): put a new key first in ``SAMMACHIP_FIELD_KEYS`` and keep the
old ones after it (the first encrypts, all decrypt), restart, run this command, then remove the
old keys. Every ``EncryptedCitizenIdField`` of every installed model is found through the models'
``_meta``, plus the uploads waiting for an import confirmation. Rows already on the newest key
are left alone, so the command can be run again after an interruption.
"""

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.apps import apps
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import connections, router, transaction

from sammachip.citizen_id.fields import EncryptedCitizenIdField

BATCH = 500


def encrypted_columns():
    """``(model, field)`` for every ``EncryptedCitizenIdField`` of a concrete, managed model."""
    for model in apps.get_models():
        if model._meta.proxy or not model._meta.managed:
            continue
        for field in model._meta.concrete_fields:
            if isinstance(field, EncryptedCitizenIdField):
                yield model, field


class Command(BaseCommand):
    help = "เข้ารหัสเลขประจำตัวประชาชนทุกคอลัมน์ใหม่ด้วยกุญแจใหม่ (ตัวแรกของ SAMMACHIP_FIELD_KEYS)"

    def handle(self, **options):
        keys = list(settings.SAMMACHIP_FIELD_KEYS)
        if not keys:
            raise CommandError("SAMMACHIP_FIELD_KEYS ว่าง")
        try:
            self.newest = Fernet(keys[0])
            self.all_keys = MultiFernet([Fernet(key) for key in keys])
        except ValueError as error:
            raise CommandError(f"กุญแจใน SAMMACHIP_FIELD_KEYS ไม่ถูกต้อง: {error}") from error

        total = 0
        for model, field in encrypted_columns():
            rotated, current = self.rotate_column(model, field.column, text=True)
            total += rotated
            self.stdout.write(
                f"{model._meta.label}.{field.name}: เข้ารหัสใหม่ {rotated} แถว "
                f"(ใช้กุญแจใหม่อยู่แล้ว {current} แถว)"
            )
        if apps.is_installed("programs"):
            # Uploaded household lists waiting for an import confirmation (programs.storage).
            model = apps.get_model("programs", "PendingImport")
            rotated, current = self.rotate_column(model, "data", text=False)
            total += rotated
            self.stdout.write(f"{model._meta.label}.data: เข้ารหัสใหม่ {rotated} แถว")
        self.stdout.write(self.style.SUCCESS(f"เสร็จแล้ว เข้ารหัสใหม่ทั้งหมด {total} แถว"))

    def rotate_column(self, model, column, *, text):
        """Re-encrypt ``column`` of ``model``'s table batch by batch; a row changed meanwhile
        (its token is no longer the one read) is left as it is: it was written with the newest
        key anyway."""
        alias = router.db_for_write(model)
        connection = connections[alias]
        quote = connection.ops.quote_name
        table, pk = quote(model._meta.db_table), quote(model._meta.pk.column)
        column = quote(column)
        rotated = current = 0
        last = None
        while True:
            with transaction.atomic(using=alias), connection.cursor() as cursor:
                where = f"{column} IS NOT NULL" + (f" AND {pk} > %s" if last is not None else "")
                cursor.execute(
                    f"SELECT {pk}, {column} FROM {table} WHERE {where} ORDER BY {pk} LIMIT {BATCH}",
                    [last] if last is not None else [],
                )
                rows = cursor.fetchall()
                for key, token in rows:
                    raw = token.encode() if text else bytes(token)
                    if not raw:
                        continue
                    try:
                        self.newest.decrypt(raw)
                        current += 1
                        continue
                    except InvalidToken:
                        pass
                    try:
                        new = self.all_keys.rotate(raw)
                    except InvalidToken as error:
                        raise CommandError(
                            f"{model._meta.label} {key}: ถอดรหัสไม่ได้ด้วยกุญแจที่ตั้งไว้ "
                            "(ยังต้องใส่กุญแจเก่าไว้ใน SAMMACHIP_FIELD_KEYS)"
                        ) from error
                    cursor.execute(
                        f"UPDATE {table} SET {column} = %s WHERE {pk} = %s AND {column} = %s",
                        [new.decode() if text else new, key, token],
                    )
                    rotated += cursor.rowcount
            if len(rows) < BATCH:
                return rotated, current
            last = rows[-1][0]

"""Where an uploaded household list waits between the import preview and its confirmation.

In the database (every app server behind a load balancer shares it, so one server can confirm
what another previewed), encrypted with the field key (the file holds citizen IDs), removed as
soon as the import is confirmed and in any case after ``LIFETIME`` seconds (expired rows are
purged whenever another upload is stored). Nothing is written to a local disk.
"""

from datetime import timedelta
from uuid import uuid4

from cryptography.fernet import Fernet, MultiFernet
from django.conf import settings
from django.utils import timezone
from import_export.tmp_storages import BaseStorage

LIFETIME = 30 * 60


class UploadExpired(Exception):
    pass


class EncryptedDatabaseStorage(BaseStorage):
    def _fernet(self):
        # The first key encrypts, every key decrypts: an upload survives a key rotation.
        return MultiFernet([Fernet(key) for key in settings.SAMMACHIP_FIELD_KEYS])

    def save(self, data):
        from programs.models import PendingImport

        now = timezone.now()
        PendingImport.objects.filter(expires_at__lt=now).delete()
        if not self.name:
            self.name = uuid4().hex
        raw = data.encode(self.encoding or "utf-8") if isinstance(data, str) else data
        PendingImport.objects.update_or_create(
            name=self.name,
            defaults={
                "data": self._fernet().encrypt(raw),
                "expires_at": now + timedelta(seconds=LIFETIME),
            },
        )

    def read(self):
        from programs.models import PendingImport

        token = (
            PendingImport.objects.filter(name=self.name, expires_at__gte=timezone.now())
            .values_list("data", flat=True)
            .first()
        )
        if token is None:
            raise UploadExpired(self.name)
        raw = self._fernet().decrypt(bytes(token))
        if "b" in (self.read_mode or ""):
            return raw
        return raw.decode(self.encoding or "utf-8")

    def remove(self):
        from programs.models import PendingImport

        PendingImport.objects.filter(name=self.name).delete()

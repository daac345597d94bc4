"""Where an uploaded household list waits between the import preview and its confirmation.

In the shared cache (Redis when ``REDIS_URL`` is set, so any app server can confirm what another
previewed), encrypted with the field key (the file holds citizen IDs), and gone after
``LIFETIME`` seconds or as soon as the import is confirmed. Nothing is written to a local disk.
"""

from uuid import uuid4

from cryptography.fernet import Fernet
from django.conf import settings
from django.core.cache import cache
from import_export.tmp_storages import BaseStorage

PREFIX = "sammachip-import-"
LIFETIME = 30 * 60


class EncryptedCacheStorage(BaseStorage):
    def _fernet(self):
        return Fernet(settings.SAMMACHIP_FIELD_KEYS[0])

    def save(self, data):
        if not self.name:
            self.name = uuid4().hex
        raw = data.encode(self.encoding or "utf-8") if isinstance(data, str) else data
        cache.set(PREFIX + self.name, self._fernet().encrypt(raw), LIFETIME)

    def read(self):
        token = cache.get(PREFIX + self.name)
        if token is None:
            raise FileNotFoundError("the uploaded file has expired; upload it again")
        raw = self._fernet().decrypt(token)
        if "b" in (self.read_mode or ""):
            return raw
        return raw.decode(self.encoding or "utf-8")

    def remove(self):
        cache.delete(PREFIX + self.name)

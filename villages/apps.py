from django.apps import AppConfig


class VillagesConfig(AppConfig):
    name = "villages"
    verbose_name = "เขตการปกครองและหมู่บ้าน"

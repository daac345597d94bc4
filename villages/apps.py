from django.apps import AppConfig


class VillagesConfig(AppConfig):
    name = "villages"
    verbose_name = "เขตการปกครองและหมู่บ้าน"

    def ready(self):
        from sammachip import cache
        from villages.models import Village

        cache.watch(Village)  # the public pages show villages

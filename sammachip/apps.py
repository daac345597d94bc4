from django.apps import AppConfig
from django.contrib.admin import apps as admin_apps


class SammachipConfig(AppConfig):
    default = True
    name = "sammachip"
    verbose_name = "ผู้ใช้และระบบ"

    def ready(self):
        # The public page cache follows every content change: each app watches its own models
        # (``sammachip.cache.watch`` in its ``ready()``).
        from django.contrib.auth.signals import user_logged_in

        from sammachip.middleware import start_idle_clock

        user_logged_in.connect(start_idle_clock, dispatch_uid="sammachip.start_idle_clock")


class SammachipAdminConfig(admin_apps.AdminConfig):
    """Django's admin, with the project's site (``sammachip.admin_site``) as ``admin.site``."""

    default = False
    default_site = "sammachip.admin_site.SammachipAdminSite"

    def ready(self):
        # Every number a person types in the admin reads Thai digits and thousands separators:
        # the admin's own table of default form fields per column type, set before the admins
        # are registered (each copies the table when it is made).
        from django.contrib.admin import options

        from sammachip.fields import ADMIN_NUMBER_FORMFIELDS

        options.FORMFIELD_FOR_DBFIELD_DEFAULTS.update(ADMIN_NUMBER_FORMFIELDS)
        super().ready()

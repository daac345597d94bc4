from django.apps import AppConfig
from django.contrib.admin import apps as admin_apps


class SammachipConfig(AppConfig):
    default = True
    name = "sammachip"
    verbose_name = "ผู้ใช้และระบบ"


class SammachipAdminConfig(admin_apps.AdminConfig):
    """Django's admin, with the project's site (``sammachip.admin_site``) as ``admin.site``."""

    default = False
    default_site = "sammachip.admin_site.SammachipAdminSite"

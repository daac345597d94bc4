from django.apps import AppConfig


class PortalConfig(AppConfig):
    name = "sammachip.portal"
    label = "portal"
    verbose_name = "หน้าสาธารณะ"

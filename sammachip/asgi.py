"""ASGI entry point. Uses the production settings: configure it by environment, never by code."""

import os

from django.core.asgi import get_asgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "sammachip.settings")

application = get_asgi_application()

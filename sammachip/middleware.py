from django.conf import settings
from django.contrib import messages
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _


class ForcePasswordChangeMiddleware:
    """Sends a user whose password is temporary to the password change page until it is changed."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and user.must_change_password:
            allowed = {
                reverse("admin:password_change"),
                reverse("admin:password_change_done"),
                reverse("admin:logout"),
            }
            if request.path not in allowed and not request.path.startswith(
                f"/{settings.STATIC_URL.lstrip('/')}"
            ):
                messages.warning(request, _("กรุณาตั้งรหัสผ่านใหม่ก่อนใช้งานระบบ"))
                return redirect("admin:password_change")
        return self.get_response(request)

from django.contrib import admin
from django.contrib.auth.views import PasswordChangeView
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from sammachip.forms import LoginForm, OwnPasswordChangeForm


class SammachipAdminSite(admin.AdminSite):
    site_header = _("ระบบบริหารงานสัมมาชีพชุมชน")
    site_title = _("สัมมาชีพชุมชน")
    index_title = _("งานของเจ้าหน้าที่")
    login_form = LoginForm

    def password_change(self, request, extra_context=None):
        """The admin's own password change, which also lifts a forced change."""
        request.current_app = self.name
        return PasswordChangeView.as_view(
            form_class=OwnPasswordChangeForm,
            success_url=reverse("admin:password_change_done", current_app=self.name),
            template_name="registration/password_change_form.html",
            extra_context={**self.each_context(request), **(extra_context or {})},
        )(request)

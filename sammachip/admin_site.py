from django.contrib import admin
from django.contrib.auth.views import PasswordChangeView
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from sammachip.forms import LoginForm, OwnPasswordChangeForm

# Panels the apps above core add to the admin home (``register_home_panel``): ``(order, panel)``.
_home_panels = []


def register_home_panel(panel, *, order=100):
    """Add ``panel(request)`` to the admin home: it returns the panel's HTML (a rendered
    template), or '' to show nothing to this user. Apps register from ``AppConfig.ready()``,
    so core names no app above it. Panels show by ``order`` (smaller first, e.g. a one-line
    count above a long list), then in the order registered."""
    if all(registered is not panel for _order, registered in _home_panels):
        _home_panels.append((order, panel))
        _home_panels.sort(key=lambda item: item[0])  # stable: ties keep their order
    return panel


class SammachipAdminSite(admin.AdminSite):
    site_header = _("ระบบบริหารงานสัมมาชีพชุมชน")
    site_title = _("สัมมาชีพชุมชน")
    index_title = _("งานของเจ้าหน้าที่")
    login_form = LoginForm

    def index(self, request, extra_context=None):
        """The officer's home: the registered panels above the list of models."""
        panels = [html for _order, panel in _home_panels if (html := panel(request))]
        return super().index(request, {"home_panels": panels, **(extra_context or {})})

    def get_urls(self):
        from django.urls import path

        from sammachip.jobs import views as jobs

        return [
            path(
                "jobs/<uuid:pk>/",
                self.admin_view(jobs.job_page),
                {"admin_site": self},
                name="jobs_job",
            ),
            path(
                "jobs/<uuid:pk>/status/", self.admin_view(jobs.job_status), name="jobs_job_status"
            ),
            path(
                "jobs/<uuid:pk>/download/",
                self.admin_view(jobs.job_download),
                name="jobs_job_download",
            ),
            *super().get_urls(),
        ]

    def password_change(self, request, extra_context=None):
        """The admin's own password change, which also lifts a forced change."""
        request.current_app = self.name
        return PasswordChangeView.as_view(
            form_class=OwnPasswordChangeForm,
            success_url=reverse("admin:password_change_done", current_app=self.name),
            template_name="registration/password_change_form.html",
            extra_context={**self.each_context(request), **(extra_context or {})},
        )(request)

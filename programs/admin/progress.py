"""The KPI page of households: per district and per village, for one fiscal year."""

from django.core.exceptions import PermissionDenied
from django.template.response import TemplateResponse
from django.utils.translation import gettext_lazy as _

from programs import services
from sammachip import thaidate
from villages.models import Village


class HouseholdProgressMixin:
    """``progress_view`` (wired by ``HouseholdAdmin.get_urls``)."""

    def progress_view(self, request):
        """KPIs per district and the stages per village, for one fiscal year, scoped."""
        if not self.has_view_permission(request):
            raise PermissionDenied
        try:
            fiscal_year = int(request.GET.get("fiscal_year", ""))
        except ValueError:
            fiscal_year = thaidate.current_fiscal_year()
        user = request.user
        districts = None if user.sees_all_districts else user.district_codes
        villages = (
            Village.objects.for_user(user)
            .filter(households__fiscal_year=fiscal_year)
            .distinct()
            .select_related("subdistrict", "district")
            .order_by("code")
        )
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": _("ความก้าวหน้าและตัวชี้วัด ปีงบประมาณ %(year)d") % {"year": fiscal_year},
            "fiscal_year": fiscal_year,
            "years": range(
                thaidate.current_fiscal_year() + 1, thaidate.current_fiscal_year() - 6, -1
            ),
            "kpis": services.district_kpis(fiscal_year=fiscal_year, districts=districts),
            "progress": services.village_progress(fiscal_year=fiscal_year, villages=list(villages)),
            "targets": {
                "practising": services.TARGET_PRACTISING,
                "income": services.TARGET_INCOME_CHANGE,
                "groups": services.TARGET_GROUPS,
            },
        }
        return TemplateResponse(request, "admin/programs/progress.html", context)

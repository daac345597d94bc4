from django.conf import settings
from django.db import DatabaseError, connection
from django.http import JsonResponse
from django.views.decorators.cache import never_cache
from django.views.generic import TemplateView

from villages.models import District, Province


class HomeView(TemplateView):
    template_name = "sammachip/home.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        code = settings.SAMMACHIP_PROVINCE_CODE
        context["province"] = Province.objects.filter(code=code).first()
        context["districts"] = District.objects.filter(province_id=code).order_by("code")
        return context


@never_cache
def healthz(request):
    """Liveness and database check for load balancers: 200 when the database answers, else 503."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except DatabaseError:
        return JsonResponse({"status": "error", "database": "unavailable"}, status=503)
    return JsonResponse({"status": "ok", "database": "ok"})

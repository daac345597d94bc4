"""The admin home's panel of the user's own recent jobs (unfinished, or finished in the last
day): the way back to a job page after it was closed."""

from datetime import timedelta

from django.db.models import Q
from django.template.loader import render_to_string
from django.utils import timezone

from sammachip.jobs.models import Job

SHOWN = 5


def jobs_panel(request):
    since = timezone.now() - timedelta(days=1)
    jobs = list(
        Job.objects.for_user(request.user)
        .filter(Q(finished_at__isnull=True) | Q(finished_at__gte=since))
        .only("id", "title", "status", "created_at")[:SHOWN]
    )
    if not jobs:
        return ""
    return render_to_string("admin/jobs/home_panel.html", {"jobs": jobs}, request=request)

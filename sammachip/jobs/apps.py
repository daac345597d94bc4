from django.apps import AppConfig


class JobsConfig(AppConfig):
    name = "sammachip.jobs"
    label = "jobs"
    verbose_name = "งานเบื้องหลัง"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        # The task library's own admin page (task results, in English, with task arguments)
        # is not shown: officers follow their work on the job pages (sammachip.jobs.views).
        from django.contrib import admin
        from django_tasks_db.models import DBTaskResult

        if admin.site.is_registered(DBTaskResult):
            admin.site.unregister(DBTaskResult)

        from sammachip.admin_site import register_home_panel
        from sammachip.jobs.home import jobs_panel

        # The way back to a job page: the user's recent jobs on the admin home.
        register_home_panel(jobs_panel)

from django.apps import AppConfig


class ProgramsConfig(AppConfig):
    name = "programs"
    verbose_name = "งานสัมมาชีพชุมชน"

    def ready(self):
        from programs.models import (
            DistrictReport,
            Household,
            Occupation,
            OccupationGroup,
            Product,
            ProgrammeYear,
            Sage,
            TrainerTeam,
        )
        from sammachip import audit, cache

        # What the public pages (figures, sages, products) read of the programme.
        cache.watch(
            Household,
            Sage,
            TrainerTeam,
            OccupationGroup,
            Product,
            Occupation,
            ProgrammeYear,  # the targets the public figures are measured against
            DistrictReport,  # /opendata/ publishes approved district-years only
            m2m=[Sage.expertise.through],
        )

        derived = ["district"]  # kept equal to the village's: logging it would only repeat
        audit.register(
            Household,
            secret_fields=["citizen_id"],
            excluded_fields=[*derived, "citizen_id_hash", "created_at", "updated_at"],
        )
        audit.register(
            Sage, secret_fields=["citizen_id"], excluded_fields=[*derived, "citizen_id_hash"]
        )
        audit.register(TrainerTeam, excluded_fields=derived)
        audit.register(Product, excluded_fields=derived)
        audit.register(ProgrammeYear, excluded_fields=["updated_at"])

        from programs import locking

        # A submitted or approved district-year is locked (``programs.locking``).
        locking.install()

        from django.db.models.signals import post_delete, post_save

        from programs import parameters

        # The parameters are read from the cache (``programs.parameters``): a change forgets them.
        post_save.connect(parameters.forget, sender=ProgrammeYear, dispatch_uid="parameters:save")
        post_delete.connect(
            parameters.forget, sender=ProgrammeYear, dispatch_uid="parameters:delete"
        )

        from programs.home import home_panel
        from sammachip.admin_site import register_home_panel

        # The officer's admin home: the follow-up schedule and the work left undone.
        register_home_panel(home_panel)

        from programs.jobs import register_jobs

        # The big imports and exports, run by the task worker (sammachip.jobs).
        register_jobs()

        from programs.report_home import report_panel

        # The district-years' report states (officers) or the review queue (province).
        register_home_panel(report_panel, order=50)

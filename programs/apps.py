from django.apps import AppConfig


class ProgramsConfig(AppConfig):
    name = "programs"
    verbose_name = "งานสัมมาชีพชุมชน"

    def ready(self):
        from programs.models import Household, Product, Sage, TrainerTeam
        from sammachip import audit

        secret = {"secret_fields": ["citizen_id"], "excluded_fields": ["citizen_id_hash"]}
        audit.register(
            Household,
            excluded_fields=["citizen_id_hash", "updated_at"],
            secret_fields=["citizen_id"],
        )
        audit.register(Sage, **secret)
        audit.register(TrainerTeam)
        audit.register(Product)

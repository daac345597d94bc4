from django.apps import AppConfig


class ProgramsConfig(AppConfig):
    name = "programs"
    verbose_name = "งานสัมมาชีพชุมชน"

    def ready(self):
        from programs.models import Household, Product, Sage, TrainerTeam
        from sammachip import audit

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

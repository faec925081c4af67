from django.apps import AppConfig


class WellbeingConfig(AppConfig):
    name = "joinedup.wellbeing"
    label = "wellbeing"
    verbose_name = "Occupational health and wellbeing"

    def ready(self) -> None:
        from django.core import checks

        from joinedup.audit import append_only
        from joinedup.wellbeing.crypto import check_keys
        from joinedup.wellbeing.models import CaseAccessEvent

        # Clinical notes' keys: in production a missing or shared key stops the start (Error).
        checks.register(check_keys, checks.Tags.security)
        # Who read a case is the employee's and the DPO's evidence: on PostgreSQL no role but
        # the owner may rewrite it (the trigger of migration 0006 refuses even the owner). DELETE
        # stays with the application for a partner's exit erasure alone, which the trigger checks.
        append_only.protect(CaseAccessEvent._meta.db_table, ("UPDATE", "TRUNCATE"))

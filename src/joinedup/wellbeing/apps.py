from django.apps import AppConfig


class WellbeingConfig(AppConfig):
    name = "joinedup.wellbeing"
    label = "wellbeing"
    verbose_name = "Occupational health and wellbeing"

    def ready(self) -> None:
        from django.core import checks

        from joinedup.wellbeing.crypto import check_keys

        # Clinical notes' keys: in production a missing or shared key stops the start (Error).
        checks.register(check_keys, checks.Tags.security)

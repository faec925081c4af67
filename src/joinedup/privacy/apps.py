from django.apps import AppConfig


class PrivacyConfig(AppConfig):
    name = "joinedup.privacy"
    label = "privacy"
    verbose_name = "Data protection and partner exit"

    def ready(self) -> None:
        # The permissions sit below privacy and cannot import it: privacy hands them its gate.
        from joinedup.partnership.permissions import register_access_gate
        from joinedup.privacy.processor_access import HOOK

        register_access_gate("privacy.processors", HOOK)

from django.apps import AppConfig
from django.db.models.signals import post_migrate


class AuditConfig(AppConfig):
    name = "joinedup.audit"
    label = "audit"

    def ready(self) -> None:
        from joinedup.audit import append_only

        # Privileges on the audit tables are taken back after every migrate, like the row-level
        # security policies (core/apps.py), so a deployment's grants made before it cannot let
        # the application's role rewrite the trail. (Django's own hook, not domain workflow.)
        post_migrate.connect(append_only.post_migrate, dispatch_uid="joinedup.audit.append_only")

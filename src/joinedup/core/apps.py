from django.apps import AppConfig
from django.db.models.signals import post_migrate


class CoreConfig(AppConfig):
    name = "joinedup.core"
    label = "core"

    def ready(self) -> None:
        from joinedup.core import rls

        # Row-level security policies follow the guarded models, whatever app declares them,
        # so they are (re)applied after every migrate rather than written as migrations.
        # (Django's own hook: the no-signals rule is about domain workflow.)
        post_migrate.connect(rls.post_migrate, sender=self, dispatch_uid="joinedup.core.rls")

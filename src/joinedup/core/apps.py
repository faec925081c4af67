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
        # Django sends it once per app that has models (core has none), so the handler acts
        # on the last one's, when every table exists.
        post_migrate.connect(rls.post_migrate, dispatch_uid="joinedup.core.rls")

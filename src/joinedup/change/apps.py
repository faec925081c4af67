from django.apps import AppConfig


class ChangeConfig(AppConfig):
    name = "joinedup.change"
    label = "change"
    verbose_name = "Workforce change"

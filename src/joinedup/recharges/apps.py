from django.apps import AppConfig


class RechargesConfig(AppConfig):
    name = "joinedup.recharges"
    label = "recharges"
    verbose_name = "Shared-service recharges"

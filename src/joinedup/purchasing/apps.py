from django.apps import AppConfig


class PurchasingConfig(AppConfig):
    name = "joinedup.purchasing"
    label = "purchasing"
    verbose_name = "Purchasing"

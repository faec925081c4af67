from django.apps import AppConfig


class ServiceDeskConfig(AppConfig):
    name = "joinedup.servicedesk"
    label = "servicedesk"
    verbose_name = "Service desk and assets"

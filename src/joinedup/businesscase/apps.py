from django.apps import AppConfig


class BusinessCaseConfig(AppConfig):
    name = "joinedup.businesscase"
    label = "businesscase"
    verbose_name = "Business case and benefits realisation"

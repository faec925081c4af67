from django.apps import AppConfig


class PrivacyConfig(AppConfig):
    name = "joinedup.privacy"
    label = "privacy"
    verbose_name = "Data protection and partner exit"

from django.apps import AppConfig


class WellbeingConfig(AppConfig):
    name = "joinedup.wellbeing"
    label = "wellbeing"
    verbose_name = "Occupational health and wellbeing"

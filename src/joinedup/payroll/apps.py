from django.apps import AppConfig


class PayrollConfig(AppConfig):
    name = "joinedup.payroll"
    label = "payroll"

from django.apps import AppConfig


class LedgerConfig(AppConfig):
    name = "joinedup.ledger"
    label = "ledger"

from django.apps import AppConfig


class WorkspacesConfig(AppConfig):
    name = "joinedup.workspaces"
    label = "workspaces"
    verbose_name = "Workspaces: the work waiting for each role"

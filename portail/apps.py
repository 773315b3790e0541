from django.apps import AppConfig


class PortailConfig(AppConfig):
    """Domain-free toolkit: formats, months, spreadsheet exports, table columns, form base, history, access."""

    name = "portail"
    verbose_name = "boîte à outils du portail"

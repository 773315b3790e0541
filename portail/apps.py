from django.apps import AppConfig
from django.db.backends.signals import connection_created


class PortailConfig(AppConfig):
    """Domain-free toolkit: formats, months, spreadsheet exports, table columns, form base, history, access."""

    name = "portail"
    verbose_name = "boîte à outils du portail"

    def ready(self):
        from portail.recherche import enregistrer_sur_sqlite

        connection_created.connect(enregistrer_sur_sqlite, dispatch_uid="portail_plier")

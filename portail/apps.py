from django.apps import AppConfig
from django.db.backends.signals import connection_created


class PortailConfig(AppConfig):
    """Domain-free toolkit: formats, months, spreadsheet exports, table columns, form base, history, access."""

    name = "portail"
    verbose_name = "boîte à outils du portail"

    def ready(self):
        from portail import recherche, tri

        connection_created.connect(recherche.enregistrer_sur_sqlite, dispatch_uid="portail_plier")
        connection_created.connect(tri.enregistrer_sur_sqlite, dispatch_uid="portail_ordre_francais")

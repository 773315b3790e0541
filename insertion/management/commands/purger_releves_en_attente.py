"""manage.py purger_releves_en_attente: deletes the statements whose confirmation time ran out (cron)."""

from django.core.management.base import BaseCommand

from insertion.services import purger_releves_expires


class Command(BaseCommand):
    help = (
        "Supprime les relevés déposés en attente de confirmation dont le délai d'une heure est passé "
        "(chaque nouveau dépôt les supprime aussi). À lancer chaque nuit."
    )

    def handle(self, *args, **options):
        supprimes = purger_releves_expires()
        self.stdout.write(f"Relevés en attente expirés supprimés : {supprimes}")

"""manage.py envoyer_relances [--date AAAA-MM-JJ] [--dry-run]: the periodic notices (notifications/relances.py)."""

import datetime

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from notifications.relances import JOUR_DE_RELANCE, envoyer_relances
from portail.formats import nombre


def _pluriel(n: int, singulier: str, pluriel: str) -> str:
    return f"{nombre(n)} {singulier if n <= 1 else pluriel}"


class Command(BaseCommand):
    help = (
        f"Envoie les relances : à partir du {JOUR_DE_RELANCE} du mois, aux agents des EPCI dont des marchés en "
        "exécution n'ont rien de déclaré pour le mois dernier ; au Département, pour chaque marché à risque "
        "(une fois par motif et par mois). Un même fait ne donne jamais deux notifications : relancée, la "
        "commande ne renvoie rien."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--date",
            dest="jour",
            help="Jour des relances, au format AAAA-MM-JJ (aujourd'hui par défaut).",
        )
        parser.add_argument(
            "--dry-run",
            action="store_true",
            dest="simulation",
            help="Simulation : affiche ce qui serait envoyé, sans rien écrire ni envoyer.",
        )

    def handle(self, *args, jour, simulation, **options):
        if jour:
            try:
                jour = datetime.date.fromisoformat(jour)
            except ValueError:
                raise CommandError(
                    "--date doit être une date au format AAAA-MM-JJ, par exemple 2026-03-10."
                ) from None
        else:
            jour = timezone.localdate()
        bilan = envoyer_relances(jour=jour, simulation=simulation)
        self.stdout.write(
            f"Relances du {jour:%d/%m/%Y}"
            + (" (simulation : rien n'est écrit ni envoyé)" if simulation else "")
            + " :"
        )
        if jour.day < JOUR_DE_RELANCE:
            self.stdout.write(
                f"Avant le {JOUR_DE_RELANCE} du mois : pas de relance des déclarations du mois dernier."
            )
        for avis in bilan.creees:
            self.stdout.write(f"- {avis.destinataire.username} : {avis.titre}")
        if simulation:
            resume = (
                f"{_pluriel(len(bilan.creees), 'notification serait créée', 'notifications seraient créées')}, "
                f"{_pluriel(bilan.courriels, 'courriel serait envoyé', 'courriels seraient envoyés')}, "
            )
        else:
            resume = (
                f"{_pluriel(len(bilan.creees), 'notification créée', 'notifications créées')}, "
                f"{_pluriel(bilan.courriels, 'courriel envoyé', 'courriels envoyés')}, "
            )
        resume += _pluriel(bilan.deja, "déjà envoyée auparavant", "déjà envoyées auparavant")
        self.stdout.write(self.style.SUCCESS(resume) if not simulation else resume)

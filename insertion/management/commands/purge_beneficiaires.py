"""manage.py purge_beneficiaires [--dry-run] [--mois N]: the retention of personal data (insertion/retention.py)."""

from django.core.management.base import BaseCommand, CommandError

from insertion.retention import MOIS_PAR_DEFAUT, purger
from portail.formats import nombre


class Command(BaseCommand):
    help = (
        "Anonymise les personnes sans heure ni sortie depuis N mois (24 par défaut) : nom, prénom et jour de "
        "naissance effacés (l'année est gardée pour les tranches d'âge), détail des sorties et motifs de rejet "
        "effacés, historique anonymisé ; supprime les entrées du journal des accès de plus d'un an. Une seule "
        "transaction ; relancée, elle ne trouve plus rien."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--dry-run",
            action="store_true",
            dest="simulation",
            help="Simulation : compte ce qui serait fait, sans rien écrire.",
        )
        parser.add_argument(
            "--mois",
            type=int,
            default=MOIS_PAR_DEFAUT,
            help=f"Durée sans activité, en mois, au-delà de laquelle une personne est anonymisée ({MOIS_PAR_DEFAUT} par défaut).",
        )

    def handle(self, *args, simulation, mois, **options):
        if not 1 <= mois <= 1200:
            raise CommandError("--mois doit être un nombre de mois entre 1 et 1200.")
        bilan = purger(mois=mois, simulation=simulation)
        a = bilan.anonymisation
        if simulation:
            self.stdout.write("Simulation : rien n'est enregistré.")
        verbe = "à anonymiser" if simulation else "anonymisées"
        lignes = [
            f"Personnes sans heure ni sortie depuis le {bilan.depuis:%d/%m/%Y} ({mois} mois) {verbe} : "
            f"{nombre(a.personnes)}",
            f"Versions de l'historique des fiches {verbe} : {nombre(a.versions)}",
            f"Détails de sortie {'à effacer' if simulation else 'effacés'} : {nombre(a.sorties)} "
            f"(et {nombre(a.versions_sorties)} dans l'historique)",
            f"Motifs de rejet d'heures {'à effacer' if simulation else 'effacés'} : {nombre(bilan.motifs)} "
            f"(et {nombre(bilan.versions_heures)} dans l'historique)",
            f"Entrées du journal des accès de plus d'un an {'à supprimer' if simulation else 'supprimées'} : "
            f"{nombre(bilan.journal)}",
        ]
        for ligne in lignes:
            self.stdout.write(ligne)
        if not simulation:
            self.stdout.write(self.style.SUCCESS("Purge terminée."))

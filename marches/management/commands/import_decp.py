"""manage.py import_decp PATH [--dry-run] [--tous-departements]: imports the DECP open data (2024 format).

Scoped to the Département of the settings (DEPARTEMENT): the contracts outside it are skipped and counted, or
with --tous-departements imported without a clause, so that they never enter its figures.

The clauses of flagged contracts come from insertion.decp, which InsertionConfig.ready connects to the signal
that marches.decp sends for every batch, in the same transaction.
"""

import sys
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import reset_queries
from tqdm import tqdm

from marches.decp import TAILLE_LOT, ImportDecpImpossible, importer_decp


class Command(BaseCommand):
    help = (
        "Importe un fichier DECP (données essentielles de la commande publique, format 2024) : acheteurs, "
        "titulaires, marchés et leur lot ; une clause à calibrer pour chaque marché signalé « Clause sociale » "
        "ou « Marché réservé ». Tout ou rien, en une transaction ; une deuxième importation du même fichier ne "
        "crée rien."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "chemin", type=Path, help="Fichier JSON DECP (même de plusieurs centaines de Mo)."
        )
        parser.add_argument(
            "--dry-run",
            action="store_true",
            dest="simulation",
            help="Simulation : tout est calculé et affiché, rien n'est enregistré.",
        )
        parser.add_argument(
            "--tous-departements",
            action="store_true",
            dest="garder_hors_departement",
            help="Importer aussi les marchés dont ni l'acheteur ni le lieu d'exécution n'est dans le Département "
            "(réglage DEPARTEMENT) ; ils ne reçoivent pas de clause et n'entrent pas dans ses chiffres.",
        )
        parser.add_argument(
            "--siren-departement",
            help="SIREN du conseil départemental, si le Département n'est pas le Maine-et-Loire (224900019).",
        )
        parser.add_argument("--taille-lot", type=int, default=TAILLE_LOT, help="Marchés écrits par lot.")

    def handle(
        self, *args, chemin, simulation, garder_hors_departement, siren_departement, taille_lot, **options
    ):
        if taille_lot < 1:
            raise CommandError("--taille-lot doit être un entier positif.")
        try:
            fichier = chemin.open("rb")
        except OSError as exc:
            raise CommandError(f"Impossible de lire {chemin} : {exc.strerror}.") from exc
        with fichier:
            taille = chemin.stat().st_size
            barre = tqdm(
                total=taille,
                unit="o",
                unit_scale=True,
                unit_divisor=1024,
                desc="Import DECP",
                file=sys.stderr,
                disable=not sys.stderr.isatty(),
            )

            def progression(position):
                barre.update(position - barre.n)
                if settings.DEBUG:
                    reset_queries()  # DEBUG keeps every query: the log would grow with the file

            try:
                resultat = importer_decp(
                    fichier=fichier,
                    departement=settings.DEPARTEMENT,
                    siren_departement=siren_departement,
                    garder_hors_departement=garder_hors_departement,
                    simulation=simulation,
                    progression=progression,
                    taille_lot=taille_lot,
                )
            except ImportDecpImpossible as exc:
                raise CommandError(f"{chemin} : {exc.message}") from exc
            finally:
                barre.close()

        lignes = resultat.lignes()
        for ligne in lignes:
            self.stdout.write(ligne)
        if simulation:
            self.stdout.write(self.style.WARNING("Simulation terminée : rien n'a été enregistré."))
        else:
            self.stdout.write(self.style.SUCCESS("Import terminé."))

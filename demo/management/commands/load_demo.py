from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from demo.chargement import charger_demo
from demo.comptes import MOT_DE_PASSE_DEFAUT
from demo.referentiel import TerritoiresManquants


def _nombre(valeur):
    return f"{valeur:,.0f}".replace(",", " ")


class Command(BaseCommand):
    help = (
        "Charge des données de démonstration fictives (acheteurs, entreprises, marchés, clauses, "
        "bénéficiaires, heures, objectifs, comptes) sur les territoires réels. "
        "Lancer d'abord « load_territoires »."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--password",
            default=MOT_DE_PASSE_DEFAUT,
            help=f"Mot de passe des comptes de démonstration (par défaut : {MOT_DE_PASSE_DEFAUT}).",
        )
        parser.add_argument(
            "--reset",
            action="store_true",
            help="Supprime les données de démonstration existantes puis les régénère.",
        )

    def handle(self, *args, password, reset, **options):
        try:
            validate_password(password)
        except ValidationError as exc:
            raise CommandError("Mot de passe refusé : " + " ".join(exc.messages)) from exc
        try:
            resultat = charger_demo(mot_de_passe=password, reinitialiser=reset)
        except TerritoiresManquants as exc:
            raise CommandError(str(exc)) from exc

        if resultat.deja_chargee:
            self.stdout.write(
                self.style.WARNING(
                    "La démo est déjà chargée : rien n'a été régénéré, seuls les comptes et leurs mots de passe "
                    "ont été remis à jour. Utilisez --reset pour tout régénérer."
                )
            )
        else:
            self._ecrire_bilan(resultat)
        self._ecrire_comptes(resultat, password)

    def _ecrire_bilan(self, resultat):
        c = resultat.compteurs
        self.stdout.write(
            self.style.SUCCESS(
                f"Démo chargée : {c['acheteurs']} acheteurs, {c['entreprises']} entreprises, "
                f"{c['marches']} marchés, {c['lots']} lots, {c['clauses']} clauses "
                f"(dont {c['clauses_a_calibrer']} à calibrer), {c['beneficiaires']} bénéficiaires, "
                f"{c['eligibilites']} éligibilités, {c['sorties']} sorties, "
                f"{_nombre(c['heures'])} lignes d'heures, {c['objectifs']} objectifs."
            )
        )
        self.stdout.write("Heures d'insertion par année :")
        for annee, totaux in resultat.heures_par_annee.items():
            objectif = resultat.objectifs.get(annee)
            avancement = f" ({totaux['validees'] / objectif:.0%} de l'objectif de {_nombre(objectif)} h)"
            self.stdout.write(
                f"  {annee} : {_nombre(totaux['validees'])} h validées{avancement if objectif else ''}, "
                f"{_nombre(totaux['declarees'])} h déclarées à valider, {_nombre(totaux['rejetees'])} h rejetées"
            )

    def _ecrire_comptes(self, resultat, password):
        entetes = ("identifiant", "rôle", "périmètre", "mot de passe")
        lignes = [(c.identifiant, c.role, c.perimetre, password) for c in resultat.comptes]
        largeurs = [max(len(ligne[i]) for ligne in [entetes, *lignes]) for i in range(len(entetes))]
        self.stdout.write("Comptes de démonstration :")
        for ligne in [entetes, tuple("-" * n for n in largeurs), *lignes]:
            self.stdout.write(
                "  " + "  ".join(v.ljust(n) for v, n in zip(ligne, largeurs, strict=True)).rstrip()
            )

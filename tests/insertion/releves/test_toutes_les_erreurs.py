"""Importing a monthly statement: every fault of every line is reported in one pass, in bulk queries."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from beneficiaires.models import Beneficiaire
from insertion.models import HeuresRealisees
from insertion.releves.importation import importer_releve
from insertion.releves.lecture import lire_releve
from portail.periodes import libelle_mois, mois_courant
from tests.factories import siret_aleatoire
from tests.insertion.releves.aides import fichier_csv, importer, ligne, nouvelle_personne
from tests.requetes import assert_autant_de_requetes

pytestmark = pytest.mark.django_db


def messages(resultat, numero) -> list[str]:
    return [e.message for e in resultat.erreurs if e.ligne == numero]


def test_une_ligne_a_trois_fautes_donne_trois_messages(jeu):
    siret_inconnu = siret_aleatoire()
    resultat = importer(jeu, [ligne(jeu, heures="trente", siret_employeur=siret_inconnu, sexe="X")])
    assert messages(resultat, 2) == [
        "Sexe « X » inconnu : écrivez F ou H.",
        "Heures « trente » illisibles : indiquez un nombre (35 ou 35,5).",
        f"Employeur inconnu : aucune entreprise de SIRET {siret_inconnu} dans le portail. Indiquez sa "
        "raison sociale dans la colonne raison_sociale_employeur (et son type de structure dans "
        "type_structure_employeur) pour l'ajouter ; le Département le vérifiera.",
    ]
    assert not HeuresRealisees.objects.exists()


def test_les_regles_du_mois_et_de_la_personne_malgre_les_autres_fautes(jeu):
    """A month not begun, an unknown contract, an unknown employer, a new person without sex: all on their line."""
    futur = mois_courant().replace(year=mois_courant().year + 1)
    siret_inconnu = siret_aleatoire()
    lignes = [
        ligne(jeu, mois=f"{futur:%Y-%m}", heures="0", modalite="bénévolat"),  # 2
        nouvelle_personne(jeu, 1, sexe="", reference_marche="INCONNU-9", siret_employeur=siret_inconnu),  # 3
        nouvelle_personne(jeu, 2, date_naissance="01/01/2020", commune_insee="99999", type_contrat=""),  # 4
    ]
    resultat = importer(jeu, lignes)
    assert messages(resultat, 2) == [
        "Modalité « bénévolat » inconnue : valeurs admises embauche_directe, mise_a_disposition, "
        "sous_traitance, formation (ou leurs libellés).",
        "Heures « 0 » : le nombre d'heures d'une ligne doit être supérieur à 0 et au plus 744.",
        f"Impossible de déclarer des heures pour {libelle_mois(futur)} : ce mois n'est pas commencé.",
    ]
    assert messages(resultat, 3) == [
        "Marché inconnu : « INCONNU-9 ». Vérifiez la référence : elle doit désigner un marché que vous suivez "
        "dans le portail.",
        f"Employeur inconnu : aucune entreprise de SIRET {siret_inconnu} dans le portail. Indiquez sa "
        "raison sociale dans la colonne raison_sociale_employeur (et son type de structure dans "
        "type_structure_employeur) pour l'ajouter ; le Département le vérifiera.",
        "PERSONNE0001 Dominique (né·e le 03/02/1979) n'est pas encore connu·e du portail : indiquez son sexe "
        "(F ou H) dans la colonne sexe pour l'ajouter.",
    ]
    assert messages(resultat, 4)[0].startswith("Le type de contrat est vide")
    assert messages(resultat, 4)[1:] == [
        "Commune inconnue : code INSEE 99999.",
        f"Née ou né le 01/01/2020, la personne aurait {jeu.mois.year - 2020} ans en {libelle_mois(jeu.mois)} : "
        "vérifiez la date de naissance (de 16 à 75 ans pour travailler des heures d'insertion).",
    ]
    assert not HeuresRealisees.objects.exists()
    assert not Beneficiaire.objects.filter(nom__startswith="Personne").exists()


def test_le_total_mensuel_est_verifie_sur_une_ligne_qui_a_une_autre_faute(jeu):
    """The commune of a new person is unknown, and the 260 h of the month are refused too."""
    resultat = importer(jeu, [nouvelle_personne(jeu, 3, commune_insee="99999", heures="260")])
    assert messages(resultat, 2)[0] == "Commune inconnue : code INSEE 99999."
    assert messages(resultat, 2)[1] == (
        "PERSONNE0003 Dominique totaliserait 260\u00a0h en "
        + libelle_mois(jeu.mois)
        + ", tous marchés confondus : "
        "au-delà de 250\u00a0h par mois, la saisie est refusée."
    )


def test_une_verification_dependante_est_sautee_quand_sa_donnee_est_illisible(jeu):
    """Unreadable lot, birth date and month: no 'unknown lot', 'unknown person' or age message on top."""
    resultat = importer(jeu, [ligne(jeu, numero_lot="un", date_naissance="31/02/1990", mois="13/2026")])
    assert [m.split(" »")[0] for m in messages(resultat, 2)] == [
        "Numéro de lot « un",
        "Mois « 13/2026",
        "Date de naissance « 31/02/1990",
    ]


def _requetes(jeu, lignes) -> list[str]:
    releve = lire_releve(nom="releve.csv", contenu=fichier_csv(lignes))
    with CaptureQueriesContext(connection) as capture:
        resultat = importer_releve(user=jeu.agent, releve=releve)
    assert resultat.erreurs
    return [requete["sql"] for requete in capture.captured_queries]


def test_les_erreurs_de_toutes_les_lignes_en_un_nombre_fixe_de_requetes(jeu):
    def lignes(n):
        futur = datetime.date.today().replace(day=1, year=datetime.date.today().year + 1)
        return [
            nouvelle_personne(jeu, numero, heures="trente", commune_insee="99999", mois=f"{futur:%Y-%m}")
            for numero in range(n)
        ] + [ligne(jeu, heures=str(numero + 1), siret_employeur=siret_aleatoire()) for numero in range(n)]

    assert_autant_de_requetes(_requetes(jeu, lignes(5)), _requetes(jeu, lignes(50)))

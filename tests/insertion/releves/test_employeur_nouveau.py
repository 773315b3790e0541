"""Statement import: an employer the portal does not know is created « à vérifier » with its name and type."""

import pytest

from insertion.models import HeuresRealisees
from insertion.releves.colonnes import COLONNES_PAR_CLE, normaliser
from marches.enums import TypeStructure
from marches.models import Entreprise
from tests.factories import siret_aleatoire
from tests.insertion.releves.aides import importer, ligne

pytestmark = pytest.mark.django_db


def test_les_entetes_francaises_des_nouvelles_colonnes():
    assert COLONNES_PAR_CLE[normaliser("Raison sociale de l'employeur")] == "raison_sociale_employeur"
    assert COLONNES_PAR_CLE[normaliser("Type de structure de l'employeur")] == "type_structure_employeur"
    assert COLONNES_PAR_CLE[normaliser("raison sociale")] == "raison_sociale_employeur"


def test_un_employeur_inconnu_avec_sa_raison_sociale_est_cree_a_verifier(jeu):
    siret = siret_aleatoire()
    resultat = importer(
        jeu,
        [
            ligne(
                jeu,
                siret_employeur=siret,
                raison_sociale_employeur="GEIQ BTP Anjou",
                type_structure_employeur="groupement d'employeurs pour l'insertion et la qualification",
            ),
            # A second line of the same employer need not repeat its name.
            ligne(jeu, siret_employeur=siret, modalite="formation", heures="7"),
        ],
    )

    assert resultat.ecrit, resultat.erreurs
    entreprise = Entreprise.objects.get(siret=siret)
    assert (entreprise.raison_sociale, entreprise.type_structure) == ("GEIQ BTP Anjou", TypeStructure.GEIQ)
    assert entreprise.a_verifier
    assert entreprise.signalee_par_epci == jeu.agent.epci
    assert entreprise.cree_par == jeu.agent
    assert HeuresRealisees.objects.filter(employeur=entreprise).count() == 2
    assert resultat.employeurs_crees == [f"GEIQ BTP Anjou (SIRET {siret})"]


def test_sans_type_de_structure_c_est_une_entreprise(jeu):
    siret = siret_aleatoire()
    resultat = importer(jeu, [ligne(jeu, siret_employeur=siret, raison_sociale_employeur="Maçonnerie Loire")])

    assert resultat.ecrit, resultat.erreurs
    assert Entreprise.objects.get(siret=siret).type_structure == TypeStructure.ENTREPRISE


def test_un_employeur_inconnu_sans_raison_sociale_est_une_erreur_de_sa_ligne(jeu):
    siret = siret_aleatoire()
    resultat = importer(jeu, [ligne(jeu), ligne(jeu, siret_employeur=siret, modalite="formation")])

    assert [(e.ligne, e.message) for e in resultat.erreurs] == [
        (
            3,
            f"Employeur inconnu : aucune entreprise de SIRET {siret} dans le portail. Indiquez sa raison sociale "
            "dans la colonne raison_sociale_employeur (et son type de structure dans type_structure_employeur) "
            "pour l'ajouter ; le Département le vérifiera.",
        )
    ]
    assert not HeuresRealisees.objects.exists()


def test_un_import_refuse_ne_cree_aucun_employeur(jeu):
    siret = siret_aleatoire()
    resultat = importer(
        jeu,
        [
            ligne(jeu, siret_employeur=siret, raison_sociale_employeur="ACI du Saumurois"),
            ligne(jeu, heures=""),
        ],
    )

    assert not resultat.ecrit
    assert not Entreprise.objects.filter(siret=siret).exists()
    assert not HeuresRealisees.objects.exists()


def test_un_siret_a_la_cle_fausse_reste_une_erreur(jeu):
    resultat = importer(
        jeu, [ligne(jeu, siret_employeur="12345678900011", raison_sociale_employeur="Clé fausse")]
    )

    assert not resultat.ecrit
    assert "invalide" in resultat.erreurs[0].message
    assert not Entreprise.objects.filter(raison_sociale="Clé fausse").exists()


def test_un_type_de_structure_inconnu_et_deux_raisons_sociales_differentes(jeu):
    siret = siret_aleatoire()
    resultat = importer(
        jeu,
        [
            ligne(jeu, siret_employeur=siret, raison_sociale_employeur="Une", type_structure_employeur="zzz"),
            ligne(jeu, siret_employeur=siret, raison_sociale_employeur="Une", modalite="formation"),
            ligne(
                jeu, siret_employeur=siret, raison_sociale_employeur="Autre", modalite="mise à disposition"
            ),
        ],
    )

    messages = [(e.ligne, e.message) for e in resultat.erreurs]
    assert (
        2,
        "Type de structure « zzz » inconnu : valeurs admises entreprise, ei, etti, ai, aci, geiq, ea, "
        "esat, ett (ou leurs libellés).",
    ) in messages
    assert (
        4,
        f"Pour l'employeur de SIRET {siret}, la raison sociale ou le type de structure diffère de la "
        "ligne 3.",
    ) in messages
    assert not Entreprise.objects.filter(siret=siret).exists()

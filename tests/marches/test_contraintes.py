import datetime
from decimal import Decimal

import factory
import pytest
from django.utils import timezone

from marches.enums import TypeIdentifiant
from marches.models import Acheteur, Entreprise, Lot, Marche
from tests.contraintes import (
    Cas,
    ChampUnique,
    Doublon,
    noms_couverts,
    verifier_acceptation,
    verifier_champ_unique,
    verifier_doublon,
    verifier_message,
    verifier_refus,
    violation,
)
from tests.factories import (
    AcheteurFactory,
    EntrepriseFactory,
    EvenementSuiviFactory,
    LotFactory,
    MarcheFactory,
)

SIRET_DEPARTEMENT = "22490001900015"
UN_IDENTIFIANT = "Une entreprise a soit un SIRET, soit un autre identifiant."


def _tva(numero="BE0999999999"):
    return {"type_identifiant": TypeIdentifiant.TVA, "siret": None, "autre_identifiant": numero}


CHECKS = [
    Cas(
        "entreprise_a_verifier_pas_encore_verifiee",
        lambda: EntrepriseFactory(a_verifier=True),
        {"verifiee_le": timezone.now()},
        {"a_verifier": False, "verifiee_le": timezone.now()},
        id="verifiee-encore-a-verifier",
        message="Une entreprise vérifiée n'est plus « à vérifier ».",
    ),
    Cas(
        "marche_cloture_apres_debut",
        MarcheFactory,
        {"cloture_le": datetime.date(2026, 1, 31)},
        {"cloture_le": datetime.date(2026, 2, 1)},
        id="avant-le-debut",
        message="La clôture ne peut précéder le début d'exécution.",
    ),
    Cas(
        "evenement_suivi_autre_commente",
        EvenementSuiviFactory,
        {"etape": "autre", "commentaire": ""},
        {"etape": "autre", "commentaire": "Visite de chantier"},
        id="autre-sans-commentaire",
        message="Décrivez l'événement dans le commentaire.",
    ),
    Cas(
        "acheteur_siret_format",
        AcheteurFactory,
        {"siret": "2249000190001"},
        {"siret": SIRET_DEPARTEMENT},
        id="13",
    ),
    Cas("acheteur_siret_format", AcheteurFactory, {"siret": "2249000190001A"}, id="lettre"),
    Cas("acheteur_siret_format", AcheteurFactory, {"siret": "224900019 0001"}, id="espace"),
    Cas("acheteur_siret_format", AcheteurFactory, {"siret": ""}, id="vide"),
    Cas(
        "entreprise_siret_format",
        EntrepriseFactory,
        {"siret": "2249000190001"},
        {"siret": SIRET_DEPARTEMENT},
        id="13",
    ),
    Cas("entreprise_siret_format", EntrepriseFactory, {"siret": "224900019.0001"}, id="point"),
    Cas(
        "entreprise_un_identifiant",
        EntrepriseFactory,
        {"siret": None},
        _tva(),
        id="siret-sans-siret",
        message=UN_IDENTIFIANT,
    ),
    Cas(
        "entreprise_un_identifiant",
        EntrepriseFactory,
        {"autre_identifiant": "BE0999999999"},
        id="siret-et-autre",
        message=UN_IDENTIFIANT,
    ),
    Cas(
        "entreprise_un_identifiant",
        EntrepriseFactory,
        {"type_identifiant": TypeIdentifiant.TVA, "siret": None, "autre_identifiant": ""},
        id="tva-sans-numero",
        message=UN_IDENTIFIANT,
    ),
    Cas(
        "entreprise_un_identifiant",
        EntrepriseFactory,
        {"type_identifiant": TypeIdentifiant.TVA, "autre_identifiant": "BE0999999999"},
        id="tva-et-siret",
        message=UN_IDENTIFIANT,
    ),
    Cas(
        "marche_montant_positif",
        MarcheFactory,
        {"montant_ht": Decimal("-0.01")},
        {"montant_ht": Decimal("0")},
    ),
    Cas(
        "marche_fin_apres_debut",
        MarcheFactory,
        {"date_debut": datetime.date(2026, 3, 1), "date_fin": datetime.date(2026, 2, 28)},
        {"date_debut": datetime.date(2026, 3, 1), "date_fin": datetime.date(2026, 3, 1)},
        message="La fin d'exécution doit suivre le début d'exécution.",
    ),
    Cas("lot_montant_positif", LotFactory, {"montant_ht": Decimal("-0.01")}, {"montant_ht": Decimal("0")}),
]


def _marches_du_meme_acheteur():
    acheteur = AcheteurFactory()
    return MarcheFactory(acheteur=acheteur), MarcheFactory(acheteur=acheteur)


def _lots_du_meme_marche():
    marche = MarcheFactory()
    return LotFactory(marche=marche, numero=1), LotFactory(marche=marche, numero=2)


DOUBLONS = [
    Doublon(
        "entreprise_autre_identifiant_unique",
        lambda: (EntrepriseFactory(**_tva("BE0111111111")), EntrepriseFactory(**_tva("BE0222222222"))),
        ["autre_identifiant"],
    ),
    Doublon("marche_reference_unique_par_acheteur", _marches_du_meme_acheteur, ["reference"]),
    Doublon("lot_numero_unique_par_marche", _lots_du_meme_marche, ["numero"]),
]

CHAMPS_UNIQUES = [
    ChampUnique(Acheteur, "siret", AcheteurFactory),
    ChampUnique(Entreprise, "siret", EntrepriseFactory),
    ChampUnique(
        Marche,
        "decp_uid",
        lambda: MarcheFactory(decp_uid=factory.Sequence(lambda n: f"{SIRET_DEPARTEMENT}2026-{n}")),
    ),
]

COUVERTS = noms_couverts(CHECKS, DOUBLONS, CHAMPS_UNIQUES)

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("cas", CHECKS, ids=str)
def test_ecriture_hors_formulaire_refusee(cas):
    verifier_refus(cas)


@pytest.mark.parametrize("cas", [c for c in CHECKS if c.valide], ids=str)
def test_voisin_valide_accepte(cas):
    verifier_acceptation(cas)


@pytest.mark.parametrize("cas", [c for c in CHECKS if c.message], ids=str)
def test_validation_du_modele_en_francais(cas):
    verifier_message(cas)


@pytest.mark.parametrize("doublon", DOUBLONS, ids=str)
def test_doublon_refuse(doublon):
    verifier_doublon(doublon)


@pytest.mark.parametrize("cas", CHAMPS_UNIQUES, ids=str)
def test_champ_unique(cas):
    verifier_champ_unique(cas)


def test_entreprise_creee_sans_aucun_identifiant_refusee():
    with violation("entreprise_un_identifiant"):
        Entreprise.objects.create(raison_sociale="Sans identifiant", siret=None)
    assert not Entreprise.objects.exists()


def test_meme_numero_etranger_pour_deux_types_accepte():
    EntrepriseFactory(**_tva("X123"))
    EntrepriseFactory(type_identifiant=TypeIdentifiant.HORS_UE, siret=None, autre_identifiant="X123")
    assert Entreprise.objects.filter(autre_identifiant="X123").count() == 2


def test_meme_reference_chez_deux_acheteurs_acceptee():
    premier = MarcheFactory(reference="2026-001")
    MarcheFactory(reference="2026-001")
    assert Marche.objects.filter(reference=premier.reference).count() == 2


def test_meme_numero_de_lot_dans_deux_marches_accepte():
    premier, second = LotFactory(numero=1), LotFactory(numero=1)
    assert premier.marche_id != second.marche_id
    assert Lot.objects.filter(numero=1).count() == 2


def test_plusieurs_marches_sans_identifiant_decp():
    MarcheFactory(decp_uid=None)
    MarcheFactory(decp_uid=None)
    assert Marche.objects.filter(decp_uid__isnull=True).count() == 2


def test_creation_de_marches_en_masse_controlee():
    acheteur = AcheteurFactory()
    valeurs = {
        "acheteur": acheteur,
        "objet": "Voirie",
        "nature": "travaux",
        "montant_ht": Decimal("10"),
        "date_debut": datetime.date(2026, 5, 1),
    }
    with violation("marche_fin_apres_debut"):
        Marche.objects.bulk_create(
            [
                Marche(reference="A", date_fin=datetime.date(2026, 5, 1), **valeurs),
                Marche(reference="B", date_fin=datetime.date(2026, 4, 30), **valeurs),
            ]
        )
    assert not Marche.objects.exists()

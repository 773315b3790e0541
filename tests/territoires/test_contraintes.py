import pytest

from territoires.models import Commune, Epci
from tests.contraintes import (
    Cas,
    ChampUnique,
    noms_couverts,
    verifier_acceptation,
    verifier_champ_unique,
    verifier_refus,
)
from tests.factories import CommuneFactory, EpciFactory

CHECKS = [
    Cas("epci_siren_format", EpciFactory, {"siren": "20007167"}, {"siren": "200071678"}, id="8-chiffres"),
    Cas("epci_siren_format", EpciFactory, {"siren": "20007167A"}, id="lettre"),
    Cas("epci_siren_format", EpciFactory, {"siren": "200 07167"}, id="espace"),
    Cas("epci_siren_format", EpciFactory, {"siren": ""}, id="vide"),
    Cas(
        "commune_code_insee_format",
        CommuneFactory,
        {"code_insee": "4900"},
        {"code_insee": "49007"},
        id="4-car",
    ),
    Cas(
        "commune_code_insee_format",
        CommuneFactory,
        {"code_insee": "2C004"},
        {"code_insee": "2A004"},
        id="corse",
    ),
    Cas(
        "commune_code_insee_format",
        CommuneFactory,
        {"code_insee": "A9007"},
        {"code_insee": "2B033"},
        id="lettre",
    ),
    Cas("commune_code_insee_format", CommuneFactory, {"code_insee": "4900A"}, id="lettre-fin"),
]

CHAMPS_UNIQUES = [
    ChampUnique(Epci, "siren", EpciFactory),
    ChampUnique(Commune, "code_insee", CommuneFactory),
    ChampUnique(Commune, "siren", CommuneFactory),
]

COUVERTS = noms_couverts(CHECKS, CHAMPS_UNIQUES)

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("cas", CHECKS, ids=str)
def test_ecriture_hors_formulaire_refusee(cas):
    verifier_refus(cas)


@pytest.mark.parametrize("cas", [c for c in CHECKS if c.valide], ids=str)
def test_voisin_valide_accepte(cas):
    verifier_acceptation(cas)


@pytest.mark.parametrize("cas", CHAMPS_UNIQUES, ids=str)
def test_champ_unique(cas):
    verifier_champ_unique(cas)


def test_plusieurs_communes_sans_siren():
    CommuneFactory(siren=None)
    CommuneFactory(siren=None)
    assert Commune.objects.filter(siren__isnull=True).count() == 2

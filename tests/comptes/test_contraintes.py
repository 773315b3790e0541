import pytest

from comptes.enums import Role
from comptes.models import User
from tests.contraintes import (
    Cas,
    ChampUnique,
    noms_couverts,
    verifier_acceptation,
    verifier_champ_unique,
    verifier_message,
    verifier_refus,
    violation,
)
from tests.factories import EpciFactory, UserFactory

AGENT_SANS_EPCI = "Un agent d'EPCI doit être rattaché à un EPCI."
DEPARTEMENT_AVEC_EPCI = "Un compte du Département n'est rattaché à aucun EPCI."

CHECKS = [
    Cas(
        "user_agent_epci_a_un_epci",
        lambda: UserFactory(lecteur=True),
        invalide={"role": Role.EPCI},
        valide={"role": Role.EPCI, "epci": lambda _: EpciFactory()},
        id="lecteur-devient-agent",
        message=AGENT_SANS_EPCI,
    ),
    Cas(
        "user_agent_epci_a_un_epci",
        lambda: UserFactory(agent_epci=True),
        invalide={"epci": None},
        valide={"role": Role.LECTEUR, "epci": None},
        id="agent-perd-son-epci",
        message=AGENT_SANS_EPCI,
    ),
    Cas(
        "user_departement_sans_epci",
        lambda: UserFactory(agent_epci=True),
        invalide={"role": Role.DEPARTEMENT},
        # a reader may keep an EPCI (restricted to it)
        valide={"role": Role.LECTEUR},
        id="agent-devient-departement",
        message=DEPARTEMENT_AVEC_EPCI,
    ),
    Cas(
        "user_departement_sans_epci",
        lambda: UserFactory(departement=True),
        invalide={"epci": lambda _: EpciFactory()},
        valide={"epci": None},
        id="departement-recoit-un-epci",
        message=DEPARTEMENT_AVEC_EPCI,
    ),
]

CHAMPS_UNIQUES = [ChampUnique(User, "username", UserFactory)]

COUVERTS = noms_couverts(CHECKS, CHAMPS_UNIQUES)

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("cas", CHECKS, ids=str)
def test_ecriture_hors_formulaire_refusee(cas):
    verifier_refus(cas)


@pytest.mark.parametrize("cas", CHECKS, ids=str)
def test_voisin_valide_accepte(cas):
    verifier_acceptation(cas)


@pytest.mark.parametrize("cas", CHECKS, ids=str)
def test_validation_du_modele_en_francais(cas):
    verifier_message(cas)


@pytest.mark.parametrize("cas", CHAMPS_UNIQUES, ids=str)
def test_champ_unique(cas):
    verifier_champ_unique(cas)


def test_create_user_agent_epci_sans_epci_refuse():
    with violation("user_agent_epci_a_un_epci"):
        User.objects.create_user(username="agent-sans-epci", password="x", role=Role.EPCI)
    assert not User.objects.filter(username="agent-sans-epci").exists()

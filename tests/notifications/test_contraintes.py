import pytest

from notifications.models import MESSAGE_LIEN_INTERNE, Notification, PreferenceNotification
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
from tests.factories import NotificationFactory, PreferenceNotificationFactory, UserFactory

CHECKS = [
    Cas(
        "notification_lien_interne",
        NotificationFactory,
        invalide={"lien": "https://ailleurs.example/piege"},
        valide={"lien": "/marches/1/"},
        id="lien-externe",
        message=MESSAGE_LIEN_INTERNE,
    ),
    Cas(
        "notification_lien_interne",
        NotificationFactory,
        invalide={"lien": "marches/1/"},
        valide={"lien": ""},
        id="lien-relatif",
        message=MESSAGE_LIEN_INTERNE,
    ),
    Cas(
        "notification_lien_interne",
        NotificationFactory,
        invalide={"lien": "//ailleurs.example/"},
        valide={"lien": "/notifications/"},
        id="lien-vers-un-autre-hote",
        message=MESSAGE_LIEN_INTERNE,
    ),
]


def _meme_fait_deux_destinataires():
    premiere = NotificationFactory(cle="rejet:1:2026-03-02T10:00:00+00:00")
    return premiere, NotificationFactory(cle=premiere.cle)


DOUBLONS = [
    Doublon("notification_cle_unique_par_destinataire", _meme_fait_deux_destinataires, ["destinataire"])
]

CHAMPS_UNIQUES = [ChampUnique(PreferenceNotification, "utilisateur", PreferenceNotificationFactory)]

COUVERTS = noms_couverts(CHECKS, DOUBLONS, CHAMPS_UNIQUES)

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


@pytest.mark.parametrize("doublon", DOUBLONS, ids=str)
def test_doublon_refuse(doublon):
    verifier_doublon(doublon)


@pytest.mark.parametrize("cas", CHAMPS_UNIQUES, ids=str)
def test_champ_unique(cas):
    verifier_champ_unique(cas)


def test_le_meme_fait_se_cree_une_fois_par_destinataire():
    # The idempotence of envoyer_relances rests on this key: the same fact, the same person, refused.
    agent = UserFactory(agent_epci=True)
    NotificationFactory(destinataire=agent, cle="manquante:1:2026-03")
    with violation("notification_cle_unique_par_destinataire"):
        NotificationFactory(destinataire=agent, cle="manquante:1:2026-03")
    assert Notification.objects.filter(destinataire=agent).count() == 1

"""Second factor, after set-up: one's own recovery codes regenerated, and the Département's reset of another
account's factor (lost phone), logged."""

import logging

import pytest
from django.test import Client
from django.utils.html import escape
from django_otp.oath import totp
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from comptes import regles
from tests.factories import UserFactory
from tests.requetes import assert_autant_de_requetes, requetes_de_la_page

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _double_facteur_exige(settings):
    settings.EXIGER_DOUBLE_FACTEUR = True


def _equiper(user) -> TOTPDevice:
    appareil = TOTPDevice.objects.create(user=user, name="téléphone", confirmed=True)
    secours = StaticDevice.objects.create(user=user, name="Codes de secours")
    StaticToken.objects.create(device=secours, token="aaaa2222")
    return appareil


def _connecter_verifie(client, user) -> TOTPDevice:
    """Signed in, the second factor confirmed with the app's code."""
    appareil = _equiper(user)
    client.force_login(user)
    reponse = client.post("/compte/double-facteur/verifier/", {"code": f"{totp(appareil.bin_key):06d}"})
    assert reponse["Location"] == "/"
    return appareil


def _messages(reponse) -> str:
    return " ".join(str(message) for message in reponse.context["messages"])


def test_regenerer_les_codes_de_secours(client, departement):
    _connecter_verifie(client, departement)
    page = client.get("/compte/double-facteur/").content.decode()
    assert "1</strong> code de secours sur 10" in page

    reponse = client.post("/compte/double-facteur/codes/regenerer/", follow=True)
    nouveaux = reponse.context["codes"]
    assert len(nouveaux) == 10 and len(set(nouveaux)) == 10
    assert "Nouveaux codes de secours : les anciens ne fonctionnent plus." in _messages(reponse)
    assert set(StaticToken.objects.filter(device__user=departement).values_list("token", flat=True)) == set(
        nouveaux
    )
    assert StaticDevice.objects.filter(user=departement).count() == 1
    # the old code no longer opens a session
    client.force_login(departement)
    client.post("/deconnexion/")
    client.force_login(departement)
    reponse = client.post("/compte/double-facteur/verifier/", {"code": "aaaa2222"})
    assert escape(regles.CODE_INCORRECT) in reponse.content.decode()


def test_etat_sans_double_facteur(client, settings, departement):
    settings.EXIGER_DOUBLE_FACTEUR = False
    client.force_login(departement)
    page = client.get("/compte/double-facteur/").content.decode()
    assert "pas encore activé" in page and "vous pouvez l'activer dès maintenant" in page
    reponse = client.post("/compte/double-facteur/codes/regenerer/", follow=True)
    assert "Activez d&#x27;abord le double facteur." in reponse.content.decode()
    assert not StaticToken.objects.exists()


def test_le_departement_reinitialise_le_double_facteur_d_un_collegue(client, departement, caplog):
    collegue = UserFactory(departement=True, username="collegue")
    _equiper(collegue)
    _connecter_verifie(client, departement)
    page = client.get("/comptes/double-facteur/").content.decode()
    assert "collegue" in page and "activé" in page and "votre compte" in page

    with caplog.at_level(logging.INFO, logger="comptes.services"):
        reponse = client.post(f"/comptes/{collegue.pk}/double-facteur/reinitialiser/", follow=True)
    assert "Le double facteur du compte collegue est réinitialisé" in _messages(reponse)
    assert not TOTPDevice.objects.filter(user=collegue).exists()
    assert not StaticDevice.objects.filter(user=collegue).exists()
    assert f"Double facteur du compte collegue réinitialisé par {departement.username}." in caplog.messages
    # the colleague sets it up again at the next page
    client.force_login(collegue)
    assert client.get("/")["Location"].startswith("/compte/double-facteur/activer/")


def test_une_session_deja_verifiee_redemande_l_activation_apres_reinitialisation(client, departement):
    collegue = UserFactory(departement=True)
    _connecter_verifie(client, collegue)
    assert client.get("/").status_code == 200
    autre = Client()
    _connecter_verifie(autre, departement)
    autre.post(f"/comptes/{collegue.pk}/double-facteur/reinitialiser/")
    assert client.get("/")["Location"].startswith("/compte/double-facteur/activer/")


def test_reinitialisations_refusees(client, departement, superuser, agent_a):
    appareil = _connecter_verifie(client, departement)
    _equiper(superuser)
    page = client.get("/comptes/double-facteur/").content.decode()
    assert "votre compte" in page and "par un administrateur" in page

    reponse = client.post(f"/comptes/{departement.pk}/double-facteur/reinitialiser/", follow=True)
    assert regles.REINITIALISATION_DE_SOI in _messages(reponse)
    reponse = client.post(f"/comptes/{superuser.pk}/double-facteur/reinitialiser/", follow=True)
    assert regles.REINITIALISATION_D_UN_ADMINISTRATEUR in _messages(reponse)
    assert TOTPDevice.objects.filter(pk=appareil.pk).exists()
    assert TOTPDevice.objects.filter(user=superuser).exists()
    # a clerk has no second factor to reset: not in the list
    assert client.post(f"/comptes/{agent_a.pk}/double-facteur/reinitialiser/").status_code == 404


def test_un_administrateur_reinitialise_un_administrateur(client, superuser):
    autre = UserFactory(admin=True)
    _equiper(autre)
    _connecter_verifie(client, superuser)
    client.post(f"/comptes/{autre.pk}/double-facteur/reinitialiser/")
    assert not TOTPDevice.objects.filter(user=autre).exists()


def test_liste_des_comptes_en_requetes_constantes(client, departement):
    _connecter_verifie(client, departement)

    def mesurer(n):
        for _ in range(n):
            _equiper(UserFactory(departement=True))
        reponse, requetes = requetes_de_la_page(client, "/comptes/double-facteur/")
        assert reponse.status_code == 200
        return requetes

    avec_n = mesurer(2)
    assert_autant_de_requetes(avec_n, mesurer(18))

"""Sign-in throttling (django-axes): 10 failures lock one account for 15 minutes; the Département lifts it."""

import datetime

import pytest
from axes.models import AccessAttempt
from django.utils import timezone

from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

MOT_DE_PASSE = "un-mot-de-passe-de-test-49"


@pytest.fixture
def agent():
    user = UserFactory(agent_epci=True, username="agent-a")
    user.set_password(MOT_DE_PASSE)
    user.save()
    return user


def _connexion(client, username, password):
    client.logout()
    return client.post("/connexion/", {"username": username, "password": password})


def _echouer(client, username, fois):
    """Wrong passwords: the sign-in page again for the first 9, the lock page from the 10th on."""
    for essai in range(1, fois + 1):
        assert _connexion(client, username, "faux").status_code == (429 if essai >= 10 else 200)


def test_neuf_echecs_puis_le_bon_mot_de_passe(client, agent):
    _echouer(client, "agent-a", 9)
    assert _connexion(client, "agent-a", MOT_DE_PASSE).status_code == 302
    # a success resets the count
    assert not AccessAttempt.objects.filter(username="agent-a").exists()


def test_dix_echecs_verrouillent_le_compte_meme_avec_le_bon_mot_de_passe(client, agent):
    _echouer(client, "agent-a", 10)
    reponse = _connexion(client, "agent-a", MOT_DE_PASSE)
    assert reponse.status_code == 429
    page = reponse.content.decode()
    assert "Compte verrouillé pour 15 minutes" in page and "agent-a" in page
    assert "_auth_user_id" not in client.session


def test_les_autres_comptes_ne_sont_pas_touches(client, agent):
    autre = UserFactory(agent_epci=True, username="agent-b")
    autre.set_password(MOT_DE_PASSE)
    autre.save()
    _echouer(client, "agent-a", 12)
    assert _connexion(client, "agent-b", MOT_DE_PASSE).status_code == 302


def test_le_verrouillage_expire_apres_15_minutes(client, agent):
    _echouer(client, "agent-a", 10)
    AccessAttempt.objects.filter(username="agent-a").update(
        attempt_time=timezone.now() - datetime.timedelta(minutes=15, seconds=1)
    )
    assert _connexion(client, "agent-a", MOT_DE_PASSE).status_code == 302


def test_le_departement_voit_et_leve_le_verrouillage(client, agent):
    _echouer(client, "agent-a", 10)
    departement = UserFactory(departement=True)
    client.force_login(departement)
    page = client.get("/comptes/verrouillages/").content.decode()
    assert "agent-a" in page and "Lever le verrouillage" in page

    reponse = client.post("/comptes/verrouillages/", {"username": "agent-a"}, follow=True)
    assert "Le verrouillage du compte agent-a est levé." in reponse.content.decode()
    assert "Aucun compte n'est verrouillé." in reponse.content.decode()
    assert _connexion(client, "agent-a", MOT_DE_PASSE).status_code == 302


@pytest.mark.parametrize("role", [{"agent_epci": True}, {"lecteur": True}])
def test_seul_le_departement_leve_un_verrouillage(client, agent, role):
    _echouer(client, "agent-a", 10)
    client.force_login(UserFactory(**role))
    assert client.get("/comptes/verrouillages/").status_code == 404
    assert client.post("/comptes/verrouillages/", {"username": "agent-a"}).status_code == 404
    assert AccessAttempt.objects.filter(username="agent-a").exists()

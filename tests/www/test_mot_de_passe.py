"""Everyone changes their own password; a forgotten one is reset by e-mail (EMAIL_URL), in French."""

import re

import pytest
from django.core import mail

from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

ANCIEN, NOUVEAU = "ancien-mot-de-passe-49", "Nouveau-mot-de-passe-2026"


@pytest.fixture
def agent():
    user = UserFactory(agent_epci=True, username="agent-a", email="agent.a@exemple.fr")
    user.set_password(ANCIEN)
    user.save()
    return user


def _connexion(client, password):
    client.logout()
    return client.post("/connexion/", {"username": "agent-a", "password": password})


@pytest.mark.parametrize("role", [{"departement": True}, {"agent_epci": True}, {"lecteur": True}])
def test_chacun_change_son_mot_de_passe(client, role):
    user = UserFactory(**role)
    user.set_password(ANCIEN)
    user.save()
    client.force_login(user)
    assert "Changer mon mot de passe" in client.get("/compte/mot-de-passe/").content.decode()
    reponse = client.post(
        "/compte/mot-de-passe/",
        {"old_password": ANCIEN, "new_password1": NOUVEAU, "new_password2": NOUVEAU},
        follow=True,
    )
    assert "Mot de passe modifié" in reponse.content.decode()
    user.refresh_from_db()
    assert user.check_password(NOUVEAU)


@pytest.mark.parametrize(
    ("donnees", "message"),
    [
        ({"old_password": "faux", "new_password1": NOUVEAU, "new_password2": NOUVEAU}, "ancien mot de passe"),
        (
            {"old_password": ANCIEN, "new_password1": NOUVEAU, "new_password2": NOUVEAU + "x"},
            "ne correspondent pas",
        ),
        ({"old_password": ANCIEN, "new_password1": "court", "new_password2": "court"}, "trop court"),
        (
            {"old_password": ANCIEN, "new_password1": "123456789012", "new_password2": "123456789012"},
            "entièrement",
        ),
    ],
)
def test_mot_de_passe_refuse_en_francais(client, agent, donnees, message):
    client.force_login(agent)
    reponse = client.post("/compte/mot-de-passe/", donnees)
    assert reponse.status_code == 200
    assert message in reponse.content.decode()
    agent.refresh_from_db()
    assert agent.check_password(ANCIEN)


def test_reinitialisation_par_courriel(client, agent):
    page = client.get("/connexion/").content.decode()
    assert 'href="/mot-de-passe-oublie/"' in page
    reponse = client.post("/mot-de-passe-oublie/", {"email": "agent.a@exemple.fr"}, follow=True)
    assert "Vérifiez votre messagerie" in reponse.content.decode()
    assert len(mail.outbox) == 1
    courriel = mail.outbox[0]
    assert courriel.to == ["agent.a@exemple.fr"]
    assert courriel.subject == "Portail des clauses d'insertion : choisir un nouveau mot de passe"
    lien = re.search(r"https?://[^/]+(/mot-de-passe-oublie/[^/\s]+/[^/\s]+/)", courriel.body).group(1)

    formulaire = client.get(lien, follow=True)
    assert "Choisir un mot de passe" in formulaire.content.decode()
    fin = client.post(
        formulaire.redirect_chain[-1][0], {"new_password1": NOUVEAU, "new_password2": NOUVEAU}, follow=True
    )
    assert "Mot de passe enregistré" in fin.content.decode()
    assert _connexion(client, NOUVEAU).status_code == 302
    # the link served once
    assert "n'est plus valable" in client.get(lien, follow=True).content.decode()


def test_adresse_inconnue_meme_reponse_sans_courriel(client, agent):
    reponse = client.post("/mot-de-passe-oublie/", {"email": "inconnu@exemple.fr"}, follow=True)
    assert "Vérifiez votre messagerie" in reponse.content.decode()
    assert mail.outbox == []

"""Département staff invite and deactivate clerk and reader accounts from the portal, without the admin."""

import re

import pytest
from django.core import mail

from comptes.enums import Role
from comptes.models import User
from tests.factories import EpciFactory, UserFactory

pytestmark = pytest.mark.django_db

MOT_DE_PASSE = "Mot-de-passe-choisi-2026"


@pytest.fixture
def client_departement(client):
    client.force_login(UserFactory(departement=True, first_name="Édith", last_name="Morin"))
    return client


def test_invitation_d_un_agent_jusqu_a_sa_connexion(client_departement, django_capture_on_commit_callbacks):
    epci = EpciFactory(nom="CC Alpha")
    with django_capture_on_commit_callbacks(execute=True):
        reponse = client_departement.post(
            "/comptes/inviter/",
            {
                "prenom": "Camille",
                "nom": "Martin",
                "email": "Camille.Martin@alpha.fr",
                "role": Role.EPCI,
                "epci": epci.pk,
            },
            follow=True,
        )
    assert "Invitation envoyée à camille.martin@alpha.fr" in reponse.content.decode()
    compte = User.objects.get(username="camille.martin@alpha.fr")
    assert (compte.role, compte.epci, compte.has_usable_password()) == (Role.EPCI, epci, False)
    assert "invitation en attente" in reponse.content.decode()

    assert len(mail.outbox) == 1
    courriel = mail.outbox[0]
    assert courriel.to == ["camille.martin@alpha.fr"]
    assert "Édith Morin, du Département de Maine-et-Loire, vous a ouvert un compte" in courriel.body
    assert "pour CC Alpha" in courriel.body
    lien = re.search(r"https?://[^/]+(/mot-de-passe-oublie/\S+/\S+/)", courriel.body).group(1)

    client_departement.logout()
    formulaire = client_departement.get(lien, follow=True)
    client_departement.post(
        formulaire.redirect_chain[-1][0], {"new_password1": MOT_DE_PASSE, "new_password2": MOT_DE_PASSE}
    )
    connexion = client_departement.post(
        "/connexion/", {"username": "camille.martin@alpha.fr", "password": MOT_DE_PASSE}, follow=True
    )
    assert "agent d&#x27;EPCI" in connexion.content.decode() or "agent d'EPCI" in connexion.content.decode()
    assert client_departement.get("/saisie/").status_code == 200


def test_un_lecteur_sans_epci(client_departement):
    client_departement.post(
        "/comptes/inviter/",
        {"prenom": "Léa", "nom": "Élue", "email": "lea@maine-et-loire.fr", "role": Role.LECTEUR},
    )
    compte = User.objects.get(username="lea@maine-et-loire.fr")
    assert (compte.role, compte.epci) == (Role.LECTEUR, None)


@pytest.mark.parametrize(
    ("donnees", "message"),
    [
        ({"prenom": "", "nom": "X", "email": "a@b.fr", "role": Role.LECTEUR}, "Indiquez le prénom."),
        (
            {"prenom": "A", "nom": "X", "email": "pas-une-adresse", "role": Role.LECTEUR},
            "n&#x27;est pas valide",
        ),
        (
            {"prenom": "A", "nom": "X", "email": "a@b.fr", "role": Role.EPCI},
            "Un agent d&#x27;EPCI est rattaché à un EPCI",
        ),
        (
            {"prenom": "A", "nom": "X", "email": "a@b.fr", "role": Role.DEPARTEMENT},
            "Choisissez un rôle de la liste.",
        ),
        ({"prenom": "A", "nom": "X", "email": "deja@b.fr", "role": Role.LECTEUR}, "Un compte existe déjà"),
    ],
)
def test_invitation_refusee_en_francais(client_departement, donnees, message):
    UserFactory(username="deja@b.fr", email="deja@b.fr")
    avant = User.objects.count()
    reponse = client_departement.post("/comptes/inviter/", donnees)
    assert reponse.status_code == 200
    assert message in reponse.content.decode()
    assert User.objects.count() == avant
    assert mail.outbox == []


def test_desactiver_puis_reactiver(client_departement, client):
    agent = UserFactory(agent_epci=True, username="agent-a")
    agent.set_password(MOT_DE_PASSE)
    agent.save()
    reponse = client_departement.post(f"/comptes/{agent.pk}/activite/", {"actif": "0"}, follow=True)
    assert "Le compte agent-a est désactivé" in reponse.content.decode()
    agent.refresh_from_db()
    assert not agent.is_active
    client_departement.logout()
    assert (
        client_departement.post("/connexion/", {"username": "agent-a", "password": MOT_DE_PASSE}).status_code
        == 200
    )

    client_departement.force_login(UserFactory(departement=True))
    client_departement.post(f"/comptes/{agent.pk}/activite/", {"actif": "1"})
    agent.refresh_from_db()
    assert agent.is_active


def test_un_compte_du_departement_n_est_pas_gere_ici(client_departement):
    collegue = UserFactory(departement=True)
    assert client_departement.post(f"/comptes/{collegue.pk}/activite/", {"actif": "0"}).status_code == 404
    collegue.refresh_from_db()
    assert collegue.is_active


@pytest.mark.parametrize("role", [{"agent_epci": True}, {"lecteur": True}])
@pytest.mark.parametrize("url", ["/comptes/", "/comptes/inviter/"])
def test_reserve_au_departement(client, role, url):
    client.force_login(UserFactory(**role))
    assert client.get(url).status_code == 404

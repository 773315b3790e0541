import html
from datetime import timedelta

import pytest
from django.contrib.auth import SESSION_KEY
from django.contrib.sessions.models import Session
from django.utils import timezone

from tests.factories import MOT_DE_PASSE, EpciFactory, UserFactory

pytestmark = pytest.mark.django_db

ERREUR_CONNEXION = "Identifiant ou mot de passe incorrect. Les deux champs tiennent compte des majuscules."


def _texte(reponse):
    return html.unescape(reponse.content.decode())


def test_page_de_connexion_en_francais(client):
    reponse = client.get("/connexion/")
    assert reponse.status_code == 200
    texte = _texte(reponse)
    assert '<html lang="fr">' in texte
    assert '<label class="form-label" for="id_username">Identifiant</label>' in texte
    assert '<label class="form-label" for="id_password">Mot de passe</label>' in texte
    assert "Se connecter" in texte


def test_mauvais_mot_de_passe(client):
    utilisateur = UserFactory(departement=True)
    reponse = client.post("/connexion/", {"username": utilisateur.username, "password": "pas-le-bon"})
    assert reponse.status_code == 200
    assert ERREUR_CONNEXION in _texte(reponse)
    assert SESSION_KEY not in client.session


def test_compte_desactive_refuse(client):
    utilisateur = UserFactory(departement=True, is_active=False)
    reponse = client.post("/connexion/", {"username": utilisateur.username, "password": MOT_DE_PASSE})
    assert reponse.status_code == 200
    assert SESSION_KEY not in client.session


def test_bon_mot_de_passe_mene_a_l_accueil(client):
    utilisateur = UserFactory(departement=True)
    reponse = client.post("/connexion/", {"username": utilisateur.username, "password": MOT_DE_PASSE})
    assert reponse.status_code == 302
    assert reponse["Location"] == "/"
    assert client.session[SESSION_KEY] == str(utilisateur.pk)


def test_connexion_suit_next(client):
    utilisateur = UserFactory(departement=True)
    reponse = client.post(
        "/connexion/", {"username": utilisateur.username, "password": MOT_DE_PASSE, "next": "/sante/"}
    )
    assert reponse["Location"] == "/sante/"


def test_connexion_ignore_un_next_externe(client):
    utilisateur = UserFactory(departement=True)
    reponse = client.post(
        "/connexion/",
        {"username": utilisateur.username, "password": MOT_DE_PASSE, "next": "https://exemple.test/"},
    )
    assert reponse["Location"] == "/"


def test_deja_connecte_renvoye_a_l_accueil(client):
    client.force_login(UserFactory(departement=True))
    reponse = client.get("/connexion/")
    assert reponse.status_code == 302
    assert reponse["Location"] == "/"


@pytest.mark.parametrize(
    ("traits", "role", "perimetre"),
    [
        ({"departement": True}, "Département (chargé·e de mission insertion)", "tout le Département"),
        ({"lecteur": True}, "lecteur (chiffres agrégés)", "tout le Département"),
        ({"admin": True}, "administrateur", "tout le Département"),
    ],
    ids=["departement", "lecteur", "admin"],
)
def test_accueil_montre_identifiant_role_et_perimetre(client, traits, role, perimetre):
    utilisateur = UserFactory(**traits)
    client.force_login(utilisateur)
    reponse = client.get("/")
    assert reponse.status_code == 200
    texte = _texte(reponse)
    assert f'<dd class="col-sm-9">{utilisateur.username}</dd>' in texte
    assert f'<dd class="col-sm-9">{role}</dd>' in texte
    assert f'<dd class="col-sm-9">{perimetre}</dd>' in texte


def test_accueil_d_un_agent_d_epci(client):
    epci = EpciFactory(nom="Communauté de communes Anjou Loir et Sarthe")
    utilisateur = UserFactory(agent_epci=True, epci=epci)
    client.force_login(utilisateur)
    texte = _texte(client.get("/"))
    assert f'<dd class="col-sm-9">{utilisateur.username}</dd>' in texte
    assert '<dd class="col-sm-9">agent d\'EPCI</dd>' in texte
    assert f'<dd class="col-sm-9">{epci.nom}</dd>' in texte
    assert f"les marchés de {epci.nom}" in texte
    assert "Valider ou rejeter" not in texte


def test_accueil_d_un_lecteur_d_epci(client):
    epci = EpciFactory(nom="Mauges Communauté")
    client.force_login(UserFactory(lecteur_epci=True, epci=epci))
    texte = _texte(client.get("/"))
    assert '<dd class="col-sm-9">lecteur (chiffres agrégés)</dd>' in texte
    assert '<dd class="col-sm-9">Mauges Communauté</dd>' in texte
    assert "Consulter les chiffres agrégés</a> de Mauges Communauté." in texte
    assert "/saisie/" not in texte.split("</nav>", 1)[1]


def test_lien_d_administration_reserve_au_staff(client):
    client.force_login(UserFactory(departement=True))
    assert "/admin/" not in _texte(client.get("/"))
    client.force_login(UserFactory(admin=True))
    assert 'href="/admin/"' in _texte(client.get("/"))


def test_deconnexion_en_post(client):
    client.force_login(UserFactory(departement=True))
    assert client.get("/deconnexion/").status_code == 405
    assert SESSION_KEY in client.session

    reponse = client.post("/deconnexion/")
    assert reponse.status_code == 302
    assert reponse["Location"] == "/connexion/"
    assert SESSION_KEY not in client.session
    assert client.get("/")["Location"] == "/connexion/?next=/"


def test_bouton_de_deconnexion_est_un_formulaire_post(client):
    client.force_login(UserFactory(departement=True))
    texte = _texte(client.get("/"))
    assert '<form method="post" action="/deconnexion/"' in texte
    assert "Se déconnecter" in texte


def _suivre(client, url, etapes=5):
    """Follows redirects by hand, at most `etapes` times; returns the path travelled and the last response."""
    chemin = [url]
    for _ in range(etapes):
        reponse = client.get(url)
        if reponse.status_code != 302:
            return chemin, reponse
        url = reponse["Location"]
        chemin.append(url)
    raise AssertionError(f"Boucle de redirections : {chemin}")


@pytest.mark.parametrize("traits", [{"departement": True}, {"agent_epci": True}, {"lecteur": True}])
def test_administration_refusee_sans_boucle_aux_comptes_sans_acces(client, traits):
    client.force_login(UserFactory(**traits))
    chemin, reponse = _suivre(client, "/admin/")
    assert chemin == ["/admin/", "/admin/login/?next=/admin/"]
    assert reponse.status_code == 403
    assert "n&#x27;a pas accès à l&#x27;administration" in reponse.content.decode()


def test_page_introuvable_en_francais(client):
    client.force_login(UserFactory(departement=True))
    reponse = client.get("/marches/999999/")
    assert reponse.status_code == 404
    texte = reponse.content.decode()
    assert "Page introuvable" in texte
    assert "ne fait pas partie de votre périmètre" in texte


def _expiration(client):
    return Session.objects.get(session_key=client.session.session_key).expire_date


def test_la_session_finit_apres_30_minutes_sans_activite(client):
    utilisateur = UserFactory(departement=True)
    client.post("/connexion/", {"username": utilisateur.username, "password": MOT_DE_PASSE})
    cle = client.session.session_key
    # Each request pushes the end back to 30 minutes from now.
    Session.objects.filter(session_key=cle).update(expire_date=timezone.now() + timedelta(minutes=1))
    assert client.get("/").status_code == 200
    reste = _expiration(client) - timezone.now()
    assert timedelta(minutes=29) < reste <= timedelta(minutes=30)
    # Thirty minutes without a request: the next one is sent to the sign-in page.
    Session.objects.filter(session_key=cle).update(expire_date=timezone.now() - timedelta(seconds=1))
    reponse = client.get("/")
    assert reponse.status_code == 302
    assert reponse["Location"].startswith("/connexion/")

"""A request body above its page's cap gets the French 400 page before it is read, never a 500."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import resolve, reverse

from insertion.models import HeuresRealisees
from marches.models import Marche
from tests.factories import CommuneFactory, UserFactory
from www.marches.forms import TAILLE_MAX_DECP_OCTETS

pytestmark = pytest.mark.django_db

TROIS_MO = 3 * 1024 * 1024


def test_un_releve_de_3_mo_recoit_la_page_400_en_francais(client):
    client.force_login(UserFactory(agent_epci=True))
    reponse = client.post(
        reverse("releves:importer"), {"fichier": SimpleUploadedFile("releve.csv", b"x" * TROIS_MO)}
    )
    assert reponse.status_code == 400
    page = reponse.content.decode()
    assert '<h1 class="h3">Demande invalide</h1>' in page
    assert "La demande envoyée pèse 3,0 Mo : cette page en accepte au plus 2,5 Mo." in page
    assert not HeuresRealisees.objects.exists()


def test_sans_connexion_aussi(client):
    reponse = client.post(reverse("comptes:connexion"), {"username": "x" * TROIS_MO})
    assert reponse.status_code == 400
    assert "cette page en accepte au plus 2,5 Mo" in reponse.content.decode()


def test_la_page_d_import_decp_accepte_plus_gros(client):
    assert resolve(reverse("marches:import_decp")).func.taille_max_requete == TAILLE_MAX_DECP_OCTETS + 1024**2
    CommuneFactory()  # the territories of the Département are loaded
    client.force_login(UserFactory(departement=True))
    contenu = b'{"marches": {"marche": [' + b" " * TROIS_MO + b"]}}"
    reponse = client.post(
        reverse("marches:import_decp"),
        {"fichier": SimpleUploadedFile("decp.json", contenu)},
    )
    assert reponse.status_code == 200
    assert "Fichier importé" in reponse.content.decode()
    assert not Marche.objects.exists()


def test_une_longueur_illisible_est_laissee_a_django(client):
    client.force_login(UserFactory(agent_epci=True))
    reponse = client.get(reverse("releves:importer"), CONTENT_LENGTH="beaucoup")
    assert reponse.status_code == 200

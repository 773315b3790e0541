"""Wrong query parameters get a French 400 (or a 404 for a month that cannot exist), never a 500."""

import pytest

from tests.factories import ClauseFactory, UserFactory

pytestmark = pytest.mark.django_db

LISTES = ["/marches/", "/beneficiaires/", "/validation/", "/clauses/a-calibrer/", "/pilotage/"]


@pytest.fixture
def client_departement(client):
    client.force_login(UserFactory(departement=True))
    return client


@pytest.mark.parametrize("url", LISTES)
@pytest.mark.parametrize("valeur", ["-1", "0", "abc", "201", "100000000000000000000", "1.5", "٣"])
def test_nombre_de_lignes_par_page_invalide(client_departement, url, valeur):
    reponse = client_departement.get(url, {"per_page": valeur})
    assert reponse.status_code == 400
    assert "Paramètre « per_page » invalide : indiquez un nombre de lignes par page entre 1 et 200." in (
        reponse.content.decode()
    )


@pytest.mark.parametrize("url", LISTES)
def test_numero_de_page_invalide(client_departement, url):
    reponse = client_departement.get(url, {"page": "-2"})
    assert reponse.status_code == 400
    assert "Paramètre « page » invalide" in reponse.content.decode()


@pytest.mark.parametrize("url", LISTES)
def test_bornes_acceptees(client_departement, url):
    assert client_departement.get(url, {"per_page": "200", "page": "1"}).status_code == 200


def test_tableau_du_tableau_de_bord(client_departement):
    reponse = client_departement.get("/tableau-de-bord/", {"marches-per_page": "-1"})
    assert reponse.status_code == 400
    assert "Paramètre « marches-per_page » invalide" in reponse.content.decode()


@pytest.mark.parametrize(
    ("url", "parametres"),
    [
        ("/marches/", {"epci": "\x00"}),
        ("/beneficiaires/", {"recherche": "a\x00b"}),
        ("/validation/", {"mois": "2026-01\x00"}),
        ("/tableau-de-bord/", {"annee\x00": "2026"}),
    ],
)
def test_octet_nul_refuse(client_departement, url, parametres):
    reponse = client_departement.get(url, parametres)
    assert reponse.status_code == 400
    assert "caractère nul" in reponse.content.decode()


def test_octet_nul_dans_un_formulaire(client_departement):
    reponse = client_departement.post("/validation/", {"motif": "\x00", "action": "rejeter"})
    assert reponse.status_code == 400


@pytest.mark.parametrize("mois", ["9999-12", "0001-01", "1999-12", "2101-01"])
def test_mois_hors_des_annees_du_portail(client_departement, mois):
    clause = ClauseFactory()
    assert client_departement.get(f"/saisie/{clause.pk}/{mois}/").status_code == 404


def test_page_400_en_francais(client_departement):
    reponse = client_departement.get("/marches/", {"per_page": "x"})
    page = reponse.content.decode()
    assert '<h1 class="h3">Demande invalide</h1>' in page
    assert 'lang="fr"' in page


@pytest.mark.parametrize("url", LISTES)
@pytest.mark.parametrize("parametre", ["per_page", "page"])
def test_nombre_de_plus_de_4300_chiffres(client_departement, url, parametre):
    """int() refuses more than 4 300 digits with a ValueError: the text is bounded first, a French 400."""
    reponse = client_departement.get(url, {parametre: "9" * 5000})
    assert reponse.status_code == 400
    assert f"Paramètre « {parametre} » invalide" in reponse.content.decode()


def test_annee_de_plus_de_4300_chiffres(client_departement):
    reponse = client_departement.get("/tableau-de-bord/indicateurs.json", {"annee": "9" * 5000})
    assert reponse.status_code == 400
    assert reponse.json()["erreur"].startswith("Paramètre « annee » invalide : indiquez une année")
    page = client_departement.get("/tableau-de-bord/", {"annee": "9" * 5000})
    assert page.status_code == 200
    assert "n&#x27;est pas valide" in page.content.decode()

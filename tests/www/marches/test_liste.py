"""Contracts pages: the list, its perimeter, filters, sorting and pagination."""

from decimal import Decimal

import pytest
from django.utils import timezone

from tests.factories import (
    AcheteurFactory,
    BeneficiaireFactory,
    ClauseFactory,
    UserFactory,
)
from tests.requetes import assert_autant_de_requetes, requetes_de_la_page
from tests.www.marches.aides import NBSP, URL_LISTE, _marches, get, url_marche

pytestmark = pytest.mark.django_db


def references(response):
    return [ligne.record.reference for ligne in response.context["table"].paginated_rows]


def cellules(response, reference):
    """Rendered cells of one row, by column name."""
    for ligne in response.context["table"].paginated_rows:
        if ligne.record.reference == reference:
            return {colonne.name: cellule for colonne, cellule in ligne.items()}
    raise AssertionError(f"{reference} absent du tableau")


# --- scope ---------------------------------------------------------------------------------------


def test_agent_voit_les_marches_avec_clause_de_son_epci(client, jeu, agent_a):
    response = get(client, agent_a, URL_LISTE)
    assert response.status_code == 200
    assert sorted(references(response)) == ["A-001", "A-002", "A-003"]
    html = response.content.decode()
    assert "B-001" not in html
    assert "A-SANS-CLAUSE" not in html
    assert 'name="epci"' not in html
    assert ">EPCI<" not in html  # no EPCI column


def test_le_filtre_acheteur_ne_propose_que_les_acheteurs_du_perimetre(client, jeu, agent_a, departement):
    html = get(client, agent_a, URL_LISTE).content.decode()
    assert "Mairie de Pommeraye-Témoin" in html
    assert "Office Alpha Habitat" in html
    assert "Ville de Beaufort-Secrète" not in html
    # Years: only those of Alpha's contracts (B-001 ran in 2019–2020).
    assert '<option value="2023">' in html
    assert '<option value="2019">' not in html

    html_dep = get(client, departement, URL_LISTE).content.decode()
    assert "Ville de Beaufort-Secrète" in html_dep
    assert '<option value="2019">' in html_dep


def test_departement_voit_tout_avec_le_filtre_epci(client, jeu, departement):
    response = get(client, departement, URL_LISTE)
    assert sorted(references(response)) == ["A-001", "A-002", "A-003", "B-001"]
    formulaire = response.context["filtre"].form
    assert list(formulaire.fields["epci"].queryset) == [jeu["alpha"], jeu["beta"]]
    assert cellules(response, "B-001")["epci"] == "CC Beta"

    filtre = get(client, departement, URL_LISTE, epci=jeu["beta"].pk)
    assert references(filtre) == ["B-001"]


def test_lecteur_d_un_epci_est_limite_a_son_epci(client, jeu, lecteur_a):
    response = get(client, lecteur_a, URL_LISTE)
    assert response.status_code == 200
    assert sorted(references(response)) == ["A-001", "A-002", "A-003"]
    assert "Ville de Beaufort-Secrète" not in response.content.decode()
    assert get(client, lecteur_a, url_marche(jeu["b1"])).status_code == 404


def test_lecteur_sans_epci_voit_tout_sans_donnees_personnelles(client, jeu, lecteur):
    response = get(client, lecteur, URL_LISTE)
    assert sorted(references(response)) == ["A-001", "A-002", "A-003", "B-001"]
    html = response.content.decode()
    assert 'name="epci"' in html  # sees every EPCI, so may filter on them
    assert "Tartempion" not in html
    page = get(client, lecteur, url_marche(jeu["a1"])).content.decode()
    assert "Tartempion" not in page
    assert "Honorine" not in page


def test_visiteur_anonyme_renvoye_vers_la_connexion(client, jeu):
    for url in (URL_LISTE, url_marche(jeu["a1"])):
        response = client.get(url)
        assert response.status_code == 302
        assert response["Location"] == f"/connexion/?next={url}"


# --- hours per row -------------------------------------------------------------------------------


def test_heures_et_taux_par_marche(client, jeu, agent_a):
    response = get(client, agent_a, URL_LISTE)
    lignes = {ligne.record.reference: ligne.record for ligne in response.context["table"].paginated_rows}
    attendu = {
        "A-001": (Decimal(1000), Decimal(50), Decimal(200)),
        "A-002": (Decimal(400), Decimal(40), Decimal(100)),
        "A-003": (None, Decimal(0), Decimal(0)),
    }
    for reference, (reservees, declarees, validees) in attendu.items():
        marche = lignes[reference]
        assert (marche.heures_reservees, marche.heures_declarees, marche.heures_validees) == (
            reservees,
            declarees,
            validees,
        ), reference

    a1 = cellules(response, "A-001")
    assert a1["heures_reservees"] == f"1{NBSP}000{NBSP}h"
    assert a1["heures_declarees"] == f"50{NBSP}h"
    assert a1["heures_validees"] == f"200{NBSP}h"
    assert a1["taux"] == f"20,0{NBSP}%"
    assert a1["periode"] == "du 01/03/2023 au 30/06/2024"
    assert cellules(response, "A-002")["taux"] == f"25,0{NBSP}%"
    a3 = cellules(response, "A-003")
    assert a3["heures_reservees"] == "—"
    assert a3["taux"] == "—"
    assert f'href="{url_marche(jeu["a1"])}"' in response.content.decode()


# --- filters and sort ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("params", "attendu"),
    [
        ({"annee": "2023"}, ["A-001"]),
        ({"annee": "2024"}, ["A-001"]),
        ({"statut": "termine"}, ["A-001"]),
        ({"statut": "en_execution"}, ["A-002"]),
        ({"statut": "pas_commence"}, ["A-003"]),
        ({"recherche": "espaces VERTS"}, ["A-002"]),
        ({"recherche": "a-003"}, ["A-003"]),
    ],
)
def test_filtres(client, jeu, agent_a, params, attendu):
    assert references(get(client, agent_a, URL_LISTE, **params)) == attendu


def test_filtre_annee_sur_une_annee_a_cheval(client, jeu, agent_a):
    annee = timezone.localdate().year + 1  # A-002 ends and A-003 runs next year
    response = get(client, agent_a, URL_LISTE, annee=str(annee))
    assert sorted(references(response)) == ["A-002", "A-003"]


def test_filtre_acheteur(client, jeu, agent_a):
    response = get(client, agent_a, URL_LISTE, acheteur=jeu["mairie"].pk)
    assert sorted(references(response)) == ["A-001", "A-003"]


def test_filtre_acheteur_d_un_autre_epci_refuse(client, jeu, agent_a):
    response = get(client, agent_a, URL_LISTE, acheteur=jeu["achat_beta"].pk)
    assert response.status_code == 200
    assert references(response) == []
    html = response.content.decode()
    assert "Sélectionnez un choix valide" in html
    assert "Ville de Beaufort-Secrète" not in html
    assert "B-001" not in html


def test_etat_vide(client, jeu, agent_a):
    html = get(client, agent_a, URL_LISTE, recherche="introuvable").content.decode()
    assert "Aucun marché ne correspond à ces critères." in html
    agent_sans_marche = UserFactory(agent_epci=True)
    html = get(client, agent_sans_marche, URL_LISTE).content.decode()
    assert "Aucun marché avec clause d&#x27;insertion dans votre périmètre." in html


@pytest.mark.parametrize(
    ("tri", "attendu"),
    [
        ("heures_validees", ["A-003", "A-002", "A-001"]),
        ("-heures_validees", ["A-001", "A-002", "A-003"]),
        ("heures_declarees", ["A-003", "A-002", "A-001"]),
        # Uncalibrated contracts last, whichever the direction.
        ("heures_reservees", ["A-002", "A-001", "A-003"]),
        ("-heures_reservees", ["A-001", "A-002", "A-003"]),
        ("taux", ["A-001", "A-002", "A-003"]),
        ("-taux", ["A-002", "A-001", "A-003"]),
        # The contract as named: buyer, then reference.
        ("marche", ["A-001", "A-003", "A-002"]),
        ("statut", ["A-002", "A-003", "A-001"]),
    ],
)
def test_tri(client, jeu, agent_a, tri, attendu):
    response = get(client, agent_a, URL_LISTE, sort=tri)
    assert references(response) == attendu
    colonne = tri.lstrip("-")
    assert 'aria-sort="' in response.content.decode()
    assert response.context["table"].columns[colonne].is_ordered


def test_pagination_par_25(client, jeu, agent_a):
    acheteur = jeu["mairie"]
    for _ in range(30):
        ClauseFactory(lot__marche__acheteur=acheteur)
    response = get(client, agent_a, URL_LISTE)
    assert len(references(response)) == 25
    assert response.context["table"].paginator.count == 33
    assert "33 marchés" in response.content.decode()
    assert len(references(get(client, agent_a, URL_LISTE, page=2))) == 8
    assert len(references(get(client, agent_a, URL_LISTE, page=99))) == 8  # last page


@pytest.mark.parametrize("role", ["agent_a", "departement"])
def test_requetes_liste_independantes_du_nombre_de_marches(client, request, epci_a, role):
    acheteur, personne = AcheteurFactory(epci=epci_a), BeneficiaireFactory()
    client.force_login(request.getfixturevalue(role))
    parametres = {"sort": "-taux", "per_page": 100}

    _marches(10, acheteur=acheteur, personne=personne)
    response, avec_n = requetes_de_la_page(client, URL_LISTE, parametres)
    assert response.context["table"].paginator.count == len(response.context["table"].paginated_rows) == 10

    _marches(90, acheteur=acheteur, personne=personne)
    response, avec_10_n = requetes_de_la_page(client, URL_LISTE, parametres)
    assert response.context["table"].paginator.count == len(response.context["table"].paginated_rows) == 100

    assert_autant_de_requetes(avec_n, avec_10_n)

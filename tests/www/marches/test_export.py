"""Contracts pages: exporting the list to xlsx and csv."""

import csv
import datetime
import io

import openpyxl
import pytest

from tests.factories import (
    AcheteurFactory,
    BeneficiaireFactory,
    ClauseFactory,
)
from tests.requetes import assert_autant_de_requetes, requetes_de_la_page
from tests.www.marches.aides import URL_LISTE, _marches, get

pytestmark = pytest.mark.django_db


# --- exports -------------------------------------------------------------------------------------


def test_export_xlsx(client, jeu, agent_a):
    response = get(client, agent_a, URL_LISTE, _export="xlsx", sort="reference")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    assert response["Content-Disposition"].startswith('attachment; filename="marches-clauses-insertion-')
    feuille = openpyxl.load_workbook(io.BytesIO(response.content)).active
    lignes = list(feuille.iter_rows(values_only=True))
    assert lignes[0] == (
        "Référence",
        "Objet",
        "Acheteur",
        "Début d'exécution",
        "Fin d'exécution",
        "Heures réservées",
        "Heures déclarées (à valider)",
        "Heures validées",
        "Taux de réalisation (%)",
    )
    assert [ligne[0] for ligne in lignes[1:]] == ["A-001", "A-002", "A-003"]
    a1 = lignes[1]
    assert a1[1:3] == ("Réhabilitation de la salle des fêtes", "Mairie de Pommeraye-Témoin")
    assert a1[3:5] == (datetime.datetime(2023, 3, 1), datetime.datetime(2024, 6, 30))
    assert [float(v) for v in a1[5:9]] == [1000, 50, 200, 20]
    assert lignes[3][5] is None and lignes[3][8] is None  # A-003 not calibrated
    assert feuille["D2"].number_format == "DD/MM/YYYY"


def test_export_csv_pour_excel(client, jeu, departement):
    response = get(client, departement, URL_LISTE, _export="csv", sort="reference")
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response.content.startswith(b"\xef\xbb\xbf")
    lignes = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig")), delimiter=";"))
    assert lignes[0][:4] == ["Référence", "Objet", "Acheteur", "EPCI"]
    par_reference = {ligne[0]: ligne for ligne in lignes[1:]}
    assert list(par_reference) == ["A-001", "A-002", "A-003", "B-001"]
    assert par_reference["A-001"][3:] == [
        "CC Alpha",
        "01/03/2023",
        "30/06/2024",
        "1000,00",
        "50,00",
        "200,00",
        "20,0",
    ]
    assert par_reference["A-003"][6] == "" and par_reference["A-003"][9] == ""


def test_export_ne_contient_que_les_lignes_filtrees(client, jeu, agent_a):
    response = get(client, agent_a, URL_LISTE, _export="csv", statut="termine")
    lignes = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig")), delimiter=";"))
    assert [ligne[0] for ligne in lignes[1:]] == ["A-001"]
    # An agent's export is scoped like the screen, and has no EPCI column.
    tout = get(client, agent_a, URL_LISTE, _export="csv")
    contenu = tout.content.decode("utf-8-sig")
    assert "B-001" not in contenu and "Beaufort" not in contenu
    assert "EPCI" not in contenu.splitlines()[0]


def test_export_objet_complet_et_formule_neutralisee(client, jeu, agent_a):
    objet = '=HYPERLINK("x") ' + "travaux de voirie " * 20
    ClauseFactory(
        lot__marche__acheteur=jeu["mairie"], lot__marche__reference="A-LONG", lot__marche__objet=objet
    )
    html = get(client, agent_a, URL_LISTE).content.decode()
    assert "travaux de voirie " * 20 not in html  # shortened on screen
    response = get(client, agent_a, URL_LISTE, _export="csv", recherche="A-LONG")
    lignes = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig")), delimiter=";"))
    assert lignes[1][1] == "'" + objet
    response = get(client, agent_a, URL_LISTE, _export="xlsx", recherche="A-LONG")
    cellule = openpyxl.load_workbook(io.BytesIO(response.content)).active["B2"]
    assert cellule.data_type == "s"
    assert cellule.value == objet[1:]


def test_les_boutons_d_export_gardent_les_filtres(client, jeu, agent_a):
    html = get(client, agent_a, URL_LISTE, statut="termine").content.decode()
    assert "statut=termine&amp;_export=xlsx" in html
    assert "statut=termine&amp;_export=csv" in html


@pytest.mark.parametrize("format_", ["xlsx", "csv"])
def test_requetes_export_independantes_du_nombre_de_marches(client, agent_a, epci_a, format_):
    acheteur, personne = AcheteurFactory(epci=epci_a), BeneficiaireFactory()
    client.force_login(agent_a)

    _marches(10, acheteur=acheteur, personne=personne)
    response, avec_n = requetes_de_la_page(client, URL_LISTE, {"_export": format_})
    assert response.status_code == 200
    taille_n = len(response.content)

    _marches(90, acheteur=acheteur, personne=personne)
    response, avec_10_n = requetes_de_la_page(client, URL_LISTE, {"_export": format_})
    assert response.status_code == 200
    assert len(response.content) > taille_n  # the 90 new contracts are in the file

    assert_autant_de_requetes(avec_n, avec_10_n)

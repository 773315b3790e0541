"""Dashboard: exporting its tables to xlsx and csv."""

import io

import openpyxl
import pytest

from tests.www.tableau_de_bord.aides import URL, exporter, get, html
from www.tableau_de_bord.tables import TABLES

pytestmark = pytest.mark.django_db


# --- exports ---------------------------------------------------------------------------------------


def test_export_xlsx_par_epci_en_francais(client, jeu_annuel):
    lignes = exporter(client, jeu_annuel["departement"], "epci")
    assert lignes[0] == [
        "EPCI",
        "SIREN",
        "Heures validées",
        "Heures déclarées (à valider)",
        "Part des heures validées (%)",
        "Personnes",
        "Objectif de l'EPCI",
        "Progression (%)",
    ]
    assert lignes[1] == ["CC Alpha", jeu_annuel["alpha"].siren, 150, 5, 71.4, 2, 400, 37.5]
    assert lignes[2] == ["CC Beta", jeu_annuel["beta"].siren, 60, 0, 28.6, 1, None, None]


def test_export_nom_de_fichier_et_de_feuille(client, jeu_annuel):
    response = get(
        client,
        jeu_annuel["departement"],
        URL,
        annee=2025,
        epci=jeu_annuel["alpha"].siren,
        _export="xlsx",
        table="marches",
    )
    assert (
        f'filename="tableau-de-bord-2025-{jeu_annuel["alpha"].siren}-marches.xlsx"'
        in response["Content-Disposition"]
    )
    assert openpyxl.load_workbook(io.BytesIO(response.content)).active.title == "Par marché"


def test_export_csv_par_marche(client, jeu_annuel):
    lignes = exporter(client, jeu_annuel["departement"], "marches", "csv")
    assert lignes[0] == [
        "Référence",
        "Objet",
        "Acheteur",
        "EPCI",
        "Début d'exécution",
        "Fin d'exécution",
        "Heures réservées",
        "Heures validées dans l'année",
        "Heures validées depuis le début (au 31/12)",
        "Taux de réalisation (%)",
    ]
    par_reference = {ligne[0]: ligne for ligne in lignes[1:]}
    assert par_reference["A-2025"][2:] == [
        "Mairie d'Alpha", "CC Alpha", "01/01/2025", "31/12/2026", "1000,00", "150,00", "150,00", "15,0"
    ]  # fmt: skip
    assert par_reference["B-2024"][6:] == ["500,00", "60,00", "140,00", "28,0"]


def test_export_des_personnes_et_des_mois(client, jeu_annuel):
    assert exporter(client, jeu_annuel["departement"], "sexe") == [
        ["Sexe", "Personnes", "Part des personnes (%)"],
        ["femme", 1, 33.3],
        ["homme", 2, 66.7],
    ]
    ages = exporter(client, jeu_annuel["departement"], "ages", "csv")
    assert ages == [
        ["Tranche d'âge", "Personnes", "Part des personnes (%)"],
        ["moins de 26 ans", "1", "33,3"],
        ["26 à 49 ans", "1", "33,3"],
        ["50 ans et plus", "1", "33,3"],
    ]
    mois = exporter(client, jeu_annuel["departement"], "mois")
    assert mois[0][0] == "Mois" and mois[1][:4] == ["01/2025", 60, 0, 60]
    # Then the cumulative hours with those awaiting validation, and last year's validated cumulative hours.
    assert mois[12] == ["12/2025", 50, 5, 210, 21, 215, 80]
    sorties = exporter(client, jeu_annuel["departement"], "sorties")
    assert sorties[0] == ["Catégorie de sortie", "Sorties", "Part des sorties (%)"]
    assert sorties[1][1:] == [1, 100]


def test_export_suit_le_tri_et_le_perimetre(client, jeu_annuel):
    lignes = exporter(client, jeu_annuel["departement"], "epci", **{"epci-sort": "heures_validees"})
    assert [ligne[0] for ligne in lignes[1:]] == ["CC Beta", "CC Alpha"]
    lignes = exporter(client, jeu_annuel["agent_alpha"], "acheteurs", epci=jeu_annuel["beta"].siren)
    assert [ligne[0] for ligne in lignes[1:]] == ["Mairie d'Alpha"]


def test_liens_d_export_et_tri_par_tableau(client, jeu_annuel):
    response = get(client, jeu_annuel["departement"], URL, annee=2025, **{"epci-sort": "heures_validees"})
    tables = response.context["tables"]
    assert [ligne.get_cell("nom_epci") for ligne in tables["epci"].rows] == ["CC Beta", "CC Alpha"]
    # The other tables keep their own order.
    assert [ligne.record.nom for ligne in tables["acheteurs"].rows] == ["Mairie d'Alpha", "Mairie de Beta"]
    assert tables["epci"].url_xlsx == "?annee=2025&epci-sort=heures_validees&_export=xlsx&table=epci"
    assert tables["sexe"].url_csv == "?annee=2025&_export=csv&table=sexe"
    page = html(response)
    assert 'href="?annee=2025&amp;epci-sort=heures_validees&amp;_export=xlsx&amp;table=epci"' in page
    assert "sexe-sort=" in page  # sortable headers, one prefix per table


@pytest.mark.parametrize(
    "parametres", [{"table": "inconnue", "_export": "xlsx"}, {"table": "epci", "_export": "pdf"}]
)
def test_export_inconnu(client, jeu_annuel, parametres):
    assert get(client, jeu_annuel["departement"], URL, annee=2025, **parametres).status_code == 404


def test_noms_des_tables_et_des_feuilles():
    assert all(0 < len(classe.feuille) <= 31 for classe, _ in TABLES.values())
    assert len({classe.feuille for classe, _ in TABLES.values()}) == len(TABLES)

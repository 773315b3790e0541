"""The dashboard, its JSON and the yearly bilan: figures pinned by hand, scope, exports, query counts, demo."""

import csv
import datetime
import io
import re
from decimal import Decimal
from io import StringIO

import openpyxl
import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from beneficiaires.enums import CategorieSortie, CodePublic
from beneficiaires.models import Eligibilite, Sortie
from insertion.enums import Modalite, Statut, TypeContrat
from insertion.models import HeuresRealisees
from tests.factories import (
    AcheteurFactory,
    BeneficiaireFactory,
    ClauseFactory,
    EpciFactory,
    HeuresRealiseesFactory,
    ObjectifFactory,
    UserFactory,
    public,
)
from www.tableau_de_bord import graphiques
from www.tableau_de_bord.tables import TABLES

pytestmark = pytest.mark.django_db

D = datetime.date
NBSP = "\u00a0"
URL = reverse("tableau_de_bord:page")
URL_JSON = reverse("tableau_de_bord:json")
URL_BILAN = reverse("tableau_de_bord:bilan")
NOMS = ["Tartempion", "Honorine", "Croquignol", "Anatole", "Filochard", "Eulalie"]


def get(client, user, url, **params):
    client.force_login(user)
    return client.get(url, params)


def donnees_json(client, user, **params):
    response = get(client, user, URL_JSON, **params)
    assert response.status_code == 200, response.content
    assert response["Content-Type"] == "application/json"
    return response.json()


def html(response):
    assert response.status_code == 200
    return response.content.decode()


def texte_sans_balises(response):
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html(response)))


def exporter(client, user, table, format_export="xlsx", **params):
    response = get(client, user, URL, annee=2025, _export=format_export, table=table, **params)
    assert response.status_code == 200, response.content
    if format_export == "xlsx":
        feuille = openpyxl.load_workbook(io.BytesIO(response.content)).active
        return [list(ligne) for ligne in feuille.iter_rows(values_only=True)]
    texte = response.content.decode("utf-8")
    assert texte.startswith("\ufeff")
    return list(csv.reader(io.StringIO(texte[1:]), delimiter=";"))


# --- access ----------------------------------------------------------------------------------------


@pytest.mark.parametrize("url", [URL, URL_JSON, URL_BILAN])
def test_anonyme_redirige_vers_la_connexion(client, url):
    response = client.get(url, {"annee": 2025})
    assert response.status_code == 302
    assert response["Location"].startswith(f"/connexion/?next={url}")


@pytest.mark.parametrize("role", ["departement", "agent_alpha", "lecteur", "lecteur_beta"])
@pytest.mark.parametrize("url", [URL, URL_JSON, URL_BILAN])
def test_chaque_role_obtient_les_trois_pages(client, jeu_annuel, role, url):
    assert get(client, jeu_annuel[role], url, annee=2025).status_code == 200


# --- the figures, on the page and in the JSON ----------------------------------------------------


def test_json_departement_chiffres_calcules_a_la_main(client, jeu_annuel):
    donnees = donnees_json(client, jeu_annuel["departement"], annee=2025)
    attendu = {
        "annee": 2025,
        "objectif_heures": 1000,
        "heures_validees": 210,
        "heures_declarees": 5,
        "heures_brsa": 110,
        "part_brsa": 52.4,
        "etp": 0.13,
        "progression": 21,
        "heures_restantes": 790,
        "nb_beneficiaires": 3,
        "nb_beneficiaires_brsa": 2,
        "nb_marches": 2,
        "heures_reservees": 1500,
    }
    assert {cle: donnees[cle] for cle in attendu} == attendu
    assert donnees["perimetre"] == {"libelle": "Département de Maine-et-Loire", "epci": None}
    # Numbers are JSON numbers, never strings.
    for cle in attendu:
        assert isinstance(donnees[cle], int | float) and not isinstance(donnees[cle], bool), cle
    assert isinstance(donnees["etp"], float)
    assert isinstance(donnees["heures_validees"], int)

    assert donnees["par_epci"] == [
        {
            "siren": jeu_annuel["alpha"].siren,
            "nom": "CC Alpha",
            "heures_validees": 150,
            "heures_declarees": 5,
            "nb_beneficiaires": 2,
            "objectif_heures": 400,
            "progression": 37.5,
        },
        {
            "siren": jeu_annuel["beta"].siren,
            "nom": "CC Beta",
            "heures_validees": 60,
            "heures_declarees": 0,
            "nb_beneficiaires": 1,
            "objectif_heures": None,
            "progression": None,
        },
    ]
    assert [m["mois"] for m in donnees["par_mois"]] == [f"2025-{n:02d}" for n in range(1, 13)]
    assert [m["heures_validees"] for m in donnees["par_mois"]] == [60, 10, 20, 0, 0, 30, 40, 0, 0, 0, 0, 50]
    assert [m["cumul_validees"] for m in donnees["par_mois"]] == [
        60, 70, 90, 90, 90, 120, 160, 160, 160, 160, 160, 210
    ]  # fmt: skip
    assert donnees["par_mois"][11]["heures_declarees"] == 5


def test_json_repartitions(client, jeu_annuel):
    donnees = donnees_json(client, jeu_annuel["departement"], annee=2025)
    marches = {m["reference"]: m for m in donnees["par_marche"]}
    assert {ref: (m["heures_reservees"], m["heures_validees_annee"], m["heures_validees_cumul"], m["taux_realisation"]) for ref, m in marches.items()} == {
        "A-2025": (1000, 150, 150, 15),
        "B-2024": (500, 60, 140, 28),
    }  # fmt: skip
    assert sum(m["heures_reservees"] for m in donnees["par_marche"]) == donnees["heures_reservees"]
    assert {a["nom"]: a["heures_validees"] for a in donnees["par_acheteur"]} == {
        "Mairie d'Alpha": 150,
        "Mairie de Beta": 60,
    }
    assert {m["code"]: m["heures_validees"] for m in donnees["par_modalite"]} == {
        "embauche_directe": 170,
        "mise_a_disposition": 40,
        "sous_traitance": 0,
        "formation": 0,  # 5 h declared only
    }
    publics = {p["code"]: (p["heures_validees"], p["nb_beneficiaires"]) for p in donnees["par_public"]}
    assert publics["BRSA"] == (110, 2)
    assert publics["JEUNE"] == (100, 1)
    assert publics["SENIOR"] == (60, 1)
    assert publics["DELD"] == (0, 0)
    assert [(s["code"], s["libelle"], s["nb"]) for s in donnees["par_sexe"]] == [
        ("F", "femme", 1),
        ("H", "homme", 2),
    ]
    assert [t["nb"] for t in donnees["par_tranche_age"]] == [1, 1, 1]  # 24, 35 and 55 on 31/12/2025
    assert {q["code"]: q["nb"] for q in donnees["par_qualification"]} == {
        "sans": 0,
        "3": 2,
        "4": 0,
        "5": 0,
        "6+": 0,
        "": 1,
    }
    assert {s["code"]: s["nb"] for s in donnees["sorties"]} == {
        "emploi_durable": 1,
        "emploi_transition": 0,
        "sortie_positive": 0,
        "autre": 0,
    }


def test_page_departement_formats_francais(client, jeu_annuel):
    page = html(get(client, jeu_annuel["departement"], URL, annee=2025))
    assert "Périmètre : Département de Maine-et-Loire — 2025" in page
    assert f'id="heures-validees">210{NBSP}h<' in page
    assert f"sur un objectif de <strong>1{NBSP}000{NBSP}h</strong>" in page
    assert f'id="progression">21,0{NBSP}%<' in page
    assert 'aria-valuenow="21"' in page
    assert f'id="heures-restantes">790{NBSP}h<' in page
    assert 'id="etp">0,13 ETP<' in page
    assert f'id="heures-declarees">5{NBSP}h<' in page
    assert f'id="heures-brsa">110{NBSP}h<' in page
    assert f"soit 52,4{NBSP}% des heures validées" in page
    assert 'id="nb-beneficiaires">3<' in page
    assert "dont 2 bénéficiaires du RSA" in page
    assert 'id="nb-marches">2<' in page
    assert f'id="heures-reservees">1{NBSP}500{NBSP}h<' in page


def test_page_tableaux_rendus(client, jeu_annuel):
    response = get(client, jeu_annuel["departement"], URL, annee=2025)
    tables = response.context["tables"]
    assert set(tables) == set(TABLES)
    epci = {ligne.get_cell("nom_epci"): ligne for ligne in tables["epci"].rows}
    assert epci["CC Alpha"].get_cell("heures_validees") == f"150{NBSP}h"
    assert epci["CC Alpha"].get_cell("progression") == f"37,5{NBSP}%"
    assert epci["CC Beta"].get_cell("progression") == "—"
    marches = {ligne.get_cell("reference"): ligne for ligne in tables["marches"].rows}
    assert set(marches) == {f'<a href="/marches/{pk}/">{ref}</a>' for ref, pk in _pk_marches(tables)}
    mois = [ligne.get_cell("cumul_validees") for ligne in tables["mois"].rows]
    assert mois[-1] == f"210{NBSP}h"
    assert [ligne.get_cell("mois") for ligne in tables["mois"].rows][0] == "janvier 2025"
    page = html(response)
    for titre in ("Heures par mois", "Heures par EPCI", "Personnes par sexe", "Sorties par catégorie"):
        assert f"<caption>{titre}" in page
    assert "emploi durable (CDI, CDD ou intérim de 6 mois et plus, création d&#x27;entreprise)" in page


def _pk_marches(tables):
    return [(ligne.record.reference, ligne.record.pk) for ligne in tables["marches"].rows]


def test_rejetees_exclues_et_declarees_a_part(client, jeu_annuel):
    donnees = donnees_json(client, jeu_annuel["departement"], annee=2025)
    assert donnees["par_mois"][10]["heures_validees"] == 0  # November: 100 h rejected only
    assert donnees["par_mois"][10]["heures_declarees"] == 0
    assert donnees["heures_validees"] == 210
    assert donnees["heures_declarees"] == 5
    HeuresRealisees.objects.filter(statut=Statut.REJETEES).update(statut=Statut.VALIDEES)
    assert donnees_json(client, jeu_annuel["departement"], annee=2025)["heures_validees"] == 310


def test_autres_annees(client, jeu_annuel):
    assert donnees_json(client, jeu_annuel["departement"], annee=2024)["heures_validees"] == 80
    donnees = donnees_json(client, jeu_annuel["departement"], annee=2026)
    assert donnees["heures_validees"] == 70
    assert donnees["objectif_heures"] is None and donnees["progression"] is None
    page = html(get(client, jeu_annuel["departement"], URL, annee=2026))
    assert "Aucun objectif n'est fixé pour 2026 sur ce périmètre." in page


def test_annee_par_defaut_annee_en_cours(client, jeu_annuel):
    annee = timezone.localdate().year
    assert donnees_json(client, jeu_annuel["departement"])["annee"] == annee
    assert f"Périmètre : Département de Maine-et-Loire — {annee}" in html(
        get(client, jeu_annuel["departement"], URL)
    )


# --- scope -----------------------------------------------------------------------------------------


def test_agent_epci_egal_departement_filtre_sur_son_epci(client, jeu_annuel):
    """The clerk asks for the other EPCI: locked to theirs, with the very figures the Département sees."""
    vue_agent = donnees_json(client, jeu_annuel["agent_alpha"], annee=2025, epci=jeu_annuel["beta"].siren)
    vue_departement = donnees_json(
        client, jeu_annuel["departement"], annee=2025, epci=jeu_annuel["alpha"].siren
    )
    assert vue_agent == vue_departement
    assert vue_agent["perimetre"] == {
        "libelle": "CC Alpha",
        "epci": {"siren": jeu_annuel["alpha"].siren, "nom": "CC Alpha"},
    }
    # Alpha by hand: 10 + 20 + 30 + 40 + 50; BRSA 20 + 30; target 400; p1 and p2.
    assert vue_agent["heures_validees"] == 150
    assert vue_agent["heures_brsa"] == 50
    assert vue_agent["objectif_heures"] == 400
    assert vue_agent["progression"] == 37.5
    assert vue_agent["heures_restantes"] == 250
    assert vue_agent["etp"] == 0.09
    assert vue_agent["nb_beneficiaires"] == 2
    assert vue_agent["nb_marches"] == 1
    assert vue_agent["heures_reservees"] == 1000
    assert [e["nom"] for e in vue_agent["par_epci"]] == ["CC Alpha"]


def test_agent_epci_verrouille_sur_la_page(client, jeu_annuel):
    response = get(client, jeu_annuel["agent_beta"], URL, annee=2025, epci=jeu_annuel["alpha"].siren)
    page = html(response)
    assert "Périmètre : CC Beta — 2025" in page
    assert f'id="heures-validees">60{NBSP}h<' in page
    assert 'name="epci"' not in page  # no EPCI filter for a locked account
    assert "Mairie d&#x27;Alpha" not in page
    assert [ligne.record.reference for ligne in response.context["tables"]["marches"].rows] == ["B-2024"]


def test_lecteur_d_un_epci_verrouille(client, jeu_annuel):
    donnees = donnees_json(client, jeu_annuel["lecteur_beta"], annee=2025, epci=jeu_annuel["alpha"].siren)
    assert donnees["perimetre"]["epci"]["siren"] == jeu_annuel["beta"].siren
    assert donnees["heures_validees"] == 60
    assert donnees["heures_declarees"] == 0
    assert [a["nom"] for a in donnees["par_acheteur"]] == ["Mairie de Beta"]
    page = html(get(client, jeu_annuel["lecteur_beta"], URL, annee=2025, epci=jeu_annuel["alpha"].siren))
    assert "Périmètre : CC Beta — 2025" in page
    # An unknown SIREN changes nothing for a locked account either.
    assert (
        donnees_json(client, jeu_annuel["lecteur_beta"], annee=2025, epci="999999999")["heures_validees"]
        == 60
    )


def test_lecteur_sans_epci_choisit_un_epci(client, jeu_annuel):
    assert donnees_json(client, jeu_annuel["lecteur"], annee=2025)["heures_validees"] == 210
    donnees = donnees_json(client, jeu_annuel["lecteur"], annee=2025, epci=jeu_annuel["alpha"].siren)
    assert donnees["heures_validees"] == 150
    page = html(get(client, jeu_annuel["lecteur"], URL, annee=2025, epci=jeu_annuel["alpha"].siren))
    assert "Périmètre : CC Alpha — 2025" in page
    assert f'<option value="{jeu_annuel["alpha"].siren}" selected>CC Alpha</option>' in page


def test_aucune_donnee_personnelle_pour_un_lecteur(client, jeu_annuel):
    lecteur = jeu_annuel["lecteur"]
    textes = [
        html(get(client, lecteur, URL, annee=2025)),
        html(get(client, lecteur, URL_BILAN, annee=2025)),
        get(client, lecteur, URL_JSON, annee=2025).content.decode(),
    ]
    for nom in TABLES:
        for format_export in ("csv", "xlsx"):
            lignes = exporter(client, lecteur, nom, format_export)
            textes.append(repr(lignes))
    for texte in textes:
        for nom in NOMS:
            assert nom not in texte
        for naissance in ("01/05/2001", "2001-05-01", "01/01/1990", "1990-01-01", "01/01/1970", "1970-01-01"):
            assert naissance not in texte


# --- parameters ------------------------------------------------------------------------------------


@pytest.mark.parametrize("annee", ["deux-mille", "1999", "2101", "25", "２０２５"])
def test_annee_invalide(client, jeu_annuel, annee):
    response = get(client, jeu_annuel["departement"], URL_JSON, annee=annee)
    assert response.status_code == 400
    assert response.json() == {
        "erreur": "Paramètre « annee » invalide : indiquez une année sur quatre chiffres, "
        "entre 2000 et 2100 (par exemple 2025)."
    }
    page = html(get(client, jeu_annuel["departement"], URL, annee=annee))
    courante = timezone.localdate().year
    assert f"Périmètre : Département de Maine-et-Loire — {courante}" in page
    assert f"L&#x27;année « {annee} » n&#x27;est pas valide" in page


def test_epci_inconnu(client, jeu_annuel):
    response = get(client, jeu_annuel["departement"], URL_JSON, annee=2025, epci="123456789")
    assert response.status_code == 404
    assert response.json() == {"erreur": "EPCI inconnu : aucun EPCI n'a le SIREN « 123456789 »."}
    page = html(get(client, jeu_annuel["departement"], URL, annee=2025, epci="123456789"))
    assert "Aucun EPCI n&#x27;a le SIREN « 123456789 » : voici les chiffres de tout le Département." in page
    assert f'id="heures-validees">210{NBSP}h<' in page


def test_annees_proposees(client, jeu_annuel):
    response = get(client, jeu_annuel["departement"], URL, annee=2025)
    courante = timezone.localdate().year
    assert response.context["annees"] == [str(a) for a in sorted({2024, 2025, 2026, courante}, reverse=True)]
    assert '<option value="2025" selected>2025</option>' in html(response)
    # A year without data is added when asked for.
    assert "2019" in get(client, jeu_annuel["departement"], URL, annee=2019).context["annees"]


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
    assert mois[12] == ["12/2025", 50, 5, 210, 21]
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


# --- charts and bilan ------------------------------------------------------------------------------


def test_graphiques_svg_accessibles(client, jeu_annuel):
    page = html(get(client, jeu_annuel["departement"], URL, annee=2025))
    assert page.count('role="img"') == 4
    for nom in ("mois", "epci", "publics", "modalites"):
        assert f'aria-labelledby="graphique-{nom}-titre graphique-{nom}-desc"' in page
        assert f'<title id="graphique-{nom}-titre">' in page
    assert f"Heures validées cumulées : 210{NBSP}h ; objectif de l&#x27;année : 1{NBSP}000{NBSP}h." in page
    assert 'class="ligne-objectif"' in page
    trace = re.search(r'class="ligne-cumul" points="([^"]+)"', page).group(1)
    # A past year: twelve months drawn, with decimal points (never the French decimal comma) in SVG.
    assert re.fullmatch(r"\d+\.\d,\d+\.\d( \d+\.\d,\d+\.\d){11}", trace), trace


def test_annee_en_cours_courbe_jusqu_au_mois_en_cours(client, jeu_annuel):
    aujourd_hui = timezone.localdate()
    HeuresRealiseesFactory(
        clause=HeuresRealisees.objects.first().clause,
        mois=aujourd_hui.replace(day=1),
        heures=Decimal(12),
        validees=True,
    )
    response = get(client, jeu_annuel["departement"], URL, annee=aujourd_hui.year)
    trace = re.search(r'class="ligne-cumul" points="([^"]+)"', html(response)).group(1)
    assert len(trace.split()) == aujourd_hui.month
    assert len(response.context["tables"]["mois"].rows) == 12


def test_sans_aucune_donnee(client):
    response = get(client, UserFactory(lecteur=True), URL, annee=2030)
    page = html(response)
    assert f'id="heures-validees">0{NBSP}h<' in page
    assert "Aucun objectif n'est fixé pour 2030 sur ce périmètre." in page
    assert "Heures validées par EPCI : aucune heure validée pour cette année dans ce périmètre." in page
    assert 'class="ligne-cumul"' not in page  # a future year: nothing drawn yet
    assert "Aucune donnée pour cette année dans ce périmètre." in page
    donnees = donnees_json(client, UserFactory(lecteur=True), annee=2030)
    assert donnees["heures_validees"] == 0 and donnees["etp"] == 0
    assert donnees["part_brsa"] is None and donnees["par_epci"] == [] and len(donnees["par_mois"]) == 12


def test_marche_sans_epci(client, jeu_annuel):
    """A contract of the Département attached to no EPCI: its own line, seen by the Département only."""
    clause = ClauseFactory(
        lot__marche__acheteur=AcheteurFactory(departement=True),
        lot__marche__reference="D-2025",
        lot__marche__date_debut=D(2025, 1, 1),
        lot__marche__date_fin=D(2025, 12, 31),
        heures_reservees=Decimal(100),
    )
    HeuresRealiseesFactory(clause=clause, mois=D(2025, 4, 1), heures=Decimal(25), validees=True)
    donnees = donnees_json(client, jeu_annuel["departement"], annee=2025)
    assert donnees["heures_validees"] == 235
    assert donnees["par_epci"][-1] == {
        "siren": None,
        "nom": "Sans EPCI de rattachement",
        "heures_validees": 25,
        "heures_declarees": 0,
        "nb_beneficiaires": 1,
        "objectif_heures": None,
        "progression": None,
    }
    assert {m["reference"]: m["epci"] for m in donnees["par_marche"]}["D-2025"] == "Sans EPCI de rattachement"
    assert donnees_json(client, jeu_annuel["agent_alpha"], annee=2025)["heures_validees"] == 150
    lignes = exporter(client, jeu_annuel["departement"], "epci", **{"epci-sort": "siren"})
    assert [ligne[:2] for ligne in lignes[1:]][0] == ["Sans EPCI de rattachement", None]


def test_courbe_cumulee_geometrie():
    courbe = graphiques.courbe_cumulee(
        cumuls=[Decimal(100 * n) for n in range(1, 13)], objectif=1000, nb_mois=3
    )
    # Three months drawn: max(300, 1 000) × 1,05 = 1 050; 1 050 / 5 = 210 → step 250 → top 1 250;
    # plot from y = 284 (0 h) up to y = 24, from x = 78 (January) to x = 624 (December).
    assert [g.libelle for g in courbe.graduations_y] == [
        f"{v}{NBSP}h" for v in ("0", "250", "500", "750", f"1{NBSP}000", f"1{NBSP}250")
    ]
    assert courbe.objectif_y == 76.0  # 284 - 260 × 1 000 / 1 250
    assert [(p.x, p.y) for p in courbe.points] == [(78.0, 263.2), (127.6, 242.4), (177.3, 221.6)]
    assert courbe.trace == "78.0,263.2 127.6,242.4 177.3,221.6"
    assert courbe.description.startswith(f"Heures validées cumulées : 300{NBSP}h")
    sans_objectif = graphiques.courbe_cumulee(cumuls=[Decimal(0)] * 12, objectif=None, nb_mois=0)
    assert sans_objectif.points == [] and sans_objectif.objectif_y is None


def test_barres_geometrie():
    barres = graphiques.barres(
        elements=[("A", Decimal(300)), ("B", Decimal(0)), ("C", Decimal(150))], titre="T"
    )
    assert [b.libelle for b in barres.barres] == ["A", "C"]  # zero left out
    assert [b.largeur for b in barres.barres] == [532.0, 266.0]  # 640 - 4 (left) - 104 (value)
    assert barres.description == f"T : A 300{NBSP}h ; C 150{NBSP}h."
    assert graphiques.barres(elements=[("A", Decimal(0))], titre="T") is None


@pytest.mark.parametrize(
    ("maximum", "pas"), [(1260, 500), (1250, 250), (10_500, 2500), (0, 1), (9, 2), (50, 10)]
)
def test_pas_lisible(maximum, pas):
    assert graphiques.pas_lisible(maximum) == pas


def test_bilan_imprimable(client, jeu_annuel):
    response = get(client, jeu_annuel["agent_alpha"], URL_BILAN, annee=2025)
    page = html(response)
    date = timezone.localdate().strftime("%d/%m/%Y")
    assert '<h1 class="h2">Bilan 2025 des clauses sociales d\'insertion — CC Alpha</h1>' in page
    assert f"Édité le {date}." in page
    assert "/static/css/bilan-print.css" in page
    assert "/static/js/bilan.js" in page
    assert 'id="bouton-imprimer"' in page and ">Imprimer</button>" in page
    assert f'id="heures-validees">150{NBSP}h<' in page
    assert page.count('role="img"') == 4
    for titre in ("Heures par EPCI", "Heures par marché", "Les personnes", "Sorties"):
        assert titre in page
    assert "-sort=" not in page  # no sort links on paper
    assert "_export=" not in page
    assert page.count('class="mb-5 section-bilan"') == 9


def test_feuille_de_style_d_impression(client, jeu_annuel):
    from django.contrib.staticfiles import finders

    with open(finders.find("css/bilan-print.css"), encoding="utf-8") as fichier:
        css = fichier.read()
    assert "@media print" in css and "size: A4" in css and "break-before: page" in css
    with open(finders.find("js/bilan.js"), encoding="utf-8") as fichier:
        assert "window.print()" in fichier.read()


# --- query counts ----------------------------------------------------------------------------------


def _volume(n):
    """n rows of hours over n // 100 + 2 contracts of several EPCI, 25 people, every status, in 2025."""
    nb_clauses = n // 100 + 2
    clauses = []
    for i in range(nb_clauses):
        epci = EpciFactory() if i % 2 == 0 else clauses[-1].lot.marche.epci
        clauses.append(
            ClauseFactory(
                lot__marche__acheteur__epci=epci,
                lot__marche__date_debut=D(2024, 1, 1),
                lot__marche__date_fin=D(2026, 12, 31),
            )
        )
    personnes = BeneficiaireFactory.create_batch(25, date_entree=D(2024, 1, 1))
    brsa = public(CodePublic.BRSA)
    Eligibilite.objects.bulk_create(
        Eligibilite(beneficiaire=p, public=brsa, date_debut=D(2024, 1, 1)) for p in personnes[::2]
    )
    Sortie.objects.bulk_create(
        Sortie(beneficiaire=p, date=D(2025, 10, 1), categorie=CategorieSortie.EMPLOI_DURABLE)
        for p in personnes[::5]
    )
    statuts = [Statut.VALIDEES, Statut.VALIDEES, Statut.DECLAREES, Statut.REJETEES]
    rangees = []
    for indice in range(n):
        clause = clauses[indice % nb_clauses]
        statut = statuts[indice % 4]
        rangees.append(
            HeuresRealisees(
                clause=clause,
                beneficiaire=personnes[(indice // nb_clauses) % 25],
                employeur=clause.lot.titulaire,
                mois=D(2025, (indice // (nb_clauses * 25)) % 12 + 1, 1),
                modalite=Modalite.values[(indice // (nb_clauses * 25 * 12)) % 4],
                heures=Decimal(7 + indice % 50),
                type_contrat=TypeContrat.CDD,
                statut=statut,
                motif_rejet="Doublon." if statut == Statut.REJETEES else "",
            )
        )
    HeuresRealisees.objects.bulk_create(rangees)
    ObjectifFactory(annee=2025, heures=10_000)
    return clauses


# Session + user, the request's savepoint and its release (ATOMIC_REQUESTS inside the test's transaction),
# then 15 for the figures: synthesis (3), months, EPCI targets, EPCI, buyers, publics (2), modalities,
# contracts, sex, age bands, qualifications, sorties. The page adds the years (2) and the EPCI of the filter.
REQUETES = {URL: 22, URL_JSON: 19, URL_BILAN: 19}


@pytest.mark.parametrize("n", [10, 1000])
@pytest.mark.parametrize("url", [URL, URL_JSON, URL_BILAN])
def test_nombre_de_requetes_constant(client, django_assert_num_queries, n, url):
    _volume(n)
    assert HeuresRealisees.objects.filter(mois__year=2025).count() == n
    client.force_login(UserFactory(departement=True))
    with django_assert_num_queries(REQUETES[url]):
        assert client.get(url, {"annee": 2025}).status_code == 200


@pytest.mark.parametrize("n", [10, 1000])
def test_nombre_de_requetes_constant_pour_un_export(client, django_assert_num_queries, n):
    _volume(n)
    client.force_login(UserFactory(departement=True))
    with django_assert_num_queries(REQUETES[URL_JSON]):  # the figures, without the page's lists
        response = client.get(URL, {"annee": 2025, "_export": "xlsx", "table": "marches"})
    assert len(list(openpyxl.load_workbook(io.BytesIO(response.content)).active.rows)) == n // 100 + 3


@pytest.mark.parametrize("n", [10, 1000])
def test_nombre_de_requetes_constant_pour_un_agent(client, django_assert_num_queries, n):
    clauses = _volume(n)
    client.force_login(UserFactory(agent_epci=True, epci=clauses[0].lot.marche.epci))
    autre_epci = clauses[-1].lot.marche.epci.siren  # asked for, and ignored
    # Their EPCI is read (+1), the filter's EPCI list is not shown (-1).
    with django_assert_num_queries(REQUETES[URL]):
        response = client.get(URL, {"annee": 2025, "epci": autre_epci})
    assert response.status_code == 200
    assert response.context["libelle_perimetre"] == clauses[0].lot.marche.epci.nom


@pytest.mark.parametrize("n", [10, 1000])
def test_nombre_de_requetes_constant_avec_filtre_epci(client, django_assert_num_queries, n):
    clauses = _volume(n)
    client.force_login(UserFactory(departement=True))
    siren = clauses[0].lot.marche.epci.siren
    with django_assert_num_queries(REQUETES[URL_JSON] + 1):  # the SIREN asked for
        response = client.get(URL_JSON, {"annee": 2025, "epci": siren})
    assert response.json()["perimetre"]["epci"]["siren"] == siren


# --- demo ------------------------------------------------------------------------------------------


def test_demo_annee_precedente_proche_de_l_objectif(client):
    call_command("load_territoires", stdout=StringIO())
    call_command("load_demo", stdout=StringIO())
    from comptes.models import User

    departement = User.objects.get(username="departement")
    annee = timezone.localdate().year - 1
    donnees = donnees_json(client, departement, annee=annee)
    assert donnees["objectif_heures"] == 10_000
    assert 90 <= donnees["progression"] <= 110
    assert donnees["heures_validees"] == sum(e["heures_validees"] for e in donnees["par_epci"])
    assert 0 < donnees["heures_brsa"] < donnees["heures_validees"]
    assert donnees["nb_beneficiaires"] > 50
    assert donnees["nb_marches"] > 20
    page = html(get(client, departement, URL, annee=annee))
    progression = re.search(rf'id="progression">([\d,]+){NBSP}%<', page).group(1)
    assert 90 <= float(progression.replace(",", ".")) <= 110
    # An EPCI clerk of the demo sees their share, equal to the Département's line for that EPCI.
    premiere = donnees["par_epci"][0]
    agent = User.objects.get(username=f"epci-{premiere['siren']}")
    assert donnees_json(client, agent, annee=annee)["heures_validees"] == premiere["heures_validees"]


def test_noms_des_tables_et_des_feuilles():
    assert all(0 < len(classe.feuille) <= 31 for classe, _ in TABLES.values())
    assert len({classe.feuille for classe, _ in TABLES.values()}) == len(TABLES)

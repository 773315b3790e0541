"""Dashboard: access, figures computed by hand, years and the perimeter of each role."""

import pytest
from django.utils import timezone

from insertion.enums import Statut
from insertion.models import HeuresRealisees
from tests.www.tableau_de_bord.aides import NBSP, URL, URL_BILAN, URL_JSON, donnees_json, exporter, get, html
from www.tableau_de_bord.tables import TABLES

pytestmark = pytest.mark.django_db
NOMS = ["Tartempion", "Honorine", "Croquignol", "Anatole", "Filochard", "Eulalie"]


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
            "masque": False,
        },
        {
            "siren": jeu_annuel["beta"].siren,
            "nom": "CC Beta",
            "heures_validees": 60,
            "heures_declarees": 0,
            "nb_beneficiaires": 1,
            "objectif_heures": None,
            "progression": None,
            "masque": False,
        },
    ]
    assert donnees["secret_statistique"] is None  # staff see every figure
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


def test_lecteur_d_un_epci_verrouille(client, jeu_annuel, settings):
    settings.SEUIL_SECRET_STATISTIQUE = 3  # Beta's one person stays secret: figures masked, scope checked
    donnees = donnees_json(client, jeu_annuel["lecteur_beta"], annee=2025, epci=jeu_annuel["alpha"].siren)
    assert donnees["perimetre"]["epci"]["siren"] == jeu_annuel["beta"].siren
    assert donnees["heures_validees"] is None and donnees["heures_reservees"] == 500  # Beta's contract only
    assert [a["nom"] for a in donnees["par_acheteur"]] == ["Mairie de Beta"]
    page = html(get(client, jeu_annuel["lecteur_beta"], URL, annee=2025, epci=jeu_annuel["alpha"].siren))
    assert "Périmètre : CC Beta — 2025" in page
    # An unknown SIREN changes nothing for a locked account either.
    autre = donnees_json(client, jeu_annuel["lecteur_beta"], annee=2025, epci="999999999")
    assert autre["perimetre"]["epci"]["siren"] == jeu_annuel["beta"].siren


def test_lecteur_sans_epci_choisit_un_epci(client, jeu_annuel, settings):
    settings.SEUIL_SECRET_STATISTIQUE = 3  # the Département's 3 people are shown, Alpha's 2 are not
    assert donnees_json(client, jeu_annuel["lecteur"], annee=2025)["heures_validees"] == 210
    donnees = donnees_json(client, jeu_annuel["lecteur"], annee=2025, epci=jeu_annuel["alpha"].siren)
    assert donnees["perimetre"]["epci"]["siren"] == jeu_annuel["alpha"].siren
    assert donnees["heures_validees"] is None and donnees["heures_reservees"] == 1000
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

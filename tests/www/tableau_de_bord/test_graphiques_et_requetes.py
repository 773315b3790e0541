"""Dashboard: charts, the printable report, query counts and the demo data."""

import datetime
import io
import re
from decimal import Decimal
from io import StringIO

import openpyxl
import pytest
from django.core.management import call_command
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
from tests.www.tableau_de_bord.aides import NBSP, URL, URL_BILAN, URL_JSON, donnees_json, exporter, get, html
from www.tableau_de_bord import graphiques
from www.tableau_de_bord.tables import TABLES

pytestmark = pytest.mark.django_db

D = datetime.date


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
        "masque": False,
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
    assert ">Bilan 2025 des clauses sociales d'insertion — CC Alpha</h1>" in page
    assert 'href="/tableau-de-bord/bilan/pied.css?annee=2025"' in page
    pied = get(
        client, jeu_annuel["agent_alpha"], "/tableau-de-bord/bilan/pied.css", annee=2025
    ).content.decode()
    assert f'content: "Bilan 2025 — CC Alpha — édité le {date} — provisoire"' in pied
    assert "/static/css/bilan-print.css" in page
    assert "/static/js/bilan.js" in page
    assert 'id="bouton-imprimer"' in page and ">Imprimer</button>" in page
    assert f'class="valeur heures-validees">150{NBSP}h<' in page
    assert page.count('role="img"') == 1  # the synthesis's chart; the annex has the tables only
    assert "Annexe — les tableaux complets de 2025" in page
    for titre in (
        "Heures par EPCI",
        "Marchés avec clause en exécution",
        "Personnes par sexe",
        "Sorties par catégorie",
    ):
        assert titre in page
    assert "-sort=" not in page  # no sort links on paper
    assert "_export=" not in page
    assert page.count('class="mb-4 tableau-annexe"') == len(TABLES)


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
# then 16 for the figures: synthesis (3), the setting of training hours, months, EPCI targets, EPCI, buyers,
# publics (2), modalities, contracts, sex, age bands, qualifications, sorties, and 3 for steering: the clauses of
# the year (reserved hours of the year), last year's months and people (the validation rate of the projection
# is read for the current year only). The page adds the years (2) and the EPCI of the filter.
# The session is saved again at the end (savepoint, update, release: +3) so that it ends after 30 minutes idle.
# The page, the bilan and the JSON read the year's closing (+1) and the projection's inputs (+3); the pages
# (not the JSON) count the unread notifications of the navigation badge (+1). The bilan computes the previous
# year's figures too and reads the comment and its versions.
REQUETES = {URL: 31, URL_JSON: 27, URL_BILAN: 49}
REQUETES_EXPORT = 26  # the projection's inputs too (+3)


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
    with django_assert_num_queries(REQUETES_EXPORT):  # the figures, without the page's lists nor the closing
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

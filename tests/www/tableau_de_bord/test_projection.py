"""Dashboard: projection at 31 December, reserved hours of the year, last year at the same date, EPCI targets
reconciled, table of contents — on the page and in the JSON, for the day the test chooses."""

import datetime
import re
from decimal import Decimal

import pytest
from django.utils import timezone

from insertion.indicateurs.chiffres import calculer_chiffres
from insertion.indicateurs.projection import Projection
from insertion.indicateurs.requetes import Perimetre
from portail.formats import Masque
from tests.factories import BeneficiaireFactory, ClauseFactory, HeuresRealiseesFactory, UserFactory
from tests.www.tableau_de_bord.aides import NBSP, URL, URL_BILAN, URL_JSON, donnees_json, get, html
from tests.www.tableau_de_bord.test_graphiques_et_requetes import REQUETES, _volume
from www.tableau_de_bord import graphiques

pytestmark = pytest.mark.django_db
JOUR = datetime.date(2025, 8, 20)  # 2025 is the current year: pace up to 30/06, expected hours from 01/07


@pytest.fixture
def en_2025(monkeypatch):
    """The dashboard read on 20 August 2025 (never today's date)."""
    monkeypatch.setattr(timezone, "localdate", lambda *args, **kwargs: JOUR)
    return JOUR


def test_projection_calculee_a_la_main(jeu_annuel):
    """jeu_annuel on 20/08/2025, validation rate 240 / 240 = 1 over the last twelve months:
    A (1 000 h, 01/01/2025 → 31/12/2026, 730 days): 60 h done by 30/06 for 1 000 × 181 / 730 due, pace
    0.242; July–December due 1 000 × 184 / 730 = 252 h × 0.242 = 61 h, below the 90 h validated and 5 h
    declared for those months: nothing more expected.
    B (500 h, 01/06/2024 → 30/06/2026, 760 days): 140 h done for 500 × 395 / 760 due, pace 0.5387; due
    July–December 500 × 184 / 760 = 121.05 h → 65.22 h expected.
    Central: 210 + 5 + 65.22 = 280; low: 210 + 4.5 + 0.75 × 65.22 = 263; high: 210 + 5 + 1.25 × 65.22 = 297."""
    chiffres = calculer_chiffres(user=jeu_annuel["departement"], perimetre=Perimetre(annee=2025), jour=JOUR)
    projection = chiffres.synthese.projection
    assert (projection.basse, projection.centrale, projection.haute) == (263, 280, 297)
    # 1 000 × 365 / 730 + 500 × 365 / 760 = 740.13
    assert chiffres.synthese.heures_reservees_annee == 740
    assert chiffres.synthese.heures_reservees == 1500  # the lifetime figure
    # Last year at the same date: January to August 2024 (the 80 h of December 2024 come later).
    assert chiffres.synthese.heures_validees_n1 == 0
    assert chiffres.synthese.mois_comparaison == datetime.date(2024, 8, 1)


def test_json_de_l_annee_en_cours(client, jeu_annuel, en_2025):
    donnees = donnees_json(client, jeu_annuel["departement"])
    assert donnees["annee"] == 2025
    projection = donnees["projection"]
    assert projection["basse"] <= projection["centrale"] <= projection["haute"]
    assert (projection["basse"], projection["centrale"], projection["haute"]) == (263, 280, 297)
    assert projection["methode"].startswith("Projection au 31 décembre")
    assert donnees["heures_reservees_annee"] == 740 and donnees["heures_reservees"] == 1500
    assert donnees["annee_precedente"] == {"annee": 2024, "jusqu_au_mois": "2024-08", "heures_validees": 0}
    mois = {ligne["mois"]: ligne for ligne in donnees["par_mois"]}
    assert mois["2025-12"]["cumul_avec_declarees"] == 215
    assert mois["2025-12"]["cumul_validees_n1"] == 80


@pytest.mark.parametrize("annee", [2024, 2026])
def test_pas_de_projection_hors_de_l_annee_en_cours(client, jeu_annuel, en_2025, annee):
    donnees = donnees_json(client, jeu_annuel["departement"], annee=annee)
    assert donnees["projection"] is None
    page = html(get(client, jeu_annuel["departement"], URL, annee=annee))
    assert 'href="#projection"' not in page and 'id="projection"' not in page


def test_annee_passee_comparee_a_toute_l_annee_precedente(client, jeu_annuel, en_2025):
    donnees = donnees_json(client, jeu_annuel["departement"], annee=2024)
    assert donnees["projection"] is None
    assert donnees["annee_precedente"] == {"annee": 2023, "jusqu_au_mois": "2023-12", "heures_validees": 0}
    # 2026 has not begun on 20/08/2025: no comparison.
    assert donnees_json(client, jeu_annuel["departement"], annee=2026)["annee_precedente"] is None


def test_page_projection_sommaire_et_heures_de_l_annee(client, jeu_annuel, en_2025):
    response = get(client, jeu_annuel["departement"], URL)
    page = html(response)
    # The page opens with its table of contents, each link to a section of the page.
    sommaire = page.index('id="sommaire"')
    assert sommaire < page.index('id="titre-synthese"')
    for ancre in re.findall(r'href="#([\w-]+)"', page[sommaire : page.index("</nav>", sommaire)]):
        assert f'id="{ancre}"' in page, ancre
    assert 'href="#projection"' in page
    # The projection, its table and its method; the band on the chart.
    assert f'id="projection-centrale">280{NBSP}h<' in page
    assert "Projection des heures comptées au 31 décembre 2025" in page
    assert "28,0" in page  # 280 / 1 000 of the target
    assert 'class="bande-projection"' in page and 'class="ligne-projection"' in page
    # Reserved hours of the year beside the target, the lifetime figure labelled as such.
    assert f'id="heures-reservees-annee">740{NBSP}h<' in page
    assert f"1{NBSP}500{NBSP}h</span> sur toute la durée des marchés" in page
    assert "2024 à la même date (heures travaillées de janvier à août 2024)" in page
    # The chart stops at the current month, shows the hours awaiting validation and last year's curve.
    trace = re.search(r'class="ligne-cumul" points="([^"]+)"', page).group(1)
    assert len(trace.split()) == 8
    declarees = re.search(r'class="ligne-declarees" points="([^"]+)"', page).group(1)
    assert len(declarees.split()) == 8
    n1 = re.search(r'class="ligne-n1" points="([^"]+)"', page).group(1)
    assert len(n1.split()) == 12
    assert "Heures par public (une personne peut compter dans plusieurs publics)" in page


def test_rapprochement_des_objectifs_des_epci(client, jeu_annuel, en_2025):
    donnees = donnees_json(client, jeu_annuel["departement"])
    assert donnees["rapprochement_objectifs"] == {
        "objectif_departement": 1000,
        "somme_objectifs_epci": 400,
        "ecart": 600,
        "lignes": [
            {
                "nom": "CC Alpha",
                "objectif_heures": 400,
                "heures_comptees": 150,
                "nb_epci": 1,
                "masque": False,
            },
            {
                "nom": "EPCI sans objectif",
                "objectif_heures": None,
                "heures_comptees": 60,
                "nb_epci": 1,
                "masque": False,
            },
        ],
    }
    page = html(get(client, jeu_annuel["departement"], URL))
    assert "Objectifs des EPCI et objectif du Département en 2025" in page
    assert f'id="ecart-objectifs">600{NBSP}h<' in page
    # An EPCI's dashboard has no reconciliation.
    assert donnees_json(client, jeu_annuel["agent_alpha"])["rapprochement_objectifs"] is None


def test_bilan_avec_la_projection(client, jeu_annuel, en_2025):
    reponse = get(client, jeu_annuel["departement"], URL_BILAN)
    projection = reponse.context["bilan"]["projection"]
    assert projection.basse <= projection.centrale <= projection.haute
    assert 'class="mb-0 small projection-bilan">Projection au 31 décembre : entre' in html(reponse)


def test_lecteur_projection_masquee_avec_tout_le_perimetre(client, jeu_annuel, en_2025):
    """3 people in all: every figure about people is masked for a reader, the projection too; reserved
    hours (of contracts, not of people) stay."""
    donnees = donnees_json(client, jeu_annuel["lecteur"])
    assert donnees["nb_beneficiaires"] is None
    assert donnees["projection"] is None
    assert "projection" in donnees["secret_statistique"]["masques"]
    assert donnees["heures_reservees_annee"] == 740
    assert donnees["annee_precedente"]["heures_validees"] is None
    assert all(ligne["cumul_validees_n1"] is None for ligne in donnees["par_mois"])
    page = html(get(client, jeu_annuel["lecteur"], URL))
    assert "Projection masquée (secret statistique)." in page
    assert 'class="bande-projection"' not in page


def test_departement_voit_la_projection_quand_le_lecteur_ne_la_voit_pas(client, jeu_annuel, en_2025):
    assert donnees_json(client, jeu_annuel["departement"])["projection"]["centrale"] == 280


@pytest.mark.parametrize("n", [10, 1000])
@pytest.mark.parametrize("url", [URL, URL_JSON])
def test_nombre_de_requetes_de_l_annee_en_cours_independant_du_volume(
    client, django_assert_num_queries, en_2025, n, url
):
    """The current year adds the validation rate of the projection (+1), for n rows as for 100 n."""
    _volume(n)
    client.force_login(UserFactory(departement=True))
    with django_assert_num_queries(REQUETES[url] + 1):
        assert client.get(url, {"annee": 2025}).status_code == 200


def test_lecteur_annee_precedente_masquee_sous_le_seuil(client, en_2025):
    """6 people in 2025 (shown to a reader), 2 in 2024: last year's figures are masked, not this year's."""
    clause = ClauseFactory(
        lot__marche__date_debut=datetime.date(2024, 1, 1),
        lot__marche__date_fin=datetime.date(2026, 12, 31),
        heures_reservees=Decimal(3000),
    )
    for personne in BeneficiaireFactory.create_batch(6, date_entree=datetime.date(2024, 1, 1)):
        HeuresRealiseesFactory(
            clause=clause, beneficiaire=personne, mois=datetime.date(2025, 3, 1), heures=20, validees=True
        )
    for personne in BeneficiaireFactory.create_batch(2, date_entree=datetime.date(2024, 1, 1)):
        HeuresRealiseesFactory(
            clause=clause, beneficiaire=personne, mois=datetime.date(2024, 3, 1), heures=30, validees=True
        )
    lecteur = UserFactory(lecteur=True)
    donnees = donnees_json(client, lecteur)
    assert donnees["heures_validees"] == 120 and donnees["projection"]["centrale"] > 120
    assert donnees["annee_precedente"]["heures_validees"] is None
    assert "heures_validees_n1" in donnees["secret_statistique"]["masques"]
    assert all(ligne["cumul_validees_n1"] is None for ligne in donnees["par_mois"])
    # 3 000 h over 1 096 days (2024 has 366): 3 000 × 365 / 1 096 = 999.09 h in 2025
    assert donnees["heures_reservees_annee"] == 999
    # The Département sees them.
    assert donnees_json(client, UserFactory(departement=True))["annee_precedente"]["heures_validees"] == 60
    page = html(get(client, lecteur, URL))
    assert 'class="ligne-n1"' not in page


def test_geometrie_de_la_bande_et_des_courbes_ajoutees():
    prevue = Projection(basse=Decimal(700), centrale=Decimal(900), haute=Decimal(1100))
    courbe = graphiques.courbe_cumulee(
        cumuls=[Decimal(100 * n) for n in range(1, 13)],
        objectif=1000,
        nb_mois=3,
        cumuls_avec_declarees=[Decimal(100 * n + 50) for n in range(1, 13)],
        cumuls_n1=[Decimal(80 * n) for n in range(1, 13)],
        projection=prevue,
    )
    # max(1 100, 1 000, 960…) × 1,05 = 1 155 → step 250, top 1 250: y = 284 − 260 × v / 1 250.
    assert courbe.bande.depart == courbe.points[-1]  # from March, the last month drawn
    assert (courbe.bande.x, courbe.bande.basse_y, courbe.bande.centrale_y, courbe.bande.haute_y) == (
        624.0,
        138.4,
        96.8,
        55.2,
    )
    assert courbe.bande.polygone == "177.3,221.6 624.0,55.2 624.0,138.4"
    assert len(courbe.points_declarees) == 3 and len(courbe.points_n1) == 12
    assert courbe.points_declarees[0].y == 252.8  # 150 h
    assert (
        f"Projection au 31 décembre : de 700{NBSP}h à 1{NBSP}100{NBSP}h, 900{NBSP}h au centre."
        in courbe.description
    )
    # A masked projection or last year's curve is not drawn.
    masquee = graphiques.courbe_cumulee(
        cumuls=[Decimal(100)] * 12,
        objectif=1000,
        nb_mois=3,
        cumuls_n1=[Masque("secret")] * 12,
        projection=Masque("secret"),
    )
    assert masquee.bande is None and masquee.points_n1 == []

"""The page of the years (/annees/): closing and reopening a year, for Département staff; and the dashboard,
bilan and JSON saying whether a year's figures are provisional or final."""

import datetime
import html
from decimal import Decimal

import pytest

from insertion.cloture import cloture_de, cloturer_annee, rouvrir_annee
from insertion.models import ClotureAnnee
from tests.factories import HeuresRealiseesFactory
from tests.requetes import assert_autant_de_requetes, requetes_de_la_page
from tests.www.saisie.aides import messages_de

pytestmark = pytest.mark.django_db

URL = "/annees/"
URL_CLOTURE = "/annees/cloturer/"
URL_REOUVERTURE = "/annees/rouvrir/"
JUIN_2025 = datetime.date(2025, 6, 1)


def page(reponse) -> str:
    return html.unescape(reponse.content.decode())


@pytest.fixture
def client_departement(client, departement):
    client.force_login(departement)
    return client


@pytest.fixture
def heures_2025(clause_a):
    """Two lines of June 2025: one still declared (35 h), one validated (20 h)."""
    HeuresRealiseesFactory(clause=clause_a, mois=JUIN_2025, heures=Decimal(35))
    HeuresRealiseesFactory(validees=True, clause=clause_a, mois=JUIN_2025, heures=Decimal(20))


def _fermer(user, annee=2025):
    return cloturer_annee(user=user, annee=annee, date_cloture=datetime.date(2026, 1, 15), confirmer=True)


# --- the page, per role ------------------------------------------------------------------------------


@pytest.mark.parametrize("role", ["departement", "superuser"])
def test_la_page_liste_les_annees_et_leurs_lignes_declarees(client, request, role, heures_2025):
    client.force_login(request.getfixturevalue(role))
    reponse = client.get(URL)
    assert reponse.status_code == 200
    texte = page(reponse)
    assert "1 ligne encore déclarée, pour 35\N{NO-BREAK SPACE}h" in texte
    assert "/validation/?annee=2025&statut=declarees" in texte
    assert "Clôturer l'année 2025" in texte
    assert "1 ligne d'heures de 2025 (35\N{NO-BREAK SPACE}h) est encore déclarée" in texte
    assert "2 025" not in texte


@pytest.mark.parametrize("role", ["agent_a", "agent_b", "lecteur", "lecteur_a"])
def test_les_autres_comptes_ne_la_voient_pas(client, request, role, heures_2025):
    client.force_login(request.getfixturevalue(role))
    assert client.get(URL).status_code == 404
    assert client.post(URL_CLOTURE, {"annee": "2025", "date_cloture": "2026-01-15"}).status_code == 404
    assert client.post(URL_REOUVERTURE, {"annee": "2025", "motif": "Pour voir"}).status_code == 404
    assert not ClotureAnnee.objects.exists()


def test_le_lien_vers_la_file_filtre_l_annee(client_departement, clause_a, heures_2025):
    HeuresRealiseesFactory(clause=clause_a, mois=datetime.date(2026, 2, 1))
    reponse = client_departement.get("/validation/", {"annee": "2025", "statut": "declarees"})
    assert reponse.status_code == 200
    assert {r.mois.year for r in reponse.context["table"].data} == {2025}
    assert len(reponse.context["table"].data) == 1


# --- closing and reopening through the page ------------------------------------------------------------


def test_cloturer_puis_rouvrir(client_departement, departement, heures_2025):
    reponse = client_departement.post(
        URL_CLOTURE, {"annee": "2025", "date_cloture": "2026-01-15", "confirmer": "on"}
    )
    assert reponse.status_code == 302
    assert "L'année 2025 est clôturée au 15/01/2026" in messages_de(reponse)[0]
    assert cloture_de(2025).cloture_par == departement
    texte = page(client_departement.get(URL))
    assert "clôturée</span> le 15/01/2026 par Claire Validatrice" in texte
    assert "Rouvrir l'année 2025" in texte

    reponse = client_departement.post(URL_REOUVERTURE, {"annee": "2025", "motif": "Relevé de juin corrigé"})
    assert reponse.status_code == 302
    assert cloture_de(2025) is None
    texte = page(client_departement.get(URL))
    # Who, when and why, for every closing and reopening.
    assert "clôture au 15/01/2026" in texte and "réouverture" in texte
    assert "Relevé de juin corrigé" in texte
    assert texte.count("Claire Validatrice") >= 2
    assert "(rouverte)" in texte


@pytest.mark.parametrize(
    ("donnees", "message"),
    [
        ({"date_cloture": ""}, "Indiquez la date de clôture (jj/mm/aaaa)."),
        ({}, "Indiquez la date de clôture (jj/mm/aaaa)."),
        ({"date_cloture": "32/13/2025"}, "Saisissez une date valide au format jj/mm/aaaa."),
        ({"date_cloture": "31/12/2025"}, "indiquez une date à partir du 01/01/2026"),
        ({"date_cloture": "2025-12-31"}, "indiquez une date à partir du 01/01/2026"),
        ({"date_cloture": "2025-03-01"}, "ne peut être clôturée qu'une fois terminée"),
        ({"date_cloture": "2999-01-01"}, "La date de clôture ne peut pas dépasser aujourd'hui"),
    ],
)
def test_date_manquante_ou_trop_tot(client_departement, clause_a, donnees, message):
    HeuresRealiseesFactory(validees=True, clause=clause_a, mois=JUIN_2025)
    reponse = client_departement.post(URL_CLOTURE, {"annee": "2025", **donnees})
    assert reponse.status_code == 200
    assert message in page(reponse)
    assert not ClotureAnnee.objects.exists()


def test_confirmation_manquante_avec_des_lignes_declarees(client_departement, heures_2025):
    reponse = client_departement.post(URL_CLOTURE, {"annee": "2025", "date_cloture": "2026-01-15"})
    assert reponse.status_code == 200
    assert reponse.context["etats"][0].formulaire.errors["confirmer"] == [
        "Cochez cette case pour clôturer l'année malgré les lignes encore déclarées."
    ]
    assert "1 ligne d'heures de 2025 (35\N{NO-BREAK SPACE}h) est encore déclarée" in page(reponse)
    assert not ClotureAnnee.objects.exists()


def test_cloturer_deux_fois(client_departement, departement, heures_2025):
    _fermer(departement)
    reponse = client_departement.post(
        URL_CLOTURE, {"annee": "2025", "date_cloture": "2026-02-01", "confirmer": "on"}
    )
    assert reponse.status_code == 200
    assert "L'année 2025 est déjà clôturée depuis le 15/01/2026." in page(reponse)
    assert cloture_de(2025).date_cloture == datetime.date(2026, 1, 15)


@pytest.mark.parametrize("motif", ["", "   "])
def test_rouvrir_sans_motif(client_departement, departement, heures_2025, motif):
    _fermer(departement)
    reponse = client_departement.post(URL_REOUVERTURE, {"annee": "2025", "motif": motif})
    assert reponse.status_code == 200
    assert "Indiquez le motif de la réouverture" in page(reponse)
    assert cloture_de(2025) is not None


def test_rouvrir_une_annee_ouverte(client_departement, heures_2025):
    reponse = client_departement.post(URL_REOUVERTURE, {"annee": "2025", "motif": "Pour voir"})
    assert reponse.status_code == 200
    assert "L'année 2025 n'est pas clôturée : il n'y a rien à rouvrir." in page(reponse)


@pytest.mark.parametrize("annee", ["", "abc", "1999", "2101", "2025.5", "9" * 40])
@pytest.mark.parametrize("url", [URL_CLOTURE, URL_REOUVERTURE])
def test_annee_hostile(client_departement, heures_2025, annee, url):
    reponse = client_departement.post(url, {"annee": annee, "date_cloture": "2026-01-15", "motif": "x"})
    assert reponse.status_code == 302
    assert messages_de(reponse) == ["Année inconnue : choisissez de nouveau l'année dans la liste."]
    assert not ClotureAnnee.objects.exists()


def test_annee_sans_heure(client_departement):
    """A year the page does not list: refused as a message, nothing closed without a confirmation of sense."""
    reponse = client_departement.post(URL_CLOTURE, {"annee": "2024", "date_cloture": "2999-01-01"})
    assert reponse.status_code == 200
    assert any("ne peut pas dépasser aujourd'hui" in m for m in messages_de(reponse))


def test_les_requetes_ne_dependent_pas_du_nombre_d_annees(client_departement, departement, clause_a):
    def annees(debut, nombre):
        for annee in range(debut, debut + nombre):
            HeuresRealiseesFactory(clause=clause_a, mois=datetime.date(annee, 3, 1))
            HeuresRealiseesFactory(validees=True, clause=clause_a, mois=datetime.date(annee, 4, 1))
            _fermer(departement, annee=annee) if annee < 2025 else None
            if annee < 2024:
                rouvrir_annee(user=departement, annee=annee, motif="Correction")

    annees(2023, 2)
    _, avec_n = requetes_de_la_page(client_departement, URL)
    annees(2003, 20)
    reponse, avec_10_n = requetes_de_la_page(client_departement, URL)
    assert len(reponse.context["etats"]) == 22
    assert_autant_de_requetes(avec_n, avec_10_n)


# --- provisional or final figures ------------------------------------------------------------------


@pytest.mark.parametrize("vue", ["/tableau-de-bord/", "/tableau-de-bord/bilan/"])
def test_tableau_de_bord_et_bilan_provisoires_puis_definitifs(client, lecteur, departement, vue, heures_2025):
    client.force_login(lecteur)
    assert "Chiffres provisoires — l'année n'est pas clôturée" in page(client.get(vue, {"annee": "2025"}))
    _fermer(departement)
    texte = page(client.get(vue, {"annee": "2025"}))
    assert "Chiffres définitifs — année clôturée le 15/01/2026" in texte
    assert "Chiffres provisoires" not in texte
    assert "Chiffres provisoires" in page(client.get(vue, {"annee": "2026"}))


def test_json_definitif(client, agent_a, departement, heures_2025):
    client.force_login(agent_a)
    ouverte = client.get("/tableau-de-bord/indicateurs.json", {"annee": "2025"}).json()
    assert (ouverte["definitif"], ouverte["cloture_le"]) == (False, None)
    assert ouverte["heures_validees"] == 20  # existing keys are kept
    _fermer(departement)
    fermee = client.get("/tableau-de-bord/indicateurs.json", {"annee": "2025"}).json()
    assert (fermee["definitif"], fermee["cloture_le"]) == (True, "2026-01-15")
    assert fermee["heures_validees"] == 20
    rouvrir_annee(user=departement, annee=2025, motif="Correction")
    assert client.get("/tableau-de-bord/indicateurs.json", {"annee": "2025"}).json()["definitif"] is False


def test_l_annee_en_cours_ne_se_cloture_pas_encore(client_departement, clause_a):
    cette_annee = datetime.date.today().year
    HeuresRealiseesFactory(clause=clause_a, mois=datetime.date(cette_annee, 1, 1))
    texte = page(client_departement.get(URL))
    assert (
        f"L'année {cette_annee} n'est pas terminée : elle pourra être clôturée à partir du 01/01/{cette_annee + 1}."
        in texte
    )
    assert f"Clôturer l'année {cette_annee}" not in texte

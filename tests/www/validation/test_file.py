"""Validation queue: access, filters, sorting, totals, exports and query counts."""

import io
from decimal import Decimal

import openpyxl
import pytest
from django.urls import reverse

from insertion.enums import Statut
from tests.factories import (
    BeneficiaireFactory,
    ClauseFactory,
    EntrepriseFactory,
    EpciFactory,
    HeuresRealiseesFactory,
    MarcheFactory,
)
from tests.requetes import assert_autant_de_requetes, requetes_de_la_page
from tests.www.validation.aides import AVRIL, MARS, URL, avec_versions, connecte, lignes_affichees

pytestmark = pytest.mark.django_db


# --- access -----------------------------------------------------------------------------------------


def test_le_departement_voit_les_heures_declarees(client, departement, clause_a):
    personne = BeneficiaireFactory(nom="Martin", prenom="Léa")
    declaree = HeuresRealiseesFactory(
        clause=clause_a, beneficiaire=personne, mois=MARS, heures=Decimal("123.45")
    )
    validee = HeuresRealiseesFactory(clause=clause_a, mois=MARS, validees=True)

    response = connecte(client, departement).get(URL)

    assert response.status_code == 200
    assert lignes_affichees(response) == {declaree.pk}
    contenu = response.content.decode()
    assert "MARTIN Léa" in contenu
    assert "mars 2026" in contenu
    assert "123,45\u00a0h" in contenu
    assert reverse("marches:detail", args=[clause_a.lot.marche_id]) in contenu
    assert reverse("validation:historique", args=[declaree.pk]) in contenu
    assert reverse("validation:historique", args=[validee.pk]) not in contenu
    assert "<caption>" in contenu
    assert 'id="tout-selectionner"' in contenu


@pytest.mark.parametrize("qui", ["agent_a", "lecteur"])
def test_les_autres_roles_recoivent_404(client, request, qui, clause_a):
    ligne = HeuresRealiseesFactory(clause=clause_a, mois=MARS)
    client = connecte(client, request.getfixturevalue(qui))

    assert client.get(URL).status_code == 404
    response = client.post(URL, avec_versions({"action": "valider", "selection": [ligne.pk]}))
    assert response.status_code == 404
    ligne.refresh_from_db()
    assert ligne.statut == Statut.DECLAREES


def test_anonyme_redirige_vers_la_connexion(client):
    response = client.get(URL)
    assert response.status_code == 302
    assert response["Location"] == f"/connexion/?next={URL}"


# --- filters ----------------------------------------------------------------------------------------


@pytest.fixture
def file_variee(clause_a, clause_b):
    """Declared rows in two EPCI and two months, plus a validated and a rejected row."""
    return {
        "a_mars": HeuresRealiseesFactory(clause=clause_a, mois=MARS),
        "a_avril": HeuresRealiseesFactory(clause=clause_a, mois=AVRIL),
        "b_mars": HeuresRealiseesFactory(clause=clause_b, mois=MARS),
        "a_validee": HeuresRealiseesFactory(clause=clause_a, mois=MARS, validees=True),
        "b_rejetee": HeuresRealiseesFactory(clause=clause_b, mois=AVRIL, rejetees=True),
    }


@pytest.mark.parametrize(
    "parametres, attendues",
    [
        ({}, {"a_mars", "a_avril", "b_mars"}),
        ({"epci": "A"}, {"a_mars", "a_avril"}),
        ({"mois": "2026-03"}, {"a_mars", "b_mars"}),
        ({"mois": "04/2026"}, {"a_avril"}),
        ({"marche": "B"}, {"b_mars"}),
        ({"statut": "validees"}, {"a_validee"}),
        ({"statut": "rejetees"}, {"b_rejetee"}),
        ({"statut": "tous", "epci": "A"}, {"a_mars", "a_avril", "a_validee"}),
        ({"epci": "A", "mois": "2026-04"}, {"a_avril"}),
    ],
)
def test_les_filtres_restreignent_la_file(
    client, departement, file_variee, epci_a, clause_a, clause_b, parametres, attendues
):
    valeurs = {
        "A": {"epci": epci_a.pk, "marche": clause_a.lot.marche_id},
        "B": {"marche": clause_b.lot.marche_id},
    }
    parametres = {cle: valeurs[v][cle] if v in valeurs else v for cle, v in parametres.items()}

    response = connecte(client, departement).get(URL, parametres)

    assert response.status_code == 200
    assert lignes_affichees(response) == {file_variee[nom].pk for nom in attendues}


def test_un_mois_mal_saisi_est_signale_en_francais(client, departement, file_variee):
    response = connecte(client, departement).get(URL, {"mois": "mars"})

    assert response.status_code == 200
    assert lignes_affichees(response) == set()
    assert "Indiquez un mois au format AAAA-MM" in response.content.decode()


def test_les_options_des_filtres_sont_celles_de_la_file(client, departement, file_variee, epci_a, epci_b):
    # An EPCI and a contract without any row of hours are not offered.
    sans_heures = MarcheFactory(acheteur__epci=EpciFactory(nom="CC Sans heures"))

    response = connecte(client, departement).get(URL)

    champs = response.context["filter"].form.fields
    assert set(champs["epci"].queryset) == {epci_a, epci_b}
    marches = set(champs["marche"].queryset)
    assert marches == {r.clause.lot.marche for r in file_variee.values()}
    assert sans_heures not in marches
    assert "CC Sans heures" not in response.content.decode()


@pytest.mark.parametrize(
    "tri",
    [
        "mois",
        "-epci",
        "marche",
        "lot",
        "-beneficiaire",
        "employeur",
        "modalite",
        "type_contrat",
        "heures",
        "-total_personne_mois",
        "statut",
        "saisi_par",
        "-saisi_le",
    ],
)
def test_chaque_colonne_se_trie(client, departement, file_variee, tri):
    response = connecte(client, departement).get(URL, {"statut": "tous", "sort": tri})

    assert response.status_code == 200
    assert lignes_affichees(response) == {r.pk for r in file_variee.values()}


def test_total_de_la_personne_sur_le_mois(client, departement, clause_a, clause_b):
    personne = BeneficiaireFactory()
    ligne = HeuresRealiseesFactory(clause=clause_a, beneficiaire=personne, mois=MARS, heures=Decimal(100))
    HeuresRealiseesFactory(
        clause=clause_b, beneficiaire=personne, mois=MARS, heures=Decimal(80), validees=True
    )
    HeuresRealiseesFactory(clause=clause_b, beneficiaire=personne, mois=AVRIL, heures=Decimal(50))
    HeuresRealiseesFactory(
        clause=ClauseFactory(), beneficiaire=personne, mois=MARS, heures=Decimal(40), rejetees=True
    )

    response = connecte(client, departement).get(URL, {"mois": "2026-03"})

    (row,) = response.context["table"].paginated_rows
    assert row.record.pk == ligne.pk
    assert row.record.total_personne_mois == Decimal(180)
    assert "180\u00a0h" in response.content.decode()
    assert "plus de 160\u00a0h" in response.content.decode()


# --- export -----------------------------------------------------------------------------------------


def test_export_xlsx_de_la_file_filtree(client, departement, clause_a, clause_b):
    HeuresRealiseesFactory(
        clause=clause_a, mois=MARS, heures=Decimal("12.5"), beneficiaire=BeneficiaireFactory(nom="Alpha")
    )
    HeuresRealiseesFactory(clause=clause_b, mois=MARS, beneficiaire=BeneficiaireFactory(nom="Beta"))

    response = connecte(client, departement).get(URL, {"marche": clause_a.lot.marche_id, "_export": "xlsx"})

    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    assert "attachment" in response["Content-Disposition"]
    feuille = openpyxl.load_workbook(io.BytesIO(response.content)).active
    lignes = list(feuille.iter_rows(values_only=True))
    assert len(lignes) == 2
    entetes, valeurs = lignes
    assert "bénéficiaire" in entetes and "historique" not in entetes
    rangee = dict(zip(entetes, valeurs, strict=True))
    assert rangee["bénéficiaire"].startswith("ALPHA ")
    assert rangee["heures"] == 12.5
    assert rangee["mois"] == "mars 2026"


def test_export_csv_pour_excel_en_francais(client, departement, clause_a):
    HeuresRealiseesFactory(clause=clause_a, mois=MARS, heures=Decimal("12.5"))

    response = connecte(client, departement).get(URL, {"_export": "csv"})

    contenu = response.content.decode("utf-8")
    assert contenu.startswith("\ufeffmois;EPCI;marché;")
    assert ";12,50;" in contenu


def test_l_export_csv_neutralise_les_formules(client, departement, clause_a):
    HeuresRealiseesFactory(
        clause=clause_a, mois=MARS, employeur=EntrepriseFactory(raison_sociale='=HYPERLINK("http://x")')
    )

    response = connecte(client, departement).get(URL, {"_export": "csv"})

    contenu = response.content.decode("utf-8")
    assert "'=HYPERLINK" in contenu
    assert ";=HYPERLINK" not in contenu and ';"=HYPERLINK' not in contenu


def test_un_format_d_export_inconnu_affiche_la_page(client, departement):
    response = connecte(client, departement).get(URL, {"_export": "json"})
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/html")


# --- query counts: the same page with n and 10 n rows ----------------------------------------------


def test_requetes_de_la_file_independantes_du_nombre_de_lignes(client, departement):
    clauses = ClauseFactory.create_batch(3)

    def declarer(debut, fin):
        for i in range(debut, fin):
            HeuresRealiseesFactory(
                clause=clauses[i % 3], mois=MARS, saisi_par=departement, employeur=EntrepriseFactory()
            )

    connecte(client, departement)
    declarer(0, 10)
    response, avec_n = requetes_de_la_page(client, URL, {"per_page": 100})
    assert len(lignes_affichees(response)) == 10
    declarer(10, 100)
    response, avec_10_n = requetes_de_la_page(client, URL, {"per_page": 100})
    assert len(lignes_affichees(response)) == 100
    assert_autant_de_requetes(avec_n, avec_10_n)
    assert len(lignes_affichees(client.get(URL))) == 50  # pages of 50

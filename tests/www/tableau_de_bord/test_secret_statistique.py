"""Statistical secret on the dashboard: a reader never sees a count of 1-4 people, directly or by difference,
on the page, in the bilan, the exports or the JSON; staff and clerks see every figure."""

import datetime
from decimal import Decimal

import pytest

from beneficiaires.enums import CategorieSortie, CodePublic, NiveauQualification, Sexe
from insertion.enums import Modalite
from tests.factories import (
    AcheteurFactory,
    BeneficiaireFactory,
    ClauseFactory,
    EligibiliteFactory,
    HeuresRealiseesFactory,
    ObjectifFactory,
    SortieFactory,
)
from tests.requetes import assert_autant_de_requetes, formes, requetes_de_la_page
from tests.secret_statistique import verifier_heures, verifier_repartition
from tests.www.tableau_de_bord.aides import NBSP, URL, URL_BILAN, URL_JSON, donnees_json, exporter, get, html

pytestmark = pytest.mark.django_db

D = datetime.date
NOTE = (
    "Les effectifs inférieurs à 5 personnes sont masqués (secret statistique), "
    "ainsi que les cases qui permettraient de les retrouver."
)
# Breakdowns of people adding up to a known total: table name -> its count column.
ADDITIVES = {"sexe": "Personnes", "ages": "Personnes", "qualifications": "Personnes", "sorties": "Sorties"}
# Breakdowns of hours adding up to the validated hours of the year: table name -> its hours column.
HEURES = {
    "epci": "Heures validées",
    "acheteurs": "Heures validées",
    "modalites": "Heures validées",
    "marches": "Heures validées dans l'année",
}


def _clause(epci, acheteur, reference):
    return ClauseFactory(
        lot__marche__acheteur=AcheteurFactory(epci=epci, nom=acheteur),
        lot__marche__reference=reference,
        lot__marche__date_debut=D(2025, 1, 1),
        lot__marche__date_fin=D(2025, 12, 31),
        heures_reservees=Decimal(1000),
    )


@pytest.fixture
def petit_epci(epci_a, epci_b):
    """EPCI A: one person (a man of 35, no diploma, RQTH) — 35 h in March, 40 h in April 2025.

    EPCI B: 12 people, 9 women and 3 men; 3 under 26 (JEUNE), 8 aged 26-49, 1 over 50; qualifications
    6 × level 3, 5 × level 4, 1 × level 5; 10 BRSA; 10 on contract B1 (Mairie B1), 2 on B2 (Mairie B2),
    two of them in training. Sorties: 2 in B, 1 in A.
    Département, 13 people: men 4 (3 + 1), ages 3 / 9 / 1, qualifications sans 1 / 3: 6 / 4: 5 / 5: 1;
    BRSA 10 (3 outside), JEUNE 3, RQTH 1; 3 sorties.
    """
    clause_a = _clause(epci_a, "Mairie A", "A-1")
    clause_b1 = _clause(epci_b, "Mairie B1", "B-1")
    clause_b2 = _clause(epci_b, "Mairie B2", "B-2")
    seul = BeneficiaireFactory(
        sexe=Sexe.HOMME,
        date_naissance=D(1990, 6, 1),
        niveau_qualification=NiveauQualification.SANS,
        date_entree=D(2024, 1, 1),
    )
    EligibiliteFactory(beneficiaire=seul, code=CodePublic.RQTH, date_debut=D(2024, 1, 1))
    HeuresRealiseesFactory(clause=clause_a, beneficiaire=seul, mois=D(2025, 3, 1), heures=35, validees=True)
    HeuresRealiseesFactory(clause=clause_a, beneficiaire=seul, mois=D(2025, 4, 1), heures=40, validees=True)
    SortieFactory(beneficiaire=seul, date=D(2025, 9, 1), categorie=CategorieSortie.AUTRE)
    naissances = [D(2003, 1, 1)] * 3 + [D(1985, 1, 1)] * 8 + [D(1965, 1, 1)]
    niveaux = ["3"] * 6 + ["4"] * 5 + ["5"]
    for i in range(12):
        personne = BeneficiaireFactory(
            sexe=Sexe.FEMME if i < 9 else Sexe.HOMME,
            date_naissance=naissances[i],
            niveau_qualification=niveaux[i],
            date_entree=D(2024, 1, 1),
        )
        if i < 10:
            EligibiliteFactory(beneficiaire=personne, date_debut=D(2024, 1, 1))
        if i < 3:
            EligibiliteFactory(beneficiaire=personne, code=CodePublic.JEUNE, date_debut=D(2024, 1, 1))
        HeuresRealiseesFactory(
            clause=clause_b1 if i < 10 else clause_b2,
            beneficiaire=personne,
            mois=D(2025, 1 + i % 6, 1),
            heures=Decimal(20 + i),
            modalite=Modalite.FORMATION if i in (4, 5) else Modalite.EMBAUCHE_DIRECTE,
            validees=True,
        )
        if i < 2:
            SortieFactory(beneficiaire=personne, date=D(2025, 10, 1))
    ObjectifFactory(annee=2025, heures=1000)
    ObjectifFactory(annee=2025, epci=epci_a, heures=100)


def _feuille(client, user, table):
    lignes = exporter(client, user, table)
    return [dict(zip(lignes[0], ligne, strict=True)) for ligne in lignes[1:]]


def _effectif_montre(valeur):
    return isinstance(valeur, int) and not isinstance(valeur, bool)


def verifier_exports(client, user, *, total: int, seuil: int = 5):
    """Every export, as the reader gets it: no small count, none recoverable from the totals."""
    if total < seuil:  # the total itself is masked: so is every count, zeros included
        for table in [*ADDITIVES, "epci", "publics"]:
            colonne = ADDITIVES.get(table, "Personnes")
            assert all(ligne[colonne] == "secret" for ligne in _feuille(client, user, table)), table
        for table, colonne in HEURES.items():
            assert all(ligne[colonne] == "secret" for ligne in _feuille(client, user, table)), table
        return
    for table, colonne in ADDITIVES.items():
        lignes = _feuille(client, user, table)
        valeurs = [ligne[colonne] for ligne in lignes]
        total_table = total if colonne == "Personnes" else TOTAL_SORTIES
        verifier_repartition(valeurs, total=total_table, seuil=seuil, libelle=table)
    epci = _feuille(client, user, "epci")
    verifier_repartition([ligne["Personnes"] for ligne in epci], total=total, seuil=seuil, libelle="epci")
    for table, colonne in HEURES.items():
        verifier_heures([ligne[colonne] for ligne in _feuille(client, user, table)], libelle=table)
    for ligne in _feuille(client, user, "publics"):  # publics overlap: each one splits the people in two
        nombre = ligne["Personnes"]
        if _effectif_montre(nombre):
            assert not 0 < nombre < seuil and not 0 < total - nombre < seuil, ligne
        else:
            assert ligne["Heures validées"] == ligne["Part des heures validées (%)"] == "secret", ligne


TOTAL_SORTIES = 3


# --- a reader of the whole Département ------------------------------------------------------------


def test_lecteur_du_departement_exports(client, petit_epci, lecteur):
    verifier_exports(client, lecteur, total=13)
    sexe = _feuille(client, lecteur, "sexe")
    assert [(x["Sexe"], x["Personnes"], x["Part des personnes (%)"]) for x in sexe] == [
        ("femme", "secret", "secret"),  # 13 - 9 would give the 4 men back
        ("homme", "< 5", "secret"),
    ]
    qualifications = {
        x["Niveau de qualification"]: x["Personnes"] for x in _feuille(client, lecteur, "qualifications")
    }
    # sans diplôme 1 and niveau 5 1: "< 5" twice adding up to 2 tells both; the smallest shown (5) masked.
    # Even then 7 - 5 = 2 would tell both (a masked cell is at most the smallest shown, 6): 6 masked too.
    assert list(qualifications.values()) == ["< 5", "secret", "secret", "< 5", 0, 0]
    assert [x["Personnes"] for x in _feuille(client, lecteur, "ages")] == ["< 5", 9, "< 5"]
    assert [x["Sorties"] for x in _feuille(client, lecteur, "sorties")] == ["secret"] * 4  # 3 sorties in all
    epci = [(x["EPCI"], x["Personnes"], x["Heures validées"]) for x in _feuille(client, lecteur, "epci")]
    assert epci == [("CC Alpha", "< 5", "secret"), ("CC Beta", "secret", "secret")]
    acheteurs = {x["Acheteur"]: x["Heures validées"] for x in _feuille(client, lecteur, "acheteurs")}
    assert acheteurs == {"Mairie B1": 245, "Mairie A": "secret", "Mairie B2": "secret"}
    # The CSV says the same.
    assert exporter(client, lecteur, "sexe", "csv")[2][1] == "< 5"


def test_lecteur_du_departement_json(client, petit_epci, lecteur):
    donnees = donnees_json(client, lecteur, annee=2025)
    assert donnees["secret_statistique"] == {
        "seuil": 5,
        "note": NOTE,
        # 3 people are not BRSA; 2 people trained: their hours, and the hours worked, by difference
        "masques": [
            "heures_brsa",
            "nb_beneficiaires_brsa",
            "part_brsa",
            "heures_formation",
            "heures_travaillees",
        ],
    }
    # Every training hour counts (the default): the counted hours are the validated hours, shown.
    assert donnees["heures_comptees"] == donnees["heures_validees"]
    assert donnees["nb_beneficiaires"] == 13 and donnees["heures_validees"] == 75 + 20 * 12 + 66
    assert donnees["nb_beneficiaires_brsa"] is None and donnees["heures_brsa"] is None
    for cle in ("par_sexe", "par_tranche_age", "par_qualification", "sorties"):
        for ligne in donnees[cle]:
            assert ligne["masque"] is (ligne["nb"] is None), ligne
            assert ligne["nb"] is None or not 0 < ligne["nb"] < 5, ligne
    assert [(x["code"], x["nb"], x["masque"]) for x in donnees["par_sexe"]] == [
        ("F", None, True),
        ("H", None, True),
    ]
    publics = {
        p["code"]: (p["nb_beneficiaires"], p["heures_validees"], p["masque"]) for p in donnees["par_public"]
    }
    assert publics["BRSA"] == (None, None, True) and publics["JEUNE"] == (None, None, True)
    assert publics["DELD"] == (0, 0, False)
    for ligne in donnees["par_epci"] + donnees["par_acheteur"] + donnees["par_modalite"]:
        assert ligne["masque"] is (ligne["heures_validees"] is None), ligne
    marches = {m["reference"]: m for m in donnees["par_marche"]}
    assert marches["A-1"]["heures_validees_annee"] is None and marches["A-1"]["taux_realisation"] is None
    assert marches["A-1"]["heures_reservees"] == 1000 and marches["A-1"]["masque"] is True
    assert marches["B-1"]["heures_validees_annee"] == 245 and marches["B-1"]["masque"] is False


# How the headline figures are marked: ids on the dashboard, classes in the bilan (one synthesis per EPCI).
MARQUES = {URL: 'id="', URL_BILAN: 'class="valeur '}


def test_lecteur_du_departement_page_et_bilan(client, petit_epci, lecteur):
    for url in (URL, URL_BILAN):
        response = get(client, lecteur, url, annee=2025)
        page = html(response)
        assert NOTE in page
        assert f'{MARQUES[url]}nb-beneficiaires">13<' in page
        assert "dont bénéficiaires du RSA : secret" in page
        tables = response.context["tables"]
        for nom, table in tables.items():
            for colonne in ("nb", "nb_beneficiaires"):
                if colonne in table.columns:
                    for ligne in table.rows:
                        assert ligne.get_cell(colonne) not in {"1", "2", "3", "4"}, (nom, ligne.record)
        assert [ligne.get_cell("nb") for ligne in tables["sexe"].rows] == ["secret", "< 5"]
        # A masked bar is not drawn: its length would tell its hours.
        assert (
            "CC Alpha :" not in page
            and "non représentés (secret statistique) : CC Alpha, CC Beta" not in page
        )
        if url == URL:  # the bilan's synthesis has the EPCI table, not its chart
            assert "Heures validées par EPCI : chiffres masqués (secret statistique)." in page


# --- a reader locked to the small EPCI ------------------------------------------------------------


def test_lecteur_du_petit_epci_tout_masque(client, petit_epci, lecteur_a):
    donnees = donnees_json(client, lecteur_a, annee=2025)
    assert donnees["perimetre"]["libelle"] == "CC Alpha"
    for cle in (
        "nb_beneficiaires",
        "heures_validees",
        "etp",
        "progression",
        "heures_restantes",
        "heures_brsa",
    ):
        assert donnees[cle] is None, cle
    assert set(donnees["secret_statistique"]["masques"]) >= {"nb_beneficiaires", "heures_validees", "etp"}
    assert (donnees["objectif_heures"], donnees["nb_marches"], donnees["heures_reservees"]) == (100, 1, 1000)
    assert all(m["heures_validees"] is None and m["masque"] for m in donnees["par_mois"])
    for cle in ("par_sexe", "par_tranche_age", "par_qualification", "sorties"):
        assert all(ligne["nb"] is None and ligne["masque"] for ligne in donnees[cle]), cle
    texte = str(donnees)
    for heures in ("35", "40", "75"):  # the one person's hours
        assert f": {heures}," not in texte and f": {heures}}}" not in texte
    verifier_exports(client, lecteur_a, total=1)
    assert {x["Sexe"]: x["Personnes"] for x in _feuille(client, lecteur_a, "sexe")} == {
        "femme": "secret",  # zeros too: "0 women" would say the one person is a man
        "homme": "secret",
    }
    for url in (URL, URL_BILAN):
        page = html(get(client, lecteur_a, url, annee=2025))
        assert NOTE in page
        assert "<strong>&lt; 5 personnes</strong> ont travaillé des heures validées en 2025" in page
        assert f'{MARQUES[url]}heures-validees">secret<' in page
        assert "(progression masquée)" in page and 'role="progressbar"' not in page
        assert 'class="ligne-cumul"' not in page
        assert "la courbe n'est pas tracée" in page
        assert f"35{NBSP}h" not in page and f"40{NBSP}h" not in page  # (75 h is a tick of the 100 h target)


# --- staff and clerks see every figure ------------------------------------------------------------


def test_departement_voit_les_chiffres_bruts(client, petit_epci, departement):
    donnees = donnees_json(client, departement, annee=2025)
    assert donnees["secret_statistique"] is None
    assert [x["nb"] for x in donnees["par_sexe"]] == [9, 4]
    assert [x["nb"] for x in donnees["par_tranche_age"]] == [3, 9, 1]
    assert sum(x["nb"] for x in donnees["sorties"]) == TOTAL_SORTIES
    assert donnees["nb_beneficiaires_brsa"] == 10
    assert {e["nom"]: e["nb_beneficiaires"] for e in donnees["par_epci"]} == {"CC Alpha": 1, "CC Beta": 12}
    page = html(get(client, departement, URL, annee=2025))
    assert NOTE not in page
    assert [x["Personnes"] for x in _feuille(client, departement, "sexe")] == [9, 4]


def test_agent_du_petit_epci_voit_ses_chiffres(client, petit_epci, agent_a):
    donnees = donnees_json(client, agent_a, annee=2025)
    assert donnees["nb_beneficiaires"] == 1 and donnees["heures_validees"] == 75
    assert donnees["secret_statistique"] is None
    assert NOTE not in html(get(client, agent_a, URL, annee=2025))


# --- the threshold is a setting -------------------------------------------------------------------


def test_seuil_a_3(client, petit_epci, lecteur, lecteur_a, settings):
    settings.SEUIL_SECRET_STATISTIQUE = 3
    donnees = donnees_json(client, lecteur, annee=2025)
    assert donnees["secret_statistique"]["seuil"] == 3
    assert [x["nb"] for x in donnees["par_sexe"]] == [9, 4]  # 4 men: no longer a secret
    assert donnees["nb_beneficiaires_brsa"] == 10  # 3 outside BRSA: shown
    # 1 person over 50; 3 masked with it would tell it (4 - 3), so would 9 (13 - 3 - 1): all masked.
    assert [x["Personnes"] for x in _feuille(client, lecteur, "ages")] == ["secret", "secret", "< 3"]
    verifier_exports(client, lecteur, total=13, seuil=3)
    page = html(get(client, lecteur, URL, annee=2025))
    assert "Les effectifs inférieurs à 3 personnes sont masqués (secret statistique)" in page
    assert donnees_json(client, lecteur_a, annee=2025)["nb_beneficiaires"] is None  # still one person


def test_seuil_invalide_refuse():
    from tests.test_settings import _lancer

    resultat = _lancer(DEBUG="true", SEUIL_SECRET_STATISTIQUE="2")
    assert resultat.returncode != 0
    assert "SEUIL_SECRET_STATISTIQUE doit être un entier supérieur ou égal à 3." in resultat.stderr


# --- query counts: masking is pure Python ---------------------------------------------------------


def _personnes(epci, n):
    clause = _clause(epci, "Mairie", f"V-{n}")
    for i in range(n):
        HeuresRealiseesFactory(clause=clause, mois=D(2025, 1 + i % 12, 1), heures=Decimal(10), validees=True)


@pytest.mark.parametrize("url", [URL, URL_JSON, URL_BILAN])
def test_requetes_du_lecteur_independantes_du_volume(client, epci_a, lecteur_a, agent_a, url):
    mesures = []
    for n in (3, 30):
        _personnes(epci_a, n)
        client.force_login(lecteur_a)
        mesures.append(requetes_de_la_page(client, url, {"annee": 2025})[1])
    assert_autant_de_requetes(*mesures)
    client.force_login(agent_a)  # same scope, every figure shown
    _, de_l_agent = requetes_de_la_page(client, url, {"annee": 2025})
    # The agent's queries, plus the Département's figures and the breakdowns EPCI by EPCI (the secret
    # across scopes): masking itself runs no query.
    assert not formes(de_l_agent) - formes(mesures[1])
    assert len(mesures[1]) > len(de_l_agent)

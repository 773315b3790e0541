"""Training hours on the dashboard, in the bilan and in the JSON: shown apart from hours worked, counted toward
the target as the setting says (`ParametresObjectif`), masked for readers where they would reveal few people."""

import datetime
from decimal import Decimal
from html import unescape

import pytest

from insertion.enums import Modalite, PriseEnCompteFormation
from insertion.models import HeuresRealisees, ParametresObjectif
from tests.factories import BeneficiaireFactory, ClauseFactory, HeuresRealiseesFactory, ObjectifFactory
from tests.www.tableau_de_bord.aides import URL, URL_BILAN, donnees_json, get, texte_sans_balises

pytestmark = pytest.mark.django_db

D = datetime.date
CLES_EXISTANTES = {
    "objectif_heures",
    "heures_validees",
    "progression",
    "heures_restantes",
    "etp",
    "heures_declarees",
    "heures_brsa",
    "part_brsa",
    "nb_beneficiaires",
    "nb_beneficiaires_brsa",
    "nb_marches",
    "heures_reservees",
    "par_mois",
    "par_epci",
    "par_modalite",
}


def parametrer(reglage):
    """`reglage`: None (no row), "toutes", "exclues" or a cap in %."""
    if reglage is None:
        return
    if reglage in (PriseEnCompteFormation.TOUTES, PriseEnCompteFormation.EXCLUES):
        ParametresObjectif.objects.create(prise_en_compte_formation=reglage)
    else:
        ParametresObjectif.objects.create(
            prise_en_compte_formation=PriseEnCompteFormation.PLAFONNEES, plafond_formation=Decimal(reglage)
        )


@pytest.fixture
def avec_formation(jeu_annuel):
    """The yearly data set (210 h validated in 2025, all worked) plus 40 h of training validated in September
    on EPCI Alpha's contract: 250 h validated, 40 h of training, 210 h worked; Alpha 190 h of which 40 h of
    training (target 400 h)."""
    ligne = HeuresRealisees.objects.filter(clause__lot__marche__reference="A-2025", mois=D(2025, 2, 1)).get()
    HeuresRealiseesFactory(
        clause=ligne.clause,
        beneficiaire=ligne.beneficiaire,
        mois=D(2025, 9, 1),
        heures=Decimal(40),
        modalite=Modalite.FORMATION,
        validees=True,
    )
    return jeu_annuel


# setting -> (counted hours, progression %, hours left, Alpha's progression %)
ATTENDUS = {
    None: (250, 25, 750, 47.5),
    PriseEnCompteFormation.TOUTES: (250, 25, 750, 47.5),
    PriseEnCompteFormation.EXCLUES: (210, 21, 790, 37.5),
    # at most 210 × 10 / 90 = 23,33 h of training; Alpha: 150 × 10 / 90 = 16,66 h
    "10": (233.33, 23.3, 766.67, 41.7),
    "100": (250, 25, 750, 47.5),
}


@pytest.mark.parametrize("reglage", list(ATTENDUS))
def test_json_heures_formation_selon_le_parametre(client, avec_formation, reglage):
    parametrer(reglage)
    comptees, progression, restantes, progression_alpha = ATTENDUS[reglage]
    donnees = donnees_json(client, avec_formation["departement"], annee=2025)
    assert set(donnees) >= CLES_EXISTANTES
    assert donnees["heures_validees"] == 250
    assert donnees["heures_formation"] == 40
    assert donnees["heures_travaillees"] == 210
    assert donnees["heures_comptees"] == comptees
    assert donnees["progression"] == progression
    assert donnees["heures_restantes"] == restantes
    assert donnees["par_mois"][11]["cumul_validees"] == 250
    assert donnees["par_mois"][11]["cumul_comptees"] == comptees
    alpha = {e["nom"]: e for e in donnees["par_epci"]}["CC Alpha"]
    assert alpha["heures_validees"] == 190 and alpha["progression"] == progression_alpha
    assert {m["code"]: m["heures_validees"] for m in donnees["par_modalite"]}[Modalite.FORMATION] == 40
    assert "formation" in donnees["prise_en_compte_formation"]


@pytest.mark.parametrize("reglage", list(ATTENDUS))
@pytest.mark.parametrize("url", [URL, URL_BILAN])
def test_page_et_bilan_heures_formation_selon_le_parametre(client, avec_formation, reglage, url):
    parametrer(reglage)
    comptees, progression, _, _ = ATTENDUS[reglage]
    # (the text without tags has its no-break spaces as plain spaces)
    texte = unescape(texte_sans_balises(get(client, avec_formation["departement"], url, annee=2025)))
    assert "dont 210 h travaillées et 40 h de formation" in texte
    pourcentage = f"{progression:.1f}".replace(".", ",")
    assert f"soit {pourcentage} % de l'objectif" in texte
    if reglage in (None, PriseEnCompteFormation.TOUTES, "100"):
        assert "Heures comptées pour l'objectif" not in texte
        assert "elles comptent toutes pour l'objectif" in texte
    else:
        compte = f"{comptees:g}".replace(".", ",")
        assert f"Heures comptées pour l'objectif : {compte} h" in texte
    if reglage == PriseEnCompteFormation.EXCLUES:
        assert "ne comptent pas pour l'objectif : seules les heures travaillées comptent" in texte
    if reglage == "10":
        assert "dans la limite de 10 % des heures comptées" in texte


def test_sans_formation_les_heures_travaillees_sont_les_heures_validees(client, jeu_annuel):
    parametrer(PriseEnCompteFormation.EXCLUES)
    donnees = donnees_json(client, jeu_annuel["departement"], annee=2025)
    # The 5 h of training of December are declared, not validated: nothing to leave out.
    assert donnees["heures_formation"] == 0
    assert donnees["heures_travaillees"] == donnees["heures_comptees"] == donnees["heures_validees"] == 210
    assert donnees["progression"] == 21


# --- readers ---------------------------------------------------------------------------------------


def _personnes(epci_a, *, travail: int, formation: int):
    """`travail` people with 10 h worked and `formation` people with 5 h of training, in January 2025 on
    EPCI A's contract; targets 200 h (Département) and 100 h (EPCI A)."""
    clause = ClauseFactory(
        lot__marche__epci=epci_a,
        lot__marche__acheteur__epci=epci_a,
        lot__marche__date_debut=D(2025, 1, 1),
        lot__marche__date_fin=D(2025, 12, 31),
        heures_reservees=Decimal(1000),
    )
    for i in range(travail + formation):
        HeuresRealiseesFactory(
            clause=clause,
            beneficiaire=BeneficiaireFactory(date_entree=D(2024, 1, 1)),
            mois=D(2025, 1, 1),
            heures=Decimal(10 if i < travail else 5),
            modalite=Modalite.EMBAUCHE_DIRECTE if i < travail else Modalite.FORMATION,
            validees=True,
        )
    ObjectifFactory(annee=2025, heures=200)
    ObjectifFactory(annee=2025, epci=epci_a, heures=100)


@pytest.mark.parametrize("role", ["lecteur", "lecteur_a"])
def test_lecteur_voit_la_formation_quand_assez_de_personnes(client, epci_a, lecteur, lecteur_a, role):
    _personnes(epci_a, travail=8, formation=6)
    parametrer(PriseEnCompteFormation.EXCLUES)
    donnees = donnees_json(client, {"lecteur": lecteur, "lecteur_a": lecteur_a}[role], annee=2025)
    assert donnees["heures_formation"] == 30 and donnees["heures_travaillees"] == 80
    assert donnees["heures_comptees"] == 80
    assert donnees["progression"] == (40 if role == "lecteur" else 80)  # targets 200 h and 100 h
    assert donnees["par_mois"][0]["cumul_comptees"] == 80
    if role == "lecteur":
        assert donnees["par_epci"][0]["progression"] == 80


@pytest.mark.parametrize("role", ["lecteur", "lecteur_a"])
@pytest.mark.parametrize("reglage", [PriseEnCompteFormation.EXCLUES, "20"])
def test_lecteur_formation_de_peu_de_personnes_masquee(client, epci_a, lecteur, lecteur_a, role, reglage):
    _personnes(epci_a, travail=10, formation=2)
    parametrer(reglage)
    user = {"lecteur": lecteur, "lecteur_a": lecteur_a}[role]
    donnees = donnees_json(client, user, annee=2025)
    assert donnees["heures_validees"] == 110  # 12 people: the total is shown
    # 2 people in training: their hours, the hours worked (the total minus them), and what is computed
    # from them (counted hours, progression, hours left) are masked.
    for cle in (
        "heures_formation",
        "heures_travaillees",
        "heures_comptees",
        "progression",
        "heures_restantes",
    ):
        assert donnees[cle] is None, cle
        assert cle in donnees["secret_statistique"]["masques"]
    assert all(m["cumul_comptees"] is None for m in donnees["par_mois"])
    assert all(e["progression"] is None for e in donnees["par_epci"])
    texte = texte_sans_balises(get(client, user, URL, annee=2025))
    assert "dont secret travaillées et secret de formation" in texte
    assert "(progression masquée)" in texte


@pytest.mark.parametrize("role", ["lecteur", "lecteur_a"])
def test_lecteur_toutes_comptees_progression_montree(client, epci_a, lecteur, lecteur_a, role):
    _personnes(epci_a, travail=10, formation=2)
    parametrer(PriseEnCompteFormation.TOUTES)
    donnees = donnees_json(client, {"lecteur": lecteur, "lecteur_a": lecteur_a}[role], annee=2025)
    assert donnees["heures_formation"] is None and donnees["heures_travaillees"] is None
    # Every training hour counts: the counted hours are the validated hours, which tell nothing more.
    assert donnees["heures_comptees"] == donnees["heures_validees"] == 110
    assert donnees["progression"] == (55 if role == "lecteur" else 110)


def test_agent_voit_tout(client, epci_a, agent_a):
    _personnes(epci_a, travail=10, formation=2)
    parametrer(PriseEnCompteFormation.EXCLUES)
    donnees = donnees_json(client, agent_a, annee=2025)
    assert donnees["heures_formation"] == 10 and donnees["heures_comptees"] == 100
    assert donnees["progression"] == 100


def test_progression_d_un_epci_masquee_la_ou_sa_formation_l_est(client, epci_a, epci_b, lecteur):
    """EPCI A: 6 people trained; EPCI B: 2. The Département's training hours (8 people) are shown, B's are not:
    B's progression would give them back (counted = worked), and A's too (the Département's minus A's)."""
    _personnes(epci_a, travail=8, formation=6)
    clause_b = ClauseFactory(
        lot__marche__epci=epci_b,
        lot__marche__acheteur__epci=epci_b,
        lot__marche__date_debut=D(2025, 1, 1),
        lot__marche__date_fin=D(2025, 12, 31),
    )
    for i in range(10):
        HeuresRealiseesFactory(
            clause=clause_b,
            beneficiaire=BeneficiaireFactory(date_entree=D(2024, 1, 1)),
            mois=D(2025, 2, 1),
            heures=Decimal(10 if i < 8 else 5),
            modalite=Modalite.EMBAUCHE_DIRECTE if i < 8 else Modalite.FORMATION,
            validees=True,
        )
    ObjectifFactory(annee=2025, epci=epci_b, heures=100)
    parametrer(PriseEnCompteFormation.EXCLUES)
    donnees = donnees_json(client, lecteur, annee=2025)
    assert donnees["heures_formation"] == 40 and donnees["heures_comptees"] == 160
    progression = {e["nom"]: e["progression"] for e in donnees["par_epci"]}
    assert progression == {"CC Alpha": None, "CC Beta": None}
    # Every training hour counting, the progression tells nothing more than the validated hours.
    ParametresObjectif.objects.update(prise_en_compte_formation=PriseEnCompteFormation.TOUTES)
    progression = {e["nom"]: e["progression"] for e in donnees_json(client, lecteur, annee=2025)["par_epci"]}
    assert progression == {"CC Alpha": 110, "CC Beta": 90}

"""Every dashboard figure pinned against values computed by hand on a small fixture."""

import datetime
from decimal import Decimal

import pytest

from beneficiaires.enums import CodePublic, Sexe
from insertion import indicateurs
from insertion.enums import Modalite, Statut
from insertion.indicateurs import Perimetre
from tests.factories import (
    BeneficiaireFactory,
    ClauseFactory,
    EligibiliteFactory,
    EpciFactory,
    HeuresRealiseesFactory,
    ObjectifFactory,
    SortieFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

D = datetime.date


@pytest.fixture
def jeu():
    """Two EPCI, one contract each, three people; hours of 2024, 2025 and 2026."""
    epci_a, epci_b = EpciFactory(nom="CC Alpha"), EpciFactory(nom="CC Beta")
    clause_a = ClauseFactory(
        lot__marche__acheteur__epci=epci_a,
        lot__marche__date_debut=D(2025, 1, 1),
        lot__marche__date_fin=D(2026, 12, 31),
        heures_reservees=Decimal(1000),
    )
    clause_b = ClauseFactory(
        lot__marche__acheteur__epci=epci_b,
        lot__marche__date_debut=D(2024, 6, 1),
        lot__marche__date_fin=D(2026, 6, 30),
        heures_reservees=Decimal(500),
    )
    # p1: BRSA from 15 March to 10 June 2025 only; p2: never BRSA; p3: BRSA since 2024, open-ended.
    p1 = BeneficiaireFactory(sexe=Sexe.FEMME, date_naissance=D(2001, 5, 1), date_entree=D(2024, 1, 1))
    p2 = BeneficiaireFactory(sexe=Sexe.HOMME, date_naissance=D(1990, 1, 1), date_entree=D(2024, 1, 1))
    p3 = BeneficiaireFactory(sexe=Sexe.HOMME, date_naissance=D(1970, 1, 1), date_entree=D(2024, 1, 1))
    EligibiliteFactory(beneficiaire=p1, date_debut=D(2025, 3, 15), date_fin=D(2025, 6, 10))
    EligibiliteFactory(beneficiaire=p1, code=CodePublic.JEUNE, date_debut=D(2024, 1, 1))
    EligibiliteFactory(beneficiaire=p3, date_debut=D(2024, 2, 1))
    EligibiliteFactory(beneficiaire=p3, code=CodePublic.SENIOR, date_debut=D(2024, 2, 1))

    def heures(clause, personne, mois, nombre, statut=Statut.VALIDEES, modalite=Modalite.EMBAUCHE_DIRECTE):
        trait = {Statut.VALIDEES: {"validees": True}, Statut.REJETEES: {"rejetees": True}}.get(statut, {})
        return HeuresRealiseesFactory(
            clause=clause,
            beneficiaire=personne,
            mois=mois,
            heures=Decimal(nombre),
            modalite=modalite,
            **trait,
        )

    heures(clause_a, p1, D(2025, 2, 1), 10)  # before BRSA
    heures(clause_a, p1, D(2025, 3, 1), 20)  # BRSA from the 15th: the month counts
    heures(clause_a, p1, D(2025, 6, 1), 30)  # BRSA until the 10th: the month counts
    heures(clause_a, p1, D(2025, 7, 1), 40, modalite=Modalite.MISE_A_DISPOSITION)  # after BRSA
    heures(clause_a, p2, D(2025, 12, 1), 50)  # December: 2025
    heures(clause_a, p2, D(2025, 12, 1), 5, statut=Statut.DECLAREES, modalite=Modalite.FORMATION)
    heures(clause_a, p2, D(2025, 11, 1), 100, statut=Statut.REJETEES)  # rejected: counts nowhere
    heures(clause_b, p3, D(2025, 1, 1), 60)  # January: 2025, BRSA
    heures(clause_b, p3, D(2026, 1, 1), 70)  # next year
    heures(clause_b, p2, D(2024, 12, 1), 80)  # previous year
    ObjectifFactory(annee=2025, heures=1000)
    ObjectifFactory(annee=2025, epci=epci_a, heures=400)
    SortieFactory(beneficiaire=p1, date=D(2025, 9, 1))
    SortieFactory(beneficiaire=p2, date=D(2024, 9, 1))  # another year
    return {"epci_a": epci_a, "epci_b": epci_b, "departement": UserFactory(departement=True)}


def test_synthese_departement(jeu):
    s = indicateurs.synthese(user=jeu["departement"], perimetre=Perimetre(annee=2025))
    assert s["heures_validees"] == Decimal(210)  # 10 + 20 + 30 + 40 + 50 + 60
    assert s["heures_declarees"] == Decimal(5)
    assert s["heures_brsa"] == Decimal(110)  # 20 + 30 (p1, March and June) + 60 (p3)
    assert s["nb_beneficiaires"] == 3
    assert s["nb_beneficiaires_brsa"] == 2
    assert s["objectif_heures"] == 1000
    assert s["progression"] == Decimal("21.0")
    assert s["heures_restantes"] == Decimal(790)
    assert s["etp"] == Decimal("0.13")  # 210 / 1607
    assert s["part_brsa"] == Decimal("52.4")  # 110 / 210
    assert s["nb_marches"] == 2
    assert s["heures_reservees"] == Decimal(1500)


def test_bornes_d_annee(jeu):
    user = jeu["departement"]
    assert indicateurs.synthese(user=user, perimetre=Perimetre(annee=2026))["heures_validees"] == Decimal(70)
    assert indicateurs.synthese(user=user, perimetre=Perimetre(annee=2024))["heures_validees"] == Decimal(80)
    # The contract of EPCI A starts in 2025: not in execution in 2024.
    assert indicateurs.synthese(user=user, perimetre=Perimetre(annee=2024))["nb_marches"] == 1


def test_par_mois_cumule(jeu):
    lignes = indicateurs.par_mois(user=jeu["departement"], perimetre=Perimetre(annee=2025))
    assert [ligne["mois"].month for ligne in lignes] == list(range(1, 13))
    assert [ligne["heures_validees"] for ligne in lignes] == [60, 10, 20, 0, 0, 30, 40, 0, 0, 0, 0, 50]
    assert lignes[-1]["cumul_validees"] == Decimal(210)
    assert lignes[11]["heures_declarees"] == Decimal(5)
    assert lignes[10]["heures_validees"] == 0  # November: only rejected hours


def test_par_epci_et_par_acheteur(jeu):
    user = jeu["departement"]
    par_epci = indicateurs.par_epci(user=user, perimetre=Perimetre(annee=2025))
    assert [(e["nom"], e["heures_validees"], e["heures_declarees"]) for e in par_epci] == [
        ("CC Alpha", Decimal(150), Decimal(5)),
        ("CC Beta", Decimal(60), Decimal(0)),
    ]
    assert (
        sum(
            a["heures_validees"] for a in indicateurs.par_acheteur(user=user, perimetre=Perimetre(annee=2025))
        )
        == 210
    )


def test_agent_epci_egal_departement_filtre(jeu):
    agent = UserFactory(agent_epci=True, epci=jeu["epci_a"])
    # The clerk asks for EPCI B: locked to A anyway.
    perimetre_agent = indicateurs.perimetre_pour(user=agent, annee=2025, epci=jeu["epci_b"])
    assert perimetre_agent.epci == jeu["epci_a"]
    vue_agent = indicateurs.synthese(user=agent, perimetre=perimetre_agent)
    vue_departement = indicateurs.synthese(
        user=jeu["departement"], perimetre=Perimetre(annee=2025, epci=jeu["epci_a"])
    )
    assert vue_agent == vue_departement
    assert vue_agent["heures_validees"] == Decimal(150)
    assert vue_agent["heures_brsa"] == Decimal(50)
    assert vue_agent["objectif_heures"] == 400
    assert vue_agent["nb_marches"] == 1


def test_par_public(jeu):
    lignes = {
        p["code"]: p for p in indicateurs.par_public(user=jeu["departement"], perimetre=Perimetre(annee=2025))
    }
    assert lignes["BRSA"]["heures_validees"] == Decimal(110)
    assert lignes["BRSA"]["nb_beneficiaires"] == 2
    assert lignes["JEUNE"]["heures_validees"] == Decimal(100)  # p1 all year: 10 + 20 + 30 + 40
    assert lignes["SENIOR"]["heures_validees"] == Decimal(60)
    assert lignes["DELD"]["heures_validees"] == Decimal(0)


def test_modalite_sexe_age_sorties(jeu):
    user, perimetre = jeu["departement"], Perimetre(annee=2025)
    modalites = {
        m["modalite"]: m["heures_validees"] for m in indicateurs.par_modalite(user=user, perimetre=perimetre)
    }
    assert modalites[Modalite.MISE_A_DISPOSITION] == Decimal(40)
    assert modalites[Modalite.EMBAUCHE_DIRECTE] == Decimal(170)
    assert {s["sexe"]: s["nb"] for s in indicateurs.par_sexe(user=user, perimetre=perimetre)} == {
        "F": 1,
        "H": 2,
    }
    # Ages on 31/12/2025: p1 24, p2 35, p3 55.
    assert [t["nb"] for t in indicateurs.par_tranche_age(user=user, perimetre=perimetre)] == [1, 1, 1]
    assert indicateurs.sorties_par_categorie(user=user, perimetre=perimetre) == [
        {"categorie": "emploi_durable", "nb": 1}
    ]

"""Every dashboard figure pinned against values computed by hand on a small fixture."""

import datetime
from decimal import Decimal

import pytest

from insertion.enums import Modalite
from insertion.indicateurs import Perimetre
from insertion.indicateurs import requetes as indicateurs
from tests.factories import (
    UserFactory,
)

pytestmark = pytest.mark.django_db

D = datetime.date


def test_synthese_departement(jeu_annuel):
    s = indicateurs.synthese(user=jeu_annuel["departement"], perimetre=Perimetre(annee=2025))
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


def test_bornes_d_annee(jeu_annuel):
    user = jeu_annuel["departement"]
    assert indicateurs.synthese(user=user, perimetre=Perimetre(annee=2026))["heures_validees"] == Decimal(70)
    assert indicateurs.synthese(user=user, perimetre=Perimetre(annee=2024))["heures_validees"] == Decimal(80)
    # The contract of EPCI A starts in 2025: not in execution in 2024.
    assert indicateurs.synthese(user=user, perimetre=Perimetre(annee=2024))["nb_marches"] == 1


def test_par_mois_cumule(jeu_annuel):
    lignes = indicateurs.par_mois(user=jeu_annuel["departement"], perimetre=Perimetre(annee=2025))
    assert [ligne["mois"].month for ligne in lignes] == list(range(1, 13))
    assert [ligne["heures_validees"] for ligne in lignes] == [60, 10, 20, 0, 0, 30, 40, 0, 0, 0, 0, 50]
    assert lignes[-1]["cumul_validees"] == Decimal(210)
    assert lignes[11]["heures_declarees"] == Decimal(5)
    assert lignes[10]["heures_validees"] == 0  # November: only rejected hours


def test_par_epci_et_par_acheteur(jeu_annuel):
    user = jeu_annuel["departement"]
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


def test_agent_epci_egal_departement_filtre(jeu_annuel):
    agent = UserFactory(agent_epci=True, epci=jeu_annuel["alpha"])
    # The clerk asks for EPCI B: locked to A anyway.
    perimetre_agent = indicateurs.perimetre_pour(user=agent, annee=2025, epci=jeu_annuel["beta"])
    assert perimetre_agent.epci == jeu_annuel["alpha"]
    vue_agent = indicateurs.synthese(user=agent, perimetre=perimetre_agent)
    vue_departement = indicateurs.synthese(
        user=jeu_annuel["departement"], perimetre=Perimetre(annee=2025, epci=jeu_annuel["alpha"])
    )
    assert vue_agent == vue_departement
    assert vue_agent["heures_validees"] == Decimal(150)
    assert vue_agent["heures_brsa"] == Decimal(50)
    assert vue_agent["objectif_heures"] == 400
    assert vue_agent["nb_marches"] == 1


def test_par_public(jeu_annuel):
    lignes = {
        p["code"]: p
        for p in indicateurs.par_public(user=jeu_annuel["departement"], perimetre=Perimetre(annee=2025))
    }
    assert lignes["BRSA"]["heures_validees"] == Decimal(110)
    assert lignes["BRSA"]["nb_beneficiaires"] == 2
    assert lignes["JEUNE"]["heures_validees"] == Decimal(100)  # p1 all year: 10 + 20 + 30 + 40
    assert lignes["SENIOR"]["heures_validees"] == Decimal(60)
    assert lignes["DELD"]["heures_validees"] == Decimal(0)


def test_modalite_sexe_age_sorties(jeu_annuel):
    user, perimetre = jeu_annuel["departement"], Perimetre(annee=2025)
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

"""Every dashboard figure pinned against values computed by hand on a small fixture."""

import datetime
from decimal import Decimal

import pytest

from insertion.enums import Modalite
from insertion.indicateurs.chiffres import LigneRepartition, Synthese, calculer_chiffres
from insertion.indicateurs.requetes import Perimetre, perimetre_pour
from tests.factories import (
    UserFactory,
)

pytestmark = pytest.mark.django_db

D = datetime.date


def chiffres(jeu_annuel, annee=2025, **perimetre):
    return calculer_chiffres(user=jeu_annuel["departement"], perimetre=Perimetre(annee=annee, **perimetre))


def test_synthese_departement(jeu_annuel):
    s = chiffres(jeu_annuel).synthese
    assert isinstance(s, Synthese)
    assert s.heures_validees == Decimal(210)  # 10 + 20 + 30 + 40 + 50 + 60
    assert s.heures_declarees == Decimal(5)
    assert s.heures_brsa == Decimal(110)  # 20 + 30 (p1, March and June) + 60 (p3)
    assert s.nb_beneficiaires == 3
    assert s.nb_beneficiaires_brsa == 2
    assert s.objectif_heures == 1000
    assert s.progression == Decimal("21.0")
    assert s.heures_restantes == Decimal(790)
    assert s.etp == Decimal("0.13")  # 210 / 1607
    assert s.part_brsa == Decimal("52.4")  # 110 / 210
    assert s.nb_marches == 2
    assert s.heures_reservees == Decimal(1500)


def test_bornes_d_annee(jeu_annuel):
    assert chiffres(jeu_annuel, 2026).synthese.heures_validees == Decimal(70)
    assert chiffres(jeu_annuel, 2024).synthese.heures_validees == Decimal(80)
    # The contract of EPCI A starts in 2025: not in execution in 2024.
    assert chiffres(jeu_annuel, 2024).synthese.nb_marches == 1


def test_par_mois_cumule(jeu_annuel):
    lignes = chiffres(jeu_annuel).par_mois
    assert [ligne.mois.month for ligne in lignes] == list(range(1, 13))
    assert [ligne.heures_validees for ligne in lignes] == [60, 10, 20, 0, 0, 30, 40, 0, 0, 0, 0, 50]
    assert lignes[-1].cumul_validees == Decimal(210)
    assert lignes[11].heures_declarees == Decimal(5)
    assert lignes[10].heures_validees == 0  # November: only rejected hours
    assert lignes[-1].part_objectif == Decimal("21.0")


def test_par_epci_et_par_acheteur(jeu_annuel):
    resultat = chiffres(jeu_annuel)
    assert [(e.nom, e.heures_validees, e.heures_declarees) for e in resultat.par_epci] == [
        ("CC Alpha", Decimal(150), Decimal(5)),
        ("CC Beta", Decimal(60), Decimal(0)),
    ]
    assert sum(a.heures_validees for a in resultat.par_acheteur) == 210


def test_agent_epci_egal_departement_filtre(jeu_annuel):
    agent = UserFactory(agent_epci=True, epci=jeu_annuel["alpha"])
    # The clerk asks for EPCI B: locked to A anyway.
    perimetre_agent = perimetre_pour(user=agent, annee=2025, epci=jeu_annuel["beta"])
    assert perimetre_agent.epci == jeu_annuel["alpha"]
    vue_agent = calculer_chiffres(user=agent, perimetre=perimetre_agent).synthese
    vue_departement = chiffres(jeu_annuel, epci=jeu_annuel["alpha"]).synthese
    assert vue_agent == vue_departement
    assert vue_agent.heures_validees == Decimal(150)
    assert vue_agent.heures_brsa == Decimal(50)
    assert vue_agent.objectif_heures == 400
    assert vue_agent.nb_marches == 1


def test_par_public(jeu_annuel):
    lignes = {p.code: p for p in chiffres(jeu_annuel).par_public}
    assert lignes["BRSA"].heures_validees == Decimal(110)
    assert lignes["BRSA"].nb_beneficiaires == 2
    assert lignes["JEUNE"].heures_validees == Decimal(100)  # p1 all year: 10 + 20 + 30 + 40
    assert lignes["SENIOR"].heures_validees == Decimal(60)
    assert lignes["DELD"].heures_validees == Decimal(0)


def test_modalite_sexe_age_sorties(jeu_annuel):
    resultat = chiffres(jeu_annuel)
    modalites = {m.code: m.heures_validees for m in resultat.par_modalite}
    assert modalites[Modalite.MISE_A_DISPOSITION] == Decimal(40)
    assert modalites[Modalite.EMBAUCHE_DIRECTE] == Decimal(170)
    assert {s.code: s.nb for s in resultat.par_sexe} == {"F": 1, "H": 2}
    # Ages on 31/12/2025: p1 24, p2 35, p3 55.
    assert [t.nb for t in resultat.par_tranche_age] == [1, 1, 1]
    assert [(s.code, s.nb) for s in resultat.sorties if s.nb] == [("emploi_durable", 1)]
    assert resultat.sorties[0] == LigneRepartition(
        rang=0,
        code="emploi_durable",
        libelle="emploi durable (CDI, CDD ou intérim de 6 mois et plus, création d'entreprise)",
        nb=1,
        part=Decimal("100.0"),
    )

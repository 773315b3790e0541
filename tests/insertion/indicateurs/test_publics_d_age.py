"""Age-based publics (jeune, senior): computed from the birth date at the month worked, never from ticked periods.

Age at the month worked = the age on its first day (beneficiaires.regles.age_au_mois); the SQL of the indicators
and the Python rule agree on hand-made birth dates around the bounds.
"""

import datetime
import importlib

import pytest
from django.apps import apps
from django.utils import timezone

from beneficiaires import regles
from beneficiaires.enums import CodePublic
from beneficiaires.models import Beneficiaire, Eligibilite
from beneficiaires.retention import anonymiser
from insertion.indicateurs.requetes import Perimetre, par_public, public_ce_mois
from insertion.models import HeuresRealisees
from tests.factories import BeneficiaireFactory, EligibiliteFactory, HeuresRealiseesFactory

pytestmark = pytest.mark.django_db

D = datetime.date


def _rangee(clause, naissance, mois, **valeurs):
    personne = BeneficiaireFactory(date_naissance=naissance, date_entree=D(2020, 1, 6))
    return HeuresRealiseesFactory(clause=clause, beneficiaire=personne, mois=mois, validees=True, **valeurs)


def _publics_calcules(rangee) -> dict:
    ligne = (
        HeuresRealisees.objects.filter(pk=rangee.pk)
        .annotate(jeune=public_ce_mois(CodePublic.JEUNE), senior=public_ce_mois(CodePublic.SENIOR))
        .values("jeune", "senior")
        .get()
    )
    return {code: bool(valeur) for code, valeur in ligne.items()}


@pytest.mark.parametrize(
    ("naissance", "mois", "jeune"),
    [
        (D(2000, 4, 1), D(2026, 3, 1), True),  # 25 years 11 months in March 2026
        (D(2000, 4, 1), D(2026, 4, 1), False),  # 26 on 1 April 2026
        (D(2000, 4, 2), D(2026, 4, 1), True),  # 26 on 2 April: still 25 on the first day
        (D(2000, 4, 2), D(2026, 5, 1), False),
        (D(2000, 2, 29), D(2026, 2, 1), True),  # born on 29 February: 26 on 1 March
        (D(2000, 2, 29), D(2026, 3, 1), False),
        (D(1999, 12, 31), D(2025, 12, 1), True),
        (D(1999, 12, 31), D(2026, 1, 1), False),
    ],
)
def test_jeune_de_moins_de_26_ans_au_mois_travaille(clause_a, naissance, mois, jeune):
    rangee = _rangee(clause_a, naissance, mois)
    assert _publics_calcules(rangee) == {"jeune": jeune, "senior": False}
    assert (CodePublic.JEUNE in regles.publics_d_age_au_mois(date_naissance=naissance, mois=mois)) is jeune


@pytest.mark.parametrize(
    ("naissance", "mois", "senior"),
    [
        (D(1976, 6, 1), D(2026, 5, 1), False),  # 49 years 11 months in May 2026
        (D(1976, 6, 1), D(2026, 6, 1), True),  # 50 on 1 June 2026
        (D(1976, 6, 15), D(2026, 6, 1), False),  # 50 on 15 June: 49 on the first day
        (D(1976, 6, 15), D(2026, 7, 1), True),
        (D(1975, 12, 31), D(2025, 12, 1), False),
        (D(1975, 12, 31), D(2026, 1, 1), True),
    ],
)
def test_senior_de_50_ans_et_plus_au_mois_travaille(clause_a, naissance, mois, senior):
    rangee = _rangee(clause_a, naissance, mois)
    assert _publics_calcules(rangee) == {"jeune": False, "senior": senior}
    assert (CodePublic.SENIOR in regles.publics_d_age_au_mois(date_naissance=naissance, mois=mois)) is senior


def test_sql_et_regle_concordent_sur_un_an_de_mois(clause_a):
    """Birth dates on both sides of each bound, every month of two years: the SQL says what the rule says."""
    naissances = [
        D(2000, 1, 1),
        D(2000, 1, 31),
        D(2000, 7, 15),
        D(1976, 3, 1),
        D(1976, 3, 2),
        D(1976, 11, 30),
    ]
    mois = [D(2025 + i // 12, i % 12 + 1, 1) for i in range(24)]
    for naissance in naissances:
        personne = BeneficiaireFactory(date_naissance=naissance, date_entree=D(2020, 1, 6))
        for m in mois:
            HeuresRealiseesFactory(clause=clause_a, beneficiaire=personne, mois=m, validees=True)
    lignes = HeuresRealisees.objects.annotate(
        jeune=public_ce_mois(CodePublic.JEUNE), senior=public_ce_mois(CodePublic.SENIOR)
    ).values_list("beneficiaire__date_naissance", "mois", "jeune", "senior")
    ecarts = [
        (naissance, m)
        for naissance, m, jeune, senior in lignes
        if {c for c, v in ((CodePublic.JEUNE, jeune), (CodePublic.SENIOR, senior)) if v}
        != set(regles.publics_d_age_au_mois(date_naissance=naissance, mois=m))
    ]
    assert len(lignes) == len(naissances) * len(mois)
    assert ecarts == []


def test_periodes_cochees_ignorees(clause_a):
    """A ticked jeune period of a 40-year-old, a senior period of a 30-year-old count for nothing; a 20-year-old
    without any period is jeune."""
    quadragenaire = _rangee(clause_a, D(1986, 5, 5), D(2026, 3, 1))
    EligibiliteFactory(
        beneficiaire=quadragenaire.beneficiaire, code=CodePublic.JEUNE, date_debut=D(2020, 1, 6)
    )
    trentenaire = _rangee(clause_a, D(1996, 5, 5), D(2026, 3, 1))
    EligibiliteFactory(
        beneficiaire=trentenaire.beneficiaire, code=CodePublic.SENIOR, date_debut=D(2020, 1, 6)
    )
    vingt_ans = _rangee(clause_a, D(2006, 1, 10), D(2026, 3, 1))
    assert _publics_calcules(quadragenaire) == {"jeune": False, "senior": False}
    assert _publics_calcules(trentenaire) == {"jeune": False, "senior": False}
    assert _publics_calcules(vingt_ans) == {"jeune": True, "senior": False}

    lignes = {ligne["code"]: ligne for ligne in par_public(user=None, perimetre=Perimetre(annee=2026))}
    assert lignes[CodePublic.JEUNE]["nb_beneficiaires"] == 1
    assert lignes[CodePublic.JEUNE]["heures_validees"] == vingt_ans.heures
    assert lignes[CodePublic.SENIOR]["nb_beneficiaires"] == 0


def test_anonymisation_garde_les_publics_d_age(clause_a):
    """Born on 15 April 2000 and 20 June 1976, worked March to July 2026: anonymised (born 1 January), they are
    counted as before from the periods frozen at anonymisation."""
    jeune = BeneficiaireFactory(date_naissance=D(2000, 4, 15), date_entree=D(2020, 1, 6))
    senior = BeneficiaireFactory(date_naissance=D(1976, 6, 20), date_entree=D(2020, 1, 6))
    for personne in (jeune, senior):
        for numero in range(3, 8):
            HeuresRealiseesFactory(
                clause=clause_a, beneficiaire=personne, mois=D(2026, numero, 1), validees=True
            )

    def par_mois():
        lignes = HeuresRealisees.objects.annotate(
            jeune=public_ce_mois(CodePublic.JEUNE), senior=public_ce_mois(CodePublic.SENIOR)
        ).values_list("beneficiaire_id", "mois", "jeune", "senior")
        return {(pk, m): (bool(j), bool(s)) for pk, m, j, s in lignes}

    avant = par_mois()
    assert [avant[(jeune.pk, D(2026, n, 1))][0] for n in range(3, 8)] == [True, True, False, False, False]
    assert [avant[(senior.pk, D(2026, n, 1))][1] for n in range(3, 8)] == [False, False, False, False, True]

    anonymiser(beneficiaires=Beneficiaire.objects.all(), maintenant=timezone.now())

    jeune.refresh_from_db()
    assert jeune.date_naissance == D(2000, 1, 1)
    assert par_mois() == avant


def test_migration_supprime_les_periodes_cochees_sauf_des_personnes_anonymisees():
    migration = importlib.import_module("beneficiaires.migrations.0008_publics_d_age_calcules")
    cochee = EligibiliteFactory(code=CodePublic.JEUNE)
    senior = EligibiliteFactory(code=CodePublic.SENIOR)
    brsa = EligibiliteFactory(beneficiaire=cochee.beneficiaire, code=CodePublic.BRSA)
    figee = EligibiliteFactory(code=CodePublic.JEUNE)
    anonymiser(beneficiaires=Beneficiaire.objects.filter(pk=figee.beneficiaire_id), maintenant=timezone.now())
    # Anonymising replaced the ticked period with the computed one (no hours: none).
    figee = EligibiliteFactory(beneficiaire=figee.beneficiaire, code=CodePublic.JEUNE)
    migration.supprimer_publics_d_age(apps, None)
    restantes = set(Eligibilite.objects.values_list("pk", flat=True))
    assert restantes == {brsa.pk, figee.pk}
    assert senior.pk not in restantes

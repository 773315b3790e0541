"""Projection at 31 December and reserved hours of a year, computed by hand (pure functions, no database)."""

import datetime
from decimal import Decimal
from types import SimpleNamespace

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from insertion.enums import PriseEnCompteFormation
from insertion.indicateurs import projection
from insertion.indicateurs.pilotage import mois_comparaison, reservees_annee
from insertion.indicateurs.projection import Contrat, projeter

D = datetime.date
JOUR = D(2025, 6, 15)  # pace up to 30/04, expected hours from 01/05 (May is often declared late)

# One hour a day over 2025 (365 h): 120 h due at 30/04, 245 h from 01/05 to 31/12.
ANNEE = {"heures_reservees": Decimal(365), "debut": D(2025, 1, 1), "fin": D(2025, 12, 31)}
EN_AVANCE = Contrat(**ANNEE, validees_avant=Decimal(240), validees_reste=Decimal(30))  # pace 2 → 1.5
EN_RETARD = Contrat(**ANNEE, validees_avant=Decimal(60))  # pace 0.5
# 365 h from 01/09/2025 to 31/08/2026: 122 h due from September to December, nothing due yet.
PAS_COMMENCE = Contrat(heures_reservees=Decimal(365), debut=D(2025, 9, 1), fin=D(2026, 8, 31))
TERMINE = Contrat(
    heures_reservees=Decimal(456), debut=D(2024, 1, 1), fin=D(2025, 3, 31), validees_avant=Decimal(456)
)
# 60 h validated and 60 h waiting for validation before May, 20 h of May declared and not validated yet.
VALIDATIONS_EN_RETARD = Contrat(
    **ANNEE, validees_avant=Decimal(60), declarees_avant=Decimal(60), declarees_reste=Decimal(20)
)
CONTRATS = [EN_AVANCE, EN_RETARD, PAS_COMMENCE, TERMINE, VALIDATIONS_EN_RETARD]
# Validated in 2025: 270 (ahead), 60 (behind), 90 of the ended one, 60; declared: 60 + 20.
VALIDEES, DECLAREES = Decimal(480), Decimal(80)


def test_dates_du_rythme_et_du_reste():
    assert projection.fin_rythme(JOUR) == D(2025, 4, 30)
    assert projection.debut_reste(JOUR) == D(2025, 5, 1)
    assert projection.debut_reste(D(2025, 1, 10)) == D(2024, 12, 1)
    assert projection.fin_rythme(D(2025, 1, 10)) == D(2024, 11, 30)


@pytest.mark.parametrize(
    ("contrat", "taux", "rythme"),
    [
        (EN_AVANCE, 1, Decimal("1.5")),  # 240 / 120 = 2, capped
        (EN_RETARD, 1, Decimal("0.5")),  # 60 / 120
        (PAS_COMMENCE, 1, Decimal(1)),  # nothing due yet
        (TERMINE, 1, Decimal(1)),  # 456 / 456
        (VALIDATIONS_EN_RETARD, 1, Decimal(1)),  # (60 + 60 × 1) / 120
        (VALIDATIONS_EN_RETARD, Decimal("0.5"), Decimal("0.75")),  # (60 + 60 × 0.5) / 120
        (Contrat(**ANNEE), 1, Decimal(0)),  # nothing done
    ],
)
def test_rythme_observe(contrat, taux, rythme):
    assert projection.rythme(contrat, jour=JOUR, taux=Decimal(taux)) == rythme


def test_heures_restant_dues():
    assert projection.dues_restantes(EN_AVANCE, jour=JOUR) == 245
    assert projection.dues_restantes(PAS_COMMENCE, jour=JOUR) == 122
    assert projection.dues_restantes(TERMINE, jour=JOUR) == 0  # an ended contract brings nothing more
    assert (
        projection.dues_restantes(
            Contrat(heures_reservees=None, debut=D(2025, 1, 1), fin=D(2025, 12, 31)), jour=JOUR
        )
        == 0
    )
    # In January the rest runs from 1 January (last December belongs to last year).
    assert projection.dues_restantes(EN_AVANCE, jour=D(2025, 1, 10)) == 365


def test_heures_attendues_par_marche():
    un = Decimal(1)
    # 1.5 × 245 − 30 already validated for May
    assert projection.attendues(EN_AVANCE, jour=JOUR, rythme_=Decimal("1.5"), taux=un) == Decimal("337.5")
    assert projection.attendues(EN_RETARD, jour=JOUR, rythme_=Decimal("0.5"), taux=un) == Decimal("122.5")
    assert projection.attendues(PAS_COMMENCE, jour=JOUR, rythme_=un, taux=un) == 122
    assert projection.attendues(TERMINE, jour=JOUR, rythme_=un, taux=un) == 0
    # 245 − the 20 h of May declared, expected to be validated
    assert projection.attendues(VALIDATIONS_EN_RETARD, jour=JOUR, rythme_=un, taux=un) == 225
    # Never below zero: more recorded than expected.
    recorded = Contrat(**ANNEE, validees_reste=Decimal(300))
    assert projection.attendues(recorded, jour=JOUR, rythme_=un, taux=un) == 0


def test_projection_calculee_a_la_main():
    resultat = projeter(CONTRATS, jour=JOUR, validees=VALIDEES, declarees=DECLAREES, taux=Decimal(1))
    # Central: 480 + 80 × 1 + (337.5 + 122.5 + 122 + 0 + 225)
    assert resultat.centrale == 1367
    # Low, paces × 0.75 and rate × 0.9: 480 + 72 + (1.125 × 245 − 30) + 0.375 × 245 + 0.75 × 122 + 0
    # + (0.75 × 245 − 20 × 0.9) = 1 146.75
    assert resultat.basse == 1147
    # High, paces × 1.25 capped at 1.5, every declared hour validated: 480 + 80 + 337.5 + 0.625 × 245
    # + 1.25 × 122 + 0 + (1.25 × 245 − 20) = 1 489.375
    assert resultat.haute == 1489
    assert "taux de validation" in resultat.methode


def test_projection_avec_un_taux_de_validation():
    # Only the late validations at r = 0.5: pace 0.75; 60 + 20 declared × 0.5 + (0.75 × 245 − 20 × 0.5)
    resultat = projeter(
        [VALIDATIONS_EN_RETARD], jour=JOUR, validees=Decimal(60), declarees=Decimal(80), taux=Decimal("0.5")
    )
    assert resultat.centrale == 274  # 273.75


def test_projection_sans_marche():
    resultat = projeter([], jour=JOUR, validees=Decimal(100), declarees=Decimal(10), taux=Decimal("0.5"))
    # Low: 100 + 10 × 0.45 = 104.5; central: 100 + 10 × 0.5; high: every declared hour validated.
    assert (resultat.basse, resultat.centrale, resultat.haute) == (105, 105, 110)


def test_projection_des_heures_comptees():
    # Training hours excluded: the projected hours split as so far (a quarter of training).
    parametres = SimpleNamespace(
        prise_en_compte_formation=PriseEnCompteFormation.EXCLUES, plafond_formation=None
    )
    resultat = projeter(
        [],
        jour=JOUR,
        validees=Decimal(100),
        declarees=Decimal(40),
        formation=Decimal(25),
        parametres=parametres,
    )
    assert resultat.centrale == 105  # 75 worked + 40 × 75 %


def test_seulement_l_annee_en_cours():
    assert projection.projection_applicable(annee=2025, jour=JOUR)
    assert not projection.projection_applicable(annee=2024, jour=JOUR)
    assert not projection.projection_applicable(annee=2026, jour=JOUR)


# --- basse ≤ centrale ≤ haute, whatever the data ---------------------------------------------------

heures = st.decimals(min_value=0, max_value=5000, places=2, allow_nan=False, allow_infinity=False)
dates = st.dates(min_value=D(2022, 1, 1), max_value=D(2028, 12, 31))


@st.composite
def contrats(draw):
    debut, fin = sorted([draw(dates), draw(dates)])
    return Contrat(
        heures_reservees=draw(st.none() | heures),
        debut=debut,
        fin=fin,
        validees_avant=draw(heures),
        declarees_avant=draw(heures),
        validees_reste=draw(heures),
        declarees_reste=draw(heures),
    )


parametres = st.none() | st.builds(
    SimpleNamespace,
    prise_en_compte_formation=st.sampled_from(PriseEnCompteFormation.values),
    plafond_formation=st.none() | st.decimals(min_value=0, max_value=100, places=2),
)


@settings(max_examples=300, deadline=None)
@given(
    liste=st.lists(contrats(), max_size=6),
    jour=st.dates(min_value=D(2023, 1, 1), max_value=D(2027, 12, 31)),
    autres_validees=heures,
    autres_declarees=heures,
    formation=heures,
    taux=st.decimals(min_value=0, max_value=1, places=3),
    parametres=parametres,
)
def test_basse_centrale_haute_toujours_ordonnees(
    liste, jour, autres_validees, autres_declarees, formation, taux, parametres
):
    # The year's hours hold the hours recorded for the rest of the year of each contract.
    validees = autres_validees + sum((c.validees_reste for c in liste), Decimal(0))
    declarees = autres_declarees + sum((c.declarees_reste for c in liste), Decimal(0))
    resultat = projeter(
        liste,
        jour=jour,
        validees=validees,
        declarees=declarees,
        formation=min(formation, validees),
        taux=taux,
        parametres=parametres,
    )
    assert 0 <= resultat.basse <= resultat.centrale <= resultat.haute


# --- reserved hours of a year ----------------------------------------------------------------------


def test_heures_reservees_reparties_sur_trois_annees():
    # 1 000 h from 01/07/2024 to 30/06/2026: 730 days, 184 in 2024, 365 in 2025, 181 in 2026.
    marche = {"heures_reservees": Decimal(1000), "debut": D(2024, 7, 1), "fin": D(2026, 6, 30)}
    parts = {
        annee: projection.heures_reservees_annee(**marche, annee=annee)
        for annee in (2023, 2024, 2025, 2026, 2027)
    }
    assert parts[2023] == 0 and parts[2027] == 0
    assert parts[2025] == 500
    assert parts[2024] == Decimal(1000) * 184 / 730
    assert parts[2026] == Decimal(1000) * 181 / 730
    assert sum(parts.values()) == 1000
    contrat = Contrat(**marche)
    assert [reservees_annee([contrat], annee=a) for a in (2024, 2025, 2026)] == [252, 500, 248]
    # Uncalibrated: no reserved hours.
    assert (
        projection.heures_reservees_annee(
            heures_reservees=None, debut=D(2024, 7, 1), fin=D(2026, 6, 30), annee=2025
        )
        is None
    )


def test_mois_de_comparaison_avec_l_annee_precedente():
    assert mois_comparaison(annee=2025, jour=JOUR) == D(2024, 6, 1)
    assert mois_comparaison(annee=2024, jour=JOUR) == D(2023, 12, 1)
    assert mois_comparaison(annee=2026, jour=JOUR) is None

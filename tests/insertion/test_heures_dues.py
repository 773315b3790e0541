"""Hours due by a date: reserved hours × elapsed share of the execution period, on hand-made dates."""

import datetime
from decimal import Decimal

import pytest

from insertion import regles

D = datetime.date


@pytest.mark.parametrize(
    ("jour", "part"),
    [
        (D(2026, 1, 1), Decimal(1) / 10),  # first day: one day of ten elapsed
        (D(2026, 1, 5), Decimal(5) / 10),
        (D(2026, 1, 10), Decimal(1)),  # last day
        (D(2025, 12, 31), Decimal(0)),  # before the start
        (D(2024, 6, 1), Decimal(0)),
        (D(2026, 1, 11), Decimal(1)),  # after the end: clamped
        (D(2030, 1, 1), Decimal(1)),
    ],
)
def test_part_ecoulee(jour, part):
    assert regles.part_ecoulee(debut=D(2026, 1, 1), fin=D(2026, 1, 10), jour=jour) == part


def test_contrat_d_un_jour():
    jour = D(2026, 3, 15)
    assert regles.part_ecoulee(debut=jour, fin=jour, jour=jour - datetime.timedelta(days=1)) == 0
    assert regles.part_ecoulee(debut=jour, fin=jour, jour=jour) == 1
    assert regles.heures_dues(heures_reservees=Decimal(70), debut=jour, fin=jour, jour=jour) == Decimal(70)


@pytest.mark.parametrize(
    ("jour", "dues"),
    [
        (D(2025, 12, 1), Decimal(0)),
        (D(2026, 1, 1), Decimal(3)),  # 1 000 × 1 / 365 = 2,74 → 3
        (D(2026, 7, 2), Decimal(501)),  # its 183rd day: 1 000 × 183 / 365 = 501,37 → 501
        (D(2026, 12, 31), Decimal(1000)),
        (D(2027, 6, 1), Decimal(1000)),
    ],
)
def test_heures_dues_sur_une_annee(jour, dues):
    calcul = regles.heures_dues(
        heures_reservees=Decimal(1000), debut=D(2026, 1, 1), fin=D(2026, 12, 31), jour=jour
    )
    assert calcul == dues


def test_heures_dues_d_une_clause_non_calibree():
    assert (
        regles.heures_dues(
            heures_reservees=None, debut=D(2026, 1, 1), fin=D(2026, 12, 31), jour=D(2026, 6, 1)
        )
        is None
    )

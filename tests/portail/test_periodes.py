"""Months and ages of `portail.periodes`: the one implementation the apps share."""

import datetime

import pytest

from portail import periodes

D = datetime.date


@pytest.mark.parametrize(
    ("jour", "n", "attendu"),
    [
        (D(2026, 1, 31), 1, D(2026, 2, 28)),
        (D(2024, 1, 31), 1, D(2024, 2, 29)),
        (D(2026, 12, 15), 1, D(2027, 1, 15)),
        (D(2026, 3, 31), -1, D(2026, 2, 28)),
        (D(2026, 5, 10), -17, D(2024, 12, 10)),
        (D(2026, 5, 10), 0, D(2026, 5, 10)),
    ],
)
def test_ajouter_mois(jour, n, attendu):
    assert periodes.ajouter_mois(jour, n) == attendu


@pytest.mark.parametrize(
    ("naissance", "le", "age"),
    [
        (D(2000, 5, 15), D(2026, 5, 14), 25),
        (D(2000, 5, 15), D(2026, 5, 15), 26),
        (D(2000, 2, 29), D(2026, 2, 28), 25),
        (D(2000, 2, 29), D(2026, 3, 1), 26),
    ],
)
def test_age(naissance, le, age):
    assert periodes.age(naissance, le) == age


def test_mois_voisins_et_bornes():
    assert periodes.mois_precedent(D(2026, 1, 1)) == D(2025, 12, 1)
    assert periodes.mois_suivant(D(2026, 12, 1)) == D(2027, 1, 1)
    assert periodes.dernier_jour(D(2024, 2, 1)) == D(2024, 2, 29)
    assert periodes.ecart_mois(D(2025, 11, 20), D(2026, 2, 1)) == 3
    assert list(periodes.mois_entre(D(2025, 11, 20), D(2026, 1, 1))) == [
        D(2025, 11, 1),
        D(2025, 12, 1),
        D(2026, 1, 1),
    ]
    assert periodes.anniversaire(D(2000, 2, 29), 25) == D(2025, 3, 1)


@pytest.mark.parametrize(
    ("texte", "mois"),
    [
        ("2026-03", D(2026, 3, 1)),
        ("03/2026", D(2026, 3, 1)),
        ("15/03/2026", D(2026, 3, 1)),
        ("2026-13", None),
        ("", None),
    ],
)
def test_lire_mois(texte, mois):
    assert periodes.lire_mois(texte) == mois


def test_libelle_et_code():
    assert periodes.libelle_mois(D(2026, 8, 1)) == "août 2026"
    assert periodes.code_mois(D(2026, 8, 1)) == "2026-08"

"""Calibration of a clause: the computation, its rounding and the French number inputs."""

import importlib
from decimal import Decimal

import pytest
from django.apps import apps

from insertion.calibrage import calculer
from insertion.models import ParametresCalibrage
from tests.factories import LotFactory
from tests.insertion.calibrage.aides import MILLION, NBSP, en_clair
from www.calibrage.forms import CalibrageForm

pytestmark = pytest.mark.django_db


# --- the calculation -----------------------------------------------------------------------------


def test_exemple_du_calculateur():
    lot = LotFactory.build(montant_ht=MILLION)
    calcul = calculer(
        lot=lot, part_main_oeuvre=Decimal(50), taux_insertion=Decimal(5), cout_horaire=Decimal(30)
    )
    assert calcul.heures_calculees == Decimal(833)
    assert calcul.heures_reservees == Decimal(833)
    assert not calcul.fixees_a_la_main
    assert en_clair(calcul.detail) == "1 000 000 € × 50 % × 5 % ÷ 30 €/h = 833 h"


@pytest.mark.parametrize(
    ("montant", "part", "taux", "cout", "attendu"),
    [
        ("800400", "50", "5", "20", 1001),  # 1 000,5 h: half-up, not to even (1 000)
        ("799600", "50", "5", "20", 1000),  # 999,5 h
        ("1000600", "50", "5", "30", 834),  # 833,83 h
        ("1000000", "50", "5", "30", 833),  # 833,33 h
        ("1000", "10", "1", "30", 0),  # 0,03 h
    ],
)
def test_arrondi_a_l_heure(montant, part, taux, cout, attendu):
    lot = LotFactory.build(montant_ht=Decimal(montant))
    calcul = calculer(
        lot=lot, part_main_oeuvre=Decimal(part), taux_insertion=Decimal(taux), cout_horaire=Decimal(cout)
    )
    assert calcul.heures_calculees == Decimal(attendu)


def test_explication_avec_decimales():
    lot = LotFactory.build(montant_ht=Decimal("1234567.89"))
    calcul = calculer(
        lot=lot,
        part_main_oeuvre=Decimal("42.5"),
        taux_insertion=Decimal("5.5"),
        cout_horaire=Decimal("28.50"),
    )
    # 1 234 567,89 × 0,425 × 0,055 ÷ 28,5 = 1 012,54… → 1 013 h
    assert en_clair(calcul.detail) == "1 234 567,89 € × 42,5 % × 5,5 % ÷ 28,50 €/h = 1 013 h"


def test_parametres_par_defaut_de_la_migration():
    migration = importlib.import_module("insertion.migrations.0003_parametres_calibrage_par_defaut")
    ParametresCalibrage.objects.all().delete()
    migration.creer_parametres(apps, None)
    valeurs = {
        p.nature: (p.part_main_oeuvre, p.taux_insertion, p.cout_horaire)
        for p in ParametresCalibrage.objects.all()
    }
    assert valeurs == {
        "travaux": (Decimal(50), Decimal(5), Decimal(30)),
        "services": (Decimal(60), Decimal(5), Decimal(28)),
        "fournitures": (Decimal(20), Decimal(5), Decimal(28)),
    }
    # Run again (e.g. a re-applied migration): values changed by the Département are kept.
    ParametresCalibrage.objects.filter(nature="travaux").update(cout_horaire=Decimal(32))
    migration.creer_parametres(apps, None)
    assert ParametresCalibrage.objects.get(nature="travaux").cout_horaire == Decimal(32)


# --- the form ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("saisie", "attendu"),
    [
        ("5,5", Decimal("5.5")),
        ("5.5", Decimal("5.5")),
        (" 5,5 % ", Decimal("5.5")),
        ("12,25", Decimal("12.25")),
        ("100", Decimal(100)),
        ("0", Decimal(0)),
    ],
)
def test_pourcentage_a_la_francaise(saisie, attendu):
    lot = LotFactory.build(montant_ht=MILLION)
    form = CalibrageForm(
        {"part_main_oeuvre": saisie, "taux_insertion": "5", "cout_horaire": "30", "heures_fixees": ""},
        lot=lot,
    )
    if attendu == 0:  # 0 % is a valid percentage, but gives 0 h
        assert not form.is_valid()
        assert list(form.errors) == ["__all__"]
    else:
        assert form.is_valid(), form.errors
        assert form.cleaned_data["part_main_oeuvre"] == attendu


@pytest.mark.parametrize(
    ("saisie", "attendu"),
    [("1 200", Decimal(1200)), (f"1{NBSP}200", Decimal(1200)), ("1\u202f200,5 h", Decimal("1200.5"))],
)
def test_heures_avec_separateur_de_milliers(saisie, attendu):
    lot = LotFactory.build(montant_ht=MILLION)
    form = CalibrageForm(
        {"part_main_oeuvre": "50", "taux_insertion": "5", "cout_horaire": "30 €/h", "heures_fixees": saisie},
        lot=lot,
    )
    assert form.is_valid(), form.errors
    assert form.cleaned_data["heures_fixees"] == attendu
    assert form.cleaned_data["cout_horaire"] == Decimal(30)

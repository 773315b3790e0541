"""How training hours count toward the yearly target (`regles.heures_comptees`), on hand-made numbers."""

from decimal import Decimal

import pytest

from insertion import regles
from insertion.enums import PriseEnCompteFormation
from insertion.models import ParametresObjectif

TOUTES = ParametresObjectif(prise_en_compte_formation=PriseEnCompteFormation.TOUTES)
EXCLUES = ParametresObjectif(prise_en_compte_formation=PriseEnCompteFormation.EXCLUES)


def plafonnees(pourcentage):
    return ParametresObjectif(
        prise_en_compte_formation=PriseEnCompteFormation.PLAFONNEES, plafond_formation=Decimal(pourcentage)
    )


def comptees(travaillees, formation, parametres):
    return regles.heures_comptees(
        travaillees=Decimal(travaillees), formation=Decimal(formation), parametres=parametres
    )


@pytest.mark.parametrize(
    ("travaillees", "formation", "parametres", "attendu"),
    [
        # No row: every training hour counts, as before the setting existed.
        (100, 50, None, 150),
        (100, 50, TOUTES, 150),
        (100, 50, EXCLUES, 100),
        # 20 %: at most 100 × 20 / 80 = 25 h of training, i.e. 25 / 125 = 20 % of the counted total.
        (100, 50, plafonnees(20), 125),
        (100, 10, plafonnees(20), 110),  # under the cap: all of them
        (100, 25, plafonnees(20), 125),  # exactly the cap
        (100, 50, plafonnees(0), 100),
        (100, 50, plafonnees(100), 150),
        (80, 20, plafonnees(50), 100),  # at most as many training hours as hours worked
        # No training hours: the hours worked, whatever the setting.
        (100, 0, None, 100),
        (100, 0, EXCLUES, 100),
        (100, 0, plafonnees(20), 100),
        (100, 0, plafonnees(0), 100),
        # No hours worked: a share of nothing is nothing, except when nothing is capped.
        (0, 50, TOUTES, 50),
        (0, 50, EXCLUES, 0),
        (0, 50, plafonnees(20), 0),
        (0, 50, plafonnees(0), 0),
        (0, 50, plafonnees(100), 50),
        (0, 0, plafonnees(20), 0),
        # Decimals: 100 × 33,33 / 66,67 = 49,9925… rounded down to 49,99.
        (100, 80, plafonnees("33.33"), Decimal("149.99")),
        (Decimal("10.5"), Decimal("2.25"), TOUTES, Decimal("12.75")),
    ],
)
def test_heures_comptees(travaillees, formation, parametres, attendu):
    assert comptees(travaillees, formation, parametres) == Decimal(attendu)


@pytest.mark.parametrize("pourcentage", ["0", "10", "20", "33.33", "50", "75", "99.5"])
@pytest.mark.parametrize(("travaillees", "formation"), [(100, 500), (1234, 56), (7, 3), (0, 9)])
def test_le_plafond_n_est_jamais_depasse(pourcentage, travaillees, formation):
    total = comptees(travaillees, formation, plafonnees(pourcentage))
    formation_comptee = total - travaillees
    assert 0 <= formation_comptee <= formation
    assert formation_comptee * 100 <= Decimal(pourcentage) * total


def test_toutes_comptees():
    assert regles.formation_toutes_comptees(None)
    assert regles.formation_toutes_comptees(TOUTES)
    assert regles.formation_toutes_comptees(plafonnees(100))
    assert not regles.formation_toutes_comptees(plafonnees(20))
    assert not regles.formation_toutes_comptees(plafonnees(0))
    assert not regles.formation_toutes_comptees(EXCLUES)


def test_phrase_selon_le_parametre():
    assert regles.phrase_heures_formation(None) == (
        "Les heures de formation sont indiquées à part ; elles comptent toutes pour l'objectif."
    )
    assert regles.phrase_heures_formation(TOUTES) == regles.phrase_heures_formation(None)
    assert regles.phrase_heures_formation(plafonnees(100)) == regles.phrase_heures_formation(None)
    assert regles.phrase_heures_formation(EXCLUES) == (
        "Les heures de formation sont indiquées à part et ne comptent pas pour l'objectif : "
        "seules les heures travaillées comptent."
    )
    assert regles.phrase_heures_formation(plafonnees("20.00")) == (
        "Les heures de formation sont indiquées à part ; elles comptent pour l'objectif dans la limite de "
        "20\u00a0% des heures comptées."
    )
    assert "12,5\u00a0%" in regles.phrase_heures_formation(plafonnees("12.5"))

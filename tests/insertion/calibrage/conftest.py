"""Fixtures shared by the calibration tests."""

import pytest

from marches.enums import NatureMarche
from tests.insertion.calibrage.aides import definir_parametres


@pytest.fixture(autouse=True)
def parametres():
    """The starting values of the data migration, set explicitly: a transactional test may have flushed them."""
    return {
        NatureMarche.TRAVAUX: definir_parametres(NatureMarche.TRAVAUX, 50, 5, 30),
        NatureMarche.SERVICES: definir_parametres(NatureMarche.SERVICES, 60, 5, 28),
        NatureMarche.FOURNITURES: definir_parametres(NatureMarche.FOURNITURES, 20, 5, 28),
    }

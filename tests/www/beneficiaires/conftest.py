"""Fixtures shared by the people page tests."""

import datetime
from decimal import Decimal

import pytest

from tests.factories import (
    BeneficiaireFactory,
    HeuresRealiseesFactory,
    SortieFactory,
)
from tests.www.beneficiaires.aides import mois


@pytest.fixture
def personne_heures_a(epci_b, clause_a, clause_b):
    """Created by EPCI B, has worked on a contract of A (12,5 h validated) and on one of B (30,25 h validated)."""
    personne = BeneficiaireFactory(
        nom="Lefèvre", prenom="Éloïse", cree_par_epci=epci_b, date_entree=datetime.date(2020, 1, 6)
    )
    HeuresRealiseesFactory(
        clause=clause_a, beneficiaire=personne, mois=mois(0), heures=Decimal("12.5"), validees=True
    )
    HeuresRealiseesFactory(
        clause=clause_a, beneficiaire=personne, mois=mois(1), heures=Decimal("7"), rejetees=True
    )
    HeuresRealiseesFactory(
        clause=clause_b, beneficiaire=personne, mois=mois(0), heures=Decimal("30.25"), validees=True
    )
    SortieFactory(beneficiaire=personne, detail="CDI de charpentier", date=datetime.date(2021, 3, 1))
    return personne


@pytest.fixture
def personne_creee_a(epci_a):
    return BeneficiaireFactory(nom="Martin", prenom="Jules", cree_par_epci=epci_a)


@pytest.fixture
def personne_b(epci_b, clause_b):
    personne = BeneficiaireFactory(nom="Zidane", prenom="Yasmina", cree_par_epci=epci_b)
    HeuresRealiseesFactory(clause=clause_b, beneficiaire=personne, mois=mois(3), validees=True)
    return personne


@pytest.fixture
def personnes(personne_heures_a, personne_creee_a, personne_b):
    return personne_heures_a, personne_creee_a, personne_b

"""Fixtures shared by the statement import tests."""

import datetime
from types import SimpleNamespace

import pytest

from beneficiaires.enums import Sexe
from portail.periodes import mois_courant, mois_precedent
from tests.factories import (
    BeneficiaireFactory,
    ClauseFactory,
    CommuneFactory,
    EntrepriseFactory,
    UserFactory,
)

# --- fixtures and file builders ------------------------------------------------------------------


@pytest.fixture
def jeu():
    """One EPCI clerk, a contract of their EPCI with one clause, an employer, a person their EPCI knows,
    last month."""
    agent = UserFactory(agent_epci=True)
    aujourd_hui = datetime.date.today()
    clause = ClauseFactory(
        lot__numero=1,
        lot__marche__reference="2026-VOIRIE-01",
        lot__marche__acheteur__epci=agent.epci,
        lot__marche__date_debut=aujourd_hui - datetime.timedelta(days=730),
        lot__marche__date_fin=aujourd_hui + datetime.timedelta(days=365),
    )
    employeur = EntrepriseFactory(raison_sociale="Bâtiments de l'Authion")
    connue = BeneficiaireFactory(
        nom="Lefèvre",
        prenom="Hélène",
        date_naissance=datetime.date(1988, 4, 12),
        sexe=Sexe.FEMME,
        cree_par_epci=agent.epci,
    )
    # Below the factory's codes (49500-49999) and above the real ones (to 49381): it can clash with neither.
    commune = CommuneFactory(code_insee="49450", epci=agent.epci)
    return SimpleNamespace(
        agent=agent,
        clause=clause,
        marche=clause.lot.marche,
        employeur=employeur,
        connue=connue,
        commune=commune,
        mois=mois_precedent(mois_courant()),
    )

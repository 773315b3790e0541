"""Fixtures shared by the monthly entry page tests."""

import pytest

from portail.periodes import mois_courant, mois_precedent

# --- fixtures and helpers -------------------------------------------------------------------------


@pytest.fixture
def ce_mois():
    return mois_courant()


@pytest.fixture
def mois(ce_mois):
    return mois_precedent(ce_mois)


@pytest.fixture
def mois_avant(mois):
    return mois_precedent(mois)


@pytest.fixture
def client_agent(client, agent_a):
    client.force_login(agent_a)
    return client

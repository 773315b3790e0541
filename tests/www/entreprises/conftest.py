"""Fixtures shared by the company page tests."""

import pytest

from portail.periodes import mois_courant, mois_precedent


@pytest.fixture
def mois():
    """Last month: the cast's contracts are in execution, hours may be declared."""
    return mois_precedent(mois_courant())


@pytest.fixture
def client_agent(client, agent_a):
    client.force_login(agent_a)
    return client

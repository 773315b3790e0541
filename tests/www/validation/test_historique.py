"""Validation queue: the history of a line."""

import re
from decimal import Decimal

import pytest
from django.urls import reverse

from insertion.enums import Modalite, TypeContrat
from insertion.models import HeuresRealisees
from insertion.services import LigneHeures, enregistrer_heures, valider_heures
from tests.factories import (
    BeneficiaireFactory,
    HeuresRealiseesFactory,
)
from tests.requetes import assert_autant_de_requetes, requetes_de_la_page
from tests.www.validation.aides import MARS, URL, avec_versions, connecte

pytestmark = pytest.mark.django_db


def phrases(evenements):
    """The events' sentences, their moment written "…"."""
    return [re.sub(r"le \d{2}/\d{2}/\d{4} à \d{2}:\d{2}", "le …", e.phrase) for e in evenements]


# --- history ----------------------------------------------------------------------------------------


@pytest.fixture
def ligne_validee(client, departement, agent_a, clause_a):
    """A row declared by the clerk (through the service), then validated by the Département (through the queue)."""
    enregistrer_heures(
        user=agent_a,
        lignes=[
            LigneHeures(
                clause=clause_a,
                mois=MARS,
                beneficiaire=BeneficiaireFactory(nom="Martin", prenom="Léa"),
                employeur=clause_a.lot.titulaire,
                heures=Decimal(35),
                modalite=Modalite.EMBAUCHE_DIRECTE,
                type_contrat=TypeContrat.CDD,
            )
        ],
    )
    rangee = HeuresRealisees.objects.get()
    connecte(client, departement).post(URL, avec_versions({"action": "valider", "selection": [rangee.pk]}))
    client.logout()
    return rangee


@pytest.mark.parametrize("qui", ["departement", "agent_a"])
def test_l_historique_raconte_la_declaration_puis_la_validation(client, request, ligne_validee, qui):
    response = connecte(client, request.getfixturevalue(qui)).get(
        reverse("validation:historique", args=[ligne_validee.pk])
    )

    assert response.status_code == 200
    evenements = response.context["evenements"]
    assert [(e.action, e.auteur) for e in evenements] == [
        ("déclarée", "Paul Saisisseur"),
        ("validée", "Claire Validatrice"),
    ]
    assert phrases(evenements) == [
        "Déclarée par Paul Saisisseur le … : 35\u00a0h, CDD",
        "Validée par Claire Validatrice le …",
    ]
    contenu = response.content.decode()
    assert evenements[0].phrase in contenu and evenements[1].phrase in contenu
    assert "MARTIN Léa" in contenu


def test_l_agent_voit_le_motif_du_rejet(client, departement, agent_a, clause_a):
    ligne = HeuresRealiseesFactory(clause=clause_a, mois=MARS, saisi_par=agent_a, heures=Decimal(35))
    connecte(client, departement).post(
        URL, avec_versions({"action": "rejeter", "selection": [ligne.pk], "motif": "Contrat hors période."})
    )

    response = connecte(client, agent_a).get(reverse("validation:historique", args=[ligne.pk]))

    assert response.status_code == 200
    assert "Motif du rejet" in response.content.decode()
    # Created without a request (no history user): the declaration is the clerk's, not the validator's.
    assert phrases(response.context["evenements"]) == [
        "Déclarée par Paul Saisisseur le … : 35\u00a0h, CDD",
        "Rejetée par Claire Validatrice le … — motif : Contrat hors période.",
    ]
    assert response.context["evenements"][1].motif == "Contrat hors période."


@pytest.mark.parametrize("qui", ["agent_b", "lecteur"])
def test_l_historique_est_cache_aux_autres(client, request, ligne_validee, qui):
    response = connecte(client, request.getfixturevalue(qui)).get(
        reverse("validation:historique", args=[ligne_validee.pk])
    )
    assert response.status_code == 404


def test_l_historique_anonyme_redirige(client, ligne_validee):
    url = reverse("validation:historique", args=[ligne_validee.pk])
    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"] == f"/connexion/?next={url}"


def test_requetes_de_l_historique_independantes_du_nombre_de_modifications(
    client, departement, agent_a, clause_a
):
    ligne = HeuresRealiseesFactory(clause=clause_a, mois=MARS, heures=Decimal(10), saisi_par=agent_a)

    def modifier(nombre):
        ligne.refresh_from_db()
        for _ in range(nombre):
            ligne.heures += 1
            ligne._history_user = agent_a
            ligne.save()

    modifier(1)
    valider_heures(user=departement, rangees=[ligne])  # creation, one change, validation: 3 events
    connecte(client, agent_a)
    url = reverse("validation:historique", args=[ligne.pk])
    response, avec_n = requetes_de_la_page(client, url)
    assert len(response.context["evenements"]) == 3

    modifier(27)  # 30 events
    response, avec_10_n = requetes_de_la_page(client, url)
    assert len(response.context["evenements"]) == ligne.history.count() == 30
    assert_autant_de_requetes(avec_n, avec_10_n)

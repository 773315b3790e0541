"""Validation queue: the history of a line."""

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
def test_l_historique_montre_creation_et_validation(client, request, ligne_validee, qui):
    response = connecte(client, request.getfixturevalue(qui)).get(
        reverse("validation:historique", args=[ligne_validee.pk])
    )

    assert response.status_code == 200
    evenements = response.context["evenements"]
    assert [e.type for e in evenements] == ["modification", "création"]
    validation, creation = evenements
    assert validation.auteur == "Claire Validatrice"
    assert creation.auteur == "Paul Saisisseur"
    changements = {c.champ: (c.avant, c.apres) for c in validation.changements}
    assert changements["statut"] == ("déclarées", "validées")
    assert changements["validé par"] == ("—", "Claire Validatrice")
    assert changements["validé ou rejeté le"][0] == "—"
    valeurs_initiales = {c.champ: (c.avant, c.apres) for c in creation.changements}
    assert valeurs_initiales == {
        "mois": ("—", "mars 2026"),
        "employeur": ("—", str(ligne_validee.employeur)),
        "modalité": ("—", "embauche directe"),
        "type de contrat": ("—", "CDD"),
        "heures": ("—", "35\u00a0h"),
        "statut": ("—", "déclarées"),
        "saisi par": ("—", "Paul Saisisseur"),
    }
    contenu = response.content.decode()
    assert "Claire Validatrice" in contenu and "Paul Saisisseur" in contenu
    assert "déclarées" in contenu and "validées" in contenu
    assert "MARTIN Léa" in contenu


def test_l_agent_voit_le_motif_du_rejet(client, departement, agent_a, clause_a):
    ligne = HeuresRealiseesFactory(clause=clause_a, mois=MARS, saisi_par=agent_a)
    connecte(client, departement).post(
        URL, avec_versions({"action": "rejeter", "selection": [ligne.pk], "motif": "Contrat hors période."})
    )

    response = connecte(client, agent_a).get(reverse("validation:historique", args=[ligne.pk]))

    assert response.status_code == 200
    assert "Motif du rejet" in response.content.decode()
    changements = {c.champ: c.apres for c in response.context["evenements"][0].changements}
    assert changements["motif du rejet"] == "Contrat hors période."
    assert changements["statut"] == "rejetées"


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

"""The list of contracts: accent- and case-insensitive search, the status vocabulary, the contract's label."""

import datetime

import pytest
from django.utils import timezone
from django.utils.html import escape

from tests.factories import AcheteurFactory, BeneficiaireFactory
from tests.requetes import assert_autant_de_requetes, requetes_de_la_page
from tests.www.marches.aides import URL_LISTE, _marches, get

pytestmark = pytest.mark.django_db


def references(response):
    return sorted(ligne.record.reference for ligne in response.context["table"].paginated_rows)


@pytest.mark.parametrize(
    ("recherche", "attendu"),
    [
        ("pommeraye temoin", ["A-001", "A-003"]),  # the buyer, accents and case ignored
        ("POMMERAYE fetes", ["A-001"]),  # every word must appear: buyer and object
        ("entretien", ["A-002"]),
        ("a-00", ["A-001", "A-002", "A-003"]),
        ("office témoin", []),
    ],
)
def test_recherche_sans_accents_sur_acheteur_reference_et_objet(client, jeu, agent_a, recherche, attendu):
    assert references(get(client, agent_a, URL_LISTE, recherche=recherche)) == attendu


def test_statuts_du_vocabulaire_commun_et_cloture(client, jeu, agent_a):
    a2 = jeu["a2"]
    a2.cloture_le = timezone.localdate() - datetime.timedelta(days=1)
    a2.save()
    reponse = get(client, agent_a, URL_LISTE)
    statuts = {
        ligne.record.reference: ligne.get_cell("statut") for ligne in reponse.context["table"].paginated_rows
    }
    assert statuts == {"A-001": "terminé", "A-002": "clôturé", "A-003": "pas commencé"}
    assert references(get(client, agent_a, URL_LISTE, statut="cloture")) == ["A-002"]
    assert references(get(client, agent_a, URL_LISTE, statut="en_execution")) == []  # closed: only "clôturé"
    html = reponse.content.decode()
    assert "en exécution" in html  # the filter's options
    assert escape("Mairie de Pommeraye-Témoin — A-001 — Réhabilitation de la salle des fêtes") in html


def test_le_departement_a_le_bouton_nouveau_marche(client, jeu, departement, agent_a):
    assert "Nouveau marché" in get(client, departement, URL_LISTE).content.decode()
    assert "Nouveau marché" not in get(client, agent_a, URL_LISTE).content.decode()


def test_requetes_de_la_recherche_independantes_du_nombre_de_marches(client, departement, epci_a):
    acheteur, personne = AcheteurFactory(epci=epci_a, nom="Mairie d'Écouflant"), BeneficiaireFactory()
    client.force_login(departement)
    parametres = {"recherche": "ecouflant", "per_page": 100}
    _marches(3, acheteur=acheteur, personne=personne)
    reponse, avec_n = requetes_de_la_page(client, URL_LISTE, parametres)
    assert reponse.context["table"].paginator.count == 3
    _marches(27, acheteur=acheteur, personne=personne)
    reponse, avec_10_n = requetes_de_la_page(client, URL_LISTE, parametres)
    assert reponse.context["table"].paginator.count == 30
    assert_autant_de_requetes(avec_n, avec_10_n)

"""The grid on a month of a closed year: read-only, with the reason; a post is refused and writes nothing."""

import datetime
import html
from decimal import Decimal

import pytest
from django.urls import reverse

from insertion.cloture import cloturer_annee, rouvrir_annee
from insertion.models import HeuresRealisees
from tests.www.saisie.aides import (
    donnees_post,
    grille,
    heures,
    index_de,
    messages_de,
    personne_saisie,
    remplir,
    url_grille,
    url_personne,
)

pytestmark = pytest.mark.django_db

JUIN_2025 = datetime.date(2025, 6, 1)
REFUS = "L'année 2025 est clôturée depuis le 15/01/2026 : ses heures ne peuvent plus être modifiées."


@pytest.fixture
def rangee(clause_a, personne_a):
    return heures(clause_a, JUIN_2025, personne_a, 35)


def _fermer(departement):
    cloturer_annee(user=departement, annee=2025, date_cloture=datetime.date(2026, 1, 15), confirmer=True)


def test_mois_d_une_annee_cloturee_en_lecture_seule(client_agent, departement, clause_a, rangee):
    _fermer(departement)
    reponse, formset = grille(client_agent, clause_a, JUIN_2025)
    page = html.unescape(reponse.content.decode())
    assert REFUS in page
    assert len(formset.forms) == 0
    assert 'name="lignes-' not in page and 'type="submit">Enregistrer' not in page
    assert "DUPRÉ Maëlle" in page and "35\N{NO-BREAK SPACE}h" in page
    assert "Ajouter une personne" not in page


def test_envoi_refuse_rien_n_est_ecrit(client_agent, departement, clause_a, personne_a, rangee):
    _, formset = grille(client_agent, clause_a, JUIN_2025)
    donnees = remplir(donnees_post(formset), index_de(formset, personne_a), heures="40")
    _fermer(departement)
    reponse = client_agent.post(url_grille(clause_a, JUIN_2025), donnees)
    assert reponse.status_code == 302
    assert any(REFUS in message for message in messages_de(reponse))
    assert HeuresRealisees.objects.get(pk=rangee.pk).heures == Decimal(35)


def test_rouverte_la_grille_redevient_modifiable(client_agent, departement, clause_a, personne_a, rangee):
    _fermer(departement)
    rouvrir_annee(user=departement, annee=2025, motif="Relevé de juin corrigé")
    reponse, formset = grille(client_agent, clause_a, JUIN_2025)
    assert REFUS not in html.unescape(reponse.content.decode())
    donnees = remplir(donnees_post(formset), index_de(formset, personne_a), heures="40")
    reponse = client_agent.post(url_grille(clause_a, JUIN_2025), donnees)
    assert reponse.status_code == 302
    assert HeuresRealisees.objects.get(pk=rangee.pk).heures == Decimal(40)


def test_les_autres_annees_restent_modifiables(client_agent, departement, clause_a, mois):
    _fermer(departement)
    reponse, formset = grille(client_agent, clause_a, mois)
    assert REFUS not in html.unescape(reponse.content.decode())
    assert len(formset.forms) > 0


def test_personne_non_ajoutee_a_une_annee_cloturee(client_agent, departement, clause_a, personne_a, rangee):
    _fermer(departement)
    for reponse in (
        client_agent.get(url_personne(clause_a, JUIN_2025)),
        client_agent.post(url_personne(clause_a, JUIN_2025), personne_saisie()),
        client_agent.post(
            reverse("saisie:reprendre", args=[clause_a.pk, "2025-06"]),
            {"personne": str(personne_a.public_id)},
        ),
    ):
        assert reponse.status_code == 302 and reponse.url == url_grille(clause_a, JUIN_2025)
        assert any(REFUS in message for message in messages_de(reponse))

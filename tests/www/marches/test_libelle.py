"""A contract is named by its buyer, reference and object everywhere, never by its reference alone."""

import pytest
from django.urls import reverse
from django.utils.html import escape

from portail.periodes import code_mois, mois_courant, mois_precedent
from tests.factories import HeuresRealiseesFactory
from tests.www.marches.aides import get

pytestmark = pytest.mark.django_db


def test_str_du_marche_et_du_lot(clause_a):
    marche = clause_a.lot.marche
    attendu = f"{marche.acheteur.nom} — 2025-VOIRIE-07 — Réfection de la voirie communale"
    assert marche.libelle == attendu
    assert str(marche) == attendu
    assert str(clause_a.lot) == f"{attendu} — lot 2 : Terrassement"


def test_objet_long_tronque_dans_le_libelle(marche_a):
    marche_a.objet = "x" * 300
    assert marche_a.libelle.endswith("x" * 79 + "…")


def test_grille_de_saisie(client, clause_a, agent_a):
    url = reverse("saisie:grille", args=[clause_a.pk, code_mois(mois_courant())])
    html = get(client, agent_a, url).content.decode()
    libelle = escape(clause_a.lot.marche.libelle)
    assert "<title>Saisie des heures — " in html and f"{libelle}</title>".replace("</title>", "") in html
    assert f'aria-current="page">{libelle}, lot 2' in html


def test_file_de_validation(client, clause_a, departement):
    HeuresRealiseesFactory(clause=clause_a, mois=mois_precedent(mois_courant()))
    html = get(client, departement, reverse("validation:file"), statut="tous").content.decode()
    libelle = escape(clause_a.lot.marche.libelle)
    assert f'{reverse("marches:detail", args=[clause_a.lot.marche_id])}">{libelle}</a>' in html

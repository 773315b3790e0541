"""The suite's own checks can fail: a server error, an English page and an invalid row are each caught."""

import datetime
from decimal import Decimal

import pytest
from django.http import HttpResponse

from portail.periodes import ajouter_mois, mois_courant
from tests.factories import HeuresRealiseesFactory
from tests.hostile import bilan
from tests.hostile.formulaires import formulaires, textes_d_erreur
from tests.hostile.proprietes import photo, verifier_lignes, verifier_reponse


@pytest.fixture(autouse=True)
def _bilan_intact():
    """These tests feed failures on purpose: they stay out of the suite's report."""
    sauvegarde = dict(bilan.COMPTES), set(bilan.ERREURS_SERVEUR), bilan.LIGNES_PAR_MODELE.copy()
    yield
    bilan.COMPTES.update(sauvegarde[0])
    bilan.ERREURS_SERVEUR.clear()
    bilan.ERREURS_SERVEUR.update(sauvegarde[1])
    bilan.LIGNES_PAR_MODELE.clear()
    bilan.LIGNES_PAR_MODELE.update(sauvegarde[2])


def _page(html, statut=200):
    return HttpResponse(html, status=statut, content_type="text/html; charset=utf-8")


def test_une_erreur_serveur_est_relevee():
    with pytest.raises(AssertionError, match="Erreur serveur 500"):
        verifier_reponse(_page("", 500), None, quoi="GET /x/")
    with pytest.raises(AssertionError, match="Erreur serveur sur GET /x/ : ValueError"):
        verifier_reponse(None, ValueError("boum"), quoi="GET /x/")


def test_une_page_anglaise_est_relevee():
    with pytest.raises(AssertionError, match="pas la page française"):
        verifier_reponse(_page("<h1>Bad Request (400)</h1>", 400), None, quoi="GET /x/")
    with pytest.raises(AssertionError, match="texte anglais"):
        page = '<html lang="fr"><ul class="errorlist"><li>This field is required.</li></ul></html>'
        verifier_reponse(_page(page), None, quoi="POST /x/")
    with pytest.raises(AssertionError, match="message d'erreur en anglais"):
        page = '<html lang="fr"><div class="invalid-feedback">Please enter a number.</div></html>'
        verifier_reponse(_page(page), None, quoi="POST /x/")
    page = '<html lang="fr"><div class="invalid-feedback">Saisissez un nombre valide.</div></html>'
    verifier_reponse(_page(page, 400), None, quoi="POST /x/")


@pytest.mark.django_db
def test_une_ligne_invalide_ecrite_est_relevee(clause_a, personne_a):
    avant = photo()
    # Past the database constraints (hours within 0–744, first day of a month), not past the entry rules.
    HeuresRealiseesFactory(
        clause=clause_a, beneficiaire=personne_a, mois=ajouter_mois(mois_courant(), 2), heures=Decimal(300)
    )
    with pytest.raises(AssertionError, match="(?s)HeuresRealisees.*n'est pas commencé.*300"):
        verifier_lignes(avant, quoi="POST /x/")


@pytest.mark.django_db
def test_une_ligne_valide_passe(clause_a, personne_a):
    avant = photo()
    mois = datetime.date(2025, 3, 1)
    HeuresRealiseesFactory(clause=clause_a, beneficiaire=personne_a, mois=mois, heures=Decimal(35))
    verifier_lignes(avant, quoi="POST /x/")


def test_lecture_des_formulaires():
    html = """<form method="get"><input name="q" value="a"><select name="annee"><option>2025</option>
      <option value="2026" selected>2026</option></select></form>
      <form method="post" action="/envoi/" enctype="multipart/form-data">
      <input type="hidden" name="lignes-TOTAL_FORMS" value="3"><input type="checkbox" name="c" value="1" checked>
      <textarea name="motif">texte</textarea><input type="file" name="fichier"><input name="off" disabled>
      <button type="submit" name="action" value="valider">Valider</button>
      <div class="alert alert-danger">Indiquez le <b>motif</b>.</div></form>"""
    get, post = formulaires(html)
    assert get.methode == "get" and get.noms() == ["q", "annee"]
    assert get.champs[1].options == ["2025", "2026"] and get.champs[1].valeur == "2026"
    assert (post.action, post.multipart, post.boutons) == ("/envoi/", True, [("action", "valider")])
    assert [(c.nom, c.genre, c.valeur, c.coche) for c in post.champs] == [
        ("lignes-TOTAL_FORMS", "hidden", "3", False),
        ("c", "checkbox", "1", True),
        ("motif", "textarea", "texte", False),
        ("fichier", "file", "", False),
    ]
    assert textes_d_erreur(html) == ["Indiquez le motif."]

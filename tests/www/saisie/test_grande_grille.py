"""A month of thousands of rows (a statement import): the grid is cut into pages, opens and saves in linear time."""

import datetime
import math
import re
import time
from decimal import Decimal

import pytest
from django.conf import settings

from beneficiaires.identite import cle_identite
from beneficiaires.models import Beneficiaire
from insertion.enums import Modalite, Statut, TypeContrat
from insertion.models import HeuresRealisees
from insertion.releves.lecture import LIGNES_MAX
from tests.factories import ClauseFactory
from tests.requetes import assert_autant_de_requetes, requetes_de_l_envoi, requetes_de_la_page
from tests.www.saisie.aides import (
    donnees_post,
    grille,
    heures,
    index_de,
    messages_de,
    personne_sans_commune,
    remplir,
    url_grille,
)
from www.saisie import pages
from www.saisie.forms.grille import LISTES_COMPLETES_MAX, GrilleFormSet

pytestmark = pytest.mark.django_db


def importer_un_mois(clause, mois, nombre, *, user, debut=0, statut=Statut.DECLAREES):
    """`nombre` people with one row each this month, written in bulk like a statement import."""
    naissance = datetime.date(1985, 6, 1)
    personnes = Beneficiaire.objects.bulk_create(
        [
            Beneficiaire(
                nom=f"Essai{numero:05d}",
                prenom="Camille",
                date_naissance=naissance,
                sexe="F",
                niveau_qualification="sans",
                date_entree=datetime.date(2024, 1, 1),
                cle_identite=cle_identite(f"Essai{numero:05d}", "Camille", naissance),
            )
            for numero in range(debut, debut + nombre)
        ]
    )
    HeuresRealisees.objects.bulk_create(
        [
            HeuresRealisees(
                clause=clause,
                beneficiaire=personne,
                employeur=clause.lot.titulaire,
                mois=mois,
                heures=Decimal(35),
                modalite=Modalite.EMBAUCHE_DIRECTE,
                type_contrat=TypeContrat.CDD,
                statut=statut,
                saisi_par=user,
            )
            for personne in personnes
        ]
    )
    return personnes


# --- the bounds ---------------------------------------------------------------------------------------


def test_une_page_de_la_grille_tient_dans_un_envoi():
    # A page: LIGNES_PAR_PAGE rows, the people just added, the empty lines; at most 8 fields a line.
    assert pages.LIGNES_MAX_PAR_ENVOI <= GrilleFormSet.max_num == GrilleFormSet.absolute_max
    assert 8 * GrilleFormSet.max_num + 10 <= settings.DATA_UPLOAD_MAX_NUMBER_FIELDS
    # The largest statement opens over a few dozen pages, never in one request.
    assert math.ceil(LIGNES_MAX / pages.LIGNES_PAR_PAGE) == 25


# --- a month of 5 000 rows -----------------------------------------------------------------------------


def test_un_mois_de_5000_lignes_s_ouvre_et_s_enregistre(client_agent, agent_a, clause_a, mois):
    importer_un_mois(clause_a, mois, LIGNES_MAX, user=agent_a)
    debut = time.perf_counter()

    reponse, formset = grille(client_agent, clause_a, mois)

    page = reponse.context["page"]
    assert page.page.paginator.num_pages == 25
    assert len(formset.forms) == pages.LIGNES_PAR_PAGE + pages.LIGNES_VIDES
    contenu = reponse.content.decode()
    assert "Page 1 sur 25 (lignes 1 à 200 sur 5\u00a0000)" in contenu
    # Each row's <select>s are small: the whole list of 5 000 people only on the empty lines.
    assert contenu.count("<option") < 4 * LIGNES_MAX
    donnees = donnees_post(formset)
    for i, form in enumerate(formset):
        if form.rangee is not None:
            remplir(donnees, i, heures="36")

    reponse = client_agent.post(url_grille(clause_a, mois), donnees)

    assert reponse.status_code == 302
    assert messages_de(reponse) == ["200 lignes enregistrées : 200 lignes modifiées."]
    assert HeuresRealisees.objects.filter(clause=clause_a, mois=mois, heures=36).count() == 200
    assert HeuresRealisees.history.filter(history_type="~", heures=36, history_user=agent_a).count() == 200
    # The last page opens too.
    reponse, formset = grille(client_agent, clause_a, mois, page=25)
    assert "Page 25 sur 25 (lignes 4\u00a0801 à 5\u00a0000 sur 5\u00a0000)" in reponse.content.decode()
    assert time.perf_counter() - debut < 30  # a few seconds; the quadratic grid took minutes


# --- query counts across pages ---------------------------------------------------------------------------


def test_requetes_de_la_grille_en_pages_independantes_du_nombre_de_lignes(
    client_agent, agent_a, clause_a, mois, monkeypatch
):
    monkeypatch.setattr(pages, "LIGNES_PAR_PAGE", 10)

    def page_2(nombre):
        reponse, requetes = requetes_de_la_page(client_agent, url_grille(clause_a, mois), {"page": 2})
        assert reponse.context["page"].page.paginator.count == nombre
        return requetes

    importer_un_mois(clause_a, mois, 30, user=agent_a)
    avec_n = page_2(30)
    importer_un_mois(clause_a, mois, 270, user=agent_a, debut=30)
    avec_10_n = page_2(300)
    assert_autant_de_requetes(avec_n, avec_10_n)


def _supprimer_toute_la_page(client, clause, mois):
    _, formset = grille(client, clause, mois)
    donnees = donnees_post(formset)
    for i, form in enumerate(formset):
        if form.rangee is not None:
            remplir(donnees, i, supprimer="on")
    return requetes_de_l_envoi(client, url_grille(clause, mois), donnees)


def test_supprimer_n_ou_10_n_lignes_fait_autant_de_requetes_et_garde_l_historique(
    client_agent, agent_a, clause_a, mois
):
    autre_lot = ClauseFactory(lot__marche=clause_a.lot.marche, lot__titulaire=clause_a.lot.titulaire)
    # 4 and 40 rows: SQLite takes at most 999 values a query, so 50 records of 19 fields go in one INSERT.
    importer_un_mois(clause_a, mois, 4, user=agent_a)
    importer_un_mois(autre_lot, mois, 40, user=agent_a, debut=4)

    reponse, avec_n = _supprimer_toute_la_page(client_agent, clause_a, mois)
    assert messages_de(reponse) == ["Saisie enregistrée : 4 lignes supprimées."]
    reponse, avec_10_n = _supprimer_toute_la_page(client_agent, autre_lot, mois)
    assert messages_de(reponse) == ["Saisie enregistrée : 40 lignes supprimées."]

    assert_autant_de_requetes(avec_n, avec_10_n)
    assert not HeuresRealisees.objects.filter(mois=mois).exists()
    suppressions = HeuresRealisees.history.filter(history_type="-")
    assert suppressions.count() == 44
    assert {(s.history_user, s.heures) for s in suppressions} == {(agent_a, Decimal(35))}


# --- pages, filter, people just added -------------------------------------------------------------------------


def test_la_recherche_par_nom_et_la_page_sont_gardees_apres_l_enregistrement(
    client_agent, agent_a, clause_a, mois, monkeypatch
):
    monkeypatch.setattr(pages, "LIGNES_PAR_PAGE", 10)
    importer_un_mois(clause_a, mois, 25, user=agent_a)
    cherchee = personne_sans_commune(nom="Lefèvre", prenom="Hélène")
    heures(clause_a, mois, cherchee, 20)

    reponse, formset = grille(client_agent, clause_a, mois, q="lefevre")
    assert reponse.context["page"].page.paginator.count == 1
    assert [f.rangee.beneficiaire for f in formset if f.rangee] == [cherchee]
    assert "personnes correspondant à « lefevre »" in reponse.content.decode()
    donnees = remplir(donnees_post(formset), index_de(formset, cherchee), heures="21")

    reponse = client_agent.post(url_grille(clause_a, mois, q="lefevre"), donnees)
    assert reponse["Location"] == url_grille(clause_a, mois, q="lefevre")
    assert cherchee.heures.get().heures == 21

    _, formset = grille(client_agent, clause_a, mois, page=3)
    donnees = donnees_post(formset)
    reponse = client_agent.post(url_grille(clause_a, mois, page=3), donnees)
    assert messages_de(reponse) == ["Aucune modification à enregistrer."]
    assert reponse["Location"] == url_grille(clause_a, mois, page=3)


def test_une_page_inconnue_montre_la_derniere(client_agent, agent_a, clause_a, mois, monkeypatch):
    monkeypatch.setattr(pages, "LIGNES_PAR_PAGE", 10)
    importer_un_mois(clause_a, mois, 15, user=agent_a)
    for numero in ("99", "abc"):
        reponse, _ = grille(client_agent, clause_a, mois, page=numero)
        assert reponse.context["page"].page.number == (2 if numero == "99" else 1)


def test_les_lignes_validees_sont_reparties_sur_les_pages(client, agent_a, clause_a, mois, monkeypatch):
    monkeypatch.setattr(pages, "LIGNES_PAR_PAGE", 10)
    importer_un_mois(clause_a, mois, 15, user=agent_a, statut=Statut.VALIDEES)
    importer_un_mois(clause_a, mois, 15, user=agent_a, debut=15)
    client.force_login(agent_a)

    vues = []
    for numero in (1, 2, 3):
        reponse, formset = grille(client, clause_a, mois, page=numero)
        vues.append((len(reponse.context["verrouillees"]), sum(1 for f in formset if f.rangee)))
    assert vues == [(10, 0), (5, 5), (0, 10)]


def test_une_personne_ajoutee_du_mois_precedent_est_montree_sur_la_page(
    client_agent, agent_a, clause_a, mois, mois_avant, monkeypatch
):
    monkeypatch.setattr(pages, "LIGNES_PAR_PAGE", 10)
    personnes = importer_un_mois(clause_a, mois_avant, 30, user=agent_a)
    revenue = personnes[-1]  # pre-filled on the last page

    reponse, formset = grille(client_agent, clause_a, mois, personne=str(revenue.public_id))

    assert reponse.context["page"].page.number == 1
    ligne = formset.forms[index_de(formset, revenue)]
    assert ligne.prerempli
    assert ligne["siret_employeur"].value() == clause_a.lot.titulaire.siret
    # Not shown a second time on its own page.
    _, formset = grille(client_agent, clause_a, mois, page=3, personne=str(revenue.public_id))
    assert sum(1 for f in formset if f["beneficiaire"].value() == str(revenue.public_id)) == 1


def _options_des_personnes(contenu) -> list[int]:
    """Number of options of each line's person <select>, in the page's order."""
    selects = re.findall(r'<select name="lignes-\d+-beneficiaire"[^>]*>(.*?)</select>', contenu, re.S)
    return [select.count("<option") for select in selects]


def test_seules_les_lignes_vides_listent_toutes_les_personnes(
    client_agent, agent_a, clause_a, mois, mois_avant
):
    importer_un_mois(clause_a, mois_avant, 30, user=agent_a)

    reponse, _ = grille(client_agent, clause_a, mois)

    # 30 pre-filled lines show their person (and "choose"); the 3 empty lines list the 30 people.
    assert _options_des_personnes(reponse.content.decode()) == [2] * 30 + [31] * 3


def test_un_envoi_fabrique_de_lignes_sans_personne_ne_liste_pas_tout_a_chaque_ligne(
    client_agent, agent_a, clause_a, mois, mois_avant
):
    importer_un_mois(clause_a, mois_avant, 30, user=agent_a)
    _, formset = grille(client_agent, clause_a, mois)
    donnees = donnees_post(formset)
    donnees["lignes-TOTAL_FORMS"] = "400"
    for i in range(400):
        remplir(donnees, i, beneficiaire="", heures="10", siret_employeur=clause_a.lot.titulaire.siret)

    reponse = client_agent.post(url_grille(clause_a, mois), donnees)

    assert reponse.status_code == 200
    contenu = reponse.content.decode()
    assert "Choisissez la personne qui a travaillé ces heures." in contenu
    options = _options_des_personnes(contenu)
    assert len(options) == 400
    assert options.count(31) == LISTES_COMPLETES_MAX
    assert options.count(1) == 400 - LISTES_COMPLETES_MAX

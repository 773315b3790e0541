"""The entry chooser: a searchable list of the clauses a clerk declares on, in-execution ones first."""

import datetime

import pytest
from django.urls import reverse
from django.utils.html import escape

from insertion.selectors import clauses_a_choisir
from marches.enums import EtatExecution
from portail.francais import de
from portail.periodes import ajouter_mois, libelle_mois, mois_courant, mois_precedent
from tests.factories import AcheteurFactory, ClauseFactory
from tests.requetes import assert_autant_de_requetes, requetes_de_la_page
from tests.www.saisie.aides import url_grille

pytestmark = pytest.mark.django_db

URL = reverse("saisie:choisir")


def _clause(epci, *, debut_dans=-6, fin_dans=6, acheteur="Commune de Brissac", **lot):
    """A clause of `epci` whose contract starts and ends that many months from this month."""
    ce_mois = mois_courant()
    return ClauseFactory(
        lot__marche__acheteur=AcheteurFactory(epci=epci, nom=acheteur),
        lot__marche__date_debut=ajouter_mois(ce_mois, debut_dans),
        lot__marche__date_fin=ajouter_mois(ce_mois, fin_dans + 1) - datetime.timedelta(days=1),
        **{f"lot__{cle}": valeur for cle, valeur in lot.items()},
    )


def _lignes(reponse):
    return list(reponse.context["table"].page.object_list.data)


def test_une_ligne_par_lot_du_perimetre_avec_acheteur_reference_objet_et_titulaire(
    client_agent, clause_a, mois
):
    ClauseFactory(lot__marche__reference="AILLEURS-01")
    reponse = client_agent.get(URL)

    assert reponse.status_code == 200
    assert _lignes(reponse) == [clause_a]
    contenu = reponse.content.decode()
    marche = clause_a.lot.marche
    for texte in [
        marche.acheteur.nom,
        "2025-VOIRIE-07",
        "Réfection de la voirie communale",
        "2 : Terrassement",
    ]:
        assert texte in contenu
    assert "Terrassements du Loir" in contenu and f"SIRET {clause_a.lot.titulaire.siret}" in contenu
    assert f"du {marche.date_debut:%d/%m/%Y}" in contenu and f"au {marche.date_fin:%d/%m/%Y}" in contenu
    assert "en exécution" in contenu
    assert "AILLEURS-01" not in contenu
    # Each row opens last month's grid; the month picker is still there.
    assert f'href="{url_grille(clause_a, mois)}">Saisir {libelle_mois(mois)}</a>' in contenu
    assert 'type="month"' in contenu


def test_les_marches_termines_ou_pas_commences_sont_caches_sauf_sur_demande(client_agent, epci_a):
    tardif = _clause(epci_a, fin_dans=9)
    proche = _clause(epci_a, fin_dans=1)
    termine_tot = _clause(epci_a, debut_dans=-24, fin_dans=-12)
    termine_recent = _clause(epci_a, debut_dans=-12, fin_dans=-2)
    a_venir = _clause(epci_a, debut_dans=2, fin_dans=14)

    assert _lignes(client_agent.get(URL)) == [proche, tardif]

    reponse = client_agent.get(URL, {"termines": "on"})
    # In execution by end date, then the next to start, then the last finished first.
    assert _lignes(reponse) == [proche, tardif, a_venir, termine_recent, termine_tot]
    contenu = reponse.content.decode()
    assert "pas commencé" in contenu and "terminé" in contenu
    # A finished contract opens its last month; one not started has no month yet.
    dernier = mois_precedent(ajouter_mois(mois_courant(), -1))
    assert f'href="{url_grille(termine_recent, dernier)}">Saisir {libelle_mois(dernier)}</a>' in contenu
    assert escape(f"à partir {de(libelle_mois(a_venir.lot.marche.date_debut))}") in contenu


@pytest.mark.parametrize(
    ("recherche", "trouvees"),
    [
        ("brissac", ["brissac"]),  # buyer, case ignored
        ("ÉCOLE", ["ecole"]),  # object, accents ignored both ways
        ("eglise", ["brissac"]),  # "Église" in the object
        ("2026-T-002", ["brissac", "ecole"]),  # two buyers share a reference
        ("2026-t-002 trélazé", ["ecole"]),  # every word must match
        ("charpente", ["ecole"]),  # lot title
        ("MENUISERIES angevines", ["brissac"]),  # holder's name
        ("41234567800017", ["ecole"]),  # holder's SIRET
        ("brissac charpente", []),
    ],
)
def test_la_recherche_porte_sur_acheteur_reference_objet_lot_et_titulaire(
    client_agent, epci_a, recherche, trouvees
):
    clauses = {
        "brissac": _clause(
            epci_a,
            acheteur="Commune de Brissac",
            marche__reference="2026-T-002",
            marche__objet="Restauration de l'Église Saint-Vincent",
            intitule="Menuiserie",
            titulaire__raison_sociale="Menuiseries Angevines",
        ),
        "ecole": _clause(
            epci_a,
            acheteur="Ville de Trélazé",
            marche__reference="2026-T-002",
            marche__objet="Extension de l'école",
            intitule="Charpente",
            titulaire__siret="41234567800017",
        ),
    }
    reponse = client_agent.get(URL, {"q": recherche})
    assert set(_lignes(reponse)) == {clauses[nom] for nom in trouvees}
    if not trouvees:
        assert "Aucun marché ne correspond à cette recherche." in reponse.content.decode()


def test_la_recherche_reste_dans_le_perimetre(agent_a, clause_a, clause_b, departement):
    assert list(clauses_a_choisir(user=agent_a, recherche="école")) == []
    assert list(clauses_a_choisir(user=departement, recherche="école")) == [clause_b]
    assert set(clauses_a_choisir(user=departement, recherche="  ")) == {clause_a, clause_b}
    assert {c.etat for c in clauses_a_choisir(user=departement)} == {EtatExecution.EN_EXECUTION}


def test_le_mois_choisi_change_les_liens_et_un_mois_illisible_est_signale(client_agent, clause_a, mois):
    avant = mois_precedent(mois)
    contenu = client_agent.get(URL, {"mois": avant.strftime("%m/%Y")}).content.decode()
    assert f'href="{url_grille(clause_a, avant)}">Saisir {libelle_mois(avant)}</a>' in contenu

    reponse = client_agent.get(URL, {"mois": "bientôt"})
    contenu = reponse.content.decode()
    assert "Indiquez le mois au format mm/aaaa, par exemple 03/2026." in contenu
    assert _lignes(reponse) == []


def test_la_liste_est_paginee(client_agent, epci_a):
    for _ in range(27):
        _clause(epci_a)
    reponse = client_agent.get(URL)
    assert len(_lignes(reponse)) == 25
    assert "27 lots" in reponse.content.decode()
    assert len(_lignes(client_agent.get(URL, {"page": "2"}))) == 2
    assert client_agent.get(URL, {"page": "deux"}).status_code == 400


def test_nombre_de_requetes_du_choix_independant_du_nombre_de_lots(client_agent, epci_a):
    def page(nombre):
        reponse, requetes = requetes_de_la_page(client_agent, URL, {"q": "brissac", "termines": "on"})
        assert len(_lignes(reponse)) == nombre
        return requetes

    _clause(epci_a, fin_dans=-2)
    _clause(epci_a)
    avec_n = page(2)
    for indice in range(18):
        _clause(epci_a, fin_dans=-2 if indice % 2 else 3)
    avec_10_n = page(20)
    assert_autant_de_requetes(avec_n, avec_10_n)


def test_le_departement_voit_tous_les_lots(client, departement, clause_a, clause_b):
    client.force_login(departement)
    assert set(_lignes(client.get(URL))) == {clause_a, clause_b}

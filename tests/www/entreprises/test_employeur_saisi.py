"""An employer the portal does not know, typed by a clerk in the grid: asked there, created « à vérifier »."""

import pytest

from insertion.models import HeuresRealisees
from marches.enums import TypeStructure
from marches.models import Entreprise
from portail.periodes import mois_precedent
from tests.factories import siret_aleatoire
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

pytestmark = pytest.mark.django_db


def _grille_avec_siret(client, clause, mois, siret, **valeurs):
    personne = personne_sans_commune()
    heures(clause, mois_precedent(mois), personne, 70)  # offered again this month
    _, formset = grille(client, clause, mois)
    donnees = donnees_post(formset)
    remplir(donnees, index_de(formset, personne), heures="12", siret_employeur=siret, **valeurs)
    return personne, donnees


def test_un_siret_inconnu_demande_raison_sociale_et_type_sur_la_ligne(client_agent, clause_a, mois):
    siret = siret_aleatoire()
    _, donnees = _grille_avec_siret(client_agent, clause_a, mois, siret)

    reponse = client_agent.post(url_grille(clause_a, mois), donnees)

    assert reponse.status_code == 200
    contenu = reponse.content.decode()
    assert "Nouvel employeur, ligne" in contenu
    assert "Raison sociale" in contenu and "Type de structure" in contenu
    assert "Choisissez le type de structure du nouvel employeur." in contenu
    assert not Entreprise.objects.filter(siret=siret).exists()
    assert not HeuresRealisees.objects.filter(mois=mois).exists()


def test_avec_raison_sociale_et_type_l_employeur_est_cree_a_verifier_et_la_grille_enregistree(
    client_agent, agent_a, clause_a, mois
):
    siret = siret_aleatoire()
    personne, donnees = _grille_avec_siret(
        client_agent,
        clause_a,
        mois,
        siret,
        raison_sociale_employeur="  Intérim   Insertion Anjou ",
        type_structure_employeur=TypeStructure.ETTI,
    )

    reponse = client_agent.post(url_grille(clause_a, mois), donnees)

    assert reponse.status_code == 302, messages_de(reponse)
    entreprise = Entreprise.objects.get(siret=siret)
    assert entreprise.raison_sociale == "Intérim Insertion Anjou"
    assert entreprise.type_structure == TypeStructure.ETTI
    assert entreprise.a_verifier
    assert entreprise.signalee_par_epci == agent_a.epci
    assert entreprise.cree_par == agent_a
    assert entreprise.history.get().history_user == agent_a
    rangee = HeuresRealisees.objects.get(mois=mois, beneficiaire=personne)
    assert rangee.employeur == entreprise
    assert (
        f"Nouvel employeur enregistré, à vérifier par le Département : Intérim Insertion Anjou (SIRET {siret})."
        in messages_de(reponse)
    )


def test_une_grille_refusee_ne_cree_aucun_employeur(client_agent, clause_a, mois):
    siret = siret_aleatoire()
    personne, donnees = _grille_avec_siret(
        client_agent,
        clause_a,
        mois,
        siret,
        raison_sociale_employeur="Chantier d'insertion du Layon",
        type_structure_employeur=TypeStructure.ACI,
    )
    # The person's month goes over the ceiling: the service refuses the whole grid.
    remplir(donnees, index_de(grille(client_agent, clause_a, mois)[1], personne), heures="700")

    reponse = client_agent.post(url_grille(clause_a, mois), donnees)

    assert reponse.status_code == 200
    assert "La saisie n'a pas été enregistrée" in reponse.content.decode()
    assert not Entreprise.objects.filter(siret=siret).exists()
    assert not HeuresRealisees.objects.filter(mois=mois, beneficiaire=personne).exists()


def test_un_siret_a_la_cle_fausse_reste_refuse(client_agent, clause_a, mois):
    _, donnees = _grille_avec_siret(
        client_agent,
        clause_a,
        mois,
        "12345678900011",
        raison_sociale_employeur="Faux SIRET",
        type_structure_employeur=TypeStructure.ENTREPRISE,
    )

    reponse = client_agent.post(url_grille(clause_a, mois), donnees)

    assert reponse.status_code == 200
    assert "Ce SIRET n&#x27;est pas valide (clé de contrôle incorrecte)." in reponse.content.decode()
    assert "Nouvel employeur, ligne" not in reponse.content.decode()
    assert not Entreprise.objects.filter(raison_sociale="Faux SIRET").exists()


def test_sans_javascript_la_grille_revient_avec_les_champs_puis_s_enregistre(client_agent, clause_a, mois):
    siret = siret_aleatoire()
    personne, donnees = _grille_avec_siret(client_agent, clause_a, mois, siret)
    premiere = client_agent.post(url_grille(clause_a, mois), donnees)
    formset = premiere.context["formset"]
    ligne = index_de(formset, personne)
    assert formset.forms[ligne].employeur_inconnu

    # What the browser sends back from the page as shown, with the two new fields filled in.
    suite = remplir(
        donnees_post(formset),
        ligne,
        raison_sociale_employeur="Association intermédiaire Loire-Layon",
        type_structure_employeur=TypeStructure.AI,
    )
    reponse = client_agent.post(url_grille(clause_a, mois), suite)

    assert reponse.status_code == 302
    entreprise = Entreprise.objects.get(siret=siret)
    assert (entreprise.type_structure, entreprise.a_verifier) == (TypeStructure.AI, True)
    assert HeuresRealisees.objects.get(mois=mois, beneficiaire=personne).employeur == entreprise

"""Monthly entry pages: saving the grid of hours and the checks on each line."""

import datetime

import pytest
from django.utils.html import escape

from insertion.enums import Modalite, Statut, TypeContrat
from insertion.models import HeuresRealisees
from portail.periodes import libelle_mois, mois_precedent
from tests.factories import (
    BeneficiaireFactory,
    EntrepriseFactory,
    siret_aleatoire,
)
from tests.www.saisie.aides import (
    H,
    donnees_post,
    grille,
    heures,
    index_de,
    lignes_vides,
    messages_de,
    personne_sans_commune,
    remplir,
    url_grille,
)

pytestmark = pytest.mark.django_db


# --- the grid: saving -----------------------------------------------------------------------------


def test_enregistrer_cree_les_lignes_puis_redirige(client_agent, agent_a, clause_a, mois, mois_avant):
    a, b = personne_sans_commune(), personne_sans_commune()
    heures(clause_a, mois_avant, a, 70)
    heures(clause_a, mois_avant, b, 80)
    _, formset = grille(client_agent, clause_a, mois)
    donnees = donnees_post(formset)
    remplir(donnees, index_de(formset, a), heures="35,5")
    remplir(donnees, index_de(formset, b), heures="70")

    reponse = client_agent.post(url_grille(clause_a, mois), donnees)

    assert reponse.status_code == 302
    assert reponse["Location"] == url_grille(clause_a, mois)
    assert messages_de(reponse) == ["2 lignes enregistrées : 2 lignes créées."]
    rangees = HeuresRealisees.objects.filter(mois=mois)
    assert sorted(r.heures for r in rangees) == [H("35.5"), H(70)]
    assert {r.saisi_par for r in rangees} == {agent_a}


def test_une_ligne_sans_heures_est_ignoree(client_agent, clause_a, mois, mois_avant):
    heures(clause_a, mois_avant, personne_sans_commune(), 70)
    _, formset = grille(client_agent, clause_a, mois)

    reponse = client_agent.post(url_grille(clause_a, mois), donnees_post(formset))

    assert messages_de(reponse) == ["Aucune modification à enregistrer."]
    assert not HeuresRealisees.objects.filter(mois=mois).exists()


def test_une_ligne_en_erreur_et_rien_n_est_ecrit(client_agent, clause_a, mois, mois_avant):
    a, b = personne_sans_commune(), personne_sans_commune()
    heures(clause_a, mois_avant, a, 70)
    heures(clause_a, mois_avant, b, 80)
    _, formset = grille(client_agent, clause_a, mois)
    donnees = donnees_post(formset)
    remplir(donnees, index_de(formset, a), heures="35")
    remplir(donnees, index_de(formset, b), heures="251")  # refused by the monthly limit

    reponse = client_agent.post(url_grille(clause_a, mois), donnees)

    assert reponse.status_code == 200
    assert not HeuresRealisees.objects.filter(mois=mois).exists()
    contenu = reponse.content.decode()
    assert "aucune ligne n'a été écrite" in contenu
    formset = reponse.context["formset"]
    erreurs_b = formset.forms[index_de(formset, b)].non_field_errors()
    assert any("au-delà de 250\xa0h par mois, la saisie est refusée" in e for e in erreurs_b)
    assert not formset.forms[index_de(formset, a)].errors


def test_une_seconde_saisie_met_a_jour_sans_doublon(client_agent, clause_a, mois, mois_avant):
    personne = personne_sans_commune()
    heures(clause_a, mois_avant, personne, 70)
    _, formset = grille(client_agent, clause_a, mois)
    premiere = remplir(donnees_post(formset), index_de(formset, personne), heures="30")
    client_agent.post(url_grille(clause_a, mois), premiere)

    # Same person, employer and modality typed again on a new line (e.g. from a page opened earlier).
    reponse = client_agent.post(
        url_grille(clause_a, mois), remplir(dict(premiere), index_de(formset, personne), heures="45")
    )

    # (the first save's message is still waiting in the cookie: the redirect was not followed)
    assert messages_de(reponse)[-1] == "1 ligne enregistrée : 1 ligne modifiée."
    assert list(HeuresRealisees.objects.filter(mois=mois).values_list("heures", flat=True)) == [H(45)]


def test_modifier_et_supprimer_des_lignes_existantes(client_agent, clause_a, mois):
    gardee, retiree = personne_sans_commune(), personne_sans_commune()
    heures(clause_a, mois, gardee, 30)
    heures(clause_a, mois, retiree, 20)
    _, formset = grille(client_agent, clause_a, mois)
    donnees = donnees_post(formset)
    remplir(donnees, index_de(formset, gardee), heures="32", type_contrat=TypeContrat.CDI)
    donnees[f"lignes-{index_de(formset, retiree)}-supprimer"] = "on"

    reponse = client_agent.post(url_grille(clause_a, mois), donnees)

    assert messages_de(reponse) == ["1 ligne enregistrée : 1 ligne modifiée, 1 ligne supprimée."]
    rangee = HeuresRealisees.objects.get(mois=mois)
    assert (rangee.beneficiaire, rangee.heures, rangee.type_contrat) == (gardee, H(32), TypeContrat.CDI)


def test_les_heures_enregistrees_s_affichent_en_francais(client_agent, clause_a, mois):
    heures(clause_a, mois, personne_sans_commune(), 30)
    heures(clause_a, mois, personne_sans_commune(), "7.5")
    contenu = client_agent.get(url_grille(clause_a, mois)).content.decode()
    assert 'value="30"' in contenu
    assert 'value="7,5"' in contenu


def test_une_ligne_supprimee_puis_retapee_est_modifiee(client_agent, clause_a, mois):
    personne = personne_sans_commune()
    heures(clause_a, mois, personne, 30)
    _, formset = grille(client_agent, clause_a, mois)
    donnees = donnees_post(formset)
    donnees[f"lignes-{index_de(formset, personne)}-supprimer"] = "on"
    remplir(
        donnees,
        lignes_vides(formset)[0],
        beneficiaire=personne.public_id,
        heures="28",
        modalite=Modalite.EMBAUCHE_DIRECTE,
        type_contrat=TypeContrat.CDD,
    )

    reponse = client_agent.post(url_grille(clause_a, mois), donnees)

    assert messages_de(reponse) == ["1 ligne enregistrée : 1 ligne modifiée."]
    assert HeuresRealisees.objects.get(mois=mois).heures == H(28)


def test_supprimer_seulement(client_agent, clause_a, mois):
    personne = personne_sans_commune()
    heures(clause_a, mois, personne, 30)
    _, formset = grille(client_agent, clause_a, mois)
    donnees = donnees_post(formset)
    donnees[f"lignes-{index_de(formset, personne)}-supprimer"] = "on"

    reponse = client_agent.post(url_grille(clause_a, mois), donnees)

    assert messages_de(reponse) == ["Saisie enregistrée : 1 ligne supprimée."]
    assert not HeuresRealisees.objects.exists()


def test_vider_les_heures_d_une_ligne_existante_demande_de_cocher_supprimer(client_agent, clause_a, mois):
    personne = personne_sans_commune()
    heures(clause_a, mois, personne, 30)
    _, formset = grille(client_agent, clause_a, mois)
    donnees = remplir(donnees_post(formset), index_de(formset, personne), heures="")

    reponse = client_agent.post(url_grille(clause_a, mois), donnees)

    assert reponse.status_code == 200
    assert "cochez « Supprimer »" in reponse.content.decode()
    assert HeuresRealisees.objects.get().heures == H(30)


def test_une_ligne_modifiee_par_quelqu_un_d_autre_n_est_pas_ecrasee(client_agent, clause_a, mois):
    personne, autre = personne_sans_commune(), personne_sans_commune()
    rangee = heures(clause_a, mois, personne, 30)
    heures(clause_a, mois, autre, 10)
    _, formset = grille(client_agent, clause_a, mois)
    donnees = donnees_post(formset)
    # Meanwhile a colleague sets 33 h.
    HeuresRealisees.objects.filter(pk=rangee.pk).update(heures=H(33))

    # Untouched in this page: the colleague's value stays, the other change goes through.
    reponse = client_agent.post(
        url_grille(clause_a, mois), remplir(dict(donnees), index_de(formset, autre), heures="12")
    )
    assert reponse.status_code == 302
    rangee.refresh_from_db()
    assert rangee.heures == H(33)

    # Changed in this page too: a conflict, nothing written.
    donnees = remplir(donnees, index_de(formset, personne), heures="35")
    reponse = client_agent.post(url_grille(clause_a, mois), donnees)
    assert reponse.status_code == 200
    assert "modifiées par quelqu&#x27;un d&#x27;autre" in reponse.content.decode()
    rangee.refresh_from_db()
    assert rangee.heures == H(33)


def test_siret_inconnu_ou_invalide(client_agent, clause_a, mois, mois_avant):
    a, b = personne_sans_commune(), personne_sans_commune()
    heures(clause_a, mois_avant, a, 70)
    heures(clause_a, mois_avant, b, 70)
    _, formset = grille(client_agent, clause_a, mois)
    donnees = donnees_post(formset)
    inconnu = siret_aleatoire()
    remplir(donnees, index_de(formset, a), heures="10", siret_employeur=inconnu)
    remplir(donnees, index_de(formset, b), heures="10", siret_employeur="123 456 789 00010")

    reponse = client_agent.post(url_grille(clause_a, mois), donnees)

    assert reponse.status_code == 200
    contenu = reponse.content.decode()
    assert f"Aucune entreprise n&#x27;est enregistrée avec le SIRET {inconnu}" in contenu
    assert "Ce SIRET n&#x27;est pas valide (clé de contrôle incorrecte)." in contenu
    assert not HeuresRealisees.objects.filter(mois=mois).exists()


def test_un_employeur_connu_par_son_siret_avec_espaces(client_agent, clause_a, mois, mois_avant):
    personne = personne_sans_commune()
    heures(clause_a, mois_avant, personne, 70)
    geiq = EntrepriseFactory(raison_sociale="GEIQ BTP 49")
    _, formset = grille(client_agent, clause_a, mois)
    siret = f"{geiq.siret[:3]} {geiq.siret[3:6]} {geiq.siret[6:9]} {geiq.siret[9:]}"
    donnees = remplir(
        donnees_post(formset),
        index_de(formset, personne),
        heures="20",
        siret_employeur=siret,
        modalite=Modalite.MISE_A_DISPOSITION,
    )

    assert client_agent.post(url_grille(clause_a, mois), donnees).status_code == 302
    assert HeuresRealisees.objects.get(mois=mois).employeur == geiq


def test_une_nouvelle_ligne_incomplete_est_signalee(client_agent, clause_a, mois):
    _, formset = grille(client_agent, clause_a, mois)
    vide = lignes_vides(formset)[0]
    donnees = remplir(donnees_post(formset), vide, heures="abc")
    reponse = client_agent.post(url_grille(clause_a, mois), donnees)
    assert "Saisissez un nombre d&#x27;heures, par exemple 35 ou 7,5." in reponse.content.decode()

    donnees = remplir(donnees_post(formset), vide, heures="12")
    reponse = client_agent.post(url_grille(clause_a, mois), donnees)
    contenu = reponse.content.decode()
    assert "Choisissez la personne qui a travaillé ces heures." in contenu
    assert "Choisissez la modalité." in contenu
    assert "Choisissez le type de contrat." in contenu
    assert 'aria-invalid="true"' in contenu


def test_une_personne_d_un_autre_epci_ne_peut_pas_etre_choisie(client_agent, clause_a, mois):
    etrangere = BeneficiaireFactory()  # created by another EPCI, never worked here
    # Knowing their identifier is not enough to see them.
    reponse, formset = grille(client_agent, clause_a, mois, personne=etrangere.public_id)
    assert etrangere.nom.upper() not in reponse.content.decode()
    donnees = remplir(
        donnees_post(formset),
        lignes_vides(formset)[0],
        beneficiaire=etrangere.public_id,
        heures="10",
        modalite=Modalite.EMBAUCHE_DIRECTE,
        type_contrat=TypeContrat.CDD,
    )
    reponse = client_agent.post(url_grille(clause_a, mois), donnees)
    assert reponse.status_code == 200
    assert "Cette personne n&#x27;est pas proposée pour ce marché" in reponse.content.decode()
    assert str(etrangere) not in reponse.content.decode()
    assert not HeuresRealisees.objects.exists()


# --- the grid: the rules surfaced in French --------------------------------------------------------


def _poster_heures(client, clause, mois, personne, nombre, **extra):
    _, formset = grille(client, clause, mois)
    index = lignes_vides(formset)[0]
    donnees = remplir(
        donnees_post(formset),
        index,
        beneficiaire=personne.public_id,
        heures=nombre,
        modalite=Modalite.EMBAUCHE_DIRECTE,
        type_contrat=TypeContrat.CDD,
    )
    donnees.update(extra)
    return client.post(url_grille(clause, mois), donnees)


@pytest.fixture
def connue(clause_a, mois_avant):
    """Someone who already worked on the clause, so the grid offers them."""
    personne = personne_sans_commune(nom="Roux", prenom="Inès")
    heures(clause_a, mois_avant, personne, 10, modalite=Modalite.FORMATION)
    return personne


def test_mois_futur_refuse(client_agent, clause_a, ce_mois, connue):
    suivant = (ce_mois + datetime.timedelta(days=31)).replace(day=1)
    reponse = _poster_heures(client_agent, clause_a, suivant, connue, "10")
    assert reponse.status_code == 200
    assert f"Impossible de déclarer des heures pour {libelle_mois(suivant)}" in reponse.content.decode()
    assert not HeuresRealisees.objects.filter(mois=suivant).exists()


def test_mois_hors_execution_refuse(client_agent, clause_a, connue):
    avant = mois_precedent(clause_a.lot.marche.date_debut.replace(day=1))
    reponse = _poster_heures(client_agent, clause_a, avant, connue, "10")
    assert reponse.status_code == 200
    libelle = escape(clause_a.lot.marche.libelle)
    assert f"hors de la période d&#x27;exécution du marché {libelle}" in reponse.content.decode()
    assert not HeuresRealisees.objects.filter(mois=avant).exists()


def test_plus_de_250_heures_refusees_meme_confirmees(client_agent, clause_a, mois, connue):
    reponse = _poster_heures(client_agent, clause_a, mois, connue, "251", confirmer_depassement="on")
    assert reponse.status_code == 200
    assert "ROUX Inès totaliserait 251\xa0h" in reponse.content.decode()
    assert not HeuresRealisees.objects.filter(mois=mois).exists()


def test_plus_de_160_heures_demandent_une_confirmation(client_agent, clause_a, mois, connue):
    reponse = _poster_heures(client_agent, clause_a, mois, connue, "170")

    assert reponse.status_code == 200
    contenu = reponse.content.decode()
    assert "Heures à confirmer" in contenu
    assert "ROUX Inès totalise 170\xa0h" in contenu
    assert "Je confirme ces heures" in contenu
    assert not HeuresRealisees.objects.filter(mois=mois).exists()

    donnees = donnees_post(reponse.context["formset"]) | {"confirmer_depassement": "on"}
    reponse = client_agent.post(url_grille(clause_a, mois), donnees)
    assert reponse.status_code == 302
    assert HeuresRealisees.objects.get(mois=mois).heures == H(170)
    assert any(m.startswith("Dépassement confirmé : ROUX Inès totalise 170") for m in messages_de(reponse))


def test_une_ligne_validee_ne_peut_pas_etre_modifiee_par_l_agent(client_agent, clause_a, mois, connue):
    validee = heures(clause_a, mois, connue, 40, validees=True)
    _, formset = grille(client_agent, clause_a, mois)
    donnees = donnees_post(formset)
    # A crafted submission that points a line at the validated row is refused.
    index = lignes_vides(formset)[0]
    donnees[f"lignes-{index}-id_rangee"] = str(validee.pk)
    remplir(donnees, index, heures="45")
    reponse = client_agent.post(url_grille(clause_a, mois), donnees)
    assert "supprimée ou validée entre-temps" in reponse.content.decode()

    # Retyping the same person, employer and modality on a new line is refused by the service.
    reponse = _poster_heures(client_agent, clause_a, mois, connue, "45")
    assert "sont déjà validées par le Département" in reponse.content.decode()
    validee.refresh_from_db()
    assert (validee.heures, validee.statut) == (H(40), Statut.VALIDEES)


def test_corriger_une_ligne_rejetee_la_declare_a_nouveau(client_agent, clause_a, mois, connue):
    rejetee = heures(clause_a, mois, connue, 40, rejetees=True)
    _, formset = grille(client_agent, clause_a, mois)
    donnees = remplir(donnees_post(formset), index_de(formset, connue), heures="38")

    assert client_agent.post(url_grille(clause_a, mois), donnees).status_code == 302
    rejetee.refresh_from_db()
    assert (rejetee.heures, rejetee.statut, rejetee.motif_rejet) == (H(38), Statut.DECLAREES, "")


def test_enregistrer_une_grille_inchangee_ne_redeclare_pas_une_ligne_rejetee(
    client_agent, clause_a, mois, connue
):
    rejetee = heures(clause_a, mois, connue, 40, rejetees=True)
    _, formset = grille(client_agent, clause_a, mois)

    reponse = client_agent.post(url_grille(clause_a, mois), donnees_post(formset))

    assert messages_de(reponse) == ["Aucune modification à enregistrer."]
    rejetee.refresh_from_db()
    assert rejetee.statut == Statut.REJETEES

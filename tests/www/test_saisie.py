"""Monthly entry pages: choosing a clause and a month, the grid of hours, adding a person."""

import datetime
from decimal import Decimal
from urllib.parse import quote

import pytest
from django import forms
from django.contrib.messages import get_messages
from django.urls import reverse

from beneficiaires.enums import CodePublic, Sexe
from beneficiaires.models import Beneficiaire, Eligibilite, Public
from insertion.enums import Modalite, Statut, TypeContrat
from insertion.models import HeuresRealisees
from portail.periodes import libelle_mois, mois_courant, mois_precedent
from tests.factories import (
    BeneficiaireFactory,
    ClauseFactory,
    CommuneFactory,
    EntrepriseFactory,
    HeuresRealiseesFactory,
    UserFactory,
    siret_aleatoire,
)
from tests.requetes import assert_autant_de_requetes, requetes_de_l_envoi, requetes_de_la_page
from www.saisie.forms.grille import GrilleFormSet

pytestmark = pytest.mark.django_db

H = Decimal


# --- fixtures and helpers -------------------------------------------------------------------------


@pytest.fixture
def ce_mois():
    return mois_courant()


@pytest.fixture
def mois(ce_mois):
    return mois_precedent(ce_mois)


@pytest.fixture
def mois_avant(mois):
    return mois_precedent(mois)


@pytest.fixture
def client_agent(client, agent_a):
    client.force_login(agent_a)
    return client


def personne_sans_commune(**kwargs):
    return BeneficiaireFactory(commune=None, cree_par_epci=None, **kwargs)


def heures(clause, mois, personne, nombre, **kwargs):
    return HeuresRealiseesFactory(clause=clause, mois=mois, beneficiaire=personne, heures=H(nombre), **kwargs)


def url_grille(clause, mois, **params):
    url = reverse("saisie:grille", args=[clause.pk, mois.strftime("%Y-%m")])
    return url + "".join(f"{'&' if i else '?'}{k}={v}" for i, (k, v) in enumerate(params.items()))


def url_personne(clause, mois):
    return reverse("saisie:personne", args=[clause.pk, mois.strftime("%Y-%m")])


def texte(valeur):
    if valeur is None:
        return ""
    if isinstance(valeur, Decimal):
        return str(valeur).replace(".", ",")
    return str(valeur)


def donnees_post(formset):
    """What a browser would send back for the grid as displayed."""
    donnees = {champ.html_name: champ.value() for champ in formset.management_form}
    for form in formset:
        for champ in form:
            if champ.field.disabled:
                continue
            if isinstance(champ.field.widget, forms.CheckboxInput):
                if champ.value():
                    donnees[champ.html_name] = "on"
                continue
            donnees[champ.html_name] = texte(champ.value())
            if champ.field.show_hidden_initial:
                donnees[champ.html_initial_name] = texte(champ.initial)
    return donnees


def index_de(formset, personne):
    for i, form in enumerate(formset):
        if form.rangee is not None and form.rangee.beneficiaire_id == personne.pk:
            return i
        if form.rangee is None and form["beneficiaire"].value() == str(personne.public_id):
            return i
    raise AssertionError(f"{personne} n'est pas dans la grille")


def lignes_vides(formset):
    return [i for i, form in enumerate(formset) if form.rangee is None and not form["beneficiaire"].value()]


def remplir(donnees, index, **valeurs):
    for nom, valeur in valeurs.items():
        donnees[f"lignes-{index}-{nom}"] = texte(valeur)
    return donnees


def grille(client, clause, mois, **params):
    reponse = client.get(url_grille(clause, mois, **params))
    assert reponse.status_code == 200
    return reponse, reponse.context["formset"]


def messages_de(reponse):
    return [str(m) for m in get_messages(reponse.wsgi_request)]


# --- access ---------------------------------------------------------------------------------------


def _urls(clause, mois):
    return {
        "choisir": reverse("saisie:choisir"),
        "grille": url_grille(clause, mois),
        "personne": url_personne(clause, mois),
    }


@pytest.mark.parametrize("page", ["choisir", "grille", "personne"])
def test_l_agent_de_l_epci_et_le_departement_ouvrent_les_pages(
    client, agent_a, departement, clause_a, mois, page
):
    for utilisateur in (agent_a, departement):
        client.force_login(utilisateur)
        assert client.get(_urls(clause_a, mois)[page]).status_code == 200


@pytest.mark.parametrize("page", ["grille", "personne"])
def test_l_agent_d_un_autre_epci_recoit_404(client, agent_b, clause_a, mois, page):
    client.force_login(agent_b)
    assert client.get(_urls(clause_a, mois)[page]).status_code == 404
    assert client.post(_urls(clause_a, mois)[page], {}).status_code == 404


@pytest.mark.parametrize("page", ["choisir", "grille", "personne"])
def test_un_lecteur_recoit_404(client, lecteur_a, lecteur, clause_a, mois, page):
    for utilisateur in (lecteur_a, lecteur):
        client.force_login(utilisateur)
        assert client.get(_urls(clause_a, mois)[page]).status_code == 404


@pytest.mark.parametrize("page", ["choisir", "grille", "personne"])
def test_un_visiteur_anonyme_est_renvoye_vers_la_connexion(client, clause_a, mois, page):
    url = _urls(clause_a, mois)[page]
    reponse = client.get(url)
    assert reponse.status_code == 302
    assert reponse["Location"] == f"/connexion/?next={quote(url)}"


@pytest.mark.parametrize("texte_mois", ["2026-13", "mars", "0000-01"])
def test_un_mois_illisible_donne_404(client_agent, clause_a, texte_mois):
    url = reverse("saisie:grille", args=[clause_a.pk, texte_mois])
    assert client_agent.get(url).status_code == 404


def test_un_mois_avec_un_jour_est_ramene_a_l_adresse_du_mois(client_agent, clause_a, mois):
    reponse = client_agent.get(reverse("saisie:grille", args=[clause_a.pk, mois.strftime("%Y-%m-15")]))
    assert reponse.status_code == 302
    assert reponse["Location"] == url_grille(clause_a, mois)


def test_une_clause_inconnue_donne_404(client_agent, mois):
    assert (
        client_agent.get(reverse("saisie:grille", args=[999_999, mois.strftime("%Y-%m")])).status_code == 404
    )


# --- choosing a clause and a month -----------------------------------------------------------------


def test_le_choix_ne_propose_que_les_clauses_de_l_epci(client_agent, clause_a, ce_mois):
    ClauseFactory(lot__marche__reference="AILLEURS-01")
    reponse = client_agent.get(reverse("saisie:choisir"))

    contenu = reponse.content.decode()
    assert "2025-VOIRIE-07 — lot 2 : Terrassement — Terrassements du Loir" in contenu
    assert "AILLEURS-01" not in contenu
    assert 'type="month"' in contenu
    assert f'value="{mois_precedent(ce_mois):%Y-%m}"' in contenu


def test_nombre_de_requetes_du_choix_independant_du_nombre_de_clauses(client_agent, epci_a, clause_a):
    def clauses_proposees(nombre):
        reponse, requetes = requetes_de_la_page(client_agent, reverse("saisie:choisir"))
        assert len(reponse.context["form"].fields["clause"].choices) == nombre + 1
        return requetes

    ClauseFactory(lot__marche__acheteur__epci=epci_a)
    avec_n = clauses_proposees(2)
    ClauseFactory.create_batch(18, lot__marche__acheteur__epci=epci_a)
    avec_10_n = clauses_proposees(20)
    assert_autant_de_requetes(avec_n, avec_10_n)


def test_le_choix_redirige_vers_la_grille(client_agent, clause_a, mois):
    reponse = client_agent.get(
        reverse("saisie:choisir"), {"clause": clause_a.pk, "mois": mois.strftime("%Y-%m")}
    )
    assert reponse.status_code == 302
    assert reponse["Location"] == url_grille(clause_a, mois)
    # Browsers without a month picker send what the clerk typed.
    reponse = client_agent.get(
        reverse("saisie:choisir"), {"clause": clause_a.pk, "mois": mois.strftime("%m/%Y")}
    )
    assert reponse["Location"] == url_grille(clause_a, mois)


def test_le_choix_refuse_une_clause_d_un_autre_epci_et_un_mois_illisible(client_agent, clause_a):
    autre = ClauseFactory()
    reponse = client_agent.get(reverse("saisie:choisir"), {"clause": autre.pk, "mois": "bientôt"})
    assert reponse.status_code == 200
    contenu = reponse.content.decode()
    assert "Ce marché n&#x27;est pas dans votre périmètre." in contenu
    assert "Indiquez le mois au format mm/aaaa" in contenu


# --- the grid: display ----------------------------------------------------------------------------


def test_la_grille_affiche_le_mois_la_periode_et_reprend_le_mois_precedent(
    client_agent, clause_a, mois, mois_avant
):
    revenu = personne_sans_commune(nom="Dupont", prenom="Jean")
    deja_saisi = personne_sans_commune(nom="Bernard", prenom="Anne")
    etti = EntrepriseFactory(raison_sociale="Intérim Insertion Anjou", siae=True)
    heures(clause_a, mois_avant, revenu, 70, employeur=etti, modalite=Modalite.MISE_A_DISPOSITION)
    heures(clause_a, mois_avant, deja_saisi, 50)
    heures(clause_a, mois, deja_saisi, 60)

    reponse, formset = grille(client_agent, clause_a, mois)

    contenu = reponse.content.decode()
    marche = clause_a.lot.marche
    assert f"Saisie des heures — {libelle_mois(mois)}" in contenu
    assert f"du {marche.date_debut:%d/%m/%Y} au {marche.date_fin:%d/%m/%Y}" in contenu
    assert "<caption>" in contenu
    # The existing row, then last month's person pre-filled with the same employer, modality and contract.
    existante = formset.forms[index_de(formset, deja_saisi)]
    assert existante.rangee.heures == H(60)
    reprise = formset.forms[index_de(formset, revenu)]
    assert reprise.prerempli
    assert reprise["siret_employeur"].value() == etti.siret
    assert reprise["modalite"].value() == Modalite.MISE_A_DISPOSITION
    assert reprise["type_contrat"].value() == TypeContrat.CDD
    assert reprise["heures"].value() is None
    assert "Intérim Insertion Anjou" in contenu
    # Bernard already has a row this month: not pre-filled a second time.
    assert sum(1 for f in formset if f.prerempli) == 1
    # Three empty lines, the holder's SIRET by default.
    vides = lignes_vides(formset)
    assert len(vides) == 3
    assert formset.forms[vides[0]]["siret_employeur"].value() == clause_a.lot.titulaire.siret


def test_une_clause_sans_titulaire_connu(client_agent, epci_a, ce_mois, mois):
    clause = ClauseFactory(
        lot__marche__acheteur__epci=epci_a,
        lot__marche__date_debut=ce_mois - datetime.timedelta(days=365),
        lot__titulaire=None,
    )
    reponse, formset = grille(client_agent, clause, mois)
    assert "non renseigné" in reponse.content.decode()
    assert formset.forms[lignes_vides(formset)[0]]["siret_employeur"].value() == ""


def test_la_navigation_entre_les_mois(client_agent, clause_a, mois, ce_mois):
    reponse, _ = grille(client_agent, clause_a, mois)
    assert reponse.context["url_precedent"] == url_grille(clause_a, mois_precedent(mois))
    assert reponse.context["url_suivant"] == url_grille(clause_a, ce_mois)
    # No link towards a month that has not started.
    reponse, _ = grille(client_agent, clause_a, ce_mois)
    assert reponse.context["url_suivant"] == ""


def test_les_lignes_validees_sont_en_lecture_seule_pour_l_agent(client, agent_a, clause_a, mois):
    personne = personne_sans_commune(nom="Petit", prenom="Marc")
    validee = heures(clause_a, mois, personne, 42, validees=True)

    client.force_login(agent_a)
    reponse, formset = grille(client, clause_a, mois)
    assert reponse.context["verrouillees"] == [validee]
    assert all(form.rangee is None for form in formset)
    assert "validées par le Département" in reponse.content.decode()

    # The Département may still correct it.
    client.force_login(UserFactory(departement=True))
    reponse, formset = grille(client, clause_a, mois)
    assert reponse.context["verrouillees"] == []
    assert formset.forms[index_de(formset, personne)].rangee == validee


def test_la_ligne_rejetee_montre_son_motif(client_agent, clause_a, mois):
    personne = personne_sans_commune()
    heures(clause_a, mois, personne, 42, rejetees=True, motif_rejet="Personne non éligible ce mois-là.")

    reponse, formset = grille(client_agent, clause_a, mois)
    contenu = reponse.content.decode()
    assert "Motif du rejet : Personne non éligible ce mois-là." in contenu
    rangee = formset.forms[index_de(formset, personne)].rangee
    assert rangee.statut == Statut.REJETEES
    # The row's history (who rejected it, when, what changed) is one click away.
    assert f'href="/heures/{rangee.pk}/historique/"' in contenu
    assert client_agent.get(f"/heures/{rangee.pk}/historique/").status_code == 200


def test_un_mois_futur_ou_hors_execution_est_signale(client_agent, clause_a, ce_mois):
    suivant = (ce_mois + datetime.timedelta(days=31)).replace(day=1)
    reponse, _ = grille(client_agent, clause_a, suivant)
    assert "n&#x27;est pas encore commencé" in reponse.content.decode()

    avant = mois_precedent(clause_a.lot.marche.date_debut.replace(day=1))
    reponse, _ = grille(client_agent, clause_a, avant)
    assert "hors de la période d&#x27;exécution" in reponse.content.decode()


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
    assert "hors de la période d&#x27;exécution du marché 2025-VOIRIE-07" in reponse.content.decode()
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


# --- adding a person ------------------------------------------------------------------------------


def _personne(**valeurs):
    return {
        "nom": "Dupré",
        "prenom": "Élodie",
        "date_naissance": "1990-02-01",
        "sexe": Sexe.FEMME,
        "commune": "",
        "niveau_qualification": "",
        "date_entree": "",
        "brsa_debut": "",
        "brsa_fin": "",
        "autres_publics_debut": "",
    } | valeurs


def test_une_personne_connue_est_reprise_accents_et_casse_ignores(client_agent, clause_a, mois):
    existante = BeneficiaireFactory(nom="DUPRÉ", prenom="Élodie", date_naissance=datetime.date(1990, 2, 1))

    reponse = client_agent.post(url_personne(clause_a, mois), _personne(nom="dupre", prenom="elodie"))

    assert Beneficiaire.objects.count() == 1
    assert reponse.status_code == 302
    assert reponse["Location"] == url_grille(clause_a, mois, personne=existante.public_id)
    assert messages_de(reponse) == [
        "DUPRÉ Élodie (né·e le 01/02/1990) est déjà connu·e du portail : sa fiche existante est reprise, "
        "sans modification. Saisissez ses heures ci-dessous."
    ]
    # She was created by another EPCI: the grid offers her all the same, on a new line, and her hours save.
    reponse, formset = grille(client_agent, clause_a, mois, personne=existante.public_id)
    index = index_de(formset, existante)
    assert formset.forms[index]["siret_employeur"].value() == clause_a.lot.titulaire.siret
    donnees = remplir(
        donnees_post(formset),
        index,
        heures="20",
        modalite=Modalite.EMBAUCHE_DIRECTE,
        type_contrat=TypeContrat.CDD,
    )
    assert client_agent.post(url_grille(clause_a, mois), donnees).status_code == 302
    assert HeuresRealisees.objects.get().beneficiaire == existante


def test_creer_une_personne_avec_ses_publics(client_agent, epci_a, clause_a, mois):
    commune = CommuneFactory(nom="Segré-en-Anjou Bleu", epci=epci_a)
    reponse = client_agent.post(
        url_personne(clause_a, mois),
        _personne(
            commune=commune.pk,
            niveau_qualification="3",
            date_entree="2025-09-01",
            brsa_debut="2024-03-15",
            brsa_fin="2025-06-30",
        ),
    )
    assert reponse.status_code == 302
    personne = Beneficiaire.objects.get()
    assert (personne.nom, personne.prenom, personne.commune, personne.niveau_qualification) == (
        "Dupré",
        "Élodie",
        commune,
        "3",
    )
    assert personne.cree_par_epci == epci_a
    assert personne.date_entree == datetime.date(2025, 9, 1)
    brsa = Eligibilite.objects.get(beneficiaire=personne)
    assert (brsa.public.code, brsa.date_debut, brsa.date_fin) == (
        CodePublic.BRSA,
        datetime.date(2024, 3, 15),
        datetime.date(2025, 6, 30),
    )
    assert "a été ajouté·e" in messages_de(reponse)[0]
    assert reponse["Location"] == url_grille(clause_a, mois, personne=personne.public_id)


def test_creer_une_personne_avec_d_autres_publics(client_agent, clause_a, mois):
    jeune, qpv = Public.objects.get(code=CodePublic.JEUNE), Public.objects.get(code=CodePublic.QPV)
    reponse = client_agent.post(
        url_personne(clause_a, mois),
        _personne(
            date_naissance="2005-05-05", autres_publics=[jeune.pk, qpv.pk], autres_publics_debut="2025-01-01"
        ),
    )
    assert reponse.status_code == 302
    eligibilites = Eligibilite.objects.filter(beneficiaire__nom="Dupré").order_by("public__ordre")
    assert [(e.public.code, e.date_debut, e.date_fin) for e in eligibilites] == [
        (CodePublic.JEUNE, datetime.date(2025, 1, 1), None),
        (CodePublic.QPV, datetime.date(2025, 1, 1), None),
    ]


@pytest.mark.parametrize(
    ("valeurs", "message"),
    [
        ({"date_naissance": ""}, "Indiquez la date de naissance."),
        ({"nom": "  "}, "Indiquez le nom."),
        ({"date_naissance": "01/02/2099"}, "La date de naissance doit être passée."),
        ({"date_naissance": "31/02/1990"}, "Saisissez une date valide au format jj/mm/aaaa."),
        ({"date_naissance": "2015-01-01"}, "vérifiez la date de naissance (de 16 à 75 ans"),
        ({"date_naissance": "1930-01-01"}, "vérifiez la date de naissance (de 16 à 75 ans"),
        ({"brsa_debut": "2025-06-01", "brsa_fin": "2025-05-31"}, "La fin du RSA doit suivre son début."),
        ({"brsa_fin": "2025-05-31"}, "Indiquez depuis quand la personne est bénéficiaire du RSA."),
        ({"date_entree": "1980-01-01"}, "Cette date doit suivre la date de naissance."),
        ({"sexe": ""}, "Indiquez le sexe."),
    ],
)
def test_la_personne_est_verifiee(client_agent, clause_a, mois, valeurs, message):
    reponse = client_agent.post(url_personne(clause_a, mois), _personne(**valeurs))
    assert reponse.status_code == 200
    assert message.replace("'", "&#x27;") in reponse.content.decode()
    assert not Beneficiaire.objects.exists()


def test_le_formulaire_de_personne_est_accessible(client_agent, clause_a, mois):
    contenu = client_agent.get(url_personne(clause_a, mois)).content.decode()
    for champ in (
        "nom",
        "prenom",
        "date_naissance",
        "commune",
        "niveau_qualification",
        "brsa_debut",
        "brsa_fin",
    ):
        assert f'<label class="form-label" for="id_{champ}">' in contenu
    assert "<legend" in contenu
    assert 'type="date"' in contenu


# --- query counts ---------------------------------------------------------------------------------


def _remplir_clause(clause, mois, mois_avant, nombre):
    """`nombre` lines in the grid: half rows of this month, half other people of last month (pre-filled)."""
    for _ in range(nombre // 2):
        heures(clause, mois, personne_sans_commune(), 20)
        heures(clause, mois_avant, personne_sans_commune(), 20)


def test_nombre_de_requetes_de_la_grille_independant_du_nombre_de_lignes(
    client_agent, clause_a, mois, mois_avant
):
    def lignes_de_la_grille(nombre):
        reponse, requetes = requetes_de_la_page(client_agent, url_grille(clause_a, mois))
        assert len(reponse.context["formset"].forms) == nombre + 3
        return requetes

    _remplir_clause(clause_a, mois, mois_avant, 10)
    avec_n = lignes_de_la_grille(10)
    _remplir_clause(clause_a, mois, mois_avant, 90)
    avec_10_n = lignes_de_la_grille(100)
    assert_autant_de_requetes(avec_n, avec_10_n)


def _enregistrer_toute_la_grille(client, clause, mois, mois_avant, nombre):
    """`nombre` lines, half to update, half pre-filled to create, all sent at once: the SQL of the POST."""
    _remplir_clause(clause, mois, mois_avant, nombre)
    _, formset = grille(client, clause, mois)
    donnees = donnees_post(formset)
    for i, form in enumerate(formset):
        if form.rangee is not None:
            remplir(donnees, i, heures="21")  # update every row of the month
        elif form.prerempli:
            remplir(donnees, i, heures="22")  # create a row for every pre-filled person

    reponse, requetes = requetes_de_l_envoi(client, url_grille(clause, mois), donnees)

    assert reponse.status_code == 302
    moitie = nombre // 2
    assert messages_de(reponse) == [
        f"{nombre} lignes enregistrées : {moitie} lignes créées, {moitie} lignes modifiées."
    ]
    assert HeuresRealisees.objects.filter(clause=clause, mois=mois).count() == nombre
    return requetes


def test_nombre_de_requetes_de_l_enregistrement_independant_du_nombre_de_lignes(
    client_agent, clause_a, mois, mois_avant
):
    # Two lots of the same contract: one grid of n lines, one of 10 n.
    autre_lot = ClauseFactory(lot__marche=clause_a.lot.marche)
    avec_n = _enregistrer_toute_la_grille(client_agent, clause_a, mois, mois_avant, 10)
    avec_10_n = _enregistrer_toute_la_grille(client_agent, autre_lot, mois, mois_avant, 100)
    assert_autant_de_requetes(avec_n, avec_10_n)


def test_une_grande_grille_peut_etre_envoyee(settings):
    # At most 6 fields per line (+ the 2 hidden initial values of an existing row), plus the management form.
    necessaires = 8 * GrilleFormSet.max_num + 10
    assert (
        settings.DATA_UPLOAD_MAX_NUMBER_FIELDS is None
        or necessaires <= settings.DATA_UPLOAD_MAX_NUMBER_FIELDS
    )

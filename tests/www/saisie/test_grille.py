"""Monthly entry pages: access, choosing a clause and a month, showing the grid of hours, query counts."""

import datetime
from urllib.parse import quote

import pytest
from django.urls import reverse

from insertion.enums import Modalite, Statut, TypeContrat
from insertion.models import HeuresRealisees
from portail.periodes import libelle_mois, mois_precedent
from tests.factories import (
    ClauseFactory,
    EntrepriseFactory,
    UserFactory,
)
from tests.requetes import assert_autant_de_requetes, requetes_de_l_envoi, requetes_de_la_page
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
    url_personne,
)
from www.saisie.forms.grille import GrilleFormSet

pytestmark = pytest.mark.django_db


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

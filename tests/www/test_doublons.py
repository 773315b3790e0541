"""The same person entered by two EPCI: two records, which the Département finds and merges."""

import datetime
from decimal import Decimal

import pytest

from beneficiaires.enums import ActionAcces, CategorieSortie, CodePublic
from beneficiaires.models import AccesDonnees, Beneficiaire, Eligibilite, Sortie
from insertion.enums import Modalite, Statut
from insertion.fusion import RAISON_FUSION
from insertion.models import HeuresRealisees
from portail.periodes import mois_courant, mois_precedent
from tests.factories import (
    BeneficiaireFactory,
    EligibiliteFactory,
    HeuresRealiseesFactory,
    SortieFactory,
    public,
)
from tests.requetes import assert_autant_de_requetes, requetes_de_la_page
from tests.www.saisie.aides import messages_de

pytestmark = pytest.mark.django_db

URL = "/beneficiaires/doublons/"
URL_FUSION = "/beneficiaires/doublons/fusionner/"
MOIS = mois_precedent(mois_courant())


@pytest.fixture
def deux_fiches(epci_a, epci_b, clause_a, clause_b, personne_a):
    """Maëlle Dupré, entered by EPCI A (personne_a, 35 h on clause_a) and again by EPCI B (20 h on clause_b)."""
    seconde = BeneficiaireFactory(
        nom="DUPRE",
        prenom="maelle",
        date_naissance=personne_a.date_naissance,
        commune=None,
        cree_par_epci=epci_b,
    )
    HeuresRealiseesFactory(
        clause=clause_b, beneficiaire=seconde, mois=MOIS, heures=Decimal(20), validees=True
    )
    return personne_a, seconde


def test_la_liste_montre_les_fiches_de_la_meme_personne(client, departement, deux_fiches):
    gardee, seconde = deux_fiches
    BeneficiaireFactory()  # someone else, alone
    client.force_login(departement)
    reponse = client.get(URL)
    assert reponse.status_code == 200
    [groupe] = reponse.context["groupes"]
    assert groupe.fiches == [gardee, seconde]
    assert groupe.fiches[1].heures_validees == Decimal(20)
    page = reponse.content.decode()
    assert "CC Beta" in page and "CC Alpha" in page
    assert "Fusionner dans la fiche la plus ancienne" in page
    journal = AccesDonnees.objects.get()
    assert (journal.action, journal.nombre_personnes) == (ActionAcces.RECHERCHE, 2)


def test_la_liste_des_beneficiaires_signale_les_doublons(client, departement, agent_a, deux_fiches):
    client.force_login(departement)
    assert "1 personne saisie deux fois" in client.get("/beneficiaires/").content.decode()
    client.force_login(agent_a)
    reponse = client.get("/beneficiaires/")
    assert reponse.context["identites_en_double"] == 0
    assert "saisie deux fois" not in reponse.content.decode()


def test_fusion_regroupe_heures_publics_et_sorties(client, departement, deux_fiches, clause_a):
    gardee, seconde = deux_fiches
    brsa = public(CodePublic.BRSA)
    debut = datetime.date(2024, 1, 1)
    EligibiliteFactory(beneficiaire=gardee, public=brsa, date_debut=debut)
    EligibiliteFactory(beneficiaire=seconde, public=brsa, date_debut=debut)  # the same period: dropped
    EligibiliteFactory(beneficiaire=seconde, code=CodePublic.RQTH, date_debut=debut)  # moves
    SortieFactory(
        beneficiaire=seconde, date=datetime.date(2025, 6, 30), categorie=CategorieSortie.EMPLOI_DURABLE
    )
    heures_avant = sorted(HeuresRealisees.objects.values_list("heures", flat=True))
    client.force_login(departement)
    client.get(f"/beneficiaires/{seconde.public_id}/")  # an access to the second record, in the log

    client.force_login(departement)
    reponse = client.post(URL_FUSION, {"gardee": gardee.public_id, "absorbee": seconde.public_id})

    assert reponse.status_code == 302
    assert reponse["Location"] == f"/beneficiaires/{gardee.public_id}/"
    assert not Beneficiaire.objects.filter(pk=seconde.pk).exists()
    assert set(HeuresRealisees.objects.values_list("beneficiaire_id", flat=True)) == {gardee.pk}
    assert sorted(HeuresRealisees.objects.values_list("heures", flat=True)) == heures_avant
    assert sorted(Eligibilite.objects.filter(beneficiaire=gardee).values_list("public__code", flat=True)) == [
        CodePublic.BRSA,
        CodePublic.RQTH,
    ]
    assert Sortie.objects.get().beneficiaire == gardee
    gardee.refresh_from_db()
    assert gardee.commune is not None  # the kept record's own commune stays
    assert gardee.history.first().history_change_reason == RAISON_FUSION
    rangee = HeuresRealisees.objects.get(clause__lot__marche__epci__nom="CC Beta")
    assert rangee.history.first().history_user == departement
    assert rangee.statut == Statut.VALIDEES
    assert client.get(URL).context["groupes"] == []
    fusion_journalisee = AccesDonnees.objects.get(action=ActionAcces.MODIFICATION)
    assert (fusion_journalisee.utilisateur, fusion_journalisee.beneficiaire) == (departement, gardee)
    assert fusion_journalisee.detail == "fusion avec une fiche en double (créée par CC Beta)"
    consultation = AccesDonnees.objects.get(action=ActionAcces.CONSULTATION)
    assert consultation.beneficiaire == gardee  # followed her onto the kept record


def test_fusion_refusee_quand_les_deux_fiches_ont_la_meme_ligne(client, departement, deux_fiches, clause_a):
    gardee, seconde = deux_fiches
    HeuresRealiseesFactory(
        clause=clause_a,
        beneficiaire=seconde,
        mois=MOIS,
        modalite=Modalite.EMBAUCHE_DIRECTE,
        heures=Decimal(10),
    )
    client.force_login(departement)
    reponse = client.post(URL_FUSION, {"gardee": gardee.public_id, "absorbee": seconde.public_id})
    assert reponse.status_code == 302
    assert messages_de(reponse) == [
        "Les deux fiches ont des heures pour le même marché, le même employeur, le même mois et la même "
        f"modalité (1 ligne, dont {MOIS:%m/%Y}) : corrigez ou supprimez ces lignes avant de fusionner."
    ]
    assert Beneficiaire.objects.filter(pk=seconde.pk).exists()
    assert HeuresRealisees.objects.filter(beneficiaire=seconde).count() == 2


def test_fusion_refusee_pour_deux_personnes_differentes(client, departement, personne_a):
    autre = BeneficiaireFactory()
    client.force_login(departement)
    reponse = client.post(URL_FUSION, {"gardee": personne_a.public_id, "absorbee": autre.public_id})
    assert messages_de(reponse) == [
        "Ces deux fiches n'ont pas les mêmes nom, prénom et date de naissance : elles ne sont pas fusionnées."
    ]
    assert Beneficiaire.objects.count() == 2


@pytest.mark.parametrize(
    "donnees",
    [{}, {"gardee": "pas-un-uuid", "absorbee": "x"}, {"gardee": "00000000-0000-0000-0000-000000000000"}],
)
def test_demande_de_fusion_incomplete(client, departement, deux_fiches, donnees):
    client.force_login(departement)
    reponse = client.post(URL_FUSION, donnees)
    assert messages_de(reponse) == [
        "Demande de fusion incomplète : choisissez de nouveau les fiches à fusionner."
    ]
    assert Beneficiaire.objects.count() == 2


def test_fiche_inconnue_404(client, departement, deux_fiches):
    gardee, _ = deux_fiches
    client.force_login(departement)
    reponse = client.post(
        URL_FUSION, {"gardee": gardee.public_id, "absorbee": "00000000-0000-0000-0000-000000000000"}
    )
    assert reponse.status_code == 404


def test_un_agent_ne_peut_pas_fusionner(client, agent_a, deux_fiches):
    gardee, seconde = deux_fiches
    client.force_login(agent_a)
    assert (
        client.post(URL_FUSION, {"gardee": gardee.public_id, "absorbee": seconde.public_id}).status_code
        == 404
    )
    assert Beneficiaire.objects.count() == 2


def _doublons(nombre):
    for _ in range(nombre):
        premiere = BeneficiaireFactory()
        seconde = BeneficiaireFactory(
            nom=premiere.nom, prenom=premiere.prenom, date_naissance=premiere.date_naissance
        )
        HeuresRealiseesFactory(beneficiaire=seconde)


def test_requetes_de_la_liste_independantes_du_nombre_de_doublons(client, departement):
    client.force_login(departement)
    _doublons(2)
    _, avec_n = requetes_de_la_page(client, URL)
    _doublons(18)
    reponse, avec_10_n = requetes_de_la_page(client, URL)
    assert len(reponse.context["groupes"]) == 20
    assert_autant_de_requetes(avec_n, avec_10_n)

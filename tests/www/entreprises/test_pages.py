"""Companies: the list, the company page, confirmation and merge of typed employers, the attestation."""

from decimal import Decimal

import pytest
from django.db.models import Sum
from django.urls import reverse

from beneficiaires.models import AccesDonnees
from insertion.enums import Modalite, Statut
from insertion.models import HeuresRealisees
from marches.entreprises import RAISON_FUSION
from marches.enums import TypeStructure
from marches.models import Entreprise, Lot
from portail.periodes import mois_courant, mois_precedent
from tests.factories import (
    BeneficiaireFactory,
    ClauseFactory,
    EntrepriseFactory,
    HeuresRealiseesFactory,
)
from tests.requetes import assert_autant_de_requetes, requetes_de_la_page

pytestmark = pytest.mark.django_db
H = Decimal


@pytest.fixture
def etti(clause_a, personne_a, mois):
    """An ETTI employing two people on clause_a (20 h validated, 10 h declared, 5 h rejected)."""
    etti = EntrepriseFactory(raison_sociale="Élan Intérim", type_structure=TypeStructure.ETTI)
    autre = BeneficiaireFactory(nom="Zèbre", prenom="Zoé")
    HeuresRealiseesFactory(
        clause=clause_a,
        beneficiaire=personne_a,
        employeur=etti,
        mois=mois,
        heures=H(20),
        validees=True,
        modalite=Modalite.MISE_A_DISPOSITION,
    )
    HeuresRealiseesFactory(clause=clause_a, beneficiaire=autre, employeur=etti, mois=mois, heures=H(10))
    HeuresRealiseesFactory(
        clause=clause_a,
        beneficiaire=autre,
        employeur=etti,
        mois=mois_precedent(mois),
        heures=H(5),
        rejetees=True,
    )
    return etti


@pytest.fixture
def titulaire_b(clause_b, mois):
    HeuresRealiseesFactory(clause=clause_b, mois=mois, heures=H(12), validees=True)
    return clause_b.lot.titulaire


def _noms(reponse):
    return [ligne.record.raison_sociale for ligne in reponse.context["table"].paginated_rows]


def _page(client, user, url, params=None):
    client.force_login(user)
    return client.get(url, params)


LISTE = reverse("entreprises:liste")


# --- the list --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("role", "attendus"),
    [
        ("departement", ["Beta", "Élan Intérim", "Terrassements du Loir"]),
        ("lecteur", ["Beta", "Élan Intérim", "Terrassements du Loir"]),
        ("agent_a", ["Élan Intérim", "Terrassements du Loir"]),
        ("lecteur_a", ["Élan Intérim", "Terrassements du Loir"]),
        ("agent_b", ["Beta"]),
    ],
)
def test_la_liste_selon_le_role_en_ordre_francais(client, request, etti, titulaire_b, role, attendus):
    titulaire_b.raison_sociale = "Beta"
    titulaire_b.save()
    reponse = _page(client, request.getfixturevalue(role), LISTE)
    assert reponse.status_code == 200
    assert _noms(reponse) == attendus
    assert "Dupré" not in reponse.content.decode()  # never a person's name in the list


def test_les_chiffres_de_la_liste_sont_ceux_de_la_base(client, departement, clause_a, etti):
    reponse = _page(client, departement, LISTE)
    lignes = {ligne.record.raison_sociale: ligne.record for ligne in reponse.context["table"].paginated_rows}
    titulaire = lignes["Terrassements du Loir"]
    sur_le_lot = HeuresRealisees.objects.filter(
        clause__lot__titulaire=clause_a.lot.titulaire, statut=Statut.VALIDEES
    )
    assert titulaire.heures_reservees == clause_a.heures_reservees == H(833)
    assert titulaire.heures_validees_titulaire == sur_le_lot.aggregate(s=Sum("heures"))["s"] == H(20)
    assert titulaire.nombre_marches == 1
    assert titulaire.nombre_personnes == 1  # personne_a's 35 declared hours, employed by the holder
    interim = lignes["Élan Intérim"]
    assert interim.heures_validees_employeur == H(20)
    assert interim.nombre_personnes == 2  # the rejected row does not count
    assert interim.heures_reservees == 0


def test_recherche_sans_accents_filtres_et_export(client, departement, etti, clause_a):
    etti.a_verifier = True
    etti.save()
    assert _noms(_page(client, departement, LISTE, {"recherche": "ELAN interim"})) == ["Élan Intérim"]
    assert _noms(_page(client, departement, LISTE, {"recherche": etti.siret[:9]})) == ["Élan Intérim"]
    assert _noms(_page(client, departement, LISTE, {"type_structure": "etti"})) == ["Élan Intérim"]
    assert _noms(_page(client, departement, LISTE, {"a_verifier": "on"})) == ["Élan Intérim"]
    export = client.get(LISTE, {"_export": "xlsx"})
    assert export.status_code == 200
    assert export["Content-Type"].startswith("application/vnd.openxmlformats")


def test_un_lecteur_voit_moins_de_5_et_jamais_un_nom(client, lecteur, etti):
    reponse = _page(client, lecteur, LISTE)
    assert "&lt; 5" in reponse.content.decode()
    page = _page(client, lecteur, reverse("entreprises:detail", args=[etti.siret]))
    contenu = page.content.decode()
    assert page.status_code == 200
    assert "ZÈBRE" not in contenu and "DUPRÉ" not in contenu
    assert "&lt; 5" in contenu


def test_la_liste_ne_fait_pas_plus_de_requetes_avec_10_fois_plus_d_entreprises(client, departement, clause_a):
    client.force_login(departement)

    def entreprises(n):
        for _ in range(n):
            clause = ClauseFactory(lot__marche=clause_a.lot.marche)
            HeuresRealiseesFactory(clause=clause, mois=mois_precedent(mois_courant()), validees=True)

    entreprises(2)
    _, avec_n = requetes_de_la_page(client, LISTE)
    entreprises(18)
    _, avec_10_n = requetes_de_la_page(client, LISTE)
    assert_autant_de_requetes(avec_n, avec_10_n)


# --- the company page ------------------------------------------------------------------------------


def test_la_page_de_l_entreprise_et_ses_404(client, departement, agent_a, agent_b, etti, marche_a):
    url = reverse("entreprises:detail", args=[etti.siret])
    reponse = _page(client, departement, url)
    assert reponse.status_code == 200
    marche = reponse.context["marches"][0]
    assert marche.pk == marche_a.pk and not marche.titulaire and marche.employeur
    assert (marche.heures_validees_employeur, marche.heures_declarees_employeur) == (H(20), H(10))
    contenu = reponse.content.decode()
    assert "ZÈBRE Zoé" in contenu and marche_a.reference in contenu and marche_a.objet in contenu
    assert AccesDonnees.objects.filter(utilisateur=departement, nombre_personnes=2).exists()
    assert _page(client, agent_a, url).status_code == 200
    assert _page(client, agent_b, url).status_code == 404
    assert (
        _page(client, departement, reverse("entreprises:detail", args=["12345678900011"])).status_code == 404
    )


def test_la_page_ne_fait_pas_plus_de_requetes_avec_10_fois_plus_de_marches(client, departement, etti, mois):
    client.force_login(departement)
    url = reverse("entreprises:detail", args=[etti.siret])

    def marches(n):
        for _ in range(n):
            HeuresRealiseesFactory(employeur=etti, mois=mois, validees=True)

    marches(2)
    _, avec_n = requetes_de_la_page(client, url)
    marches(18)
    _, avec_10_n = requetes_de_la_page(client, url)
    assert_autant_de_requetes(avec_n, avec_10_n)


# --- confirming and merging ------------------------------------------------------------------------


@pytest.fixture
def saisie(agent_a, clause_a, mois):
    """An employer typed by agent_a, employing one person on clause_a."""
    doublon = EntrepriseFactory(
        raison_sociale="elan interim", a_verifier=True, cree_par=agent_a, signalee_par_epci=agent_a.epci
    )
    HeuresRealiseesFactory(clause=clause_a, employeur=doublon, mois=mois, heures=H(8))
    return doublon


def test_a_verifier_puis_confirmer(client, departement, agent_a, saisie):
    page = _page(client, departement, reverse("entreprises:a_verifier"))
    assert list(page.context["entreprises"]) == [saisie]
    url = reverse("entreprises:confirmer", args=[saisie.siret])
    assert _page(client, agent_a, reverse("entreprises:a_verifier")).status_code == 404
    assert client.post(url, {"raison_sociale": "X", "type_structure": "ei"}).status_code == 404

    client.force_login(departement)
    reponse = client.post(url, {"raison_sociale": " Élan  Intérim Nord ", "type_structure": "etti"})

    assert reponse.status_code == 302
    saisie.refresh_from_db()
    assert not saisie.a_verifier
    assert (saisie.raison_sociale, saisie.type_structure) == ("Élan Intérim Nord", TypeStructure.ETTI)
    assert saisie.verifiee_par == departement and saisie.verifiee_le is not None
    assert saisie.history.latest().history_user == departement


def test_fusionner_deplace_heures_et_lots(client, departement, saisie, etti, marche_a):
    lot = Lot.objects.create(
        marche=marche_a, numero=9, intitule="Espaces verts", montant_ht=0, titulaire=saisie
    )
    client.force_login(departement)

    reponse = client.post(reverse("entreprises:fusionner", args=[saisie.siret]), {"siret_gardee": etti.siret})

    assert reponse.status_code == 302
    assert reponse["Location"] == reverse("entreprises:detail", args=[etti.siret])
    assert not Entreprise.objects.filter(pk=saisie.pk).exists()
    lot.refresh_from_db()
    assert lot.titulaire == etti
    rangee = HeuresRealisees.objects.get(heures=H(8))
    assert rangee.employeur == etti
    assert rangee.history.latest().history_change_reason == RAISON_FUSION
    assert (
        Entreprise.history.filter(id=saisie.pk, history_type="-").get().history_change_reason == RAISON_FUSION
    )


def test_une_fusion_qui_doublerait_une_ligne_est_refusee(client, departement, saisie, etti, clause_a, mois):
    rangee = HeuresRealisees.objects.get(employeur=saisie)
    HeuresRealiseesFactory(
        clause=clause_a,
        beneficiaire=rangee.beneficiaire,
        employeur=etti,
        mois=mois,
        modalite=rangee.modalite,
        heures=H(3),
    )
    client.force_login(departement)

    reponse = client.post(
        reverse("entreprises:fusionner", args=[saisie.siret]), {"siret_gardee": etti.siret}, follow=True
    )

    assert "Fusion impossible : 1 ligne d'heures" in reponse.content.decode().replace("&#x27;", "'")
    assert Entreprise.objects.filter(pk=saisie.pk).exists()
    rangee.refresh_from_db()
    assert rangee.employeur == saisie


def test_fusion_avec_un_siret_inconnu_ou_invalide(client, departement, saisie):
    client.force_login(departement)
    url = reverse("entreprises:fusionner", args=[saisie.siret])
    for siret in ("12345678900011", "abc", "55208131766522"):
        reponse = client.post(url, {"siret_gardee": siret}, follow=True)
        assert reponse.status_code == 200
        assert Entreprise.objects.filter(pk=saisie.pk).exists()


# --- the attestation -------------------------------------------------------------------------------


def test_attestation_du_titulaire_et_de_l_employeur(client, departement, agent_a, clause_a, marche_a, etti):
    titulaire = clause_a.lot.titulaire
    url = reverse("entreprises:attestation", args=[titulaire.siret, marche_a.pk])
    reponse = _page(client, departement, url)
    assert reponse.status_code == 200
    chiffres = reponse.context["chiffres"]
    validees = HeuresRealisees.objects.filter(clause=clause_a, statut=Statut.VALIDEES)
    assert chiffres.heures_reservees == clause_a.heures_reservees
    assert chiffres.heures_validees == validees.aggregate(s=Sum("heures"))["s"] == H(20)
    assert chiffres.nombre_personnes == 1
    contenu = reponse.content.decode()
    assert marche_a.acheteur.nom in contenu and marche_a.objet in contenu and "Dupré" not in contenu

    employeur = _page(client, agent_a, reverse("entreprises:attestation", args=[etti.siret, marche_a.pk]))
    assert employeur.status_code == 200
    assert not employeur.context["chiffres"].titulaire
    assert employeur.context["chiffres"].heures_validees == H(20)


def test_attestation_404(client, departement, lecteur, agent_b, clause_a, marche_a, marche_b):
    titulaire = clause_a.lot.titulaire
    assert (
        _page(
            client, lecteur, reverse("entreprises:attestation", args=[titulaire.siret, marche_a.pk])
        ).status_code
        == 404
    )
    assert (
        _page(
            client, agent_b, reverse("entreprises:attestation", args=[titulaire.siret, marche_a.pk])
        ).status_code
        == 404
    )
    # A contract the company neither holds nor works on.
    assert (
        _page(
            client, departement, reverse("entreprises:attestation", args=[titulaire.siret, marche_b.pk])
        ).status_code
        == 404
    )


def test_la_page_a_verifier_ne_fait_pas_plus_de_requetes_avec_10_fois_plus_d_employeurs(
    client, departement, agent_a
):
    client.force_login(departement)
    url = reverse("entreprises:a_verifier")

    def saisis(n):
        EntrepriseFactory.create_batch(n, a_verifier=True, cree_par=agent_a, signalee_par_epci=agent_a.epci)

    saisis(2)
    reponse, avec_n = requetes_de_la_page(client, url)
    assert agent_a.epci.nom in reponse.content.decode()
    saisis(18)
    _, avec_10_n = requetes_de_la_page(client, url)
    assert_autant_de_requetes(avec_n, avec_10_n)

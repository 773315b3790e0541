"""The home page's "À faire" per role: each item links to its page with the count that page shows, hidden at 0;
the number of queries does not grow with the data."""

import datetime
import re
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape

from beneficiaires.enums import VerificationEligibilite
from beneficiaires.models import AccesDonnees, Eligibilite
from insertion.enums import Statut
from insertion.models import HeuresRealisees
from insertion.pilotage import marches_a_risque
from marches.models import Entreprise
from portail.periodes import code_mois, libelle_mois, mois_courant, mois_precedent
from tests.factories import (
    AcheteurFactory,
    BeneficiaireFactory,
    ClauseFactory,
    EligibiliteFactory,
    EntrepriseFactory,
    HeuresRealiseesFactory,
    ObjectifFactory,
)
from tests.requetes import assert_autant_de_requetes, requetes_de_la_page

pytestmark = pytest.mark.django_db

URL = reverse("accueil:accueil")
JOURS = datetime.timedelta(days=1)


def _texte(reponse) -> str:
    """The page with runs of ordinary white space made one space (no-break spaces kept)."""
    return re.sub(r"[ \t\n]+", " ", reponse.content.decode())


def mois_dernier():
    return mois_precedent(mois_courant())


def get(client, user):
    client.force_login(user)
    return client.get(URL)


def _clause_en_cours(epci, **valeurs):
    aujourd_hui = timezone.localdate()
    return ClauseFactory(
        lot__marche__acheteur=AcheteurFactory(epci=epci),
        lot__marche__date_debut=aujourd_hui - 365 * JOURS,
        lot__marche__date_fin=aujourd_hui + 365 * JOURS,
        **valeurs,
    )


def _rejetee(clause, *, mois=None, motif="Heures déjà déclarées sur un autre marché."):
    return HeuresRealiseesFactory(
        clause=clause, mois=mois or mois_dernier(), rejetees=True, motif_rejet=motif
    )


# --- clerk ----------------------------------------------------------------------------------------


def test_agent_mois_a_declarer_et_lignes_rejetees(client, agent_a, epci_a, epci_b, marche_a, clause_a):
    sans = _clause_en_cours(epci_a, lot__marche__reference="A-SANS")
    declare = _clause_en_cours(epci_a)
    HeuresRealiseesFactory(clause=declare, mois=mois_dernier())
    _clause_en_cours(epci_b)  # another EPCI's: not the clerk's business
    personne = BeneficiaireFactory(nom="Tartempion", prenom="Honorine")
    rejet = HeuresRealiseesFactory(
        clause=declare,
        beneficiaire=personne,
        mois=mois_precedent(mois_dernier()),
        rejetees=True,
        motif_rejet="Personne non éligible ce mois-là.",
    )
    _rejetee(_clause_en_cours(epci_b))

    reponse = get(client, agent_a)
    html = reponse.content.decode()
    a_faire = reponse.context["agent"]
    # marche_a (the cast's) and A-SANS have nothing for last month.
    assert {ligne.marche for ligne in a_faire.a_declarer} == {marche_a, sans.lot.marche}
    assert f"{libelle_mois(mois_dernier()).capitalize()} à déclarer" in html
    assert reverse("saisie:grille", args=[sans.pk, code_mois(mois_dernier())]) in html
    assert reverse("saisie:grille", args=[clause_a.pk, code_mois(mois_dernier())]) in html
    assert escape(sans.lot.marche.libelle) in html
    # One rejected line in the clerk's EPCI, with person, month, contract and reason, linked to its grid.
    assert (
        a_faire.nb_rejetees
        == 1
        == HeuresRealisees.objects.for_user(agent_a).filter(statut="rejetees").count()
    )
    assert escape(str(personne)) in html
    assert "Personne non éligible ce mois-là." in html
    assert libelle_mois(rejet.mois) in html
    assert reverse("saisie:grille", args=[declare.pk, code_mois(rejet.mois)]) in html
    # The names shown are recorded in the access log.
    entree = AccesDonnees.objects.get(utilisateur=agent_a)
    assert entree.nombre_personnes == 1 and "page d'accueil" in entree.detail


def test_agent_les_cinq_dernieres_lignes_rejetees(client, agent_a, clause_a):
    for mois in range(7):
        _rejetee(clause_a, mois=datetime.date(2025, mois + 1, 1))
    reponse = get(client, agent_a)
    assert reponse.context["agent"].nb_rejetees == 7
    assert len(reponse.context["rejetees"]) == 5
    assert "Les 5 dernières lignes rejetées sur 7" in reponse.content.decode()


def test_agent_rien_a_faire(client, agent_b):
    reponse = get(client, agent_b)
    html = reponse.content.decode()
    assert reponse.context["agent"].rien
    assert "Rien à faire pour le moment" in html
    assert "à déclarer" not in html and "Lignes rejetées" not in html
    assert not AccesDonnees.objects.exists()  # nobody shown, nothing recorded


# --- Département ----------------------------------------------------------------------------------


def test_departement_compte_ce_que_montrent_les_pages(
    client, departement, personne_a, clause_a, clause_b, epci_a
):
    ClauseFactory(lot__marche=clause_a.lot.marche, heures_reservees=None)
    _rejetee(clause_b)
    HeuresRealiseesFactory(clause=clause_b, validees=True)
    EntrepriseFactory(a_verifier=True)
    EligibiliteFactory(beneficiaire=personne_a)
    EligibiliteFactory(
        verification=VerificationEligibilite.VERIFIEE,
        verifiee_le=timezone.now(),
        verifiee_par=departement,
        justificatif="attestation CAF",
    )
    reponse = get(client, departement)
    html = reponse.content.decode()
    a_faire = reponse.context["departement"]
    assert a_faire.nb_a_valider == HeuresRealisees.objects.filter(statut=Statut.DECLAREES).count() == 1
    assert a_faire.nb_a_calibrer == 1
    assert a_faire.nb_a_risque == len(marches_a_risque(user=departement, jour=timezone.localdate())) > 0
    assert a_faire.nb_employeurs_a_verifier == Entreprise.objects.filter(a_verifier=True).count() == 1
    assert (
        a_faire.nb_eligibilites_a_verifier == Eligibilite.objects.filter(verification="declaree").count() == 1
    )
    for url in (
        "validation:file",
        "calibrage:liste",
        "pilotage:page",
        "entreprises:a_verifier",
        "beneficiaires:liste",
    ):
        assert f'href="{reverse(url)}"' in html
    assert "Lignes d'heures à valider" in html and "Publics éligibles déclarés à vérifier" in html
    # The link to the people list keeps only those with a public to verify.
    assert f'href="{reverse("beneficiaires:liste")}?eligibilite_a_verifier=on"' in html
    liste = client.get(reverse("beneficiaires:liste"), {"eligibilite_a_verifier": "on"})
    assert [ligne.record for ligne in liste.context["table"].rows] == [personne_a]


def test_departement_rien_a_faire(client, departement):
    reponse = get(client, departement)
    assert reponse.context["departement"].rien
    html = reponse.content.decode()
    assert "Rien à faire pour le moment." in html
    assert "Marchés à risque" not in html


def test_superuser_a_les_elements_du_departement(client, superuser):
    assert get(client, superuser).context["departement"].rien


# --- readers ---------------------------------------------------------------------------------------


def test_lecteur_voit_les_chiffres_de_l_annee(client, lecteur, clause_a):
    annee = timezone.localdate().year
    ObjectifFactory(annee=annee, heures=1000)
    personnes = BeneficiaireFactory.create_batch(5)
    for personne in personnes:
        HeuresRealiseesFactory(
            clause=clause_a, beneficiaire=personne, mois=mois_courant(), heures=Decimal(50), validees=True
        )
    reponse = get(client, lecteur)
    html = _texte(reponse)
    assert "agent" not in reponse.context and "departement" not in reponse.context
    assert f"{annee}, tout le Département : <strong>250\u00a0h</strong> validées" in html
    assert "sur un objectif de <strong>1\u00a0000\u00a0h</strong>, soit <strong>25,0\u00a0%</strong>" in html
    # The projection is the dashboard's own, for the same reader.
    projection = reponse.context["a_la_une"]["projection"]
    assert projection.basse <= projection.centrale <= projection.haute
    json = client.get(reverse("tableau_de_bord:json")).json()["projection"]
    assert (json["basse"], json["centrale"], json["haute"]) == pytest.approx(
        (float(projection.basse), float(projection.centrale), float(projection.haute))
    )
    assert "Projection au 31 décembre : entre" in html


def test_lecteur_chiffres_masques_sous_le_secret(client, lecteur_a, clause_a):
    # Fewer than 5 people: the reader sees "< 5"-style masks, as on the dashboard, never the hours themselves.
    ObjectifFactory(annee=timezone.localdate().year, heures=1000)
    HeuresRealiseesFactory(clause=clause_a, mois=mois_courant(), heures=Decimal(37), validees=True)
    html = _texte(get(client, lecteur_a))
    assert "37\u00a0h" not in html
    assert f"{timezone.localdate().year}, CC Alpha :" in html
    assert "les heures validées sont masquées (secret statistique : moins de 5 personnes)" in html


# --- query counts -----------------------------------------------------------------------------------


def _donnees(nombre, *, epci_a, clause_a):
    for _ in range(nombre):
        clause = _clause_en_cours(epci_a)
        ClauseFactory(lot__marche=clause.lot.marche, heures_reservees=None)
        _rejetee(clause_a, mois=datetime.date(2024, 1, 1)).delete()
        personne = BeneficiaireFactory()
        _rejetee(clause_a, mois=mois_dernier()).beneficiaire  # noqa: B018
        HeuresRealiseesFactory(clause=clause, beneficiaire=personne, mois=mois_courant(), validees=True)
        EligibiliteFactory(beneficiaire=personne)
        EntrepriseFactory(a_verifier=True)


@pytest.mark.parametrize("role", ["departement", "agent_a", "lecteur", "lecteur_a"])
def test_requetes_independantes_du_volume(client, request, role, epci_a, clause_a):
    client.force_login(request.getfixturevalue(role))
    _donnees(2, epci_a=epci_a, clause_a=clause_a)
    reponse, avec_n = requetes_de_la_page(client, URL)
    assert reponse.status_code == 200
    _donnees(18, epci_a=epci_a, clause_a=clause_a)
    reponse, avec_10_n = requetes_de_la_page(client, URL)
    assert reponse.status_code == 200
    assert_autant_de_requetes(avec_n, avec_10_n)

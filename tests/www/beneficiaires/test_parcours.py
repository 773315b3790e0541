"""The parcours of a person on their file: hours by contract and by employer, months worked, status, referent,
publics with their check; the referent and the check written by the Département only."""

import datetime
import html
import re
from decimal import Decimal
from html.parser import HTMLParser

import pytest
from django.urls import reverse
from django.utils import timezone

from beneficiaires.enums import (
    ActionAcces,
    CategorieSortie,
    CodePublic,
    TypeReferent,
    VerificationEligibilite,
)
from beneficiaires.models import AccesDonnees, Beneficiaire, Public
from beneficiaires.retention import anonymiser
from tests.factories import (
    BeneficiaireFactory,
    ClauseFactory,
    EligibiliteFactory,
    EntrepriseFactory,
    HeuresRealiseesFactory,
    SortieFactory,
)
from tests.requetes import assert_autant_de_requetes, requetes_de_la_page
from tests.www.beneficiaires.aides import url_fiche

pytestmark = pytest.mark.django_db

D = datetime.date


def url_referent(personne):
    return reverse("beneficiaires:referent", kwargs={"public_id": personne.public_id})


def url_verification(personne, eligibilite):
    return reverse(
        "beneficiaires:verification",
        kwargs={"public_id": personne.public_id, "eligibilite_pk": eligibilite.pk},
    )


@pytest.fixture
def parcours(epci_a, clause_a, clause_b):
    """Worked March to May 2025 on contract A (two employers) and in April 2025 on contract B; left in June
    2025 (emploi durable); BRSA and RQTH declared; followed by the Mission locale."""
    personne = BeneficiaireFactory(
        nom="Garnier",
        prenom="Océane",
        date_naissance=D(1988, 2, 10),
        date_entree=D(2024, 9, 2),
        cree_par_epci=epci_a,
        referent=TypeReferent.MISSION_LOCALE,
        referent_precision="antenne de Saumur",
    )
    sous_traitant = EntrepriseFactory(raison_sociale="Bâtir Ensemble")
    HeuresRealiseesFactory(
        clause=clause_a, beneficiaire=personne, mois=D(2025, 3, 1), heures=35, validees=True
    )
    HeuresRealiseesFactory(
        clause=clause_a, beneficiaire=personne, mois=D(2025, 4, 1), heures=20, employeur=sous_traitant
    )
    HeuresRealiseesFactory(
        clause=clause_a, beneficiaire=personne, mois=D(2025, 5, 1), heures=10, rejetees=True
    )
    HeuresRealiseesFactory(
        clause=clause_b, beneficiaire=personne, mois=D(2025, 4, 1), heures=Decimal("7.5"), validees=True
    )
    SortieFactory(beneficiaire=personne, date=D(2025, 6, 16), categorie=CategorieSortie.EMPLOI_DURABLE)
    EligibiliteFactory(beneficiaire=personne, code=CodePublic.BRSA, date_debut=D(2024, 9, 2))
    EligibiliteFactory(beneficiaire=personne, code=CodePublic.RQTH, date_debut=D(2024, 9, 2))
    return personne


def test_parcours_pour_le_departement(client, departement, parcours, clause_a, clause_b):
    client.force_login(departement)
    reponse = client.get(url_fiche(parcours))
    contenu = reponse.content.decode()
    par_marche = {ligne["reference"]: ligne for ligne in reponse.context["parcours"].par_marche}
    marche_a, marche_b = clause_a.lot.marche, clause_b.lot.marche
    assert (par_marche[marche_a.reference]["validees"], par_marche[marche_a.reference]["declarees"]) == (
        35,
        20,
    )
    assert (par_marche[marche_b.reference]["validees"], par_marche[marche_b.reference]["declarees"]) == (
        Decimal("7.5"),
        0,
    )
    # A contract is shown as buyer + reference + object.
    assert f"{marche_a.acheteur.nom} — {marche_a.reference} — {marche_a.objet}" in contenu
    assert "de mars 2025 à avril 2025" in contenu  # the rejected May row does not count
    assert "42,5\xa0h" in contenu  # validated on both contracts
    par_employeur = {ligne["raison_sociale"]: ligne for ligne in reponse.context["parcours"].par_employeur}
    assert par_employeur["Bâtir Ensemble"]["declarees"] == 20
    assert par_employeur[clause_a.lot.titulaire.raison_sociale]["validees"] == 35
    assert 'Premier mois travaillé</dt><dd class="col-sm-8">mars 2025' in contenu
    assert 'Dernier mois travaillé</dt><dd class="col-sm-8">avril 2025' in contenu
    assert "sorti·e</span> le 16/06/2025 : emploi durable" in contenu
    assert "Mission locale — antenne de Saumur" in contenu
    assert "Modifier le référent ou prescripteur" in contenu
    assert contenu.count("Enregistrer la vérification") == 2
    assert contenu.count("— à vérifier par le Département") == 2


def test_en_parcours_quand_des_heures_suivent_la_sortie(client, departement, parcours, clause_a):
    HeuresRealiseesFactory(clause=clause_a, beneficiaire=parcours, mois=D(2025, 9, 1), heures=12)
    client.force_login(departement)
    contenu = client.get(url_fiche(parcours)).content.decode()
    assert "en parcours</span> (dernière sortie le 16/06/2025, suivie de nouvelles heures)" in contenu


def test_parcours_pour_l_agent_de_l_epci(client, agent_a, parcours, clause_a, clause_b):
    """A clerk sees the file as before: their EPCI's hours only, no outcome, nothing to edit."""
    client.force_login(agent_a)
    reponse = client.get(url_fiche(parcours))
    contenu = reponse.content.decode()
    assert [ligne["reference"] for ligne in reponse.context["parcours"].par_marche] == [
        clause_a.lot.marche.reference
    ]
    assert clause_b.lot.marche.reference not in contenu
    assert "sorti·e" not in contenu and "emploi durable" not in contenu
    assert "Mission locale — antenne de Saumur" in contenu
    assert "<form" not in contenu.split('id="titre-parcours"')[1]
    assert "à vérifier par le Département" in contenu


class _Texte(HTMLParser):
    """The text a person reads (no tags, no attribute values, no script)."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.morceaux, self._cache = [], 0

    def handle_starttag(self, balise, attributs):
        self._cache += balise in ("script", "style")

    def handle_endtag(self, balise):
        self._cache -= balise in ("script", "style")

    def handle_data(self, donnees):
        if not self._cache:
            self.morceaux.append(donnees)


def _codes_affiches(html: str) -> set[str]:
    lecteur = _Texte()
    lecteur.feed(html)
    texte = " ".join(lecteur.morceaux)
    enums = (CodePublic, TypeReferent, VerificationEligibilite, CategorieSortie)
    libelles = {str(label) for enum in enums for label in enum.labels}
    libelles |= set(Public.objects.values_list("libelle", flat=True))
    for libelle in sorted(libelles, key=len, reverse=True):
        texte = texte.replace(libelle, " ")
    codes = {str(value) for enum in enums for value in enum.values} - libelles
    return {code for code in codes if re.search(rf"(?<![\w-]){re.escape(code)}(?![\w-])", texte)}


@pytest.mark.parametrize("role", ["departement", "agent_a"])
def test_aucun_code_a_l_ecran(client, request, role, parcours, departement):
    """Every code of the publics, referents, checks and outcomes: none reaches the screen, only their labels."""
    for referent in (TypeReferent.FRANCE_TRAVAIL, TypeReferent.CAP_EMPLOI):
        parcours.referent = referent
        parcours.save()
    verifiee = parcours.eligibilites.get(public__code=CodePublic.RQTH)
    client.force_login(departement)
    client.post(
        url_verification(parcours, verifiee),
        {"verification": "refusee", "motif_refus": "reconnaissance expirée"},
    )
    for code in (CodePublic.ASS_AAH, CodePublic.SIAE, CodePublic.QPV, CodePublic.DELD, CodePublic.AUTRE):
        EligibiliteFactory(beneficiaire=parcours, code=code, date_debut=D(2024, 10, 1))
    for categorie in CategorieSortie.values:
        SortieFactory(beneficiaire=parcours, date=D(2025, 7, 1), categorie=categorie)
    client.force_login(request.getfixturevalue(role))
    pages = [url_fiche(parcours)]
    if role == "departement":
        pages += [url_referent(parcours), url_verification(parcours, verifiee)]
    for url in pages:
        reponse = client.get(url)
        assert reponse.status_code == 200
        assert _codes_affiches(reponse.content.decode()) == set(), url
    # The scan would see a code that leaked.
    assert _codes_affiches("<p>Public : ASS_AAH, référent france_travail</p>") == {
        "ASS_AAH",
        "france_travail",
    }


def _personne_avec(n: int, epci):
    personne = BeneficiaireFactory(cree_par_epci=epci, date_entree=D(2020, 1, 6), referent=TypeReferent.PLIE)
    for i in range(n):
        clause = ClauseFactory(lot__marche__acheteur__epci=epci)
        HeuresRealiseesFactory(
            clause=clause, beneficiaire=personne, mois=D(2021 + i // 12, i % 12 + 1, 1), validees=True
        )
        EligibiliteFactory(beneficiaire=personne, code=CodePublic.DELD, date_debut=D(2020, 1, 6 + i))
        SortieFactory(beneficiaire=personne, date=D(2022, 1, 1 + i))
    EligibiliteFactory(
        beneficiaire=personne,
        code=CodePublic.BRSA,
        verification=VerificationEligibilite.VERIFIEE,
        verifiee_le=datetime.datetime(2025, 3, 1, tzinfo=datetime.UTC),
        justificatif="attestation CAF de mars 2025",
    )
    return personne


@pytest.mark.parametrize("role", ["departement", "agent_a"])
def test_requetes_du_parcours_independantes_du_nombre_de_marches(client, request, role, epci_a):
    client.force_login(request.getfixturevalue(role))
    petite, grande = _personne_avec(2, epci_a), _personne_avec(20, epci_a)
    _, avec_n = requetes_de_la_page(client, url_fiche(petite))
    reponse, avec_10_n = requetes_de_la_page(client, url_fiche(grande))
    assert len(reponse.context["parcours"].par_marche) == 20
    assert_autant_de_requetes(avec_n, avec_10_n)


# --- referent ---------------------------------------------------------------------------------------


def test_le_departement_modifie_le_referent(client, departement, parcours):
    client.force_login(departement)
    reponse = client.post(
        url_referent(parcours), {"referent": "france_travail", "referent_precision": "  agence d'Angers Sud "}
    )
    assert reponse.status_code == 302 and reponse["Location"] == url_fiche(parcours)
    parcours.refresh_from_db()
    assert (parcours.referent, parcours.referent_precision) == (
        TypeReferent.FRANCE_TRAVAIL,
        "agence d'Angers Sud",
    )
    assert parcours.history.latest().history_user == departement
    entree = AccesDonnees.objects.filter(beneficiaire=parcours).latest("horodatage")
    assert entree.action == ActionAcces.MODIFICATION
    contenu = client.get(url_fiche(parcours)).content.decode()
    assert "Référent ou prescripteur enregistré : France Travail." in contenu
    assert "référent ou prescripteur : Mission locale → France Travail" in contenu
    # Emptied: no precision is kept without a referent.
    client.post(url_referent(parcours), {"referent": "", "referent_precision": ""})
    parcours.refresh_from_db()
    assert (parcours.referent, parcours.referent_precision) == ("", "")


@pytest.mark.parametrize(
    ("donnees", "message"),
    [
        ({"referent": "pole_emploi"}, "Choisissez un référent ou prescripteur dans la liste."),
        ({"referent": "", "referent_precision": "agence"}, "Choisissez le référent que la précision décrit."),
        ({"referent": "plie", "referent_precision": "x" * 151}, "ne peut pas dépasser 150 caractères"),
    ],
)
def test_referent_refuse(client, departement, parcours, donnees, message):
    client.force_login(departement)
    reponse = client.post(url_referent(parcours), donnees)
    assert reponse.status_code == 200
    assert message in reponse.content.decode()
    parcours.refresh_from_db()
    assert parcours.referent == TypeReferent.MISSION_LOCALE


@pytest.mark.parametrize("role", ["agent_a", "agent_b", "lecteur"])
def test_seul_le_departement_ecrit(client, request, role, parcours):
    eligibilite = parcours.eligibilites.first()
    client.force_login(request.getfixturevalue(role))
    assert client.post(url_referent(parcours), {"referent": "plie"}).status_code == 404
    donnees = {"verification": "verifiee", "justificatif": "attestation CAF"}
    assert client.post(url_verification(parcours, eligibilite), donnees).status_code == 404
    parcours.refresh_from_db()
    eligibilite.refresh_from_db()
    assert parcours.referent == TypeReferent.MISSION_LOCALE
    assert eligibilite.verification == VerificationEligibilite.DECLAREE


# --- check of a declared public -----------------------------------------------------------------


def test_verifier_refuser_puis_redeclarer(client, departement, parcours):
    eligibilite = parcours.eligibilites.get(public__code=CodePublic.BRSA)
    assert eligibilite.verification == VerificationEligibilite.DECLAREE  # as declared by the clerk
    client.force_login(departement)
    url = url_verification(parcours, eligibilite)

    reponse = client.post(url, {"verification": "verifiee", "justificatif": "attestation CAF de mars 2026"})
    assert reponse.status_code == 302
    eligibilite.refresh_from_db()
    assert eligibilite.verification == VerificationEligibilite.VERIFIEE
    assert eligibilite.verifiee_par == departement and eligibilite.verifiee_le is not None
    assert eligibilite.justificatif == "attestation CAF de mars 2026"
    version = eligibilite.history.latest()
    assert (version.history_user, version.history_change_reason) == (departement, "vérification : vérifié")
    entree = AccesDonnees.objects.filter(beneficiaire=parcours).latest("horodatage")
    assert entree.action == ActionAcces.MODIFICATION
    assert "bénéficiaire du RSA" in entree.detail and "vérifié" in entree.detail
    contenu = client.get(url_fiche(parcours)).content.decode()
    qui = departement.get_full_name() or departement.username
    assert (
        f"par {qui} le {eligibilite.verifiee_le:%d/%m/%Y} — document vu : attestation CAF de mars 2026"
        in contenu
    )

    client.post(url, {"verification": "refusee", "motif_refus": "RSA suspendu depuis janvier"})
    eligibilite.refresh_from_db()
    assert (eligibilite.verification, eligibilite.justificatif) == (VerificationEligibilite.REFUSEE, "")
    assert eligibilite.motif_refus == "RSA suspendu depuis janvier"
    assert "motif : RSA suspendu depuis janvier" in client.get(url_fiche(parcours)).content.decode()

    client.post(url, {"verification": "declaree"})
    eligibilite.refresh_from_db()
    assert eligibilite.verification == VerificationEligibilite.DECLAREE
    assert (eligibilite.verifiee_par, eligibilite.verifiee_le, eligibilite.motif_refus) == (None, None, "")
    assert eligibilite.history.count() == 4


@pytest.mark.parametrize(
    ("donnees", "message"),
    [
        ({"verification": "verifiee", "justificatif": "   "}, "Indiquez le document vu pour vérifier l"),
        ({"verification": "refusee"}, "Indiquez le motif du refus."),
        ({"verification": "valide"}, "Choisissez : déclaré, vérifié ou refusé."),
        ({}, "Choisissez : déclaré, vérifié ou refusé."),
        ({"verification": "verifiee", "justificatif": "x" * 201}, "ne peut pas dépasser 200 caractères"),
    ],
)
def test_verification_incomplete_refusee(client, departement, parcours, donnees, message):
    eligibilite = parcours.eligibilites.get(public__code=CodePublic.BRSA)
    client.force_login(departement)
    reponse = client.post(url_verification(parcours, eligibilite), donnees)
    assert reponse.status_code == 200
    assert message in reponse.content.decode()
    eligibilite.refresh_from_db()
    assert eligibilite.verification == VerificationEligibilite.DECLAREE


def test_verification_introuvable(client, departement, parcours, personne_a):
    """Another person's period, an age-based period, an anonymised person: 404."""
    client.force_login(departement)
    autre = EligibiliteFactory(beneficiaire=personne_a)
    assert client.get(url_verification(parcours, autre)).status_code == 404
    jeune = EligibiliteFactory(beneficiaire=parcours, code=CodePublic.JEUNE, date_debut=D(2024, 9, 2))
    assert client.get(url_verification(parcours, jeune)).status_code == 404
    eligibilite = parcours.eligibilites.get(public__code=CodePublic.BRSA)
    anonymiser(beneficiaires=Beneficiaire.objects.filter(pk=parcours.pk), maintenant=timezone.now())
    assert client.get(url_verification(parcours, eligibilite)).status_code == 404
    assert client.get(url_referent(parcours)).status_code == 404
    contenu = client.get(url_fiche(parcours)).content.decode()
    assert "Enregistrer la vérification" not in contenu and "Modifier le référent" not in contenu


# --- age-based publics ------------------------------------------------------------------------------


def test_publics_d_age_calcules_sur_la_fiche(client, departement, clause_a):
    """Born on 15 May 2000, worked in March 2026: jeune until April 2026, computed; a ticked jeune period is not
    shown."""
    personne = BeneficiaireFactory(date_naissance=D(2000, 5, 15), date_entree=D(2025, 1, 6))
    HeuresRealiseesFactory(clause=clause_a, beneficiaire=personne, mois=D(2026, 3, 1), validees=True)
    EligibiliteFactory(beneficiaire=personne, code=CodePublic.JEUNE, date_debut=D(2025, 1, 6))
    senior = BeneficiaireFactory(date_naissance=D(1975, 11, 2), date_entree=D(2025, 1, 6))
    HeuresRealiseesFactory(clause=clause_a, beneficiaire=senior, mois=D(2026, 3, 1), validees=True)
    client.force_login(departement)
    contenu = html.unescape(client.get(url_fiche(personne)).content.decode())
    assert "jeune de moins de 26 ans — calculé d'après la date de naissance (jusqu'en mai 2026)" in contenu
    assert "Enregistrer la vérification" not in contenu
    contenu = html.unescape(client.get(url_fiche(senior)).content.decode())
    assert "senior de 50 ans et plus — calculé d'après la date de naissance (depuis décembre 2025)" in contenu
    assert "jeune de moins de 26 ans" not in contenu

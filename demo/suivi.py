"""The Département's follow-up in the demo: the contracts' logs and closings, referents, checked eligibilities,
and a few employers typed by the EPCI that are still to verify — so every screen of the year has something."""

import datetime
from collections import defaultdict

from django.db.models import Min

from beneficiaires.enums import TypeReferent, VerificationEligibilite
from beneficiaires.models import Beneficiaire, Eligibilite
from demo.beneficiaires import NB_BENEFICIAIRES, public_id
from demo.tirages import choix_pondere
from insertion.cloture import cloturer_annee
from insertion.models import ClotureAnnee, HeuresRealisees
from marches.enums import EtapeSuivi, TypeStructure
from marches.models import Entreprise, EvenementSuivi, Marche
from portail.periodes import ajouter_mois

REFERENTS = [
    TypeReferent.FRANCE_TRAVAIL,
    TypeReferent.REFERENT_RSA,
    TypeReferent.MISSION_LOCALE,
    TypeReferent.CAP_EMPLOI,
    TypeReferent.PLIE,
    TypeReferent.SIAE,
    None,
]
POIDS_REFERENTS = [35, 30, 10, 5, 5, 5, 10]
JUSTIFICATIFS = [
    "attestation CAF",
    "notification de droits RSA",
    "attestation France Travail",
    "notification MDPH",
]
# Employers typed by an EPCI clerk that the Département has not verified yet.
EMPLOYEURS_A_VERIFIER = 2


def completer_suivi(generateur):
    departement = generateur.comptes["departement"]
    _journal_des_marches(generateur, auteur=departement)
    _referents(generateur)
    _verifications(generateur, verificateur=departement)
    _employeurs_a_verifier(generateur)
    _clotures(generateur, departement=departement)


def _clotures(generateur, *, departement):
    """The years before this one closed in mid-January, as the Département does once the last months are in."""
    deja = set(ClotureAnnee.objects.filter(date_cloture__isnull=False).values_list("annee", flat=True))
    for annee in generateur.annees[:-1]:
        if annee in deja:  # left by an interrupted demo
            continue
        date_cloture = min(datetime.date(annee + 1, 1, 15), generateur.aujourdhui)
        cloturer_annee(user=departement, annee=annee, date_cloture=date_cloture, confirmer=True)
    generateur.compteurs["années clôturées"] = len(generateur.annees) - 1


def _journal_des_marches(generateur, *, auteur):
    """Information meeting at the start, first hire, mid-term review, closing three months after the end."""
    aujourdhui = generateur.aujourdhui
    premieres = dict(
        HeuresRealisees.objects.values("clause__lot__marche")
        .annotate(m=Min("mois"))
        .values_list("clause__lot__marche", "m")
    )
    evenements, clotures = [], []
    for marche in Marche.objects.filter(pk__in=premieres).order_by("pk"):
        jalons = [
            (marche.date_debut, EtapeSuivi.REUNION_INFORMATION, "Présentation de la clause au titulaire.")
        ]
        premiere = premieres[marche.pk]
        if premiere <= aujourdhui:
            jalons.append((premiere, EtapeSuivi.PREMIERE_EMBAUCHE, ""))
        milieu = marche.date_debut + (marche.date_fin - marche.date_debut) / 2
        if milieu <= aujourdhui:
            jalons.append((milieu, EtapeSuivi.BILAN_MI_PARCOURS, "Point d'étape avec le titulaire."))
        cloture = ajouter_mois(marche.date_fin.replace(day=1), 3)
        if cloture <= aujourdhui:
            jalons.append((cloture, EtapeSuivi.CLOTURE, "Bilan final transmis à l'acheteur."))
            marche.cloture_le = cloture
            clotures.append(marche)
        evenements += [
            EvenementSuivi(marche=marche, date=date, etape=etape, commentaire=commentaire, auteur=auteur)
            for date, etape, commentaire in jalons
        ]
    EvenementSuivi.objects.bulk_create(evenements)
    Marche.objects.bulk_update(clotures, ["cloture_le"])
    generateur.compteurs["événements de suivi"] = len(evenements)


def _referents(generateur):
    rng = generateur.rng
    demo = [public_id(i) for i in range(NB_BENEFICIAIRES)]
    personnes = list(Beneficiaire.objects.filter(public_id__in=demo).order_by("pk"))
    for personne in personnes:
        personne.referent = choix_pondere(rng, REFERENTS, POIDS_REFERENTS) or ""
    Beneficiaire.objects.bulk_update(personnes, ["referent"])


def _verifications(generateur, *, verificateur):
    """Two thirds of the publics of people with validated hours verified, one in fifty refused."""
    rng = generateur.rng
    valides = HeuresRealisees.objects.filter(statut="validees").values("beneficiaire")
    eligibilites = list(Eligibilite.objects.filter(beneficiaire__in=valides).order_by("pk"))
    moment = datetime.datetime.combine(generateur.dernier_mois, datetime.time(10), tzinfo=datetime.UTC)
    modifiees = []
    for eligibilite in eligibilites:
        tirage = rng.random()
        if tirage < 0.02:
            eligibilite.verification = VerificationEligibilite.REFUSEE
            eligibilite.motif_refus = "Le justificatif présenté ne couvre pas la période travaillée."
        elif tirage < 0.67:
            eligibilite.verification = VerificationEligibilite.VERIFIEE
            eligibilite.justificatif = rng.choice(JUSTIFICATIFS)
        else:
            continue
        eligibilite.verifiee_par, eligibilite.verifiee_le = verificateur, moment
        modifiees.append(eligibilite)
    Eligibilite.objects.bulk_update(
        modifiees, ["verification", "motif_refus", "justificatif", "verifiee_par", "verifiee_le"]
    )
    generateur.compteurs["éligibilités vérifiées ou refusées"] = len(modifiees)


def _employeurs_a_verifier(generateur):
    """Employers that hold no lot and were typed last month by an EPCI: marked as the clerk created them."""
    derniers = (
        HeuresRealisees.objects.filter(
            mois=generateur.dernier_mois,
            employeur__lots__isnull=True,
            employeur__type_structure__in=[TypeStructure.ETTI, TypeStructure.GEIQ, TypeStructure.AI],
        )
        .values_list("employeur", "clause__lot__marche__epci")
        .order_by("employeur", "clause__lot__marche__epci")
    )
    epci_par_employeur = defaultdict(set)
    for employeur, epci in derniers:
        epci_par_employeur[employeur].add(epci)
    choisis = [e for e, epcis in sorted(epci_par_employeur.items()) if len(epcis) == 1][
        :EMPLOYEURS_A_VERIFIER
    ]
    agents = {c.epci_id: c for c in generateur.comptes.values() if c.epci_id}
    entreprises = list(Entreprise.objects.filter(pk__in=choisis).order_by("pk"))
    for entreprise in entreprises:
        [epci] = epci_par_employeur[entreprise.pk]
        entreprise.a_verifier = True
        entreprise.signalee_par_epci_id = epci
        entreprise.cree_par = agents.get(epci)
    Entreprise.objects.bulk_update(entreprises, ["a_verifier", "signalee_par_epci", "cree_par"])
    generateur.compteurs["employeurs à vérifier"] = len(entreprises)

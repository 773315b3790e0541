"""Writes on beneficiaries: every creation of a person (grid, statement import, admin), its changes and their
outcomes, each recorded in the access log."""

import datetime
import uuid
from dataclasses import dataclass, field

from django.db import IntegrityError, transaction
from django.utils import timezone
from simple_history.utils import bulk_create_with_history

from beneficiaires import regles
from beneficiaires.enums import ActionAcces, VerificationEligibilite
from beneficiaires.identite import cle_identite
from beneficiaires.journal import journaliser
from beneficiaires.models import Beneficiaire, Eligibilite, Public, Sortie
from territoires.models import Commune


@dataclass(frozen=True)
class PeriodePublic:
    public: Public
    date_debut: datetime.date
    date_fin: datetime.date | None = None


def creer_beneficiaire(
    *, user, beneficiaire: Beneficiaire, publics: list[PeriodePublic] = ()
) -> Beneficiaire:
    """Creates one person (not yet saved) with their publics, in one transaction, with its history.

    The person is attached to the EPCI of the clerk who creates them (none for the Département). Raises
    IntegrityError when the same identity exists already.
    """
    beneficiaire.cree_par_epci_id = beneficiaire.cree_par_epci_id or user.epci_impose_id
    beneficiaire._history_user = user
    with transaction.atomic():
        beneficiaire.save()
        Eligibilite.objects.bulk_create(
            Eligibilite(
                beneficiaire=beneficiaire, public=p.public, date_debut=p.date_debut, date_fin=p.date_fin
            )
            for p in publics
        )
        journaliser(user=user, action=ActionAcces.CREATION, beneficiaire=beneficiaire)
    return beneficiaire


class PersonneAnonymisee(Exception):
    def __init__(self):
        super().__init__(regles.MESSAGE_PERSONNE_ANONYMISEE)


def modifier_beneficiaire(*, user, beneficiaire: Beneficiaire, champs: list[str] = ()) -> Beneficiaire:
    """Saves a change of a person's record with its history and its access-log entry; an anonymised person's
    record cannot be changed (PersonneAnonymisee)."""
    if Beneficiaire.objects.filter(pk=beneficiaire.pk, anonymise_le__isnull=False).exists():
        raise PersonneAnonymisee
    beneficiaire._history_user = user
    with transaction.atomic():
        beneficiaire.save()
        journaliser(
            user=user,
            action=ActionAcces.MODIFICATION,
            beneficiaire=beneficiaire,
            detail=", ".join(champs),
        )
    return beneficiaire


@dataclass(frozen=True)
class NouvellePersonne:
    """A person to create, checked beforehand by the caller (identity unknown to the portal, age rule)."""

    nom: str
    prenom: str
    date_naissance: datetime.date
    sexe: str
    date_entree: datetime.date
    commune: Commune | None = None
    niveau_qualification: str = ""
    referent: str = ""
    publics: tuple[PeriodePublic, ...] = ()
    # Known before the record exists: the grid offers a person added to it before saving them.
    public_id: uuid.UUID = field(default_factory=uuid.uuid4)

    @property
    def cle_identite(self) -> str:
        return cle_identite(self.nom, self.prenom, self.date_naissance)


def creer_beneficiaires(
    *, user, personnes: list[NouvellePersonne], detail: str = ""
) -> dict[str, Beneficiaire]:
    """Creates people in bulk with their history and publics, keyed by `cle_identite`.

    One transaction (the caller's when there is one) and a fixed number of queries whatever their number.
    An identity already known in the user's scope raises IntegrityError, and the whole transaction must then be
    rolled back: the caller looks people up first (`selectors.personnes_connues`) and creates only the others.
    """
    if not personnes:
        return {}
    epci_id = user.epci_impose_id
    # Inside a caller's transaction (the statement import), join it: no savepoint, no extra query.
    with transaction.atomic(savepoint=False):
        creees = bulk_create_with_history(
            [
                Beneficiaire(
                    public_id=p.public_id,
                    nom=p.nom,
                    prenom=p.prenom,
                    date_naissance=p.date_naissance,
                    sexe=p.sexe,
                    commune=p.commune,
                    niveau_qualification=p.niveau_qualification,
                    referent=p.referent,
                    date_entree=p.date_entree,
                    cree_par_epci_id=epci_id,
                    cle_identite=p.cle_identite,  # bulk_create skips save(), which sets it
                )
                for p in personnes
            ],
            Beneficiaire,
            default_user=user,
        )
        par_cle = {b.cle_identite: b for b in creees}
        Eligibilite.objects.bulk_create(
            Eligibilite(
                beneficiaire=par_cle[p.cle_identite],
                public=periode.public,
                date_debut=periode.date_debut,
                date_fin=periode.date_fin,
            )
            for p in personnes
            for periode in p.publics
        )
        journaliser(
            user=user,
            action=ActionAcces.CREATION,
            beneficiaire=creees[0] if len(creees) == 1 else None,  # one person is named
            nombre_personnes=len(creees),
            detail=detail,
        )
    return par_cle


MESSAGE_SORTIE_EN_DOUBLE = (
    "Une sortie de cette catégorie est déjà enregistrée à cette date pour cette personne."
)


class SortieEnDouble(Exception):
    def __init__(self):
        super().__init__(MESSAGE_SORTIE_EN_DOUBLE)


def enregistrer_sortie(*, user, sortie: Sortie) -> Sortie:
    """Saves an outcome with its history and its access-log entry; raises SortieEnDouble when a concurrent
    save made it a duplicate, PersonneAnonymisee for an anonymised person."""
    if sortie.beneficiaire.est_anonymise:
        raise PersonneAnonymisee
    sortie._history_user = user
    ajout = sortie.pk is None
    try:
        with transaction.atomic():
            sortie.save()
            journaliser(
                user=user,
                action=ActionAcces.SORTIE,
                beneficiaire=sortie.beneficiaire,
                detail=f"{'ajout' if ajout else 'modification'} : {sortie}",
            )
    except IntegrityError as erreur:
        raise SortieEnDouble from erreur
    return sortie


def modifier_referent(
    *, user, beneficiaire: Beneficiaire, referent: str, precision: str = ""
) -> Beneficiaire:
    """Sets who follows or prescribed the person (a TypeReferent, or empty) and its precision (a structure or
    agency, no person's name); history and access log as any change of the record."""
    beneficiaire.referent = referent
    beneficiaire.referent_precision = precision.strip() if referent else ""
    return modifier_beneficiaire(
        user=user, beneficiaire=beneficiaire, champs=["référent ou prescripteur", "précision sur le référent"]
    )


class VerificationIncomplete(Exception):
    """A verification without the document seen, or a refusal without its reason."""


def verifier_eligibilite(
    *, user, eligibilite: Eligibilite, verification: str, justificatif: str = "", motif_refus: str = ""
) -> Eligibilite:
    """The Département's check of a declared public: verified (`justificatif`: the document seen, which is not
    kept), refused (`motif_refus`), or back to declared. Who and when are the user and now; history with a change
    reason, and an access-log entry, in one transaction. PersonneAnonymisee for an anonymised person,
    VerificationIncomplete when the document or the reason is missing."""
    beneficiaire = eligibilite.beneficiaire
    if Beneficiaire.objects.filter(pk=beneficiaire.pk, anonymise_le__isnull=False).exists():
        raise PersonneAnonymisee
    justificatif, motif_refus = justificatif.strip(), motif_refus.strip()
    if verification == VerificationEligibilite.VERIFIEE and not justificatif:
        raise VerificationIncomplete("Indiquez le document vu pour vérifier l'éligibilité.")
    if verification == VerificationEligibilite.REFUSEE and not motif_refus:
        raise VerificationIncomplete("Indiquez le motif du refus.")
    declaree = verification == VerificationEligibilite.DECLAREE
    eligibilite.verification = VerificationEligibilite(verification)
    eligibilite.verifiee_par = None if declaree else user
    eligibilite.verifiee_le = None if declaree else timezone.now()
    eligibilite.justificatif = justificatif if verification == VerificationEligibilite.VERIFIEE else ""
    eligibilite.motif_refus = motif_refus if verification == VerificationEligibilite.REFUSEE else ""
    libelle = eligibilite.verification.label
    eligibilite._history_user = user
    eligibilite._change_reason = f"vérification : {libelle}"
    with transaction.atomic():
        eligibilite.save()
        journaliser(
            user=user,
            action=ActionAcces.MODIFICATION,
            beneficiaire=beneficiaire,
            detail=f"éligibilité « {eligibilite.public.libelle} » du {eligibilite.date_debut:%d/%m/%Y} : {libelle}",
        )
    return eligibilite

"""Writes on beneficiaries: every creation of a person (grid, statement import, admin) and their outcomes."""

import datetime
from dataclasses import dataclass

from django.db import IntegrityError, transaction
from django.utils import timezone

from beneficiaires.identite import cle_identite
from beneficiaires.models import Beneficiaire, Eligibilite, Public, Sortie


@dataclass(frozen=True)
class PeriodePublic:
    public: Public
    date_debut: datetime.date
    date_fin: datetime.date | None = None


def trouver_beneficiaire(*, nom: str, prenom: str, date_naissance: datetime.date) -> Beneficiaire | None:
    """Exact match on name, first name and birth date, accents and case ignored."""
    return Beneficiaire.objects.filter(cle_identite=cle_identite(nom, prenom, date_naissance)).first()


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
    return beneficiaire


def trouver_ou_creer_beneficiaire(
    *,
    user,
    nom: str,
    prenom: str,
    date_naissance: datetime.date,
    sexe: str,
    commune=None,
    niveau_qualification: str = "",
    date_entree: datetime.date | None = None,
    publics: list[PeriodePublic] = (),
) -> tuple[Beneficiaire, bool]:
    """Returns (person, created). An existing person is reused as is; a new one gets the given publics."""
    existant = trouver_beneficiaire(nom=nom, prenom=prenom, date_naissance=date_naissance)
    if existant is not None:
        return existant, False
    try:
        personne = creer_beneficiaire(
            user=user,
            beneficiaire=Beneficiaire(
                nom=nom.strip(),
                prenom=prenom.strip(),
                date_naissance=date_naissance,
                sexe=sexe,
                commune=commune,
                niveau_qualification=niveau_qualification,
                date_entree=date_entree or timezone.localdate(),
            ),
            publics=publics,
        )
    except IntegrityError:
        # Someone created the same person meanwhile: reuse theirs.
        existant = trouver_beneficiaire(nom=nom, prenom=prenom, date_naissance=date_naissance)
        if existant is None:
            raise
        return existant, False
    return personne, True


MESSAGE_SORTIE_EN_DOUBLE = (
    "Une sortie de cette catégorie est déjà enregistrée à cette date pour cette personne."
)


class SortieEnDouble(Exception):
    def __init__(self):
        super().__init__(MESSAGE_SORTIE_EN_DOUBLE)


def enregistrer_sortie(*, user, sortie: Sortie) -> Sortie:
    """Saves an outcome with its history; raises SortieEnDouble when a concurrent save made it a duplicate."""
    sortie._history_user = user
    try:
        with transaction.atomic():
            sortie.save()
    except IntegrityError as erreur:
        raise SortieEnDouble from erreur
    return sortie

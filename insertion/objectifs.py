"""Yearly targets set in the portal by the Département: its own and each EPCI's, for one year, in one write.

A target is a positive whole number of hours; no value means no target (the row is removed). Only the EPCI
passed are touched: a target of an EPCI missing from the call stays as it is.
"""

from dataclasses import dataclass

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Q

from insertion.models import Objectif
from portail.periodes import ANNEE_MAX, ANNEE_MIN

HEURES_MAX_OBJECTIF = 10_000_000  # far above any yearly target, within the column's range


class ObjectifsInvalides(Exception):
    """Values the service refuses; the message is French and meant for the user."""


@dataclass(frozen=True)
class ObjectifsEnregistres:
    crees: int
    modifies: int
    supprimes: int

    @property
    def changes(self) -> int:
        return self.crees + self.modifies + self.supprimes


def erreur_heures_objectif(heures) -> str | None:
    if heures is None:
        return None
    if isinstance(heures, bool) or not isinstance(heures, int) or not 0 < heures <= HEURES_MAX_OBJECTIF:
        return (
            "Un objectif est un nombre entier d'heures supérieur à 0 "
            f"(au plus {HEURES_MAX_OBJECTIF:_} h).".replace("_", "\u00a0")
        )
    return None


def enregistrer_objectifs(
    *, user, annee: int, departement: int | None, par_epci: dict[int, int | None]
) -> ObjectifsEnregistres:
    """Sets the year's target of the Département (`departement`) and of each EPCI (`par_epci`: EPCI pk ->
    hours, None for no target), in one transaction. Département staff only."""
    if not user.voit_tout:
        raise PermissionDenied("Seul le Département fixe les objectifs annuels.")
    if not ANNEE_MIN <= annee <= ANNEE_MAX:
        raise ObjectifsInvalides(f"L'année doit être comprise entre {ANNEE_MIN} et {ANNEE_MAX}.")
    voulus = {None: departement, **par_epci}
    for heures in voulus.values():
        if erreur := erreur_heures_objectif(heures):
            raise ObjectifsInvalides(erreur)
    with transaction.atomic():
        portee = Q(epci_id__in=[pk for pk in voulus if pk is not None]) | Q(epci__isnull=True)
        existants = {
            o.epci_id: o for o in Objectif.objects.select_for_update(of=("self",)).filter(portee, annee=annee)
        }
        a_creer, a_modifier, a_supprimer = [], [], []
        for epci_id, heures in voulus.items():
            objectif = existants.get(epci_id)
            if heures is None:
                if objectif is not None:
                    a_supprimer.append(objectif.pk)
            elif objectif is None:
                a_creer.append(Objectif(annee=annee, epci_id=epci_id, heures=heures))
            elif objectif.heures != heures:
                objectif.heures = heures
                a_modifier.append(objectif)
        if a_supprimer:
            Objectif.objects.filter(pk__in=a_supprimer).delete()
        if a_modifier:
            Objectif.objects.bulk_update(a_modifier, ["heures"])
        if a_creer:
            Objectif.objects.bulk_create(a_creer)
    return ObjectifsEnregistres(crees=len(a_creer), modifies=len(a_modifier), supprimes=len(a_supprimer))

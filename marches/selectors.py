"""Reads on contracts that lists and their filters share (options are computed from the scoped rows)."""

import datetime

from django.db.models import Case, Q, Value, When

from marches.enums import EtatExecution
from marches.models import Acheteur, Entreprise, Marche
from territoires.models import Epci


def marches_designes(ids):
    """Contracts whose ids a subquery gives (`clauses.values("lot__marche")`), in reference order."""
    return Marche.objects.filter(pk__in=ids).order_by("reference", "pk")


def acheteurs_des_marches(marches):
    """Buyers of these contracts: the options of a buyer filter, never one the user cannot see."""
    # In French alphabetical order: the model's default ordering.
    return Acheteur.objects.filter(pk__in=marches.order_by().values("acheteur"))


def epci_des_marches(marches):
    return Epci.objects.filter(pk__in=marches.order_by().values("epci"))  # French alphabetical order


def entreprises_par_siret(sirets) -> dict[str, Entreprise]:
    return {e.siret: e for e in Entreprise.objects.filter(siret__in=set(sirets))}


def epci_par_siren(siren: str) -> Epci | None:
    return Epci.objects.filter(siren=siren).first()


def epci_du_territoire():
    return Epci.objects.all()  # French alphabetical order (the model's default ordering)


def annees_d_execution(marches) -> list[int]:
    """Years during which at least one of these contracts is in execution, most recent first (one query)."""
    periodes = marches.order_by().values_list("date_debut__year", "date_fin__year").distinct()
    annees = set()
    for debut, fin in periodes:
        annees.update(range(debut, fin + 1))
    return sorted(annees, reverse=True)


def etat_execution(*, jour: datetime.date, prefixe: str = ""):
    """The contract's EtatExecution on `jour`, as an expression (`prefixe`: the path to the contract, "lot__marche__")."""
    return Case(
        When(Q(**{f"{prefixe}date_debut__gt": jour}), then=Value(EtatExecution.PAS_COMMENCE)),
        When(Q(**{f"{prefixe}date_fin__lt": jour}), then=Value(EtatExecution.TERMINE)),
        default=Value(EtatExecution.EN_EXECUTION),
    )

"""Reads on contracts that lists and their filters share (options are computed from the scoped rows)."""

import datetime

from django.db.models import Case, Q, Value, When

from marches.enums import EtatExecution
from marches.models import Acheteur, Entreprise, Marche
from portail.recherche import Plier
from portail.tri import ordre_francais
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


# --- the contract form --------------------------------------------------------------------------------


def reference_prise(*, acheteur, reference: str, sauf: Marche | None = None) -> bool:
    """Whether this buyer already has another contract of this reference (case ignored)."""
    if acheteur is None or getattr(acheteur, "pk", None) is None:
        return False
    autres = Marche.objects.filter(acheteur=acheteur, reference__iexact=(reference or "").strip())
    if sauf is not None and sauf.pk:
        autres = autres.exclude(pk=sauf.pk)
    return autres.exists()


def acheteurs_a_choisir():
    return Acheteur.objects.select_related("epci").order_by(ordre_francais("nom"), "pk")


def entreprises_a_choisir():
    """Companies a lot's holder is chosen among (those with a SIRET)."""
    return Entreprise.objects.filter(siret__isnull=False).order_by(ordre_francais("raison_sociale"), "pk")


def entreprise_par_siret(siret: str) -> Entreprise | None:
    return Entreprise.objects.filter(siret=siret).first()


def entreprises_du_nom(nom_plie: str) -> list[Entreprise]:
    """Companies whose name, folded (accents, case), is `nom_plie`: at most two, enough to tell it is ambiguous."""
    return list(
        Entreprise.objects.filter(siret__isnull=False)
        .annotate(nom_plie=Plier("raison_sociale"))
        .filter(nom_plie=nom_plie)
        .order_by("pk")[:2]
    )


def acheteur_par_siret(siret: str) -> Acheteur | None:
    return Acheteur.objects.filter(siret=siret).first()


def evenements_du_marche(*, marche):
    return marche.evenements_suivi.select_related("auteur").order_by("-date", "-pk")

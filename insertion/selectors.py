"""Reads scoped by user: the same querysets feed lists, filters, exports and figures."""

from decimal import Decimal

from django.db.models import DecimalField, Exists, OuterRef, Subquery, Sum, Value
from django.db.models.functions import Coalesce
from django.http import Http404
from django.shortcuts import get_object_or_404

from marches.models import Marche

from .enums import Statut
from .models import Clause, HeuresRealisees

ZERO = Value(Decimal(0), output_field=DecimalField(max_digits=14, decimal_places=2))


def get_marche_for_user(*, user, pk) -> Marche:
    """The contract, or 404 when it is not in the user's scope."""
    return get_object_or_404(Marche.objects.for_user(user).select_related("acheteur", "epci"), pk=pk)


def get_clause_for_user(*, user, pk) -> Clause:
    marches = Marche.objects.for_user(user)
    return get_object_or_404(
        Clause.objects.select_related("lot__marche__acheteur", "lot__marche__epci", "lot__titulaire").filter(
            lot__marche__in=marches
        ),
        pk=pk,
    )


def get_heures_for_user(*, user, pk) -> HeuresRealisees:
    """A row of hours, or 404 for anyone who may not see the person it names."""
    if not user.voit_donnees_personnelles:
        raise Http404
    return get_object_or_404(
        HeuresRealisees.objects.for_user(user).select_related(
            "clause__lot__marche__epci", "beneficiaire", "employeur", "saisi_par", "valide_par"
        ),
        pk=pk,
    )


def _somme_heures(statut, *, par):
    rangees = HeuresRealisees.objects.filter(**{par: OuterRef("pk")}, statut=statut).order_by()
    return Coalesce(
        Subquery(rangees.values(par).annotate(total=Sum("heures")).values("total")[:1]),
        ZERO,
    )


def marches_avec_clause(*, user):
    """Contracts in the user's scope that carry at least one clause, with their hours."""
    clauses = Clause.objects.filter(lot__marche=OuterRef("pk")).order_by()
    reservees = clauses.values("lot__marche").annotate(total=Sum("heures_reservees")).values("total")[:1]
    return (
        Marche.objects.for_user(user)
        .filter(Exists(clauses))
        .select_related("acheteur", "epci")
        .annotate(
            heures_reservees=Subquery(reservees),
            heures_declarees=_somme_heures(Statut.DECLAREES, par="clause__lot__marche"),
            heures_validees=_somme_heures(Statut.VALIDEES, par="clause__lot__marche"),
        )
    )


def clauses_du_marche(*, marche):
    """The clauses of one contract, with their declared and validated hours."""
    return (
        Clause.objects.filter(lot__marche=marche)
        .select_related("lot__titulaire")
        .annotate(
            heures_declarees=_somme_heures(Statut.DECLAREES, par="clause"),
            heures_validees=_somme_heures(Statut.VALIDEES, par="clause"),
        )
        .order_by("lot__numero")
    )


def taux_realisation(*, validees, reservees):
    """Validated ÷ reserved hours, in %; None when the clause is not calibrated."""
    if not reservees:
        return None
    return Decimal(validees or 0) * 100 / Decimal(reservees)

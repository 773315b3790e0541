"""Contracts with an insertion clause: the list (filters, sort, export) and the contract page.

Neither page shows a person, so readers see them too, within their scope.
"""

from decimal import Decimal

from django.db.models import Q, Sum
from django.db.models.functions import Coalesce
from django.shortcuts import render
from django.utils import timezone
from django_tables2 import RequestConfig

from portail.periodes import libelle_mois, mois_courant, premier_jour
from portail.tableurs import ExportTableur

from ..enums import Statut
from ..filters import MarchesFilter
from ..models import HeuresRealisees
from ..selectors import ZERO, clauses_du_marche, get_marche_for_user, marches_avec_clause, taux_realisation
from ..tables import MarchesTable

MARCHES_PAR_PAGE = 25


def liste(request):
    user = request.user
    avec_epci = user.voit_plusieurs_epci
    marches = marches_avec_clause(user=user).order_by("-date_debut", "reference", "pk")
    filtre = MarchesFilter(request.GET, queryset=marches, avec_epci=avec_epci)
    table = MarchesTable(
        filtre.qs if filtre.is_valid() else marches.none(),
        exclude=() if avec_epci else ("epci",),
        caption=f"Marchés avec clause d'insertion — {user.perimetre}",
    )
    if filtre.actif:
        table.empty_text = "Aucun marché ne correspond à ces critères."

    export = request.GET.get("_export")
    if export in ExportTableur.FORMATS_PROPOSES:
        RequestConfig(request, paginate=False).configure(table)
        nom = f"marches-clauses-insertion-{timezone.localdate():%Y-%m-%d}.{export}"
        return ExportTableur(export, table, dataset_kwargs={"title": "Marchés"}).response(filename=nom)

    RequestConfig(request, paginate={"per_page": MARCHES_PAR_PAGE}).configure(table)
    return render(
        request,
        "insertion/marches/liste.html",
        {"filtre": filtre, "table": table, "tri": request.GET.get("sort", "")},
    )


def _mois_de_saisie(marche):
    """The month a clerk most likely enters: this month during execution, else the contract's last month.

    None before the contract starts: no month can be declared yet.
    """
    ce_mois = mois_courant()
    if ce_mois < premier_jour(marche.date_debut):
        return None
    return min(ce_mois, premier_jour(marche.date_fin))


def _heures_par_mois(*, user, marche):
    # Candidate for insertion/selectors.py: one grouped query, rejected hours left out.
    return (
        HeuresRealisees.objects.for_user(user)
        .filter(clause__lot__marche=marche)
        .exclude(statut=Statut.REJETEES)
        .values("mois")
        .annotate(
            validees=Coalesce(Sum("heures", filter=Q(statut=Statut.VALIDEES)), ZERO),
            declarees=Coalesce(Sum("heures", filter=Q(statut=Statut.DECLAREES)), ZERO),
        )
        .order_by("mois")
    )


def _somme(valeurs):
    valeurs = [v for v in valeurs if v is not None]
    return sum(valeurs, Decimal(0)) if valeurs else None


def _lot(lot, clause):
    if clause is None:
        return {"lot": lot, "clause": None, "taux": None, "heures_calculees": None}
    return {
        "lot": lot,
        "clause": clause,
        "taux": taux_realisation(validees=clause.heures_validees, reservees=clause.heures_reservees),
        "heures_calculees": clause.calculer_heures_reservees(),
    }


def detail(request, pk):
    user = request.user
    marche = get_marche_for_user(user=user, pk=pk)
    clauses = {clause.lot_id: clause for clause in clauses_du_marche(marche=marche)}
    lots = [
        _lot(lot, clauses.get(lot.pk)) for lot in marche.lots.select_related("titulaire").order_by("numero")
    ]
    totaux = {
        "reservees": _somme(c.heures_reservees for c in clauses.values()),
        "declarees": _somme(c.heures_declarees for c in clauses.values()),
        "validees": _somme(c.heures_validees for c in clauses.values()),
    }
    totaux["partiel"] = totaux["reservees"] is not None and any(
        c.heures_reservees is None for c in clauses.values()
    )
    totaux["taux"] = taux_realisation(validees=totaux["validees"], reservees=totaux["reservees"])
    par_mois = list(_heures_par_mois(user=user, marche=marche))
    mois_saisie = _mois_de_saisie(marche) if user.peut_declarer else None
    return render(
        request,
        "insertion/marches/detail.html",
        {
            "marche": marche,
            "lots": lots,
            "totaux": totaux,
            "par_mois": par_mois,
            "total_mois": {
                "validees": sum((m["validees"] for m in par_mois), Decimal(0)),
                "declarees": sum((m["declarees"] for m in par_mois), Decimal(0)),
            },
            "peut_declarer": user.peut_declarer,
            "mois_saisie": mois_saisie,
            "mois_saisie_libelle": libelle_mois(mois_saisie) if mois_saisie else "",
            "mois_saisie_url": f"{mois_saisie:%Y-%m}" if mois_saisie else "",
        },
    )

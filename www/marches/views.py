"""Contracts with an insertion clause: the list (filters, sort, export), the contract page, the DECP import.

Neither page shows a person, so readers see them too, within their scope.
"""

from decimal import Decimal

from django.conf import settings
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from insertion.selectors import (
    clauses_du_marche,
    get_marche_for_user,
    heures_par_mois_du_marche,
    lots_du_marche,
    marches_avec_clause,
    taux_realisation,
)
from marches import decp
from portail.acces import utilisateur_ou_404
from portail.periodes import code_mois, libelle_mois, mois_courant, premier_jour
from portail.requetes import PaginationTable, taille_max_requete
from portail.tableurs import ExportTableur
from www.marches.filters import MarcheFilter
from www.marches.forms import TAILLE_MAX_DECP_OCTETS, ImportDecpForm
from www.marches.tables import MarcheTable

MARCHES_PAR_PAGE = 25


@utilisateur_ou_404("is_authenticated")
def liste(request):
    user = request.user
    avec_epci = user.voit_plusieurs_epci
    marches = marches_avec_clause(user=user).order_by("-date_debut", "reference", "pk")
    filtre = MarcheFilter(request.GET, queryset=marches, avec_epci=avec_epci)
    table = MarcheTable(
        filtre.qs if filtre.is_valid() else marches.none(),
        exclude=() if avec_epci else ("epci",),
        caption=f"Marchés avec clause d'insertion — {user.perimetre}",
    )
    if filtre.actif:
        table.empty_text = "Aucun marché ne correspond à ces critères."

    export = request.GET.get("_export")
    if export in ExportTableur.FORMATS_PROPOSES:
        PaginationTable(request, paginate=False).configure(table)
        nom = f"marches-clauses-insertion-{timezone.localdate():%Y-%m-%d}.{export}"
        return ExportTableur(export, table, dataset_kwargs={"title": "Marchés"}).response(filename=nom)

    PaginationTable(request, paginate={"per_page": MARCHES_PAR_PAGE}).configure(table)
    return render(
        request,
        "marches/liste.html",
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
    lots = [_lot(lot, clauses.get(lot.pk)) for lot in lots_du_marche(marche=marche)]
    totaux = {
        "reservees": _somme(c.heures_reservees for c in clauses.values()),
        "declarees": _somme(c.heures_declarees for c in clauses.values()),
        "validees": _somme(c.heures_validees for c in clauses.values()),
    }
    totaux["partiel"] = totaux["reservees"] is not None and any(
        c.heures_reservees is None for c in clauses.values()
    )
    totaux["taux"] = taux_realisation(validees=totaux["validees"], reservees=totaux["reservees"])
    par_mois = list(heures_par_mois_du_marche(user=user, marche=marche))
    mois_saisie = _mois_de_saisie(marche) if user.peut_declarer else None
    return render(
        request,
        "marches/detail.html",
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
            "mois_saisie_url": code_mois(mois_saisie) if mois_saisie else "",
        },
    )


@taille_max_requete(TAILLE_MAX_DECP_OCTETS + 1024 * 1024)  # the file and the form's other fields
@utilisateur_ou_404("voit_tout")
@require_http_methods(["GET", "POST"])
def importer_decp(request):
    """Département staff upload a DECP file and read the summary; everyone else gets a 404."""
    resultat = None
    formulaire = ImportDecpForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and formulaire.is_valid():
        donnees = formulaire.cleaned_data
        fichier = donnees["fichier"]  # above 2,5 Mo, Django keeps it in a temporary file: streamed from there
        try:
            fichier.seek(0)
            resultat = decp.importer_decp(
                fichier=fichier,
                departement=settings.DEPARTEMENT,  # the page never imports a contract outside it
                simulation=donnees["simulation"],
                utilisateur=request.user,
            )
        except decp.ImportDecpImpossible as exc:
            formulaire.add_error("fichier", exc.message)
    return render(
        request,
        "marches/import_decp.html",
        {
            "formulaire": formulaire,
            "resultat": resultat,
            "departement": settings.DEPARTEMENT,
            "nom_fichier": formulaire.cleaned_data["fichier"].name if resultat else "",
        },
    )

"""/pilotage/: the contracts at risk (filters, sort, export) and, per EPCI, the contracts with nothing declared
for last month.

Contracts are not personal data: readers see the page too, within their scope (the same scoped rows feed the
table, its filter options and its export); only those who enter hours get the links to the grids.
"""

from django.shortcuts import render
from django.utils import timezone

from insertion.pilotage import (
    JOURS_FIN_PROCHE,
    SEUIL_RETARD,
    declarations_manquantes,
    marches_a_risque,
    mois_dernier,
)
from portail.acces import utilisateur_ou_404
from portail.periodes import code_mois, libelle_mois
from portail.requetes import PaginationTable
from portail.tableurs import ExportTableur
from www.pilotage.forms import FiltrePilotageForm
from www.pilotage.tables import MarcheARisqueTable

MARCHES_PAR_PAGE = 50


@utilisateur_ou_404("is_authenticated")
def page(request):
    user = request.user
    jour = timezone.localdate()
    lignes = marches_a_risque(user=user, jour=jour)
    filtre = FiltrePilotageForm(request.GET or None, lignes=lignes, avec_epci=user.voit_plusieurs_epci)
    table = MarcheARisqueTable(
        filtre.filtrer(lignes),
        exclude=() if user.voit_plusieurs_epci else ("epci",),
        caption=f"Marchés à risque au {jour:%d/%m/%Y} — {user.perimetre}",
    )
    if filtre.actif:
        table.empty_text = "Aucun marché à risque ne correspond à ces critères."

    export = request.GET.get("_export")
    if export in ExportTableur.FORMATS_PROPOSES:
        PaginationTable(request, paginate=False).configure(table)
        nom = f"marches-a-risque-{jour:%Y-%m-%d}.{export}"
        return ExportTableur(export, table, dataset_kwargs={"title": "Marchés à risque"}).response(
            filename=nom
        )

    PaginationTable(request, paginate={"per_page": MARCHES_PAR_PAGE}).configure(table)
    mois = mois_dernier(jour)
    manquantes = declarations_manquantes(user=user, mois=mois, jour=jour)
    return render(
        request,
        "pilotage/page.html",
        {
            "filtre": filtre,
            "table": table,
            "tri": request.GET.get("sort", ""),
            "jour": jour,
            "seuil_retard": int(SEUIL_RETARD * 100),
            "jours_fin_proche": JOURS_FIN_PROCHE,
            "manquantes": manquantes,
            "nombre_manquants": sum(len(groupe.marches) for groupe in manquantes),
            "mois_manquant": libelle_mois(mois),
            "code_mois_manquant": code_mois(mois),
            "avec_liens_saisie": user.peut_declarer,
        },
    )

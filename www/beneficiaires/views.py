"""Beneficiary list and file (Département staff and EPCI clerks), and outcomes (Département only)."""

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone

from beneficiaires import selectors, services
from beneficiaires.models import Sortie
from insertion.fusion import nombre_d_identites_en_double
from insertion.selectors import beneficiaires_avec_heures, heures_du_beneficiaire, totaux_heures
from portail.acces import utilisateur_ou_404
from portail.periodes import age
from portail.requetes import PaginationTable
from portail.tableurs import ExportTableur
from www.beneficiaires.filters import BeneficiaireFilter
from www.beneficiaires.forms import SortieForm
from www.beneficiaires.tables import BeneficiaireTable, HeuresBeneficiaireTable

PAR_PAGE = 25
HEURES_PAR_PAGE = 50


def _exporter(table, format_export, *, nom):
    export = ExportTableur(format_export, table, dataset_kwargs={"title": "Bénéficiaires"})
    return export.response(filename=f"{nom}.{format_export}")


@utilisateur_ou_404("voit_donnees_personnelles")
def liste(request):
    user = request.user
    filtre = BeneficiaireFilter(request.GET or None, queryset=beneficiaires_avec_heures(user=user))
    table = BeneficiaireTable(
        filtre.qs,
        caption="Bénéficiaires" if user.voit_tout else f"Bénéficiaires suivis par {user.epci.nom}",
        heures_epci_seulement=not user.voit_tout,
    )
    PaginationTable(request, paginate={"per_page": PAR_PAGE}).configure(table)

    format_export = request.GET.get("_export")
    if format_export:
        # Personal data leaves the screen only for Département staff.
        if not user.voit_tout or format_export not in ExportTableur.FORMATS_PROPOSES:
            raise Http404
        return _exporter(table, format_export, nom=f"beneficiaires-{timezone.localdate():%Y-%m-%d}")

    contexte = {
        "filtre": filtre,
        "table": table,
        "identites_en_double": nombre_d_identites_en_double(user=user),
    }
    return render(request, "beneficiaires/liste.html", contexte)


def fiche(request, public_id):
    user = request.user
    beneficiaire = selectors.get_beneficiaire_for_user(user=user, public_id=public_id)
    heures = heures_du_beneficiaire(user=user, beneficiaire=beneficiaire)
    table_heures = HeuresBeneficiaireTable(
        heures,
        caption=(
            "Heures réalisées, tous marchés confondus"
            if user.voit_tout
            else f"Heures réalisées sur les marchés de {user.epci.nom}"
        ),
    )
    PaginationTable(request, paginate={"per_page": HEURES_PAR_PAGE}).configure(table_heures)
    contexte = {
        "beneficiaire": beneficiaire,
        "age": age(beneficiaire.date_naissance, timezone.localdate()),
        "publics": selectors.publics_du_beneficiaire(beneficiaire=beneficiaire),
        "totaux": totaux_heures(heures=heures),
        "table_heures": table_heures,
        "voit_tout": user.voit_tout,
        "sorties": [],
        "historique": [],
    }
    if user.voit_tout:
        contexte["sorties"] = selectors.sorties_du_beneficiaire(beneficiaire=beneficiaire)
        contexte["historique"] = selectors.historique_du_beneficiaire(beneficiaire=beneficiaire)
    return render(request, "beneficiaires/fiche.html", contexte)


@utilisateur_ou_404("voit_tout")
def sortie(request, public_id, sortie_pk=None):
    user = request.user
    beneficiaire = selectors.get_beneficiaire_for_user(user=user, public_id=public_id)
    if sortie_pk is None:
        instance = Sortie(beneficiaire=beneficiaire)
    else:
        instance = selectors.get_sortie(beneficiaire=beneficiaire, pk=sortie_pk)

    form = SortieForm(request.POST or None, instance=instance)
    if request.method == "POST" and form.is_valid():
        try:
            enregistree = services.enregistrer_sortie(user=user, sortie=form.instance)
        except services.SortieEnDouble as erreur:
            form.add_error(None, str(erreur))
        else:
            verbe = "ajoutée" if sortie_pk is None else "modifiée"
            messages.success(request, f"Sortie {verbe} : {enregistree}.")
            return redirect("beneficiaires:fiche", public_id=beneficiaire.public_id)
    return render(
        request,
        "beneficiaires/sortie.html",
        {"beneficiaire": beneficiaire, "form": form, "creation": sortie_pk is None},
    )

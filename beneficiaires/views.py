"""Beneficiary list and file (Département staff and EPCI clerks), and outcomes (Département only)."""

from django.contrib import messages
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django_tables2 import RequestConfig

from portail.tableurs import ExportTableur

from . import selectors
from .filters import BeneficiaireFilter
from .forms import SortieForm
from .models import Sortie
from .tables import BeneficiaireTable, HeuresBeneficiaireTable

PAR_PAGE = 25
HEURES_PAR_PAGE = 50


def _exiger_donnees_personnelles(user):
    if not user.voit_donnees_personnelles:
        raise Http404


def _exporter(table, format_export, *, nom):
    export = ExportTableur(format_export, table, dataset_kwargs={"title": "Bénéficiaires"})
    return export.response(filename=f"{nom}.{format_export}")


def liste(request):
    user = request.user
    _exiger_donnees_personnelles(user)
    filtre = BeneficiaireFilter(request.GET or None, queryset=selectors.beneficiaires_pour_liste(user=user))
    table = BeneficiaireTable(
        filtre.qs,
        caption="Bénéficiaires" if user.voit_tout else f"Bénéficiaires suivis par {user.epci.nom}",
        heures_epci_seulement=not user.voit_tout,
    )
    RequestConfig(request, paginate={"per_page": PAR_PAGE}).configure(table)

    format_export = request.GET.get("_export")
    if format_export:
        # Personal data leaves the screen only for Département staff.
        if not user.voit_tout or format_export not in ExportTableur.FORMATS_PROPOSES:
            raise Http404
        return _exporter(table, format_export, nom=f"beneficiaires-{timezone.localdate():%Y-%m-%d}")

    return render(request, "beneficiaires/liste.html", {"filtre": filtre, "table": table})


def fiche(request, public_id):
    user = request.user
    _exiger_donnees_personnelles(user)
    beneficiaire = selectors.get_beneficiaire_for_user(user=user, public_id=public_id)
    heures = selectors.heures_du_beneficiaire(user=user, beneficiaire=beneficiaire)
    table_heures = HeuresBeneficiaireTable(
        heures,
        caption=(
            "Heures réalisées, tous marchés confondus"
            if user.voit_tout
            else f"Heures réalisées sur les marchés de {user.epci.nom}"
        ),
    )
    RequestConfig(request, paginate={"per_page": HEURES_PAR_PAGE}).configure(table_heures)
    contexte = {
        "beneficiaire": beneficiaire,
        "age": selectors.age(date_naissance=beneficiaire.date_naissance, jour=timezone.localdate()),
        "publics": selectors.publics_du_beneficiaire(beneficiaire=beneficiaire),
        "totaux": selectors.totaux_heures(heures=heures),
        "table_heures": table_heures,
        "voit_tout": user.voit_tout,
        "sorties": [],
        "historique": [],
    }
    if user.voit_tout:
        contexte["sorties"] = selectors.sorties_du_beneficiaire(beneficiaire=beneficiaire)
        contexte["historique"] = selectors.historique_du_beneficiaire(beneficiaire=beneficiaire)
    return render(request, "beneficiaires/fiche.html", contexte)


def sortie(request, public_id, sortie_pk=None):
    user = request.user
    if not user.voit_tout:
        raise Http404
    beneficiaire = selectors.get_beneficiaire_for_user(user=user, public_id=public_id)
    if sortie_pk is None:
        instance = Sortie(beneficiaire=beneficiaire)
    else:
        instance = get_object_or_404(beneficiaire.sorties.all(), pk=sortie_pk)
        instance.beneficiaire = beneficiaire

    form = SortieForm(request.POST or None, instance=instance)
    if request.method == "POST" and form.is_valid():
        enregistree = form.enregistrer()
        if enregistree is not None:
            verbe = "ajoutée" if sortie_pk is None else "modifiée"
            messages.success(request, f"Sortie {verbe} : {enregistree}.")
            return redirect("beneficiaire", public_id=beneficiaire.public_id)
    return render(
        request,
        "beneficiaires/sortie.html",
        {"beneficiaire": beneficiaire, "form": form, "creation": sortie_pk is None},
    )

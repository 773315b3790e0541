"""Companies: the list (filters, export), the company page, the Département's confirmation or merge of an
employer typed by a clerk, and the attestation of the hours a company achieved on a contract.

Companies are not personal data: readers see the list and the pages, within their scope, with counts of
people only (never names; a count of 1 to 4 shows "< 5").
"""

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from beneficiaires.enums import ActionAcces
from beneficiaires.journal import journaliser
from insertion.entreprises import (
    chiffres_attestation,
    entreprise_par_siret,
    entreprises_a_verifier,
    entreprises_avec_chiffres,
    get_entreprise_for_user,
    marches_de_l_entreprise,
    personnes_employees,
)
from insertion.selectors import taux_realisation
from marches.entreprises import FusionEntreprisesImpossible, confirmer_entreprise, fusionner_entreprises
from portail.acces import utilisateur_ou_404
from portail.requetes import PaginationTable
from portail.tableurs import ExportTableur
from www.entreprises.filters import EntrepriseFilter
from www.entreprises.forms import FusionEntrepriseForm, VerificationEntrepriseForm
from www.entreprises.tables import EntrepriseTable, masquer_effectif

PAR_PAGE = 25


@utilisateur_ou_404("is_authenticated")
def liste(request):
    user = request.user
    entreprises = entreprises_avec_chiffres(user=user)
    filtre = EntrepriseFilter(request.GET, queryset=entreprises)
    table = EntrepriseTable(
        filtre.qs if filtre.is_valid() else entreprises.none(),
        caption=f"Entreprises titulaires ou employeurs — {user.perimetre}",
        masquer_effectifs=not user.voit_donnees_personnelles,
    )
    if filtre.actif:
        table.empty_text = "Aucune entreprise ne correspond à ces critères."

    export = request.GET.get("_export")
    if export in ExportTableur.FORMATS_PROPOSES:
        PaginationTable(request, paginate=False).configure(table)
        nom = f"entreprises-{timezone.localdate():%Y-%m-%d}.{export}"
        return ExportTableur(export, table, dataset_kwargs={"title": "Entreprises"}).response(filename=nom)

    PaginationTable(request, paginate={"per_page": PAR_PAGE}).configure(table)
    return render(
        request,
        "entreprises/liste.html",
        {"filtre": filtre, "table": table, "tri": request.GET.get("sort", "")},
    )


@utilisateur_ou_404("voit_tout")
def a_verifier(request):
    """Employers typed by clerks, waiting for the Département (oldest first)."""
    return render(
        request,
        "entreprises/a_verifier.html",
        {"entreprises": entreprises_a_verifier().order_by("pk")},
    )


def _marche(marche):
    marche.taux = taux_realisation(
        validees=marche.heures_validees_titulaire, reservees=marche.heures_reservees
    )
    return marche


def detail(request, siret):
    user = request.user
    entreprise = get_entreprise_for_user(user=user, siret=siret)
    marches = [_marche(m) for m in marches_de_l_entreprise(user=user, entreprise=entreprise)]
    masquer = not user.voit_donnees_personnelles
    for marche in marches:
        marche.effectif = masquer_effectif(marche.nombre_personnes, masquer=masquer)
    personnes = []
    if user.voit_donnees_personnelles:
        personnes = list(personnes_employees(user=user, entreprise=entreprise))
        nombre = len({p["beneficiaire__public_id"] for p in personnes})
        journaliser(
            user=user,
            action=ActionAcces.RECHERCHE,
            nombre_personnes=nombre,
            detail=f"personnes employées par {entreprise.raison_sociale} (SIRET {entreprise.siret})",
        )
    contexte = {
        "entreprise": entreprise,
        "marches": marches,
        "personnes": personnes,
        "voit_personnes": user.voit_donnees_personnelles,
        "peut_attester": user.peut_declarer,
        "verification": None,
        "fusion": None,
    }
    if user.voit_tout:
        contexte["verification"] = VerificationEntrepriseForm(
            initial={"raison_sociale": entreprise.raison_sociale, "type_structure": entreprise.type_structure}
        )
        contexte["fusion"] = FusionEntrepriseForm()
    return render(request, "entreprises/detail.html", contexte)


@utilisateur_ou_404("voit_tout")
@require_POST
def confirmer(request, siret):
    user = request.user
    entreprise = get_entreprise_for_user(user=user, siret=siret)
    form = VerificationEntrepriseForm(request.POST)
    if not form.is_valid():
        for erreurs in form.errors.values():
            for erreur in erreurs:
                messages.error(request, erreur)
        return redirect("entreprises:detail", siret=entreprise.siret)
    confirmer_entreprise(
        user=user,
        entreprise=entreprise,
        raison_sociale=form.cleaned_data["raison_sociale"],
        type_structure=form.cleaned_data["type_structure"],
    )
    messages.success(request, f"Employeur vérifié : {entreprise.raison_sociale} (SIRET {entreprise.siret}).")
    return redirect("entreprises:detail", siret=entreprise.siret)


@utilisateur_ou_404("voit_tout")
@require_POST
def fusionner(request, siret):
    user = request.user
    doublon = get_entreprise_for_user(user=user, siret=siret)
    form = FusionEntrepriseForm(request.POST)
    gardee = None
    if form.is_valid():
        gardee = entreprise_par_siret(siret=form.cleaned_data["siret_gardee"])
        if gardee is None:
            form.add_error("siret_gardee", "Aucune entreprise n'est enregistrée avec ce SIRET.")
    if not form.is_valid():
        for erreur in form.errors.get("siret_gardee", []):
            messages.error(request, erreur)
        return redirect("entreprises:detail", siret=doublon.siret)
    nom = f"{doublon.raison_sociale} (SIRET {doublon.siret})"
    try:
        fusionner_entreprises(user=user, doublon=doublon, gardee=gardee)
    except FusionEntreprisesImpossible as refus:
        messages.error(request, str(refus))
        return redirect("entreprises:detail", siret=doublon.siret)
    messages.success(
        request,
        f"{nom} est fusionnée avec {gardee.raison_sociale} : ses heures et ses lots y sont rattachés.",
    )
    return redirect("entreprises:detail", siret=gardee.siret)


# Département staff and the clerks (of the contract's EPCI: the contract must be in their scope); readers never.
@utilisateur_ou_404("peut_declarer")
def attestation(request, siret, marche_pk):
    user = request.user
    if marche_pk >= 2**63:  # beyond any id: never passed to the database
        raise Http404
    entreprise = get_entreprise_for_user(user=user, siret=siret)
    chiffres = chiffres_attestation(user=user, entreprise=entreprise, marche_pk=marche_pk)
    if not (chiffres.titulaire or chiffres.employeur):
        raise Http404
    return render(
        request,
        "entreprises/attestation.html",
        {
            "entreprise": entreprise,
            "chiffres": chiffres,
            "marche": chiffres.marche,
            "date": timezone.localdate(),
        },
    )

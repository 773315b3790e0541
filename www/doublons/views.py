"""Records of the same person entered twice (by two EPCI): the list and the merge, for Département staff."""

from django.contrib import messages
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST, require_safe

from beneficiaires.enums import ActionAcces
from beneficiaires.journal import journaliser
from insertion import fusion
from portail.acces import utilisateur_ou_404
from portail.francais import de
from portail.requetes import PAGE_MAX, entier_borne
from www.doublons.forms import FusionForm

GROUPES_PAR_PAGE = 20


@utilisateur_ou_404("voit_tout")
@require_safe
def liste(request):
    numero = request.GET.get("page")
    if numero is not None:
        entier_borne(
            numero, nom="page", minimum=1, maximum=PAGE_MAX, aide="indiquez un numéro de page : 1, 2, 3…"
        )
    page = Paginator(fusion.cles_en_double(), GROUPES_PAR_PAGE).get_page(numero)
    groupes = fusion.groupes_de_doublons(user=request.user, cles=list(page.object_list))
    journaliser(
        user=request.user,
        action=ActionAcces.RECHERCHE,
        nombre_personnes=sum(len(g.fiches) for g in groupes),
        detail=f"fiches en double, page {page.number}",
    )
    return render(request, "doublons/liste.html", {"page": page, "groupes": groupes})


@utilisateur_ou_404("voit_tout")
@require_POST
def fusionner(request):
    form = FusionForm(request.POST)
    if not form.is_valid():
        messages.error(
            request, "Demande de fusion incomplète : choisissez de nouveau les fiches à fusionner."
        )
        return redirect("doublons:liste")
    gardee, absorbee = fusion.get_paire_a_fusionner(
        user=request.user, gardee=form.cleaned_data["gardee"], absorbee=form.cleaned_data["absorbee"]
    )
    try:
        fusion.fusionner(user=request.user, gardee=gardee, absorbee=absorbee)
    except fusion.FusionImpossible as erreur:
        messages.error(request, erreur.message)
        return redirect("doublons:liste")
    messages.success(
        request,
        f"Les deux fiches {de(str(gardee))} (né·e le {gardee.date_naissance:%d/%m/%Y}) n'en font plus qu'une : "
        "heures, publics et sorties sont regroupés sur la plus ancienne.",
    )
    return redirect("beneficiaires:fiche", public_id=gardee.public_id)

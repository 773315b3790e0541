"""The years of the hours and their closing (Département staff): close a year at a date, reopen it for a reason."""

from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST, require_safe

from insertion import cloture
from portail.acces import utilisateur_ou_404
from www.annees.forms import MESSAGE_ANNEE, AnneeForm, ClotureAnneeForm, ReouvertureAnneeForm

MESSAGE_CONFIRMATION = "Cochez cette case pour clôturer l'année malgré les lignes encore déclarées."


def _identifiant(annee: int) -> str:
    """Field ids of one year's forms: several years' forms share the page."""
    return f"id_%s_{annee}"


def _page(request, *, formulaire=None):
    """The page; `formulaire`: a bound form of one year, shown with its errors in place of the empty one."""
    etats = cloture.etats_des_annees(user=request.user)
    aujourd_hui = timezone.localdate()
    for etat in etats:
        etat.reouverture = etat.cloturee
        if etat.cloturee:
            etat.formulaire = ReouvertureAnneeForm(
                initial={"annee": etat.annee}, auto_id=_identifiant(etat.annee)
            )
        else:
            etat.formulaire = ClotureAnneeForm(
                initial={"annee": etat.annee, "date_cloture": aujourd_hui}, auto_id=_identifiant(etat.annee)
            )
        if formulaire is not None and formulaire.cleaned_data.get("annee") == etat.annee:
            etat.formulaire, formulaire = formulaire, None
            etat.reouverture = isinstance(etat.formulaire, ReouvertureAnneeForm)
    if formulaire is not None:  # a year without hours nor closing: its errors as messages
        for erreurs in formulaire.errors.values():
            for erreur in erreurs:
                messages.error(request, erreur)
    return render(request, "annees/liste.html", {"etats": etats})


def _annee_postee(request) -> int | None:
    form = AnneeForm(request.POST)
    if not form.is_valid():
        messages.error(request, MESSAGE_ANNEE)
        return None
    return form.cleaned_data["annee"]


@utilisateur_ou_404("voit_tout")
@require_safe
def liste(request):
    return _page(request)


@utilisateur_ou_404("voit_tout")
@require_POST
def cloturer(request):
    annee = _annee_postee(request)
    if annee is None:
        return redirect("annees:liste")
    form = ClotureAnneeForm(request.POST, auto_id=_identifiant(annee))
    if form.is_valid():
        try:
            fermee = cloture.cloturer_annee(
                user=request.user,
                annee=annee,
                date_cloture=form.cleaned_data["date_cloture"],
                confirmer=form.cleaned_data["confirmer"],
            )
        except cloture.ClotureImpossible as refus:
            if refus.confirmation_requise:  # the warning is on the page, above the box
                form.add_error("confirmer", MESSAGE_CONFIRMATION)
            else:
                form.add_error(None, refus.message)
        else:
            messages.success(
                request,
                f"L'année {annee} est clôturée au {fermee.date_cloture:%d/%m/%Y} : ses heures ne peuvent plus "
                "être modifiées et son bilan est définitif.",
            )
            return redirect("annees:liste")
    return _page(request, formulaire=form)


@utilisateur_ou_404("voit_tout")
@require_POST
def rouvrir(request):
    annee = _annee_postee(request)
    if annee is None:
        return redirect("annees:liste")
    form = ReouvertureAnneeForm(request.POST, auto_id=_identifiant(annee))
    if form.is_valid():
        try:
            cloture.rouvrir_annee(user=request.user, annee=annee, motif=form.cleaned_data["motif"])
        except cloture.ClotureImpossible as refus:
            form.add_error(None, refus.message)
        else:
            messages.success(
                request,
                f"L'année {annee} est rouverte : ses heures peuvent de nouveau être saisies, validées ou "
                "rejetées, et ses chiffres redeviennent provisoires.",
            )
            return redirect("annees:liste")
    return _page(request, formulaire=form)

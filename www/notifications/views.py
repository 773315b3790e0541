"""A user's own notifications: the list (newest first, unread highlighted), marking them read, and whether
they also arrive by e-mail. Every signed-in account has a list; readers' stays empty."""

from django.contrib import messages
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from notifications import services
from notifications.selectors import get_notification_for_user, notifications_de, recoit_courriels
from portail.acces import utilisateur_ou_404
from portail.formats import nombre
from portail.requetes import PAGE_MAX, entier_borne
from www.notifications.forms import PreferenceNotificationForm

NOTIFICATIONS_PAR_PAGE = 30


def _numero_de_page(brut):
    if brut in (None, ""):
        return None
    return entier_borne(
        brut, nom="page", minimum=1, maximum=PAGE_MAX, aide="indiquez un numéro de page : 1, 2, 3…"
    )


def _retour_a_la_liste(request):
    """Back to the page of the list the button was on."""
    numero = request.POST.get("page", "")
    if numero.isascii() and numero.isdigit() and len(numero) <= len(str(PAGE_MAX)) and int(numero) > 1:
        return redirect(f"{reverse('notifications:liste')}?page={int(numero)}")
    return redirect("notifications:liste")


@utilisateur_ou_404("is_authenticated")
@require_safe
def liste(request):
    numero = _numero_de_page(request.GET.get("page"))
    page = Paginator(notifications_de(user=request.user), NOTIFICATIONS_PAR_PAGE).get_page(numero)
    return render(
        request,
        "notifications/liste.html",
        {"page": page, "recoit_courriels": recoit_courriels(user=request.user)},
    )


@utilisateur_ou_404("is_authenticated")
@require_POST
def marquer_lue(request, pk):
    notification = get_notification_for_user(user=request.user, pk=pk)
    services.marquer_lue(user=request.user, notification=notification)
    return _retour_a_la_liste(request)


@utilisateur_ou_404("is_authenticated")
@require_POST
def tout_marquer_lu(request):
    lues = services.tout_marquer_lu(user=request.user)
    if lues:
        s = "s" if lues > 1 else ""
        messages.success(request, f"{nombre(lues)} notification{s} marquée{s} comme lue{s}.")
    else:
        messages.info(request, "Aucune notification n'était à lire.")
    return redirect("notifications:liste")


@utilisateur_ou_404("is_authenticated")
@require_http_methods(["GET", "POST"])
def preferences(request):
    form = PreferenceNotificationForm(
        request.POST if request.method == "POST" else None,
        initial={"recevoir_courriels": recoit_courriels(user=request.user)},
    )
    if request.method == "POST" and form.is_valid():
        recevoir = form.cleaned_data["recevoir_courriels"]
        services.changer_preference(user=request.user, recevoir_courriels=recevoir)
        messages.success(
            request,
            "Vous recevrez aussi vos notifications par courriel."
            if recevoir
            else "Vous ne recevrez plus vos notifications par courriel ; elles restent visibles dans le portail.",
        )
        return redirect("notifications:liste")
    return render(request, "notifications/preferences.html", {"form": form})

from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from comptes import selectors, services
from portail.acces import utilisateur_ou_404
from www.comptes.forms import InvitationForm


@login_not_required
def connexion_administration(request):
    """The admin's sign-in URL: anonymous visitors go to the portal's sign-in page; a signed-in account
    without access to the admin is told so (sending it back to sign-in would loop)."""
    if request.user.is_authenticated:
        raise PermissionDenied("Votre compte n'a pas accès à l'administration du portail.")
    return redirect_to_login(request.GET.get("next", "/admin/"))


@utilisateur_ou_404("voit_tout")
@require_http_methods(["GET", "POST"])
def verrouillages(request):
    """Accounts locked by failed sign-ins; Département staff lift a lock."""
    if request.method == "POST":
        username = request.POST.get("username", "")
        if username and services.lever_verrouillage(user=request.user, username=username):
            messages.success(request, f"Le verrouillage du compte {username} est levé.")
        else:
            messages.info(request, "Ce compte n'était plus verrouillé.")
        return redirect("comptes:verrouillages")
    return render(request, "comptes/verrouillages.html", {"verrouillages": selectors.comptes_verrouilles()})


@utilisateur_ou_404("voit_tout")
def comptes(request):
    """Clerk and reader accounts: who, which EPCI, active or not, last sign-in."""
    return render(request, "comptes/liste.html", {"comptes": selectors.comptes_geres(user=request.user)})


@utilisateur_ou_404("voit_tout")
@require_http_methods(["GET", "POST"])
def inviter(request):
    form = InvitationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        donnees = form.cleaned_data
        compte = services.inviter_compte(
            user=request.user,
            prenom=donnees["prenom"],
            nom=donnees["nom"],
            email=donnees["email"],
            role=donnees["role"],
            epci=donnees["epci"],
            adresse_du_site=f"{request.scheme}://{request.get_host()}",
        )
        messages.success(request, f"Invitation envoyée à {compte.email} : le lien vaut trois jours.")
        return redirect("comptes:liste")
    return render(request, "comptes/inviter.html", {"form": form})


@utilisateur_ou_404("voit_tout")
@require_POST
def activite(request, pk):
    compte = selectors.get_compte_gere_for_user(user=request.user, pk=pk)
    actif = request.POST.get("actif") == "1"
    services.changer_activite(user=request.user, compte=compte, actif=actif)
    etat = (
        "réactivé : il peut de nouveau se connecter" if actif else "désactivé : il ne peut plus se connecter"
    )
    messages.success(request, f"Le compte {compte.username} est {etat}.")
    return redirect("comptes:liste")

from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from comptes import selectors, services
from portail.acces import utilisateur_ou_404


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

from django.contrib.auth.decorators import login_not_required
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.db import connection
from django.http import HttpResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from .enums import Role


def accueil(request):
    user = request.user
    return render(
        request,
        "comptes/accueil.html",
        {
            "role_libelle": "administrateur" if user.is_superuser else user.get_role_display(),
            "est_departement": user.voit_tout,
            "est_agent_epci": user.role == Role.EPCI,
        },
    )


@login_not_required
def connexion_administration(request):
    """The admin's sign-in URL: anonymous visitors go to the portal's sign-in page; a signed-in account
    without access to the admin is told so (sending it back to sign-in would loop)."""
    if request.user.is_authenticated:
        raise PermissionDenied("Votre compte n'a pas accès à l'administration du portail.")
    return redirect_to_login(request.GET.get("next", "/admin/"))


@login_not_required
@never_cache
@require_GET
def sante(request):
    """Health check for the load balancer: the process answers and the database responds."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return HttpResponse("ok", content_type="text/plain")

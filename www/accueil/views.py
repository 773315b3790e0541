import logging

from django.contrib.auth.decorators import login_not_required
from django.db import DatabaseError, connection, transaction
from django.http import HttpResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import requires_csrf_token
from django.views.decorators.http import require_GET

from comptes.enums import Role
from portail.acces import utilisateur_ou_404
from portail.requetes import ParametreInvalide

logger = logging.getLogger(__name__)


@utilisateur_ou_404("is_authenticated")
def accueil(request):
    user = request.user
    return render(
        request,
        "accueil/accueil.html",
        {
            "role_libelle": "administrateur" if user.is_superuser else user.get_role_display(),
            "est_departement": user.voit_tout,
            "est_agent_epci": user.role == Role.EPCI,
        },
    )


@login_not_required
@never_cache
@require_GET
@transaction.non_atomic_requests
def sante(request):
    """Health check for the load balancer: 200 when the process answers and the database responds, else 503."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
    except DatabaseError:
        logger.exception("Contrôle de santé : la base de données ne répond pas.")
        return HttpResponse(
            "base de données indisponible", content_type="text/plain; charset=utf-8", status=503
        )
    return HttpResponse("ok", content_type="text/plain")


@requires_csrf_token
def demande_invalide(request, exception):
    """The 400 page, in French; it names the parameter when the portal refused it itself."""
    message = str(exception) if isinstance(exception, ParametreInvalide) else ""
    return render(request, "400.html", {"message": message}, status=400)

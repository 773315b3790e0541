import logging

from django.conf import settings
from django.contrib.auth.decorators import login_not_required
from django.db import DatabaseError, connection, transaction
from django.http import HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import requires_csrf_token
from django.views.decorators.http import require_GET

from beneficiaires.enums import ActionAcces
from beneficiaires.journal import journaliser
from comptes.enums import Role
from insertion.a_faire import LIGNES_AFFICHEES, a_faire_agent, a_faire_departement
from insertion.indicateurs.chiffres import calculer_chiffres
from insertion.indicateurs.requetes import perimetre_pour
from portail.acces import utilisateur_ou_404
from portail.formats import Masque
from portail.periodes import code_mois, libelle_mois
from portail.requetes import ParametreInvalide

logger = logging.getLogger(__name__)


def _a_faire_agent(request, jour):
    a_faire = a_faire_agent(user=request.user, jour=jour)
    # The rejected lines name people: shown on the home page, recorded in the access log.
    personnes = {ligne.beneficiaire_id for ligne in a_faire.rejetees}
    journaliser(
        user=request.user,
        action=ActionAcces.RECHERCHE,
        nombre_personnes=len(personnes),
        detail="lignes rejetées à corriger (page d'accueil)",
    )
    return {
        "agent": a_faire,
        "mois_a_declarer": libelle_mois(a_faire.mois),
        "code_mois_a_declarer": code_mois(a_faire.mois),
        "rejetees": [(ligne, code_mois(ligne.mois), libelle_mois(ligne.mois)) for ligne in a_faire.rejetees],
    }


def _a_la_une(user, jour):
    """A reader's headline: the year's validated hours against its target, as the dashboard computes them
    (statistical secret applied)."""
    chiffres = calculer_chiffres(user=user, perimetre=perimetre_pour(user=user, annee=jour.year, epci=None))
    synthese = chiffres.synthese
    projection = synthese.projection
    return {
        "synthese": synthese,
        "annee": str(jour.year),
        "heures_masquees": isinstance(synthese.heures_validees, Masque),
        "progression_masquee": isinstance(synthese.progression, Masque),
        "seuil_secret": settings.SEUIL_SECRET_STATISTIQUE,
        # Counted hours at 31 December (None for a year over; masked with the scope, as on the dashboard).
        "projection": None if isinstance(projection, Masque) else projection,
    }


@utilisateur_ou_404("is_authenticated")
def accueil(request):
    user = request.user
    jour = timezone.localdate()
    contexte = {
        "role_libelle": "administrateur" if user.is_superuser else user.get_role_display(),
        "est_departement": user.voit_tout,
        "est_agent_epci": user.role == Role.EPCI,
        "lignes_affichees": LIGNES_AFFICHEES,
    }
    if user.voit_tout:
        contexte["departement"] = a_faire_departement(user=user, jour=jour)
    elif user.role == Role.EPCI:
        contexte |= _a_faire_agent(request, jour)
    else:
        contexte["a_la_une"] = _a_la_une(user, jour)
    return render(request, "accueil/accueil.html", contexte)


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

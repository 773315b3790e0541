"""The portal's URLs, plus views that fail on purpose, to see the error pages a user gets."""

from django.core.exceptions import PermissionDenied
from django.urls import include, path

handler400 = "www.accueil.views.demande_invalide"  # as in the portal's URLconf


def panne(request):
    raise RuntimeError("panne simulée")


def interdit(request):
    raise PermissionDenied


urlpatterns = [
    path("essai/panne/", panne),
    path("essai/interdit/", interdit),
    path("", include("config.urls")),
]

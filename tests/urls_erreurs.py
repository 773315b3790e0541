"""The portal's URLs, plus views that fail on purpose, to see the error pages a user gets."""

from django.core.exceptions import PermissionDenied
from django.urls import path

from config.urls import handler400  # noqa: F401 (handler400 is read by Django)
from config.urls import urlpatterns as urls_du_portail


def panne(request):
    raise RuntimeError("panne simulée")


def interdit(request):
    raise PermissionDenied


urlpatterns = [*urls_du_portail, path("essai/panne/", panne), path("essai/interdit/", interdit)]

# Placeholder: the views of this module are being written; each answers 404 until then.
from django.http import Http404


def tableau_de_bord(request, *args, **kwargs):
    raise Http404


def indicateurs_json(request, *args, **kwargs):
    raise Http404


def bilan(request, *args, **kwargs):
    raise Http404

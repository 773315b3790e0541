"""The access decorator answers 404, never 403, and runs the view only for users it lets through."""

from types import SimpleNamespace

import pytest
from django.http import Http404, HttpResponse

from portail.acces import utilisateur_ou_404


@utilisateur_ou_404("voit_tout")
def vue(request):
    return HttpResponse("ok")


def test_la_regle_est_connue_de_la_vue():
    assert vue.regle_acces == "voit_tout"


def test_utilisateur_admis():
    assert vue(SimpleNamespace(user=SimpleNamespace(voit_tout=True))).content == b"ok"


@pytest.mark.parametrize("user", [SimpleNamespace(voit_tout=False), SimpleNamespace()])
def test_utilisateur_refuse_en_404(user):
    with pytest.raises(Http404):
        vue(SimpleNamespace(user=user))

"""Helpers shared by the calibration tests."""

import html
from decimal import Decimal

from django.urls import reverse

from insertion.models import ParametresCalibrage
from tests.factories import ClauseFactory

NBSP = "\u00a0"
MILLION = Decimal("1000000")


def url_calibrer(clause):
    return reverse("calibrage:calibrer", args=[clause.pk])


def texte(response) -> str:
    """The page as a reader sees it: entities decoded, no-break spaces as spaces."""
    return html.unescape(response.content.decode()).replace(NBSP, " ")


def en_clair(valeur: str) -> str:
    return valeur.replace(NBSP, " ")


def definir_parametres(nature, part, taux, cout):
    return ParametresCalibrage.objects.update_or_create(
        nature=nature,
        defaults={
            "part_main_oeuvre": Decimal(part),
            "taux_insertion": Decimal(taux),
            "cout_horaire": Decimal(cout),
        },
    )[0]


def non_calibree(**kwargs):
    return ClauseFactory(non_calibree=True, **kwargs)


def enregistrer(client, clause, **valeurs):
    donnees = {"part_main_oeuvre": "50", "taux_insertion": "5", "cout_horaire": "30", "heures_fixees": ""}
    return client.post(url_calibrer(clause), donnees | {"action": "enregistrer"} | valeurs)

"""Helpers shared by the people page tests."""

import datetime

from django.urls import reverse


def url_fiche(personne):
    return reverse("beneficiaires:fiche", kwargs={"public_id": personne.public_id})


def url_ajout(personne):
    return reverse("beneficiaires:sortie_ajouter", kwargs={"public_id": personne.public_id})


def url_modif(personne, sortie):
    return reverse(
        "beneficiaires:sortie_modifier", kwargs={"public_id": personne.public_id, "sortie_pk": sortie.pk}
    )


def mois(indice):
    """The indice-th month from January 2018."""
    return datetime.date(2018 + indice // 12, indice % 12 + 1, 1)

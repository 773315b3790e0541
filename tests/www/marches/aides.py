"""Helpers shared by the contracts page tests."""

import datetime

from django.urls import reverse

from tests.factories import (
    ClauseFactory,
    HeuresRealiseesFactory,
)

D = datetime.date
NBSP = "\u00a0"
URL_LISTE = reverse("marches:liste")


def url_marche(marche):
    return reverse("marches:detail", args=[marche.pk])


def get(client, user, url, **params):
    client.force_login(user)
    return client.get(url, params)


# --- query counts: the same page with n and 10 n rows ----------------------------------------------


def _marches(nombre, *, acheteur, personne):
    for _ in range(nombre):
        clause = ClauseFactory(lot__marche__acheteur=acheteur)
        HeuresRealiseesFactory(clause=clause, beneficiaire=personne, mois=D(2026, 3, 1), validees=True)
        HeuresRealiseesFactory(clause=clause, beneficiaire=personne, mois=D(2026, 4, 1))

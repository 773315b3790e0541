"""Helpers shared by the dashboard tests."""

import csv
import io
import re

import openpyxl
from django.urls import reverse

NBSP = "\u00a0"
URL = reverse("tableau_de_bord:page")
URL_JSON = reverse("tableau_de_bord:json")
URL_BILAN = reverse("tableau_de_bord:bilan")


def get(client, user, url, **params):
    client.force_login(user)
    return client.get(url, params)


def donnees_json(client, user, **params):
    response = get(client, user, URL_JSON, **params)
    assert response.status_code == 200, response.content
    assert response["Content-Type"] == "application/json"
    return response.json()


def html(response):
    assert response.status_code == 200
    return response.content.decode()


def texte_sans_balises(response):
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html(response)))


def exporter(client, user, table, format_export="xlsx", **params):
    response = get(client, user, URL, annee=2025, _export=format_export, table=table, **params)
    assert response.status_code == 200, response.content
    if format_export == "xlsx":
        feuille = openpyxl.load_workbook(io.BytesIO(response.content)).active
        return [list(ligne) for ligne in feuille.iter_rows(values_only=True)]
    texte = response.content.decode("utf-8")
    assert texte.startswith("\ufeff")
    return list(csv.reader(io.StringIO(texte[1:]), delimiter=";"))

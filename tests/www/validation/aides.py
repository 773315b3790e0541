"""Helpers shared by the validation queue tests."""

import datetime

from django.urls import reverse

from insertion.models import HeuresRealisees

URL = reverse("validation:file")
MARS, AVRIL = datetime.date(2026, 3, 1), datetime.date(2026, 4, 1)


def avec_versions(donnees):
    """What the browser posts: each listed row travels with the version the queue displayed."""
    selection = donnees.get("selection", [])
    versions = {
        f"version_{pk}": modifie_le.isoformat()
        for pk, modifie_le in HeuresRealisees.objects.filter(pk__in=selection).values_list("pk", "modifie_le")
    }
    return {**donnees, **versions}


def connecte(client, user):
    client.force_login(user)
    return client


def lignes_affichees(response):
    return {row.record.pk for row in response.context["table"].paginated_rows}

"""Months as the portal counts them: a month is the date of its first day."""

import datetime

from django.utils import timezone


def premier_jour(jour: datetime.date) -> datetime.date:
    return jour.replace(day=1)


def mois_courant() -> datetime.date:
    return premier_jour(timezone.localdate())


def mois_precedent(mois: datetime.date) -> datetime.date:
    return premier_jour(mois - datetime.timedelta(days=1))


def lire_mois(texte: str) -> datetime.date | None:
    """Parses 'YYYY-MM' (URLs, files) or 'MM/YYYY' (French input); None if it is neither."""
    texte = (texte or "").strip()
    for format_ in ("%Y-%m", "%m/%Y", "%Y-%m-%d", "%d/%m/%Y"):
        try:
            return premier_jour(datetime.datetime.strptime(texte, format_).date())
        except ValueError:
            continue
    return None


def libelle_mois(mois: datetime.date) -> str:
    noms = [
        "janvier",
        "février",
        "mars",
        "avril",
        "mai",
        "juin",
        "juillet",
        "août",
        "septembre",
        "octobre",
        "novembre",
        "décembre",
    ]
    return f"{noms[mois.month - 1]} {mois.year}"

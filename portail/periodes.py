"""Months and ages as the portal counts them: a month is the date of its first day."""

import calendar
import datetime

from django.utils import timezone

# Years the portal deals with: a month or a year outside is a typing error (or a probe), refused.
ANNEE_MIN, ANNEE_MAX = 2000, 2100

NOMS_MOIS = [
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


def premier_jour(jour: datetime.date) -> datetime.date:
    return jour.replace(day=1)


def dernier_jour(mois: datetime.date) -> datetime.date:
    return mois.replace(day=calendar.monthrange(mois.year, mois.month)[1])


def ajouter_mois(jour: datetime.date, mois: int) -> datetime.date:
    """The same day `mois` months later (or earlier), capped at the end of a shorter month."""
    index = jour.year * 12 + jour.month - 1 + mois
    annee, numero = divmod(index, 12)
    cible = datetime.date(annee, numero + 1, 1)
    return cible.replace(day=min(jour.day, dernier_jour(cible).day))


def mois_courant() -> datetime.date:
    return premier_jour(timezone.localdate())


def mois_precedent(mois: datetime.date) -> datetime.date:
    return premier_jour(ajouter_mois(mois, -1))


def mois_suivant(mois: datetime.date) -> datetime.date:
    return premier_jour(ajouter_mois(mois, 1))


def code_mois(mois: datetime.date) -> str:
    """'2026-03': the month in URLs and files."""
    return f"{mois:%Y-%m}"


def lire_mois(texte: str) -> datetime.date | None:
    """Parses 'YYYY-MM' (URLs, files) or 'MM/YYYY' (French input); None if it is neither, or out of the
    years the portal deals with (ANNEE_MIN to ANNEE_MAX)."""
    texte = (texte or "").strip()
    for format_ in ("%Y-%m", "%m/%Y", "%Y-%m-%d", "%d/%m/%Y"):
        try:
            mois = premier_jour(datetime.datetime.strptime(texte, format_).date())
        except ValueError:
            continue
        return mois if ANNEE_MIN <= mois.year <= ANNEE_MAX else None
    return None


def libelle_mois(mois: datetime.date) -> str:
    return f"{NOMS_MOIS[mois.month - 1]} {mois.year}"


def age(naissance: datetime.date, le: datetime.date) -> int:
    """Age in whole years on the day `le`."""
    return le.year - naissance.year - ((le.month, le.day) < (naissance.month, naissance.day))


def ecart_mois(debut: datetime.date, fin: datetime.date) -> int:
    """Months from the month of `debut` to the month of `fin` (0 for the same month)."""
    return (fin.year - debut.year) * 12 + fin.month - debut.month


def mois_entre(debut: datetime.date, fin: datetime.date):
    """The first days of the months from the month of `debut` to the month of `fin`, both included."""
    mois = premier_jour(debut)
    while mois <= fin:
        yield mois
        mois = mois_suivant(mois)


def anniversaire(naissance: datetime.date, age: int) -> datetime.date:
    """The day a person born on `naissance` turns `age` (1 March for a 29 February in a common year)."""
    try:
        return naissance.replace(year=naissance.year + age)
    except ValueError:
        return datetime.date(naissance.year + age, 3, 1)

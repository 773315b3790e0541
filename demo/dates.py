"""Month and age arithmetic of the demo; generic helpers, bound for the shared toolkit.

`ajouter_mois` answers the first day of the month, unlike `marches.decp.conversion.ajouter_mois`.
"""

from datetime import date, timedelta


def ajouter_mois(jour, n):
    """The first day of the month `n` months after the month of `jour`."""
    total = jour.year * 12 + jour.month - 1 + n
    return date(total // 12, total % 12 + 1, 1)


def ecart_mois(debut, fin):
    return (fin.year - debut.year) * 12 + fin.month - debut.month


def fin_de_mois(mois):
    return ajouter_mois(mois, 1) - timedelta(days=1)


def mois_entre(debut, fin):
    """The first days of the months from `debut` to `fin` (both firsts of a month)."""
    mois = debut
    while mois <= fin:
        yield mois
        mois = ajouter_mois(mois, 1)


def anniversaire(naissance, age):
    try:
        return naissance.replace(year=naissance.year + age)
    except ValueError:  # 29 February
        return date(naissance.year + age, 3, 1)


def age_au(naissance, le):
    """Age in whole years on the day `le`."""
    return le.year - naissance.year - ((le.month, le.day) < (naissance.month, naissance.day))

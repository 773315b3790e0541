"""Rules on people, each with its French message, defined once for the grid, the statement import and the admin.

Age of a new person: from 16 to 75 years old on the last day of the first month they work (16 is the age at
which one may sign a work contract in France; above 75, the birth date is most likely mistyped).

Age-based publics: "jeune" under 26, "senior" 50 and over, at the month worked (the age on its first day);
computed from the birth date, never ticked.
"""

import datetime

from beneficiaires.enums import CodePublic
from portail.periodes import age, dernier_jour, libelle_mois, mois_suivant, premier_jour

AGE_MIN, AGE_MAX = 16, 75


def erreur_age_nouvelle_personne(*, date_naissance: datetime.date, mois: datetime.date) -> str | None:
    """The French message refusing this birth date for a person first working in `mois`, or None."""
    fin_du_mois = dernier_jour(mois)
    if date_naissance >= fin_du_mois:
        return f"La date de naissance {date_naissance:%d/%m/%Y} doit précéder le mois travaillé."
    age_atteint = age(date_naissance, fin_du_mois)
    if AGE_MIN <= age_atteint <= AGE_MAX:
        return None
    return (
        f"Née ou né le {date_naissance:%d/%m/%Y}, la personne aurait {age_atteint} ans en {libelle_mois(mois)} : "
        f"vérifiez la date de naissance (de {AGE_MIN} à {AGE_MAX} ans pour travailler des heures d'insertion)."
    )


MESSAGE_PERSONNE_ANONYMISEE = "Cette personne a été anonymisée au terme de la durée de conservation : sa fiche ne peut plus être modifiée."


# --- age-based publics ----------------------------------------------------------------------------
# "Jeune de moins de 26 ans" and "senior de 50 ans et plus" are never ticked: they follow from the birth date.
AGE_JEUNE_MAX = 26  # under this age: jeune
AGE_SENIOR_MIN = 50  # this age and over: senior
PUBLICS_D_AGE = (CodePublic.JEUNE, CodePublic.SENIOR)


def age_au_mois(date_naissance: datetime.date, mois: datetime.date) -> int:
    """Age at the month worked: the age in whole years on the first day of that month.

    Someone born on 15 March 2000 is 25 throughout March 2026 (26 on 1 April 2026); someone born on 1 March
    2000 is 26 from March 2026. The indicators compute the same in SQL (`insertion.indicateurs.requetes`).
    """
    return age(date_naissance, premier_jour(mois))


def publics_d_age_au_mois(*, date_naissance: datetime.date, mois: datetime.date) -> list[str]:
    """Codes of the age-based publics the person belongs to in `mois`."""
    age_atteint = age_au_mois(date_naissance, mois)
    codes = []
    if age_atteint < AGE_JEUNE_MAX:
        codes.append(CodePublic.JEUNE)
    if age_atteint >= AGE_SENIOR_MIN:
        codes.append(CodePublic.SENIOR)
    return codes


def premier_mois_a_l_age(date_naissance: datetime.date, age_vise: int) -> datetime.date:
    """The first month (its first day) in which the person has reached `age_vise` at the month worked."""
    try:
        anniversaire = date_naissance.replace(year=date_naissance.year + age_vise)
    except ValueError:  # born on 29 February: the birthday is reached on 1 March
        anniversaire = datetime.date(date_naissance.year + age_vise, 3, 1)
    return anniversaire if anniversaire.day == 1 else mois_suivant(anniversaire)

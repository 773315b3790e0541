"""Rules on people, each with its French message, defined once for the grid, the statement import and the admin.

Age of a new person: from 16 to 75 years old on the last day of the first month they work (16 is the age at
which one may sign a work contract in France; above 75, the birth date is most likely mistyped).
"""

import datetime

from portail.periodes import age, dernier_jour, libelle_mois

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

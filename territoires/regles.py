"""Rules on territories, each with its French message, defined once (settings, DECP import).

A département code: 01 to 95 (with 2A and 2B for Corsica) or 971 to 978 overseas; "1" is read as "01".
"""

import re

CODE_DEPARTEMENT = re.compile(r"^(0[1-9]|[1-8][0-9]|9[0-5]|2[AB]|97[1-8])$")


def code_departement(valeur: str) -> str:
    """The code written as INSEE does ("49", "2A", "974"); "" stays "" (no département)."""
    valeur = (valeur or "").strip().upper()
    return valeur.zfill(2) if valeur else ""


def erreur_code_departement(valeur: str) -> str | None:
    """The French message refusing this département code, or None."""
    if CODE_DEPARTEMENT.match(code_departement(valeur)):
        return None
    return f"Code de département inconnu : « {(valeur or '').strip()} » (exemple : 49)."

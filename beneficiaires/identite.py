"""Matching key of a person: name, first name and birth date, accents, case and punctuation ignored."""

import unicodedata


def normaliser_nom(valeur: str) -> str:
    decompose = unicodedata.normalize("NFKD", valeur or "")
    sans_accents = "".join(c for c in decompose if not unicodedata.combining(c))
    lettres = "".join(c if c.isalnum() else " " for c in sans_accents.casefold())
    return " ".join(lettres.split())


def cle_identite(nom: str, prenom: str, date_naissance) -> str:
    return f"{normaliser_nom(nom)}|{normaliser_nom(prenom)}|{date_naissance.isoformat()}"

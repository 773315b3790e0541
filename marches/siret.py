"""SIRET / SIREN checks: 14 (or 9) digits and a valid Luhn key."""

from django.core.exceptions import ValidationError

SIRET_REGEX = r"^[0-9]{14}$"
# La Poste's establishments do not follow the Luhn key: their digit sum is a multiple of 5
# (its head office, 35600000000048, does follow Luhn).
SIREN_LA_POSTE = "356000000"


def luhn_valide(numero: str) -> bool:
    total = 0
    for position, caractere in enumerate(reversed(numero)):
        chiffre = int(caractere)
        if position % 2 == 1:
            chiffre *= 2
            if chiffre > 9:
                chiffre -= 9
        total += chiffre
    return total % 10 == 0


def normaliser_siret(valeur: str) -> str:
    """Drops the spaces, dots and dashes people type inside a SIRET."""
    return "".join(c for c in str(valeur) if c not in " .-\u00a0\u202f")


def siret_valide(siret: str) -> bool:
    if len(siret) != 14 or not siret.isdigit():
        return False
    if siret.startswith(SIREN_LA_POSTE):
        return luhn_valide(siret) or sum(int(c) for c in siret) % 5 == 0
    return luhn_valide(siret[:9]) and luhn_valide(siret)


def valider_siret(valeur: str) -> None:
    siret = normaliser_siret(valeur)
    if len(siret) != 14 or not siret.isdigit():
        raise ValidationError("Le SIRET doit comporter 14 chiffres.", code="siret_format")
    if not siret_valide(siret):
        raise ValidationError("Ce SIRET n'est pas valide (clé de contrôle incorrecte).", code="siret_cle")

"""Rules on contracts and lots, each with its French message, defined once (forms, services, constraints)."""

MESSAGE_REFERENCE_EN_DOUBLE = "Cet acheteur a déjà un marché de cette référence."
MESSAGE_FIN_AVANT_DEBUT = "La fin d'exécution doit suivre le début d'exécution."
MESSAGE_CLOTURE_AVANT_DEBUT = "La clôture ne peut précéder le début d'exécution."
MESSAGE_EVENEMENT_SANS_COMMENTAIRE = "Décrivez l'événement dans le commentaire."
MESSAGE_MONTANT_NEGATIF = "Le montant HT ne peut être négatif."
MESSAGE_LOT_EN_DOUBLE = "Deux lots portent le numéro {numero} : chaque lot d'un marché a son propre numéro."
MESSAGE_LOT_DEJA_PRIS = "Un autre lot de ce marché porte déjà ce numéro : rechargez la page."
MESSAGE_SANS_LOT = "Un marché a au moins un lot : renseignez le lot 1."
MESSAGE_ACHETEUR_EXISTANT = "Un acheteur de ce SIRET existe déjà : choisissez-le dans la liste."
MESSAGE_ENTREPRISE_EXISTANTE = "Une entreprise de ce SIRET existe déjà : indiquez-la comme titulaire."


def erreur_periode(*, debut, fin) -> str | None:
    if debut is not None and fin is not None and fin < debut:
        return MESSAGE_FIN_AVANT_DEBUT
    return None


def erreur_cloture(*, debut, cloture_le) -> str | None:
    if cloture_le is not None and cloture_le < debut:
        return MESSAGE_CLOTURE_AVANT_DEBUT
    return None


def numeros_en_double(numeros) -> list[int]:
    """Lot numbers that appear more than once, in order."""
    vus, doubles = set(), []
    for numero in numeros:
        if numero in vus and numero not in doubles:
            doubles.append(numero)
        vus.add(numero)
    return doubles

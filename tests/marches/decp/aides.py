"""Helpers shared by the DECP import tests: records, files and a one-call import."""

SIRET_ACHETEUR = "21490007800012"  # commune d'Angers
SIRET_TITULAIRE = "73282932000074"


def enregistrement(**valeurs) -> dict:
    """A clean 2024-format marché; keyword arguments replace or add fields (None removes one)."""
    donnees = {
        "id": "2024-001",
        "acheteur": {"id": SIRET_ACHETEUR},
        "nature": "Marché",
        "objet": "Entretien des espaces verts",
        "codeCPV": "77310000",
        "procedure": "Procédure adaptée",
        "lieuExecution": {"code": "49000", "typeCode": "Code postal"},
        "dureeMois": 12,
        "dateNotification": "2024-03-15",
        "datePublicationDonnees": "2024-03-20",
        "montant": 120000,
        "titulaires": [{"titulaire": {"typeIdentifiant": "SIRET", "id": SIRET_TITULAIRE}}],
        "considerationsSociales": {"considerationSociale": ["Clause sociale"]},
    }
    donnees.update(valeurs)
    return {cle: valeur for cle, valeur in donnees.items() if valeur is not None}

"""Monthly statements (relevés): the template, reading an XLSX or CSV file, checking every line, importing it."""

from insertion.releves.importation import (
    COLONNES,
    ENTETES,
    LIGNES_LUES_MAX,
    LIGNES_MAX,
    TAILLE_MAX_OCTETS,
    ErreurReleve,
    FichierIllisible,
    Releve,
    ResultatImport,
    importer_releve,
    lire_releve,
    modele_csv,
    modele_xlsx,
    valeurs_autorisees,
)

__all__ = [
    "COLONNES",
    "ENTETES",
    "LIGNES_LUES_MAX",
    "LIGNES_MAX",
    "TAILLE_MAX_OCTETS",
    "ErreurReleve",
    "FichierIllisible",
    "Releve",
    "ResultatImport",
    "importer_releve",
    "lire_releve",
    "modele_csv",
    "modele_xlsx",
    "valeurs_autorisees",
]

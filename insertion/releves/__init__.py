"""Monthly statements (relevés): the template, reading an XLSX or CSV file, checking every line, importing it.

By phase: `colonnes` (what a statement holds), `modele` (the template), `lecture` (file to raw lines),
`verification` (one raw line to a checked line), `importation` (resolving objects, writing all or nothing).
"""

from insertion.releves.colonnes import COLONNES, ENTETES, Colonne, valeurs_autorisees
from insertion.releves.importation import ResultatImport, importer_releve
from insertion.releves.lecture import (
    LIGNES_LUES_MAX,
    LIGNES_MAX,
    TAILLE_MAX_OCTETS,
    FichierIllisible,
    LigneBrute,
    Releve,
    lire_releve,
)
from insertion.releves.modele import modele_csv, modele_xlsx
from insertion.releves.verification import ErreurReleve

__all__ = [
    "COLONNES",
    "ENTETES",
    "LIGNES_LUES_MAX",
    "LIGNES_MAX",
    "TAILLE_MAX_OCTETS",
    "Colonne",
    "ErreurReleve",
    "FichierIllisible",
    "LigneBrute",
    "Releve",
    "ResultatImport",
    "importer_releve",
    "lire_releve",
    "modele_csv",
    "modele_xlsx",
    "valeurs_autorisees",
]

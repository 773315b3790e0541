"""Reading an XLSX or CSV statement into raw lines, under the column names of the template."""

import codecs
import csv
import io
from dataclasses import dataclass, field

import openpyxl

from insertion.releves.colonnes import COLONNES_OBLIGATOIRES, COLONNES_PAR_CLE, normaliser
from portail.formats import nombre

TAILLE_MAX_OCTETS = 2 * 1024 * 1024
LIGNES_MAX = 5_000
# Rows read at most, empty ones included (a sheet formatted down to row 1 048 576 must not be walked).
LIGNES_LUES_MAX = 20_000

EXTENSIONS_XLSX = (".xlsx", ".xlsm")
EXTENSIONS_CSV = (".csv", ".txt")
SIGNATURE_ZIP = b"PK\x03\x04"
BOM_UTF8 = "\ufeff"


class FichierIllisible(Exception):
    """The file as a whole cannot be read: wrong format, too big, missing columns."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


@dataclass(frozen=True)
class LigneBrute:
    numero: int
    valeurs: dict  # column name -> cell value (str from a CSV, native types from an XLSX)


@dataclass(frozen=True)
class Releve:
    lignes: list[LigneBrute]
    colonnes_ignorees: list[str] = field(default_factory=list)


def lire_releve(*, nom: str, contenu: bytes) -> Releve:
    """Reads an XLSX or CSV statement into raw lines; raises FichierIllisible with a French message."""
    if len(contenu) > TAILLE_MAX_OCTETS:
        raise FichierIllisible(
            f"Le fichier pèse {nombre(len(contenu) / 1024 / 1024, 1)} Mo : la limite est de "
            f"{TAILLE_MAX_OCTETS // 1024 // 1024} Mo. Découpez le relevé en plusieurs fichiers."
        )
    if not contenu.strip():
        raise FichierIllisible("Le fichier est vide.")
    extension = "." + nom.rsplit(".", 1)[-1].lower() if "." in nom else ""
    if extension in (".xls", ".ods"):
        raise FichierIllisible(
            "Ce format n'est pas pris en charge : enregistrez le relevé au format Excel .xlsx ou en CSV."
        )
    if contenu.startswith(SIGNATURE_ZIP):
        rangees = _rangees_xlsx(contenu)
    elif extension in EXTENSIONS_XLSX:
        raise FichierIllisible("Ce fichier n'est pas un classeur Excel (.xlsx) lisible.")
    elif extension in EXTENSIONS_CSV or not extension:
        rangees = _rangees_csv(contenu)
    else:
        raise FichierIllisible(
            f"Les fichiers {extension} ne sont pas pris en charge : déposez un classeur Excel (.xlsx) ou un "
            "fichier CSV."
        )
    return _releve_depuis_rangees(rangees)


def _rangees_xlsx(contenu: bytes):
    # openpyxl raises many kinds of exceptions on a damaged or foreign file: any of them means "unreadable".
    illisible = "Ce fichier n'est pas un classeur Excel (.xlsx) lisible."
    try:
        classeur = openpyxl.load_workbook(io.BytesIO(contenu), read_only=True, data_only=True)
    except Exception as erreur:
        raise FichierIllisible(illisible) from erreur
    try:
        if not classeur.worksheets:
            raise FichierIllisible("Le classeur ne contient aucune feuille.")
        feuille = classeur.worksheets[0]
        # Some generators write a wrong sheet dimension: read every row that is really there.
        feuille.reset_dimensions()
        rangees = []
        for numero, valeurs in enumerate(feuille.iter_rows(values_only=True), start=1):
            if numero > LIGNES_LUES_MAX:
                _trop_de_lignes()
            rangees.append((numero, list(valeurs)))
        return rangees
    except FichierIllisible:
        raise
    except Exception as erreur:
        raise FichierIllisible(illisible) from erreur
    finally:
        classeur.close()


def _decoder(contenu: bytes) -> str:
    if contenu.startswith(BOM_UTF8.encode("utf-8")):
        return contenu[3:].decode("utf-8", errors="replace")
    if contenu.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):  # Excel's "texte Unicode"
        return contenu.decode("utf-16", errors="replace")
    try:
        return contenu.decode("utf-8")
    except UnicodeDecodeError:
        pass
    try:
        return contenu.decode("cp1252")
    except UnicodeDecodeError as erreur:
        raise FichierIllisible(
            "L'encodage du fichier CSV n'est pas reconnu : enregistrez-le en « CSV UTF-8 »."
        ) from erreur


def _rangees_csv(contenu: bytes):
    texte = _decoder(contenu)
    if "\x00" in texte:
        raise FichierIllisible(
            "Ce fichier n'est ni un classeur Excel (.xlsx) ni un fichier CSV : enregistrez le relevé dans "
            "l'un de ces formats."
        )
    premiere = next((ligne for ligne in texte.splitlines() if ligne.strip()), "")
    separateur = max((";", ",", "\t"), key=premiere.count)
    if not premiere.count(separateur):
        separateur = ";"
    try:
        return list(enumerate(csv.reader(io.StringIO(texte, newline=""), delimiter=separateur), 1))
    except csv.Error as erreur:
        raise FichierIllisible(
            "Le fichier CSV est mal formé (guillemets non refermés ou cellule trop longue)."
        ) from erreur


def _trop_de_lignes():
    raise FichierIllisible(
        f"Le fichier dépasse {nombre(LIGNES_LUES_MAX)} lignes (lignes vides comprises) : supprimez les lignes "
        "vides en fin de feuille ou découpez le relevé."
    )


def vide(valeur) -> bool:
    return valeur is None or (isinstance(valeur, str) and not valeur.strip())


def _releve_depuis_rangees(rangees) -> Releve:
    positions: dict[str, int] | None = None
    ignorees: list[str] = []
    lignes: list[LigneBrute] = []
    for numero, valeurs in rangees:
        if numero > LIGNES_LUES_MAX:
            _trop_de_lignes()
        if all(vide(v) for v in valeurs):
            continue
        if positions is None:
            positions, ignorees = _lire_entetes(valeurs)
            continue
        if len(lignes) >= LIGNES_MAX:
            raise FichierIllisible(
                f"Le relevé dépasse {nombre(LIGNES_MAX)} lignes : découpez-le en plusieurs fichiers."
            )
        lignes.append(
            LigneBrute(
                numero=numero,
                valeurs={nom: valeurs[i] if i < len(valeurs) else None for nom, i in positions.items()},
            )
        )
    if positions is None:
        raise FichierIllisible("Le fichier est vide : il ne contient pas même la ligne d'en-têtes.")
    if not lignes:
        raise FichierIllisible("Le fichier ne contient aucune ligne de relevé sous la ligne d'en-têtes.")
    return Releve(lignes=lignes, colonnes_ignorees=ignorees)


def _lire_entetes(valeurs) -> tuple[dict[str, int], list[str]]:
    positions: dict[str, int] = {}
    ignorees = []
    for position, entete in enumerate(valeurs):
        if vide(entete):
            continue
        nom = COLONNES_PAR_CLE.get(normaliser(entete))
        if nom is None:
            ignorees.append(str(entete).strip())
        elif nom in positions:
            raise FichierIllisible(f"La colonne « {nom} » apparaît deux fois dans la ligne d'en-têtes.")
        else:
            positions[nom] = position
    manquantes = [nom for nom in COLONNES_OBLIGATOIRES if nom not in positions]
    if manquantes:
        raise FichierIllisible(
            "Colonnes obligatoires absentes : "
            + ", ".join(manquantes)
            + ". La première ligne du fichier doit porter les en-têtes du modèle à télécharger sur cette page."
        )
    return positions, ignorees

"""Reading an XLSX or CSV statement into raw lines, under the column names of the template."""

import codecs
import csv
import io
from dataclasses import dataclass, field

from insertion.releves.classeur import SIGNATURE_OLE, SIGNATURE_ZIP, rangees_xlsx
from insertion.releves.colonnes import COLONNES_OBLIGATOIRES, COLONNES_PAR_CLE, normaliser
from insertion.releves.exceptions import FichierIllisible
from portail.formats import nombre

TAILLE_MAX_OCTETS = 2 * 1024 * 1024
LIGNES_MAX = 5_000
# Rows read at most, empty ones included (a sheet formatted down to row 1 048 576 must not be walked).
LIGNES_LUES_MAX = 20_000

EXTENSIONS_XLSX = (".xlsx", ".xlsm")
EXTENSIONS_CSV = (".csv", ".txt")
BOM_UTF8 = "\ufeff"


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
    classeur = contenu.startswith((SIGNATURE_ZIP, SIGNATURE_OLE))
    # The extension and the first bytes must agree: a renamed file is refused before any parsing.
    if extension in EXTENSIONS_XLSX:
        rangees = rangees_xlsx(contenu, lignes_lues_max=LIGNES_LUES_MAX, trop_de_lignes=_trop_de_lignes)
    elif extension not in EXTENSIONS_CSV:
        raise FichierIllisible(
            f"Les fichiers {extension or 'sans extension'} ne sont pas pris en charge : déposez un classeur "
            "Excel (.xlsx) ou un fichier CSV."
        )
    elif classeur:
        raise FichierIllisible(
            f"Ce fichier porte l'extension {extension} mais c'est un classeur Excel : renommez-le en .xlsx ou "
            "enregistrez-le au format CSV."
        )
    else:
        rangees = _rangees_csv(contenu)
    return _releve_depuis_rangees(rangees)


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
        if valeurs.count(None) == len(valeurs) or all(vide(v) for v in valeurs):  # count: the quick case
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

"""An XLSX statement opened safely: the archive is checked with zipfile before openpyxl reads a byte of it.

An XLSX file is a zip of XML files. A hostile one can hide a gigabyte behind a megabyte (zip bomb), nest
archives, or declare a cell in column XFD so that a naive reader builds rows of 16 384 cells. Here the central
directory is checked first (sizes, ratios, members), then the worksheets are counted with plain byte searches
(rows and cells), and only then are the rows streamed with openpyxl, never wider than COLONNES_MAX.
"""

import io
import re
import zipfile

import openpyxl

from insertion.releves.exceptions import FichierIllisible
from portail.formats import nombre

TAILLE_DECOMPRESSEE_MAX = 20 * 1024 * 1024  # all members together, as the central directory declares them
RATIO_MAX = 100  # uncompressed / compressed size of one member (XML sheets reach 10 to 30)
RATIO_TAILLE_MIN = 1024 * 1024  # smaller members are not judged on their ratio
MEMBRES_MAX = 200
COLONNES_MAX = 50  # the template has 15
CELLULES_MAX = 250_000  # cells written in the worksheets (5 000 lines of 50 columns)
MEMBRES_OBLIGATOIRES = ("[Content_Types].xml", "xl/workbook.xml")
EXTENSIONS_ARCHIVES = (
    ".zip",
    ".xlsx",
    ".xlsm",
    ".xlsb",
    ".docx",
    ".pptx",
    ".odt",
    ".ods",
    ".jar",
    ".gz",
    ".7z",
)
SIGNATURE_ZIP = b"PK\x03\x04"
SIGNATURE_OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # Excel 97-2003, or an XLSX encrypted by a password

ILLISIBLE = "Ce fichier n'est pas un classeur Excel (.xlsx) lisible."
MORCEAU = 1024 * 1024
RECOUVREMENT = 64  # longer than any tag searched for, with its namespace prefix
PREFIXE_RACINE = re.compile(rb"<(?:([A-Za-z_][\w.-]{0,20}):)?worksheet[\s>]")
# A cell referenced beyond column AX (the 50th): three letters, B? to Z?, or AY / AZ.
AU_DELA_DES_COLONNES = re.compile(rb'<(?:[A-Za-z_][\w.-]{0,20}:)?c\s+r="(?:[A-Z]{3}|[B-Z][A-Z]|A[YZ])[0-9]')


def verifier_signature(contenu: bytes) -> None:
    if contenu.startswith(SIGNATURE_OLE):
        raise FichierIllisible(
            "Ce classeur est au format Excel 97-2003 (.xls) ou protégé par un mot de passe : enregistrez-le au "
            "format Excel (.xlsx), sans mot de passe."
        )
    if not contenu.startswith(SIGNATURE_ZIP):
        raise FichierIllisible(ILLISIBLE)


def ouvrir_archive(contenu: bytes) -> zipfile.ZipFile:
    """The zip archive of an XLSX file, once its central directory passed every check."""
    verifier_signature(contenu)
    try:
        archive = zipfile.ZipFile(io.BytesIO(contenu))
        membres = archive.infolist()
    except (zipfile.BadZipFile, OSError, ValueError, EOFError) as erreur:
        raise FichierIllisible(ILLISIBLE) from erreur
    if len(membres) > MEMBRES_MAX:
        raise FichierIllisible(
            f"Le classeur contient plus de {MEMBRES_MAX} éléments (feuilles, images…) : enregistrez le relevé "
            "seul dans un nouveau classeur."
        )
    noms = {membre.filename for membre in membres}
    if not all(nom in noms for nom in MEMBRES_OBLIGATOIRES):
        raise FichierIllisible(ILLISIBLE)
    if any(membre.flag_bits & 0x1 for membre in membres):
        raise FichierIllisible(
            "Ce classeur est chiffré ou protégé par un mot de passe : enregistrez-le sans mot de passe."
        )
    if any(membre.filename.lower().endswith(EXTENSIONS_ARCHIVES) for membre in membres):
        raise FichierIllisible(
            "Ce classeur contient un autre fichier incorporé (archive, classeur ou document) : enregistrez le "
            "relevé seul dans un nouveau classeur."
        )
    total = sum(membre.file_size for membre in membres)
    absurde = any(
        membre.file_size > RATIO_TAILLE_MIN and membre.file_size > RATIO_MAX * max(membre.compress_size, 1)
        for membre in membres
    )
    if total > TAILLE_DECOMPRESSEE_MAX or absurde:
        raise FichierIllisible(
            f"Ce classeur se décompresse en {nombre(total / 1024 / 1024, 1)} Mo"
            + (" (taux de compression anormal)" if absurde else "")
            + f" : la limite est de {TAILLE_DECOMPRESSEE_MAX // 1024 // 1024} Mo. Enregistrez le relevé seul "
            "dans un nouveau classeur, sans mise en forme ni lignes vides en fin de feuille."
        )
    return archive


def compter_cellules(archive: zipfile.ZipFile) -> int:
    """Cells written in all the worksheets, counted on the raw XML (no parsing), stopped above CELLULES_MAX.

    Refuses a cell referenced beyond COLONNES_MAX, whatever the sheet's <dimension> says.
    """
    total = 0
    for membre in archive.infolist():
        if not (membre.filename.startswith("xl/worksheets/") and membre.filename.endswith(".xml")):
            continue
        with archive.open(membre) as source:
            total += _compter(source, limite=CELLULES_MAX - total)
        if total > CELLULES_MAX:
            break
    return total


def _colonnes_depassees():
    raise FichierIllisible(
        f"Le classeur a des cellules au-delà de la colonne AX ({COLONNES_MAX} colonnes au plus) : ne gardez que "
        "la feuille du relevé, sans colonnes vides ou mises en forme à droite du tableau."
    )


def _compter(source, *, limite: int) -> int:
    tampon = source.read(MORCEAU)
    trouve = PREFIXE_RACINE.search(tampon)
    prefixe = trouve.group(1) + b":" if trouve and trouve.group(1) else b""
    balises = [b"<" + prefixe + b"c" + fin for fin in (b" ", b">", b"/", b"\t", b"\r", b"\n")]
    total = 0
    while True:
        suite = source.read(MORCEAU)
        # Count the tags that start before the last RECOUVREMENT bytes; those are carried to the next round.
        fin = len(tampon) if not suite else len(tampon) - RECOUVREMENT
        total += sum(tampon.count(balise, 0, max(fin, 0) + len(balise) - 1) for balise in balises)
        if AU_DELA_DES_COLONNES.search(tampon):
            _colonnes_depassees()
        if not suite or total > limite:
            return total
        tampon = tampon[max(fin, 0) :] + suite


def rangees_xlsx(contenu: bytes, *, lignes_lues_max: int, trop_de_lignes):
    """Yields (row number, values) of the first sheet, at most COLONNES_MAX values a row.

    `trop_de_lignes()` raises when more than `lignes_lues_max` rows are read, empty ones included.
    """
    archive = ouvrir_archive(contenu)
    if compter_cellules(archive) > CELLULES_MAX:
        raise FichierIllisible(
            f"Le classeur contient plus de {nombre(CELLULES_MAX)} cellules : ne gardez que la feuille du relevé, "
            "sans lignes ni colonnes vides mises en forme."
        )
    # openpyxl raises many kinds of exceptions on a damaged or foreign file: any of them means "unreadable".
    try:
        classeur = openpyxl.load_workbook(io.BytesIO(contenu), read_only=True, data_only=True)
    except Exception as erreur:
        raise FichierIllisible(ILLISIBLE) from erreur
    try:
        if not classeur.worksheets:
            raise FichierIllisible("Le classeur ne contient aucune feuille.")
        feuille = classeur.worksheets[0]
        if (feuille.max_column or 0) > COLONNES_MAX:
            raise FichierIllisible(
                f"La feuille du relevé s'étend sur {nombre(feuille.max_column)} colonnes : la limite est de "
                f"{COLONNES_MAX}. Supprimez les colonnes vides ou mises en forme à droite du tableau."
            )
        if (feuille.max_row or 0) > lignes_lues_max:
            trop_de_lignes()
        # Some generators write a wrong sheet dimension: read every row that is really there, never wider
        # than COLONNES_MAX (cells further right are ignored, their count is bounded above).
        feuille.reset_dimensions()
        for numero, valeurs in enumerate(feuille.iter_rows(max_col=COLONNES_MAX, values_only=True), start=1):
            if numero > lignes_lues_max:
                trop_de_lignes()
            yield numero, valeurs
    except FichierIllisible:
        raise
    except Exception as erreur:
        raise FichierIllisible(ILLISIBLE) from erreur
    finally:
        classeur.close()
        archive.close()

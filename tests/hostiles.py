"""Hostile upload files, built cheaply in memory: shared by the tests and benchmarks/entrees_hostiles.py."""

import io
import struct
import zipfile
import zlib

from insertion.releves.colonnes import ENTETES

CONTENT_TYPES = (
    b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    b'<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    b'<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    b'<Default Extension="xml" ContentType="application/xml"/>'
    b'<Override PartName="/xl/workbook.xml" '
    b'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
    b'<Override PartName="/xl/worksheets/sheet1.xml" '
    b'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
    b"</Types>"
)
RELS = (
    b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    b'<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    b'<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/'
    b'officeDocument" Target="xl/workbook.xml"/></Relationships>'
)
WORKBOOK = (
    b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    b'<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
    b'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
    b'<sheets><sheet name="relev\xc3\xa9" sheetId="1" r:id="rId1"/></sheets></workbook>'
)
WORKBOOK_RELS = (
    b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    b'<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    b'<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/'
    b'worksheet" Target="worksheets/sheet1.xml"/></Relationships>'
)
DEBUT_FEUILLE = (
    b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
)


def _lettres(colonne: int) -> str:
    lettres = ""
    while colonne:
        colonne, reste = divmod(colonne - 1, 26)
        lettres = chr(65 + reste) + lettres
    return lettres


def _entetes() -> bytes:
    cellules = "".join(
        f'<c r="{_lettres(i)}1" t="inlineStr"><is><t>{nom}</t></is></c>' for i, nom in enumerate(ENTETES, 1)
    )
    return f'<row r="1">{cellules}</row>'.encode()


def classeur(ecrire_feuille) -> bytes:
    """A minimal XLSX whose sheet XML is written by `ecrire_feuille(flux)`, streamed into the archive."""
    sortie = io.BytesIO()
    with zipfile.ZipFile(sortie, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", CONTENT_TYPES)
        archive.writestr("_rels/.rels", RELS)
        archive.writestr("xl/workbook.xml", WORKBOOK)
        archive.writestr("xl/_rels/workbook.xml.rels", WORKBOOK_RELS)
        with archive.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as flux:
            ecrire_feuille(flux)
    return sortie.getvalue()


def bombe_zip(octets: int = 1024**3) -> bytes:
    """A sheet of `octets` zeros (1 GiB by default) compressed to about a thousandth of it, built in a blink.

    The 1 MiB block of zeros is compressed once, with a full flush that resets the compressor, so the
    compressed stream of the whole sheet is that block repeated; its CRC is computed the same way.
    """
    bloc = b"0" * (1024 * 1024)
    debut = DEBUT_FEUILLE + b'<sheetData><row r="1"><c r="A1"><v>'
    fin = b"</v></c></row></sheetData></worksheet>"
    compresseur = zlib.compressobj(9, zlib.DEFLATED, -15)
    tete = compresseur.compress(debut) + compresseur.flush(zlib.Z_FULL_FLUSH)
    repete = compresseur.compress(bloc) + compresseur.flush(zlib.Z_FULL_FLUSH)
    queue = compresseur.compress(fin) + compresseur.flush()
    nombre = octets // len(bloc)
    crc = zlib.crc32(fin, _crc_apres_blocs(zlib.crc32(debut), bloc, nombre))
    feuille = (tete + repete * nombre + queue, crc, len(debut) + nombre * len(bloc) + len(fin))
    membres = {nom: _deflate(contenu) for nom, contenu in MEMBRES_FIXES.items()}
    return _archive(membres | {"xl/worksheets/sheet1.xml": feuille})


MEMBRES_FIXES = {
    "[Content_Types].xml": CONTENT_TYPES,
    "_rels/.rels": RELS,
    "xl/workbook.xml": WORKBOOK,
    "xl/_rels/workbook.xml.rels": WORKBOOK_RELS,
}


def _deflate(contenu: bytes) -> tuple[bytes, int, int]:
    compresseur = zlib.compressobj(9, zlib.DEFLATED, -15)
    return compresseur.compress(contenu) + compresseur.flush(), zlib.crc32(contenu), len(contenu)


def _crc_apres_blocs(crc: int, bloc: bytes, nombre: int) -> int:
    """zlib.crc32 of `bloc` repeated `nombre` times after `crc`, by squaring its affine map over GF(2)."""

    def appliquer(transformation, valeur):
        colonnes, constante = transformation
        for bit in range(32):
            if valeur >> bit & 1:
                constante ^= colonnes[bit]
        return constante

    def composer(t1, t2):  # t1 after t2
        return [appliquer(t1, c) ^ appliquer(t1, 0) for c in t2[0]], appliquer(t1, t2[1])

    constante = zlib.crc32(bloc, 0)
    transformation = ([zlib.crc32(bloc, 1 << bit) ^ constante for bit in range(32)], constante)
    while nombre:
        if nombre & 1:
            crc = appliquer(transformation, crc)
        transformation = composer(transformation, transformation)
        nombre >>= 1
    return crc


def _archive(membres: dict[str, tuple[bytes, int, int]]) -> bytes:
    """A zip archive of already deflated members (name -> (data, crc, uncompressed size))."""
    locaux, central = io.BytesIO(), io.BytesIO()
    for nom, (donnees, crc, taille) in membres.items():
        nom_octets = nom.encode()
        position = locaux.tell()
        champs = (20, 0, 8, 0, 0x21, crc, len(donnees), taille, len(nom_octets))
        locaux.write(struct.pack("<IHHHHHIIIHH", 0x04034B50, *champs, 0) + nom_octets + donnees)
        central.write(
            struct.pack("<IHHHHHHIIIHHHHHII", 0x02014B50, 20, *champs, 0, 0, 0, 0, 0, position) + nom_octets
        )
    repertoire = central.getvalue()
    fin = struct.pack(
        "<IHHHHIIH", 0x06054B50, 0, 0, len(membres), len(membres), len(repertoire), locaux.tell(), 0
    )
    return locaux.getvalue() + repertoire + fin


def classeur_xfd(lignes: int = 19_000, dimension: bool = True, style_d_abord: bool = False) -> bytes:
    """The template's headers, then `lignes` rows holding one cell in the last column (XFD).

    `style_d_abord` writes the cell's style before its reference, as no usual generator does.
    """
    cellule = '<c s="0" r="XFD{}">' if style_d_abord else '<c r="XFD{}">'

    def ecrire(flux):
        flux.write(DEBUT_FEUILLE)
        if dimension:
            flux.write(f'<dimension ref="A1:XFD{lignes + 1}"/>'.encode())
        flux.write(b"<sheetData>" + _entetes())
        for numero in range(2, lignes + 2):
            flux.write(f'<row r="{numero}">{cellule.format(numero)}<v>1</v></c></row>'.encode())
        flux.write(b"</sheetData></worksheet>")

    return classeur(ecrire)


def classeur_cellules(cellules: int) -> bytes:
    """The headers, then `cellules` cells in 10-cell rows (a sheet formatted far down)."""

    def ecrire(flux):
        flux.write(DEBUT_FEUILLE + b"<sheetData>" + _entetes())
        for numero in range(2, cellules // 10 + 2):
            ligne = "".join(f'<c r="{_lettres(i)}{numero}"/>' for i in range(1, 11))
            flux.write(f'<row r="{numero}">{ligne}</row>'.encode())
        flux.write(b"</sheetData></worksheet>")

    return classeur(ecrire)


def decp_nombre_geant(chiffres: int = 100_000) -> bytes:
    return b'{"marches": {"marche": [{"id": "2024-001", "montant": ' + b"9" * chiffres + b"}]}}"


def decp_imbrique(profondeur: int = 100_000) -> bytes:
    return (
        b'{"marches": {"marche": [{"id": "2024-001", "objet": "x", "annexe": '
        + (b"[" * profondeur + b"]" * profondeur)
        + b"}]}}"
    )

"""Monthly statements (relevés): the template, reading an XLSX or CSV file, checking every line, importing it.

A statement is checked as a whole before anything is written: every error is reported with its spreadsheet
line number (the header is line 1). A clean file is written in one transaction, through `enregistrer_heures`,
so the grid's rules apply and importing the same file again updates rows instead of duplicating them.
"""

import codecs
import csv
import datetime
import io
import re
import unicodedata
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from functools import cached_property

import openpyxl
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.db.models.functions import Upper
from django.utils import timezone
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation
from simple_history.utils import bulk_create_with_history

from beneficiaires.enums import CodePublic, Sexe
from beneficiaires.identite import cle_identite
from beneficiaires.models import Beneficiaire, Eligibilite, Public
from insertion.enums import Modalite, TypeContrat
from insertion.models import Clause
from insertion.regles import HEURES_MAX_PAR_LIGNE
from insertion.services import LigneHeures, SaisieInvalide, enregistrer_heures
from marches.models import Entreprise, Marche
from marches.siret import normaliser_siret, siret_valide
from portail.formats import nombre
from portail.periodes import libelle_mois, lire_mois, premier_jour
from territoires.models import Commune

TAILLE_MAX_OCTETS = 2 * 1024 * 1024
LIGNES_MAX = 5_000
# Rows read at most, empty ones included (a sheet formatted down to row 1 048 576 must not be walked).
LIGNES_LUES_MAX = 20_000
# Youngest age accepted on the month worked: below it, the birth date is most likely mistyped.
AGE_MIN = 14

EXTENSIONS_XLSX = (".xlsx", ".xlsm")
EXTENSIONS_CSV = (".csv", ".txt")
SIGNATURE_ZIP = b"PK\x03\x04"
BOM_UTF8 = "\ufeff"


@dataclass(frozen=True)
class Colonne:
    nom: str
    obligatoire: bool
    aide: str
    exemple: str
    alias: tuple[str, ...] = ()
    texte: bool = (
        False  # formatted as text in the XLSX template, so Excel keeps leading zeros and long numbers
    )


COLONNES = (
    Colonne(
        "reference_marche",
        True,
        "Référence du marché, telle qu'elle figure dans le portail.",
        "2026-M0001",
        alias=("reference", "marche", "ref_marche"),
        texte=True,
    ),
    Colonne(
        "siret_acheteur",
        False,
        "SIRET de l'acheteur : seulement si deux acheteurs ont un marché de même référence.",
        "22490001900015",
        alias=("acheteur",),
        texte=True,
    ),
    Colonne(
        "numero_lot",
        False,
        "Numéro du lot qui porte la clause ; facultatif si le marché n'a qu'une clause d'insertion.",
        "1",
        alias=("lot", "n_lot", "no_lot", "num_lot", "numero_du_lot"),
    ),
    Colonne(
        "mois",
        True,
        "Mois travaillé : AAAA-MM ou MM/AAAA.",
        "2026-03",
        alias=("mois_travaille", "periode"),
        texte=True,
    ),
    Colonne("nom", True, "Nom de naissance ou d'usage de la personne.", "MARTIN", alias=("nom_famille",)),
    Colonne("prenom", True, "Prénom de la personne.", "Camille"),
    Colonne(
        "date_naissance",
        True,
        "Date de naissance : JJ/MM/AAAA. Avec le nom et le prénom, elle retrouve la personne (accents et "
        "majuscules ignorés).",
        "14/05/1990",
        alias=("naissance", "ne_le", "nee_le"),
        texte=True,
    ),
    Colonne(
        "sexe",
        False,
        "F ou H. Obligatoire pour une personne que le portail ne connaît pas encore.",
        "F",
    ),
    Colonne(
        "commune_insee",
        False,
        "Code INSEE de la commune de résidence (5 caractères), pour une personne nouvelle.",
        "49007",
        alias=("code_insee", "insee", "commune"),
        texte=True,
    ),
    Colonne(
        "brsa",
        False,
        "« oui » si la personne nouvelle est bénéficiaire du RSA ; vide ou « non » sinon.",
        "oui",
        alias=("rsa", "beneficiaire_rsa"),
    ),
    Colonne(
        "brsa_debut",
        False,
        "Début du RSA (JJ/MM/AAAA) pour une personne nouvelle ; vide : le premier mois qu'elle a travaillé "
        "dans le fichier.",
        "01/01/2026",
        alias=("debut_brsa", "rsa_debut", "debut_rsa", "date_debut_rsa", "date_debut_brsa"),
        texte=True,
    ),
    Colonne(
        "siret_employeur",
        True,
        "SIRET (14 chiffres) de l'employeur de la personne, déjà enregistré dans le portail.",
        "12345678200010",
        alias=("siret", "employeur"),
        texte=True,
    ),
    Colonne(
        "modalite",
        True,
        "Modalité : un code ou un libellé de la feuille « valeurs autorisées ».",
        Modalite.EMBAUCHE_DIRECTE.value,
        alias=("modalite_insertion",),
    ),
    Colonne(
        "type_contrat",
        True,
        "Type de contrat : un code ou un libellé de la feuille « valeurs autorisées ».",
        TypeContrat.CDD.value,
        alias=("contrat",),
    ),
    Colonne(
        "heures",
        True,
        f"Heures travaillées dans le mois, virgule ou point décimal : plus de 0 et au plus {HEURES_MAX_PAR_LIGNE}.",
        "35,5",
        alias=("nombre_heures", "nb_heures", "heures_travaillees", "heures_realisees"),
    ),
)
COLONNES_OBLIGATOIRES = tuple(c.nom for c in COLONNES if c.obligatoire)
ENTETES = tuple(c.nom for c in COLONNES)

OUI = {"oui", "o", "x", "1", "vrai", "true", "yes", "y"}
NON = {"", "non", "n", "0", "faux", "false", "no"}
SEXES = {"f": Sexe.FEMME, "femme": Sexe.FEMME, "feminin": Sexe.FEMME}
SEXES |= {"h": Sexe.HOMME, "homme": Sexe.HOMME, "m": Sexe.HOMME, "masculin": Sexe.HOMME}
MOTS_VIDES = {"de", "du", "des", "d", "la", "le", "l", "en"}


# --- errors and results --------------------------------------------------------------------------


class FichierIllisible(Exception):
    """The file as a whole cannot be read: wrong format, too big, missing columns."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


@dataclass(frozen=True)
class ErreurReleve:
    ligne: int | None  # spreadsheet line (header = 1); None for an error on the whole file
    message: str


@dataclass
class ResultatImport:
    lignes: int = 0
    crees: int = 0
    modifiees: int = 0
    inchangees: int = 0
    personnes_creees: list[str] = field(default_factory=list)
    erreurs: list[ErreurReleve] = field(default_factory=list)
    alertes: list[str] = field(default_factory=list)
    confirmation_requise: bool = False

    @property
    def ecrit(self) -> bool:
        return not self.erreurs and not self.confirmation_requise


@dataclass(frozen=True)
class LigneBrute:
    numero: int
    valeurs: dict  # column name -> cell value (str from a CSV, native types from an XLSX)


@dataclass(frozen=True)
class Releve:
    lignes: list[LigneBrute]
    colonnes_ignorees: list[str] = field(default_factory=list)


# --- normalisation helpers -----------------------------------------------------------------------


def normaliser(texte) -> str:
    """'Date de naissance' -> 'date_naissance': accents, case, punctuation and small words ignored."""
    decompose = unicodedata.normalize("NFKD", str(texte or ""))
    sans_accents = "".join(c for c in decompose if not unicodedata.combining(c)).casefold()
    mots = re.findall(r"[a-z0-9]+", sans_accents)
    return "_".join(m for m in mots if m not in MOTS_VIDES)


def _table_des_choix(choix, alias: dict[str, str]) -> dict[str, str]:
    table = {}
    for code, libelle in choix.choices:
        table[normaliser(code)] = code
        table[normaliser(libelle)] = code
        table[normaliser(libelle.split("(")[0])] = code
    table |= {normaliser(cle): code for cle, code in alias.items()}
    return table


MODALITES = _table_des_choix(
    Modalite, {"sous-traitance": Modalite.SOUS_TRAITANCE, "cotraitance": Modalite.SOUS_TRAITANCE}
)
TYPES_CONTRAT = _table_des_choix(
    TypeContrat,
    {
        "intérim": TypeContrat.MISSION,
        "mise à disposition": TypeContrat.MISSION,
        "formation": TypeContrat.STAGE,
    },
)

_COLONNES_PAR_CLE = {}
for _colonne in COLONNES:
    for _cle in (_colonne.nom, *_colonne.alias):
        _COLONNES_PAR_CLE[normaliser(_cle)] = _colonne.nom


def valeurs_autorisees() -> list[tuple[str, list[tuple[str, str]]]]:
    """(column, [(code, label)]) for the columns with a closed list of values."""
    return [
        ("modalite", list(Modalite.choices)),
        ("type_contrat", list(TypeContrat.choices)),
        ("sexe", list(Sexe.choices)),
        ("brsa", [("oui", "bénéficiaire du RSA"), ("non", "non bénéficiaire du RSA (ou vide)")]),
    ]


# --- template ------------------------------------------------------------------------------------


def modele_csv() -> bytes:
    sortie = io.StringIO()
    csv.writer(sortie, delimiter=";", lineterminator="\r\n").writerow(ENTETES)
    return (BOM_UTF8 + sortie.getvalue()).encode("utf-8")


def modele_xlsx() -> bytes:
    classeur = openpyxl.Workbook()
    gras = Font(bold=True)
    fond = PatternFill("solid", fgColor="DDE7F3")

    releve = classeur.active
    releve.title = "relevé"
    releve.append(ENTETES)
    for position, colonne in enumerate(COLONNES, start=1):
        lettre = get_column_letter(position)
        cellule = releve.cell(row=1, column=position)
        cellule.font, cellule.fill = gras, fond
        releve.column_dimensions[lettre].width = max(14, len(colonne.nom) + 4)
        if colonne.texte:
            releve.column_dimensions[lettre].number_format = "@"
    releve.freeze_panes = "A2"

    valeurs = classeur.create_sheet("valeurs autorisées")
    valeurs.append(("colonne", "valeur (code)", "signification"))
    plages = {}
    for nom, choix in valeurs_autorisees():
        debut = valeurs.max_row + 1
        for code, libelle in choix:
            valeurs.append((nom, code, libelle))
        plages[nom] = f"'valeurs autorisées'!$B${debut}:$B${valeurs.max_row}"
    for cellule in valeurs[1]:
        cellule.font, cellule.fill = gras, fond
    for lettre, largeur in (("A", 16), ("B", 24), ("C", 60)):
        valeurs.column_dimensions[lettre].width = largeur

    # Drop-down lists on the closed columns; a label typed by hand is still accepted (warning only).
    for position, colonne in enumerate(COLONNES, start=1):
        if colonne.nom in plages:
            lettre = get_column_letter(position)
            validation = DataValidation(
                type="list", formula1=plages[colonne.nom], allow_blank=True, errorStyle="warning"
            )
            validation.add(f"{lettre}2:{lettre}{LIGNES_MAX + 1}")
            releve.add_data_validation(validation)

    aide = classeur.create_sheet("mode d'emploi")
    aide.append(("colonne", "obligatoire", "contenu", "exemple"))
    for colonne in COLONNES:
        aide.append((colonne.nom, "oui" if colonne.obligatoire else "non", colonne.aide, colonne.exemple))
    for cellule in aide[1]:
        cellule.font, cellule.fill = gras, fond
    for lettre, largeur in (("A", 20), ("B", 12), ("C", 90), ("D", 18)):
        aide.column_dimensions[lettre].width = largeur
    for ligne in aide.iter_rows(min_row=2, min_col=3, max_col=3):
        ligne[0].alignment = Alignment(wrap_text=True, vertical="top")

    sortie = io.BytesIO()
    classeur.save(sortie)
    return sortie.getvalue()


# --- reading -------------------------------------------------------------------------------------


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


def _vide(valeur) -> bool:
    return valeur is None or (isinstance(valeur, str) and not valeur.strip())


def _releve_depuis_rangees(rangees) -> Releve:
    positions: dict[str, int] | None = None
    ignorees: list[str] = []
    lignes: list[LigneBrute] = []
    for numero, valeurs in rangees:
        if numero > LIGNES_LUES_MAX:
            _trop_de_lignes()
        if all(_vide(v) for v in valeurs):
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
        if _vide(entete):
            continue
        nom = _COLONNES_PAR_CLE.get(normaliser(entete))
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


# --- cell parsing --------------------------------------------------------------------------------


def _texte(valeur) -> str:
    if valeur is None:
        return ""
    if isinstance(valeur, bool):
        return "oui" if valeur else "non"
    if isinstance(valeur, float):
        return str(int(valeur)) if valeur.is_integer() else repr(valeur)
    if isinstance(valeur, datetime.date):  # datetimes included
        return valeur.strftime("%d/%m/%Y")
    return " ".join(str(valeur).replace("\u00a0", " ").replace("\u202f", " ").split())


def _date(valeur) -> datetime.date | None:
    if isinstance(valeur, datetime.datetime):
        return valeur.date()
    if isinstance(valeur, datetime.date):
        return valeur
    texte = _texte(valeur)
    for format_ in ("%d/%m/%Y", "%Y-%m-%d", "%d-%m-%Y", "%d.%m.%Y", "%Y-%m-%d %H:%M:%S"):
        try:
            return datetime.datetime.strptime(texte, format_).date()
        except ValueError:
            continue
    return None


def _mois(valeur) -> datetime.date | None:
    if isinstance(valeur, datetime.datetime | datetime.date):
        return premier_jour(_date(valeur))
    texte = _texte(valeur)
    return lire_mois(texte) if texte else None


def _heures(valeur) -> Decimal | None:
    if isinstance(valeur, bool):
        return None
    if isinstance(valeur, int | float | Decimal):
        texte = str(valeur)
    else:
        texte = _texte(valeur).replace(" ", "").lower().removesuffix("h").replace(",", ".")
    try:
        heures = Decimal(texte)
    except InvalidOperation:
        return None
    if not heures.is_finite():
        return None
    return heures.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


def _entier(valeur) -> int | None:
    texte = _texte(valeur)
    return int(texte) if texte.isdigit() else None


def _age(naissance: datetime.date, jour: datetime.date) -> int:
    return jour.year - naissance.year - ((jour.month, jour.day) < (naissance.month, naissance.day))


def _siret(valeur) -> str:
    return normaliser_siret(_texte(valeur))


# --- checking and import -------------------------------------------------------------------------


@dataclass
class _Ligne:
    """A line whose cells all parsed; the objects are resolved once every lookup is done."""

    numero: int
    reference: str
    siret_acheteur: str
    numero_lot: int | None
    mois: datetime.date
    nom: str
    prenom: str
    date_naissance: datetime.date
    sexe: str
    commune_insee: str
    brsa: bool | None
    brsa_debut: datetime.date | None
    siret_employeur: str
    modalite: str
    type_contrat: str
    heures: Decimal

    @cached_property
    def cle_personne(self) -> str:
        return cle_identite(self.nom, self.prenom, self.date_naissance)

    @property
    def personne(self) -> str:
        return f"{self.nom.upper()} {self.prenom} (né·e le {self.date_naissance:%d/%m/%Y})"


@dataclass
class _Nouvelle:
    """A person the portal does not know yet, gathered over the lines that name them."""

    ligne: _Ligne
    sexe: str = ""
    commune_insee: str = ""
    brsa: bool | None = None
    brsa_debut: datetime.date | None = None
    premier_mois: datetime.date | None = None


class _Annulation(Exception):
    """Raised inside the transaction to undo everything when the file is not clean."""


def _lire_ligne(brute: LigneBrute, erreurs: list[ErreurReleve]) -> _Ligne | None:
    v = brute.valeurs
    n = brute.numero
    avant = len(erreurs)

    def erreur(message):
        erreurs.append(ErreurReleve(n, message))

    reference = _texte(v.get("reference_marche"))
    if not reference:
        erreur("La référence du marché est vide.")

    siret_acheteur = _siret(v.get("siret_acheteur"))
    if siret_acheteur and not siret_valide(siret_acheteur):
        erreur(
            f"SIRET de l'acheteur « {_texte(v.get('siret_acheteur'))} » invalide (14 chiffres, clé de contrôle)."
        )

    numero_lot = None
    if not _vide(v.get("numero_lot")):
        numero_lot = _entier(v.get("numero_lot"))
        if not numero_lot:
            erreur(
                f"Numéro de lot « {_texte(v.get('numero_lot'))} » illisible : indiquez un nombre entier (1, 2…)."
            )

    mois = _mois(v.get("mois"))
    if _vide(v.get("mois")):
        erreur("Le mois est vide : écrivez AAAA-MM (2026-03) ou MM/AAAA (03/2026).")
    elif mois is None:
        erreur(
            f"Mois « {_texte(v.get('mois'))} » illisible : écrivez AAAA-MM (2026-03) ou MM/AAAA (03/2026)."
        )

    nom, prenom = _texte(v.get("nom")), _texte(v.get("prenom"))
    if not nom:
        erreur("Le nom de la personne est vide.")
    elif len(nom) > 150:
        erreur("Le nom dépasse 150 caractères.")
    if not prenom:
        erreur("Le prénom de la personne est vide.")
    elif len(prenom) > 150:
        erreur("Le prénom dépasse 150 caractères.")

    date_naissance = _date(v.get("date_naissance"))
    if _vide(v.get("date_naissance")):
        erreur("La date de naissance est vide : écrivez JJ/MM/AAAA.")
    elif date_naissance is None:
        erreur(f"Date de naissance « {_texte(v.get('date_naissance'))} » illisible : écrivez JJ/MM/AAAA.")
    elif mois is not None and _age(date_naissance, mois) < AGE_MIN:
        erreur(
            f"Date de naissance {date_naissance:%d/%m/%Y} : la personne aurait moins de {AGE_MIN} ans en "
            f"{libelle_mois(mois)}. Vérifiez la date."
        )

    sexe = ""
    if not _vide(v.get("sexe")):
        sexe = SEXES.get(normaliser(v.get("sexe")), "")
        if not sexe:
            erreur(f"Sexe « {_texte(v.get('sexe'))} » inconnu : écrivez F ou H.")

    commune_insee = _texte(v.get("commune_insee")).upper()
    if commune_insee.isdigit() and len(commune_insee) == 4:  # Excel drops the leading zero
        commune_insee = "0" + commune_insee
    if commune_insee and not re.fullmatch(r"[0-9][0-9AB][0-9]{3}", commune_insee):
        erreur(f"Code INSEE de commune « {_texte(v.get('commune_insee'))} » invalide : 5 caractères (49007).")

    brsa = None
    if not _vide(v.get("brsa")):
        texte_brsa = normaliser(v.get("brsa"))
        brsa = True if texte_brsa in OUI else False if texte_brsa in NON else None
        if brsa is None:
            erreur(f"Valeur « {_texte(v.get('brsa'))} » de la colonne brsa inconnue : écrivez oui ou non.")
    brsa_debut = None
    if not _vide(v.get("brsa_debut")):
        brsa_debut = _date(v.get("brsa_debut"))
        if brsa_debut is None:
            erreur(f"Début du RSA « {_texte(v.get('brsa_debut'))} » illisible : écrivez JJ/MM/AAAA.")
        elif brsa is False:
            erreur("Un début de RSA est indiqué alors que la colonne brsa vaut « non ».")
        elif brsa_debut > timezone.localdate():
            erreur(f"Le début du RSA ({brsa_debut:%d/%m/%Y}) est dans le futur.")
        else:
            brsa = True

    siret_employeur = _siret(v.get("siret_employeur"))
    if not siret_employeur:
        erreur("Le SIRET de l'employeur est vide.")
    elif not siret_valide(siret_employeur):
        erreur(
            f"SIRET de l'employeur « {_texte(v.get('siret_employeur'))} » invalide : 14 chiffres avec une clé de "
            "contrôle correcte."
        )

    modalite = MODALITES.get(normaliser(v.get("modalite")))
    if modalite is None:
        erreur(
            (
                "La modalité est vide"
                if _vide(v.get("modalite"))
                else f"Modalité « {_texte(v.get('modalite'))} » inconnue"
            )
            + " : valeurs admises "
            + ", ".join(Modalite.values)
            + " (ou leurs libellés)."
        )
    type_contrat = TYPES_CONTRAT.get(normaliser(v.get("type_contrat")))
    if type_contrat is None:
        erreur(
            (
                "Le type de contrat est vide"
                if _vide(v.get("type_contrat"))
                else f"Type de contrat « {_texte(v.get('type_contrat'))} » inconnu"
            )
            + " : valeurs admises "
            + ", ".join(TypeContrat.values)
            + " (ou leurs libellés)."
        )

    heures = _heures(v.get("heures"))
    if _vide(v.get("heures")):
        erreur("Le nombre d'heures est vide.")
    elif heures is None:
        erreur(f"Heures « {_texte(v.get('heures'))} » illisibles : indiquez un nombre (35 ou 35,5).")
    elif not Decimal(0) < heures <= HEURES_MAX_PAR_LIGNE:
        erreur(
            f"Heures « {_texte(v.get('heures'))} » : le nombre d'heures d'une ligne doit être supérieur à 0 et "
            f"au plus {HEURES_MAX_PAR_LIGNE}."
        )

    if len(erreurs) > avant:
        return None
    return _Ligne(
        numero=n,
        reference=reference,
        siret_acheteur=siret_acheteur,
        numero_lot=numero_lot,
        mois=mois,
        nom=nom,
        prenom=prenom,
        date_naissance=date_naissance,
        sexe=sexe,
        commune_insee=commune_insee,
        brsa=brsa,
        brsa_debut=brsa_debut,
        siret_employeur=siret_employeur,
        modalite=modalite,
        type_contrat=type_contrat,
        heures=heures,
    )


def _resoudre_clauses(*, user, lignes: list[_Ligne], erreurs: list[ErreurReleve]) -> dict[int, Clause]:
    """Clause of each line, looked up among the user's contracts only: one query for contracts, one for clauses."""
    brutes = {ligne.reference for ligne in lignes}
    majuscules = {reference.upper() for reference in brutes}
    marches_par_reference = defaultdict(list)
    for marche in (
        Marche.objects.for_user(user)
        .annotate(reference_majuscules=Upper("reference"))
        .filter(Q(reference__in=brutes) | Q(reference_majuscules__in=majuscules))
        .select_related("acheteur")
    ):
        marches_par_reference[marche.reference.upper()].append(marche)
    clauses_par_marche = defaultdict(dict)
    marche_ids = [m.pk for marches in marches_par_reference.values() for m in marches]
    for clause in Clause.objects.filter(lot__marche_id__in=marche_ids).select_related("lot__marche"):
        clauses_par_marche[clause.lot.marche_id][clause.lot.numero] = clause

    trouvees = {}
    for ligne in lignes:
        # Same answer for a reference that does not exist and for another territory's: never reveal the latter.
        candidats = marches_par_reference.get(ligne.reference.upper(), [])
        if ligne.siret_acheteur:
            candidats = [m for m in candidats if m.acheteur.siret == ligne.siret_acheteur]
        if not candidats:
            precision = f" pour l'acheteur de SIRET {ligne.siret_acheteur}" if ligne.siret_acheteur else ""
            erreurs.append(
                ErreurReleve(
                    ligne.numero,
                    f"Marché inconnu : « {ligne.reference} »{precision}. Vérifiez la référence : elle doit "
                    "désigner un marché que vous suivez dans le portail.",
                )
            )
            continue
        if len(candidats) > 1:
            erreurs.append(
                ErreurReleve(
                    ligne.numero,
                    f"La référence « {ligne.reference} » désigne {len(candidats)} marchés d'acheteurs différents : "
                    "indiquez le SIRET de l'acheteur dans la colonne siret_acheteur.",
                )
            )
            continue
        marche = candidats[0]
        clauses = clauses_par_marche.get(marche.pk, {})
        if not clauses:
            erreurs.append(
                ErreurReleve(
                    ligne.numero, f"Le marché {marche.reference} ne porte aucune clause d'insertion."
                )
            )
        elif ligne.numero_lot is not None:
            if ligne.numero_lot in clauses:
                trouvees[ligne.numero] = clauses[ligne.numero_lot]
            else:
                numeros = ", ".join(str(n) for n in sorted(clauses))
                erreurs.append(
                    ErreurReleve(
                        ligne.numero,
                        f"Le marché {marche.reference} n'a pas de lot n° {ligne.numero_lot} portant une clause "
                        f"d'insertion (lots avec clause : {numeros}).",
                    )
                )
        elif len(clauses) == 1:
            trouvees[ligne.numero] = next(iter(clauses.values()))
        else:
            numeros = ", ".join(str(n) for n in sorted(clauses))
            erreurs.append(
                ErreurReleve(
                    ligne.numero,
                    f"Le marché {marche.reference} a plusieurs lots avec une clause ({numeros}) : indiquez le "
                    "numéro de lot dans la colonne numero_lot.",
                )
            )
    return trouvees


def _resoudre_employeurs(*, lignes: list[_Ligne], erreurs: list[ErreurReleve]) -> dict[str, Entreprise]:
    employeurs = {
        e.siret: e for e in Entreprise.objects.filter(siret__in={ligne.siret_employeur for ligne in lignes})
    }
    for ligne in lignes:
        if ligne.siret_employeur not in employeurs:
            erreurs.append(
                ErreurReleve(
                    ligne.numero,
                    f"Employeur inconnu : aucune entreprise de SIRET {ligne.siret_employeur} dans le portail. "
                    "Demandez au Département de l'enregistrer.",
                )
            )
    return employeurs


def _resoudre_personnes(
    *, lignes: list[_Ligne], erreurs: list[ErreurReleve]
) -> tuple[dict[str, Beneficiaire], dict[str, _Nouvelle], dict[str, Commune]]:
    """Known people (one query), the new ones to create, and the communes named (one query)."""
    connues = {
        p.cle_identite: p
        for p in Beneficiaire.objects.filter(cle_identite__in={ligne.cle_personne for ligne in lignes})
    }
    codes = {ligne.commune_insee for ligne in lignes if ligne.commune_insee}
    communes = {c.code_insee: c for c in Commune.objects.filter(code_insee__in=codes)} if codes else {}

    nouvelles: dict[str, _Nouvelle] = {}
    for ligne in lignes:
        if ligne.commune_insee and ligne.commune_insee not in communes:
            erreurs.append(
                ErreurReleve(ligne.numero, f"Commune inconnue : code INSEE {ligne.commune_insee}.")
            )
        if ligne.cle_personne in connues:
            continue
        nouvelle = nouvelles.setdefault(ligne.cle_personne, _Nouvelle(ligne=ligne))
        nouvelle.premier_mois = min(filter(None, (nouvelle.premier_mois, ligne.mois)))
        for attribut, libelle in (
            ("sexe", "le sexe"),
            ("commune_insee", "la commune"),
            ("brsa", "la colonne brsa"),
            ("brsa_debut", "le début du RSA"),
        ):
            valeur = getattr(ligne, attribut)
            if valeur in ("", None):
                continue
            deja = getattr(nouvelle, attribut)
            if deja in ("", None):
                setattr(nouvelle, attribut, valeur)
            elif deja != valeur:
                erreurs.append(
                    ErreurReleve(
                        ligne.numero,
                        f"Pour {ligne.personne}, {libelle} diffère de la ligne {nouvelle.ligne.numero}.",
                    )
                )
    for nouvelle in nouvelles.values():
        if not nouvelle.sexe:
            erreurs.append(
                ErreurReleve(
                    nouvelle.ligne.numero,
                    f"{nouvelle.ligne.personne} n'est pas encore connu·e du portail : indiquez son sexe (F ou H) "
                    "dans la colonne sexe pour l'ajouter.",
                )
            )
    return connues, nouvelles, communes


def _creer_personnes(
    *, user, nouvelles: list[_Nouvelle], communes: dict[str, Commune]
) -> dict[str, Beneficiaire]:
    """Creates the new people in bulk (with their history and BRSA period): a fixed number of queries."""
    if not nouvelles:
        return {}
    epci_id = None if user.voit_tout else user.epci_id
    objets = [
        Beneficiaire(
            nom=n.ligne.nom,
            prenom=n.ligne.prenom,
            date_naissance=n.ligne.date_naissance,
            sexe=n.sexe,
            commune=communes.get(n.commune_insee),
            date_entree=n.premier_mois,
            cree_par_epci_id=epci_id,
            cle_identite=n.ligne.cle_personne,
        )
        for n in nouvelles
    ]
    creees = bulk_create_with_history(objets, Beneficiaire, default_user=user)
    par_cle = {p.cle_identite: p for p in creees}
    au_rsa = [n for n in nouvelles if n.brsa]
    if au_rsa:
        brsa = Public.objects.get(code=CodePublic.BRSA)
        Eligibilite.objects.bulk_create(
            Eligibilite(
                beneficiaire=par_cle[n.ligne.cle_personne],
                public=brsa,
                date_debut=n.brsa_debut or n.premier_mois,
            )
            for n in au_rsa
        )
    return par_cle


def importer_releve(*, user, releve: Releve, confirmer_depassement: bool = False) -> ResultatImport:
    """Checks every line of a statement, then writes it in one transaction, or nothing at all.

    The result carries either the errors (line number and French message), or the monthly totals that need a
    confirmation, or the counts of rows created / modified / unchanged and the people created.
    """
    resultat = ResultatImport(lignes=len(releve.lignes))
    erreurs: list[ErreurReleve] = []
    lignes = [ligne for brute in releve.lignes if (ligne := _lire_ligne(brute, erreurs)) is not None]

    clauses = _resoudre_clauses(user=user, lignes=lignes, erreurs=erreurs)
    employeurs = _resoudre_employeurs(lignes=lignes, erreurs=erreurs)
    connues, nouvelles, communes = _resoudre_personnes(lignes=lignes, erreurs=erreurs)

    en_erreur = {e.ligne for e in erreurs}
    a_creer = [n for n in nouvelles.values() if n.sexe]
    possibles = {n.ligne.cle_personne for n in a_creer} | set(connues)
    bonnes = [
        ligne
        for ligne in lignes
        if ligne.numero not in en_erreur and ligne.numero in clauses and ligne.cle_personne in possibles
    ]

    # Even when some lines are already wrong, the others go through the service inside the transaction, so that
    # the file's errors are all reported at once; the transaction is then rolled back.
    try:
        with transaction.atomic():
            personnes = connues | _creer_personnes(user=user, nouvelles=a_creer, communes=communes)
            lignes_heures = [
                LigneHeures(
                    clause=clauses[ligne.numero],
                    mois=ligne.mois,
                    beneficiaire=personnes[ligne.cle_personne],
                    employeur=employeurs[ligne.siret_employeur],
                    heures=ligne.heures,
                    modalite=ligne.modalite,
                    type_contrat=ligne.type_contrat,
                )
                for ligne in bonnes
            ]
            if lignes_heures:
                try:
                    saisie = enregistrer_heures(
                        user=user,
                        lignes=lignes_heures,
                        confirmer_depassement=confirmer_depassement or bool(erreurs),
                    )
                except SaisieInvalide as refus:
                    if refus.confirmation_requise:
                        resultat.confirmation_requise = True
                        resultat.alertes = [e.message for e in refus.erreurs]
                    else:
                        erreurs += [
                            ErreurReleve(None if e.index is None else bonnes[e.index].numero, e.message)
                            for e in refus.erreurs
                        ]
                    raise _Annulation from refus
            if erreurs:
                raise _Annulation
    except _Annulation:
        resultat.erreurs = sorted(erreurs, key=lambda e: (e.ligne is not None, e.ligne or 0))
        return resultat
    except IntegrityError:
        resultat.erreurs = [
            ErreurReleve(
                None,
                "Une autre saisie a modifié les mêmes personnes ou les mêmes heures pendant l'import : rien n'a "
                "été enregistré. Déposez à nouveau le fichier.",
            )
        ]
        return resultat

    resultat.crees, resultat.modifiees, resultat.inchangees = (
        saisie.crees,
        saisie.modifiees,
        saisie.inchangees,
    )
    resultat.alertes = saisie.alertes
    resultat.personnes_creees = sorted(str(personnes[n.ligne.cle_personne]) for n in a_creer)
    return resultat

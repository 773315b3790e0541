"""Checking one raw line of a statement: every cell parsed, every error reported with its line number."""

import datetime
import re
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from functools import cached_property

from django.utils import timezone

from beneficiaires.identite import cle_identite
from insertion.enums import Modalite, TypeContrat
from insertion.regles import HEURES_MAX_PAR_LIGNE, heures_de_ligne_valides
from insertion.releves.colonnes import (
    MODALITES,
    NON,
    OUI,
    SEXES,
    TYPES_CONTRAT,
    TYPES_STRUCTURE,
    normaliser,
)
from insertion.releves.lecture import LigneBrute, vide
from marches.enums import TypeStructure
from marches.siret import normaliser_siret, siret_valide
from portail.periodes import lire_mois, premier_jour


@dataclass(frozen=True)
class ErreurReleve:
    ligne: int | None  # spreadsheet line (header = 1); None for an error on the whole file
    message: str


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
    if abs(heures) > HEURES_MAX_PAR_LIGNE:
        return heures  # refused by the bounds check; rounding 1e309 to cents would overflow the context
    return heures.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


def _entier(valeur) -> int | None:
    texte = _texte(valeur)
    # ASCII digits only ("²" is a digit for isdigit() but not for int()), and few: a lot number, not 5 000 digits.
    return int(texte) if texte.isascii() and texte.isdigit() and len(texte) <= 9 else None


def _siret(valeur) -> str:
    return normaliser_siret(_texte(valeur))


@dataclass
class LigneVerifiee:
    """A checked line: a cell that did not parse is None (or empty), its error is already recorded.

    Every cell is checked independently, so a line with three faults reports three errors; the lookups that
    follow (contract, employer, person, month rules) only skip a line whose input for them is unreadable.
    """

    numero: int
    reference: str
    siret_acheteur: str | None  # None: given but invalid
    numero_lot: int | None
    lot_illisible: bool
    mois: datetime.date | None
    nom: str
    prenom: str
    date_naissance: datetime.date | None
    sexe: str
    sexe_illisible: bool
    commune_insee: str  # empty when absent or invalid
    brsa: bool | None
    brsa_debut: datetime.date | None
    siret_employeur: str | None  # None: empty or invalid
    raison_sociale_employeur: str  # for an employer the portal does not know yet
    type_structure_employeur: str | None  # None: unreadable (already reported)
    modalite: str | None
    type_contrat: str | None
    heures: Decimal | None  # None: empty, unreadable or out of bounds
    en_erreur: bool = False

    @cached_property
    def cle_personne(self) -> str | None:
        """None when the identity cannot be read: the person checks are then skipped for this line."""
        if (
            not (self.nom and self.prenom and self.date_naissance)
            or max(len(self.nom), len(self.prenom)) > 150
        ):
            return None
        return cle_identite(self.nom, self.prenom, self.date_naissance)

    @property
    def personne(self) -> str:
        return f"{self.nom.upper()} {self.prenom} (né·e le {self.date_naissance:%d/%m/%Y})"


def verifier_ligne(brute: LigneBrute, erreurs: list[ErreurReleve]) -> LigneVerifiee:
    """Checks every cell of a line, each on its own: all the faults of the line are recorded in one pass."""
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
        siret_acheteur = None

    numero_lot = None
    lot_illisible = False
    if not vide(v.get("numero_lot")):
        numero_lot = _entier(v.get("numero_lot"))
        if not numero_lot:
            erreur(
                f"Numéro de lot « {_texte(v.get('numero_lot'))} » illisible : indiquez un nombre entier (1, 2…)."
            )
            numero_lot, lot_illisible = None, True

    mois = _mois(v.get("mois"))
    if vide(v.get("mois")):
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
    if vide(v.get("date_naissance")):
        erreur("La date de naissance est vide : écrivez JJ/MM/AAAA.")
    elif date_naissance is None:
        erreur(f"Date de naissance « {_texte(v.get('date_naissance'))} » illisible : écrivez JJ/MM/AAAA.")

    sexe = ""
    if not vide(v.get("sexe")):
        sexe = SEXES.get(normaliser(v.get("sexe")), "")
        if not sexe:
            erreur(f"Sexe « {_texte(v.get('sexe'))} » inconnu : écrivez F ou H.")

    commune_insee = _texte(v.get("commune_insee")).upper()
    if commune_insee.isdigit() and len(commune_insee) == 4:  # Excel drops the leading zero
        commune_insee = "0" + commune_insee
    if commune_insee and not re.fullmatch(r"[0-9][0-9AB][0-9]{3}", commune_insee):
        erreur(f"Code INSEE de commune « {_texte(v.get('commune_insee'))} » invalide : 5 caractères (49007).")
        commune_insee = ""  # not looked up: "commune inconnue" would repeat the same fault

    brsa = None
    if not vide(v.get("brsa")):
        texte_brsa = normaliser(v.get("brsa"))
        brsa = True if texte_brsa in OUI else False if texte_brsa in NON else None
        if brsa is None:
            erreur(f"Valeur « {_texte(v.get('brsa'))} » de la colonne brsa inconnue : écrivez oui ou non.")
    brsa_debut = None
    if not vide(v.get("brsa_debut")):
        brsa_debut = _date(v.get("brsa_debut"))
        if brsa_debut is None:
            erreur(f"Début du RSA « {_texte(v.get('brsa_debut'))} » illisible : écrivez JJ/MM/AAAA.")
        else:
            if brsa is False:
                erreur("Un début de RSA est indiqué alors que la colonne brsa vaut « non ».")
            if brsa_debut > timezone.localdate():
                erreur(f"Le début du RSA ({brsa_debut:%d/%m/%Y}) est dans le futur.")
            if brsa is None:
                brsa = True

    siret_employeur = _siret(v.get("siret_employeur"))
    if not siret_employeur:
        erreur("Le SIRET de l'employeur est vide.")
    elif not siret_valide(siret_employeur):
        erreur(
            f"SIRET de l'employeur « {_texte(v.get('siret_employeur'))} » invalide : 14 chiffres avec une clé de "
            "contrôle correcte."
        )
    if not siret_employeur or not siret_valide(siret_employeur):
        siret_employeur = None

    raison_sociale_employeur = " ".join(_texte(v.get("raison_sociale_employeur")).split())
    if len(raison_sociale_employeur) > 255:
        erreur("La raison sociale de l'employeur dépasse 255 caractères.")
        raison_sociale_employeur = ""
    type_structure_employeur = TypeStructure.ENTREPRISE
    if not vide(v.get("type_structure_employeur")):
        type_structure_employeur = TYPES_STRUCTURE.get(normaliser(v.get("type_structure_employeur")))
        if type_structure_employeur is None:
            erreur(
                f"Type de structure « {_texte(v.get('type_structure_employeur'))} » inconnu : valeurs admises "
                + ", ".join(TypeStructure.values)
                + " (ou leurs libellés)."
            )

    modalite = MODALITES.get(normaliser(v.get("modalite")))
    if modalite is None:
        erreur(
            (
                "La modalité est vide"
                if vide(v.get("modalite"))
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
                if vide(v.get("type_contrat"))
                else f"Type de contrat « {_texte(v.get('type_contrat'))} » inconnu"
            )
            + " : valeurs admises "
            + ", ".join(TypeContrat.values)
            + " (ou leurs libellés)."
        )

    heures = _heures(v.get("heures"))
    if vide(v.get("heures")):
        erreur("Le nombre d'heures est vide.")
    elif heures is None:
        erreur(f"Heures « {_texte(v.get('heures'))} » illisibles : indiquez un nombre (35 ou 35,5).")
    elif not heures_de_ligne_valides(heures):
        erreur(
            f"Heures « {_texte(v.get('heures'))} » : le nombre d'heures d'une ligne doit être supérieur à 0 et "
            f"au plus {HEURES_MAX_PAR_LIGNE}."
        )
        heures = None

    return LigneVerifiee(
        numero=n,
        reference=reference,
        siret_acheteur=siret_acheteur,
        numero_lot=numero_lot,
        lot_illisible=lot_illisible,
        mois=mois,
        nom=nom,
        prenom=prenom,
        date_naissance=date_naissance,
        sexe=sexe,
        sexe_illisible=not vide(v.get("sexe")) and not sexe,
        commune_insee=commune_insee,
        brsa=brsa,
        brsa_debut=brsa_debut,
        siret_employeur=siret_employeur,
        raison_sociale_employeur=raison_sociale_employeur,
        type_structure_employeur=type_structure_employeur,
        modalite=modalite,
        type_contrat=type_contrat,
        heures=heures,
        en_erreur=len(erreurs) > avant,
    )

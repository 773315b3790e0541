"""The columns of a monthly statement, their aliases and the closed lists of values they accept."""

import re
import unicodedata
from dataclasses import dataclass

from beneficiaires.enums import Sexe
from insertion.enums import Modalite, TypeContrat
from marches.enums import TypeStructure


@dataclass(frozen=True)
class Colonne:
    nom: str
    obligatoire: bool
    aide: str
    exemple: str
    entete: str = ""  # French heading of the downloadable template; also read back by the import
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
        entete="Référence du marché",
        alias=("reference", "marche", "ref_marche"),
        texte=True,
    ),
    Colonne(
        "siret_acheteur",
        False,
        "SIRET de l'acheteur : seulement si deux acheteurs ont un marché de même référence.",
        "22490001900015",
        entete="SIRET de l'acheteur",
        alias=("acheteur",),
        texte=True,
    ),
    Colonne(
        "numero_lot",
        False,
        "Numéro du lot qui porte la clause ; facultatif si le marché n'a qu'une clause d'insertion.",
        "1",
        entete="Numéro du lot",
        alias=("lot", "n_lot", "no_lot", "num_lot", "numero_du_lot"),
    ),
    Colonne(
        "mois",
        True,
        "Mois travaillé : AAAA-MM ou MM/AAAA.",
        "2026-03",
        entete="Mois (AAAA-MM)",
        alias=("mois_travaille", "periode"),
        texte=True,
    ),
    Colonne(
        "nom",
        True,
        "Nom de naissance ou d'usage de la personne.",
        "MARTIN",
        entete="Nom",
        alias=("nom_famille",),
    ),
    Colonne("prenom", True, "Prénom de la personne.", "Camille", entete="Prénom"),
    Colonne(
        "date_naissance",
        True,
        "Date de naissance : JJ/MM/AAAA. Avec le nom et le prénom, elle retrouve la personne (accents et "
        "majuscules ignorés).",
        "14/05/1990",
        entete="Date de naissance (JJ/MM/AAAA)",
        alias=("naissance", "ne_le", "nee_le"),
        texte=True,
    ),
    Colonne(
        "sexe",
        False,
        "F ou H. Obligatoire pour une personne que le portail ne connaît pas encore.",
        "F",
        entete="Sexe (F ou H)",
    ),
    Colonne(
        "commune_insee",
        False,
        "Code INSEE de la commune de résidence (5 caractères), pour une personne nouvelle.",
        "49007",
        entete="Code INSEE de la commune",
        alias=("code_insee", "insee", "commune"),
        texte=True,
    ),
    Colonne(
        "brsa",
        False,
        "« oui » si la personne nouvelle est bénéficiaire du RSA ; vide ou « non » sinon.",
        "oui",
        entete="Bénéficiaire du RSA (oui ou non)",
        alias=("rsa", "beneficiaire_rsa"),
    ),
    Colonne(
        "brsa_debut",
        False,
        "Début du RSA (JJ/MM/AAAA) pour une personne nouvelle ; vide : le premier mois qu'elle a travaillé "
        "dans le fichier.",
        "01/01/2026",
        entete="Début du RSA (JJ/MM/AAAA)",
        alias=("debut_brsa", "rsa_debut", "debut_rsa", "date_debut_rsa", "date_debut_brsa"),
        texte=True,
    ),
    Colonne(
        "siret_employeur",
        True,
        "SIRET (14 chiffres) de l'employeur de la personne ; un employeur que le portail ne connaît pas encore "
        "est créé avec sa raison sociale (colonne suivante), « à vérifier » par le Département.",
        "12345678200010",
        entete="SIRET de l'employeur",
        alias=("siret", "employeur"),
        texte=True,
    ),
    Colonne(
        "raison_sociale_employeur",
        False,
        "Raison sociale de l'employeur : seulement pour un employeur que le portail ne connaît pas encore.",
        "Intérim Insertion Anjou",
        entete="Raison sociale de l'employeur",
        alias=("raison_sociale", "nom_employeur", "nom_entreprise", "entreprise"),
    ),
    Colonne(
        "type_structure_employeur",
        False,
        "Type de structure d'un nouvel employeur : un code ou un libellé de la feuille « valeurs autorisées » "
        "(vide : entreprise).",
        TypeStructure.ETTI.value,
        entete="Type de structure de l'employeur",
        alias=("type_structure", "type_employeur", "structure"),
    ),
    Colonne(
        "modalite",
        True,
        "Modalité : un code ou un libellé de la feuille « valeurs autorisées ».",
        Modalite.EMBAUCHE_DIRECTE.value,
        entete="Modalité",
        alias=("modalite_insertion",),
    ),
    Colonne(
        "type_contrat",
        True,
        "Type de contrat : un code ou un libellé de la feuille « valeurs autorisées ».",
        TypeContrat.CDD.value,
        entete="Type de contrat",
        alias=("contrat",),
    ),
    Colonne(
        "heures",
        True,
        # No ceiling here: the monthly ones are stated once (MESSAGE_PLAFONDS_MENSUELS), next to this table.
        "Heures travaillées dans le mois, virgule ou point décimal : un nombre supérieur à 0.",
        "35,5",
        entete="Heures travaillées",
        alias=("nombre_heures", "nb_heures", "heures_travaillees", "heures_realisees"),
    ),
)
COLONNES_OBLIGATOIRES = tuple(c.nom for c in COLONNES if c.obligatoire)
ENTETES = tuple(c.nom for c in COLONNES)
ENTETES_FRANCAIS = tuple(c.entete for c in COLONNES)

OUI = {"oui", "o", "x", "1", "vrai", "true", "yes", "y"}
NON = {"", "non", "n", "0", "faux", "false", "no"}
SEXES = {"f": Sexe.FEMME, "femme": Sexe.FEMME, "feminin": Sexe.FEMME}
SEXES |= {"h": Sexe.HOMME, "homme": Sexe.HOMME, "m": Sexe.HOMME, "masculin": Sexe.HOMME}
MOTS_VIDES = {"de", "du", "des", "d", "la", "le", "l", "en"}


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
TYPES_STRUCTURE = _table_des_choix(TypeStructure, {"entreprise classique": TypeStructure.ENTREPRISE})

# Header as written (normalised) -> column name.
COLONNES_PAR_CLE = {normaliser(cle): c.nom for c in COLONNES for cle in (c.nom, c.entete, *c.alias)}


def valeurs_autorisees() -> list[tuple[str, list[tuple[str, str]]]]:
    """(column, [(code, label)]) for the columns with a closed list of values."""
    return [
        ("modalite", list(Modalite.choices)),
        ("type_contrat", list(TypeContrat.choices)),
        ("type_structure_employeur", list(TypeStructure.choices)),
        ("sexe", list(Sexe.choices)),
        ("brsa", [("oui", "bénéficiaire du RSA"), ("non", "non bénéficiaire du RSA (ou vide)")]),
    ]

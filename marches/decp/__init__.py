"""Import of the DECP open data (données essentielles de la commande publique, 2024 format).

The file is streamed with ijson in one pass and in constant memory; records are written in batches, all in one
transaction. This module creates buyers, companies, contracts and their single lot. What other apps do with the
imported contracts (the insertion clauses) hangs on the `lots_importes` signal, sent for every batch inside the
same transaction: `marches` knows nothing of insertion.

Schema: github.com/139bercy/format-commande-publique, versions 2.0.x.
"""

import calendar
import datetime
import hashlib
import re
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

import ijson
from django.db import DatabaseError, transaction
from django.dispatch import Signal
from django.utils import timezone
from simple_history.utils import bulk_create_with_history, bulk_update_with_history

from marches.enums import NatureMarche, TypeAcheteur, TypeIdentifiant
from marches.models import Acheteur, Entreprise, Lot, Marche
from marches.siret import normaliser_siret, siret_valide
from territoires.models import Commune, Epci

TAILLE_LOT = 1000
LISTE_MAX = 50  # skipped records and warnings kept for the summary; the others are only counted

# Sent once per batch, inside the import's transaction, with `lots`: a list of LotImporte for the contracts
# that carry a social consideration, and `utilisateur`. A receiver may answer {label: count} for the summary.
lots_importes = Signal()

# Councils of the départements: SIREN and name. Only Maine-et-Loire is needed; --siren-departement covers others.
DEPARTEMENTS = {"49": ("224900019", "Département de Maine-et-Loire")}

CLAUSE_SOCIALE = "Clause sociale"
CRITERE_SOCIAL = "Critère social"
MARCHE_RESERVE = "Marché réservé"
PAS_DE_CONSIDERATION = "Pas de considération sociale"
NON_RENSEIGNEE = "non renseignée"
CONSIDERATIONS = [CLAUSE_SOCIALE, CRITERE_SOCIAL, MARCHE_RESERVE, PAS_DE_CONSIDERATION]

MONTANT_MAX = Decimal("999999999999.99")  # Marche.montant_ht: 14 digits, 2 decimals
DUREE_MAX_MOIS = 1200
REFERENCE_MAX = 50  # Marche.reference
UID_MAX = 100  # Marche.decp_uid
CODE_DEPARTEMENT = re.compile(r"^(0[1-9]|[1-8][0-9]|9[0-5]|2[AB]|97[1-8])$")
BOM = b"\xef\xbb\xbf"

# Keys of a DECP record: a list whose first record has fewer than two of them is not DECP.
CLES_DECP = {
    "id",
    "acheteur",
    "objet",
    "montant",
    "dateNotification",
    "codeCPV",
    "titulaires",
    "procedure",
    "nature",
    "dureeMois",
    "autoriteConcedante",
    "concessionnaires",
    "valeurGlobale",
}

MARCHE, CONCESSION, INDETERMINE = "marche", "concession", "indetermine"
PREFIXES = {
    "marches.marche.item": MARCHE,
    "marches.contrat-concession.item": CONCESSION,
    "marches.contrats-concession.item": CONCESSION,
    "marches.item": INDETERMINE,  # {"marches": [...]}: marchés and concessions told apart by their fields
    "item": INDETERMINE,  # a bare list
}


class ImportDecpImpossible(Exception):
    """The file or the parameters prevent the import; nothing was written. The message is for the user."""

    def __init__(self, message):
        super().__init__(message)
        self.message = message


class EnregistrementInvalide(Exception):
    """One record cannot be imported: it is skipped and listed with this reason."""


# --- summary -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Rejet:
    numero: int  # position of the record among the file's marchés, from 1
    identifiant: str
    motif: str


@dataclass(frozen=True)
class LotImporte:
    lot_id: int
    marche_id: int
    clause_sociale: bool
    critere_social: bool
    marche_reserve: bool


@dataclass
class ResultatImport:
    simulation: bool = False
    departement: str | None = None
    marches_lus: int = 0
    concessions_lues: int = 0
    hors_departement: int = 0
    crees: int = 0
    mis_a_jour: int = 0
    inchanges: int = 0
    doublons: int = 0
    nb_ignores: int = 0
    ignores: list[Rejet] = field(default_factory=list)
    nb_avertissements: int = 0
    avertissements: list[str] = field(default_factory=list)
    considerations: Counter = field(default_factory=Counter)
    nature_par_defaut: int = 0
    acheteurs_crees: int = 0
    acheteurs_completes: int = 0
    entreprises_creees: int = 0
    complements: Counter = field(default_factory=Counter)

    def ignorer(self, numero: int, identifiant: str, motif: str):
        self.nb_ignores += 1
        if len(self.ignores) < LISTE_MAX:
            self.ignores.append(Rejet(numero, identifiant, motif))

    def avertir(self, message: str):
        self.nb_avertissements += 1
        if len(self.avertissements) < LISTE_MAX:
            self.avertissements.append(message)

    @property
    def importes(self) -> int:
        return self.crees + self.mis_a_jour + self.inchanges

    @property
    def ignores_masques(self) -> int:
        return self.nb_ignores - len(self.ignores)

    @property
    def avertissements_masques(self) -> int:
        return self.nb_avertissements - len(self.avertissements)

    @property
    def considerations_comptees(self) -> list[tuple[str, int]]:
        """Each published value with its count, in the schema's order; "non renseignée" if any record lacks it."""
        lignes = [(libelle, self.considerations[libelle]) for libelle in CONSIDERATIONS]
        lignes += [(c, n) for c, n in sorted(self.considerations.items()) if c not in CONSIDERATIONS]
        return lignes

    @property
    def complements_comptes(self) -> list[tuple[str, int]]:
        return sorted(self.complements.items())

    def lignes(self) -> list[str]:
        """The summary as plain French text, one line each (for the command)."""
        lignes = []
        if self.simulation:
            lignes.append("SIMULATION : rien n'a été enregistré.")
        lignes += [
            f"Marchés lus : {_n(self.marches_lus)}",
            f"Concessions lues (non importées) : {_n(self.concessions_lues)}",
        ]
        if self.departement:
            lignes.append(f"Marchés hors du département {self.departement} : {_n(self.hors_departement)}")
        lignes += [
            f"Marchés créés : {_n(self.crees)}",
            f"Marchés mis à jour : {_n(self.mis_a_jour)}",
            f"Marchés inchangés : {_n(self.inchanges)}",
            f"Marchés ignorés : {_n(self.nb_ignores)}",
        ]
        if self.doublons:
            lignes.append(f"Doublons dans le fichier (le dernier l'emporte) : {_n(self.doublons)}")
        lignes.append("Considérations sociales des marchés importés :")
        lignes += [f"  {libelle} : {_n(nombre)}" for libelle, nombre in self.considerations_comptees]
        lignes += [f"{libelle} : {_n(nombre)}" for libelle, nombre in self.complements_comptes]
        lignes += [
            f"Acheteurs créés : {_n(self.acheteurs_crees)}",
            f"Entreprises créées : {_n(self.entreprises_creees)}",
        ]
        if self.acheteurs_completes:
            lignes.append(f"Acheteurs nommés d'après les territoires : {_n(self.acheteurs_completes)}")
        if self.nature_par_defaut:
            lignes.append(
                f"Note : {_n(self.nature_par_defaut)} marché(s) sans code CPV reconnu, "
                "nature « services » par défaut."
            )
        if self.nb_ignores:
            lignes.append("Marchés ignorés :")
            lignes += [f"  n° {r.numero} — {r.identifiant} : {r.motif}" for r in self.ignores]
            if self.ignores_masques:
                lignes.append(f"  … et {_n(self.ignores_masques)} autres")
        if self.nb_avertissements:
            lignes.append("Avertissements :")
            lignes += [f"  {a}" for a in self.avertissements]
            if self.avertissements_masques:
                lignes.append(f"  … et {_n(self.avertissements_masques)} autres")
        return lignes


def _n(nombre: int) -> str:
    return f"{nombre:,}".replace(",", "\u202f")


# --- reading the file ----------------------------------------------------------------------------


def lire_enregistrements(fichier) -> Iterator[tuple[str, dict]]:
    """Yields (MARCHE | CONCESSION, record) from a DECP file opened in binary mode, in one streamed pass.

    Envelopes: {"marches": {"marche": [...], "contrat-concession": [...]}}, {"marches": [...]}, or a bare list.
    Raises ImportDecpImpossible for a JSON that is not DECP; ijson.JSONError for a file that is not JSON.
    """
    _passer_bom(fichier)
    evenements = ijson.parse(fichier)
    enveloppe = False  # a list of records was found: at the root, or under "marches"
    premier = True
    for prefixe, evenement, valeur in evenements:
        genre = PREFIXES.get(prefixe)
        if genre is not None and evenement not in ("map_key", "end_map", "end_array"):
            enregistrement = _construire(evenements, evenement, valeur)
            if genre == INDETERMINE:
                genre = CONCESSION if _est_concession(enregistrement) else MARCHE
            if premier:
                _verifier_premier(enregistrement)
                premier = False
            yield genre, enregistrement
        elif prefixe == "" and evenement == "start_array":
            enveloppe = True
        elif prefixe == "" and evenement not in ("start_map", "map_key", "end_map", "end_array"):
            raise ImportDecpImpossible(_pas_decp("il ne contient qu'une valeur isolée"))
        elif prefixe == "marches" and evenement in ("start_map", "start_array"):
            enveloppe = True
        elif prefixe == "marches" and evenement not in ("map_key", "end_map", "end_array"):
            raise ImportDecpImpossible(_pas_decp("la clé « marches » ne contient ni liste ni objet"))
    if not enveloppe:
        raise ImportDecpImpossible(_pas_decp("il ne contient ni la clé « marches » ni une liste de marchés"))


def _passer_bom(fichier):
    debut = fichier.read(len(BOM))
    if debut != BOM:
        fichier.seek(fichier.tell() - len(debut))


def _construire(evenements, evenement, valeur):
    """Builds the value that starts with (evenement, valeur) from the following parse events."""
    if evenement == "start_map":
        racine = {}
    elif evenement == "start_array":
        racine = []
    else:
        return valeur
    pile = [racine]
    cle = None
    for _, evenement, valeur in evenements:
        if evenement == "map_key":
            cle = valeur
            continue
        if evenement == "end_map" or evenement == "end_array":
            pile.pop()
            if not pile:
                return racine
            continue
        if evenement == "start_map":
            valeur = {}
        elif evenement == "start_array":
            valeur = []
        parent = pile[-1]
        if type(parent) is list:
            parent.append(valeur)
        else:
            parent[cle] = valeur
        if evenement == "start_map" or evenement == "start_array":
            pile.append(valeur)
    return racine  # unreachable for valid JSON: ijson raises on a truncated file


def _est_concession(enregistrement) -> bool:
    if not isinstance(enregistrement, dict):
        return False
    if "autoriteConcedante" in enregistrement or "concessionnaires" in enregistrement:
        return True
    return "concession" in str(enregistrement.get("_type", "")).lower()


def _verifier_premier(enregistrement):
    if not isinstance(enregistrement, dict) or len(CLES_DECP & enregistrement.keys()) < 2:
        raise ImportDecpImpossible(
            _pas_decp(
                "son premier enregistrement n'a pas les champs d'un marché (id, acheteur, objet, montant…)"
            )
        )


def _pas_decp(raison: str) -> str:
    return f"Ce fichier JSON n'est pas au format DECP : {raison}. Rien n'a été enregistré."


def message_json_invalide(exc: Exception, position: int | None = None) -> str:
    detail = exc.args[0] if exc.args else ""
    if isinstance(detail, bytes):
        detail = detail.decode("utf-8", "replace")
    detail = str(detail)
    if "premature EOF" in detail or "Incomplete" in detail:
        raison = "le fichier s'arrête avant la fin des données (fichier tronqué ou vide ?)"
    elif "UTF8" in detail or "UTF-8" in detail:
        raison = "le fichier n'est pas encodé en UTF-8"
    elif "trailing garbage" in detail:
        raison = "du texte suit la fin des données JSON"
    else:
        raison = "erreur de syntaxe (" + (detail.splitlines()[0].strip() if detail else "inconnue") + ")"
    ou = f" vers l'octet {_n(position)}" if position else ""
    return f"Ce fichier n'est pas un JSON valide{ou} : {raison}. Rien n'a été enregistré."


# --- one record ----------------------------------------------------------------------------------


@dataclass
class Titulaire:
    type_identifiant: str
    identifiant: str  # the SIRET, or the other identifier as published
    nom: str = ""

    @property
    def cle(self):
        return (self.type_identifiant, self.identifiant)


@dataclass
class MarcheDecp:
    """A DECP marché read and checked, ready to be written."""

    identifiant: str
    siret_acheteur: str
    nom_acheteur: str
    objet: str
    nature: str
    nature_par_defaut: bool
    code_cpv: str
    procedure: str
    montant: Decimal
    date_notification: datetime.date
    date_fin: datetime.date
    lieu_code: str
    lieu_type: str
    considerations: list[str]
    titulaires: list[Titulaire]
    avertissements: list[str]

    @property
    def uid(self) -> str:
        return self.siret_acheteur + self.identifiant

    @property
    def reference(self) -> str:
        return reference_pour(self.identifiant)

    @property
    def clause_sociale(self) -> bool:
        return CLAUSE_SOCIALE in self.considerations

    @property
    def critere_social(self) -> bool:
        return CRITERE_SOCIAL in self.considerations

    @property
    def marche_reserve(self) -> bool:
        return MARCHE_RESERVE in self.considerations


def reference_pour(identifiant: str) -> str:
    """The DECP id, or for a longer one its start and a hash of the whole, so that two ids never share one."""
    if len(identifiant) <= REFERENCE_MAX:
        return identifiant
    empreinte = hashlib.sha1(identifiant.encode(), usedforsecurity=False).hexdigest()[:8]
    return f"{identifiant[: REFERENCE_MAX - 9]}~{empreinte}"


def identifiant_affiche(enregistrement) -> str:
    if isinstance(enregistrement, dict):
        identifiant = enregistrement.get("id")
        if identifiant not in (None, ""):
            return str(identifiant)[:100]
    return "(sans identifiant)"


def lire_marche(enregistrement) -> MarcheDecp:
    """Maps one DECP marché to a MarcheDecp, or raises EnregistrementInvalide with the reason."""
    if not isinstance(enregistrement, dict):
        raise EnregistrementInvalide("l'enregistrement n'est pas un objet JSON")
    identifiant = _texte(enregistrement.get("id"))
    if not identifiant:
        raise EnregistrementInvalide("identifiant (id) absent")

    acheteur = enregistrement.get("acheteur")
    if not isinstance(acheteur, dict) or not _texte(acheteur.get("id")):
        raise EnregistrementInvalide("acheteur absent")
    siret_acheteur = normaliser_siret(_texte(acheteur.get("id")))
    if not siret_valide(siret_acheteur):
        raise EnregistrementInvalide(f"SIRET de l'acheteur invalide : « {_texte(acheteur.get('id'))} »")
    if len(siret_acheteur + identifiant) > UID_MAX:
        raise EnregistrementInvalide(f"identifiant trop long (plus de {UID_MAX - 14} caractères)")

    objet = _texte(enregistrement.get("objet"))
    if not objet:
        raise EnregistrementInvalide("objet absent")

    modifications = _modifications(enregistrement.get("modifications"))
    montant = _montant(_derniere_valeur(modifications, "montant", enregistrement.get("montant")))
    date_notification = _date(enregistrement.get("dateNotification"), "date de notification")
    duree = _duree(_derniere_valeur(modifications, "dureeMois", enregistrement.get("dureeMois")))

    code_cpv = _texte(enregistrement.get("codeCPV"))[:12]
    nature = nature_depuis_cpv(code_cpv)
    lieu = enregistrement.get("lieuExecution")
    lieu = lieu if isinstance(lieu, dict) else {}
    avertissements = []
    titulaires = _titulaires(enregistrement.get("titulaires"), identifiant, avertissements)

    return MarcheDecp(
        identifiant=identifiant,
        siret_acheteur=siret_acheteur,
        nom_acheteur=_texte(acheteur.get("nom"))[:255],
        objet=objet[:1000],
        nature=nature or NatureMarche.SERVICES,
        nature_par_defaut=nature is None,
        code_cpv=code_cpv,
        procedure=_texte(enregistrement.get("procedure"))[:100],
        montant=montant,
        date_notification=date_notification,
        date_fin=ajouter_mois(date_notification, duree or 0),
        lieu_code=_texte(lieu.get("code")),
        lieu_type=_texte(lieu.get("typeCode")),
        considerations=_considerations(enregistrement.get("considerationsSociales")),
        titulaires=titulaires,
        avertissements=avertissements,
    )


def nature_depuis_cpv(code_cpv: str) -> str | None:
    """Division of the CPV code: 45 works, 03–44 and 48 supplies, 49–98 services; None if unknown."""
    division = code_cpv[:2]
    if len(division) != 2 or not division.isdigit():
        return None
    division = int(division)
    if division == 45:
        return NatureMarche.TRAVAUX
    if 3 <= division <= 44 or division == 48:
        return NatureMarche.FOURNITURES
    if 49 <= division <= 98:
        return NatureMarche.SERVICES
    return None


def ajouter_mois(jour: datetime.date, mois: int) -> datetime.date:
    annee, mois_index = divmod(jour.month - 1 + mois, 12)
    annee += jour.year
    return jour.replace(
        year=annee, month=mois_index + 1, day=min(jour.day, calendar.monthrange(annee, mois_index + 1)[1])
    )


def _texte(valeur) -> str:
    if valeur is None or isinstance(valeur, (dict, list, bool)):
        return ""
    return str(valeur).strip()


def _modifications(valeur) -> list[dict]:
    """The `modifications` list, oldest first: by notification date, then by order in the file."""
    if not isinstance(valeur, list):
        return []
    modifications = []
    for position, element in enumerate(valeur):
        if not isinstance(element, dict):
            continue
        modification = element.get("modification", element)
        if not isinstance(modification, dict):
            continue
        try:
            quand = _date(modification.get("dateNotificationModification"), "date")
        except EnregistrementInvalide:
            quand = datetime.date.min
        modifications.append((quand, position, modification))
    modifications.sort(key=lambda m: (m[0], m[1]))
    return [m for _, _, m in modifications]


def _derniere_valeur(modifications: list[dict], cle: str, initiale):
    """The value of the latest modification that carries `cle`, else the initial one."""
    for modification in reversed(modifications):
        if modification.get(cle) not in (None, ""):
            return modification[cle]
    return initiale


def _montant(valeur) -> Decimal:
    if valeur is None or valeur == "":
        raise EnregistrementInvalide("montant absent")
    if isinstance(valeur, bool):
        raise EnregistrementInvalide(f"montant illisible : « {valeur} »")
    try:
        montant = Decimal(str(valeur).strip().replace(",", "."))
    except InvalidOperation:
        raise EnregistrementInvalide(f"montant illisible : « {valeur} »") from None
    if not montant.is_finite():
        raise EnregistrementInvalide(f"montant illisible : « {valeur} »")
    if montant < 0:
        raise EnregistrementInvalide(f"montant négatif : {valeur}")
    montant = montant.quantize(Decimal("0.01"))
    if montant > MONTANT_MAX:
        raise EnregistrementInvalide(f"montant trop élevé : {valeur}")
    return montant


def _date(valeur, libelle: str) -> datetime.date:
    texte = _texte(valeur)
    if not texte:
        raise EnregistrementInvalide(f"{libelle} absente")
    try:
        jour = datetime.date.fromisoformat(texte[:10])  # "2024-06-17" or "2024-06-17+02:00"
    except ValueError:
        raise EnregistrementInvalide(f"{libelle} invalide : « {texte} »") from None
    if not 1990 <= jour.year <= 2100:
        raise EnregistrementInvalide(f"{libelle} invalide : « {texte} »")
    return jour


def _duree(valeur) -> int | None:
    if valeur is None or valeur == "":
        return None
    try:
        duree = Decimal(str(valeur).strip())
    except InvalidOperation:
        raise EnregistrementInvalide(f"durée en mois illisible : « {valeur} »") from None
    if isinstance(valeur, bool) or not duree.is_finite() or duree != duree.to_integral_value():
        raise EnregistrementInvalide(f"durée en mois illisible : « {valeur} »")
    if not 0 <= duree <= DUREE_MAX_MOIS:
        raise EnregistrementInvalide(f"durée en mois invalide : {valeur}")
    return int(duree)


def _considerations(valeur) -> list[str]:
    """`considerationsSociales.considerationSociale` as published: a list, sometimes a single string."""
    if isinstance(valeur, dict):
        valeur = valeur.get("considerationSociale")
    if isinstance(valeur, str):
        valeur = [valeur]
    if not isinstance(valeur, list):
        return []
    considerations = []
    for element in valeur:
        texte = _texte(element)
        if texte and texte not in considerations:
            considerations.append(texte)
    return considerations


TYPES_IDENTIFIANT = {t.value: t.value for t in TypeIdentifiant} | {"HORS_UE": TypeIdentifiant.HORS_UE.value}
AUTRE_IDENTIFIANT_MAX = 40  # Entreprise.autre_identifiant


def _titulaires(valeur, identifiant: str, avertissements: list[str]) -> list[Titulaire]:
    if not isinstance(valeur, list):
        return []
    titulaires = []
    for element in valeur:
        if not isinstance(element, dict):
            continue
        titulaire = element.get("titulaire", element)
        if not isinstance(titulaire, dict):
            continue
        brut = _texte(titulaire.get("id"))
        type_publie = _texte(titulaire.get("typeIdentifiant"))
        type_identifiant = TYPES_IDENTIFIANT.get(type_publie.upper())
        nom = _texte(titulaire.get("denominationSociale"))[:255]
        if not brut:
            avertissements.append(f"Marché {identifiant} : titulaire sans identifiant, non repris.")
        elif type_identifiant is None:
            avertissements.append(
                f"Marché {identifiant} : titulaire « {brut} » au type d'identifiant inconnu "
                f"« {type_publie} », non repris."
            )
        elif type_identifiant == TypeIdentifiant.SIRET:
            siret = _siret(brut)
            if siret is None:
                avertissements.append(
                    f"Marché {identifiant} : SIRET du titulaire invalide « {brut} », non repris."
                )
            else:
                titulaires.append(Titulaire(type_identifiant, siret, nom))
        elif len(brut) > AUTRE_IDENTIFIANT_MAX:
            avertissements.append(
                f"Marché {identifiant} : identifiant du titulaire trop long « {brut} », non repris."
            )
        else:
            titulaires.append(Titulaire(type_identifiant, brut, nom))
    uniques = {t.cle: t for t in reversed(titulaires)}
    return [t for t in titulaires if uniques.pop(t.cle, None) is not None]


def _siret(brut: str) -> str | None:
    siret = normaliser_siret(brut)
    if siret_valide(siret):
        return siret
    # A leading zero lost in a spreadsheet: 13 digits that make a valid SIRET once it is put back.
    if len(siret) == 13 and siret.isdigit() and siret_valide("0" + siret):
        return "0" + siret
    return None


# --- territories ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Identite:
    """What the territories say of a buyer's SIREN."""

    nom: str
    type: str
    epci_id: int | None


class Referentiel:
    """The territories loaded once per import: names of public buyers, EPCIs by place, the département's scope."""

    def __init__(self, *, departement: str | None = None, siren_departement: str | None = None):
        self.identites: dict[str, Identite] = {}
        self.epci_par_code_postal: dict[str, int | None] = {}  # None: postcode shared by several EPCI
        self.epci_par_insee: dict[str, int | None] = {}
        epcis = {}
        for epci_id, siren, nom in Epci.objects.values_list("id", "siren", "nom"):
            epcis[epci_id] = siren
            self.identites[siren] = Identite(nom, TypeAcheteur.EPCI, epci_id)
        sirens_du_departement, codes_postaux, codes_insee = set(), set(), set()
        communes = Commune.objects.values_list(
            "code_insee", "siren", "nom", "departement", "epci_id", "codes_postaux"
        )
        for code_insee, siren, nom, code_departement, epci_id, codes_postaux_commune in communes.iterator(
            2000
        ):
            if siren and siren not in self.identites:
                self.identites[siren] = Identite(nom_de_commune(nom), TypeAcheteur.COMMUNE, epci_id)
            self.epci_par_insee[code_insee] = epci_id
            for code_postal in codes_postaux_commune or []:
                if self.epci_par_code_postal.get(code_postal, epci_id) != epci_id:
                    self.epci_par_code_postal[code_postal] = None
                else:
                    self.epci_par_code_postal[code_postal] = epci_id
            if code_departement == departement:
                codes_insee.add(code_insee)
                codes_postaux.update(codes_postaux_commune or [])
                if siren:
                    sirens_du_departement.add(siren)
                if epci_id:
                    sirens_du_departement.add(epcis[epci_id])
        conseils = {code: siren for code, (siren, _) in DEPARTEMENTS.items()}
        for siren, nom in DEPARTEMENTS.values():
            self.identites[siren] = Identite(nom, TypeAcheteur.DEPARTEMENT, None)
        if siren_departement:
            conseils[departement] = siren_departement
            nom = DEPARTEMENTS.get(departement, ("", f"Département ({departement})"))[1]
            self.identites[siren_departement] = Identite(nom, TypeAcheteur.DEPARTEMENT, None)
        self.departement = departement
        if departement:
            if not codes_insee:
                raise ImportDecpImpossible(
                    f"Aucune commune du département {departement} n'est chargée : lancez d'abord "
                    "« manage.py load_territoires ». Rien n'a été enregistré."
                )
            if departement in conseils:
                sirens_du_departement.add(conseils[departement])
        self.sirens_du_departement = sirens_du_departement
        self.codes_postaux_du_departement = codes_postaux
        self.codes_insee_du_departement = codes_insee

    def identite(self, siret: str) -> Identite | None:
        return self.identites.get(siret[:9])

    def dans_le_departement(self, marche: MarcheDecp) -> bool:
        """The buyer is the Département, one of its communes or EPCIs, or the place of execution is in it."""
        if marche.siret_acheteur[:9] in self.sirens_du_departement:
            return True
        code, type_code = marche.lieu_code.upper(), marche.lieu_type.lower()
        prefixe = self.departement[:3] if self.departement.startswith("97") else self.departement
        if "postal" in type_code:
            return code in self.codes_postaux_du_departement or (
                self.departement.isdigit() and code.startswith(prefixe)
            )
        if "département" in type_code or "departement" in type_code:
            return code.zfill(2) == self.departement
        if "commune" in type_code:
            return code in self.codes_insee_du_departement or code.startswith(prefixe)
        return False

    def epci_du_lieu(self, marche: MarcheDecp) -> int | None:
        type_code = marche.lieu_type.lower()
        if "postal" in type_code:
            return self.epci_par_code_postal.get(marche.lieu_code)
        if "commune" in type_code:
            return self.epci_par_insee.get(marche.lieu_code.upper())
        return None


def nom_de_commune(nom: str) -> str:
    """ "Commune d'Angers", "Commune des Ponts-de-Cé", "Commune du Lion-d'Angers", "Commune de Saumur"."""
    if nom.startswith("Les "):
        return f"Commune des {nom[4:]}"
    if nom.startswith("Le "):
        return f"Commune du {nom[3:]}"
    if nom and nom[0].upper() in "AEIOUYÀÂÉÈÊËÎÏÔÛÜ":
        return f"Commune d'{nom}"
    return f"Commune de {nom}"


def verifier_departement(
    departement: str | None, siren_departement: str | None
) -> tuple[str | None, str | None]:
    departement = (departement or "").strip().upper() or None
    if departement is not None:
        departement = departement.zfill(2)
        if not CODE_DEPARTEMENT.match(departement):
            raise ImportDecpImpossible(f"Code de département inconnu : « {departement} » (exemple : 49).")
    siren_departement = (siren_departement or "").strip() or None
    if siren_departement is not None:
        if departement is None:
            raise ImportDecpImpossible("Le SIREN du département n'a de sens qu'avec un code de département.")
        if not (len(siren_departement) == 9 and siren_departement.isdigit()):
            raise ImportDecpImpossible(
                f"SIREN du département invalide : « {siren_departement} » (9 chiffres)."
            )
    return departement, siren_departement


# --- the import ----------------------------------------------------------------------------------


def importer_decp(
    *,
    fichier,
    departement: str | None = None,
    siren_departement: str | None = None,
    simulation: bool = False,
    utilisateur=None,
    progression: Callable[[int], None] | None = None,
    taille_lot: int = TAILLE_LOT,
) -> ResultatImport:
    """Imports a DECP file opened in binary mode (seekable), all or nothing, and returns the summary.

    With `departement`, only the contracts whose buyer or place of execution is in that département are kept.
    With `simulation`, everything is computed and then rolled back. `progression` gets the number of bytes
    read after each batch. Raises ImportDecpImpossible (nothing written) for a file that is not DECP JSON.
    """
    departement, siren_departement = verifier_departement(departement, siren_departement)
    resultat = ResultatImport(simulation=simulation, departement=departement)
    try:
        with transaction.atomic():
            referentiel = Referentiel(departement=departement, siren_departement=siren_departement)
            ecriture = _Ecriture(referentiel=referentiel, resultat=resultat, utilisateur=utilisateur)
            en_attente = []
            for genre, enregistrement in lire_enregistrements(fichier):
                if genre == CONCESSION:
                    resultat.concessions_lues += 1
                    continue
                resultat.marches_lus += 1
                en_attente.append((resultat.marches_lus, enregistrement))
                if len(en_attente) >= taille_lot:
                    ecriture.traiter(en_attente)
                    en_attente = []
                    if progression:
                        progression(fichier.tell())
            if en_attente:
                ecriture.traiter(en_attente)
            if progression:
                progression(fichier.tell())
            if simulation:
                transaction.set_rollback(True)
    except ijson.JSONError as exc:
        raise ImportDecpImpossible(message_json_invalide(exc, _position(fichier))) from exc
    except DatabaseError as exc:
        raise ImportDecpImpossible(
            f"La base de données a refusé l'import, rien n'a été enregistré : {exc}"
        ) from exc
    return resultat


def _position(fichier) -> int | None:
    try:
        return fichier.tell()
    except (OSError, ValueError):
        return None


CHAMPS_MARCHE = [
    "objet",
    "nature",
    "code_cpv",
    "procedure",
    "montant_ht",
    "date_notification",
    "date_debut",
    "date_fin",
    "clause_sociale",
    "critere_social",
    "marche_reserve",
]
RAISON_HISTORIQUE = "Import DECP"


class _Ecriture:
    """Writes the batches of one import; the counts go to `resultat`."""

    def __init__(self, *, referentiel: Referentiel, resultat: ResultatImport, utilisateur):
        self.referentiel = referentiel
        self.resultat = resultat
        self.utilisateur = utilisateur if getattr(utilisateur, "pk", None) else None

    def traiter(self, enregistrements: list[tuple[int, dict]]):
        marches = self._lire(enregistrements)
        if not marches:
            return
        acheteurs = self._acheteurs(marches)
        entreprises = self._entreprises(marches)
        self._marches(marches, acheteurs, entreprises)

    def _lire(self, enregistrements) -> dict[str, tuple[int, MarcheDecp]]:
        resultat, lus = self.resultat, {}
        for numero, enregistrement in enregistrements:
            try:
                marche = lire_marche(enregistrement)
            except EnregistrementInvalide as exc:
                resultat.ignorer(numero, identifiant_affiche(enregistrement), str(exc))
                continue
            if self.referentiel.departement and not self.referentiel.dans_le_departement(marche):
                resultat.hors_departement += 1
                continue
            if marche.uid in lus:
                resultat.doublons += 1
                del lus[marche.uid]  # the last one wins, at its own place
            lus[marche.uid] = (numero, marche)
        return lus

    def _acheteurs(self, marches) -> dict[str, Acheteur]:
        noms_publies = {}
        for _, marche in marches.values():
            if marche.nom_acheteur:
                noms_publies.setdefault(marche.siret_acheteur, marche.nom_acheteur)
        sirets = {marche.siret_acheteur for _, marche in marches.values()}
        acheteurs = {a.siret: a for a in Acheteur.objects.filter(siret__in=sirets)}
        nouveaux, completes = [], []
        for siret in sorted(sirets - acheteurs.keys()):
            identite = self.referentiel.identite(siret)
            if identite:
                nouveaux.append(
                    Acheteur(siret=siret, nom=identite.nom, type=identite.type, epci_id=identite.epci_id)
                )
            else:
                nouveaux.append(
                    Acheteur(siret=siret, nom=noms_publies.get(siret) or nom_provisoire_acheteur(siret))
                )
        for acheteur in acheteurs.values():
            # A placeholder name is replaced by the territories' one; a name staff typed is never touched.
            identite = self.referentiel.identite(acheteur.siret)
            if identite and acheteur.nom == nom_provisoire_acheteur(acheteur.siret):
                acheteur.nom, acheteur.type = identite.nom, identite.type
                acheteur.epci_id = acheteur.epci_id or identite.epci_id
                completes.append(acheteur)
        if nouveaux:
            Acheteur.objects.bulk_create(nouveaux)
        if completes:
            Acheteur.objects.bulk_update(completes, ["nom", "type", "epci"])
        self.resultat.acheteurs_crees += len(nouveaux)
        self.resultat.acheteurs_completes += len(completes)
        acheteurs.update({a.siret: a for a in nouveaux})
        return acheteurs

    def _entreprises(self, marches) -> dict[tuple[str, str], int]:
        titulaires = {}
        for _, marche in marches.values():
            for titulaire in marche.titulaires:
                if titulaire.cle not in titulaires or titulaire.nom:
                    titulaires[titulaire.cle] = titulaire
        sirets = [ident for (type_ident, ident) in titulaires if type_ident == TypeIdentifiant.SIRET]
        autres = [ident for (type_ident, ident) in titulaires if type_ident != TypeIdentifiant.SIRET]
        existantes = {}
        if sirets:
            existantes |= {
                (TypeIdentifiant.SIRET.value, e.siret): e for e in Entreprise.objects.filter(siret__in=sirets)
            }
        if autres:
            existantes |= {
                (e.type_identifiant, e.autre_identifiant): e
                for e in Entreprise.objects.filter(autre_identifiant__in=autres)
            }
        nouvelles, completees = [], []
        for cle, titulaire in titulaires.items():
            entreprise = existantes.get(cle)
            if entreprise is None:
                siret = titulaire.identifiant if titulaire.type_identifiant == TypeIdentifiant.SIRET else None
                nouvelles.append(
                    Entreprise(
                        type_identifiant=titulaire.type_identifiant,
                        siret=siret,
                        autre_identifiant="" if siret else titulaire.identifiant,
                        raison_sociale=titulaire.nom or nom_provisoire_entreprise(titulaire.identifiant),
                    )
                )
            elif titulaire.nom and entreprise.raison_sociale == nom_provisoire_entreprise(
                titulaire.identifiant
            ):
                entreprise.raison_sociale = titulaire.nom
                completees.append(entreprise)
        if nouvelles:
            Entreprise.objects.bulk_create(nouvelles)
        if completees:
            Entreprise.objects.bulk_update(completees, ["raison_sociale"])
        self.resultat.entreprises_creees += len(nouvelles)
        for entreprise in nouvelles:
            existantes[(entreprise.type_identifiant, entreprise.identifiant)] = entreprise
        return {cle: entreprise.pk for cle, entreprise in existantes.items()}

    def _marches(self, marches, acheteurs, entreprises):
        resultat, referentiel = self.resultat, self.referentiel
        existants = {m.decp_uid: m for m in Marche.objects.filter(decp_uid__in=list(marches))}
        # A contract typed in the portal with the DECP id as reference is the same contract: adopt it.
        nouveaux_uids = [uid for uid in marches if uid not in existants]
        homonymes = {}
        if nouveaux_uids:
            homonymes = {
                (m.acheteur_id, m.reference): m
                for m in Marche.objects.filter(
                    acheteur_id__in={acheteurs[marches[uid][1].siret_acheteur].pk for uid in nouveaux_uids},
                    reference__in={marches[uid][1].reference for uid in nouveaux_uids},
                )
            }
        lots_par_marche = {}
        ids_existants = [m.pk for m in existants.values()] + [m.pk for m in homonymes.values()]
        if ids_existants:
            for lot in Lot.objects.filter(marche_id__in=ids_existants).order_by("numero"):
                lots_par_marche.setdefault(lot.marche_id, []).append(lot)

        a_creer, a_modifier, lots_a_creer, lots_a_modifier = [], [], [], []
        importes = []  # (MarcheDecp, Marche, Lot | None, new)
        references_prises = set()
        for uid, (numero, decp) in marches.items():
            acheteur = acheteurs[decp.siret_acheteur]
            titulaire_id = entreprises.get(decp.titulaires[0].cle) if decp.titulaires else None
            valeurs = {
                "objet": decp.objet,
                "nature": decp.nature,
                "code_cpv": decp.code_cpv,
                "procedure": decp.procedure,
                "montant_ht": decp.montant,
                "date_notification": decp.date_notification,
                "date_debut": decp.date_notification,
                "date_fin": decp.date_fin,
                "clause_sociale": decp.clause_sociale,
                "critere_social": decp.critere_social,
                "marche_reserve": decp.marche_reserve,
            }
            marche = existants.get(uid)
            adopte = False
            if marche is None:
                marche = homonymes.get((acheteur.pk, decp.reference))
                if marche is not None and marche.decp_uid:
                    resultat.ignorer(
                        numero,
                        decp.identifiant,
                        f"la référence « {decp.reference} » est déjà celle d'un autre marché de cet acheteur",
                    )
                    continue
                adopte = marche is not None
            if (acheteur.pk, decp.reference) in references_prises:
                resultat.ignorer(numero, decp.identifiant, f"référence « {decp.reference} » en double")
                continue
            references_prises.add((acheteur.pk, decp.reference))

            if marche is None:
                marche = Marche(
                    acheteur=acheteur,
                    reference=decp.reference,
                    decp_uid=uid,
                    epci_id=acheteur.epci_id or referentiel.epci_du_lieu(decp),
                    **valeurs,
                )
                a_creer.append(marche)
                lot = Lot(marche=marche, numero=1, intitule=decp.objet[:500], montant_ht=decp.montant)
                lot.titulaire_id = titulaire_id
                lots_a_creer.append(lot)
                importes.append((decp, marche, lot, True))
            else:
                change = adopte or any(getattr(marche, c) != v for c, v in valeurs.items())
                if change:
                    for champ, valeur in valeurs.items():
                        setattr(marche, champ, valeur)
                    marche.decp_uid = uid
                    a_modifier.append(marche)
                lots = lots_par_marche.get(marche.pk, [])
                lot = None
                if not lots:
                    lot = Lot(marche=marche, numero=1, intitule=decp.objet[:500], montant_ht=decp.montant)
                    lot.titulaire_id = titulaire_id
                    lots_a_creer.append(lot)
                    change = True
                elif len(lots) == 1:
                    lot = lots[0]
                    lot_change = lot.montant_ht != decp.montant or (lot.titulaire_id is None and titulaire_id)
                    if lot_change:
                        lot.montant_ht = decp.montant
                        lot.titulaire_id = lot.titulaire_id or titulaire_id
                        lots_a_modifier.append(lot)
                        change = True
                else:
                    resultat.avertir(
                        f"Marché {decp.identifiant} : plusieurs lots saisis dans le portail, lots non modifiés."
                    )
                importes.append((decp, marche, lot, False))
                if change:
                    resultat.mis_a_jour += 1
                else:
                    resultat.inchanges += 1

        maintenant = timezone.now()
        historique = {"default_user": self.utilisateur, "default_change_reason": RAISON_HISTORIQUE}
        if a_creer:
            bulk_create_with_history(a_creer, Marche, **historique)
        if a_modifier:
            for marche in a_modifier:
                marche.modifie_le = maintenant
            bulk_update_with_history(
                a_modifier, Marche, [*CHAMPS_MARCHE, "decp_uid", "modifie_le"], **historique
            )
        if lots_a_creer:
            for lot in lots_a_creer:
                lot.marche_id = lot.marche.pk
            bulk_create_with_history(lots_a_creer, Lot, **historique)
        if lots_a_modifier:
            bulk_update_with_history(lots_a_modifier, Lot, ["montant_ht", "titulaire"], **historique)

        signales = []
        for decp, marche, lot, nouveau in importes:
            if nouveau:
                resultat.crees += 1
            for consideration in decp.considerations or [NON_RENSEIGNEE]:
                resultat.considerations[consideration] += 1
            if decp.nature_par_defaut:
                resultat.nature_par_defaut += 1
            for avertissement in decp.avertissements:
                resultat.avertir(avertissement)
            if lot is not None and (decp.clause_sociale or decp.critere_social or decp.marche_reserve):
                signales.append(
                    LotImporte(
                        lot.pk, marche.pk, decp.clause_sociale, decp.critere_social, decp.marche_reserve
                    )
                )
        # Sent even with no flagged lot, so that the receivers' counts always show in the summary.
        for _, reponse in lots_importes.send(sender=Marche, lots=signales, utilisateur=self.utilisateur):
            if isinstance(reponse, dict):
                resultat.complements.update(reponse)


def nom_provisoire_acheteur(siret: str) -> str:
    return f"Acheteur {siret}"


def nom_provisoire_entreprise(identifiant: str) -> str:
    return f"Entreprise {identifiant}"

"""One DECP record checked and turned into a MarcheDecp: amounts, dates, durations, SIRET, considerations."""

import datetime
import hashlib
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from marches.decp.exceptions import EnregistrementInvalide
from marches.enums import NatureMarche, TypeIdentifiant
from marches.siret import normaliser_siret, siret_valide
from portail.periodes import ajouter_mois

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
    # Compared before rounding too: rounding 1e309 to the cent would overflow the decimal context.
    if montant > MONTANT_MAX or (montant := montant.quantize(Decimal("0.01"))) > MONTANT_MAX:
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


# --- generic date helper, bound for the shared toolkit ------------------------------------------

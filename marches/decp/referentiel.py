"""The territories as the DECP import sees them: public buyers' names, EPCI by place, the département."""

from dataclasses import dataclass

from marches.decp.conversion import MarcheDecp
from marches.decp.exceptions import ImportDecpImpossible
from marches.enums import TypeAcheteur
from territoires.models import Commune, Epci
from territoires.regles import CODE_DEPARTEMENT, code_departement, erreur_code_departement

# Councils of the départements: SIREN and name. Only Maine-et-Loire is needed; --siren-departement covers others.
DEPARTEMENTS = {"49": ("224900019", "Département de Maine-et-Loire")}

__all__ = ["CODE_DEPARTEMENT", "Referentiel", "nom_de_commune", "verifier_departement"]


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
        sirens_du_departement, codes_postaux, codes_insee, epcis_du_departement = set(), set(), set(), set()
        communes = Commune.objects.values_list(
            "code_insee", "siren", "nom", "departement", "epci_id", "codes_postaux"
        )
        for code_insee, siren, nom, departement_commune, epci_id, codes_postaux_commune in communes.iterator(
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
            if departement_commune == departement:
                codes_insee.add(code_insee)
                codes_postaux.update(codes_postaux_commune or [])
                if siren:
                    sirens_du_departement.add(siren)
                if epci_id:
                    sirens_du_departement.add(epcis[epci_id])
                    epcis_du_departement.add(epci_id)
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
        self.epcis_du_departement = epcis_du_departement

    def identite(self, siret: str) -> Identite | None:
        return self.identites.get(siret[:9])

    def dans_le_departement(self, marche: MarcheDecp, *, acheteurs_rattaches: set[str] = frozenset()) -> bool:
        """The buyer is the Département, one of its communes or EPCIs, a buyer of the portal attached to one of
        its EPCIs (`acheteurs_rattaches`, SIRETs), or the place of execution is in it."""
        if (
            marche.siret_acheteur[:9] in self.sirens_du_departement
            or marche.siret_acheteur in acheteurs_rattaches
        ):
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
    if (departement or "").strip() and (erreur := erreur_code_departement(departement)):
        raise ImportDecpImpossible(erreur)
    departement = code_departement(departement) or None
    siren_departement = (siren_departement or "").strip() or None
    if siren_departement is not None:
        if departement is None:
            raise ImportDecpImpossible("Le SIREN du département n'a de sens qu'avec un code de département.")
        if not (len(siren_departement) == 9 and siren_departement.isdigit()):
            raise ImportDecpImpossible(
                f"SIREN du département invalide : « {siren_departement} » (9 chiffres)."
            )
    return departement, siren_departement

"""The demo's buyers and companies on top of the real territories, with valid SIRETs.

The buyers are the Département, its EPCI, their main communes and a social landlord; the companies are drawn
with Faker. Both are the same whatever the date, so that `--reset` finds them again.
"""

import random
from collections import defaultdict

from faker import Faker

from demo.tirages import SEED
from marches.enums import TypeAcheteur, TypeStructure
from marches.models import Acheteur, Entreprise
from marches.siret import SIREN_LA_POSTE, luhn_valide
from territoires.models import Commune, Epci

SIRET_DEPARTEMENT = "22490001900015"
NOM_DEPARTEMENT = "Département de Maine-et-Loire"
NOM_BAILLEUR = "Anjou Logis Solidaire"  # made-up social landlord
DEPARTEMENT = "49"


class TerritoiresManquants(Exception):
    pass


def territoires():
    """The EPCI of the département and its communes that belong to one; raises TerritoiresManquants."""
    epcis = list(Epci.objects.filter(communes__departement=DEPARTEMENT).distinct().order_by("siren"))
    if not epcis:
        raise TerritoiresManquants(
            "Aucun EPCI du Maine-et-Loire en base : lancez d'abord « python manage.py load_territoires »."
        )
    communes = list(
        Commune.objects.filter(departement=DEPARTEMENT, epci__isnull=False).order_by("code_insee")
    )
    return epcis, communes


def _completer_luhn(debut):
    """Appends the digit that makes `debut` + digit pass the Luhn check."""
    for chiffre in "0123456789":
        if luhn_valide(debut + chiffre):
            return debut + chiffre
    raise AssertionError("unreachable")


def _siret_etablissement(siren, numero=1):
    """SIRET of an establishment of a real SIREN: NIC 000n + the Luhn key digit."""
    return _completer_luhn(f"{siren}{numero:04d}")


def _siret_fictif(rng, prefixe=""):
    while True:
        corps = prefixe + "".join(rng.choice("0123456789") for _ in range(8 - len(prefixe)))
        if corps[0] == "0":
            continue
        siren = _completer_luhn(corps)
        if siren != SIREN_LA_POSTE:
            return _completer_luhn(f"{siren}{rng.randint(1, 99):04d}")


def _communes_acheteuses(communes):
    """The most populated commune of each EPCI, plus Trélazé and Avrillé."""
    retenues = {}
    for commune in sorted(communes, key=lambda c: -(c.population or 0)):
        if commune.siren and commune.epci_id not in retenues:
            retenues[commune.epci_id] = commune
    supplementaires = [c for c in communes if c.code_insee in {"49353", "49015"} and c.siren]
    return [*retenues.values(), *(c for c in supplementaires if c not in retenues.values())]


def specs_acheteurs(*, epcis, communes):
    """[(siret, nom, type, epci, commune)] of the demo's buyers."""
    rng = random.Random(SEED + 1)
    angers = next((e for e in epcis if e.siren == "244900015"), epcis[0])
    specs = [(SIRET_DEPARTEMENT, NOM_DEPARTEMENT, TypeAcheteur.DEPARTEMENT, None, None)]
    specs += [(_siret_etablissement(e.siren), e.nom, TypeAcheteur.EPCI, e, None) for e in epcis]
    epci_par_id = {e.pk: e for e in epcis}
    specs += [
        (_siret_etablissement(c.siren), _nom_commune(c.nom), TypeAcheteur.COMMUNE, epci_par_id[c.epci_id], c)
        for c in _communes_acheteuses(communes)
    ]
    specs.append((_siret_fictif(rng, "27"), NOM_BAILLEUR, TypeAcheteur.BAILLEUR, angers, None))
    return specs


# Surnames Faker may draw that are also well-known companies of the trade: not in a demo.
GRANDES_ENSEIGNES = {
    "Colas",
    "Bouygues",
    "Vinci",
    "Eiffage",
    "Spie",
    "Fayat",
    "Onet",
    "Derichebourg",
    "Veolia",
}


# (type, sector, how many)
REPARTITION_ENTREPRISES = [
    (TypeStructure.ENTREPRISE, "btp", 15),
    (TypeStructure.ENTREPRISE, "services", 10),
    (TypeStructure.EI, "btp", 2),
    (TypeStructure.EI, "services", 2),
    (TypeStructure.ACI, "services", 3),
    (TypeStructure.ETTI, "btp", 3),
    (TypeStructure.AI, "services", 2),
    (TypeStructure.GEIQ, "btp", 2),
    (TypeStructure.ETT, "btp", 1),
]


def specs_entreprises():
    """[(siret, raison sociale, type, sector)], the same whatever the date."""
    rng = random.Random(SEED + 2)
    fake = Faker("fr_FR")
    fake.seed_instance(SEED + 2)
    gabarits = {
        TypeStructure.EI: {"btp": "{nom} Bâtiment Insertion", "services": "{nom} Propreté Insertion"},
        TypeStructure.ACI: {"services": "Chantier d'insertion {nom} Environnement"},
        TypeStructure.ETTI: {"btp": "{nom} Intérim Insertion"},
        TypeStructure.AI: {"services": "Association {nom} Services"},
        TypeStructure.GEIQ: {"btp": "GEIQ {nom} Bâtiment"},
        TypeStructure.ETT: {"btp": "{nom} Intérim"},
    }
    specs, sirets, noms = [], set(), set()
    for type_structure, secteur, nombre in REPARTITION_ENTREPRISES:
        for _ in range(nombre):
            siret = _siret_fictif(rng)
            while siret in sirets:
                siret = _siret_fictif(rng)
            while True:
                if type_structure == TypeStructure.ENTREPRISE:
                    nom = fake.company()
                else:
                    nom = gabarits[type_structure][secteur].format(nom=fake.last_name())
                if nom not in noms and nom.split()[0] not in GRANDES_ENSEIGNES:
                    break
            sirets.add(siret)
            noms.add(nom)
            specs.append((siret, nom, type_structure, secteur))
    return specs


def _nom_commune(nom):
    for article, forme in (("Les ", "des "), ("Le ", "du "), ("La ", "de La "), ("L'", "de l'")):
        if nom.startswith(article):
            return f"Commune {forme}{nom[len(article) :]}"
    if nom[0].upper() in "AEÉÈIOUYH":
        return f"Commune d'{nom}"
    return f"Commune de {nom}"


def creer_acheteurs(generateur):
    """The demo buyers, created if missing: [(acheteur, type, epci, commune)]."""
    specs = specs_acheteurs(epcis=generateur.epcis, communes=generateur.communes)
    existants = Acheteur.objects.in_bulk([s[0] for s in specs], field_name="siret")
    nouveaux = [
        Acheteur(siret=siret, nom=nom, type=type_acheteur, epci=epci)
        for siret, nom, type_acheteur, epci, _ in specs
        if siret not in existants
    ]
    Acheteur.objects.bulk_create(nouveaux)
    par_siret = {**existants, **{a.siret: a for a in nouveaux}}
    generateur.compteurs["acheteurs"] = len(specs)
    return [
        (par_siret[siret], type_acheteur, epci, commune) for siret, _, type_acheteur, epci, commune in specs
    ]


def creer_entreprises(generateur):
    """The demo companies, created if missing, grouped by (type, sector) and by type."""
    specs = specs_entreprises()
    existants = Entreprise.objects.in_bulk([s[0] for s in specs], field_name="siret")
    nouvelles = [
        Entreprise(siret=siret, raison_sociale=nom, type_structure=type_structure)
        for siret, nom, type_structure, _ in specs
        if siret not in existants
    ]
    Entreprise.objects.bulk_create(nouvelles)
    par_siret = {**existants, **{e.siret: e for e in nouvelles}}
    groupes = defaultdict(list)
    for siret, _, type_structure, secteur in specs:
        groupes[(type_structure, secteur)].append(par_siret[siret])
        groupes[type_structure].append(par_siret[siret])
    generateur.compteurs["entreprises"] = len(specs)
    return groupes

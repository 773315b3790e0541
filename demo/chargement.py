"""Demo data for `load_demo`: fictitious contracts, people and hours on top of the real territories.

Everything is drawn from seeded generators, so two runs on the same day give the same data.
Demo rows are recognised by fixed identifiers (buyer and company SIRETs, people's public_id,
account usernames), which lets `--reset` remove them without touching anything else.
"""

import random
import uuid
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.db import transaction
from django.db.models import Q, Sum
from django.utils import timezone
from faker import Faker

from beneficiaires.enums import CategorieSortie, CodePublic, NiveauQualification, Sexe
from beneficiaires.identite import cle_identite
from beneficiaires.models import Beneficiaire, Eligibilite, Public, Sortie
from comptes.enums import Role
from insertion.enums import BaseJuridique, Modalite, Statut, TypeContrat
from insertion.models import Clause, HeuresRealisees, Objectif
from marches.enums import NatureMarche, TypeAcheteur, TypeStructure
from marches.models import Acheteur, Entreprise, Lot, Marche
from marches.siret import SIREN_LA_POSTE, luhn_valide
from territoires.models import Commune, Epci

SEED = 4949
MOT_DE_PASSE_DEFAUT = "demo-insertion-49"
SIRET_DEPARTEMENT = "22490001900015"
NOM_DEPARTEMENT = "Département de Maine-et-Loire"
NOM_BAILLEUR = "Anjou Logis Solidaire"  # made-up social landlord
DEPARTEMENT = "49"

NB_MARCHES = 120
NB_BENEFICIAIRES = 150
PART_SORTIES = 0.30
OBJECTIF_ANNUEL = 10_000
# Validated hours aimed at per year (past, previous, current pace): one year below target, one above.
RYTHME_VALIDE = (9_650, 10_300, 10_600)
TAUX_REJET = 0.025  # share of rows rejected, picked among the small ones
MARGE_REJETS = 0.018  # share of the hours they weigh, added to the budget
HEURES_MIN_LIGNE = 20
HEURES_MAX_LIGNE = 151
HEURES_MAX_MOIS_PERSONNE = 160
MAX_PERSONNES_PAR_CLAUSE = 4
# Monthly weight of the worked hours (August and December are quieter).
SAISONS = (0.85, 0.95, 1.05, 1.05, 1.0, 1.1, 1.0, 0.6, 1.1, 1.15, 1.1, 0.85)

ESPACE_NOMS_DEMO = uuid.UUID("6f1c3b52-49a0-4d5e-9c1e-0d3a4b9e4949")
COMMUNES_QPV = {"49007", "49099", "49328", "49353"}  # Angers, Cholet, Saumur, Trélazé

User = get_user_model()


class TerritoiresManquants(Exception):
    pass


@dataclass
class Compte:
    identifiant: str
    role: str
    perimetre: str


@dataclass
class ResultatDemo:
    deja_chargee: bool
    comptes: list[Compte]
    compteurs: dict[str, int] = field(default_factory=dict)
    heures_par_annee: dict[int, dict[str, Decimal]] = field(default_factory=dict)
    objectifs: dict[int, int] = field(default_factory=dict)


# --- public entry point -----------------------------------------------------------------------------


def charger_demo(*, mot_de_passe=MOT_DE_PASSE_DEFAUT, reinitialiser=False, aujourdhui=None):
    """Loads the demo (or only resets the accounts' passwords if it is already there)."""
    aujourdhui = aujourdhui or timezone.localdate()
    epcis, communes = _territoires()
    with transaction.atomic():
        deja_chargee = _marches_demo(_identifiants_demo(epcis=epcis, communes=communes)).exists()
        if deja_chargee and not reinitialiser:
            comptes = _creer_comptes(epcis=epcis, mot_de_passe=mot_de_passe)
            return ResultatDemo(deja_chargee=True, comptes=_decrire_comptes(comptes))
        if deja_chargee or reinitialiser:
            supprimer_demo(aujourdhui=aujourdhui)
        else:
            _supprimer_donnees(epcis=epcis, communes=communes)  # leftovers of an interrupted demo, if any
        comptes = _creer_comptes(epcis=epcis, mot_de_passe=mot_de_passe)
        generateur = _Generateur(aujourdhui=aujourdhui, epcis=epcis, communes=communes, comptes=comptes)
        generateur.generer()
        return ResultatDemo(
            deja_chargee=False,
            comptes=_decrire_comptes(comptes),
            compteurs=generateur.compteurs,
            heures_par_annee=bilan_heures(annees=generateur.annees),
            objectifs=dict(
                Objectif.objects.filter(annee__in=generateur.annees, epci__isnull=True).values_list(
                    "annee", "heures"
                )
            ),
        )


def supprimer_demo(*, aujourdhui=None):
    """Deletes the demo's rows, its accounts and the targets of its years; territories and publics stay."""
    epcis, communes = _territoires()
    annees = _supprimer_donnees(epcis=epcis, communes=communes) | set(
        _annees(aujourdhui or timezone.localdate())
    )
    Objectif.objects.filter(annee__in=annees).delete()
    User.objects.filter(username__in=_identifiants_demo(epcis=epcis, communes=communes)["comptes"]).delete()


def _territoires():
    epcis = list(Epci.objects.filter(communes__departement=DEPARTEMENT).distinct().order_by("siren"))
    if not epcis:
        raise TerritoiresManquants(
            "Aucun EPCI du Maine-et-Loire en base : lancez d'abord « python manage.py load_territoires »."
        )
    communes = list(
        Commune.objects.filter(departement=DEPARTEMENT, epci__isnull=False).order_by("code_insee")
    )
    return epcis, communes


def _supprimer_donnees(*, epcis, communes):
    """Deletes the demo's contracts, people, hours, buyers and companies, and their history.

    Returns the years the deleted hours were worked in.
    """
    ids = _identifiants_demo(epcis=epcis, communes=communes)
    marches = list(_marches_demo(ids).values_list("pk", flat=True))
    lots = list(Lot.objects.filter(marche__in=marches).values_list("pk", flat=True))
    clauses = list(Clause.objects.filter(lot__in=lots).values_list("pk", flat=True))
    beneficiaires = list(
        Beneficiaire.objects.filter(public_id__in=ids["beneficiaires"]).values_list("pk", flat=True)
    )
    heures = Q(clause__in=clauses) | Q(beneficiaire__in=beneficiaires)
    annees = {d.year for d in HeuresRealisees.objects.filter(heures).dates("mois", "year")}

    HeuresRealisees.objects.filter(heures).delete()
    Beneficiaire.objects.filter(pk__in=beneficiaires).delete()  # cascades to eligibilities and sorties
    Marche.objects.filter(pk__in=marches).delete()  # cascades to lots and clauses
    Acheteur.objects.filter(siret__in=ids["acheteurs"], marches__isnull=True).delete()
    Entreprise.objects.filter(siret__in=ids["entreprises"], lots__isnull=True, heures__isnull=True).delete()
    # deletions leave a "-" record in the history: drop the deleted rows' history altogether
    HeuresRealisees.history.filter(heures).delete()
    Sortie.history.filter(beneficiaire__in=beneficiaires).delete()
    Beneficiaire.history.filter(id__in=beneficiaires).delete()
    Clause.history.filter(lot__in=lots).delete()
    Lot.history.filter(marche__in=marches).delete()
    Marche.history.filter(id__in=marches).delete()
    return annees


def bilan_heures(*, annees):
    """{year: {statut: hours}} over all hours rows of those years."""
    bilan = {annee: {statut: Decimal(0) for statut in Statut.values} for annee in annees}
    lignes = (
        HeuresRealisees.objects.filter(mois__year__in=annees)
        .values("mois__year", "statut")
        .annotate(total=Sum("heures"))
    )
    for ligne in lignes:
        bilan[ligne["mois__year"]][ligne["statut"]] = ligne["total"]
    return bilan


# --- identifiers of the demo's rows -----------------------------------------------------------------


def _annees(aujourdhui):
    return [aujourdhui.year - 2, aujourdhui.year - 1, aujourdhui.year]


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


def _specs_acheteurs(*, epcis, communes):
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


def _specs_entreprises():
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


def _specs_comptes(epcis):
    """[(username, role, epci, superuser)]."""
    specs = [
        ("admin", Role.DEPARTEMENT, None, True),
        ("departement", Role.DEPARTEMENT, None, False),
        ("lecteur", Role.LECTEUR, None, False),
    ]
    return specs + [(f"epci-{e.siren}", Role.EPCI, e, False) for e in epcis]


def _identifiants_demo(*, epcis, communes):
    return {
        "acheteurs": [s[0] for s in _specs_acheteurs(epcis=epcis, communes=communes)],
        "entreprises": [s[0] for s in _specs_entreprises()],
        "beneficiaires": [_public_id(i) for i in range(NB_BENEFICIAIRES)],
        "comptes": [s[0] for s in _specs_comptes(epcis)],
    }


def _public_id(numero):
    return uuid.uuid5(ESPACE_NOMS_DEMO, f"beneficiaire-{numero}")


def _marches_demo(ids):
    """Contracts of a demo buyer held by a demo company (never a DECP-imported one)."""
    return Marche.objects.filter(
        acheteur__siret__in=ids["acheteurs"],
        lots__titulaire__siret__in=ids["entreprises"],
        decp_uid__isnull=True,
    ).distinct()


# --- accounts -------------------------------------------------------------------------------------------


def _creer_comptes(*, epcis, mot_de_passe):
    """Creates or updates the demo accounts; one hash for all (same password, much faster)."""
    fake = Faker("fr_FR")
    fake.seed_instance(SEED + 3)
    empreinte = make_password(mot_de_passe)
    existants = User.objects.in_bulk([s[0] for s in _specs_comptes(epcis)], field_name="username")
    comptes = {}
    for username, role, epci, superuser in _specs_comptes(epcis):
        valeurs = {
            "role": role,
            "epci": epci,
            "is_superuser": superuser,
            "is_staff": superuser,
            "is_active": True,
            "first_name": fake.first_name(),
            "last_name": fake.last_name(),
            "password": empreinte,
        }
        compte = existants.get(username) or User(username=username)
        for nom, valeur in valeurs.items():
            setattr(compte, nom, valeur)
        compte.save()
        comptes[username] = compte
    return comptes


def _decrire_comptes(comptes):
    return [
        Compte(
            identifiant=c.username,
            role="administrateur" if c.is_superuser else c.get_role_display(),
            perimetre=c.perimetre,
        )
        for c in comptes.values()
    ]


# --- small helpers ----------------------------------------------------------------------------------------


def _nom_commune(nom):
    for article, forme in (("Les ", "des "), ("Le ", "du "), ("La ", "de La "), ("L'", "de l'")):
        if nom.startswith(article):
            return f"Commune {forme}{nom[len(article) :]}"
    if nom[0].upper() in "AEÉÈIOUYH":
        return f"Commune d'{nom}"
    return f"Commune de {nom}"


def _a_commune(nom):
    for article, forme in (("Les ", "aux "), ("Le ", "au ")):
        if nom.startswith(article):
            return f"{forme}{nom[len(article) :]}"
    return f"à {nom}"


def _ajouter_mois(jour, n):
    total = jour.year * 12 + jour.month - 1 + n
    return date(total // 12, total % 12 + 1, 1)


def _ecart_mois(debut, fin):
    return (fin.year - debut.year) * 12 + fin.month - debut.month


def _fin_de_mois(mois):
    return _ajouter_mois(mois, 1) - timedelta(days=1)


def _mois_entre(debut, fin):
    mois = debut
    while mois <= fin:
        yield mois
        mois = _ajouter_mois(mois, 1)


def _anniversaire(naissance, age):
    try:
        return naissance.replace(year=naissance.year + age)
    except ValueError:  # 29 February
        return date(naissance.year + age, 3, 1)


def _age(naissance, le):
    return le.year - naissance.year - ((le.month, le.day) < (naissance.month, naissance.day))


def _arrondi_demi(valeur):
    return round(valeur * 2) / 2


def _choix_pondere(rng, elements, poids):
    return rng.choices(elements, weights=poids, k=1)[0]


# --- contract templates ------------------------------------------------------------------------------------

LOTS_BATIMENT = [
    "Gros œuvre – maçonnerie",
    "Charpente – couverture",
    "Menuiseries extérieures",
    "Plâtrerie – isolation – faux plafonds",
    "Électricité – courants faibles",
    "Plomberie – chauffage – ventilation",
    "Peinture – revêtements de sols",
    "Désamiantage – démolition",
]
LOTS_VOIRIE = [
    "Terrassement – assainissement",
    "Chaussées – enrobés",
    "Signalisation – équipements de la route",
    "Espaces verts – plantations",
]
LOTS_SECTEURS = ["Secteur nord", "Secteur sud", "Secteur est", "Secteur ouest"]
COLLEGES = [
    "Jean Rostand",
    "Jacques Prévert",
    "Camille Claudel",
    "Pierre et Marie Curie",
    "Jules Verne",
    "Lucie Aubrac",
    "Simone Veil",
    "Victor Hugo",
    "Georges Brassens",
    "Olympe de Gouges",
]
ECOLES = ["des Tilleuls", "du Petit Prince", "Paul Éluard", "Jean de La Fontaine", "des Coquelicots"]
RESIDENCES = ["les Acacias", "le Clos Fleuri", "les Hauts de Loire", "la Roseraie", "le Parc", "les Glycines"]


@dataclass
class Gabarit:
    objet: str
    nature: str
    montant: tuple[int, int]
    duree: tuple[int, int]  # months
    lots: list[str]
    nb_lots: tuple[int, int]
    cpv: str
    secteur: str = "btp"
    reservable: bool = False  # may be reserved to SIAE


G = Gabarit
GABARITS = {
    TypeAcheteur.DEPARTEMENT: [
        G("Réhabilitation du collège {college} {a_commune}", "travaux", (350_000, 1_300_000), (12, 24), LOTS_BATIMENT, (3, 4), "45214200"),
        G("Construction d'une salle de sport au collège {college} {a_commune}", "travaux", (300_000, 800_000), (10, 18), LOTS_BATIMENT, (2, 4), "45210000"),
        G("Aménagement de la route départementale RD {rd} {a_commune}", "travaux", (100_000, 550_000), (3, 9), LOTS_VOIRIE, (1, 3), "45233140"),
        G("Rénovation énergétique de la maison départementale des solidarités {a_commune}", "travaux", (120_000, 400_000), (6, 12), LOTS_BATIMENT, (2, 3), "45453000"),
        G("Nettoyage des locaux des collèges — secteur de {commune}", "services", (90_000, 320_000), (36, 48), LOTS_SECTEURS, (1, 3), "90910000", "services", True),
        G("Entretien des dépendances vertes des routes départementales — secteur de {commune}", "services", (60_000, 210_000), (24, 48), LOTS_SECTEURS, (1, 2), "77310000", "services", True),
        G("Fourniture de mobilier scolaire pour les collèges", "fournitures", (40_000, 150_000), (6, 12), [], (1, 1), "39100000", "services"),
    ],
    TypeAcheteur.EPCI: [
        G("Construction d'un pôle enfance {a_commune}", "travaux", (250_000, 750_000), (10, 18), LOTS_BATIMENT, (2, 4), "45210000"),
        G("Travaux de voirie communautaire — programme {annee}", "travaux", (120_000, 450_000), (4, 10), LOTS_VOIRIE, (1, 3), "45233140"),
        G("Réhabilitation des réseaux d'assainissement {a_commune}", "travaux", (100_000, 400_000), (4, 10), LOTS_VOIRIE, (1, 2), "45232400"),
        G("Extension de la déchèterie {a_commune}", "travaux", (120_000, 350_000), (6, 12), LOTS_BATIMENT, (2, 3), "45200000"),
        G("Collecte des déchets ménagers et assimilés", "services", (200_000, 700_000), (36, 48), LOTS_SECTEURS, (1, 2), "90511000", "services"),
        G("Entretien des espaces verts communautaires", "services", (40_000, 180_000), (24, 36), LOTS_SECTEURS, (1, 2), "77310000", "services", True),
        G("Exploitation de la recyclerie {a_commune}", "services", (60_000, 190_000), (24, 36), [], (1, 1), "90500000", "services", True),
        G("Fourniture de bacs de collecte des déchets", "fournitures", (30_000, 120_000), (6, 12), [], (1, 1), "34928480", "services"),
    ],
    TypeAcheteur.COMMUNE: [
        G("Rénovation de l'école {ecole} {a_commune}", "travaux", (120_000, 450_000), (6, 14), LOTS_BATIMENT, (2, 4), "45214200"),
        G("Requalification du centre-ville {a_commune}", "travaux", (150_000, 600_000), (6, 14), LOTS_VOIRIE, (2, 3), "45233140"),
        G("Construction d'une salle omnisports {a_commune}", "travaux", (350_000, 1_000_000), (12, 20), LOTS_BATIMENT, (3, 4), "45210000"),
        G("Nettoyage des bâtiments communaux {a_commune}", "services", (40_000, 150_000), (24, 48), LOTS_SECTEURS, (1, 2), "90910000", "services", True),
        G("Entretien des espaces verts {a_commune}", "services", (30_000, 110_000), (24, 36), LOTS_SECTEURS, (1, 2), "77310000", "services", True),
    ],
    TypeAcheteur.BAILLEUR: [
        G("Réhabilitation de {logements} logements, résidence {residence} {a_commune}", "travaux", (200_000, 900_000), (8, 18), LOTS_BATIMENT, (3, 4), "45453000"),
        G("Construction de {logements} logements locatifs sociaux {a_commune}", "travaux", (300_000, 1_100_000), (12, 20), LOTS_BATIMENT, (3, 4), "45211000"),
        G("Nettoyage des parties communes des résidences {a_commune}", "services", (40_000, 130_000), (24, 36), LOTS_SECTEURS, (1, 2), "90910000", "services", True),
    ],
}  # fmt: skip

MOTIFS_REJET = [
    "Personne non éligible à la date des heures travaillées.",
    "Heures déjà déclarées sur un autre marché pour le même mois.",
    "Relevé d'heures de l'employeur manquant.",
    "Erreur de saisie : heures supérieures au relevé de l'employeur.",
]
DETAILS_SORTIE = {
    CategorieSortie.EMPLOI_DURABLE: [
        "CDI chez le titulaire du marché",
        "CDI d'agent d'entretien",
        "CDD de 9 mois dans le bâtiment",
        "Création d'une micro-entreprise d'espaces verts",
        "Mission d'intérim de 6 mois",
    ],
    CategorieSortie.EMPLOI_TRANSITION: [
        "CDD de 3 mois",
        "Mission d'intérim de 2 mois",
        "Contrat aidé (PEC) en collectivité",
        "CDD saisonnier",
    ],
    CategorieSortie.SORTIE_POSITIVE: [
        "Entrée en formation qualifiante (titre professionnel)",
        "Orientation vers un atelier et chantier d'insertion",
        "Formation CACES",
    ],
    CategorieSortie.AUTRE: [
        "Déménagement hors du département",
        "Raisons de santé",
        "Fin de parcours sans solution identifiée",
    ],
}


# --- generation -----------------------------------------------------------------------------------------------


@dataclass(eq=False)
class _PlanClause:
    clause: Clause
    marche: Marche
    lot: Lot
    secteur: str
    mois_debut: date
    mois_fin: date
    cible: float
    realise: float = 0.0
    engage: float = 0.0  # hours planned for the coming months
    employeurs: dict = field(default_factory=dict)
    anciens: list = field(default_factory=list)


@dataclass(eq=False)
class _Parcours:
    """One person on one clause for consecutive months, with one employer and one modality."""

    personne: int
    plan: _PlanClause
    employeur: Entreprise
    modalite: str
    type_contrat: str
    heures: dict  # month -> hours


class _Generateur:
    def __init__(self, *, aujourdhui, epcis, communes, comptes):
        self.aujourdhui = aujourdhui
        self.annees = _annees(aujourdhui)
        self.debut = date(self.annees[0], 1, 1)
        self.dernier_mois = _ajouter_mois(aujourdhui.replace(day=1), -1)
        self.epcis = epcis
        self.epci_par_id = {e.pk: e for e in epcis}
        self.communes = communes
        self.communes_par_epci = defaultdict(list)
        for commune in communes:
            self.communes_par_epci[commune.epci_id].append(commune)
        self.comptes = comptes
        self.rng = random.Random(SEED)
        self.fake = Faker("fr_FR")
        self.fake.seed_instance(SEED + 4)
        self.compteurs = {}

    def generer(self):
        self.acheteurs = self._creer_acheteurs()
        self.entreprises = self._creer_entreprises()
        plans = self._creer_marches()
        parcours = self._planifier_heures(plans)
        personnes = self._creer_beneficiaires(parcours)
        self._creer_heures(parcours, personnes)
        self._creer_objectifs()

    # buyers and companies

    def _creer_acheteurs(self):
        specs = _specs_acheteurs(epcis=self.epcis, communes=self.communes)
        existants = Acheteur.objects.in_bulk([s[0] for s in specs], field_name="siret")
        nouveaux = [
            Acheteur(siret=siret, nom=nom, type=type_acheteur, epci=epci)
            for siret, nom, type_acheteur, epci, _ in specs
            if siret not in existants
        ]
        Acheteur.objects.bulk_create(nouveaux)
        par_siret = {**existants, **{a.siret: a for a in nouveaux}}
        self.compteurs["acheteurs"] = len(specs)
        # (acheteur, type, epci, commune)
        return [
            (par_siret[siret], type_acheteur, epci, commune)
            for siret, _, type_acheteur, epci, commune in specs
        ]

    def _creer_entreprises(self):
        specs = _specs_entreprises()
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
        self.compteurs["entreprises"] = len(specs)
        return groupes

    # contracts

    def _commune_au_hasard(self, communes):
        return _choix_pondere(self.rng, communes, [(c.population or 100) ** 0.7 for c in communes])

    def _creer_marches(self):
        rng = self.rng
        par_type = defaultdict(list)
        for acheteur, type_acheteur, epci, commune in self.acheteurs:
            par_type[type_acheteur].append((acheteur, epci, commune))
        departement = par_type[TypeAcheteur.DEPARTEMENT][0]
        bailleur = par_type[TypeAcheteur.BAILLEUR][0]
        population_epci = Counter()
        for commune in self.communes:
            population_epci[commune.epci_id] += commune.population or 0

        fin_fenetre = self.aujourdhui + timedelta(days=30)
        marches, lots, clauses, plans = [], [], [], []
        numeros = Counter()
        for i in range(NB_MARCHES):
            epcis_acheteurs = par_type[TypeAcheteur.EPCI]
            if i < len(epcis_acheteurs):
                # every EPCI buys at least once
                categorie = TypeAcheteur.EPCI
                acheteur, epci, _ = epcis_acheteurs[i]
            else:
                categorie = _choix_pondere(
                    rng,
                    [
                        TypeAcheteur.DEPARTEMENT,
                        TypeAcheteur.EPCI,
                        TypeAcheteur.COMMUNE,
                        TypeAcheteur.BAILLEUR,
                    ],
                    [38, 28, 22, 12],
                )
            if categorie == TypeAcheteur.DEPARTEMENT:
                acheteur, _, _ = departement
                commune = self._commune_au_hasard(self.communes)
                epci = self.epci_par_id[commune.epci_id]
            elif categorie == TypeAcheteur.EPCI:
                if i >= len(epcis_acheteurs):
                    acheteur, epci, _ = _choix_pondere(
                        rng, epcis_acheteurs, [population_epci[e.pk] ** 0.5 for _, e, _ in epcis_acheteurs]
                    )
                commune = self._commune_au_hasard(self.communes_par_epci[epci.pk])
            elif categorie == TypeAcheteur.COMMUNE:
                candidats = par_type[TypeAcheteur.COMMUNE]
                acheteur, epci, commune = _choix_pondere(
                    rng, candidats, [(c.population or 100) ** 0.5 for _, _, c in candidats]
                )
            else:
                acheteur, epci, _ = bailleur
                commune = self._commune_au_hasard(self.communes_par_epci[epci.pk])

            gabarits = GABARITS[categorie]
            poids = [1 if g.nature == NatureMarche.FOURNITURES else 4 for g in gabarits]
            gabarit = _choix_pondere(rng, gabarits, poids)

            # starts: a first wave early in the window, then spread up to next month
            if rng.random() < 0.15:
                date_debut = self.debut + timedelta(days=rng.randint(10, 60))
            else:
                date_debut = self.debut + timedelta(days=rng.randint(10, (fin_fenetre - self.debut).days))
            date_notification = date_debut - timedelta(days=rng.randint(10, 60))
            if date_notification < self.debut:
                date_notification = self.debut + timedelta(days=rng.randint(1, 5))
                date_debut = max(date_debut, date_notification + timedelta(days=7))
            if date_notification > self.aujourdhui:
                date_notification = self.aujourdhui - timedelta(days=rng.randint(0, 20))
            duree = rng.randint(*gabarit.duree)
            date_fin = _ajouter_mois(date_debut, duree) + timedelta(days=date_debut.day - 2)
            date_fin = max(date_fin, date_debut)

            annee = date_notification.year
            numeros[(acheteur.pk, annee)] += 1
            lettre = {"travaux": "T", "services": "S", "fournitures": "F"}[gabarit.nature]
            reference = f"{annee}-{lettre}-{numeros[(acheteur.pk, annee)]:03d}"
            objet = gabarit.objet.format(
                commune=commune.nom,
                a_commune=_a_commune(commune.nom),
                college=rng.choice(COLLEGES),
                ecole=rng.choice(ECOLES),
                residence=rng.choice(RESIDENCES),
                logements=rng.choice([12, 18, 24, 32, 40, 56]),
                rd=rng.choice([723, 748, 752, 761, 923, 947, 960, 961]),
                annee=date_debut.year,
            )
            montant = (
                Decimal(rng.randrange(gabarit.montant[0] // 10, gabarit.montant[1] // 10) * 10)
                + Decimal(rng.randint(0, 99)) / 100
            )

            # social considerations
            reserve = gabarit.reservable and rng.random() < 0.15
            marche_insertion = not reserve and gabarit.reservable and rng.random() < 0.08
            if gabarit.nature == NatureMarche.FOURNITURES:
                clause_sociale, critere_social = rng.random() < 0.2, False
            else:
                clause_sociale = not reserve and rng.random() < 0.93
                critere_social = clause_sociale and rng.random() < 0.1
            seuil = 221_000 if gabarit.nature != NatureMarche.TRAVAUX else 5_538_000
            marche = Marche(
                acheteur=acheteur,
                reference=reference,
                objet=objet,
                nature=gabarit.nature,
                code_cpv=gabarit.cpv,
                procedure="Appel d'offres ouvert" if montant >= seuil else "Procédure adaptée",
                montant_ht=montant,
                date_notification=date_notification,
                date_debut=date_debut,
                date_fin=date_fin,
                epci=epci,
                clause_sociale=clause_sociale,
                critere_social=critere_social,
                marche_reserve=reserve,
            )
            marches.append(marche)

            nb_lots = rng.randint(*gabarit.nb_lots) if gabarit.lots else 1
            intitules = rng.sample(gabarit.lots, nb_lots) if nb_lots > 1 else ["Lot unique"]
            parts = [rng.uniform(0.5, 2.0) for _ in intitules]
            montants = [(montant * Decimal(p / sum(parts))).quantize(Decimal("0.01")) for p in parts]
            montants[-1] = montant - sum(montants[:-1])
            for numero, (intitule, montant_lot) in enumerate(zip(intitules, montants, strict=True), start=1):
                if reserve or marche_insertion:
                    titulaire = rng.choice(
                        self.entreprises[(TypeStructure.ACI, "services")]
                        + self.entreprises[(TypeStructure.EI, "services")]
                    )
                elif gabarit.secteur == "btp":
                    titulaire = rng.choice(
                        self.entreprises[(TypeStructure.ENTREPRISE, "btp")] * 6
                        + self.entreprises[(TypeStructure.EI, "btp")]
                    )
                else:
                    titulaire = rng.choice(
                        self.entreprises[(TypeStructure.ENTREPRISE, "services")] * 4
                        + self.entreprises[(TypeStructure.EI, "services")]
                    )
                lot = Lot(
                    marche=marche,
                    numero=numero,
                    intitule=intitule,
                    montant_ht=montant_lot,
                    titulaire=titulaire,
                )
                lots.append(lot)
                avec_clause = (clause_sociale or reserve) and montant_lot >= 25_000 and rng.random() < 0.9
                if not avec_clause:
                    continue
                if reserve:
                    base = BaseJuridique.RESERVE_SIAE
                elif marche_insertion:
                    base = BaseJuridique.MARCHE_INSERTION
                elif critere_social:
                    base = BaseJuridique.CRITERE_ATTRIBUTION
                else:
                    base = BaseJuridique.CONDITION_EXECUTION
                part = {"travaux": 50, "services": 60, "fournitures": 20}[gabarit.nature]
                clause = Clause(
                    lot=lot,
                    base_juridique=base,
                    part_main_oeuvre=Decimal(part),
                    taux_insertion=Decimal(rng.choice([5, 5, 6, 7, 7, 8, 10])),
                    cout_horaire=Decimal(30),
                )
                clause.heures_reservees = clause.calculer_heures_reservees()
                clauses.append(clause)
                plans.append(
                    _PlanClause(
                        clause=clause,
                        marche=marche,
                        lot=lot,
                        secteur=gabarit.secteur,
                        mois_debut=date_debut.replace(day=1),
                        mois_fin=date_fin.replace(day=1),
                        cible=float(clause.heures_reservees) * rng.uniform(0.55, 1.3),
                    )
                )

        # a handful of clauses not calibrated yet, on the latest contracts
        recents = sorted(plans, key=lambda p: p.marche.date_debut, reverse=True)[:6]
        for plan in recents:
            plan.clause.heures_reservees = None
            plan.clause.part_main_oeuvre = plan.clause.taux_insertion = plan.clause.cout_horaire = None
        plans = [p for p in plans if p not in recents]

        Marche.objects.bulk_create(marches)
        Lot.objects.bulk_create(lots)
        Clause.objects.bulk_create(clauses)
        self.compteurs.update(
            marches=len(marches), lots=len(lots), clauses=len(clauses), clauses_a_calibrer=len(recents)
        )
        return plans

    # hours

    def _budget_annuel(self, annee):
        rang = self.annees.index(annee)
        return RYTHME_VALIDE[rang] * (1 + MARGE_REJETS)

    def _heures_de_base(self, modalite):
        tirage = self.rng.random()
        if modalite == Modalite.FORMATION:
            return self.rng.uniform(20, 70)
        if tirage < 0.55:
            return self.rng.uniform(HEURES_MIN_LIGNE, 40)
        if tirage < 0.9:
            return self.rng.uniform(40, 90)
        return self.rng.uniform(95, HEURES_MAX_LIGNE)

    def _modalite(self, plan):
        """(modalite, employeur, type_contrat) for a new person on the clause."""
        rng = self.rng
        titulaire = plan.lot.titulaire
        if plan.clause.base_juridique in (BaseJuridique.RESERVE_SIAE, BaseJuridique.MARCHE_INSERTION):
            return Modalite.EMBAUCHE_DIRECTE, titulaire, TypeContrat.CDDI
        tirage = rng.random()
        if tirage < 0.45:
            if titulaire.est_siae:
                return Modalite.EMBAUCHE_DIRECTE, titulaire, TypeContrat.CDDI
            contrat = _choix_pondere(
                rng,
                [
                    TypeContrat.CDD,
                    TypeContrat.CDI,
                    TypeContrat.APPRENTISSAGE,
                    TypeContrat.PROFESSIONNALISATION,
                ],
                [50, 20, 15, 15],
            )
            return Modalite.EMBAUCHE_DIRECTE, titulaire, contrat
        if tirage < 0.93:
            modalite = Modalite.MISE_A_DISPOSITION if tirage < 0.78 else Modalite.SOUS_TRAITANCE
            if modalite not in plan.employeurs:
                if modalite == Modalite.MISE_A_DISPOSITION:
                    types = [TypeStructure.ETTI, TypeStructure.GEIQ, TypeStructure.ETT, TypeStructure.AI]
                    poids = [45, 30, 15, 10] if plan.secteur == "btp" else [40, 5, 15, 40]
                else:
                    types = [TypeStructure.EI, TypeStructure.ACI]
                    poids = [80, 20] if plan.secteur == "btp" else [40, 60]
                type_structure = _choix_pondere(rng, types, poids)
                plan.employeurs[modalite] = rng.choice(self.entreprises[type_structure])
            employeur = plan.employeurs[modalite]
            if modalite == Modalite.SOUS_TRAITANCE:
                return modalite, employeur, TypeContrat.CDDI
            if employeur.type_structure == TypeStructure.GEIQ:
                return modalite, employeur, TypeContrat.PROFESSIONNALISATION
            return modalite, employeur, TypeContrat.MISSION
        return Modalite.FORMATION, titulaire, TypeContrat.STAGE

    def _planifier_heures(self, plans):
        """Month by month, keeps each year's hours on a seasonal track towards its budget."""
        rng = self.rng
        mois_fenetre = list(_mois_entre(self.debut, self.dernier_mois))
        self.charge = defaultdict(float)  # (person, month) -> hours
        self.sur_clause = set()  # (person, clause plan id, month)
        self.nb_parcours = [0] * NB_BENEFICIAIRES
        self.epci_principal = [Counter() for _ in range(NB_BENEFICIAIRES)]
        self.dernier_epci = [None] * NB_BENEFICIAIRES
        # people join over the window, so entries are spread over the years
        self.activation = [
            i * max(len(mois_fenetre) - 1, 1) // NB_BENEFICIAIRES for i in range(NB_BENEFICIAIRES)
        ]
        par_mois = defaultdict(list)
        effectif = Counter()  # (clause plan id, month) -> people
        realise_annee = Counter()
        tous = []
        cumul_saisons = [sum(SAISONS[: m + 1]) / sum(SAISONS) for m in range(12)]

        def arreter(parcours, a_partir_de):
            for mois in [m for m in parcours.heures if m >= a_partir_de]:
                heures = parcours.heures.pop(mois)
                self.charge[(parcours.personne, mois)] -= heures
                self.sur_clause.discard((parcours.personne, id(parcours.plan), mois))
                effectif[(id(parcours.plan), mois)] -= 1
                parcours.plan.engage -= heures
                par_mois[mois].remove(parcours)

        for rang_mois, mois in enumerate(mois_fenetre):
            annee = mois.year
            objectif = self._budget_annuel(annee) * cumul_saisons[mois.month - 1] - realise_annee[annee]
            en_cours = list(par_mois[mois])
            total = sum(p.heures[mois] for p in en_cours)
            rng.shuffle(en_cours)
            while total > objectif + 30 and en_cours:
                parcours = en_cours.pop()
                total -= parcours.heures[mois]
                arreter(parcours, mois)

            actifs = [p for p in plans if p.mois_debut <= mois <= p.mois_fin]
            for _ in range(80):
                manque = objectif - total
                if manque < HEURES_MIN_LIGNE or not actifs:
                    break
                ouverts = [p for p in actifs if effectif[(id(p), mois)] < MAX_PERSONNES_PAR_CLAUSE]
                if not ouverts:
                    break
                poids = [
                    (max(p.cible - p.realise - p.engage, 0) / (_ecart_mois(mois, p.mois_fin) + 1) + 3)
                    * (1 + effectif[(id(p), mois)])  # teams rather than lone workers
                    * (1 if p.anciens else 4)  # nobody yet: the facilitator pushes for a first hire
                    for p in ouverts
                ]
                plan = _choix_pondere(rng, ouverts, poids)
                parcours = self._nouveau_parcours(plan, mois, rang_mois, manque)
                if parcours is None:
                    continue
                for m, heures in parcours.heures.items():
                    par_mois[m].append(parcours)
                    effectif[(id(plan), m)] += 1
                    plan.engage += heures
                en_cours.append(parcours)
                tous.append(parcours)
                total += parcours.heures[mois]

            for parcours in en_cours:
                heures = parcours.heures[mois]
                parcours.plan.realise += heures
                parcours.plan.engage -= heures
                self.epci_principal[parcours.personne][parcours.plan.marche.epci_id] += heures
            realise_annee[annee] += total

        # hours planned after the last declared month are not worked yet
        for parcours in tous:
            for mois in [m for m in parcours.heures if m > self.dernier_mois]:
                del parcours.heures[mois]
        return [p for p in tous if p.heures]

    def _nouveau_parcours(self, plan, mois, rang_mois, manque):
        rng = self.rng
        duree = _choix_pondere(rng, [1, 2, 3, 4, 5, 6], [15, 25, 25, 15, 10, 10])
        modalite, employeur, type_contrat = self._modalite(plan)
        base = min(self._heures_de_base(modalite), max(HEURES_MIN_LIGNE, manque))
        # do not plan far beyond what the clause still needs
        reste = max(plan.cible - plan.realise - plan.engage, base)
        duree = max(1, min(duree, round(reste / base)))
        mois_list = list(_mois_entre(mois, min(_ajouter_mois(mois, duree - 1), plan.mois_fin)))
        heures = {
            m: min(max(_arrondi_demi(base * rng.uniform(0.85, 1.12)), HEURES_MIN_LIGNE), HEURES_MAX_LIGNE)
            for m in mois_list
        }
        personne = self._choisir_personne(plan, heures, rang_mois)
        if personne is None:
            return None
        for m, h in heures.items():
            self.charge[(personne, m)] += h
            self.sur_clause.add((personne, id(plan), m))
        self.nb_parcours[personne] += 1
        self.dernier_epci[personne] = plan.marche.epci_id
        if personne not in plan.anciens:
            plan.anciens.append(personne)
        return _Parcours(
            personne=personne,
            plan=plan,
            employeur=employeur,
            modalite=modalite,
            type_contrat=type_contrat,
            heures=heures,
        )

    def _choisir_personne(self, plan, heures, rang_mois):
        """Someone free for those months: newcomers first, then former workers of the clause, then locals."""
        rng = self.rng
        epci_id = plan.marche.epci_id
        libres = [
            p
            for p in range(NB_BENEFICIAIRES)
            if all(
                self.charge[(p, m)] + h <= HEURES_MAX_MOIS_PERSONNE
                and (p, id(plan), m) not in self.sur_clause
                for m, h in heures.items()
            )
        ]
        if not libres:
            return None
        anciens = [p for p in plan.anciens if p in libres]
        nouveaux = [p for p in libres if self.nb_parcours[p] == 0 and self.activation[p] <= rang_mois]
        if anciens and (not nouveaux or rng.random() < 0.5):
            return rng.choice(anciens)
        if nouveaux:
            return rng.choice(nouveaux)
        connus = [p for p in libres if self.nb_parcours[p] > 0]
        if connus:
            locaux = [p for p in connus if self.dernier_epci[p] == epci_id]
            return rng.choice(locaux if locaux and rng.random() < 0.8 else connus)
        return min(libres, key=lambda p: self.activation[p])

    # people

    def _creer_beneficiaires(self, parcours):
        rng, fake = self.rng, self.fake
        premiers, derniers, travaux = {}, {}, Counter()
        modalites_siae = {}
        for p in parcours:
            debut, fin = min(p.heures), max(p.heures)
            premiers[p.personne] = min(premiers.get(p.personne, debut), debut)
            derniers[p.personne] = max(derniers.get(p.personne, fin), fin)
            travaux[p.personne] += 1 if p.plan.secteur == "btp" else -1
            if p.employeur.est_siae:
                modalites_siae[p.personne] = min(modalites_siae.get(p.personne, debut), debut)
        mois_fenetre = list(_mois_entre(self.debut, self.dernier_mois)) or [self.debut]
        publics = {p.code: p for p in Public.objects.all()}
        for code, libelle in CodePublic.choices:
            if code not in publics:
                publics[code] = Public.objects.create(code=code, libelle=libelle)

        beneficiaires, eligibilites, cles = [], [], set()
        for numero in range(NB_BENEFICIAIRES):
            # residence: where the person mostly works
            if self.epci_principal[numero]:
                epci_id = self.epci_principal[numero].most_common(1)[0][0]
                commune = _choix_pondere(
                    rng,
                    self.communes_par_epci[epci_id],
                    [c.population or 100 for c in self.communes_par_epci[epci_id]],
                )
            else:
                commune = _choix_pondere(rng, self.communes, [c.population or 100 for c in self.communes])
                epci_id = commune.epci_id
            if numero in premiers:
                date_entree = premiers[numero] - timedelta(days=rng.randint(0, 75))
            else:
                date_entree = mois_fenetre[min(self.activation[numero], len(mois_fenetre) - 1)] + timedelta(
                    days=rng.randint(0, 27)
                )
            date_entree = min(date_entree, self.aujourdhui - timedelta(days=1))
            homme = rng.random() < (0.72 if travaux[numero] > 0 else 0.45)
            sexe = Sexe.HOMME if homme else Sexe.FEMME
            age_vise = _choix_pondere(rng, [(18, 25), (26, 49), (50, 59)], [22, 58, 20])
            while True:
                prenom = fake.first_name_male() if homme else fake.first_name_female()
                nom = fake.last_name()
                naissance = date_entree - timedelta(
                    days=rng.randint(age_vise[0] * 365 + 5, age_vise[1] * 365 + 360)
                )
                cle = cle_identite(nom, prenom, naissance)
                if (
                    cle not in cles
                    and _age(naissance, date_entree) >= 18
                    and 18 <= _age(naissance, self.aujourdhui) <= 62
                ):
                    break
            cles.add(cle)
            beneficiaire = Beneficiaire(
                public_id=_public_id(numero),
                nom=nom,
                prenom=prenom,
                date_naissance=naissance,
                sexe=sexe,
                commune=commune,
                niveau_qualification=_choix_pondere(rng, NiveauQualification.values, [35, 35, 20, 7, 3]),
                date_entree=date_entree,
                cle_identite=cle,
                cree_par_epci=self.epci_par_id[epci_id],
            )
            beneficiaires.append(beneficiaire)
            eligibilites += self._eligibilites(beneficiaire, publics, modalites_siae.get(numero))

        # never collide with a person already in the database
        deja = set(Beneficiaire.objects.filter(cle_identite__in=cles).values_list("cle_identite", flat=True))
        for beneficiaire in beneficiaires:
            while beneficiaire.cle_identite in deja:
                beneficiaire.nom = fake.last_name()
                cle = cle_identite(beneficiaire.nom, beneficiaire.prenom, beneficiaire.date_naissance)
                if cle not in cles:
                    cles.add(cle)
                    beneficiaire.cle_identite = cle
        Beneficiaire.objects.bulk_create(beneficiaires)
        Eligibilite.objects.bulk_create(eligibilites)
        sorties = self._sorties(beneficiaires, derniers)
        Sortie.objects.bulk_create(sorties)
        self.compteurs.update(
            beneficiaires=len(beneficiaires), eligibilites=len(eligibilites), sorties=len(sorties)
        )
        return beneficiaires

    def _eligibilites(self, beneficiaire, publics, debut_siae):
        rng = self.rng
        entree, naissance, aujourdhui = beneficiaire.date_entree, beneficiaire.date_naissance, self.aujourdhui
        age = _age(naissance, entree)
        lignes = []

        def ajouter(code, debut, fin=None):
            if fin is not None and fin < debut:
                return
            lignes.append(
                Eligibilite(beneficiaire=beneficiaire, public=publics[code], date_debut=debut, date_fin=fin)
            )

        brsa = rng.random() < 0.72
        if brsa:
            if rng.random() < 0.08 and entree + timedelta(days=60) < aujourdhui:
                debut = entree + timedelta(days=rng.randint(30, min(240, (aujourdhui - entree).days)))
            else:
                debut = entree - timedelta(days=rng.randint(60, 1500))
            fin = None
            if rng.random() < 0.3:  # RSA ends during the parcours, often with the job
                fin = max(debut, entree) + timedelta(days=rng.randint(60, 540))
                fin = fin if fin < aujourdhui - timedelta(days=15) else None
            ajouter(CodePublic.BRSA, debut, fin)
        if rng.random() < (0.3 if brsa else 0.6):
            ajouter(CodePublic.DELD, entree - timedelta(days=rng.randint(0, 300)))
        if age < 26:
            ajouter(CodePublic.JEUNE, entree, _anniversaire(naissance, 26) - timedelta(days=1))
        cinquante = _anniversaire(naissance, 50)
        if cinquante <= aujourdhui:
            ajouter(CodePublic.SENIOR, max(entree, cinquante))
        if rng.random() < 0.1:
            ajouter(CodePublic.RQTH, entree - timedelta(days=rng.randint(100, 2000)))
        if not brsa and rng.random() < 0.15:
            ajouter(CodePublic.ASS_AAH, entree - timedelta(days=rng.randint(30, 900)))
        if beneficiaire.commune.code_insee in COMMUNES_QPV and rng.random() < 0.45:
            ajouter(CodePublic.QPV, entree - timedelta(days=rng.randint(200, 3000)))
        if debut_siae is not None:
            ajouter(CodePublic.SIAE, debut_siae)
        if not lignes:
            ajouter(CodePublic.AUTRE, entree)
        return lignes

    def _sorties(self, beneficiaires, derniers):
        rng = self.rng
        limite = _ajouter_mois(self.dernier_mois, -2)
        candidats = [b for i, b in enumerate(beneficiaires) if i in derniers and derniers[i] <= limite]
        nombre = min(len(candidats), round(PART_SORTIES * len(beneficiaires)))
        choisis = rng.sample(candidats, nombre)
        repartition = [35, 30, 20, 15]
        categories = []
        for categorie, part in zip(CategorieSortie.values, repartition, strict=True):
            categories += [categorie] * round(nombre * part / 100)
        categories = (categories + [CategorieSortie.AUTRE] * nombre)[:nombre]
        rng.shuffle(categories)
        index = {id(b): i for i, b in enumerate(beneficiaires)}
        sorties = []
        for beneficiaire, categorie in zip(choisis, categories, strict=True):
            fin = _fin_de_mois(derniers[index[id(beneficiaire)]])
            jour = min(fin + timedelta(days=rng.randint(1, 60)), self.aujourdhui - timedelta(days=1))
            sorties.append(
                Sortie(
                    beneficiaire=beneficiaire,
                    date=jour,
                    categorie=categorie,
                    detail=rng.choice(DETAILS_SORTIE[categorie]),
                )
            )
        return sorties

    # hours rows

    def _creer_heures(self, parcours, personnes):
        rng = self.rng
        departement = self.comptes["departement"]
        saisie = {c.epci_id: c for c in self.comptes.values() if c.role == Role.EPCI}
        fuseau = timezone.get_current_timezone()
        borne = datetime.combine(self.aujourdhui - timedelta(days=1), time(18, 0), tzinfo=fuseau)
        recents = {self.dernier_mois, _ajouter_mois(self.dernier_mois, -1)}
        lignes = [
            HeuresRealisees(
                clause=p.plan.clause,
                beneficiaire=personnes[p.personne],
                employeur=p.employeur,
                mois=mois,
                heures=Decimal(str(heures)).quantize(Decimal("0.01")),
                modalite=p.modalite,
                type_contrat=p.type_contrat,
                statut=Statut.VALIDEES,
                saisi_par=saisie[p.plan.marche.epci_id],
            )
            for p in sorted(parcours, key=lambda p: (min(p.heures), p.personne))
            for mois, heures in sorted(p.heures.items())
        ]
        # the current year's last two months are mostly still to validate
        a_valider = defaultdict(list)
        for ligne in lignes:
            if ligne.mois.year == self.aujourdhui.year and ligne.mois in recents:
                tirage = rng.random()
                if tirage < 0.8:
                    ligne.statut = Statut.DECLAREES
                elif tirage > 0.97:
                    ligne.statut = Statut.REJETEES
            else:
                a_valider[ligne.mois.year].append(ligne)
        # a few small rows rejected each year, so the validated totals stay on track
        for annee_lignes in a_valider.values():
            petites = [ligne for ligne in annee_lignes if ligne.heures <= 60]
            for ligne in rng.sample(petites, min(len(petites), round(TAUX_REJET * len(annee_lignes)))):
                ligne.statut = Statut.REJETEES
        for ligne in lignes:
            if ligne.statut == Statut.DECLAREES:
                continue
            ligne.valide_par = departement
            moment = datetime.combine(
                _fin_de_mois(ligne.mois) + timedelta(days=rng.randint(5, 35)),
                time(rng.randint(9, 17), rng.choice([0, 15, 30, 45])),
                tzinfo=fuseau,
            )
            ligne.valide_le = min(moment, borne)
            if ligne.statut == Statut.REJETEES:
                ligne.motif_rejet = rng.choice(MOTIFS_REJET)
        HeuresRealisees.objects.bulk_create(lignes, batch_size=500)
        self.compteurs["heures"] = len(lignes)

    def _creer_objectifs(self):
        objectifs = [Objectif(annee=annee, heures=OBJECTIF_ANNUEL) for annee in self.annees]
        population = Counter()
        for commune in self.communes:
            population[commune.epci_id] += commune.population or 0
        total = sum(population.values()) or 1
        for epci_id, habitants in population.most_common(4):
            heures = round(0.8 * OBJECTIF_ANNUEL * habitants / total, -2)
            if heures > 0:
                objectifs.append(Objectif(annee=self.annees[-1], epci_id=epci_id, heures=int(heures)))
        for objectif in objectifs:
            Objectif.objects.get_or_create(
                annee=objectif.annee, epci_id=objectif.epci_id, defaults={"heures": objectif.heures}
            )
        self.compteurs["objectifs"] = len(objectifs)

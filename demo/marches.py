"""The demo's contracts, from templates per kind of buyer: lots, their holder, and the insertion clauses."""

from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal

from demo.tirages import choix_pondere
from insertion.enums import BaseJuridique
from insertion.models import Clause
from marches.enums import NatureMarche, TypeAcheteur, TypeStructure
from marches.models import Lot, Marche
from portail.periodes import ajouter_mois, premier_jour

NB_MARCHES = 120

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


@dataclass(eq=False)
class PlanClause:
    """A calibrated clause and its hours: aimed at (cible), worked (realise), planned ahead (engage)."""

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


def _a_commune(nom):
    for article, forme in (("Les ", "aux "), ("Le ", "au ")):
        if nom.startswith(article):
            return f"{forme}{nom[len(article) :]}"
    return f"à {nom}"


def _commune_au_hasard(rng, communes):
    return choix_pondere(rng, communes, [(c.population or 100) ** 0.7 for c in communes])


def creer_marches(generateur, *, acheteurs, entreprises):
    """The contracts, their lots and clauses; returns the plan of hours of each calibrated clause."""
    rng = generateur.rng
    par_type = defaultdict(list)
    for acheteur, type_acheteur, epci, commune in acheteurs:
        par_type[type_acheteur].append((acheteur, epci, commune))
    departement = par_type[TypeAcheteur.DEPARTEMENT][0]
    bailleur = par_type[TypeAcheteur.BAILLEUR][0]
    population_epci = Counter()
    for commune in generateur.communes:
        population_epci[commune.epci_id] += commune.population or 0

    fin_fenetre = generateur.aujourdhui + timedelta(days=30)
    marches, lots, clauses, plans = [], [], [], []
    numeros = Counter()
    for i in range(NB_MARCHES):
        epcis_acheteurs = par_type[TypeAcheteur.EPCI]
        if i < len(epcis_acheteurs):
            # every EPCI buys at least once
            categorie = TypeAcheteur.EPCI
            acheteur, epci, _ = epcis_acheteurs[i]
        else:
            categorie = choix_pondere(
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
            commune = _commune_au_hasard(rng, generateur.communes)
            epci = generateur.epci_par_id[commune.epci_id]
        elif categorie == TypeAcheteur.EPCI:
            if i >= len(epcis_acheteurs):
                acheteur, epci, _ = choix_pondere(
                    rng, epcis_acheteurs, [population_epci[e.pk] ** 0.5 for _, e, _ in epcis_acheteurs]
                )
            commune = _commune_au_hasard(rng, generateur.communes_par_epci[epci.pk])
        elif categorie == TypeAcheteur.COMMUNE:
            candidats = par_type[TypeAcheteur.COMMUNE]
            acheteur, epci, commune = choix_pondere(
                rng, candidats, [(c.population or 100) ** 0.5 for _, _, c in candidats]
            )
        else:
            acheteur, epci, _ = bailleur
            commune = _commune_au_hasard(rng, generateur.communes_par_epci[epci.pk])

        gabarits = GABARITS[categorie]
        poids = [1 if g.nature == NatureMarche.FOURNITURES else 4 for g in gabarits]
        gabarit = choix_pondere(rng, gabarits, poids)

        # starts: a first wave early in the window, then spread up to next month
        if rng.random() < 0.15:
            date_debut = generateur.debut + timedelta(days=rng.randint(10, 60))
        else:
            date_debut = generateur.debut + timedelta(
                days=rng.randint(10, (fin_fenetre - generateur.debut).days)
            )
        date_notification = date_debut - timedelta(days=rng.randint(10, 60))
        if date_notification < generateur.debut:
            date_notification = generateur.debut + timedelta(days=rng.randint(1, 5))
            date_debut = max(date_debut, date_notification + timedelta(days=7))
        if date_notification > generateur.aujourdhui:
            date_notification = generateur.aujourdhui - timedelta(days=rng.randint(0, 20))
        duree = rng.randint(*gabarit.duree)
        date_fin = premier_jour(ajouter_mois(date_debut, duree)) + timedelta(days=date_debut.day - 2)
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
                    entreprises[(TypeStructure.ACI, "services")] + entreprises[(TypeStructure.EI, "services")]
                )
            elif gabarit.secteur == "btp":
                titulaire = rng.choice(
                    entreprises[(TypeStructure.ENTREPRISE, "btp")] * 6
                    + entreprises[(TypeStructure.EI, "btp")]
                )
            else:
                titulaire = rng.choice(
                    entreprises[(TypeStructure.ENTREPRISE, "services")] * 4
                    + entreprises[(TypeStructure.EI, "services")]
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
                PlanClause(
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
    generateur.compteurs.update(
        marches=len(marches), lots=len(lots), clauses=len(clauses), clauses_a_calibrer=len(recents)
    )
    return plans

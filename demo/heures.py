"""The demo's hours rows, declared, validated or rejected, and the yearly targets."""

from collections import Counter, defaultdict
from datetime import datetime, time, timedelta
from decimal import Decimal

from django.db.models import Sum
from django.utils import timezone

from comptes.enums import Role
from insertion.enums import Statut
from insertion.models import HeuresRealisees, Objectif
from portail.periodes import ajouter_mois, dernier_jour

OBJECTIF_ANNUEL = 10_000
TAUX_REJET = 0.025  # share of rows rejected, picked among the small ones

MOTIFS_REJET = [
    "Personne non éligible à la date des heures travaillées.",
    "Heures déjà déclarées sur un autre marché pour le même mois.",
    "Relevé d'heures de l'employeur manquant.",
    "Erreur de saisie : heures supérieures au relevé de l'employeur.",
]


def creer_heures(generateur, *, parcours, personnes):
    """One row per parcours and month; the recent ones still to validate, a few small ones rejected."""
    rng = generateur.rng
    departement = generateur.comptes["departement"]
    saisie = {c.epci_id: c for c in generateur.comptes.values() if c.role == Role.EPCI}
    fuseau = timezone.get_current_timezone()
    borne = datetime.combine(generateur.aujourdhui - timedelta(days=1), time(18, 0), tzinfo=fuseau)
    recents = {generateur.dernier_mois, ajouter_mois(generateur.dernier_mois, -1)}
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
        if ligne.mois.year == generateur.aujourdhui.year and ligne.mois in recents:
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
            dernier_jour(ligne.mois) + timedelta(days=rng.randint(5, 35)),
            time(rng.randint(9, 17), rng.choice([0, 15, 30, 45])),
            tzinfo=fuseau,
        )
        ligne.valide_le = min(moment, borne)
        if ligne.statut == Statut.REJETEES:
            ligne.motif_rejet = rng.choice(MOTIFS_REJET)
    HeuresRealisees.objects.bulk_create(lignes, batch_size=500)
    generateur.compteurs["heures"] = len(lignes)


def creer_objectifs(generateur):
    objectifs = [Objectif(annee=annee, heures=OBJECTIF_ANNUEL) for annee in generateur.annees]
    population = Counter()
    for commune in generateur.communes:
        population[commune.epci_id] += commune.population or 0
    total = sum(population.values()) or 1
    for epci_id, habitants in population.most_common(4):
        heures = round(0.8 * OBJECTIF_ANNUEL * habitants / total, -2)
        if heures > 0:
            objectifs.append(Objectif(annee=generateur.annees[-1], epci_id=epci_id, heures=int(heures)))
    for objectif in objectifs:
        Objectif.objects.get_or_create(
            annee=objectif.annee, epci_id=objectif.epci_id, defaults={"heures": objectif.heures}
        )
    generateur.compteurs["objectifs"] = len(objectifs)


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

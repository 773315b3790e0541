"""Demo data for `load_demo`: fictitious contracts, people and hours on top of the real territories.

Everything is drawn from seeded generators, so two runs on the same day give the same data.
Demo rows are recognised by fixed identifiers (buyer and company SIRETs, people's public_id,
account usernames), which lets `--reset` remove them without touching anything else.
"""

import random
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from faker import Faker

from beneficiaires.models import Beneficiaire, Eligibilite, Sortie
from demo.beneficiaires import NB_BENEFICIAIRES, creer_beneficiaires, public_id
from demo.comptes import MOT_DE_PASSE_DEFAUT, Compte, creer_comptes, decrire_comptes, specs_comptes
from demo.heures import bilan_heures, creer_heures, creer_objectifs
from demo.marches import creer_marches
from demo.parcours import Planification
from demo.referentiel import (
    creer_acheteurs,
    creer_entreprises,
    specs_acheteurs,
    specs_entreprises,
    territoires,
)
from demo.suivi import completer_suivi
from demo.tirages import SEED
from insertion.models import Clause, ClotureAnnee, HeuresRealisees, Objectif
from marches.models import Acheteur, Entreprise, EvenementSuivi, Lot, Marche
from portail.periodes import ajouter_mois

User = get_user_model()


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
    epcis, communes = territoires()
    with transaction.atomic():
        deja_chargee = _marches_demo(_identifiants_demo(epcis=epcis, communes=communes)).exists()
        if deja_chargee and not reinitialiser:
            comptes = creer_comptes(epcis=epcis, mot_de_passe=mot_de_passe)
            return ResultatDemo(deja_chargee=True, comptes=decrire_comptes(comptes))
        if deja_chargee or reinitialiser:
            supprimer_demo(aujourdhui=aujourdhui)
        else:
            _supprimer_donnees(epcis=epcis, communes=communes)  # leftovers of an interrupted demo, if any
        comptes = creer_comptes(epcis=epcis, mot_de_passe=mot_de_passe)
        generateur = Generateur(aujourdhui=aujourdhui, epcis=epcis, communes=communes, comptes=comptes)
        generateur.generer()
        return ResultatDemo(
            deja_chargee=False,
            comptes=decrire_comptes(comptes),
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
    epcis, communes = territoires()
    annees = _supprimer_donnees(epcis=epcis, communes=communes) | set(
        _annees(aujourdhui or timezone.localdate())
    )
    Objectif.objects.filter(annee__in=annees).delete()
    ClotureAnnee.objects.filter(annee__in=annees).delete()
    ClotureAnnee.history.filter(annee__in=annees).delete()
    User.objects.filter(username__in=_identifiants_demo(epcis=epcis, communes=communes)["comptes"]).delete()


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
    entreprises = Entreprise.objects.filter(
        siret__in=ids["entreprises"], lots__isnull=True, heures__isnull=True
    )
    entreprises_supprimees = list(entreprises.values_list("pk", flat=True))
    entreprises.delete()
    # deletions leave a "-" record in the history: drop the deleted rows' history altogether
    HeuresRealisees.history.filter(heures).delete()
    Sortie.history.filter(beneficiaire__in=beneficiaires).delete()
    Beneficiaire.history.filter(id__in=beneficiaires).delete()
    Eligibilite.history.filter(beneficiaire__in=beneficiaires).delete()
    EvenementSuivi.history.filter(marche__in=marches).delete()
    Entreprise.history.filter(id__in=entreprises_supprimees).delete()
    Clause.history.filter(lot__in=lots).delete()
    Lot.history.filter(marche__in=marches).delete()
    Marche.history.filter(id__in=marches).delete()
    return annees


# --- identifiers of the demo's rows -----------------------------------------------------------------


def _annees(aujourdhui):
    return [aujourdhui.year - 2, aujourdhui.year - 1, aujourdhui.year]


def _identifiants_demo(*, epcis, communes):
    return {
        "acheteurs": [s[0] for s in specs_acheteurs(epcis=epcis, communes=communes)],
        "entreprises": [s[0] for s in specs_entreprises()],
        "beneficiaires": [public_id(i) for i in range(NB_BENEFICIAIRES)],
        "comptes": [s[0] for s in specs_comptes(epcis)],
    }


def _marches_demo(ids):
    """Contracts of a demo buyer held by a demo company (never a DECP-imported one)."""
    return Marche.objects.filter(
        acheteur__siret__in=ids["acheteurs"],
        lots__titulaire__siret__in=ids["entreprises"],
        decp_uid__isnull=True,
    ).distinct()


# --- generation ------------------------------------------------------------------------------------


class Generateur:
    """What one generation shares: the date window, the territories, the accounts, the seeded draws, the
    counts. Each step (demo.referentiel, marches, parcours, beneficiaires, heures) gets it as `generateur`."""

    def __init__(self, *, aujourdhui, epcis, communes, comptes):
        self.aujourdhui = aujourdhui
        self.annees = _annees(aujourdhui)
        self.debut = date(self.annees[0], 1, 1)
        self.dernier_mois = ajouter_mois(aujourdhui.replace(day=1), -1)
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
        acheteurs = creer_acheteurs(self)
        entreprises = creer_entreprises(self)
        plans = creer_marches(self, acheteurs=acheteurs, entreprises=entreprises)
        planification = Planification(self, entreprises=entreprises)
        parcours = planification.planifier(plans)
        personnes = creer_beneficiaires(self, parcours=parcours, planification=planification)
        creer_heures(self, parcours=parcours, personnes=personnes)
        creer_objectifs(self)
        completer_suivi(self)

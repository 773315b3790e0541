"""The people's parcours: month by month, who works on which clause, for which employer, how many hours.

The hours follow each year's seasonal budget; a person never works more than 160 hours a month.
"""

from collections import Counter, defaultdict
from dataclasses import dataclass

from demo.beneficiaires import NB_BENEFICIAIRES
from demo.marches import PlanClause
from demo.tirages import choix_pondere
from insertion.enums import BaseJuridique, Modalite, TypeContrat
from marches.enums import TypeStructure
from marches.models import Entreprise
from portail.periodes import ajouter_mois, ecart_mois, mois_entre

# Validated hours aimed at per year (past, previous, current pace): one year below target, one above.
RYTHME_VALIDE = (9_650, 10_300, 10_600)
MARGE_REJETS = 0.018  # hours share of the rejected rows (heures.TAUX_REJET), added to the budget
HEURES_MIN_LIGNE = 20
HEURES_MAX_LIGNE = 151
HEURES_MAX_MOIS_PERSONNE = 160
MAX_PERSONNES_PAR_CLAUSE = 4
# Monthly weight of the worked hours (August and December are quieter).
SAISONS = (0.85, 0.95, 1.05, 1.05, 1.0, 1.1, 1.0, 0.6, 1.1, 1.15, 1.1, 0.85)


@dataclass(eq=False)
class Parcours:
    """One person on one clause for consecutive months, with one employer and one modality."""

    personne: int
    plan: PlanClause
    employeur: Entreprise
    modalite: str
    type_contrat: str
    heures: dict  # month -> hours


class Planification:
    """Plans the parcours of one generation; keeps per person the monthly load, the EPCI worked in and the
    month they may start from, which the people's step reads."""

    def __init__(self, generateur, *, entreprises):
        self.rng = generateur.rng
        self.annees = generateur.annees
        self.debut = generateur.debut
        self.dernier_mois = generateur.dernier_mois
        self.entreprises = entreprises

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
            contrat = choix_pondere(
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
                type_structure = choix_pondere(rng, types, poids)
                plan.employeurs[modalite] = rng.choice(self.entreprises[type_structure])
            employeur = plan.employeurs[modalite]
            if modalite == Modalite.SOUS_TRAITANCE:
                return modalite, employeur, TypeContrat.CDDI
            if employeur.type_structure == TypeStructure.GEIQ:
                return modalite, employeur, TypeContrat.PROFESSIONNALISATION
            return modalite, employeur, TypeContrat.MISSION
        return Modalite.FORMATION, titulaire, TypeContrat.STAGE

    def planifier(self, plans):
        """Month by month, keeps each year's hours on a seasonal track towards its budget."""
        rng = self.rng
        mois_fenetre = list(mois_entre(self.debut, self.dernier_mois))
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
                    (max(p.cible - p.realise - p.engage, 0) / (ecart_mois(mois, p.mois_fin) + 1) + 3)
                    * (1 + effectif[(id(p), mois)])  # teams rather than lone workers
                    * (1 if p.anciens else 4)  # nobody yet: the facilitator pushes for a first hire
                    for p in ouverts
                ]
                plan = choix_pondere(rng, ouverts, poids)
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
        duree = choix_pondere(rng, [1, 2, 3, 4, 5, 6], [15, 25, 25, 15, 10, 10])
        modalite, employeur, type_contrat = self._modalite(plan)
        base = min(self._heures_de_base(modalite), max(HEURES_MIN_LIGNE, manque))
        # do not plan far beyond what the clause still needs
        reste = max(plan.cible - plan.realise - plan.engage, base)
        duree = max(1, min(duree, round(reste / base)))
        mois_list = list(mois_entre(mois, min(ajouter_mois(mois, duree - 1), plan.mois_fin)))
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
        return Parcours(
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


def _arrondi_demi(valeur):
    return round(valeur * 2) / 2

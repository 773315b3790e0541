"""Calibration of insertion clauses: the calculation and its explanation.

Reserved hours = montant HT du lot × part de main-d'œuvre × taux d'insertion ÷ coût horaire, rounded half-up
to the hour (`Clause.calculer_heures_reservees`). Contracts imported from the DECP open data carry no hours:
their clauses wait here, uncalibrated, until a facilitator of the Département calibrates them.
The write is `services.calibrer_clause`; every function takes keyword-only arguments.
"""

from dataclasses import dataclass
from decimal import Decimal

from insertion.models import Clause
from insertion.selectors import parametres_par_defaut
from marches.enums import NatureMarche
from portail.formats import ESPACE_INSECABLE, nombre
from portail.formats import heures as formater_heures

CHAMPS_ENTREES = ("part_main_oeuvre", "taux_insertion", "cout_horaire")


def _simplifier(valeur: Decimal | None) -> Decimal | None:
    """50.00 → 50 and 5.50 → 5.5, so that a form shows "50" and "5,5" rather than "50,00"."""
    if valeur is None:
        return None
    return valeur.quantize(Decimal(1)) if valeur == valeur.to_integral_value() else valeur.normalize()


@dataclass(frozen=True)
class Proposition:
    """What the calculator proposes for a clause before any input, and where it comes from."""

    initial: dict
    origine: str  # "clause", "defaut", "mixte" or "aucune"
    nature: str  # label of the contract's nature, for "valeurs par défaut pour un marché de travaux"

    def calcul(self, *, lot) -> "Calcul | None":
        """The calculation for the proposed values; None while an input is missing."""
        entrees = {champ: self.initial.get(champ) for champ in CHAMPS_ENTREES}
        if None in entrees.values():
            return None
        return calculer(lot=lot, heures_fixees=self.initial.get("heures_fixees"), **entrees)

    @property
    def libelle_origine(self) -> str:
        par_defaut = f"valeurs par défaut pour un marché de {self.nature}"
        return {
            "clause": "valeurs enregistrées sur la clause",
            "defaut": par_defaut,
            "mixte": f"valeurs enregistrées sur la clause, complétées par les {par_defaut}",
            "aucune": f"aucune valeur par défaut n'est définie pour un marché de {self.nature}",
        }[self.origine]


def valeurs_proposees(*, clause: Clause) -> Proposition:
    """The clause's stored inputs; missing ones from the defaults of the contract's nature.

    The reserved hours are proposed as "fixed by the contract" when they differ from what the stored
    inputs give (hours set by hand, or set without inputs).
    """
    nature = clause.lot.marche.nature
    stockees = {champ: getattr(clause, champ) for champ in CHAMPS_ENTREES}
    initial = {champ: _simplifier(valeur) for champ, valeur in stockees.items() if valeur is not None}
    if len(initial) == len(CHAMPS_ENTREES):
        origine = "clause"
    elif (defaut := parametres_par_defaut(nature=nature)) is not None:
        origine = "mixte" if initial else "defaut"
        for champ in CHAMPS_ENTREES:
            initial.setdefault(champ, _simplifier(getattr(defaut, champ)))
    else:
        origine = "aucune"
    if clause.heures_reservees is not None and clause.heures_reservees != clause.calculer_heures_reservees():
        initial["heures_fixees"] = _simplifier(clause.heures_reservees)
    return Proposition(initial=initial, origine=origine, nature=NatureMarche(nature).label)


# --- the calculation and its explanation -----------------------------------------------------------


def _montant(valeur: Decimal) -> str:
    """1 000 000 rather than 1 000 000,00; cents only when there are some."""
    return nombre(valeur, 0 if valeur == valeur.to_integral_value() else 2)


def _taux(valeur: Decimal) -> str:
    return nombre(valeur, 2, decimales_facultatives=True)


@dataclass(frozen=True)
class Calcul:
    montant_ht: Decimal
    part_main_oeuvre: Decimal
    taux_insertion: Decimal
    cout_horaire: Decimal
    heures_calculees: Decimal | None
    heures_fixees: Decimal | None = None

    @property
    def heures_reservees(self) -> Decimal | None:
        """What is stored on the clause: the hours fixed by the contract if any, else the calculation."""
        return self.heures_fixees if self.heures_fixees is not None else self.heures_calculees

    @property
    def fixees_a_la_main(self) -> bool:
        return self.heures_fixees is not None

    @property
    def detail(self) -> str:
        """ "1 000 000 € × 50 % × 5 % ÷ 30 €/h = 833 h" (no-break spaces before the units)."""
        s = ESPACE_INSECABLE
        return (
            f"{_montant(self.montant_ht)}{s}€ × {_taux(self.part_main_oeuvre)}{s}% × "
            f"{_taux(self.taux_insertion)}{s}% ÷ {_montant(self.cout_horaire)}{s}€/h = "
            f"{formater_heures(self.heures_calculees)}"
        )


def calculer(*, lot, part_main_oeuvre, taux_insertion, cout_horaire, heures_fixees=None) -> Calcul:
    """The calculation for these inputs, by the same rule as a saved clause (nothing is written)."""
    essai = Clause(
        lot=lot, part_main_oeuvre=part_main_oeuvre, taux_insertion=taux_insertion, cout_horaire=cout_horaire
    )
    return Calcul(
        montant_ht=lot.montant_ht,
        part_main_oeuvre=part_main_oeuvre,
        taux_insertion=taux_insertion,
        cout_horaire=cout_horaire,
        heures_calculees=essai.calculer_heures_reservees(),
        heures_fixees=heures_fixees,
    )

"""Projection of the year's counted hours at 31 December, and the reserved hours of a year.

Pure functions over per-contract aggregates (`requetes.contrats_de_l_annee`, one query, and
`requetes.taux_validation`, one more), so that the hand-computed tests need no database.

The method, for a day `jour` of the year:

- The last month is often declared late: a contract's **pace** is measured up to the end of the month before
  last (`fin_rythme`), as the hours achieved since its start (validated, plus declared ones × the validation
  rate) ÷ the hours due at that date (`regles.part_ecoulee`), clamped to [0, 1.5]. A contract not due
  anything yet (not started, or started last month) has pace 1.
- Its **expected hours** are the hours due from the first day of last month to 31 December (its reserved
  hours spread pro rata of days over its execution period) × its pace, minus the hours already recorded
  for those months (validated, and declared × the rate); never below zero. An ended contract has none left.
- **Declared** hours not yet validated count × the usual validation rate r: validated ÷ (validated +
  rejected) hours of the last twelve months worked, 1 without history.
- Central: V + D × r + Σ expected. Low: paces × 0.75 and r × 0.9. High: paces × 1.25 (capped at 1.5,
  never below the central pace) and every declared hour validated (r = 1).
  Every term grows with the pace and the rate, so that low ≤ central ≤ high always.
- The projected hours are split between hours worked and training hours as so far, then counted by
  `regles.heures_comptees`, which grows with both: the order holds for counted hours too.
"""

import datetime
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from insertion import regles

RYTHME_MAX = Decimal("1.5")
FACTEUR_BAS = Decimal("0.75")
FACTEUR_HAUT = Decimal("1.25")
FACTEUR_TAUX_BAS = Decimal("0.9")
UN = Decimal(1)
ZERO = Decimal(0)

METHODE = (
    "Projection au 31 décembre des heures comptées : aux heures validées s'ajoutent les heures déclarées, "
    "au taux de validation des douze derniers mois, puis, pour chaque marché en exécution, les heures qui lui "
    "restent dues jusqu'à la fin de l'année (heures réservées réparties sur sa période d'exécution), au rythme "
    "qu'il a tenu jusqu'à la fin de l'avant-dernier mois (le dernier mois est souvent déclaré en retard ; "
    "rythme 1 pour un marché qui vient de commencer). "
    "La fourchette basse retient 75\u00a0% de ces rythmes et 90\u00a0% du taux de validation, la haute 125\u00a0% des "
    "rythmes (au plus 1,5) et la validation de toutes les heures déclarées."
)


@dataclass(frozen=True)
class Contrat:
    """A clause of a contract in execution during the year, with its hours (any year for `*_avant`)."""

    heures_reservees: Decimal | None
    debut: datetime.date
    fin: datetime.date
    validees_avant: Decimal = ZERO  # validated, months up to `fin_rythme`, since the start
    declarees_avant: Decimal = ZERO  # declared and not validated yet, same months
    validees_reste: Decimal = ZERO  # validated, months from `debut_reste` to December
    declarees_reste: Decimal = ZERO


@dataclass(frozen=True)
class Projection:
    basse: Decimal
    centrale: Decimal
    haute: Decimal
    methode: str = METHODE


def fin_rythme(jour: datetime.date) -> datetime.date:
    """Last day of the month before last: the pace is measured up to it."""
    return debut_reste(jour) - datetime.timedelta(days=1)


def debut_reste(jour: datetime.date) -> datetime.date:
    """First day of last month: the expected hours run from it to 31 December."""
    if jour.month == 1:
        return datetime.date(jour.year - 1, 12, 1)
    return datetime.date(jour.year, jour.month - 1, 1)


def heures_reservees_annee(*, heures_reservees, debut: datetime.date, fin: datetime.date, annee: int):
    """A clause's reserved hours spread over its execution period pro rata of days: the share of `annee`
    (exact, not rounded); None for an uncalibrated clause."""
    if heures_reservees is None:
        return None
    avant = regles.part_ecoulee(debut=debut, fin=fin, jour=datetime.date(annee - 1, 12, 31))
    jusqu_a = regles.part_ecoulee(debut=debut, fin=fin, jour=datetime.date(annee, 12, 31))
    return Decimal(heures_reservees) * (jusqu_a - avant)


def rythme(contrat: Contrat, *, jour: datetime.date, taux: Decimal) -> Decimal:
    """Hours achieved ÷ hours due at `fin_rythme(jour)`, clamped to [0, 1.5]; 1 when nothing is due yet."""
    dues = Decimal(contrat.heures_reservees or 0) * regles.part_ecoulee(
        debut=contrat.debut, fin=contrat.fin, jour=fin_rythme(jour)
    )
    if dues <= 0:
        return UN
    realisees = contrat.validees_avant + contrat.declarees_avant * taux
    return min(max(realisees / dues, ZERO), RYTHME_MAX)


def dues_restantes(contrat: Contrat, *, jour: datetime.date) -> Decimal:
    """Hours due from the first day of last month (within the year) to 31 December."""
    if contrat.heures_reservees is None:
        return ZERO
    depuis = max(debut_reste(jour), datetime.date(jour.year, 1, 1))
    veille = depuis - datetime.timedelta(days=1)
    part = regles.part_ecoulee(
        debut=contrat.debut, fin=contrat.fin, jour=datetime.date(jour.year, 12, 31)
    ) - regles.part_ecoulee(debut=contrat.debut, fin=contrat.fin, jour=veille)
    return Decimal(contrat.heures_reservees) * part


def attendues(contrat: Contrat, *, jour: datetime.date, rythme_: Decimal, taux: Decimal) -> Decimal:
    """Hours still expected from the contract this year, beyond those already recorded."""
    deja = contrat.validees_reste + contrat.declarees_reste * taux
    return max(rythme_ * dues_restantes(contrat, jour=jour) - deja, ZERO)


def _arrondi(valeur: Decimal) -> Decimal:
    return valeur.quantize(UN, rounding=ROUND_HALF_UP)


def projeter(
    contrats: list[Contrat],
    *,
    jour: datetime.date,
    validees: Decimal,
    declarees: Decimal,
    formation: Decimal = ZERO,
    taux: Decimal = UN,
    parametres=None,
) -> Projection:
    """The band of counted hours at 31 December (to the hour). `validees`, `declarees`: the hours of the
    year in the scope; `formation`: the validated training hours among them; `taux`: the validation rate."""
    taux = min(max(Decimal(taux), ZERO), UN)
    validees, declarees, formation = Decimal(validees), Decimal(declarees), Decimal(formation)
    part_formation = formation / validees if validees > 0 else ZERO
    scenarios = {"basse": [], "centrale": [], "haute": []}
    taux_scenarios = {"basse": taux * FACTEUR_TAUX_BAS, "centrale": taux, "haute": UN}
    for contrat in contrats:
        observe = rythme(contrat, jour=jour, taux=taux)
        rythmes = {
            "basse": observe * FACTEUR_BAS,
            "centrale": observe,
            "haute": max(observe, min(observe * FACTEUR_HAUT, RYTHME_MAX)),
        }
        for nom, liste in scenarios.items():
            liste.append(attendues(contrat, jour=jour, rythme_=rythmes[nom], taux=taux_scenarios[nom]))
    resultats = {}
    for nom, liste in scenarios.items():
        futures = declarees * taux_scenarios[nom] + sum(liste, ZERO)
        resultats[nom] = _arrondi(
            regles.heures_comptees(
                travaillees=validees - formation + futures * (UN - part_formation),
                formation=formation + futures * part_formation,
                parametres=parametres,
            )
        )
    return Projection(**resultats)


def projection_applicable(*, annee: int, jour: datetime.date) -> bool:
    """Only the current year has a projection (a year over, or not begun, has none)."""
    return annee == jour.year

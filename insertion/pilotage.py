"""What to act on: contracts at risk and missing declarations, each rule and threshold defined once.

The /pilotage/ page, the home page's "À faire" and the notifications call these. Every function takes the day
(`jour`) it judges on, so that tests never depend on today's date.

- EN_RETARD: in execution on `jour` and hours achieved (validated + declared, rejected left out) below
  SEUIL_RETARD of the hours due at `jour` (regles.heures_dues), when some are due;
- FIN_PROCHE: ending within JOURS_FIN_PROCHE days (0 ≤ date_fin − jour ≤ 90) with reserved hours not yet achieved;
- SANS_DECLARATION: no row of hours (any status) for any of the MOIS_SANS_DECLARATION full months before the month
  of `jour` during which the contract was in execution (a contract started last month counts that month only);
- NON_CALIBREE: a clause without reserved hours on a contract in execution or not started.
A contract closed by the Département (cloture_le on or before `jour`) is never listed.
"""

import datetime
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Count, Exists, OuterRef, Q, Subquery
from django.utils import timezone

from insertion import regles
from insertion.enums import MotifRisque
from insertion.models import Clause, HeuresRealisees
from insertion.selectors import marches_avec_clause
from marches.models import Marche
from portail.formats import heures as formater_heures
from portail.formats import pourcentage
from portail.periodes import dernier_jour, libelle_mois, mois_precedent, premier_jour

# Behind pace: hours achieved below this share of the hours due at the date.
SEUIL_RETARD = Decimal("0.5")
# Ending soon: at most this many days between the day and the end of execution.
JOURS_FIN_PROCHE = 90
# No declaration: this many full months before the current one without any row of hours.
MOIS_SANS_DECLARATION = 2


@dataclass
class MarcheARisque:
    marche: Marche
    codes: list[str]
    motifs: list[str]
    heures_reservees: Decimal | None
    heures_dues: Decimal | None
    heures_validees: Decimal
    heures_declarees: Decimal
    mois_sans_declaration: list[datetime.date] = field(default_factory=list)

    @property
    def heures_realisees(self) -> Decimal:
        """Validated + declared (awaiting validation) hours; rejected ones do not count."""
        return self.heures_validees + self.heures_declarees

    @property
    def avancement(self) -> Decimal | None:
        """Hours achieved ÷ hours due at the date, in %; None when nothing is due (or not calibrated)."""
        if not self.heures_dues:
            return None
        return self.heures_realisees * 100 / self.heures_dues

    @property
    def avancement_tri(self) -> Decimal:
        """The pace as a sort key: a contract where nothing can be measured comes before the one most behind."""
        avancement = self.avancement
        return Decimal(-1) if avancement is None else avancement

    @property
    def epci(self):
        return self.marche.epci


@dataclass
class MarcheSansDeclaration:
    marche: Marche
    clauses: list[Clause]


@dataclass
class DeclarationsManquantes:
    """The contracts of one EPCI (None: contracts attached to no EPCI) with nothing declared for `mois`."""

    epci: object
    mois: datetime.date
    marches: list[MarcheSansDeclaration]


def mois_a_verifier(jour: datetime.date) -> list[datetime.date]:
    """The MOIS_SANS_DECLARATION full months before the month of `jour`, oldest first."""
    mois = [mois_precedent(premier_jour(jour))]
    while len(mois) < MOIS_SANS_DECLARATION:
        mois.insert(0, mois_precedent(mois[0]))
    return mois


def en_execution_pendant(*, debut: datetime.date, fin: datetime.date, mois: datetime.date) -> bool:
    return debut <= dernier_jour(mois) and fin >= mois


def _non_cloture(jour: datetime.date) -> Q:
    return Q(cloture_le__isnull=True) | Q(cloture_le__gt=jour)


def _declare_en(mois: datetime.date):
    return Exists(HeuresRealisees.objects.filter(clause__lot__marche=OuterRef("pk"), mois=mois))


def _marches_annotes(*, user, jour: datetime.date, mois: list[datetime.date]):
    """The contracts the rules judge, in one query: scoped, with a clause, not closed, not ended before the
    months checked; with their hours, uncalibrated clauses and whether each month has rows."""
    non_calibrees = (
        Clause.objects.filter(lot__marche=OuterRef("pk"), heures_reservees__isnull=True)
        .order_by()
        .values("lot__marche")
        .annotate(nombre=Count("pk"))
        .values("nombre")[:1]
    )
    return (
        marches_avec_clause(user=user, jour=jour)
        .filter(_non_cloture(jour), date_fin__gte=mois[0])
        .annotate(
            clauses_non_calibrees=Subquery(non_calibrees),
            **{f"declare_{i}": _declare_en(m) for i, m in enumerate(mois)},
        )
        .order_by("date_fin", "reference", "pk")
    )


def _motif_retard(*, realisees, dues) -> str:
    return (
        f"En retard : {formater_heures(realisees)} réalisées pour {formater_heures(dues)} dues à cette date "
        f"({pourcentage(realisees * 100 / dues)}, moins de {pourcentage(SEUIL_RETARD * 100, 0)})."
    )


def _motif_fin_proche(*, fin: datetime.date, jours: int, reste) -> str:
    quand = "aujourd'hui" if jours == 0 else f"dans {jours} jour{'s' if jours > 1 else ''}"
    return f"Se termine le {fin:%d/%m/%Y} ({quand}) avec {formater_heures(reste)} encore à réaliser."


def _motif_sans_declaration(mois: list[datetime.date]) -> str:
    return "Aucune heure déclarée pour " + " ni pour ".join(libelle_mois(m) for m in mois) + "."


def _motif_non_calibree(nombre: int) -> str:
    if nombre > 1:
        return f"{nombre} clauses non calibrées : leurs heures réservées sont à fixer."
    return "Clause non calibrée : les heures réservées sont à fixer."


def evaluer(marche, *, jour: datetime.date, mois: list[datetime.date]) -> MarcheARisque:
    """Every rule on one annotated contract (see `_marches_annotes`); `codes` is empty when none applies."""
    debut, fin = marche.date_debut, marche.date_fin
    reservees = marche.heures_reservees
    validees, declarees = marche.heures_validees or Decimal(0), marche.heures_declarees or Decimal(0)
    realisees = validees + declarees
    dues = regles.heures_dues(heures_reservees=reservees, debut=debut, fin=fin, jour=jour)
    ligne = MarcheARisque(
        marche=marche,
        codes=[],
        motifs=[],
        heures_reservees=reservees,
        heures_dues=dues,
        heures_validees=validees,
        heures_declarees=declarees,
    )

    def ajouter(code, motif):
        ligne.codes.append(code)
        ligne.motifs.append(motif)

    en_execution = debut <= jour <= fin
    if en_execution and dues and realisees < dues * SEUIL_RETARD:
        ajouter(MotifRisque.EN_RETARD, _motif_retard(realisees=realisees, dues=dues))
    jours_restants = (fin - jour).days
    if reservees is not None and 0 <= jours_restants <= JOURS_FIN_PROCHE and reservees - realisees > 0:
        ajouter(
            MotifRisque.FIN_PROCHE,
            _motif_fin_proche(fin=fin, jours=jours_restants, reste=reservees - realisees),
        )
    verifies = [m for m in mois if en_execution_pendant(debut=debut, fin=fin, mois=m)]
    declares = {m for i, m in enumerate(mois) if getattr(marche, f"declare_{i}")}
    if verifies and not declares.intersection(verifies):
        ligne.mois_sans_declaration = verifies
        ajouter(MotifRisque.SANS_DECLARATION, _motif_sans_declaration(verifies))
    if marche.clauses_non_calibrees and jour <= fin:
        ajouter(MotifRisque.NON_CALIBREE, _motif_non_calibree(marche.clauses_non_calibrees))
    return ligne


def marches_a_risque(*, user, jour: datetime.date | None = None) -> list[MarcheARisque]:
    """The contracts in the user's scope that at least one rule lists on `jour` (today by default), by end date.

    One query whatever the number of contracts."""
    jour = jour or timezone.localdate()
    mois = mois_a_verifier(jour)
    lignes = (
        evaluer(marche, jour=jour, mois=mois) for marche in _marches_annotes(user=user, jour=jour, mois=mois)
    )
    return [ligne for ligne in lignes if ligne.codes]


def mois_dernier(jour: datetime.date | None = None) -> datetime.date:
    """The last full month before `jour` (today by default): the month the clerks should have declared."""
    return mois_precedent(premier_jour(jour or timezone.localdate()))


def marches_sans_declaration(*, user, mois: datetime.date, jour: datetime.date | None = None):
    """Contracts in the user's scope with a clause, in execution during `mois`, not closed on `jour`, with no row
    of hours (any status) for `mois`: a queryset, so that callers may count it in one query."""
    jour = jour or timezone.localdate()
    mois = premier_jour(mois)
    return (
        marches_avec_clause(user=user, jour=jour)
        .filter(_non_cloture(jour), date_debut__lte=dernier_jour(mois), date_fin__gte=mois)
        .exclude(_declare_en(mois))
        .order_by("epci__nom", "date_fin", "reference", "pk")
    )


def declarations_manquantes(
    *, user, mois: datetime.date | None = None, jour: datetime.date | None = None
) -> list[DeclarationsManquantes]:
    """Per EPCI (by name), the contracts in execution during `mois` (default: the month before `jour`) with no
    hours declared for it, each with its clauses (the grids to open). Two queries."""
    jour = jour or timezone.localdate()
    mois = premier_jour(mois) if mois else mois_dernier(jour)
    marches = list(marches_sans_declaration(user=user, mois=mois, jour=jour))
    clauses: dict[int, list[Clause]] = {}
    for clause in (
        Clause.objects.filter(lot__marche__in=[m.pk for m in marches])
        .select_related("lot")
        .order_by("lot__numero", "pk")
    ):
        clauses.setdefault(clause.lot.marche_id, []).append(clause)
    groupes: dict[object, DeclarationsManquantes] = {}
    for marche in marches:
        groupe = groupes.setdefault(
            marche.epci_id, DeclarationsManquantes(epci=marche.epci, mois=mois, marches=[])
        )
        groupe.marches.append(MarcheSansDeclaration(marche=marche, clauses=clauses.get(marche.pk, [])))
    return list(groupes.values())

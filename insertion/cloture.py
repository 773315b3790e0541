"""Yearly closing: the Département freezes a year's hours at a date; the year's bilan becomes final.

The rule "the hours of a closed year do not change" lives here, once: every write on hours (grid, statement
import, validation, rejection, deletion, merges of people and of employers) asks `erreur_annees_cloturees`
or `messages_annees_cloturees` before writing. The closing and reopening services and the page's reads are here
too, with their history (who, when, why).
"""

import datetime
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal

from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.db.models import Count, DecimalField, Q, Sum, Value
from django.db.models.functions import Coalesce, ExtractYear
from django.utils import timezone

from insertion import regles
from insertion.enums import Statut
from insertion.models import Clause, ClotureAnnee, HeuresRealisees

RAISON_CLOTURE = "Clôture de l'année"
RAISON_REOUVERTURE = "Réouverture de l'année"


class ClotureImpossible(Exception):
    """A closing or reopening refused, with its French message."""

    def __init__(self, message: str, *, confirmation_requise: bool = False):
        super().__init__(message)
        self.message = message
        # True when the only problem is lines still declared, which a confirmation accepts.
        self.confirmation_requise = confirmation_requise


# --- the rule ----------------------------------------------------------------------------------------


def annees_cloturees(annees: Iterable[int]) -> dict[int, datetime.date]:
    """The closed years among `annees`, with their closing date (one query, none for no year)."""
    annees = set(annees)
    if not annees:
        return {}
    return dict(
        ClotureAnnee.objects.filter(annee__in=annees, date_cloture__isnull=False).values_list(
            "annee", "date_cloture"
        )
    )


def messages_annees_cloturees(annees: Iterable[int]) -> dict[int, str]:
    """The refusal message of each closed year among `annees`."""
    return {
        annee: regles.message_annee_cloturee(annee=annee, date_cloture=date)
        for annee, date in annees_cloturees(annees).items()
    }


def erreur_annees_cloturees(annees: Iterable[int]) -> str | None:
    """The refusal for the first closed year among `annees`, or None when they are all open."""
    messages = messages_annees_cloturees(annees)
    return messages[min(messages)] if messages else None


def refus_des_annees_cloturees(
    *, mois_des_lignes: list[datetime.date], mois_supprimes: list[datetime.date]
) -> list[tuple[int | None, str]]:
    """(index of the line, message) for each line in a closed year; (None, message) for each closed year of the
    rows to delete."""
    cloturees = messages_annees_cloturees(
        {m.year for m in mois_des_lignes} | {m.year for m in mois_supprimes}
    )
    refus = [(index, cloturees[m.year]) for index, m in enumerate(mois_des_lignes) if m.year in cloturees]
    refus += [(None, cloturees[annee]) for annee in sorted({m.year for m in mois_supprimes} & set(cloturees))]
    return refus


def cloture_de(annee: int) -> ClotureAnnee | None:
    """The year's closing, or None while it is open (never closed, or reopened)."""
    return ClotureAnnee.objects.filter(annee=annee, date_cloture__isnull=False).first()


# --- the page of years (Département staff) ---------------------------------------------------------


@dataclass
class EtatAnnee:
    annee: int
    lignes: int = 0
    lignes_declarees: int = 0
    heures_declarees: Decimal = Decimal(0)
    heures_validees: Decimal = Decimal(0)
    cloture: ClotureAnnee | None = None
    # History records of the year's closings and reopenings, oldest first.
    historique: list = field(default_factory=list)

    @property
    def cloturee(self) -> bool:
        return self.cloture is not None and self.cloture.cloturee

    @property
    def terminee(self) -> bool:
        return self.annee < timezone.localdate().year

    @property
    def avertissement(self) -> str | None:
        return regles.avertissement_lignes_declarees(
            annee=self.annee, lignes=self.lignes_declarees, heures=self.heures_declarees
        )


def _verifier_departement(user) -> None:
    if not (user.is_authenticated and user.voit_tout):
        raise PermissionDenied("Seul le Département clôture et rouvre les années.")


def etats_des_annees(*, user) -> list[EtatAnnee]:
    """Every year with hours or a closing, most recent first, with its counts and history (three queries)."""
    _verifier_departement(user)
    zero = Value(Decimal(0), output_field=DecimalField(max_digits=14, decimal_places=2))
    comptes = (
        HeuresRealisees.objects.order_by()
        .annotate(annee=ExtractYear("mois"))
        .values("annee")
        .annotate(
            lignes=Count("pk"),
            lignes_declarees=Count("pk", filter=Q(statut=Statut.DECLAREES)),
            heures_declarees=Coalesce(Sum("heures", filter=Q(statut=Statut.DECLAREES)), zero),
            heures_validees=Coalesce(Sum("heures", filter=Q(statut=Statut.VALIDEES)), zero),
        )
    )
    etats = {ligne["annee"]: EtatAnnee(**ligne) for ligne in comptes}
    for cloture in ClotureAnnee.objects.select_related("cloture_par"):
        etats.setdefault(cloture.annee, EtatAnnee(annee=cloture.annee)).cloture = cloture
    # The history of every year in one query (the history rows carry the year).
    for etape in ClotureAnnee.history.select_related("history_user").order_by("history_date", "history_id"):
        if etape.annee in etats:
            etats[etape.annee].historique.append(etape)
    return [etats[annee] for annee in sorted(etats, reverse=True)]


# --- closing and reopening -------------------------------------------------------------------------


def cloturer_annee(*, user, annee: int, date_cloture: datetime.date | None, confirmer: bool = False):
    """Closes `annee` at `date_cloture` (after the year's end, not after today). Refused when already closed;
    when lines are still declared, refused unless `confirmer` (ClotureImpossible.confirmation_requise)."""
    _verifier_departement(user)
    if erreur := regles.erreur_date_cloture(
        annee=annee, date_cloture=date_cloture, aujourd_hui=timezone.localdate()
    ):
        raise ClotureImpossible(erreur)
    try:
        with transaction.atomic():
            cloture = ClotureAnnee.objects.select_for_update().filter(annee=annee).first()
            if cloture is not None and cloture.cloturee:
                raise ClotureImpossible(
                    f"L'année {annee} est déjà clôturée depuis le {cloture.date_cloture:%d/%m/%Y}."
                )
            # Entries (which lock their clauses first) and validations (which lock their rows) under way are
            # waited for; those that follow see the closing and are refused.
            list(Clause.objects.select_for_update().order_by("pk").values_list("pk"))
            list(
                HeuresRealisees.objects.select_for_update()
                .filter(mois__year=annee)
                .order_by("pk")
                .values_list("pk")
            )
            declarees = HeuresRealisees.objects.filter(mois__year=annee, statut=Statut.DECLAREES).aggregate(
                lignes=Count("pk"), heures=Sum("heures")
            )
            avertissement = regles.avertissement_lignes_declarees(
                annee=annee, lignes=declarees["lignes"], heures=declarees["heures"] or Decimal(0)
            )
            if avertissement and not confirmer:
                raise ClotureImpossible(avertissement, confirmation_requise=True)
            cloture = cloture or ClotureAnnee(annee=annee)
            cloture.date_cloture = date_cloture
            cloture.cloture_par = user
            cloture.motif_reouverture = ""
            cloture._history_user = user
            cloture._change_reason = f"{RAISON_CLOTURE} au {date_cloture:%d/%m/%Y}"
            cloture.save()
    except IntegrityError as erreur:  # closed by someone else at the same moment
        raise ClotureImpossible(f"L'année {annee} vient d'être clôturée par quelqu'un d'autre.") from erreur
    return cloture


def rouvrir_annee(*, user, annee: int, motif: str) -> ClotureAnnee:
    """Reopens a closed year, for a reason kept in its history: its hours may change again."""
    _verifier_departement(user)
    motif = (motif or "").strip()
    if not motif:
        raise ClotureImpossible(regles.MESSAGE_MOTIF_REOUVERTURE)
    with transaction.atomic():
        cloture = ClotureAnnee.objects.select_for_update().filter(annee=annee).first()
        if cloture is None or not cloture.cloturee:
            raise ClotureImpossible(f"L'année {annee} n'est pas clôturée : il n'y a rien à rouvrir.")
        cloture.date_cloture = None
        cloture.motif_reouverture = motif
        cloture._history_user = user
        cloture._change_reason = RAISON_REOUVERTURE
        cloture.save()
    return cloture

"""Reads of a person's parcours for their file: hours summed by contract and by employer, first and last month
worked, status. Each sum is one grouped query over the rows the user may see (`selectors.heures_du_beneficiaire`),
whatever the number of rows."""

import datetime
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import F, Max, Min, Q, Sum
from django.db.models.functions import Coalesce

from beneficiaires import regles
from beneficiaires.enums import CodePublic
from beneficiaires.models import Sortie
from insertion.enums import Statut
from insertion.selectors import ZERO
from portail.periodes import libelle_mois, mois_precedent

COMPTEES = ~Q(statut=Statut.REJETEES)


def _sommes():
    return {
        "validees": Coalesce(Sum("heures", filter=Q(statut=Statut.VALIDEES)), ZERO),
        "declarees": Coalesce(Sum("heures", filter=Q(statut=Statut.DECLAREES)), ZERO),
    }


def heures_par_marche(*, heures) -> list[dict]:
    """Validated and declared hours of the person by contract (buyer, reference, object), with its months."""
    return list(
        heures.order_by()
        .values(
            marche_pk=F("clause__lot__marche"),
            acheteur=F("clause__lot__marche__acheteur__nom"),
            reference=F("clause__lot__marche__reference"),
            objet=F("clause__lot__marche__objet"),
        )
        .annotate(
            **_sommes(),
            premier_mois=Min("mois", filter=COMPTEES),
            dernier_mois=Max("mois", filter=COMPTEES),
        )
        .order_by("acheteur", "reference", "marche_pk")
    )


def heures_par_employeur(*, heures) -> list[dict]:
    """Validated and declared hours of the person by employer."""
    return list(
        heures.order_by()
        .values(
            employeur_pk=F("employeur"),
            raison_sociale=F("employeur__raison_sociale"),
            siret=F("employeur__siret"),
        )
        .annotate(**_sommes())
        .order_by("raison_sociale", "employeur_pk")
    )


@dataclass(frozen=True)
class PublicCalcule:
    """An age-based public, computed from the birth date at the month worked."""

    libelle: str
    precision: str  # "jusqu'en mars 2027", "depuis juin 2026"


@dataclass(frozen=True)
class BilanParcours:
    premier_mois: datetime.date | None
    dernier_mois: datetime.date | None
    derniere_sortie: Sortie | None
    par_marche: list[dict]
    par_employeur: list[dict]

    @property
    def sorti(self) -> bool:
        """Out of the scheme: an outcome is recorded, dated in or after the last month worked (hours worked
        after an outcome start a new parcours)."""
        if self.derniere_sortie is None:
            return False
        return self.dernier_mois is None or self.derniere_sortie.date >= self.dernier_mois

    @property
    def total_validees(self) -> Decimal:
        return sum((ligne["validees"] for ligne in self.par_marche), Decimal(0))

    @property
    def total_declarees(self) -> Decimal:
        return sum((ligne["declarees"] for ligne in self.par_marche), Decimal(0))


def parcours(*, heures, sorties=None) -> BilanParcours:
    """The person's parcours from their visible hour rows (three queries) and their outcomes (newest first;
    None when the user may not see them)."""
    mois = heures.order_by().aggregate(
        premier=Min("mois", filter=COMPTEES), dernier=Max("mois", filter=COMPTEES)
    )
    derniere_sortie = sorties[0] if sorties else None
    return BilanParcours(
        premier_mois=mois["premier"],
        dernier_mois=mois["dernier"],
        derniere_sortie=derniere_sortie,
        par_marche=heures_par_marche(heures=heures),
        par_employeur=heures_par_employeur(heures=heures),
    )


def publics_calcules(
    *, beneficiaire, parcours: BilanParcours, aujourd_hui: datetime.date
) -> list[PublicCalcule]:
    """The age-based publics of the person over their months worked (this month when they have none). None for
    an anonymised person: their birth date keeps its year alone (their periods were frozen at anonymisation)."""
    if beneficiaire.est_anonymise:
        return []
    naissance = beneficiaire.date_naissance
    debut = parcours.premier_mois or aujourd_hui.replace(day=1)
    fin = parcours.dernier_mois or aujourd_hui.replace(day=1)
    publics = []
    if regles.age_au_mois(naissance, debut) < regles.AGE_JEUNE_MAX:
        mois_26 = regles.premier_mois_a_l_age(naissance, regles.AGE_JEUNE_MAX)
        publics.append(
            PublicCalcule(
                libelle=CodePublic.JEUNE.label,
                precision=f"jusqu'en {libelle_mois(mois_precedent(mois_26))}",
            )
        )
    if regles.age_au_mois(naissance, fin) >= regles.AGE_SENIOR_MIN:
        mois_50 = regles.premier_mois_a_l_age(naissance, regles.AGE_SENIOR_MIN)
        publics.append(
            PublicCalcule(libelle=CodePublic.SENIOR.label, precision=f"depuis {libelle_mois(mois_50)}")
        )
    return publics

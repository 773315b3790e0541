"""The aggregate queries behind the dashboard and the yearly bilan: the database sums, one query per breakdown.

Hours count toward the year of the month they were worked in. Validated hours are achieved; declared ones are
shown apart; rejected ones count nowhere. A person counts as BRSA for a month when a BRSA eligibility period
overlaps that month; as jeune (under 26) or senior (50 and over) when their age on the first day of that month
says so (`public_ce_mois`). Rows come back as plain values; `chiffres` turns them into typed figures.
"""

import datetime
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import (
    BooleanField,
    Count,
    DecimalField,
    Exists,
    ExpressionWrapper,
    F,
    OuterRef,
    Q,
    Subquery,
    Sum,
    Value,
)
from django.db.models.functions import Coalesce, ExtractDay, ExtractMonth, ExtractYear, TruncMonth
from django.db.models.lookups import LessThanOrEqual
from django.utils import timezone

from beneficiaires import regles
from beneficiaires.enums import CodePublic
from beneficiaires.models import Beneficiaire, Eligibilite, Public, Sortie
from insertion.enums import Modalite, Statut
from insertion.models import Clause, HeuresRealisees, Objectif
from marches.models import Marche
from territoires.models import Epci

ZERO = Value(Decimal(0), output_field=DecimalField(max_digits=14, decimal_places=2))
SANS_EPCI = "Sans EPCI de rattachement"
TRANCHES_AGE = ("moins de 26 ans", "26 à 49 ans", "50 ans et plus")


@dataclass(frozen=True)
class Perimetre:
    """What a dashboard covers: a year, and the whole Département or one EPCI."""

    annee: int
    epci: Epci | None = None

    @property
    def debut(self):
        return datetime.date(self.annee, 1, 1)

    @property
    def fin(self):
        return datetime.date(self.annee, 12, 31)


def perimetre_pour(*, user, annee: int, epci: Epci | None) -> Perimetre:
    """EPCI clerks and EPCI readers are locked to their EPCI, whatever they ask."""
    if user.epci_impose_id:
        return Perimetre(annee=annee, epci=user.epci)
    return Perimetre(annee=annee, epci=epci)


def _date_en_nombre(champ: str):
    """A date as the integer YYYYMMDD: ages compared in SQL the same way on SQLite and PostgreSQL."""
    return ExtractYear(champ) * 10000 + ExtractMonth(champ) * 100 + ExtractDay(champ)


def _age_au_mois_atteint(age_vise: int):
    """The row's person has reached `age_vise` at the month worked (`regles.age_au_mois`: on its first day,
    `mois` being that first day): born on or before the same day `age_vise` years earlier."""
    return LessThanOrEqual(
        _date_en_nombre("beneficiaire__date_naissance") + age_vise * 10000, _date_en_nombre("mois")
    )


def public_ce_mois(code):
    """The row's person belongs to that public in the row's month.

    A ticked public: a period of it overlapping the month (Exists() over the row's person and month). An
    age-based public (jeune, senior) is computed from the birth date at the month worked
    (`beneficiaires.regles.age_au_mois`), whatever Eligibilite rows say; only an anonymised person, whose
    birth date keeps its year alone, is counted from the periods frozen at anonymisation
    (`beneficiaires.retention`).
    """
    periode = Exists(
        Eligibilite.objects.annotate(mois_debut=TruncMonth("date_debut")).filter(
            Q(date_fin__isnull=True) | Q(date_fin__gte=OuterRef("mois")),
            beneficiaire_id=OuterRef("beneficiaire_id"),
            public__code=code,
            mois_debut__lte=OuterRef("mois"),
        )
    )
    if code not in regles.PUBLICS_D_AGE:
        return periode
    if code == CodePublic.JEUNE:
        selon_l_age = ~Q(_age_au_mois_atteint(regles.AGE_JEUNE_MAX))
    else:
        selon_l_age = Q(_age_au_mois_atteint(regles.AGE_SENIOR_MIN))
    anonymisee = Q(beneficiaire__anonymise_le__isnull=False)
    return ExpressionWrapper(
        (~anonymisee & selon_l_age) | (anonymisee & Q(periode)), output_field=BooleanField()
    )


def _heures(user):
    """The rows a user's figures come from; `user=None`: the whole Département (the statistical secret
    compares every scope a reader may open with the Département's figures)."""
    return HeuresRealisees.objects.all() if user is None else HeuresRealisees.objects.for_user(user)


def heures_du_perimetre(*, user, perimetre: Perimetre):
    rangees = _heures(user).filter(mois__year=perimetre.annee)
    if perimetre.epci is not None:
        rangees = rangees.filter(clause__lot__marche__epci=perimetre.epci)
    return rangees


def marches_du_perimetre(*, user, perimetre: Perimetre):
    """Contracts with a clause, in execution during the year."""
    marches = (Marche.objects.all() if user is None else Marche.objects.for_user(user)).filter(
        date_debut__lte=perimetre.fin, date_fin__gte=perimetre.debut
    )
    if perimetre.epci is not None:
        marches = marches.filter(epci=perimetre.epci)
    return marches.filter(Exists(Clause.objects.filter(lot__marche=OuterRef("pk"))))


def _somme(statut=None, **filtre):
    condition = Q(**filtre)
    if statut is not None:
        condition &= Q(statut=statut)
    return Coalesce(Sum("heures", filter=condition), ZERO)


def _nb_personnes():
    """People with validated hours among the rows (the counts the statistical secret looks at)."""
    return Count("beneficiaire", filter=Q(statut=Statut.VALIDEES), distinct=True)


def _formation():
    """Validated hours of the modality "formation" (shown apart from hours worked)."""
    return _somme(Statut.VALIDEES, modalite=Modalite.FORMATION)


def totaux(*, user, perimetre: Perimetre) -> dict:
    """Hours and people of the year (one query), contracts in execution and their reserved hours (one query)."""
    rangees = heures_du_perimetre(user=user, perimetre=perimetre).annotate(
        brsa=public_ce_mois(CodePublic.BRSA)
    )
    resultat = rangees.aggregate(
        heures_validees=_somme(Statut.VALIDEES),
        heures_formation=_formation(),
        heures_declarees=_somme(Statut.DECLAREES),
        heures_brsa=_somme(Statut.VALIDEES, brsa=True),
        nb_beneficiaires=_nb_personnes(),
        nb_beneficiaires_brsa=Count(
            "beneficiaire", filter=Q(statut=Statut.VALIDEES, brsa=True), distinct=True
        ),
    )
    marches = marches_du_perimetre(user=user, perimetre=perimetre)
    resultat |= Clause.objects.filter(lot__marche__in=marches).aggregate(
        nb_marches=Count("lot__marche", distinct=True),
        heures_reservees=Coalesce(Sum("heures_reservees"), ZERO),
    )
    return resultat


def objectif(*, perimetre: Perimetre) -> int | None:
    """The year's target of the scope (the Département's, or the EPCI's), None when none is set."""
    return (
        Objectif.objects.filter(annee=perimetre.annee, epci=perimetre.epci)
        .values_list("heures", flat=True)
        .first()
    )


def objectifs_des_epci(*, annee: int) -> dict[str, tuple[str, int]]:
    """SIREN -> (name, target) of each EPCI that has one for the year, by name."""
    return {
        siren: (nom, heures)
        for siren, nom, heures in Objectif.objects.filter(annee=annee, epci__isnull=False)
        .order_by("epci__nom")
        .values_list("epci__siren", "epci__nom", "heures")
    }


def heures_par_mois(*, user, perimetre: Perimetre) -> dict[datetime.date, dict]:
    """Month (first day) -> validated and declared hours, for the months with hours only."""
    return {
        ligne["mois"]: ligne
        for ligne in heures_du_perimetre(user=user, perimetre=perimetre)
        .values("mois")
        .annotate(
            heures_validees=_somme(Statut.VALIDEES),
            heures_declarees=_somme(Statut.DECLAREES),
            heures_formation=_formation(),
        )
        .order_by("mois")
    }


def par_epci(*, user, perimetre: Perimetre) -> list[dict]:
    return list(
        heures_du_perimetre(user=user, perimetre=perimetre)
        .values(siren=F("clause__lot__marche__epci__siren"), nom=F("clause__lot__marche__epci__nom"))
        .annotate(
            heures_validees=_somme(Statut.VALIDEES),
            heures_declarees=_somme(Statut.DECLAREES),
            heures_formation=_formation(),
            nb_beneficiaires=_nb_personnes(),
            nb_beneficiaires_formation=Count(
                "beneficiaire", filter=Q(statut=Statut.VALIDEES, modalite=Modalite.FORMATION), distinct=True
            ),
        )
        .order_by("-heures_validees", "nom")
    )


def par_acheteur(*, user, perimetre: Perimetre) -> list[dict]:
    return list(
        heures_du_perimetre(user=user, perimetre=perimetre)
        .values(siret=F("clause__lot__marche__acheteur__siret"), nom=F("clause__lot__marche__acheteur__nom"))
        .annotate(
            heures_validees=_somme(Statut.VALIDEES),
            heures_declarees=_somme(Statut.DECLAREES),
            nb_beneficiaires=_nb_personnes(),
        )
        .order_by("-heures_validees", "nom")
    )


def par_modalite(*, user, perimetre: Perimetre) -> list[dict]:
    return list(
        heures_du_perimetre(user=user, perimetre=perimetre)
        .values("modalite")
        .annotate(heures_validees=_somme(Statut.VALIDEES), nb_beneficiaires=_nb_personnes())
        .order_by("-heures_validees")
    )


def par_public(*, user, perimetre: Perimetre) -> list[dict]:
    """Validated hours and people of each public during the months worked (a person may be in several)."""
    publics = list(Public.objects.order_by("ordre").values_list("code", "libelle"))
    rangees = heures_du_perimetre(user=user, perimetre=perimetre).filter(statut=Statut.VALIDEES)
    rangees = rangees.annotate(**{f"p_{code}": public_ce_mois(code) for code, _ in publics})
    totaux = rangees.aggregate(
        **{
            f"h_{code}": Coalesce(Sum("heures", filter=Q(**{f"p_{code}": True})), ZERO) for code, _ in publics
        },
        **{
            f"n_{code}": Count("beneficiaire", filter=Q(**{f"p_{code}": True}), distinct=True)
            for code, _ in publics
        },
    )
    return [
        {
            "code": code,
            "libelle": libelle,
            "heures_validees": totaux[f"h_{code}"],
            "nb_beneficiaires": totaux[f"n_{code}"],
        }
        for code, libelle in publics
    ]


def personnes(*, user, perimetre: Perimetre):
    """People with validated hours in the scope and year (for counts by sex, age band, qualification)."""
    rangees = heures_du_perimetre(user=user, perimetre=perimetre).filter(statut=Statut.VALIDEES)
    return Beneficiaire.objects.filter(Exists(rangees.filter(beneficiaire=OuterRef("pk"))))


def par_sexe(*, user, perimetre: Perimetre) -> list[dict]:
    return list(
        personnes(user=user, perimetre=perimetre).values("sexe").annotate(nb=Count("pk")).order_by("sexe")
    )


def par_tranche_age(*, user, perimetre: Perimetre) -> list[dict]:
    """Age on 31 December of the year: under 26, 26 to 49, 50 and over."""
    fin = perimetre.fin
    limite_26 = fin.replace(year=fin.year - 26)
    limite_50 = fin.replace(year=fin.year - 50)
    nombres = personnes(user=user, perimetre=perimetre).aggregate(
        moins_26=Count("pk", filter=Q(date_naissance__gt=limite_26)),
        de_26_a_49=Count("pk", filter=Q(date_naissance__lte=limite_26, date_naissance__gt=limite_50)),
        plus_50=Count("pk", filter=Q(date_naissance__lte=limite_50)),
    )
    return [
        {"tranche": tranche, "nb": nombres[cle]}
        for tranche, cle in zip(TRANCHES_AGE, ("moins_26", "de_26_a_49", "plus_50"), strict=True)
    ]


def par_qualification(*, user, perimetre: Perimetre) -> list[dict]:
    return list(
        personnes(user=user, perimetre=perimetre)
        .values("niveau_qualification")
        .annotate(nb=Count("pk"))
        .order_by("niveau_qualification")
    )


def sorties_par_categorie(*, user, perimetre: Perimetre) -> list[dict]:
    """Sorties dated in the year, of people who worked hours in the scope (any year)."""
    rangees = _heures(user).exclude(statut=Statut.REJETEES)
    if perimetre.epci is not None:
        rangees = rangees.filter(clause__lot__marche__epci=perimetre.epci)
    return list(
        Sortie.objects.filter(
            Exists(rangees.filter(beneficiaire=OuterRef("beneficiaire"))),
            date__year=perimetre.annee,
        )
        .values("categorie")
        .annotate(nb=Count("pk"))
        .order_by("categorie")
    )


def _somme_validee(**filtre):
    rangees = (
        HeuresRealisees.objects.filter(clause__lot__marche=OuterRef("pk"), statut=Statut.VALIDEES, **filtre)
        .order_by()
        .values("clause__lot__marche")
        .annotate(total=Sum("heures"))
        .values("total")[:1]
    )
    return Coalesce(Subquery(rangees), ZERO)


def _nb_personnes_validees(**filtre):
    rangees = (
        HeuresRealisees.objects.filter(clause__lot__marche=OuterRef("pk"), statut=Statut.VALIDEES, **filtre)
        .order_by()
        .values("clause__lot__marche")
        .annotate(nb=Count("beneficiaire", distinct=True))
        .values("nb")[:1]
    )
    return Coalesce(Subquery(rangees), 0)


def par_marche(*, user, perimetre: Perimetre) -> list[dict]:
    """Contracts with a clause in execution during the year: reserved hours, validated in the year and
    validated since the start up to 31 December, and the people behind each (for the statistical secret)."""
    reservees = (
        Clause.objects.filter(lot__marche=OuterRef("pk"))
        .order_by()
        .values("lot__marche")
        .annotate(total=Sum("heures_reservees"))
        .values("total")[:1]
    )
    return list(
        marches_du_perimetre(user=user, perimetre=perimetre)
        .annotate(
            heures_reservees=Subquery(reservees),
            heures_validees_annee=_somme_validee(mois__year=perimetre.annee),
            heures_validees_cumul=_somme_validee(mois__lte=perimetre.fin),
            nb_beneficiaires_annee=_nb_personnes_validees(mois__year=perimetre.annee),
            nb_beneficiaires_cumul=_nb_personnes_validees(mois__lte=perimetre.fin),
        )
        .order_by("reference", "pk")
        .values(
            "pk",
            "reference",
            "objet",
            "date_debut",
            "date_fin",
            "heures_reservees",
            "heures_validees_annee",
            "heures_validees_cumul",
            "nb_beneficiaires_annee",
            "nb_beneficiaires_cumul",
            acheteur_nom=F("acheteur__nom"),
            epci_siren=F("epci__siren"),
            epci_nom=Coalesce("epci__nom", Value(SANS_EPCI)),
        )
    )


def annees_disponibles(*, user, annee_demandee: int | None = None) -> list[int]:
    """Years with hours in the user's scope or a target, plus the current year (and the one asked), newest first."""
    annees = {d.year for d in HeuresRealisees.objects.for_user(user).dates("mois", "year")}
    annees |= set(Objectif.objects.order_by().values_list("annee", flat=True).distinct())
    annees.add(timezone.localdate().year)
    if annee_demandee:
        annees.add(annee_demandee)
    return sorted(annees, reverse=True)


def _somme_clause(statut, **filtre):
    return Coalesce(Sum("heures__heures", filter=Q(heures__statut=statut, **filtre)), ZERO)


def contrats_de_l_annee(*, user, perimetre: Perimetre, fin_rythme: datetime.date, debut_reste: datetime.date):
    """Clauses of the contracts in execution during the year (one query): reserved hours, execution dates,
    and for the projection their validated and declared hours up to `fin_rythme` (since the start) and from
    `debut_reste` to 31 December."""
    marches = marches_du_perimetre(user=user, perimetre=perimetre)
    reste = {"heures__mois__gte": debut_reste, "heures__mois__lte": perimetre.fin}
    return list(
        Clause.objects.filter(lot__marche__in=marches)
        .values(
            "pk",
            "heures_reservees",
            debut=F("lot__marche__date_debut"),
            fin=F("lot__marche__date_fin"),
        )
        .annotate(
            validees_avant=_somme_clause(Statut.VALIDEES, heures__mois__lte=fin_rythme),
            declarees_avant=_somme_clause(Statut.DECLAREES, heures__mois__lte=fin_rythme),
            validees_reste=_somme_clause(Statut.VALIDEES, **reste),
            declarees_reste=_somme_clause(Statut.DECLAREES, **reste),
        )
        .order_by("pk")
    )


def taux_validation(*, user, perimetre: Perimetre, jour: datetime.date) -> Decimal | None:
    """Validated ÷ (validated + rejected) hours worked in the twelve months up to `jour` (one query);
    None without any decided hour."""
    debut = datetime.date(jour.year - 1, jour.month, 1)
    rangees = _heures(user).filter(mois__gt=debut, mois__lte=jour)
    if perimetre.epci is not None:
        rangees = rangees.filter(clause__lot__marche__epci=perimetre.epci)
    sommes = rangees.aggregate(validees=_somme(Statut.VALIDEES), rejetees=_somme(Statut.REJETEES))
    decidees = sommes["validees"] + sommes["rejetees"]
    return sommes["validees"] / decidees if decidees else None


def personnes_de_l_annee(*, user, perimetre: Perimetre) -> int:
    """People with validated hours in the scope and year (one query)."""
    return heures_du_perimetre(user=user, perimetre=perimetre).aggregate(nb=_nb_personnes())["nb"]

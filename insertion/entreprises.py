"""Reads on companies as holders of lots and employers of people, scoped by user (selectors).

A clerk (or an EPCI reader) sees the companies holding a lot of, or employing people on, their EPCI's contracts;
everyone else sees every company. Figures are summed in the database (subqueries), one query per list or table.
"""

from dataclasses import dataclass
from decimal import Decimal

from django.db.models import (
    Count,
    DecimalField,
    Exists,
    F,
    Func,
    IntegerField,
    Max,
    Min,
    OuterRef,
    Q,
    Subquery,
    Sum,
    Value,
)
from django.db.models.functions import Coalesce
from django.http import Http404
from django.shortcuts import get_object_or_404

from insertion.enums import Statut
from insertion.models import Clause, HeuresRealisees
from marches.models import Entreprise, Lot, Marche
from portail.recherche import Plier

ZERO = Value(Decimal(0), output_field=DecimalField(max_digits=14, decimal_places=2))


class CompteDistinct(Func):
    """COUNT(DISTINCT …) of a subquery's rows, without a GROUP BY (one row)."""

    function = "COUNT"
    template = "%(function)s(DISTINCT %(expressions)s)"
    output_field = IntegerField()


def _somme(qs, champ):
    return Coalesce(
        Subquery(qs.order_by().annotate(total=Func(F(champ), function="SUM")).values("total")[:1]), ZERO
    )


def _compte(qs, champ):
    return Coalesce(Subquery(qs.order_by().annotate(n=CompteDistinct(champ)).values("n")[:1]), 0)


def entreprises_du_perimetre(*, user):
    """Companies the user may see (not personal data: readers too)."""
    if not user.is_authenticated:
        return Entreprise.objects.none()
    entreprises = Entreprise.objects.all()
    if epci := user.epci_impose_id:
        titulaire = Lot.objects.filter(titulaire=OuterRef("pk"), marche__epci_id=epci)
        employeur = HeuresRealisees.objects.filter(
            employeur=OuterRef("pk"), clause__lot__marche__epci_id=epci
        )
        entreprises = entreprises.filter(Exists(titulaire) | Exists(employeur))
    return entreprises


def _marches_de(user, entreprise_ref):
    """The user's contracts a company holds a lot of or employs people on (`entreprise_ref`: OuterRef or pk)."""
    lots = Lot.objects.filter(marche=OuterRef("pk"), titulaire=entreprise_ref)
    heures = HeuresRealisees.objects.filter(clause__lot__marche=OuterRef("pk"), employeur=entreprise_ref)
    return Marche.objects.for_user(user).filter(Exists(lots) | Exists(heures))


def entreprises_avec_chiffres(*, user):
    """The list of companies with their figures within the user's scope, in French order (accents folded).

    - `nombre_marches`: contracts held or worked on; `heures_reservees`: reserved hours of the lots it holds;
    - `heures_validees_titulaire`: validated hours on those lots; `heures_validees_employeur`: validated hours
      it employed; `nombre_personnes`: people it employed (rejected rows left out).
    """
    marches = Marche.objects.for_user(user)
    clauses = Clause.objects.filter(lot__titulaire=OuterRef("pk"), lot__marche__in=marches)
    heures = HeuresRealisees.objects.for_user(user)
    sur_ses_lots = heures.filter(clause__lot__titulaire=OuterRef("pk"), statut=Statut.VALIDEES)
    employees = heures.filter(employeur=OuterRef("pk")).exclude(statut=Statut.REJETEES)
    return (
        entreprises_du_perimetre(user=user)
        .annotate(
            nombre_marches=_compte(_marches_de(user, OuterRef(OuterRef("pk"))).values("pk"), "pk"),
            heures_reservees=_somme(clauses, "heures_reservees"),
            heures_validees_titulaire=_somme(sur_ses_lots, "heures"),
            heures_validees_employeur=_somme(employees.filter(statut=Statut.VALIDEES), "heures"),
            nombre_personnes=_compte(employees, "beneficiaire"),
            tri=Plier("raison_sociale"),
        )
        .order_by("tri", "siret", "pk")
    )


def get_entreprise_for_user(*, user, siret: str) -> Entreprise:
    """The company by SIRET, or 404 when unknown or outside the user's scope (or not 14 digits: a NUL byte or
    other text never reaches the database)."""
    if not (siret.isascii() and siret.isdigit() and len(siret) == 14):
        raise Http404
    return get_object_or_404(entreprises_du_perimetre(user=user), siret=siret)


def entreprise_par_siret(*, siret: str) -> Entreprise | None:
    """Any company by SIRET (Département staff choosing the company to keep in a merge)."""
    return Entreprise.objects.filter(siret=siret).first()


def entreprises_a_verifier():
    return Entreprise.objects.filter(a_verifier=True).select_related("signalee_par_epci", "cree_par")


def marches_de_l_entreprise(*, user, entreprise: Entreprise):
    """The user's contracts the company holds or works on, with its figures on each (one query)."""
    lots = Lot.objects.filter(marche=OuterRef("pk"), titulaire=entreprise)
    clauses = Clause.objects.filter(lot__marche=OuterRef("pk"), lot__titulaire=entreprise)
    heures = HeuresRealisees.objects.filter(clause__lot__marche=OuterRef("pk"))
    employees = heures.filter(employeur=entreprise).exclude(statut=Statut.REJETEES)
    return (
        _marches_de(user, entreprise)
        .select_related("acheteur", "epci")
        .annotate(
            titulaire=Exists(lots),
            employeur=Exists(employees),
            heures_reservees=_somme(clauses, "heures_reservees"),
            heures_validees_titulaire=_somme(
                heures.filter(clause__lot__titulaire=entreprise, statut=Statut.VALIDEES), "heures"
            ),
            heures_declarees_employeur=_somme(employees.filter(statut=Statut.DECLAREES), "heures"),
            heures_validees_employeur=_somme(employees.filter(statut=Statut.VALIDEES), "heures"),
            nombre_personnes=_compte(employees, "beneficiaire"),
        )
        .order_by("acheteur__nom", "reference", "pk")
    )


def personnes_employees(*, user, entreprise: Entreprise):
    """People the company employed on the user's contracts, per contract, with their hours (one grouped
    query). Personal data: only for users who may see people (callers check)."""
    if not user.voit_donnees_personnelles:
        raise Http404
    return (
        HeuresRealisees.objects.for_user(user)
        .filter(employeur=entreprise)
        .exclude(statut=Statut.REJETEES)
        .values(
            "beneficiaire__public_id",
            "beneficiaire__nom",
            "beneficiaire__prenom",
            "clause__lot__marche__reference",
            "clause__lot__marche__acheteur__nom",
        )
        .annotate(
            validees=Coalesce(Sum("heures", filter=Q(statut=Statut.VALIDEES)), ZERO),
            declarees=Coalesce(Sum("heures", filter=Q(statut=Statut.DECLAREES)), ZERO),
            premier_mois=Min("mois"),
            dernier_mois=Max("mois"),
        )
        .order_by(Plier("beneficiaire__nom"), Plier("beneficiaire__prenom"), "clause__lot__marche__reference")
    )


@dataclass(frozen=True)
class ChiffresAttestation:
    marche: Marche
    titulaire: bool
    employeur: bool
    heures_reservees: Decimal | None
    heures_validees: Decimal
    heures_declarees: Decimal
    nombre_personnes: int


def chiffres_attestation(*, user, entreprise: Entreprise, marche_pk: int) -> ChiffresAttestation:
    """What the attestation certifies for a company on a contract: as holder, every hour of the lots it holds;
    as employer (of another holder's lot), the hours it employed. 404 if it neither holds nor works on it."""
    marche = get_object_or_404(_marches_de(user, entreprise).select_related("acheteur", "epci"), pk=marche_pk)
    lots = Lot.objects.filter(marche=marche, titulaire=entreprise)
    titulaire = lots.exists()
    heures = HeuresRealisees.objects.filter(clause__lot__marche=marche).exclude(statut=Statut.REJETEES)
    # Hours it employed on its own lots are already among the lots' hours.
    heures = heures.filter(Q(clause__lot__in=lots) | Q(employeur=entreprise))
    totaux = heures.aggregate(
        validees=Coalesce(Sum("heures", filter=Q(statut=Statut.VALIDEES)), ZERO),
        declarees=Coalesce(Sum("heures", filter=Q(statut=Statut.DECLAREES)), ZERO),
        personnes=Count("beneficiaire", distinct=True, filter=Q(statut=Statut.VALIDEES)),
    )
    reservees = (
        Clause.objects.filter(lot__in=lots).aggregate(total=Sum("heures_reservees"))["total"]
        if titulaire
        else None
    )
    return ChiffresAttestation(
        marche=marche,
        titulaire=titulaire,
        employeur=heures.filter(employeur=entreprise).exists(),
        heures_reservees=reservees,
        heures_validees=totaux["validees"],
        heures_declarees=totaux["declarees"],
        nombre_personnes=totaux["personnes"],
    )

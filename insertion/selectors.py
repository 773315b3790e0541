"""Reads scoped by user: the same querysets feed lists, filters, exports and figures."""

import datetime
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import (
    Case,
    CharField,
    Count,
    DecimalField,
    Exists,
    F,
    OuterRef,
    Q,
    Subquery,
    Sum,
    Value,
    When,
)
from django.db.models.functions import Coalesce, Concat
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils import timezone

from beneficiaires.models import Beneficiaire
from beneficiaires.selectors import beneficiaires_pour_liste
from insertion import regles
from insertion.enums import Statut
from insertion.evenements import Evenement, evenements_de_la_ligne
from insertion.models import (
    Clause,
    HeuresRealisees,
    Objectif,
    ParametresCalibrage,
    ParametresObjectif,
    ReleveEnAttente,
)
from marches.enums import EtatExecution, TypeStructure
from marches.models import Marche
from marches.selectors import etat_execution
from portail.periodes import dernier_jour, mois_precedent
from portail.recherche import Plier
from portail.recherche import mots as recherche_mots
from portail.tri import ordre_francais

ZERO = Value(Decimal(0), output_field=DecimalField(max_digits=14, decimal_places=2))


def get_marche_for_user(*, user, pk) -> Marche:
    """The contract, or 404 when it is not in the user's scope."""
    return get_object_or_404(Marche.objects.for_user(user).select_related("acheteur", "epci"), pk=pk)


def get_clause_for_user(*, user, pk) -> Clause:
    marches = Marche.objects.for_user(user)
    return get_object_or_404(
        Clause.objects.select_related("lot__marche__acheteur", "lot__marche__epci", "lot__titulaire").filter(
            lot__marche__in=marches
        ),
        pk=pk,
    )


def get_heures_for_user(*, user, pk) -> HeuresRealisees:
    """A row of hours, or 404 for anyone who may not see the person it names."""
    if not user.voit_donnees_personnelles:
        raise Http404
    return get_object_or_404(
        HeuresRealisees.objects.for_user(user).select_related(
            "clause__lot__marche__epci", "beneficiaire", "employeur", "saisi_par", "valide_par"
        ),
        pk=pk,
    )


def _somme_heures(statut, *, par):
    rangees = HeuresRealisees.objects.filter(**{par: OuterRef("pk")}, statut=statut).order_by()
    return Coalesce(
        Subquery(rangees.values(par).annotate(total=Sum("heures")).values("total")[:1]),
        ZERO,
    )


def marches_avec_clause(*, user, jour=None):
    """Contracts in the user's scope that carry at least one clause, with their hours and `etat` on `jour`
    (marches.enums.EtatExecution, today by default)."""
    clauses = Clause.objects.filter(lot__marche=OuterRef("pk")).order_by()
    reservees = clauses.values("lot__marche").annotate(total=Sum("heures_reservees")).values("total")[:1]
    return (
        Marche.objects.for_user(user)
        .filter(Exists(clauses))
        .select_related("acheteur", "epci")
        .annotate(
            heures_reservees=Subquery(reservees),
            heures_declarees=_somme_heures(Statut.DECLAREES, par="clause__lot__marche"),
            heures_validees=_somme_heures(Statut.VALIDEES, par="clause__lot__marche"),
            etat=etat_execution(jour=jour or timezone.localdate()),
        )
    )


def clauses_du_marche(*, marche):
    """The clauses of one contract, with their declared and validated hours."""
    return (
        Clause.objects.filter(lot__marche=marche)
        .select_related("lot__titulaire")
        .annotate(
            heures_declarees=_somme_heures(Statut.DECLAREES, par="clause"),
            heures_validees=_somme_heures(Statut.VALIDEES, par="clause"),
            heures_rejetees=_somme_heures(Statut.REJETEES, par="clause"),
        )
        .order_by("lot__numero")
    )


def taux_realisation(*, validees, reservees):
    """Validated ÷ reserved hours, in %; None when the clause is not calibrated."""
    if not reservees:
        return None
    return Decimal(validees or 0) * 100 / Decimal(reservees)


# --- contract page ---------------------------------------------------------------------------------


def lots_du_marche(*, marche):
    return marche.lots.select_related("titulaire").order_by("numero")


def _heures_retenues_du_marche(*, user, marche):
    """The contract's rows a user's figures count: declared or validated (rejected ones left out)."""
    return (
        HeuresRealisees.objects.for_user(user)
        .filter(clause__lot__marche=marche)
        .exclude(statut=Statut.REJETEES)
        .order_by()
    )


def personnes_du_marche(*, user, marche) -> list[dict]:
    """People who worked on the contract, with their hours, in one grouped query (for who may see names)."""
    if not user.voit_donnees_personnelles:
        raise Http404
    return list(
        _heures_retenues_du_marche(user=user, marche=marche)
        .values("beneficiaire__public_id", "beneficiaire__nom", "beneficiaire__prenom")
        .annotate(
            total=Sum("heures"), validees=Coalesce(Sum("heures", filter=Q(statut=Statut.VALIDEES)), ZERO)
        )
        .order_by("beneficiaire__nom", "beneficiaire__prenom", "beneficiaire__public_id")
    )


def nombre_de_personnes_du_marche(*, user, marche) -> int:
    return _heures_retenues_du_marche(user=user, marche=marche).values("beneficiaire").distinct().count()


def employeurs_du_marche(*, user, marche) -> list[dict]:
    """Employers of the people on the contract, with their hours, in one grouped query (no person named)."""
    lignes = list(
        _heures_retenues_du_marche(user=user, marche=marche)
        .values("employeur__siret", "employeur__raison_sociale", "employeur__type_structure")
        .annotate(
            total=Sum("heures"),
            validees=Coalesce(Sum("heures", filter=Q(statut=Statut.VALIDEES)), ZERO),
            personnes=Count("beneficiaire", distinct=True),
        )
        .order_by("employeur__raison_sociale", "employeur__siret")
    )
    for ligne in lignes:
        ligne["type_structure_libelle"] = TypeStructure(ligne["employeur__type_structure"]).label
    return lignes


def lots_a_modifier(*, marche) -> list:
    """The contract's lots with their holder and clause (`clause_chargee`, None without one), in one query."""
    lots = list(marche.lots.select_related("titulaire", "clause").order_by("numero"))
    for lot in lots:
        try:
            lot.clause_chargee = lot.clause
        except Clause.DoesNotExist:
            lot.clause_chargee = None
    return lots


def heures_par_mois_du_marche(*, user, marche):
    """Validated and declared hours of a contract, month by month, in one grouped query (rejected left out)."""
    return (
        HeuresRealisees.objects.for_user(user)
        .filter(clause__lot__marche=marche)
        .exclude(statut=Statut.REJETEES)
        .values("mois")
        .annotate(
            validees=Coalesce(Sum("heures", filter=Q(statut=Statut.VALIDEES)), ZERO),
            declarees=Coalesce(Sum("heures", filter=Q(statut=Statut.DECLAREES)), ZERO),
        )
        .order_by("mois")
    )


# --- monthly entry ---------------------------------------------------------------------------------


def clauses_pour_saisie(*, user):
    """Every clause of the contracts a user declares hours on (what the entry chooser accepts)."""
    return Clause.objects.filter(lot__marche__in=Marche.objects.for_user(user))


def clauses_a_choisir(*, user, recherche: str = "", avec_hors_execution: bool = False, jour=None):
    """The entry chooser's list: clauses in execution first, by end date; finished and not started ones only
    `avec_hors_execution` (then after them: the next to start, then the last finished first).

    Every word of `recherche` must appear in the buyer, reference, object, lot title or holder (name or SIRET),
    accents and case ignored. Annotated with `etat` (marches.enums.EtatExecution).
    """
    jour = jour or timezone.localdate()
    clauses = clauses_pour_saisie(user=user).annotate(etat=etat_execution(jour=jour, prefixe="lot__marche__"))
    if not avec_hors_execution:
        clauses = clauses.filter(etat=EtatExecution.EN_EXECUTION)
    if mots := recherche_mots(recherche):
        texte = Concat(
            *(
                part
                for champ in CHAMPS_RECHERCHE_SAISIE
                for part in (Coalesce(F(champ), Value("")), Value("|"))
            ),
            output_field=CharField(),
        )
        clauses = clauses.annotate(texte_recherche=Plier(texte))
        for mot in mots:
            clauses = clauses.filter(texte_recherche__contains=mot)
    rang = Case(
        When(etat=EtatExecution.EN_EXECUTION, then=Value(0)),
        When(etat=EtatExecution.PAS_COMMENCE, then=Value(1)),
        default=Value(2),
    )
    fin_passee = Case(When(etat=EtatExecution.TERMINE, then=F("lot__marche__date_fin")))
    return (
        clauses.select_related("lot__marche__acheteur", "lot__titulaire")
        .annotate(rang=rang, fin_passee=fin_passee)
        .order_by(
            "rang",
            F("fin_passee").desc(nulls_last=True),
            "lot__marche__date_fin",
            ordre_francais("lot__marche__acheteur__nom"),
            "lot__marche__reference",
            "lot__numero",
            "pk",
        )
    )


CHAMPS_RECHERCHE_SAISIE = [
    "lot__marche__acheteur__nom",
    "lot__marche__reference",
    "lot__marche__objet",
    "lot__intitule",
    "lot__titulaire__raison_sociale",
    "lot__titulaire__siret",
]


def personnes_proposees(*, user, clause, public_ids) -> list[Beneficiaire]:
    """People offered in the grid: those who already worked on this clause (within the user's scope),
    and those this user just found or added (`public_ids`, already checked as UUIDs) — all within their scope.
    Anonymised people are never offered: no hours are entered for them any more."""
    deja_venues = Beneficiaire.objects.filter(heures__clause=clause).values("pk")
    return list(
        Beneficiaire.objects.for_user(user)
        .filter(Q(pk__in=deja_venues) | Q(public_id__in=public_ids), anonymise_le__isnull=True)
        .order_by(ordre_francais("nom"), ordre_francais("prenom"), "date_naissance")
    )


def rangees_de_la_grille(*, clause, mois) -> list[HeuresRealisees]:
    """Rows of this clause for the month and the month before, in one query."""
    rangees = list(
        HeuresRealisees.objects.filter(clause=clause, mois__in=[mois, mois_precedent(mois)])
        .select_related("beneficiaire", "employeur")
        .order_by(
            ordre_francais("beneficiaire__nom"),
            ordre_francais("beneficiaire__prenom"),
            ordre_francais("employeur__raison_sociale"),
            "modalite",
            "pk",
        )
    )
    for rangee in rangees:
        rangee.clause = clause  # already loaded with its lot and contract
    return rangees


# --- validation queue ------------------------------------------------------------------------------


def file_de_validation(*, user):
    """Rows the Département's queue filters and acts on (scoped)."""
    return HeuresRealisees.objects.for_user(user)


def personnes_de_la_file(*, lignes) -> int:
    """How many people rows of the queue name (for the access log of its export)."""
    return lignes.order_by().values("beneficiaire").distinct().count()


def preparer_file(lignes):
    """What the queue's table shows, without a query per row: related objects and two subqueries.

    - the person's total hours that month over every contract (rejected rows left out);
    - when the row was last declared (its latest history record still "déclarées"), since
      a validation or a rejection overwrites `modifie_le`.
    """
    total_du_mois = (
        HeuresRealisees.objects.filter(beneficiaire=OuterRef("beneficiaire"), mois=OuterRef("mois"))
        .exclude(statut=Statut.REJETEES)
        .order_by()
        .values("beneficiaire")
        .annotate(total=Sum("heures"))
        .values("total")[:1]
    )
    derniere_saisie = (
        HeuresRealisees.history.filter(id=OuterRef("pk"), statut=Statut.DECLAREES)
        .order_by("-history_date")
        .values("history_date")[:1]
    )
    return lignes.select_related(
        "clause__lot__marche__epci",
        "clause__lot__marche__acheteur",
        "beneficiaire",
        "employeur",
        "saisi_par",
        "valide_par",
    ).annotate(
        total_personne_mois=Subquery(total_du_mois),
        saisi_le=Coalesce(Subquery(derniere_saisie), F("cree_le")),
    )


# --- history of a row ------------------------------------------------------------------------------


def historique_des_heures(*, rangee: HeuresRealisees) -> list[Evenement]:
    """The row's history as events (insertion.evenements), oldest first; queries do not grow with it."""
    records = rangee.history.select_related("history_user").order_by("history_date", "history_id")
    return evenements_de_la_ligne(records)


# --- calibration -----------------------------------------------------------------------------------


def clauses_a_calibrer(*, user):
    """Clauses without reserved hours on contracts the user sees, with what the list shows (no query per row)."""
    return Clause.objects.filter(
        heures_reservees__isnull=True, lot__marche__in=Marche.objects.for_user(user)
    ).select_related("lot__marche__acheteur", "lot__marche__epci")


def get_clause_a_calibrer_for_user(*, user, pk) -> Clause:
    """The clause to calibrate, or 404: only the Département calibrates, and only clauses in its scope."""
    if not user.voit_tout:
        raise Http404
    return get_clause_for_user(user=user, pk=pk)


def parametres_par_defaut(*, nature: str) -> ParametresCalibrage | None:
    """The Département's default inputs for this nature of contract (reference data kept in the admin)."""
    return ParametresCalibrage.objects.filter(nature=nature).first()


def objectifs_de_l_annee(*, annee: int) -> dict[int | None, int]:
    """EPCI pk (None: the Département) -> the year's target in hours, for the targets that are set."""
    return dict(Objectif.objects.filter(annee=annee).values_list("epci_id", "heures"))


def annees_des_objectifs() -> set[int]:
    return set(Objectif.objects.order_by().values_list("annee", flat=True).distinct())


def parametres_objectif() -> ParametresObjectif | None:
    """How training hours count toward the target (None: no row, the default "toutes")."""
    return ParametresObjectif.objects.first()


# --- people and their hours ------------------------------------------------------------------------


def heures_visibles(*, user):
    """Hour rows of the people a user may read: all for the Département, their EPCI's contracts for a clerk."""
    if not (user.is_authenticated and user.voit_donnees_personnelles):
        return HeuresRealisees.objects.none()
    return HeuresRealisees.objects.for_user(user)


def beneficiaires_avec_heures(*, user):
    """The people list (`beneficiaires.selectors.beneficiaires_pour_liste`) with each person's validated
    hours in the user's scope, summed in a subquery (one query for the page)."""
    validees = (
        heures_visibles(user=user)
        .filter(beneficiaire=OuterRef("pk"), statut=Statut.VALIDEES)
        .order_by()
        .values("beneficiaire")
        .annotate(total=Sum("heures"))
        .values("total")[:1]
    )
    return beneficiaires_pour_liste(user=user).annotate(heures_validees=Coalesce(Subquery(validees), ZERO))


def heures_du_beneficiaire(*, user, beneficiaire: Beneficiaire):
    """The person's hour rows the user may see (a clerk: only their EPCI's contracts), newest month first."""
    return (
        heures_visibles(user=user)
        .filter(beneficiaire=beneficiaire)
        .select_related("clause__lot__marche__acheteur", "employeur")
        .order_by(
            "-mois", "clause__lot__marche__reference", "clause__lot__numero", "employeur__raison_sociale"
        )
    )


@dataclass(frozen=True)
class TotauxHeures:
    validees: Decimal
    declarees: Decimal
    rejetees: Decimal


def totaux_heures(*, heures) -> TotauxHeures:
    """Validated, declared (awaiting validation) and rejected hours of a queryset of rows, in one query."""
    totaux = heures.order_by().aggregate(
        validees=Coalesce(Sum("heures", filter=Q(statut=Statut.VALIDEES)), ZERO),
        declarees=Coalesce(Sum("heures", filter=Q(statut=Statut.DECLAREES)), ZERO),
        rejetees=Coalesce(Sum("heures", filter=Q(statut=Statut.REJETEES)), ZERO),
    )
    return TotauxHeures(**totaux)


def releve_en_attente(*, user, jeton, empreinte: str) -> ReleveEnAttente | None:
    """The user's unexpired pending statement with this token and fingerprint, or None."""
    return (
        ReleveEnAttente.objects.filter(
            utilisateur=user, jeton=jeton, empreinte=empreinte, expire_le__gt=timezone.now()
        )
        .defer("contenu")
        .first()
    )


def rangees_du_modele_de_releve(*, user, mois: datetime.date, limite: int) -> list[HeuresRealisees]:
    """Rows of `mois` the statement template is pre-filled from, in one query: clauses of the user's contracts
    in execution that month, people of the user's scope (never anonymised), rows the user may still change."""
    rangees = (
        HeuresRealisees.objects.for_user(user)
        .filter(
            mois=mois,
            clause__lot__marche__in=Marche.objects.for_user(user),
            clause__lot__marche__date_debut__lte=dernier_jour(mois),
            clause__lot__marche__date_fin__gte=mois,
            beneficiaire__in=Beneficiaire.objects.for_user(user),
            beneficiaire__anonymise_le__isnull=True,
        )
        .select_related("clause__lot__marche__acheteur", "beneficiaire", "employeur")
        .order_by(
            "clause__lot__marche__reference",
            "clause__lot__numero",
            ordre_francais("beneficiaire__nom"),
            ordre_francais("beneficiaire__prenom"),
            "beneficiaire__date_naissance",
            ordre_francais("employeur__raison_sociale"),
            "modalite",
            "pk",
        )
    )
    if regles.ligne_verrouillee(statut=Statut.VALIDEES, user=user):
        rangees = rangees.exclude(
            statut=Statut.VALIDEES
        )  # validated rows can no longer be changed by the user
    return list(rangees[:limite])

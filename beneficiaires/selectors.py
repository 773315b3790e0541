"""Reads on beneficiaries, scoped by user.

`beneficiaires` must not depend on `insertion` at import time: hours are reached through
`apps.get_model("insertion", ...)` inside the functions.
"""

import datetime
from dataclasses import dataclass
from decimal import Decimal

from django.apps import apps
from django.db.models import DecimalField, Exists, OuterRef, Prefetch, Q, Subquery, Sum, Value
from django.db.models.functions import Coalesce
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils import timezone

from .enums import CodePublic
from .models import Beneficiaire, Eligibilite

# Values of insertion.enums.Statut, kept here so this module does not import insertion.
STATUT_DECLAREES = "declarees"
STATUT_VALIDEES = "validees"
STATUT_REJETEES = "rejetees"

# Fields of a person's record whose changes the history shows.
CHAMPS_HISTORIQUE = [
    "nom",
    "prenom",
    "date_naissance",
    "sexe",
    "commune",
    "niveau_qualification",
    "date_entree",
    "cree_par_epci",
]
TAILLE_HISTORIQUE = 50


def _heures_realisees():
    return apps.get_model("insertion", "HeuresRealisees")


def _zero():
    return Value(Decimal(0), output_field=DecimalField(max_digits=14, decimal_places=2))


def eligibilites_en_cours(*, jour: datetime.date):
    """Eligibility periods covering `jour`."""
    return Q(date_debut__lte=jour) & (Q(date_fin__isnull=True) | Q(date_fin__gte=jour))


def heures_visibles(*, user):
    """Hour rows of every person the user may read: all for the Département, their EPCI's contracts for a clerk."""
    if not (user.is_authenticated and user.voit_donnees_personnelles):
        return _heures_realisees().objects.none()
    return _heures_realisees().objects.for_user(user)


def beneficiaires_pour_liste(*, user):
    """The people a user may see, with their current publics and their validated hours in the user's scope.

    One query for the page (hours summed in a subquery) plus one for the current publics of that page.
    """
    aujourd_hui = timezone.localdate()
    validees = (
        heures_visibles(user=user)
        .filter(beneficiaire=OuterRef("pk"), statut=STATUT_VALIDEES)
        .order_by()
        .values("beneficiaire")
        .annotate(total=Sum("heures"))
        .values("total")[:1]
    )
    brsa_en_cours = Eligibilite.objects.filter(
        eligibilites_en_cours(jour=aujourd_hui), beneficiaire=OuterRef("pk"), public__code=CodePublic.BRSA
    )
    return (
        Beneficiaire.objects.for_user(user)
        .select_related("commune")
        .annotate(
            heures_validees=Coalesce(Subquery(validees), _zero()),
            brsa_en_cours=Exists(brsa_en_cours),
        )
        .prefetch_related(
            Prefetch(
                "eligibilites",
                queryset=Eligibilite.objects.filter(eligibilites_en_cours(jour=aujourd_hui))
                .select_related("public")
                .order_by("public__ordre", "public__libelle"),
                to_attr="eligibilites_en_cours",
            )
        )
    )


def get_beneficiaire_for_user(*, user, public_id) -> Beneficiaire:
    """The person, or 404 when the user may not see them (readers never see anyone)."""
    if not (user.is_authenticated and user.voit_donnees_personnelles):
        raise Http404
    return get_object_or_404(
        Beneficiaire.objects.for_user(user).select_related("commune", "cree_par_epci"), public_id=public_id
    )


def age(*, date_naissance: datetime.date, jour: datetime.date) -> int:
    return (
        jour.year
        - date_naissance.year
        - ((jour.month, jour.day) < (date_naissance.month, date_naissance.day))
    )


@dataclass(frozen=True)
class PeriodePublicAffichee:
    eligibilite: Eligibilite
    en_cours: bool


@dataclass(frozen=True)
class TotauxHeures:
    validees: Decimal
    declarees: Decimal
    rejetees: Decimal


@dataclass(frozen=True)
class Modification:
    champ: str
    avant: str
    apres: str


@dataclass(frozen=True)
class EntreeHistorique:
    date: datetime.datetime
    auteur: str
    action: str
    modifications: list[Modification]


def publics_du_beneficiaire(*, beneficiaire: Beneficiaire) -> list[PeriodePublicAffichee]:
    """Every eligibility period of the person, most recent first, with an "en cours" flag."""
    aujourd_hui = timezone.localdate()
    periodes = beneficiaire.eligibilites.select_related("public").order_by("-date_debut", "public__ordre")
    return [
        PeriodePublicAffichee(
            eligibilite=periode,
            en_cours=periode.date_debut <= aujourd_hui
            and (periode.date_fin is None or periode.date_fin >= aujourd_hui),
        )
        for periode in periodes
    ]


def heures_du_beneficiaire(*, user, beneficiaire: Beneficiaire):
    """The person's hour rows the user may see (a clerk: only their EPCI's contracts), newest month first."""
    return (
        heures_visibles(user=user)
        .filter(beneficiaire=beneficiaire)
        .select_related("clause__lot__marche", "employeur")
        .order_by(
            "-mois", "clause__lot__marche__reference", "clause__lot__numero", "employeur__raison_sociale"
        )
    )


def totaux_heures(*, heures) -> TotauxHeures:
    """Validated, declared (awaiting validation) and rejected hours of a queryset of rows, in one query."""
    totaux = heures.order_by().aggregate(
        validees=Coalesce(Sum("heures", filter=Q(statut=STATUT_VALIDEES)), _zero()),
        declarees=Coalesce(Sum("heures", filter=Q(statut=STATUT_DECLAREES)), _zero()),
        rejetees=Coalesce(Sum("heures", filter=Q(statut=STATUT_REJETEES)), _zero()),
    )
    return TotauxHeures(**totaux)


def sorties_du_beneficiaire(*, beneficiaire: Beneficiaire):
    return beneficiaire.sorties.order_by("-date", "categorie")


def _afficher(champ, valeur) -> str:
    if valeur is None or valeur == "":
        return "—"
    if isinstance(valeur, datetime.date):
        return f"{valeur:%d/%m/%Y}"
    if champ.choices:
        return str(dict(champ.flatchoices).get(valeur, valeur))
    return str(valeur)


def historique_du_beneficiaire(*, beneficiaire: Beneficiaire) -> list[EntreeHistorique]:
    """The latest changes of the person's record (who, when, what), newest first, in one query."""
    enregistrements = list(
        beneficiaire.history.select_related("history_user", "commune", "cree_par_epci").order_by(
            "-history_date", "-history_id"
        )[: TAILLE_HISTORIQUE + 1]
    )
    actions = {"+": "création", "~": "modification", "-": "suppression"}
    champs = {nom: Beneficiaire._meta.get_field(nom) for nom in CHAMPS_HISTORIQUE}
    entrees = []
    for enregistrement, precedent in zip(
        enregistrements[:TAILLE_HISTORIQUE], enregistrements[1:] + [None], strict=False
    ):
        modifications = []
        if precedent is not None:
            delta = enregistrement.diff_against(
                precedent, included_fields=CHAMPS_HISTORIQUE, foreign_keys_are_objs=True
            )
            modifications = [
                Modification(
                    champ=str(champs[change.field].verbose_name),
                    avant=_afficher(champs[change.field], change.old),
                    apres=_afficher(champs[change.field], change.new),
                )
                for change in sorted(delta.changes, key=lambda c: CHAMPS_HISTORIQUE.index(c.field))
            ]
        auteur = enregistrement.history_user
        entrees.append(
            EntreeHistorique(
                date=enregistrement.history_date,
                auteur=(auteur.get_full_name() or auteur.username) if auteur else "—",
                action=actions.get(enregistrement.history_type, enregistrement.history_type),
                modifications=modifications,
            )
        )
    return entrees

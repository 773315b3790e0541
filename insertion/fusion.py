"""Duplicate people: finding the records that share an identity, and merging two of them (Département staff).

A clerk never learns whether a person exists outside their EPCI: when two EPCI enter the same person, each gets
a record of their own. The Département sees every record, finds the pairs here and merges them.
"""

from dataclasses import dataclass
from decimal import Decimal

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Count, DecimalField, OuterRef, Subquery, Sum, Value
from django.db.models.functions import Coalesce
from django.http import Http404
from simple_history.utils import bulk_update_with_history

from beneficiaires.enums import ActionAcces
from beneficiaires.journal import journaliser
from beneficiaires.models import AccesDonnees, Beneficiaire, Eligibilite, Sortie
from insertion.cloture import erreur_annees_cloturees
from insertion.enums import Statut
from insertion.models import HeuresRealisees
from portail.francais import pluriel

RAISON_FUSION = "Fusion de deux fiches de la même personne"


class FusionImpossible(Exception):
    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


@dataclass(frozen=True)
class GroupeDoublons:
    """Records of the same identity, oldest first: the first one is kept when the others are merged into it."""

    fiches: list[Beneficiaire]

    @property
    def gardee(self) -> Beneficiaire:
        return self.fiches[0]

    @property
    def a_fusionner(self) -> list[Beneficiaire]:
        return self.fiches[1:]


def cles_en_double():
    """Matching keys held by more than one record, as a queryset of keys (paginated by the caller)."""
    return (
        Beneficiaire.objects.values("cle_identite")
        .annotate(nombre=Count("pk"))
        .filter(nombre__gt=1)
        .order_by("cle_identite")
        .values_list("cle_identite", flat=True)
    )


def groupes_de_doublons(*, user, cles: list[str]) -> list[GroupeDoublons]:
    """The records of these keys with their hours, in one query; Département staff only."""
    if not user.voit_tout:
        raise PermissionDenied
    zero = Value(Decimal(0), output_field=DecimalField())

    def total(statut):
        return Coalesce(
            Subquery(
                HeuresRealisees.objects.filter(beneficiaire=OuterRef("pk"), statut=statut)
                .order_by()
                .values("beneficiaire")
                .annotate(total=Sum("heures"))
                .values("total")
            ),
            zero,
        )

    fiches = (
        Beneficiaire.objects.filter(cle_identite__in=cles)
        .select_related("cree_par_epci", "commune")
        .annotate(heures_validees=total(Statut.VALIDEES), heures_declarees=total(Statut.DECLAREES))
        .order_by("cle_identite", "pk")
    )
    groupes: dict[str, list[Beneficiaire]] = {}
    for fiche in fiches:
        groupes.setdefault(fiche.cle_identite, []).append(fiche)
    return [GroupeDoublons(fiches=groupes[cle]) for cle in cles if len(groupes.get(cle, [])) > 1]


def get_paire_a_fusionner(*, user, gardee, absorbee) -> tuple[Beneficiaire, Beneficiaire]:
    """The two records named by their public ids, or 404 (Département staff only)."""
    if not user.voit_tout:
        raise Http404
    fiches = {str(b.public_id): b for b in Beneficiaire.objects.filter(public_id__in=[gardee, absorbee])}
    if str(gardee) == str(absorbee) or len(fiches) != 2:
        raise Http404
    return fiches[str(gardee)], fiches[str(absorbee)]


def _deplacer(modele, rangees, *, vers, user):
    for rangee in rangees:
        rangee.beneficiaire = vers
    if rangees:
        bulk_update_with_history(
            rangees, modele, ["beneficiaire"], default_user=user, default_change_reason=RAISON_FUSION
        )


@transaction.atomic
def fusionner(*, user, gardee: Beneficiaire, absorbee: Beneficiaire) -> Beneficiaire:
    """Moves every hour, public and outcome of `absorbee` onto `gardee`, then deletes `absorbee`.

    Refused (FusionImpossible, nothing written) when the records are not the same identity or when both hold a
    line for the same contract, employer, month and modality (the hours would be counted twice).
    """
    if not user.voit_tout:
        raise PermissionDenied
    verrouillees = {
        b.pk: b for b in Beneficiaire.objects.select_for_update().filter(pk__in=[gardee.pk, absorbee.pk])
    }
    if len(verrouillees) != 2:
        raise FusionImpossible("L'une des deux fiches n'existe plus : la fusion a peut-être déjà été faite.")
    gardee, absorbee = verrouillees[gardee.pk], verrouillees[absorbee.pk]
    if gardee.cle_identite != absorbee.cle_identite:
        raise FusionImpossible(
            "Ces deux fiches n'ont pas les mêmes nom, prénom et date de naissance : elles ne sont pas fusionnées."
        )

    cles_gardee = set(
        HeuresRealisees.objects.filter(beneficiaire=gardee).values_list(
            "clause_id", "employeur_id", "mois", "modalite"
        )
    )
    heures = list(HeuresRealisees.objects.select_for_update().filter(beneficiaire=absorbee))
    if erreur := erreur_annees_cloturees({h.mois.year for h in heures}):
        raise FusionImpossible(f"Fusion impossible : {erreur}")
    en_double = [h for h in heures if (h.clause_id, h.employeur_id, h.mois, h.modalite) in cles_gardee]
    if en_double:
        premiere = en_double[0]
        raise FusionImpossible(
            f"Les deux fiches ont des heures pour le même marché, le même employeur, le même mois et la même "
            f"modalité ({pluriel(len(en_double), 'ligne')}, dont "
            f"{premiere.mois:%m/%Y}) : corrigez ou supprimez ces lignes avant de fusionner."
        )
    _deplacer(HeuresRealisees, heures, vers=gardee, user=user)

    # Publics and outcomes: those the kept record already has are dropped, the others move.
    periodes = set(gardee.eligibilites.values_list("public_id", "date_debut"))
    eligibilites = list(absorbee.eligibilites.all())
    Eligibilite.objects.filter(
        pk__in=[e.pk for e in eligibilites if (e.public_id, e.date_debut) in periodes]
    ).delete()
    Eligibilite.objects.filter(
        pk__in=[e.pk for e in eligibilites if (e.public_id, e.date_debut) not in periodes]
    ).update(beneficiaire=gardee)
    issues = set(gardee.sorties.values_list("date", "categorie"))
    sorties = list(absorbee.sorties.all())
    for sortie in sorties:
        if (sortie.date, sortie.categorie) in issues:
            sortie._history_user = user
            sortie.delete()
    _deplacer(Sortie, [s for s in sorties if (s.date, s.categorie) not in issues], vers=gardee, user=user)

    # What the kept record lacks, the other one may know.
    gardee.commune = gardee.commune or absorbee.commune
    gardee.niveau_qualification = gardee.niveau_qualification or absorbee.niveau_qualification
    gardee.date_entree = min(gardee.date_entree, absorbee.date_entree)
    gardee._history_user = user
    gardee._change_reason = RAISON_FUSION
    gardee.save()
    # The accesses to the other record concern the same person: they follow her (right of access).
    AccesDonnees.objects.filter(beneficiaire=absorbee).update(beneficiaire=gardee)
    absorbee._history_user = user
    absorbee._change_reason = RAISON_FUSION
    absorbee.delete()
    journaliser(
        user=user,
        action=ActionAcces.MODIFICATION,
        beneficiaire=gardee,
        detail=f"fusion avec une fiche en double (créée par {absorbee.cree_par_epci or 'le Département'})",
    )
    return gardee


def nombre_d_identites_en_double(*, user) -> int:
    """How many identities have more than one record (0 for anyone but Département staff)."""
    return cles_en_double().count() if user.voit_tout else 0

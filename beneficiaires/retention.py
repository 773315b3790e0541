"""Retention of personal data: the identity of people inactive for too long is erased, what the yearly figures
need is kept, and the access log keeps one year.

An anonymised person keeps their sex, commune, qualification, entry date, publics with their periods, hours and
outcome categories; their name goes, and their birth date becomes 1 January of its year: the dashboard's age band
is the age on 31 December of the year (insertion.indicateurs.requetes.par_tranche_age), which the year alone
gives, so every yearly figure stays the same. The age-based publics (jeune, senior), computed from the birth date
at each month worked, need more than the year: before the birth date goes, they are frozen as eligibility
periods over the months worked (`_figer_publics_d_age`), which the indicators read for anonymised people. The
free text of their outcomes and the precision on their referent are cleared; the document seen for a verified
public and the reason for a refused one give way to TEXTE_EFFACE (a check always keeps one). The history of their record, of their eligibilities and of their
outcomes is anonymised the same way. Which people are inactive depends on their hours: the
selection lives in insertion (insertion/retention.py), which calls these functions.
"""

import datetime
from dataclasses import dataclass

from django.db.models import CharField, Max, Min, OuterRef, Subquery, Value
from django.db.models.functions import Cast, Concat, TruncYear

from beneficiaires import regles
from beneficiaires.enums import CodePublic
from beneficiaires.models import (
    NOM_ANONYMISE,
    PREFIXE_CLE_ANONYMISEE,
    AccesDonnees,
    Beneficiaire,
    Eligibilite,
    Public,
    Sortie,
)
from portail.periodes import dernier_jour, mois_precedent

CONSERVATION_JOURNAL = datetime.timedelta(days=365)
RAISON_ANONYMISATION = "anonymisation au terme de la durée de conservation"
TEXTE_EFFACE = "effacé lors de l'anonymisation de la personne"


@dataclass(frozen=True)
class BilanAnonymisation:
    personnes: int
    versions: int
    sorties: int
    versions_sorties: int


def a_anonymiser(beneficiaires) -> BilanAnonymisation:
    """What `anonymiser` would change for these people (not yet anonymised ones), in a few count queries."""
    personnes = beneficiaires.filter(anonymise_le__isnull=True)
    ids = personnes.values("pk")
    return BilanAnonymisation(
        personnes=personnes.count(),
        versions=Beneficiaire.history.filter(id__in=ids).count(),
        sorties=Sortie.objects.filter(beneficiaire__in=ids).exclude(detail="").count(),
        versions_sorties=Sortie.history.filter(beneficiaire_id__in=ids).exclude(detail="").count(),
    )


def anonymiser(*, beneficiaires, maintenant: datetime.datetime) -> BilanAnonymisation:
    """Anonymises these people (a queryset; those already anonymised are left alone) in the caller's
    transaction, with a fixed number of queries whatever their number. `maintenant` marks them."""
    _figer_publics_d_age(beneficiaires.filter(anonymise_le__isnull=True))
    nombre = beneficiaires.filter(anonymise_le__isnull=True).update(
        anonymise_le=maintenant,
        nom=NOM_ANONYMISE,
        prenom="",
        date_naissance=TruncYear("date_naissance"),
        referent_precision="",
        cle_identite=Concat(Value(PREFIXE_CLE_ANONYMISEE), Cast("pk", CharField())),
        modifie_le=maintenant,
    )
    if not nombre:
        return BilanAnonymisation(personnes=0, versions=0, sorties=0, versions_sorties=0)
    anonymisees = Beneficiaire.objects.filter(anonymise_le=maintenant)
    ids = anonymisees.values("pk")
    annee_de_naissance = Beneficiaire.objects.filter(pk=OuterRef("id")).values("date_naissance")[:1]
    versions = Beneficiaire.history.filter(id__in=ids).update(
        nom=NOM_ANONYMISE,
        prenom="",
        date_naissance=Subquery(annee_de_naissance),
        referent_precision="",
        history_change_reason=None,
    )
    # A verified check keeps a document and a refusal a reason (constraints): a neutral text replaces theirs.
    for eligibilites in (
        Eligibilite.objects.filter(beneficiaire__in=ids),
        Eligibilite.history.filter(beneficiaire_id__in=ids),
    ):
        eligibilites.exclude(justificatif="").update(justificatif=TEXTE_EFFACE)
        eligibilites.exclude(motif_refus="").update(motif_refus=TEXTE_EFFACE)
    sorties = Sortie.objects.filter(beneficiaire__in=ids).exclude(detail="").update(detail="")
    versions_sorties = (
        Sortie.history.filter(beneficiaire_id__in=ids)
        .exclude(detail="")
        .update(detail="", history_change_reason=None)
    )
    # The anonymisation itself, as one more version of each record (no author: the retention command).
    Beneficiaire.history.bulk_history_create(
        list(anonymisees), update=True, default_change_reason=RAISON_ANONYMISATION, default_date=maintenant
    )
    return BilanAnonymisation(
        personnes=nombre, versions=versions, sorties=sorties, versions_sorties=versions_sorties
    )


def _figer_publics_d_age(beneficiaires) -> None:
    """The age-based publics of these people over their months worked, as eligibility periods: jeune from the
    first month worked to the last month under 26, senior from the first month at 50. Three queries."""
    publics = {p.code: p for p in Public.objects.filter(code__in=regles.PUBLICS_D_AGE)}
    lignes = beneficiaires.annotate(premier=Min("heures__mois"), dernier=Max("heures__mois")).values_list(
        "pk", "date_naissance", "premier", "dernier"
    )
    periodes = []
    for pk, naissance, premier, dernier in lignes:
        if premier is None:
            continue
        if CodePublic.JEUNE in publics and regles.age_au_mois(naissance, premier) < regles.AGE_JEUNE_MAX:
            fin = dernier_jour(mois_precedent(regles.premier_mois_a_l_age(naissance, regles.AGE_JEUNE_MAX)))
            periodes.append(
                Eligibilite(
                    beneficiaire_id=pk, public=publics[CodePublic.JEUNE], date_debut=premier, date_fin=fin
                )
            )
        if CodePublic.SENIOR in publics and regles.age_au_mois(naissance, dernier) >= regles.AGE_SENIOR_MIN:
            debut = max(premier, regles.premier_mois_a_l_age(naissance, regles.AGE_SENIOR_MIN))
            periodes.append(
                Eligibilite(beneficiaire_id=pk, public=publics[CodePublic.SENIOR], date_debut=debut)
            )
    # Periods ticked before these publics were computed give way to the computed ones.
    Eligibilite.objects.filter(public__code__in=regles.PUBLICS_D_AGE, beneficiaire__in=beneficiaires).delete()
    Eligibilite.objects.bulk_create(periodes)


def entrees_du_journal_perimees(*, maintenant: datetime.datetime):
    """Access-log entries older than one year."""
    return AccesDonnees.objects.filter(horodatage__lt=maintenant - CONSERVATION_JOURNAL)


def purger_journal(*, maintenant: datetime.datetime) -> int:
    supprimees, _ = entrees_du_journal_perimees(maintenant=maintenant).delete()
    return supprimees

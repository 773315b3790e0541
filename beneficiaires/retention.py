"""Retention of personal data: the identity of people inactive for too long is erased, what the yearly figures
need is kept, and the access log keeps one year.

An anonymised person keeps their sex, commune, qualification, entry date, publics with their periods, hours and
outcome categories; their name goes, and their birth date becomes 1 January of its year: the dashboard's age band
is the age on 31 December of the year (insertion.indicateurs.requetes.par_tranche_age), which the year alone
gives, so every yearly figure stays the same. The free text of their outcomes is cleared. The history of their
record and of their outcomes is anonymised the same way. Which people are inactive depends on their hours: the
selection lives in insertion (insertion/retention.py), which calls these functions.
"""

import datetime
from dataclasses import dataclass

from django.db.models import CharField, OuterRef, Subquery, Value
from django.db.models.functions import Cast, Concat, TruncYear

from beneficiaires.models import NOM_ANONYMISE, PREFIXE_CLE_ANONYMISEE, AccesDonnees, Beneficiaire, Sortie

CONSERVATION_JOURNAL = datetime.timedelta(days=365)
RAISON_ANONYMISATION = "anonymisation au terme de la durée de conservation"


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
    nombre = beneficiaires.filter(anonymise_le__isnull=True).update(
        anonymise_le=maintenant,
        nom=NOM_ANONYMISE,
        prenom="",
        date_naissance=TruncYear("date_naissance"),
        cle_identite=Concat(Value(PREFIXE_CLE_ANONYMISEE), Cast("pk", CharField())),
        modifie_le=maintenant,
    )
    if not nombre:
        return BilanAnonymisation(personnes=0, versions=0, sorties=0, versions_sorties=0)
    anonymisees = Beneficiaire.objects.filter(anonymise_le=maintenant)
    ids = anonymisees.values("pk")
    annee_de_naissance = Beneficiaire.objects.filter(pk=OuterRef("id")).values("date_naissance")[:1]
    versions = Beneficiaire.history.filter(id__in=ids).update(
        nom=NOM_ANONYMISE, prenom="", date_naissance=Subquery(annee_de_naissance), history_change_reason=None
    )
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


def entrees_du_journal_perimees(*, maintenant: datetime.datetime):
    """Access-log entries older than one year."""
    return AccesDonnees.objects.filter(horodatage__lt=maintenant - CONSERVATION_JOURNAL)


def purger_journal(*, maintenant: datetime.datetime) -> int:
    supprimees, _ = entrees_du_journal_perimees(maintenant=maintenant).delete()
    return supprimees

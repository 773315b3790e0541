"""The retention run (command purge_beneficiaires): people with no hours and no outcome for N months are
anonymised (beneficiaires/retention.py), the rejection reasons of their hours are erased (free text written about
them), and access-log entries older than one year are deleted — in one transaction.

Inactive since `depuis`: no hours in its month or later (a month counts until its last day), no outcome on or
after it, entered in the scheme and created in the portal before it.
"""

import datetime
from dataclasses import dataclass

from django.db import transaction
from django.db.models import Exists, OuterRef
from django.utils import timezone

from beneficiaires import retention
from beneficiaires.enums import ActionAcces
from beneficiaires.journal import journaliser
from beneficiaires.models import Beneficiaire, Sortie
from insertion.models import HeuresRealisees
from portail.periodes import ajouter_mois, premier_jour

MOIS_PAR_DEFAUT = 24
MOTIF_EFFACE = "Motif effacé lors de l'anonymisation de la personne."
AUTEUR = "purge_beneficiaires"


@dataclass(frozen=True)
class BilanPurge:
    depuis: datetime.date
    anonymisation: retention.BilanAnonymisation
    motifs: int
    versions_heures: int
    journal: int


def beneficiaires_inactifs(*, depuis: datetime.date):
    """People not yet anonymised with no activity since `depuis`."""
    debut = timezone.make_aware(datetime.datetime.combine(depuis, datetime.time.min))
    heures = HeuresRealisees.objects.filter(beneficiaire=OuterRef("pk"), mois__gte=premier_jour(depuis))
    sorties = Sortie.objects.filter(beneficiaire=OuterRef("pk"), date__gte=depuis)
    return Beneficiaire.objects.filter(
        ~Exists(heures),
        ~Exists(sorties),
        anonymise_le__isnull=True,
        date_entree__lt=depuis,
        cree_le__lt=debut,
    )


def _heures_a_effacer(ids):
    return HeuresRealisees.objects.filter(beneficiaire__in=ids).exclude(motif_rejet="")


def _versions_heures_a_effacer(ids):
    return HeuresRealisees.history.filter(beneficiaire_id__in=ids).exclude(motif_rejet="")


def purger(*, mois: int = MOIS_PAR_DEFAUT, simulation: bool = False, maintenant=None) -> BilanPurge:
    """Runs (or, with `simulation`, only counts) the retention: writes nothing when simulating."""
    maintenant = maintenant or timezone.now()
    depuis = ajouter_mois(timezone.localdate(maintenant), -mois)
    inactifs = beneficiaires_inactifs(depuis=depuis)
    if simulation:
        ids = inactifs.values("pk")
        return BilanPurge(
            depuis=depuis,
            anonymisation=retention.a_anonymiser(inactifs),
            motifs=_heures_a_effacer(ids).count(),
            versions_heures=_versions_heures_a_effacer(ids).count(),
            journal=retention.entrees_du_journal_perimees(maintenant=maintenant).count(),
        )
    with transaction.atomic():
        anonymisation = retention.anonymiser(beneficiaires=inactifs, maintenant=maintenant)
        ids = Beneficiaire.objects.filter(anonymise_le=maintenant).values("pk")
        motifs = _heures_a_effacer(ids).update(motif_rejet=MOTIF_EFFACE) if anonymisation.personnes else 0
        versions_heures = (
            _versions_heures_a_effacer(ids).update(motif_rejet=MOTIF_EFFACE) if anonymisation.personnes else 0
        )
        journal = retention.purger_journal(maintenant=maintenant)
        if anonymisation.personnes:
            journaliser(
                user=None,
                nom_utilisateur=AUTEUR,
                action=ActionAcces.ANONYMISATION,
                nombre_personnes=anonymisation.personnes,
                detail=f"sans heure ni sortie depuis {mois} mois (avant le {depuis:%d/%m/%Y})",
            )
    return BilanPurge(
        depuis=depuis,
        anonymisation=anonymisation,
        motifs=motifs,
        versions_heures=versions_heures,
        journal=journal,
    )

"""Writes on companies (services): employers typed by clerks, their confirmation or merge by the Département.

Keyword-only arguments; multi-row writes in one transaction. Hours and lots are reached through the reverse
relations of the company (`heures`, `lots`), so that this app does not import the hours app.
"""

from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.db.models import Exists, OuterRef
from django.utils import timezone
from simple_history.utils import bulk_update_with_history

from marches.enums import TypeStructure
from marches.models import Entreprise
from portail.francais import accord, de, pluriel

RAISON_CREATION = "Employeur saisi lors d'une déclaration d'heures"
RAISON_CONFIRMATION = "Employeur vérifié par le Département"
RAISON_FUSION = "Fusion d'entreprises en double"


class FusionEntreprisesImpossible(Exception):
    """A merge refused, with its French message."""


def nouvel_employeur(*, siret: str, raison_sociale: str, type_structure: str) -> Entreprise:
    """The unsaved company a line names until the grid is saved (`enregistrer_employeurs` writes it)."""
    return Entreprise(
        siret=siret,
        raison_sociale=" ".join(raison_sociale.split()),
        type_structure=type_structure or TypeStructure.ENTREPRISE,
        a_verifier=True,
    )


def enregistrer_employeurs(*, user, entreprises: list[Entreprise]) -> dict[str, Entreprise]:
    """Creates the employers a clerk typed (unsaved companies), marked "à vérifier", by SIRET.

    Call it inside the transaction that writes the hours: a refused grid writes no company. A company created
    meanwhile with the same SIRET is reused as it is.
    """
    if not (user.is_authenticated and user.peut_declarer):
        raise PermissionDenied("Votre rôle ne permet pas de déclarer des heures.")
    par_siret = {e.siret: e for e in entreprises}
    with transaction.atomic():
        existantes = {e.siret: e for e in Entreprise.objects.filter(siret__in=par_siret)}
        creees = {}
        for siret, entreprise in sorted(par_siret.items()):
            if siret in existantes:
                continue
            entreprise.a_verifier = True
            entreprise.cree_par = user
            entreprise.signalee_par_epci_id = user.epci_id if not user.voit_tout else None
            entreprise.full_clean(validate_unique=False, validate_constraints=False)
            entreprise._history_user = user
            entreprise._change_reason = RAISON_CREATION
            try:
                with transaction.atomic():
                    entreprise.save()
            except IntegrityError:
                # Typed by someone else at the same time: theirs is kept.
                existante = Entreprise.objects.filter(siret=siret).first()
                if existante is None:
                    raise
                entreprise = existante
            creees[siret] = entreprise
    return existantes | creees


def confirmer_entreprise(
    *, user, entreprise: Entreprise, raison_sociale: str, type_structure: str
) -> Entreprise:
    """The Département confirms an employer typed by a clerk, possibly fixing its name and structure type."""
    if not user.voit_tout:
        raise PermissionDenied("Seul le Département vérifie les employeurs.")
    entreprise.raison_sociale = " ".join(raison_sociale.split()) or entreprise.raison_sociale
    entreprise.type_structure = type_structure or entreprise.type_structure
    entreprise.a_verifier = False
    entreprise.verifiee_par = user
    entreprise.verifiee_le = timezone.now()
    entreprise._history_user = user
    entreprise._change_reason = RAISON_CONFIRMATION
    entreprise.save()
    return entreprise


def fusionner_entreprises(*, user, doublon: Entreprise, gardee: Entreprise) -> Entreprise:
    """Moves the duplicate's hours (as employer) and lots (as holder) to the kept company, then deletes the
    duplicate — all in one transaction, with history. Refused (FusionEntreprisesImpossible) when a moved row would
    repeat a row of the kept company (same clause, person, month and modality)."""
    if not user.voit_tout:
        raise PermissionDenied("Seul le Département fusionne les entreprises.")
    if doublon.pk == gardee.pk:
        raise FusionEntreprisesImpossible("Choisissez une autre entreprise que celle-ci.")
    with transaction.atomic():
        # Both locked in pk order: a concurrent entry on either waits for the merge.
        list(
            Entreprise.objects.select_for_update()
            .filter(pk__in=[doublon.pk, gardee.pk])
            .order_by("pk")
            .values_list("pk")
        )
        rangees = list(doublon.heures.select_for_update().order_by("pk"))
        # The rule of closed years is the hours app's: asked through the hours' own queryset.
        if erreur := doublon.heures.erreur_annee_cloturee():
            raise FusionEntreprisesImpossible(f"Fusion impossible : {erreur}")
        memes_lignes = gardee.heures.filter(
            clause=OuterRef("clause"),
            beneficiaire=OuterRef("beneficiaire"),
            mois=OuterRef("mois"),
            modalite=OuterRef("modalite"),
        )
        collisions = doublon.heures.filter(Exists(memes_lignes)).count()
        if collisions:
            raise FusionEntreprisesImpossible(
                f"Fusion impossible : {pluriel(collisions, 'ligne')} d'heures {de(doublon.raison_sociale)} "
                f"{accord(collisions, 'existe', 'existent')} déjà pour {gardee.raison_sociale} "
                "(même marché, même personne, même mois, même modalité). Corrigez ou supprimez ces lignes "
                "dans la saisie, puis fusionnez à nouveau."
            )
        for rangee in rangees:
            rangee.employeur = gardee
        if rangees:
            bulk_update_with_history(
                rangees,
                doublon.heures.model,
                ["employeur"],
                default_user=user,
                default_change_reason=RAISON_FUSION,
            )
        for lot in doublon.lots.order_by("pk"):
            lot.titulaire = gardee
            lot._history_user = user
            lot._change_reason = RAISON_FUSION
            lot.save(update_fields=["titulaire"])
        doublon._history_user = user
        doublon._change_reason = RAISON_FUSION
        doublon.delete()
    return gardee

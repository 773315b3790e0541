"""Insertion side of the DECP import: a clause to calibrate for every contract flagged by the open data.

`marches.decp` sends `lots_importes` for every batch, inside the import's transaction; this receiver (connected
when the app is ready) gives the lot of each contract flagged "Clause sociale" or "Marché réservé" a clause with
empty reserved hours. A clause that exists already is never touched: staff may have calibrated it.
"""

from django.dispatch import receiver
from simple_history.utils import bulk_create_with_history

from insertion.enums import BaseJuridique
from insertion.models import Clause
from marches.decp import RAISON_HISTORIQUE, LotImporte, lots_importes

LIBELLE_CLAUSES_CREEES = "Clauses d'insertion créées, à calibrer"


def base_juridique(lot: LotImporte) -> str | None:
    """Marché réservé: reserved for SIAE (L2113-13), the portal's case; a clause sociale is a condition
    d'exécution (L2112-2). None for a contract that needs no clause (critère social only)."""
    if lot.marche_reserve:
        return BaseJuridique.RESERVE_SIAE
    if lot.clause_sociale:
        return BaseJuridique.CONDITION_EXECUTION
    return None


def creer_clauses_a_calibrer(*, lots: list[LotImporte], utilisateur=None) -> int:
    """Creates the missing clauses of the flagged lots; returns how many were created."""
    bases = {lot.lot_id: base for lot in lots if (base := base_juridique(lot))}
    if not bases:
        return 0
    existantes = set(Clause.objects.filter(lot_id__in=bases).values_list("lot_id", flat=True))
    nouvelles = [
        Clause(lot_id=lot_id, base_juridique=base, heures_reservees=None)
        for lot_id, base in bases.items()
        if lot_id not in existantes
    ]
    if nouvelles:
        bulk_create_with_history(
            nouvelles, Clause, default_user=utilisateur, default_change_reason=RAISON_HISTORIQUE
        )
    return len(nouvelles)


@receiver(lots_importes, dispatch_uid="insertion.decp.clauses_a_calibrer")
def _apres_import(sender, *, lots, utilisateur=None, **kwargs):
    return {LIBELLE_CLAUSES_CREEES: creer_clauses_a_calibrer(lots=lots, utilisateur=utilisateur)}

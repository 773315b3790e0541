"""Writes of the contract form: a contract, its lots and each lot's clause, in one transaction.

The contract and its lots are marches.services' (the app below this one); the clause is calibrated by
insertion.services.calibrer_clause, the one place of the calculation. Keyword-only arguments.
"""

from dataclasses import dataclass
from decimal import Decimal

from django.db import transaction

from insertion.calibrage import CHAMPS_ENTREES, calculer
from insertion.models import Clause
from insertion.services import CalibrageInvalide, calibrer_clause
from marches.models import Marche
from marches.services import MarcheInvalide, enregistrer_marche


@dataclass(frozen=True)
class ClauseSaisie:
    """A lot's clause as typed: hours alone, or the calibration inputs (the hours then fixed by the contract)."""

    base_juridique: str
    heures_reservees: Decimal | None = None
    part_main_oeuvre: Decimal | None = None
    taux_insertion: Decimal | None = None
    cout_horaire: Decimal | None = None

    @property
    def entrees(self) -> dict:
        return {champ: getattr(self, champ) for champ in CHAMPS_ENTREES}


def _enregistrer_clause(*, user, lot, saisie: ClauseSaisie) -> Clause:
    clause = Clause.objects.filter(lot=lot).first() or Clause(lot=lot)
    clause.lot = lot  # the lot as just saved (its amount feeds the calculation)
    entrees = saisie.entrees
    calcul = None not in entrees.values()
    change = clause.pk is None or clause.base_juridique != saisie.base_juridique
    if not calcul:  # hours typed (or none yet): stored as typed
        change = change or clause.heures_reservees != saisie.heures_reservees
        clause.heures_reservees = saisie.heures_reservees
    if change:
        clause.base_juridique = saisie.base_juridique
        clause._history_user = user
        clause._change_reason = "création depuis la fiche du marché" if clause.pk is None else "modification"
        clause.save()
    if calcul:
        # Calibrated again when an input, the lot's amount or the hours fixed by the contract changed.
        attendu = calculer(lot=lot, heures_fixees=saisie.heures_reservees, **entrees).heures_reservees
        memes_entrees = all(getattr(clause, champ) == valeur for champ, valeur in entrees.items())
        if not memes_entrees or clause.heures_reservees != attendu:
            calibrer_clause(user=user, clause=clause, heures_fixees=saisie.heures_reservees, **entrees)
    return clause


def enregistrer_marche_et_clauses(*, user, marche, acheteur, valeurs: dict, lots: list) -> Marche:
    """A contract with its lots (marches.services.enregistrer_marche) and each lot's clause, in one transaction.

    `lots`: (marches.services.LotSaisi, ClauseSaisie or None) pairs. Raises MarcheInvalide (nothing written).
    """
    with transaction.atomic():
        marche, enregistres = enregistrer_marche(
            user=user, marche=marche, acheteur=acheteur, valeurs=valeurs, lots=[lot for lot, _ in lots]
        )
        for lot, (_, saisie) in zip(enregistres, lots, strict=True):
            if saisie is None:
                continue
            try:
                _enregistrer_clause(user=user, lot=lot, saisie=saisie)
            except CalibrageInvalide as erreur:
                raise MarcheInvalide({"lots": [f"Lot {lot.numero} : {erreur}"]}) from erreur
    return marche

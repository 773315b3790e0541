"""A small set of contracts around today, one per rule of insertion.pilotage (the rules themselves are pinned on
fixed dates in tests/insertion/test_pilotage.py; the page only shows what they say)."""

import datetime
from decimal import Decimal

import pytest
from django.utils import timezone

from insertion.enums import Statut
from portail.periodes import mois_courant, mois_precedent, mois_suivant
from tests.factories import AcheteurFactory, ClauseFactory, HeuresRealiseesFactory

JOURS = datetime.timedelta(days=1)


def clause(*, epci, reference, debut, fin, reservees=Decimal(1000), **marche):
    return ClauseFactory(
        lot__marche__acheteur=AcheteurFactory(epci=epci, nom=f"Mairie {reference}"),
        lot__marche__reference=reference,
        lot__marche__objet=f"Travaux {reference}",
        lot__marche__date_debut=debut,
        lot__marche__date_fin=fin,
        heures_reservees=reservees,
        **{f"lot__marche__{cle}": valeur for cle, valeur in marche.items()},
    )


def heures(clause, nombre, *, mois=None, statut=Statut.DECLAREES):
    trait = {"validees": True} if statut == Statut.VALIDEES else {}
    return HeuresRealiseesFactory(
        clause=clause, mois=mois or mois_precedent(mois_courant()), heures=Decimal(nombre), **trait
    )


@pytest.fixture
def jeu(epci_a, epci_b):
    """A-RETARD (Alpha): a year in, a year to go, nothing declared → behind, no declaration.
    A-CALIBRER (Alpha): starts next month, not calibrated → not calibrated.
    A-OK (Alpha): 100 h reserved, 100 h validated last month → not listed.
    A-CLOS (Alpha): closed, nothing declared → never listed.
    B-FIN (Beta): ends in 30 days, 900 h of 1 000 validated last month → ending soon."""
    aujourd_hui = timezone.localdate()
    il_y_a_un_an, dans_un_an = aujourd_hui - 365 * JOURS, aujourd_hui + 365 * JOURS
    retard = clause(epci=epci_a, reference="A-RETARD", debut=il_y_a_un_an, fin=dans_un_an)
    a_calibrer = clause(
        epci=epci_a,
        reference="A-CALIBRER",
        debut=mois_suivant(mois_courant()),
        fin=dans_un_an + 31 * JOURS,
        reservees=None,
    )
    ok = clause(epci=epci_a, reference="A-OK", debut=il_y_a_un_an, fin=dans_un_an, reservees=Decimal(100))
    heures(ok, 100, statut=Statut.VALIDEES)
    clos = clause(epci=epci_a, reference="A-CLOS", debut=il_y_a_un_an, fin=dans_un_an, cloture_le=aujourd_hui)
    fin = clause(epci=epci_b, reference="B-FIN", debut=il_y_a_un_an, fin=aujourd_hui + 30 * JOURS)
    heures(fin, 450, statut=Statut.VALIDEES)
    heures(fin, 450, mois=mois_precedent(mois_precedent(mois_courant())), statut=Statut.VALIDEES)
    return {"retard": retard, "a_calibrer": a_calibrer, "ok": ok, "clos": clos, "fin": fin}

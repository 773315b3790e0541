"""Fixtures shared by the contracts page tests."""

import datetime
from decimal import Decimal

import pytest
from django.utils import timezone

from portail.periodes import mois_courant, premier_jour
from tests.factories import (
    AcheteurFactory,
    BeneficiaireFactory,
    ClauseFactory,
    HeuresRealiseesFactory,
    LotFactory,
    MarcheFactory,
)
from tests.www.marches.aides import D


@pytest.fixture
def jeu(epci_a, epci_b):
    """The cast's two EPCI. Alpha: a finished, a running and an upcoming contract with clauses, one without
    clause.

    Hours (hand-computed):
      A-001: reserved 1 000; validated 120 + 80 = 200; declared 50; rejected 30 (left out) → 20,0 %
      A-002: reserved 400 (lot 1) + uncalibrated lot 2; validated 100 (lot 1); declared 40 (lot 2) → 25,0 %
      A-003: uncalibrated, no hours → "—"
      B-001 (Beta): reserved 600; validated 300 → 50,0 %
    """
    aujourd_hui = timezone.localdate()
    alpha, beta = epci_a, epci_b
    mairie = AcheteurFactory(epci=alpha, nom="Mairie de Pommeraye-Témoin")
    bailleur = AcheteurFactory(epci=alpha, nom="Office Alpha Habitat")
    achat_beta = AcheteurFactory(epci=beta, nom="Ville de Beaufort-Secrète")
    personne = BeneficiaireFactory(nom="Tartempion", prenom="Honorine")

    def heures(clause, mois, nombre, **statut):
        return HeuresRealiseesFactory(
            clause=clause, beneficiaire=personne, mois=mois, heures=Decimal(nombre), **statut
        )

    a1 = ClauseFactory(
        lot__marche__acheteur=mairie,
        lot__marche__reference="A-001",
        lot__marche__objet="Réhabilitation de la salle des fêtes",
        lot__marche__date_debut=D(2023, 3, 1),
        lot__marche__date_fin=D(2024, 6, 30),
        lot__titulaire__raison_sociale="Bâtiments Durand",
        heures_reservees=Decimal(1000),
    )
    heures(a1, D(2023, 5, 1), 120, validees=True)
    heures(a1, D(2023, 6, 1), 80, validees=True)
    heures(a1, D(2024, 1, 1), 50)
    heures(a1, D(2024, 2, 1), 30, rejetees=True)

    m2 = MarcheFactory(
        acheteur=bailleur,
        reference="A-002",
        objet="Entretien des espaces verts",
        date_debut=aujourd_hui - datetime.timedelta(days=100),
        date_fin=aujourd_hui + datetime.timedelta(days=100),
    )
    a2_lot1 = ClauseFactory(lot__marche=m2, lot__numero=1, heures_reservees=Decimal(400))
    a2_lot2 = ClauseFactory(lot__marche=m2, lot__numero=2, non_calibree=True)
    heures(a2_lot1, premier_jour(m2.date_debut), 100, validees=True)
    heures(a2_lot2, mois_courant(), 40)

    a3 = ClauseFactory(
        lot__marche__acheteur=mairie,
        lot__marche__reference="A-003",
        lot__marche__date_debut=aujourd_hui + datetime.timedelta(days=30),
        lot__marche__date_fin=aujourd_hui + datetime.timedelta(days=400),
        non_calibree=True,
    )
    sans_clause = LotFactory(marche__acheteur=mairie, marche__reference="A-SANS-CLAUSE").marche

    b1 = ClauseFactory(
        lot__marche__acheteur=achat_beta,
        lot__marche__reference="B-001",
        lot__marche__date_debut=D(2019, 1, 1),
        lot__marche__date_fin=D(2020, 12, 31),
        heures_reservees=Decimal(600),
    )
    heures(b1, D(2020, 3, 1), 300, validees=True)

    return {
        "alpha": alpha,
        "beta": beta,
        "mairie": mairie,
        "bailleur": bailleur,
        "achat_beta": achat_beta,
        "a1": a1.lot.marche,
        "a2": m2,
        "a3": a3.lot.marche,
        "sans_clause": sans_clause,
        "b1": b1.lot.marche,
        "clause_a1": a1,
        "clause_a2": a2_lot1,
        "clause_a3": a3,
        "personne": personne,
    }

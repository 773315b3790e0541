"""A row of hours is saved from the version the page showed: changed or deleted meanwhile, it is reported."""

import datetime
from decimal import Decimal

import pytest

from insertion.models import HeuresRealisees
from insertion.services import LigneHeures, SaisieInvalide, enregistrer_heures
from portail.periodes import mois_courant
from tests.factories import ClauseFactory, HeuresRealiseesFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def rangee():
    ce_mois = mois_courant()
    clause = ClauseFactory(
        lot__marche__date_debut=ce_mois - datetime.timedelta(days=100),
        lot__marche__date_fin=ce_mois + datetime.timedelta(days=100),
    )
    return HeuresRealiseesFactory(clause=clause, mois=ce_mois, heures=Decimal(30))


def _ligne(rangee, heures, attendu):
    return LigneHeures(
        clause=rangee.clause,
        mois=rangee.mois,
        beneficiaire=rangee.beneficiaire,
        employeur=rangee.employeur,
        heures=Decimal(heures),
        modalite=rangee.modalite,
        type_contrat=rangee.type_contrat,
        attendu=attendu,
    )


def test_la_version_affichee_est_enregistree(rangee):
    enregistrer_heures(
        user=UserFactory(departement=True), lignes=[_ligne(rangee, 35, (Decimal(30), rangee.type_contrat))]
    )
    rangee.refresh_from_db()
    assert rangee.heures == Decimal(35)


def test_une_ligne_modifiee_entre_temps_est_signalee(rangee):
    HeuresRealisees.objects.filter(pk=rangee.pk).update(heures=Decimal(32))
    with pytest.raises(SaisieInvalide) as refus:
        enregistrer_heures(
            user=UserFactory(departement=True),
            lignes=[_ligne(rangee, 35, (Decimal(30), rangee.type_contrat))],
        )
    assert "ont été modifiées par quelqu'un d'autre pendant votre saisie" in str(refus.value)
    rangee.refresh_from_db()
    assert rangee.heures == Decimal(32)


def test_une_ligne_supprimee_entre_temps_est_signalee(rangee):
    HeuresRealisees.objects.filter(pk=rangee.pk).delete()
    with pytest.raises(SaisieInvalide):
        enregistrer_heures(
            user=UserFactory(departement=True),
            lignes=[_ligne(rangee, 35, (Decimal(30), rangee.type_contrat))],
        )
    assert not HeuresRealisees.objects.exists()


def test_sans_version_l_import_met_a_jour(rangee):
    HeuresRealisees.objects.filter(pk=rangee.pk).update(heures=Decimal(32))
    enregistrer_heures(user=UserFactory(departement=True), lignes=[_ligne(rangee, 35, None)])
    rangee.refresh_from_db()
    assert rangee.heures == Decimal(35)

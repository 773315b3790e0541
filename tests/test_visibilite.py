"""`for_user` querysets: what each kind of account may see. The same calls feed lists, exports and dashboards."""

import datetime

import pytest
from django.contrib.auth.models import AnonymousUser

from beneficiaires.models import Beneficiaire
from insertion.models import HeuresRealisees
from marches.models import Marche
from tests.factories import (
    AcheteurFactory,
    BeneficiaireFactory,
    ClauseFactory,
    HeuresRealiseesFactory,
    MarcheFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def territoire(epci_a, epci_b, marche_a, marche_b, clause_a, clause_b):
    """The cast's two EPCIs and contracts, plus one contract attached to no EPCI, and people on both sides."""
    marche_sans_epci = MarcheFactory(acheteur=AcheteurFactory(departement=True))
    clause_sans_epci = ClauseFactory(lot__marche=marche_sans_epci)

    cree_par_a = BeneficiaireFactory(cree_par_epci=epci_a)
    cree_par_b = BeneficiaireFactory(cree_par_epci=epci_b)
    # created by B, but worked on A's contract (two months): A sees them, once
    venu_de_b = BeneficiaireFactory(cree_par_epci=epci_b)
    sans_epci = BeneficiaireFactory(cree_par_epci=None)

    heures = {
        "a": [
            HeuresRealiseesFactory(clause=clause_a, beneficiaire=cree_par_a),
            HeuresRealiseesFactory(clause=clause_a, beneficiaire=venu_de_b, mois=datetime.date(2026, 1, 1)),
            HeuresRealiseesFactory(
                clause=clause_a, beneficiaire=venu_de_b, mois=datetime.date(2026, 2, 1), validees=True
            ),
        ],
        "b": [HeuresRealiseesFactory(clause=clause_b, beneficiaire=cree_par_b, rejetees=True)],
        "sans_epci": [HeuresRealiseesFactory(clause=clause_sans_epci, beneficiaire=sans_epci)],
    }
    return {
        "marches": {"a": marche_a, "b": marche_b, "sans_epci": marche_sans_epci},
        "beneficiaires": {"a": cree_par_a, "b": cree_par_b, "venu_de_b": venu_de_b, "sans_epci": sans_epci},
        "heures": heures,
    }


def _pks(queryset):
    pks = list(queryset.values_list("pk", flat=True))
    assert len(pks) == len(set(pks)), "doublons dans le queryset"
    return set(pks)


def _toutes_les_heures(territoire):
    return {h.pk for lignes in territoire["heures"].values() for h in lignes}


@pytest.mark.parametrize("qui", ["departement", "superuser"])
def test_le_departement_voit_tout(request, territoire, qui):
    utilisateur = request.getfixturevalue(qui)
    assert _pks(Marche.objects.for_user(utilisateur)) == {m.pk for m in territoire["marches"].values()}
    assert _pks(HeuresRealisees.objects.for_user(utilisateur)) == _toutes_les_heures(territoire)
    assert _pks(Beneficiaire.objects.for_user(utilisateur)) == {
        b.pk for b in territoire["beneficiaires"].values()
    }


def test_l_agent_d_epci_voit_son_epci(territoire, agent_a):
    assert _pks(Marche.objects.for_user(agent_a)) == {territoire["marches"]["a"].pk}
    assert _pks(HeuresRealisees.objects.for_user(agent_a)) == {h.pk for h in territoire["heures"]["a"]}
    beneficiaires = territoire["beneficiaires"]
    assert _pks(Beneficiaire.objects.for_user(agent_a)) == {
        beneficiaires["a"].pk,
        beneficiaires["venu_de_b"].pk,
    }


def test_l_agent_de_l_autre_epci(territoire, agent_b):
    assert _pks(Marche.objects.for_user(agent_b)) == {territoire["marches"]["b"].pk}
    assert _pks(HeuresRealisees.objects.for_user(agent_b)) == {h.pk for h in territoire["heures"]["b"]}
    # venu_de_b was created by B: B keeps seeing them even though their hours are on A's contract
    beneficiaires = territoire["beneficiaires"]
    assert _pks(Beneficiaire.objects.for_user(agent_b)) == {
        beneficiaires["b"].pk,
        beneficiaires["venu_de_b"].pk,
    }


def test_le_lecteur_ne_voit_aucune_personne(territoire, lecteur):
    assert _pks(Marche.objects.for_user(lecteur)) == {m.pk for m in territoire["marches"].values()}
    assert _pks(HeuresRealisees.objects.for_user(lecteur)) == _toutes_les_heures(territoire)
    assert not Beneficiaire.objects.for_user(lecteur).exists()


def test_le_lecteur_d_un_epci_voit_les_marches_de_son_epci(territoire, lecteur_a):
    assert _pks(Marche.objects.for_user(lecteur_a)) == {territoire["marches"]["a"].pk}
    assert _pks(HeuresRealisees.objects.for_user(lecteur_a)) == {h.pk for h in territoire["heures"]["a"]}
    assert not Beneficiaire.objects.for_user(lecteur_a).exists()


def test_visiteur_anonyme(territoire):
    anonyme = AnonymousUser()
    assert not Marche.objects.for_user(anonyme).exists()
    assert not HeuresRealisees.objects.for_user(anonyme).exists()
    assert not Beneficiaire.objects.for_user(anonyme).exists()


def test_le_marche_prend_l_epci_de_son_acheteur(territoire, epci_a, epci_b, agent_b):
    assert territoire["marches"]["a"].epci == epci_a
    assert territoire["marches"]["sans_epci"].epci is None
    # an explicit territory overrides the buyer's
    marche = MarcheFactory(acheteur=AcheteurFactory(epci=epci_a), epci=epci_b)
    assert Marche.objects.for_user(agent_b).filter(pk=marche.pk).exists()

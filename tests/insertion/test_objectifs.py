"""Yearly targets written by the Département in the portal (`insertion.objectifs.enregistrer_objectifs`)."""

import pytest
from django.core.exceptions import PermissionDenied

from insertion.models import Objectif
from insertion.objectifs import ObjectifsInvalides, enregistrer_objectifs
from insertion.selectors import objectifs_de_l_annee
from tests.factories import EpciFactory, ObjectifFactory

pytestmark = pytest.mark.django_db


def _objectifs(annee):
    return dict(Objectif.objects.filter(annee=annee).values_list("epci_id", "heures"))


def test_cree_modifie_et_supprime_en_une_fois(departement, epci_a, epci_b):
    epci_c = EpciFactory()
    ObjectifFactory(annee=2026, heures=9000)
    ObjectifFactory(annee=2026, epci=epci_a, heures=1000)
    ObjectifFactory(annee=2026, epci=epci_b, heures=2000)
    ObjectifFactory(annee=2025, epci=epci_b, heures=1500)  # another year: untouched
    resultat = enregistrer_objectifs(
        user=departement,
        annee=2026,
        departement=10_000,
        par_epci={epci_a.pk: 1000, epci_b.pk: None, epci_c.pk: 3000},
    )
    assert (resultat.crees, resultat.modifies, resultat.supprimes) == (1, 1, 1)
    assert _objectifs(2026) == {None: 10_000, epci_a.pk: 1000, epci_c.pk: 3000}
    assert _objectifs(2025) == {epci_b.pk: 1500}
    assert objectifs_de_l_annee(annee=2026) == _objectifs(2026)


def test_vide_pour_le_departement_supprime_son_objectif(departement, epci_a):
    ObjectifFactory(annee=2026, heures=9000)
    enregistrer_objectifs(user=departement, annee=2026, departement=None, par_epci={epci_a.pk: 500})
    assert _objectifs(2026) == {epci_a.pk: 500}


def test_un_epci_absent_de_l_appel_garde_son_objectif(departement, epci_a, epci_b):
    ObjectifFactory(annee=2026, epci=epci_b, heures=2000)
    enregistrer_objectifs(user=departement, annee=2026, departement=100, par_epci={epci_a.pk: 50})
    assert _objectifs(2026) == {None: 100, epci_a.pk: 50, epci_b.pk: 2000}


def test_rien_ne_change(departement, epci_a):
    ObjectifFactory(annee=2026, epci=epci_a, heures=1000)
    resultat = enregistrer_objectifs(
        user=departement, annee=2026, departement=None, par_epci={epci_a.pk: 1000}
    )
    assert resultat.changes == 0


@pytest.mark.parametrize("valeur", [0, -5, 10_000_001, 12.5, "100", True])
def test_valeurs_refusees_rien_n_est_ecrit(departement, epci_a, valeur):
    ObjectifFactory(annee=2026, heures=9000)
    with pytest.raises(ObjectifsInvalides, match="nombre entier d'heures"):
        enregistrer_objectifs(user=departement, annee=2026, departement=8000, par_epci={epci_a.pk: valeur})
    assert _objectifs(2026) == {None: 9000}


@pytest.mark.parametrize("annee", [1999, 2101])
def test_annee_hors_plage_refusee(departement, annee):
    with pytest.raises(ObjectifsInvalides, match="L'année doit être comprise entre 2000 et 2100"):
        enregistrer_objectifs(user=departement, annee=annee, departement=100, par_epci={})
    assert not Objectif.objects.exists()


@pytest.mark.parametrize("role", ["agent_a", "lecteur", "lecteur_a"])
def test_seul_le_departement_fixe_les_objectifs(request, epci_a, role):
    with pytest.raises(PermissionDenied):
        enregistrer_objectifs(
            user=request.getfixturevalue(role), annee=2026, departement=100, par_epci={epci_a.pk: 10}
        )
    assert not Objectif.objects.exists()


def test_superuser_fixe_les_objectifs(superuser, epci_a):
    enregistrer_objectifs(user=superuser, annee=2026, departement=100, par_epci={epci_a.pk: 10})
    assert _objectifs(2026) == {None: 100, epci_a.pk: 10}

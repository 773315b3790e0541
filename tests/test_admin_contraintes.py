"""Django admin: saving a row that breaks a database constraint shows the constraint's French message."""

import pytest
from django.urls import reverse
from django.utils.html import escape

from insertion.models import Objectif
from marches.models import Lot
from tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def superuser_client(client, superuser):
    client.force_login(superuser)
    return client


def _erreurs(reponse) -> list[str]:
    formulaire = reponse.context["adminform"].form
    return [message for messages in formulaire.errors.values() for message in messages]


def test_objectif_en_double_et_nul(superuser_client):
    factories.ObjectifFactory(annee=2026, heures=10_000)
    reponse = superuser_client.post(
        reverse("admin:insertion_objectif_add"), {"annee": "2026", "epci": "", "heures": "0"}
    )
    assert reponse.status_code == 200
    attendus = [
        "L'objectif doit être supérieur à 0 heure.",
        "Le Département a déjà un objectif pour cette année.",
    ]
    assert sorted(_erreurs(reponse)) == sorted(attendus)
    contenu = reponse.content.decode()
    for message in attendus:
        assert escape(message) in contenu
    assert "Contrainte" not in contenu and "constraint" not in contenu.lower()
    assert Objectif.objects.filter(annee=2026).count() == 1


def test_lot_au_numero_deja_pris(superuser_client):
    lot = factories.LotFactory(numero=1)
    reponse = superuser_client.post(
        reverse("admin:marches_lot_add"),
        {
            "marche": str(lot.marche_id),
            "numero": "1",
            "intitule": "Second lot",
            "montant_ht": "1000",
            "titulaire": str(lot.titulaire_id),
        },
    )
    assert reponse.status_code == 200
    assert _erreurs(reponse) == ["Ce marché a déjà un lot de ce numéro."]
    assert Lot.objects.filter(marche=lot.marche).count() == 1


def test_epci_au_siren_deja_pris(superuser_client):
    epci = factories.EpciFactory()
    reponse = superuser_client.post(
        reverse("admin:territoires_epci_add"), {"siren": epci.siren, "nom": "Doublon", "nature": epci.nature}
    )
    assert reponse.status_code == 200
    assert _erreurs(reponse) == ["Un EPCI porte déjà ce SIREN."]

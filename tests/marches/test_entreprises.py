"""Services on companies: employers typed by clerks, their confirmation and merge."""

import pytest
from django.core.exceptions import PermissionDenied

from marches.entreprises import (
    FusionEntreprisesImpossible,
    confirmer_entreprise,
    enregistrer_employeurs,
    fusionner_entreprises,
    nouvel_employeur,
)
from marches.enums import TypeStructure
from marches.models import Entreprise
from tests.factories import EntrepriseFactory, siret_aleatoire

pytestmark = pytest.mark.django_db


def test_un_employeur_deja_enregistre_entre_temps_est_repris(agent_a):
    existante = EntrepriseFactory()
    nouvelle = nouvel_employeur(siret=siret_aleatoire(), raison_sociale="ACI  Loire", type_structure="")
    doublon = nouvel_employeur(siret=existante.siret, raison_sociale="Autre nom", type_structure="ei")

    enregistres = enregistrer_employeurs(user=agent_a, entreprises=[nouvelle, doublon])

    assert enregistres[existante.siret] == existante
    creee = enregistres[nouvelle.siret]
    assert (creee.raison_sociale, creee.type_structure, creee.a_verifier) == ("ACI Loire", "entreprise", True)
    assert Entreprise.objects.count() == 2


def test_un_lecteur_ne_cree_ni_ne_verifie_ni_ne_fusionne(lecteur, agent_a):
    entreprise, autre = EntrepriseFactory(a_verifier=True), EntrepriseFactory()
    with pytest.raises(PermissionDenied):
        enregistrer_employeurs(
            user=lecteur,
            entreprises=[nouvel_employeur(siret=siret_aleatoire(), raison_sociale="X", type_structure="")],
        )
    with pytest.raises(PermissionDenied):
        confirmer_entreprise(user=agent_a, entreprise=entreprise, raison_sociale="X", type_structure="ei")
    with pytest.raises(PermissionDenied):
        fusionner_entreprises(user=agent_a, doublon=entreprise, gardee=autre)


def test_fusionner_une_entreprise_avec_elle_meme_est_refuse(departement):
    entreprise = EntrepriseFactory()
    with pytest.raises(FusionEntreprisesImpossible):
        fusionner_entreprises(user=departement, doublon=entreprise, gardee=entreprise)
    assert Entreprise.objects.filter(pk=entreprise.pk).exists()


def test_confirmer_sans_nom_garde_le_nom(departement):
    entreprise = EntrepriseFactory(
        a_verifier=True, raison_sociale="Nom saisi", type_structure=TypeStructure.EI
    )
    confirmer_entreprise(user=departement, entreprise=entreprise, raison_sociale="  ", type_structure="")
    entreprise.refresh_from_db()
    assert (entreprise.raison_sociale, entreprise.type_structure, entreprise.a_verifier) == (
        "Nom saisi",
        TypeStructure.EI,
        False,
    )

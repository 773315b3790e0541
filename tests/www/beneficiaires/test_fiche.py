"""People pages: the page of one person."""

import datetime
import uuid

import pytest

from beneficiaires.enums import CodePublic
from tests.factories import (
    BeneficiaireFactory,
    EligibiliteFactory,
    HeuresRealiseesFactory,
    SortieFactory,
)
from tests.www.beneficiaires.aides import mois, url_ajout, url_fiche, url_modif

pytestmark = pytest.mark.django_db
# the session saved again (+3), the access-log entry (+1), the parcours (+3), the notifications badge (+1)
MAX_REQUETES_FICHE = 19


# --- file ----------------------------------------------------------------------------------------


def test_fiche_departement_voit_toute_la_personne(client, departement, personnes, marche_a, marche_b):
    personne_heures_a, _, personne_b = personnes
    personne_heures_a.nom = "Lefèvre-Durand"
    personne_heures_a.save()
    client.force_login(departement)
    assert client.get(url_fiche(personne_b)).status_code == 200
    response = client.get(url_fiche(personne_heures_a))
    assert response.status_code == 200
    contenu = response.content.decode()
    assert marche_a.reference in contenu
    assert marche_b.reference in contenu
    assert "42,75\xa0h" in contenu  # validated on every contract
    assert "Heures déjà déclarées sur un autre marché." in contenu  # rejection reason
    assert "CDI de charpentier" in contenu
    assert url_ajout(personne_heures_a) in contenu
    assert url_modif(personne_heures_a, personne_heures_a.sorties.get()) in contenu
    # History of the record: who changed what.
    assert "Historique de la fiche" in contenu
    assert "nom : Lefèvre → Lefèvre-Durand" in contenu


def test_fiche_identite_et_publics(client, departement):
    personne = BeneficiaireFactory(
        nom="Petit",
        prenom="Anaïs",
        date_naissance=datetime.date(1990, 5, 17),
        sexe="F",
        niveau_qualification="4",
        date_entree=datetime.date(2019, 9, 2),
    )
    EligibiliteFactory(
        beneficiaire=personne,
        code=CodePublic.BRSA,
        date_debut=datetime.date(2019, 9, 2),
        date_fin=datetime.date(2021, 6, 30),
    )
    EligibiliteFactory(beneficiaire=personne, code=CodePublic.DELD, date_debut=datetime.date(2021, 7, 1))
    client.force_login(departement)
    contenu = client.get(url_fiche(personne)).content.decode()
    assert "17/05/1990" in contenu
    assert "02/09/2019" in contenu
    assert "niveau 4 (baccalauréat)" in contenu
    assert "femme" in contenu
    assert personne.commune.nom in contenu
    assert "30/06/2021" in contenu
    assert contenu.count("en cours</span>") == 1


def test_fiche_agent_epci_ne_voit_que_ses_heures_et_pas_les_sorties(
    client, agent_a, personnes, marche_a, marche_b
):
    personne_heures_a, personne_creee_a, _ = personnes
    client.force_login(agent_a)
    assert client.get(url_fiche(personne_creee_a)).status_code == 200
    response = client.get(url_fiche(personne_heures_a))
    assert response.status_code == 200
    contenu = response.content.decode()
    assert "Lefèvre" in contenu
    assert marche_a.reference in contenu
    assert marche_b.reference not in contenu
    assert "30,25" not in contenu
    assert "12,5\xa0h" in contenu
    assert "42,75" not in contenu
    assert "CDI de charpentier" not in contenu
    assert "Sorties" not in contenu
    assert "sorties/" not in contenu
    assert "Historique de la fiche" not in contenu


def test_fiche_agent_d_un_autre_epci_404(client, agent_a, personnes):
    client.force_login(agent_a)
    response = client.get(url_fiche(personnes[2]))
    assert response.status_code == 404
    assert b"Zidane" not in response.content


@pytest.mark.parametrize("utilisateur", ["lecteur", "lecteur_a"])
def test_fiche_interdite_aux_lecteurs(client, request, utilisateur, personnes):
    client.force_login(request.getfixturevalue(utilisateur))
    for personne in personnes:
        assert client.get(url_fiche(personne)).status_code == 404


def test_fiche_anonyme_renvoye_vers_la_connexion(client, personnes):
    url = url_fiche(personnes[0])
    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"] == f"/connexion/?next={url}"


def test_fiche_adressee_par_uuid_jamais_par_identifiant(client, departement, personnes):
    client.force_login(departement)
    personne = personnes[0]
    assert str(personne.public_id) in url_fiche(personne)
    assert client.get(f"/beneficiaires/{personne.pk}/").status_code == 404
    assert client.get(f"/beneficiaires/{uuid.uuid4()}/").status_code == 404


@pytest.mark.parametrize("utilisateur", ["departement", "agent_a"])
def test_requetes_de_la_fiche_independantes_du_nombre_d_heures(
    client, request, utilisateur, clause_a, django_assert_max_num_queries, django_assert_num_queries
):
    personne = BeneficiaireFactory(cree_par_epci=clause_a.lot.marche.epci)
    EligibiliteFactory(beneficiaire=personne, code=CodePublic.BRSA)
    SortieFactory(beneficiaire=personne, date=personne.date_entree)
    client.force_login(request.getfixturevalue(utilisateur))
    parametres = {"heures-per_page": 100}
    for indice in range(10):
        HeuresRealiseesFactory(clause=clause_a, beneficiaire=personne, mois=mois(indice), validees=True)
    with django_assert_max_num_queries(MAX_REQUETES_FICHE) as requetes:
        response = client.get(url_fiche(personne), parametres)
    assert len(response.context["table_heures"].page.object_list) == 10
    for indice in range(10, 100):
        HeuresRealiseesFactory(
            clause=clause_a, beneficiaire=personne, mois=mois(indice), rejetees=indice % 2 == 0
        )
    with django_assert_num_queries(len(requetes.captured_queries)):
        response = client.get(url_fiche(personne), parametres)
    assert len(response.context["table_heures"].page.object_list) == 100

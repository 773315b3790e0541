"""Adding a person never tells a clerk whether someone outside their EPCI exists."""

import datetime
import io
from decimal import Decimal

import pytest

from beneficiaires.enums import Sexe
from beneficiaires.models import Beneficiaire
from portail.periodes import mois_courant, mois_precedent
from tests.factories import BeneficiaireFactory, HeuresRealiseesFactory
from tests.www.saisie.aides import messages_de, personne_saisie, url_personne

pytestmark = pytest.mark.django_db

MOIS = mois_precedent(mois_courant())
NAISSANCE = datetime.date(1987, 3, 14)


@pytest.fixture
def connue_de_b(epci_b, clause_b):
    """Someone EPCI B entered and declared hours for; EPCI A has never heard of her."""
    personne = BeneficiaireFactory(
        nom="Rousseau", prenom="Anaïs", date_naissance=NAISSANCE, sexe=Sexe.FEMME, cree_par_epci=epci_b
    )
    HeuresRealiseesFactory(clause=clause_b, beneficiaire=personne, mois=MOIS, heures=Decimal(35))
    return personne


def _ajout(client, clause, **valeurs):
    donnees = personne_saisie(nom="Rousseau", prenom="Anaïs", date_naissance=NAISSANCE.isoformat()) | valeurs
    return client.post(url_personne(clause, MOIS), donnees)


def test_la_meme_reponse_que_la_personne_existe_ailleurs_ou_non(client, agent_a, clause_a, connue_de_b):
    client.force_login(agent_a)
    reponse_connue = _ajout(client, clause_a)
    [message_connue] = messages_de(reponse_connue)
    client.get(reponse_connue["Location"])  # shows, and so consumes, the message
    [message_inconnue] = messages_de(_ajout(client, clause_a, nom="Rousselet"))

    assert message_connue.replace("ROUSSEAU", "X") == message_inconnue.replace("ROUSSELET", "X")
    assert "déjà connu" not in message_connue
    # Her record of EPCI B is neither reused, nor offered, nor opened.
    assert str(connue_de_b.public_id) not in reponse_connue["Location"]
    assert client.get(f"/beneficiaires/{connue_de_b.public_id}/").status_code == 404
    assert client.get(reponse_connue["Location"]).content.decode().count(str(connue_de_b.public_id)) == 0


def test_le_departement_reprend_la_fiche_existante(client, departement, clause_a, connue_de_b):
    client.force_login(departement)
    reponse = _ajout(client, clause_a)
    assert "est déjà connu·e du portail" in messages_de(reponse)[0]
    assert str(connue_de_b.public_id) in reponse["Location"]
    assert Beneficiaire.objects.count() == 1


def test_l_import_d_un_releve_ne_reprend_pas_une_personne_d_un_autre_epci(
    client, agent_a, clause_a, connue_de_b
):
    client.force_login(agent_a)
    entetes = "reference_marche;numero_lot;mois;siret_employeur;nom;prenom;date_naissance;sexe;heures;modalite;type_contrat"
    ligne = (
        f"{clause_a.lot.marche.reference};{clause_a.lot.numero};{MOIS:%Y-%m};{clause_a.lot.titulaire.siret};"
        f"Rousseau;Anaïs;{NAISSANCE:%d/%m/%Y};F;20;embauche_directe;cdd"
    )
    fichier = io.BytesIO(f"{entetes}\n{ligne}\n".encode())
    fichier.name = "releve.csv"
    reponse = client.post("/import/", {"fichier": fichier})
    assert reponse.status_code == 200
    resultat = reponse.context["resultat"]
    assert resultat.erreurs == []
    assert resultat.crees == 1
    nouvelle = Beneficiaire.objects.exclude(pk=connue_de_b.pk).get()
    assert nouvelle.cree_par_epci == agent_a.epci
    assert connue_de_b.heures.count() == 1

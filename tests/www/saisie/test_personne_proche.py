"""Monthly entry pages: a new person close to a known one (same birth date, close name) is confirmed first."""

import datetime

import pytest
from django.test import Client
from django.urls import reverse

from beneficiaires.enums import ActionAcces
from beneficiaires.identite import cle_identite
from beneficiaires.models import AccesDonnees, Beneficiaire
from tests.factories import BeneficiaireFactory, CommuneFactory
from tests.requetes import assert_autant_de_requetes, requetes_de_l_envoi
from tests.www.saisie.aides import messages_de, personne_saisie, url_grille, url_personne
from www.saisie import attente

pytestmark = pytest.mark.django_db

NEE_LE = datetime.date(1990, 2, 1)  # the birth date personne_saisie posts (Élodie Dupré)
MESSAGE_AJOUTEE = (
    "DUPRÉ Élodie (né·e le 01/02/1990) est ajouté·e à la grille : saisissez ses heures ci-dessous. Sa fiche "
    "sera créée à l'enregistrement de la grille."
)


def en_attente(client, clause, mois):
    return client.session.get(attente.CLE_SESSION, {}).get(f"{clause.pk}:{mois:%Y-%m}", [])


def client_de(user):
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def client_departement(departement):
    return client_de(departement)


@pytest.fixture
def duprez_de_b(epci_b):
    """Élodie Duprez of EPCI B: one letter more than Élodie Dupré, born the same day."""
    return BeneficiaireFactory(
        nom="Duprez",
        prenom="Élodie",
        date_naissance=NEE_LE,
        commune=CommuneFactory(nom="Montreuil-Bellay", epci=epci_b),
        cree_par_epci=epci_b,
    )


@pytest.fixture
def duprez_de_a(epci_a):
    return BeneficiaireFactory(nom="Duprez", prenom="Élodie", date_naissance=NEE_LE, cree_par_epci=epci_a)


# --- Département staff -----------------------------------------------------------------------------


def test_le_departement_voit_la_personne_proche(client_departement, departement, clause_a, mois, duprez_de_b):
    reponse = client_departement.post(url_personne(clause_a, mois), personne_saisie())

    assert reponse.status_code == 200
    assert reponse.context["proches"] == [duprez_de_b]
    contenu = reponse.content.decode()
    assert "Cette personne est-elle déjà connue du portail ?" in contenu
    assert "DUPREZ Élodie" in contenu
    assert "01/02/1990" in contenu
    assert "Montreuil-Bellay" in contenu
    assert duprez_de_b.cree_par_epci.nom in contenu
    assert reverse("beneficiaires:fiche", args=[duprez_de_b.public_id]) in contenu
    assert "C'est cette personne" in contenu
    assert "C'est une autre personne" in contenu
    assert not en_attente(client_departement, clause_a, mois)
    acces = AccesDonnees.objects.get()
    assert (acces.utilisateur, acces.action, acces.beneficiaire) == (
        departement,
        ActionAcces.IDENTIFICATION,
        duprez_de_b,
    )


def test_le_departement_voit_les_proches_de_chaque_epci(
    client_departement, clause_a, mois, duprez_de_a, epci_b
):
    inversee = BeneficiaireFactory(nom="Élodie", prenom="Dupré", date_naissance=NEE_LE, cree_par_epci=epci_b)
    du_departement = BeneficiaireFactory(
        nom="Du Pré", prenom="Élodie", date_naissance=NEE_LE, cree_par_epci=None, commune=None
    )
    BeneficiaireFactory(
        nom="Duprez", prenom="Élodie", date_naissance=datetime.date(1990, 2, 2)
    )  # another day
    BeneficiaireFactory(nom="Dupuis", prenom="Élodie", date_naissance=NEE_LE)  # two letters off

    reponse = client_departement.post(url_personne(clause_a, mois), personne_saisie())

    assert set(reponse.context["proches"]) == {duprez_de_a, inversee, du_departement}
    assert "le Département" in reponse.content.decode()
    acces = AccesDonnees.objects.get()
    assert (acces.beneficiaire, acces.nombre_personnes) == (None, 3)


def test_c_est_cette_personne(client_departement, clause_a, mois, duprez_de_b):
    client_departement.post(url_personne(clause_a, mois), personne_saisie())

    reponse = client_departement.post(
        reverse("saisie:reprendre", args=[clause_a.pk, f"{mois:%Y-%m}"]), {"personne": duprez_de_b.public_id}
    )

    assert reponse.status_code == 302
    assert reponse["Location"] == url_grille(clause_a, mois, personne=duprez_de_b.public_id)
    assert not en_attente(client_departement, clause_a, mois)
    assert str(duprez_de_b.public_id) in client_departement.get(reponse["Location"]).content.decode()
    assert (
        AccesDonnees.objects.filter(action=ActionAcces.IDENTIFICATION, beneficiaire=duprez_de_b).count() == 2
    )


def test_c_est_une_autre_personne(client_departement, clause_a, mois, duprez_de_b):
    affichee = client_departement.post(url_personne(clause_a, mois), personne_saisie())
    confirmation = affichee.context["cle_a_confirmer"]
    assert f'name="confirmation_identite" value="{confirmation}"' in affichee.content.decode()

    reponse = client_departement.post(
        url_personne(clause_a, mois), personne_saisie(confirmation_identite=confirmation)
    )

    assert reponse.status_code == 302
    assert messages_de(reponse) == [MESSAGE_AJOUTEE]
    [nouvelle] = en_attente(client_departement, clause_a, mois)
    assert (nouvelle["nom"], nouvelle["prenom"]) == ("Dupré", "Élodie")
    assert reponse["Location"] == url_grille(clause_a, mois, personne=nouvelle["public_id"])


def test_une_confirmation_ne_vaut_que_pour_l_identite_confirmee(
    client_departement, clause_a, mois, duprez_de_b
):
    confirmation = cle_identite("Dupré", "Élodie", NEE_LE)

    # The name changed after the confirmation: "Dupres" is close to "Duprez" too, and is asked again.
    reponse = client_departement.post(
        url_personne(clause_a, mois), personne_saisie(nom="Dupres", confirmation_identite=confirmation)
    )

    assert reponse.status_code == 200
    assert reponse.context["proches"] == [duprez_de_b]
    assert not en_attente(client_departement, clause_a, mois)


def test_une_autre_date_de_naissance_est_creee_sans_question(client_departement, clause_a, mois, duprez_de_b):
    reponse = client_departement.post(
        url_personne(clause_a, mois), personne_saisie(date_naissance="1990-02-02")
    )

    assert reponse.status_code == 302
    assert len(en_attente(client_departement, clause_a, mois)) == 1
    assert not AccesDonnees.objects.exists()


def test_deux_lettres_d_ecart_est_creee_sans_question(client_departement, clause_a, mois, duprez_de_b):
    reponse = client_departement.post(url_personne(clause_a, mois), personne_saisie(nom="Duprat"))

    assert reponse.status_code == 302
    assert len(en_attente(client_departement, clause_a, mois)) == 1


# --- clerks ----------------------------------------------------------------------------------------


def test_l_agent_voit_les_proches_de_son_perimetre(client_agent, clause_a, mois, duprez_de_a, duprez_de_b):
    reponse = client_agent.post(url_personne(clause_a, mois), personne_saisie())

    assert reponse.status_code == 200
    assert reponse.context["proches"] == [duprez_de_a]
    contenu = reponse.content.decode()
    assert str(duprez_de_a.public_id) in contenu
    assert str(duprez_de_b.public_id) not in contenu
    assert duprez_de_b.cree_par_epci.nom not in contenu


def test_un_proche_hors_du_perimetre_n_est_jamais_revele(agent_a, clause_a, mois, epci_b):
    """EPCI A's clerk gets the very answer of a creation without anyone close: the same redirect, the same
    message, nothing in the access log."""
    sans_proche = client_de(agent_a).post(url_personne(clause_a, mois), personne_saisie())
    attendu = (sans_proche.status_code, sans_proche["Location"].split("=")[0], messages_de(sans_proche))

    BeneficiaireFactory(nom="Duprez", prenom="Élodie", date_naissance=NEE_LE, cree_par_epci=epci_b)
    BeneficiaireFactory(nom="Élodie", prenom="Dupré", date_naissance=NEE_LE, cree_par_epci=epci_b)
    client = client_de(agent_a)
    avec_proches = client.post(url_personne(clause_a, mois), personne_saisie())

    assert (
        avec_proches.status_code,
        avec_proches["Location"].split("=")[0],
        messages_de(avec_proches),
    ) == attendu
    assert attendu == (302, url_grille(clause_a, mois) + "?personne", [MESSAGE_AJOUTEE])
    assert not AccesDonnees.objects.exists()
    assert len(en_attente(client, clause_a, mois)) == 1


def test_le_meme_nom_hors_du_perimetre_reste_une_autre_fiche(client_agent, clause_a, mois, epci_b):
    """An exact match outside the clerk's scope is not revealed either: a record of their own is created (the
    Département merges the two at /beneficiaires/doublons/)."""
    BeneficiaireFactory(nom="Dupré", prenom="Élodie", date_naissance=NEE_LE, cree_par_epci=epci_b)

    reponse = client_agent.post(url_personne(clause_a, mois), personne_saisie())

    assert reponse.status_code == 302
    assert messages_de(reponse) == [MESSAGE_AJOUTEE]
    assert len(en_attente(client_agent, clause_a, mois)) == 1


def test_l_agent_ne_reprend_pas_un_proche_hors_perimetre(client_agent, clause_a, mois, duprez_de_b):
    reponse = client_agent.post(
        reverse("saisie:reprendre", args=[clause_a.pk, f"{mois:%Y-%m}"]), {"personne": duprez_de_b.public_id}
    )

    assert reponse.status_code == 404


def test_nombre_de_requetes_des_proches(client_departement, clause_a, mois):
    def requetes(nombre):
        Beneficiaire.objects.all().delete()
        for lettre in "abcdefghij"[:nombre]:
            BeneficiaireFactory(nom=f"Dupré{lettre}", prenom="Élodie", date_naissance=NEE_LE)
        reponse, sql = requetes_de_l_envoi(
            client_departement, url_personne(clause_a, mois), personne_saisie()
        )
        assert len(reponse.context["proches"]) == nombre
        return sql

    assert_autant_de_requetes(requetes(1), requetes(10))

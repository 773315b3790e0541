"""Monthly entry pages: finding a known person and adding them to the month."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from beneficiaires.enums import ActionAcces
from beneficiaires.models import AccesDonnees, Beneficiaire
from beneficiaires.retention import anonymiser
from beneficiaires.selectors import RECHERCHE_PERSONNES_MAX
from tests.factories import BeneficiaireFactory, CommuneFactory
from tests.requetes import assert_autant_de_requetes, requetes_de_la_page
from tests.www.saisie.aides import grille, index_de, messages_de, url_grille, url_personne

pytestmark = pytest.mark.django_db


def url_reprendre(clause, mois):
    return reverse("saisie:reprendre", args=[clause.pk, mois.strftime("%Y-%m")])


def chercher(client, clause, mois, **criteres):
    reponse = client.get(url_personne(clause, mois), criteres)
    assert reponse.status_code == 200
    return reponse


def trouvees(reponse):
    return reponse.context["trouvees"]


@pytest.fixture
def de_a(epci_a):
    return BeneficiaireFactory(
        nom="Lefèvre",
        prenom="Jean-Pierre",
        date_naissance=datetime.date(1985, 4, 2),
        commune=CommuneFactory(nom="Baugé-en-Anjou", epci=epci_a),
        cree_par_epci=epci_a,
    )


@pytest.fixture
def de_b(epci_b):
    return BeneficiaireFactory(
        nom="Lefèvre", prenom="Jean-Pierre", date_naissance=datetime.date(1985, 4, 2), cree_par_epci=epci_b
    )


# --- the search ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "q", ["lefevre", "LEFÈVRE", "jean-pierre lefevre", "Jean Pierre", "pierre", "Lefèvre 1985", "jean-p"]
)
def test_recherche_sans_accents_ni_casse_ni_tirets(client_agent, clause_a, mois, de_a, q):
    reponse = chercher(client_agent, clause_a, mois, q=q)

    assert trouvees(reponse) == [de_a]
    contenu = reponse.content.decode()
    assert "LEFÈVRE Jean-Pierre" in contenu
    assert "02/04/1985" in contenu
    assert "Baugé-en-Anjou" in contenu
    assert "Ajouter à ce mois" in contenu


def test_recherche_par_annee_de_naissance(client_agent, clause_a, mois, de_a, epci_a):
    BeneficiaireFactory(
        nom="Lefèvre", prenom="Anne", date_naissance=datetime.date(1990, 1, 1), cree_par_epci=epci_a
    )

    assert trouvees(chercher(client_agent, clause_a, mois, q="lefevre", annee="1985")) == [de_a]
    assert trouvees(chercher(client_agent, clause_a, mois, annee="1985")) == [de_a]
    assert trouvees(chercher(client_agent, clause_a, mois, q="lefevre", annee="1970")) == []


def test_l_agent_ne_trouve_que_son_perimetre(client, agent_a, agent_b, clause_a, clause_b, mois, de_a, de_b):
    client.force_login(agent_a)
    assert trouvees(chercher(client, clause_a, mois, q="lefevre")) == [de_a]

    client.force_login(agent_b)
    assert trouvees(chercher(client, clause_b, mois, q="lefevre")) == [de_b]
    # Not even in the page of a clause of EPCI A: it is not theirs.
    assert client.get(url_personne(clause_a, mois), {"q": "lefevre"}).status_code == 404


def test_le_departement_trouve_chaque_epci(client, departement, clause_a, mois, de_a, de_b):
    client.force_login(departement)

    assert set(trouvees(chercher(client, clause_a, mois, q="lefevre"))) == {de_a, de_b}


def test_un_lecteur_ne_cherche_personne(client, lecteur, lecteur_a, clause_a, mois, de_a):
    for user in (lecteur, lecteur_a):
        client.force_login(user)
        assert client.get(url_personne(clause_a, mois), {"q": "lefevre"}).status_code == 404
        reponse = client.post(url_reprendre(clause_a, mois), {"personne": de_a.public_id})
        assert reponse.status_code == 404
    assert not AccesDonnees.objects.exists()


def test_une_personne_anonymisee_n_est_jamais_trouvee(client_agent, clause_a, mois, de_a):
    anonymiser(beneficiaires=Beneficiaire.objects.filter(pk=de_a.pk), maintenant=timezone.now())

    assert trouvees(chercher(client_agent, clause_a, mois, annee="1985")) == []
    assert trouvees(chercher(client_agent, clause_a, mois, q="personne anonymisee")) == []
    reponse = client_agent.post(url_reprendre(clause_a, mois), {"personne": de_a.public_id})
    assert reponse.status_code == 404


def test_les_resultats_sont_limites(client_agent, epci_a, clause_a, mois):
    for _ in range(RECHERCHE_PERSONNES_MAX + 1):
        BeneficiaireFactory(nom="Martin", cree_par_epci=epci_a)

    reponse = chercher(client_agent, clause_a, mois, q="martin")

    assert len(trouvees(reponse)) == RECHERCHE_PERSONNES_MAX
    assert reponse.context["d_autres"]
    assert "d'autres correspondent, précisez la recherche" in reponse.content.decode()
    acces = AccesDonnees.objects.get()
    assert (acces.action, acces.nombre_personnes) == (ActionAcces.RECHERCHE, RECHERCHE_PERSONNES_MAX)


def test_la_recherche_est_inscrite_au_journal(client_agent, agent_a, clause_a, mois, de_a):
    chercher(client_agent, clause_a, mois, q="lefevre", annee="1985")

    acces = AccesDonnees.objects.get()
    assert (acces.utilisateur, acces.action, acces.nombre_personnes) == (agent_a, ActionAcces.RECHERCHE, 1)
    assert "lefevre" in acces.detail
    assert "1985" in acces.detail
    assert clause_a.lot.marche.reference in acces.detail


def test_une_recherche_sans_resultat(client_agent, clause_a, mois, de_a):
    reponse = chercher(client_agent, clause_a, mois, q="durand")

    assert "Aucune personne ne correspond à cette recherche" in reponse.content.decode()
    assert not AccesDonnees.objects.exists()  # nobody shown, nothing to log


@pytest.mark.parametrize(
    ("criteres", "message"),
    [
        ({"q": ""}, "Indiquez un nom, un prénom ou une année de naissance."),
        ({"q": " - ' "}, "Indiquez un nom, un prénom ou une année de naissance."),
        ({"annee": "85x"}, "Indiquez l&#x27;année de naissance en quatre chiffres, par exemple 1985."),
        ({"annee": "1800"}, "Indiquez une année de naissance à partir de 1900."),
        ({"q": "x" * 101}, "La recherche compte au plus 100 caractères."),
    ],
)
def test_une_recherche_invalide(client_agent, clause_a, mois, de_a, criteres, message):
    reponse = chercher(client_agent, clause_a, mois, **criteres)

    assert message in reponse.content.decode()
    assert "trouvees" not in reponse.context
    assert not AccesDonnees.objects.exists()


def test_la_grille_propose_la_recherche(client_agent, clause_a, mois):
    contenu = grille(client_agent, clause_a, mois)[0].content.decode()

    assert f'action="{url_personne(clause_a, mois)}"' in contenu
    assert (
        '<label class="form-label" for="recherche-connue">Ajouter une personne déjà connue</label>' in contenu
    )


def test_nombre_de_requetes_de_la_recherche(client_agent, epci_a, clause_a, mois):
    def requetes(nombre):
        Beneficiaire.objects.all().delete()
        for _ in range(nombre):
            BeneficiaireFactory(nom="Martin", cree_par_epci=epci_a)
        reponse, sql = requetes_de_la_page(client_agent, url_personne(clause_a, mois), {"q": "martin"})
        assert len(reponse.context["trouvees"]) == nombre
        return sql

    assert_autant_de_requetes(requetes(2), requetes(20))


# --- adding the person found -----------------------------------------------------------------------


def test_ajouter_a_ce_mois(client_agent, agent_a, clause_a, mois, de_a):
    reponse = client_agent.post(url_reprendre(clause_a, mois), {"personne": de_a.public_id})

    assert reponse.status_code == 302
    assert reponse["Location"] == url_grille(clause_a, mois, personne=de_a.public_id)
    assert messages_de(reponse) == [
        "LEFÈVRE Jean-Pierre (né·e le 02/04/1985) est ajouté·e à la grille avec sa fiche existante : saisissez "
        "ses heures ci-dessous."
    ]
    acces = AccesDonnees.objects.get()
    assert (acces.utilisateur, acces.action, acces.beneficiaire) == (
        agent_a,
        ActionAcces.IDENTIFICATION,
        de_a,
    )
    # The grid offers her on a line of her own, with the holder as employer; her record is unchanged.
    _, formset = grille(client_agent, clause_a, mois, personne=de_a.public_id)
    ligne = formset.forms[index_de(formset, de_a)]
    assert ligne["siret_employeur"].value() == clause_a.lot.titulaire.siret
    # Still offered later in the session, without the parameter.
    assert str(de_a.public_id) in grille(client_agent, clause_a, mois)[0].content.decode()
    assert Beneficiaire.objects.get(pk=de_a.pk).modifie_le == de_a.modifie_le


@pytest.mark.parametrize("personne", ["", "pas-un-identifiant", "00000000-0000-0000-0000-000000000000"])
def test_ajouter_une_personne_inconnue(client_agent, clause_a, mois, personne):
    assert client_agent.post(url_reprendre(clause_a, mois), {"personne": personne}).status_code == 404


def test_ajouter_une_personne_hors_perimetre(client_agent, clause_a, mois, de_b):
    reponse = client_agent.post(url_reprendre(clause_a, mois), {"personne": de_b.public_id})

    assert reponse.status_code == 404
    assert not AccesDonnees.objects.exists()
    contenu = grille(client_agent, clause_a, mois, personne=de_b.public_id)[0].content.decode()
    assert str(de_b.public_id) not in contenu


def test_ajouter_sur_la_clause_d_un_autre_epci(client, agent_b, clause_a, mois, de_b):
    client.force_login(agent_b)

    assert client.post(url_reprendre(clause_a, mois), {"personne": de_b.public_id}).status_code == 404


def test_ajouter_se_fait_par_un_envoi(client_agent, clause_a, mois, de_a):
    assert client_agent.get(url_reprendre(clause_a, mois), {"personne": de_a.public_id}).status_code == 405
    assert not AccesDonnees.objects.exists()

"""Calibration of a clause: the list of clauses to calibrate."""

from decimal import Decimal

import pytest
from django.urls import reverse

from marches.enums import NatureMarche
from tests.factories import AcheteurFactory, ClauseFactory, EpciFactory
from tests.insertion.calibrage.aides import en_clair, enregistrer, non_calibree, texte, url_calibrer
from tests.requetes import assert_autant_de_requetes, requetes_de_la_page

pytestmark = pytest.mark.django_db

URL_LISTE = reverse("calibrage:liste")


# --- the list ------------------------------------------------------------------------------------


@pytest.fixture
def jeu(epci_a, epci_b):
    """The cast's two EPCI; uncalibrated clauses on both sides, calibrated ones that must not show."""
    alpha, beta = epci_a, epci_b
    mairie = AcheteurFactory(epci=alpha, nom="Mairie d'Alphaville")
    office = AcheteurFactory(epci=beta, nom="Office Beta Habitat")
    calibreur = AcheteurFactory(epci=beta, nom="Syndicat Toujours Calibré")
    return {
        "alpha": alpha,
        "beta": beta,
        "mairie": mairie,
        "office": office,
        "a1": non_calibree(
            lot__marche__acheteur=mairie,
            lot__marche__reference="A-001",
            lot__marche__nature=NatureMarche.TRAVAUX,
            lot__montant_ht=Decimal(200_000),
        ),
        "a2": non_calibree(
            lot__marche__acheteur=mairie,
            lot__marche__reference="A-002",
            lot__marche__nature=NatureMarche.SERVICES,
            lot__montant_ht=Decimal(1_500_000),
            lot__marche__marche_reserve=True,
        ),
        "b1": non_calibree(
            lot__marche__acheteur=office,
            lot__marche__reference="B-001",
            lot__marche__nature=NatureMarche.TRAVAUX,
            lot__montant_ht=Decimal(800_000),
        ),
        "b_calibree": ClauseFactory(lot__marche__acheteur=office, lot__marche__reference="B-CALIBREE"),
        "c_calibree": ClauseFactory(lot__marche__acheteur=calibreur, lot__marche__reference="C-CALIBREE"),
    }


def references(response):
    return [ligne.record.lot.marche.reference for ligne in response.context["table"].paginated_rows]


def test_liste_des_clauses_non_calibrees_par_montant_decroissant(client, departement, jeu):
    client.force_login(departement)
    response = client.get(URL_LISTE)
    assert response.status_code == 200
    assert references(response) == ["A-002", "B-001", "A-001"]
    page = texte(response)
    assert "Clauses à calibrer (3)" in page
    assert "B-CALIBREE" not in page
    assert "Syndicat Toujours Calibré" not in page  # not even in the buyer filter
    ligne = {c.name: v for c, v in response.context["table"].paginated_rows[0].items()}
    assert en_clair(ligne["montant_ht"]) == "1 500 000,00 €"
    assert ligne["nature"] == "services"
    assert ligne["epci"] == "CC Alpha"
    assert ligne["considerations_sociales"] == "Clause sociale, Marché réservé"
    assert ligne["date_notification"] == "15/01/2026"
    assert f'href="{reverse("marches:detail", args=[jeu["a2"].lot.marche_id])}"' in response.content.decode()
    assert f'href="{url_calibrer(jeu["a2"])}"' in response.content.decode()
    assert "<caption>" in response.content.decode()


def test_options_des_filtres_tirees_des_clauses_a_calibrer(client, departement, jeu):
    client.force_login(departement)
    formulaire = client.get(URL_LISTE).context["filtre"].form
    assert list(formulaire.fields["epci"].queryset) == [jeu["alpha"], jeu["beta"]]
    assert list(formulaire.fields["acheteur"].queryset) == [jeu["mairie"], jeu["office"]]
    assert [valeur for valeur, _ in formulaire.fields["nature"].choices] == ["", "travaux", "services"]


@pytest.mark.parametrize(
    ("filtre", "attendu"),
    [
        ({"epci": "beta"}, ["B-001"]),
        ({"nature": "travaux"}, ["B-001", "A-001"]),
        ({"acheteur": "mairie"}, ["A-002", "A-001"]),
        ({"nature": "travaux", "epci": "alpha"}, ["A-001"]),
    ],
)
def test_filtres(client, departement, jeu, filtre, attendu):
    client.force_login(departement)
    parametres = {cle: jeu[valeur].pk if valeur in jeu else valeur for cle, valeur in filtre.items()}
    assert references(client.get(URL_LISTE, parametres)) == attendu


def test_filtre_sans_resultat_et_filtre_invalide(client, departement, jeu):
    client.force_login(departement)
    response = client.get(URL_LISTE, {"nature": "fournitures"})
    assert references(response) == []
    assert "Aucune clause à calibrer ne correspond à ces critères." in texte(response)
    assert "Un filtre n'est pas valide" in texte(response)  # no uncalibrated supply contract: not an option


def test_tri_par_reference(client, departement, jeu):
    client.force_login(departement)
    assert references(client.get(URL_LISTE, {"sort": "marche"})) == ["A-001", "A-002", "B-001"]
    assert references(client.get(URL_LISTE, {"sort": "montant_ht"})) == ["A-001", "B-001", "A-002"]


def test_etat_vide(client, departement):
    ClauseFactory()
    client.force_login(departement)
    response = client.get(URL_LISTE)
    assert response.status_code == 200
    assert "Clauses à calibrer (0)" in texte(response)
    assert "Toutes les clauses sont calibrées." in texte(response)


# --- who may ---------------------------------------------------------------------------------------


@pytest.mark.parametrize("qui", ["agent_a", "lecteur", "lecteur_a"])
def test_reserve_au_departement(client, request, jeu, qui):
    # An agent of the clause's own EPCI, a reader of the whole Département, a reader of that EPCI: all 404.
    client.force_login(request.getfixturevalue(qui))
    assert client.get(URL_LISTE).status_code == 404
    assert client.get(url_calibrer(jeu["a1"])).status_code == 404
    assert enregistrer(client, jeu["a1"]).status_code == 404
    jeu["a1"].refresh_from_db()
    assert jeu["a1"].heures_reservees is None


def test_clause_inconnue(client, departement):
    client.force_login(departement)
    assert client.get(reverse("calibrage:calibrer", args=[999_999])).status_code == 404


def test_visiteur_anonyme_renvoye_vers_la_connexion(client, jeu):
    for url in (URL_LISTE, url_calibrer(jeu["a1"])):
        response = client.get(url)
        assert response.status_code == 302
        assert response["Location"] == f"/connexion/?next={url}"
    response = enregistrer(client, jeu["a1"])
    assert response.status_code == 302
    jeu["a1"].refresh_from_db()
    assert jeu["a1"].heures_reservees is None


def test_boutons_de_la_page_marche(client, departement, agent_a, jeu):
    calibree = ClauseFactory(lot__marche=jeu["a1"].lot.marche)
    url = reverse("marches:detail", args=[jeu["a1"].lot.marche_id])
    client.force_login(departement)
    page = client.get(url).content.decode()
    assert f'href="{url_calibrer(jeu["a1"])}">Calibrer<' in page
    assert f'href="{url_calibrer(calibree)}">Recalculer<' in page
    client.force_login(agent_a)
    page = client.get(url).content.decode()
    assert "clause non calibrée" in page
    assert url_calibrer(jeu["a1"]) not in page
    assert url_calibrer(calibree) not in page


# --- query counts --------------------------------------------------------------------------------


def _clauses(acheteurs, debut, fin):
    for i in range(debut, fin):
        non_calibree(lot__marche__acheteur=acheteurs[i % 3], lot__montant_ht=Decimal(10_000 * (i + 1)))
        ClauseFactory(lot__marche__acheteur=acheteurs[i % 3])  # calibrated: left out


def test_requetes_liste_independantes_du_nombre_de_clauses(client, departement):
    acheteurs = [AcheteurFactory(epci=epci) for epci in EpciFactory.create_batch(3)]
    client.force_login(departement)
    parametres = {"sort": "-montant_ht", "per_page": 100}

    _clauses(acheteurs, 0, 10)
    response, avec_n = requetes_de_la_page(client, URL_LISTE, parametres)
    assert response.context["table"].paginator.count == 10
    assert len(response.context["table"].paginated_rows) == 10

    _clauses(acheteurs, 10, 100)
    response, avec_10_n = requetes_de_la_page(client, URL_LISTE, parametres)
    assert response.context["table"].paginator.count == 100
    assert len(response.context["table"].paginated_rows) == 100
    assert_autant_de_requetes(avec_n, avec_10_n)

    par_defaut = client.get(URL_LISTE, {"sort": "-montant_ht"})
    assert len(par_defaut.context["table"].paginated_rows) == 50  # pages of 50

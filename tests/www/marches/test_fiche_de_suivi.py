"""The follow-up sheet of a contract: hours due, people, employers, the dated log; closing and reopening."""

import datetime
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from beneficiaires.models import AccesDonnees
from insertion import regles
from marches.enums import EtapeSuivi
from marches.models import EvenementSuivi
from tests.factories import (
    BeneficiaireFactory,
    ClauseFactory,
    EntrepriseFactory,
    EvenementSuiviFactory,
    HeuresRealiseesFactory,
)
from tests.requetes import assert_autant_de_requetes, requetes_de_la_page
from tests.www.marches.aides import NBSP, D, get, url_marche

pytestmark = pytest.mark.django_db


def test_heures_dues_rejetees_et_par_lot(client, jeu, departement):
    # A-001 ended in 2024: everything reserved is due. 30 h were rejected.
    reponse = get(client, departement, url_marche(jeu["a1"]))
    totaux = reponse.context["totaux"]
    assert totaux["dues"] == Decimal(1000)
    assert totaux["rejetees"] == Decimal(30)
    (ligne,) = reponse.context["lots"]
    assert ligne["dues"] == Decimal(1000)
    html = reponse.content.decode()
    assert "Heures rejetées" in html
    assert f"30{NBSP}h" in html


def test_heures_dues_d_un_marche_en_cours(client, jeu, departement):
    # 400 h reserved on lot 1, from 100 days ago to 100 days ahead; lot 2 uncalibrated.
    marche, jour = jeu["a2"], timezone.localdate()
    attendu = regles.heures_dues(
        heures_reservees=Decimal(400), debut=marche.date_debut, fin=marche.date_fin, jour=jour
    )
    assert attendu == Decimal(201)  # 400 × 101 days of 201 = 200,99
    reponse = get(client, departement, url_marche(marche))
    assert reponse.context["totaux"]["dues"] == attendu
    assert [ligne["dues"] for ligne in reponse.context["lots"]] == [attendu, None]


def test_le_departement_et_l_agent_voient_les_personnes_et_c_est_journalise(
    client, jeu, departement, agent_a
):
    for user in (departement, agent_a):
        reponse = get(client, user, url_marche(jeu["a1"]))
        html = reponse.content.decode()
        assert "Tartempion Honorine" in html
        (personne,) = reponse.context["personnes"]
        assert personne["total"] == Decimal(250)  # 120 + 80 validated + 50 declared; rejected left out
        assert personne["validees"] == Decimal(200)
        acces = AccesDonnees.objects.filter(utilisateur=user).get()
        assert acces.nombre_personnes == 1
        assert "A-001" in acces.detail and "Mairie de Pommeraye-Témoin" in acces.detail


def test_le_lecteur_ne_voit_que_le_nombre_de_personnes(client, jeu, lecteur_a):
    reponse = get(client, lecteur_a, url_marche(jeu["a1"]))
    html = reponse.content.decode()
    assert "Tartempion" not in html
    assert "Honorine" not in html
    assert reponse.context["nombre_personnes"] == "< 5"  # one person: below the statistical threshold
    assert not AccesDonnees.objects.exists()
    assert "Ajouter au journal" not in html
    assert reverse("marches:modifier", args=[jeu["a1"].pk]) not in html


def test_les_employeurs_avec_lien_vers_leur_page(client, jeu, departement):
    clause = jeu["clause_a1"]
    autre = EntrepriseFactory(raison_sociale="Intérim Solidaire")
    HeuresRealiseesFactory(clause=clause, employeur=autre, mois=D(2023, 7, 1), heures=Decimal(12))
    reponse = get(client, departement, url_marche(jeu["a1"]))
    employeurs = {e["employeur__raison_sociale"]: e for e in reponse.context["employeurs"]}
    assert employeurs["Bâtiments Durand"]["total"] == Decimal(250)
    assert employeurs["Intérim Solidaire"]["total"] == Decimal(12)
    html = reponse.content.decode()
    assert f'href="/entreprises/{autre.siret}/"' in html
    assert f'href="/entreprises/{clause.lot.titulaire.siret}/"' in html


def test_journal_de_suivi_ajout(client, jeu, departement):
    marche = jeu["a2"]
    client.force_login(departement)
    reponse = client.post(
        reverse("marches:suivi", args=[marche.pk]),
        {
            "suivi-date": "2026-02-10",
            "suivi-etape": EtapeSuivi.REUNION_INFORMATION,
            "suivi-commentaire": "Avec le titulaire.",
        },
    )
    assert reponse.status_code == 302
    evenement = EvenementSuivi.objects.get(marche=marche)
    assert (evenement.date, evenement.auteur) == (D(2026, 2, 10), departement)
    html = client.get(url_marche(marche)).content.decode()
    assert "10/02/2026" in html
    assert "réunion d&#x27;information avec le titulaire" in html
    assert "Claire Validatrice" in html


@pytest.mark.parametrize(
    ("donnees", "message"),
    [
        ({"suivi-date": "2026-02-10", "suivi-etape": EtapeSuivi.AUTRE}, "Décrivez l&#x27;événement"),
        ({"suivi-date": "", "suivi-etape": EtapeSuivi.AUTRE}, "Indiquez la date"),
        ({"suivi-date": "2026-02-10", "suivi-etape": EtapeSuivi.CLOTURE}, "Choisissez une étape"),
    ],
)
def test_journal_de_suivi_saisie_invalide(client, jeu, departement, donnees, message):
    client.force_login(departement)
    reponse = client.post(reverse("marches:suivi", args=[jeu["a2"].pk]), donnees)
    assert reponse.status_code == 200
    assert message in reponse.content.decode()
    assert not EvenementSuivi.objects.exists()


def test_cloturer_puis_rouvrir(client, jeu, departement):
    marche = jeu["a2"]
    client.force_login(departement)
    aujourd_hui = timezone.localdate()
    reponse = client.post(
        reverse("marches:cloturer", args=[marche.pk]),
        {"cloture-date": aujourd_hui.isoformat(), "cloture-commentaire": "Heures atteintes."},
    )
    assert reponse.status_code == 302
    marche.refresh_from_db()
    assert marche.cloture_le == aujourd_hui
    assert EvenementSuivi.objects.get(marche=marche).etape == EtapeSuivi.CLOTURE
    assert marche.history.latest().history_user == departement
    html = client.get(url_marche(marche)).content.decode()
    assert f"Suivi clôturé le {aujourd_hui:%d/%m/%Y}" in html
    assert "Rouvrir le suivi" in html

    assert client.post(reverse("marches:rouvrir", args=[marche.pk])).status_code == 302
    marche.refresh_from_db()
    assert marche.cloture_le is None
    assert EvenementSuivi.objects.filter(marche=marche).count() == 2


@pytest.mark.parametrize(
    ("decalage", "message"),
    [(1, "postérieure à aujourd"), (-200, "précéder le début")],
)
def test_cloture_a_une_date_impossible(client, jeu, departement, decalage, message):
    marche = jeu["a2"]  # started 100 days ago
    client.force_login(departement)
    jour = timezone.localdate() + datetime.timedelta(days=decalage)
    reponse = client.post(reverse("marches:cloturer", args=[marche.pk]), {"cloture-date": jour.isoformat()})
    assert reponse.status_code == 200
    assert message in reponse.content.decode()
    marche.refresh_from_db()
    assert marche.cloture_le is None


def test_cloture_refusee_hors_departement(client, jeu, agent_a, lecteur):
    for user in (agent_a, lecteur):
        client.force_login(user)
        assert (
            client.post(
                reverse("marches:cloturer", args=[jeu["a2"].pk]), {"cloture-date": "2026-01-01"}
            ).status_code
            == 404
        )
        assert client.post(reverse("marches:suivi", args=[jeu["a2"].pk]), {}).status_code == 404
    jeu["a2"].refresh_from_db()
    assert jeu["a2"].cloture_le is None


# --- query counts: people, employers and log entries, n and 10 n ----------------------------------


def _remplir(clause, nombre):
    for i in range(nombre):
        HeuresRealiseesFactory(
            clause=clause,
            beneficiaire=BeneficiaireFactory(),
            employeur=EntrepriseFactory(),
            mois=D(2026, 1 + i % 10, 1),
            validees=i % 2 == 0,
        )
        EvenementSuiviFactory(marche=clause.lot.marche)


@pytest.mark.parametrize("role", ["departement", "agent_a", "lecteur_a"])
def test_requetes_de_la_fiche_independantes_du_nombre_de_lignes(client, request, epci_a, role):
    clause = ClauseFactory(
        lot__marche__acheteur__epci=epci_a,
        lot__marche__date_debut=D(2025, 1, 1),
        lot__marche__date_fin=D(2027, 12, 31),
    )
    ClauseFactory(lot__marche=clause.lot.marche)  # a second lot
    client.force_login(request.getfixturevalue(role))
    url = url_marche(clause.lot.marche)

    _remplir(clause, 3)
    reponse, avec_n = requetes_de_la_page(client, url)
    assert len(reponse.context["employeurs"]) == 3
    _remplir(clause, 27)
    reponse, avec_10_n = requetes_de_la_page(client, url)
    assert len(reponse.context["employeurs"]) == 30
    assert len(reponse.context["evenements"]) == 30
    assert_autant_de_requetes(avec_n, avec_10_n)

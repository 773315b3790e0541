"""The access-log page: Département only, newest first, filters, export, queries independent of its size."""

import csv
import datetime
import io

import pytest
from django.urls import reverse
from django.utils import timezone

from beneficiaires.enums import ActionAcces
from beneficiaires.models import AccesDonnees
from tests.factories import AccesDonneesFactory, BeneficiaireFactory
from tests.requetes import assert_autant_de_requetes, requetes_de_la_page

pytestmark = pytest.mark.django_db

URL = "/beneficiaires/journal/"


def listees(reponse):
    return [ligne.record.pk for ligne in reponse.context["table"].rows]


@pytest.fixture
def journal(departement, agent_a):
    """Three entries: agent_a consulted Dupré yesterday, the Département searched today, then exported."""
    dupre = BeneficiaireFactory(nom="Dupré", prenom="Maëlle")
    maintenant = timezone.now()
    return {
        "dupre": dupre,
        "consultation": AccesDonneesFactory(
            utilisateur=agent_a,
            nom_utilisateur=agent_a.username,
            beneficiaire=dupre,
            horodatage=maintenant - datetime.timedelta(days=1),
        ),
        "recherche": AccesDonneesFactory(
            utilisateur=departement,
            nom_utilisateur=departement.username,
            beneficiaire=None,
            action=ActionAcces.RECHERCHE,
            nombre_personnes=12,
            detail="nom ou prénom « du »",
            horodatage=maintenant - datetime.timedelta(minutes=5),
        ),
        "export": AccesDonneesFactory(
            utilisateur=departement,
            nom_utilisateur=departement.username,
            beneficiaire=None,
            action=ActionAcces.EXPORT,
            nombre_personnes=40,
            horodatage=maintenant,
        ),
    }


def test_url():
    assert reverse("beneficiaires:journal") == URL


@pytest.mark.parametrize("role", ["agent_a", "agent_b", "lecteur", "lecteur_a"])
def test_reserve_au_departement(client, request, role, journal):
    client.force_login(request.getfixturevalue(role))
    assert client.get(URL).status_code == 404
    assert client.get(URL, {"_export": "csv"}).status_code == 404


def test_du_plus_recent_au_plus_ancien(client, departement, journal):
    client.force_login(departement)
    reponse = client.get(URL)
    assert reponse.status_code == 200
    assert listees(reponse) == [journal["export"].pk, journal["recherche"].pk, journal["consultation"].pk]
    contenu = reponse.content.decode()
    assert "<caption>Accès aux données personnelles, du plus récent au plus ancien</caption>" in contenu
    assert "DUPRÉ Maëlle" in contenu
    assert reverse("beneficiaires:fiche", args=[journal["dupre"].public_id]) in contenu
    assert "nom ou prénom « du »" in contenu
    assert "consultation de la fiche" in contenu


def test_filtres(client, departement, agent_a, journal):
    client.force_login(departement)
    assert listees(client.get(URL, {"utilisateur": agent_a.pk})) == [journal["consultation"].pk]
    assert listees(client.get(URL, {"personne": "dupre"})) == [journal["consultation"].pk]
    assert listees(client.get(URL, {"personne": "martin"})) == []
    assert listees(client.get(URL, {"action": ActionAcces.RECHERCHE})) == [journal["recherche"].pk]
    aujourd_hui = timezone.localdate()
    hier = aujourd_hui - datetime.timedelta(days=1)
    du_jour = set(listees(client.get(URL, {"du": aujourd_hui.isoformat()})))
    assert journal["consultation"].pk not in du_jour and journal["export"].pk in du_jour
    assert listees(client.get(URL, {"du": hier.isoformat(), "au": hier.isoformat()})) == [
        journal["consultation"].pk
    ]


def test_filtre_invalide_en_francais(client, departement, journal):
    client.force_login(departement)
    reponse = client.get(URL, {"du": "31/02/2026"})
    assert reponse.status_code == 200
    assert listees(reponse) == []
    assert "Saisissez une date valide (jj/mm/aaaa)." in reponse.content.decode()


def test_export_csv_journalise(client, departement, journal):
    client.force_login(departement)
    reponse = client.get(URL, {"_export": "csv", "action": ActionAcces.CONSULTATION})
    assert reponse.status_code == 200
    lignes = list(csv.reader(io.StringIO(reponse.content.decode("utf-8-sig")), delimiter=";"))
    assert lignes[0] == [
        "Date et heure",
        "Utilisateur",
        "Action",
        "Personne concernée",
        "Personnes concernées",
        "Détail",
    ]
    assert len(lignes) == 2
    assert lignes[1][2:4] == ["consultation de la fiche", "DUPRÉ Maëlle"]
    nouvelle = AccesDonnees.objects.latest("pk")
    assert (nouvelle.action, nouvelle.utilisateur, nouvelle.detail) == (
        ActionAcces.EXPORT,
        departement,
        "journal des accès (CSV, 1 entrée)",
    )
    assert client.get(URL, {"_export": "json"}).status_code == 404


def test_requetes_independantes_du_nombre_d_entrees(client, departement):
    client.force_login(departement)
    AccesDonneesFactory.create_batch(5, utilisateur=departement)
    _, avec_n = requetes_de_la_page(client, URL, {"per_page": 200})
    AccesDonneesFactory.create_batch(45, utilisateur=departement)
    reponse, avec_10_n = requetes_de_la_page(client, URL, {"per_page": 200})
    assert len(listees(reponse)) == 50
    assert_autant_de_requetes(avec_n, avec_10_n)

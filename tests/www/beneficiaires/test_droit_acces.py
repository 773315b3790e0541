"""Right of access: everything the portal holds on one person, printable and in JSON, recorded in the log;
the file of an anonymised person."""

import datetime
import io
import json
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.urls import reverse

from beneficiaires import services
from beneficiaires.enums import ActionAcces, CodePublic
from beneficiaires.models import AccesDonnees, Beneficiaire
from tests.factories import EligibiliteFactory, HeuresRealiseesFactory, SortieFactory
from tests.www.beneficiaires.aides import mois, url_ajout, url_fiche, url_modif

pytestmark = pytest.mark.django_db
D = datetime.date


def url_page(personne):
    return reverse("beneficiaires:droit_acces", kwargs={"public_id": personne.public_id})


def url_json(personne):
    return reverse("beneficiaires:droit_acces_json", kwargs={"public_id": personne.public_id})


@pytest.fixture
def dossier_complet(departement, personne_heures_a, clause_a):
    """personne_heures_a (hours on A and B, one rejected, a sortie), a BRSA period, a change, a consultation."""
    personne = personne_heures_a
    EligibiliteFactory(
        beneficiaire=personne, code=CodePublic.BRSA, date_debut=D(2020, 1, 6), date_fin=D(2021, 2, 28)
    )
    personne.nom = "Lefèvre-Durand"
    personne.save()
    AccesDonnees.objects.create(
        utilisateur=departement,
        nom_utilisateur=departement.username,
        action=ActionAcces.CONSULTATION,
        beneficiaire=personne,
    )
    return personne


def test_page_imprimable_complete(client, departement, dossier_complet, marche_a, marche_b):
    client.force_login(departement)
    reponse = client.get(url_page(dossier_complet))
    assert reponse.status_code == 200
    contenu = reponse.content.decode()
    for attendu in [
        "Lefèvre-Durand",
        "Éloïse",
        f"{dossier_complet.date_naissance:%d/%m/%Y}",
        "06/01/2020",  # entry, and start of the BRSA period
        "bénéficiaire du RSA",
        "28/02/2021",
        marche_a.reference,
        marche_b.reference,
        "12,5\xa0h",
        "30,25\xa0h",
        "Motif : Heures déjà déclarées sur un autre marché.",
        "CDI de charpentier",
        "nom : Lefèvre → Lefèvre-Durand",
        "consultation de la fiche",
        "droit d&#x27;accès",  # this very request, in the access log
        "css/droit-acces-print.css",
    ]:
        assert attendu in contenu, attendu
    assert "style=" not in contenu and "<script>" not in contenu


def test_json_valide_et_complet(client, departement, dossier_complet, marche_a):
    client.force_login(departement)
    reponse = client.get(url_json(dossier_complet))
    assert reponse.status_code == 200
    assert reponse["Content-Type"] == "application/json; charset=utf-8"
    assert (
        reponse["Content-Disposition"]
        == f'attachment; filename="droit-d-acces-{dossier_complet.public_id}.json"'
    )
    donnees = json.loads(reponse.content)
    assert set(donnees) == {
        "edite_le",
        "edite_par",
        "personne",
        "publics",
        "heures",
        "sorties",
        "historique",
        "acces",
    }
    assert donnees["personne"]["nom"] == "Lefèvre-Durand"
    assert donnees["personne"]["date_naissance"] == dossier_complet.date_naissance.isoformat()
    assert donnees["personne"]["identifiant"] == str(dossier_complet.public_id)
    assert [p["code"] for p in donnees["publics"]] == ["BRSA"]
    assert donnees["publics"][0]["fin"] == "2021-02-28"
    assert (donnees["publics"][0]["verification"], donnees["publics"][0]["justificatif_vu"]) == (
        "déclaré",
        None,
    )
    assert "referent" in donnees["personne"] and "referent_precision" in donnees["personne"]
    assert sorted(h["heures"] for h in donnees["heures"]) == [7.0, 12.5, 30.25]
    rejetee = next(h for h in donnees["heures"] if h["statut"] == "rejetées")
    assert rejetee["motif_rejet"] == "Heures déjà déclarées sur un autre marché."
    assert {h["marche"] for h in donnees["heures"]} >= {marche_a.reference}
    assert donnees["sorties"] == [
        {
            "date": "2021-03-01",
            "categorie": donnees["sorties"][0]["categorie"],
            "detail": "CDI de charpentier",
        }
    ]
    modifications = [m for e in donnees["historique"] for m in e["modifications"]]
    assert {"champ": "nom", "avant": "Lefèvre", "apres": "Lefèvre-Durand"} in modifications
    assert [a["action"] for a in donnees["acces"]] == ["droit d'accès", "consultation de la fiche"]


def test_droit_d_acces_journalise(client, departement, personne_a):
    client.force_login(departement)
    client.get(url_json(personne_a))
    entree = AccesDonnees.objects.get()
    assert (entree.utilisateur, entree.action, entree.beneficiaire, entree.detail) == (
        departement,
        ActionAcces.DROIT_ACCES,
        personne_a,
        "dossier JSON",
    )


@pytest.mark.parametrize("role", ["agent_a", "agent_b", "lecteur", "lecteur_a"])
def test_reserve_au_departement(client, request, role, personne_a):
    client.force_login(request.getfixturevalue(role))
    assert client.get(url_page(personne_a)).status_code == 404
    assert client.get(url_json(personne_a)).status_code == 404
    assert not AccesDonnees.objects.exists()


# --- an anonymised person ------------------------------------------------------------------------------


@pytest.fixture
def anonymisee(clause_a):
    """Worked in 2018, left in 2018, anonymised by the retention command."""
    personne = HeuresRealiseesFactory(
        clause=clause_a, mois=mois(0), heures=Decimal(20), validees=True, beneficiaire__nom="Oubliée"
    ).beneficiaire
    sortie = SortieFactory(beneficiaire=personne, date=D(2018, 3, 1), detail="CDI chez Oubliée et fils")
    Beneficiaire.objects.filter(pk=personne.pk).update(
        cree_le=datetime.datetime(2018, 1, 1, tzinfo=datetime.UTC), date_entree=D(2017, 12, 1)
    )
    call_command("purge_beneficiaires", stdout=io.StringIO())
    personne.refresh_from_db()
    assert personne.est_anonymise
    return personne, sortie


def test_fiche_anonymisee(client, departement, anonymisee):
    personne, sortie = anonymisee
    client.force_login(departement)
    contenu = client.get(url_fiche(personne)).content.decode()
    assert '<h1 class="h3">Personne anonymisée</h1>' in contenu
    assert "Oubliée" not in contenu
    assert "Date de naissance" not in contenu
    assert "20\xa0h" in contenu  # hours kept
    assert url_ajout(personne) not in contenu and url_modif(personne, sortie) not in contenu
    assert "anonymisé le : —" in contenu  # the anonymisation, in the history of the record


def test_fiche_anonymisee_non_modifiable(client, departement, superuser, anonymisee):
    personne, sortie = anonymisee
    client.force_login(departement)
    assert client.get(url_ajout(personne)).status_code == 404
    assert (
        client.post(url_modif(personne, sortie), {"date": "2018-03-01", "categorie": "autre"}).status_code
        == 404
    )
    client.force_login(superuser)
    page = client.get(reverse("admin:beneficiaires_beneficiaire_change", args=[personne.pk]))
    assert page.status_code == 200
    assert not page.context["has_change_permission"]
    version = personne.history.earliest()
    revert = client.get(
        reverse("admin:beneficiaires_beneficiaire_simple_history", args=[personne.pk, version.pk])
    )
    assert revert.context["revert_disabled"]


def test_droit_d_acces_d_une_personne_anonymisee(client, departement, anonymisee):
    personne, _ = anonymisee
    client.force_login(departement)
    donnees = json.loads(client.get(url_json(personne)).content)
    assert (
        donnees["personne"]["nom"],
        donnees["personne"]["prenom"],
        donnees["personne"]["date_naissance"],
    ) == (
        None,
        None,
        None,
    )
    assert donnees["personne"]["annee_naissance"] == personne.date_naissance.year
    assert donnees["sorties"][0]["detail"] is None
    assert "Oubliée" not in json.dumps(donnees, ensure_ascii=False)


def test_personne_anonymisee_plus_proposee_dans_la_grille(client, agent_a, clause_a, anonymisee):
    from insertion.selectors import personnes_proposees

    personne, _ = anonymisee
    assert personne.heures.filter(clause=clause_a).exists()
    assert personnes_proposees(user=agent_a, clause=clause_a, public_ids=[str(personne.public_id)]) == []


def test_liste_sans_date_de_naissance_pour_une_personne_anonymisee(client, departement, anonymisee):
    personne, _ = anonymisee
    client.force_login(departement)
    reponse = client.get(reverse("beneficiaires:liste"))
    (ligne,) = reponse.context["table"].rows
    assert ligne.get_cell("nom") == f'<a href="{url_fiche(personne)}">Personne anonymisée</a>'
    assert ligne.get_cell("date_naissance") == "—"


def test_referent_et_verification_dans_le_dossier(client, departement, dossier_complet):
    dossier_complet.refresh_from_db()
    services.modifier_referent(
        user=departement, beneficiaire=dossier_complet, referent="referent_rsa", precision="MDS de Cholet"
    )
    services.verifier_eligibilite(
        user=departement,
        eligibilite=dossier_complet.eligibilites.get(),
        verification="verifiee",
        justificatif="attestation CAF de mars 2026",
    )
    client.force_login(departement)
    donnees = json.loads(client.get(url_json(dossier_complet)).content)
    assert (donnees["personne"]["referent"], donnees["personne"]["referent_precision"]) == (
        "référent RSA du Département",
        "MDS de Cholet",
    )
    public = donnees["publics"][0]
    assert (public["verification"], public["justificatif_vu"]) == ("vérifié", "attestation CAF de mars 2026")
    assert public["verifiee_par"] == (departement.get_full_name() or departement.username)
    contenu = client.get(url_page(dossier_complet)).content.decode()
    assert "référent RSA du Département — MDS de Cholet" in contenu
    assert "document vu : attestation CAF de mars 2026" in contenu

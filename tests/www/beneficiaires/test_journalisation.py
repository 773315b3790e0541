"""Every access to personal data is recorded in the access log, one row per event: who, about whom, what."""

import datetime
import io

import openpyxl
import pytest
from django.urls import reverse

from beneficiaires.enums import ActionAcces, CodePublic, Sexe
from beneficiaires.models import AccesDonnees, Beneficiaire
from beneficiaires.services import NouvellePersonne, creer_beneficiaires
from insertion.enums import Modalite, TypeContrat
from portail.periodes import mois_courant, mois_precedent
from tests.factories import BeneficiaireFactory, HeuresRealiseesFactory, public
from tests.www.beneficiaires.aides import url_ajout, url_fiche
from tests.www.saisie.aides import donnees_post, personne_saisie, remplir

pytestmark = pytest.mark.django_db


def entrees():
    return list(AccesDonnees.objects.order_by("pk"))


def seule_entree():
    (entree,) = entrees()
    return entree


def test_consultation_de_la_fiche(client, departement, personne_a):
    client.force_login(departement)
    assert client.get(url_fiche(personne_a)).status_code == 200
    entree = seule_entree()
    assert (entree.utilisateur, entree.nom_utilisateur, entree.action, entree.beneficiaire) == (
        departement,
        departement.username,
        ActionAcces.CONSULTATION,
        personne_a,
    )
    assert entree.nombre_personnes == 1
    assert str(entree).startswith("consultation de la fiche par ")


def test_consultation_refusee_non_journalisee(client, agent_b, personne_a):
    client.force_login(agent_b)
    assert client.get(url_fiche(personne_a)).status_code == 404
    assert entrees() == []


def test_liste_sans_filtre_non_journalisee_recherche_journalisee(client, departement, personnes):
    client.force_login(departement)
    client.get(reverse("beneficiaires:liste"))
    assert entrees() == []

    client.get(reverse("beneficiaires:liste"), {"recherche": "lefèvre"})
    entree = seule_entree()
    assert (entree.action, entree.beneficiaire, entree.nombre_personnes) == (ActionAcces.RECHERCHE, None, 1)
    assert entree.detail == "nom ou prénom « lefèvre »"


def test_une_recherche_de_50_personnes_est_une_seule_entree(client, departement):
    brsa = public(CodePublic.BRSA)
    for personne in BeneficiaireFactory.create_batch(50):
        personne.eligibilites.create(public=brsa, date_debut=personne.date_entree)
    client.force_login(departement)
    client.get(reverse("beneficiaires:liste"), {"public": brsa.pk, "brsa_en_cours": "on"})
    entree = seule_entree()
    assert (entree.nombre_personnes, entree.detail) == (50, "public « bénéficiaire du RSA », RSA en cours")


def test_recherche_sans_resultat_non_journalisee(client, departement, personnes):
    client.force_login(departement)
    client.get(reverse("beneficiaires:liste"), {"recherche": "personne-inconnue"})
    assert entrees() == []


def test_export_de_la_liste(client, departement, personnes):
    client.force_login(departement)
    reponse = client.get(reverse("beneficiaires:liste"), {"_export": "xlsx", "recherche": "e"})
    feuille = openpyxl.load_workbook(io.BytesIO(reponse.content)).active
    entree = seule_entree()
    assert entree.action == ActionAcces.EXPORT
    assert entree.nombre_personnes == feuille.max_row - 1 == 3
    assert entree.detail == "liste des bénéficiaires (XLSX) : nom ou prénom « e »"


def test_export_de_la_file_de_validation(client, departement, clause_a, personne_a):
    autre = BeneficiaireFactory()
    HeuresRealiseesFactory(clause=clause_a, beneficiaire=autre, mois=mois_precedent(mois_courant()))
    HeuresRealiseesFactory(
        clause=clause_a, beneficiaire=autre, mois=mois_precedent(mois_precedent(mois_courant()))
    )
    client.force_login(departement)
    reponse = client.get(reverse("validation:file"), {"_export": "csv"})
    assert reponse.status_code == 200
    entree = seule_entree()
    assert (entree.action, entree.nombre_personnes, entree.detail) == (
        ActionAcces.EXPORT,
        2,
        "file de validation (CSV)",
    )


def test_grille_de_saisie_personnes_proposees(client, agent_a, clause_a, personne_a):
    client.force_login(agent_a)
    mois = mois_precedent(mois_courant())
    assert client.get(reverse("saisie:grille", args=[clause_a.pk, f"{mois:%Y-%m}"])).status_code == 200
    entree = seule_entree()
    assert (entree.utilisateur, entree.action, entree.nombre_personnes) == (
        agent_a,
        ActionAcces.PROPOSITION,
        1,
    )
    assert entree.detail.startswith(f"{clause_a.lot.marche.libelle}, lot 2, ")


def _personne(**valeurs):
    return personne_saisie(**valeurs)


def test_grille_personne_retrouvee_par_son_identite(client, agent_a, clause_a):
    existante = BeneficiaireFactory(
        nom="Dupré", prenom="Élodie", date_naissance=datetime.date(1990, 2, 1), cree_par_epci=agent_a.epci
    )
    client.force_login(agent_a)
    mois = mois_precedent(mois_courant())
    client.post(reverse("saisie:personne", args=[clause_a.pk, f"{mois:%Y-%m}"]), _personne())
    entree = seule_entree()
    assert (entree.utilisateur, entree.action, entree.beneficiaire) == (
        agent_a,
        ActionAcces.IDENTIFICATION,
        existante,
    )


def test_creation_d_une_personne_depuis_la_grille(client, agent_a, clause_a):
    client.force_login(agent_a)
    mois = mois_precedent(mois_courant())
    ajout = client.post(reverse("saisie:personne", args=[clause_a.pk, f"{mois:%Y-%m}"]), _personne())
    assert not AccesDonnees.objects.exists()  # nothing written until the grid is saved
    formset = client.get(ajout["Location"]).context["formset"]
    AccesDonnees.objects.all().delete()  # the people the grid offered
    [index] = [i for i, f in enumerate(formset) if f.rangee is None and f["beneficiaire"].value()]
    donnees = remplir(
        donnees_post(formset),
        index,
        heures="20",
        modalite=Modalite.EMBAUCHE_DIRECTE,
        type_contrat=TypeContrat.CDD,
    )
    assert (
        client.post(reverse("saisie:grille", args=[clause_a.pk, f"{mois:%Y-%m}"]), donnees).status_code == 302
    )
    creee = Beneficiaire.objects.get(nom="Dupré")
    entree = seule_entree()
    assert (entree.utilisateur, entree.action, entree.beneficiaire) == (agent_a, ActionAcces.CREATION, creee)


def test_creation_en_nombre_une_seule_entree(agent_a):
    personnes = [
        NouvellePersonne(
            nom=f"Personne{n}",
            prenom="Lou",
            date_naissance=datetime.date(1990, 1, 2),
            sexe=Sexe.FEMME,
            date_entree=datetime.date(2025, 1, 1),
        )
        for n in range(20)
    ]
    creer_beneficiaires(user=agent_a, personnes=personnes, detail="import d'un relevé mensuel")
    entree = seule_entree()
    assert (entree.action, entree.beneficiaire, entree.nombre_personnes, entree.detail) == (
        ActionAcces.CREATION,
        None,
        20,
        "import d'un relevé mensuel",
    )


def test_sortie_ajoutee(client, departement, personne_a):
    client.force_login(departement)
    reponse = client.post(
        url_ajout(personne_a),
        {"date": personne_a.date_entree.isoformat(), "categorie": "emploi_durable", "detail": "CDI"},
    )
    assert reponse.status_code == 302
    entree = seule_entree()
    assert (entree.utilisateur, entree.action, entree.beneficiaire) == (
        departement,
        ActionAcces.SORTIE,
        personne_a,
    )
    assert entree.detail.startswith("ajout : emploi durable")


def test_modification_dans_l_administration(client, superuser):
    personne = BeneficiaireFactory(nom="Avant", prenom="Zoé")
    client.force_login(superuser)
    url = reverse("admin:beneficiaires_beneficiaire_change", args=[personne.pk])
    formulaire = client.get(url).context["adminform"].form
    consultation = seule_entree()
    assert (consultation.action, consultation.beneficiaire, consultation.detail) == (
        ActionAcces.CONSULTATION,
        personne,
        "administration",
    )
    donnees = {
        nom: ("" if valeur is None else valeur)
        for nom, valeur in formulaire.initial.items()
        if nom in formulaire.fields
    }
    donnees |= {
        "nom": "Après",
        "commune": personne.commune_id,
        "cree_par_epci": personne.cree_par_epci_id or "",
        "date_naissance": personne.date_naissance.isoformat(),
        "date_entree": personne.date_entree.isoformat(),
        "eligibilites-TOTAL_FORMS": 0,
        "eligibilites-INITIAL_FORMS": 0,
        "sorties-TOTAL_FORMS": 0,
        "sorties-INITIAL_FORMS": 0,
    }
    donnees.pop("publics", None)
    reponse = client.post(url, donnees)
    assert reponse.status_code == 302, reponse.context["adminform"].form.errors
    personne.refresh_from_db()
    assert personne.nom == "Après"
    (entree,) = AccesDonnees.objects.filter(action=ActionAcces.MODIFICATION)
    assert (entree.utilisateur, entree.beneficiaire, entree.detail) == (superuser, personne, "nom")


def test_sortie_ajoutee_dans_l_administration(client, superuser, personne_a):
    client.force_login(superuser)
    reponse = client.post(
        reverse("admin:beneficiaires_sortie_add"),
        {
            "beneficiaire": personne_a.pk,
            "date": personne_a.date_entree.isoformat(),
            "categorie": "sortie_positive",
            "detail": "",
        },
    )
    assert reponse.status_code == 302
    entree = seule_entree()
    assert (entree.utilisateur, entree.action, entree.beneficiaire) == (
        superuser,
        ActionAcces.SORTIE,
        personne_a,
    )

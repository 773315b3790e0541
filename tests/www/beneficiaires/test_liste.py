"""People pages: the list, its search, filters, sorting and exports."""

import datetime
import io

import openpyxl
import pytest
from django.urls import reverse
from django.utils import timezone

from beneficiaires.enums import CodePublic, VerificationEligibilite
from tests.factories import (
    BeneficiaireFactory,
    EligibiliteFactory,
    HeuresRealiseesFactory,
)
from tests.www.beneficiaires.aides import url_fiche

pytestmark = pytest.mark.django_db

# Queries of a page, pinned: session, user, then the page's own reads.
MAX_REQUETES_LISTE = (
    13  # the session saved again (+3): it ends after 30 minutes of inactivity; the notifications badge (+1)
)


def url_liste():
    return reverse("beneficiaires:liste")


def listees(response):
    return {ligne.record.pk for ligne in response.context["table"].rows}


# --- list ----------------------------------------------------------------------------------------


def test_liste_departement_voit_tout_le_monde(client, departement, personnes):
    client.force_login(departement)
    response = client.get(url_liste())
    assert response.status_code == 200
    assert listees(response) == {p.pk for p in personnes}
    contenu = response.content.decode()
    assert "<caption>Bénéficiaires</caption>" in contenu
    assert url_fiche(personnes[0]) in contenu
    # All validated hours of the person, on every contract: 12,5 + 30,25.
    assert "42,75\xa0h" in contenu


def test_liste_agent_epci_voit_son_perimetre_et_ses_heures(client, agent_a, personnes):
    personne_heures_a, personne_creee_a, personne_b = personnes
    client.force_login(agent_a)
    response = client.get(url_liste())
    assert response.status_code == 200
    assert listees(response) == {personne_heures_a.pk, personne_creee_a.pk}
    contenu = response.content.decode()
    assert "Zidane" not in contenu
    # Only the hours of A's contracts.
    assert "12,5\xa0h" in contenu
    assert "42,75\xa0h" not in contenu
    assert "Heures validées sur les marchés de votre EPCI" in contenu
    assert "Exporter" not in contenu


@pytest.mark.parametrize("utilisateur", ["lecteur", "lecteur_a"])
def test_liste_interdite_aux_lecteurs(client, request, utilisateur, personnes):
    client.force_login(request.getfixturevalue(utilisateur))
    response = client.get(url_liste())
    assert response.status_code == 404
    assert b"Lef" not in response.content


def test_liste_anonyme_renvoye_vers_la_connexion(client, personnes):
    response = client.get(url_liste())
    assert response.status_code == 302
    assert response["Location"] == f"/connexion/?next={url_liste()}"


@pytest.mark.parametrize("saisie", ["lefevre", "LEFÈVRE", "éloïse lefèvre", "Eloise"])
def test_liste_recherche_sans_accents_ni_casse(client, departement, personnes, saisie):
    client.force_login(departement)
    response = client.get(url_liste(), {"recherche": saisie})
    assert listees(response) == {personnes[0].pk}


def test_liste_filtres_public_et_brsa_en_cours(client, departement):
    aujourd_hui = timezone.localdate()
    ancien_brsa = BeneficiaireFactory(date_entree=datetime.date(2019, 1, 1))
    EligibiliteFactory(
        beneficiaire=ancien_brsa,
        code=CodePublic.BRSA,
        date_debut=datetime.date(2019, 1, 1),
        date_fin=datetime.date(2020, 1, 1),
    )
    EligibiliteFactory(beneficiaire=ancien_brsa, code=CodePublic.DELD, date_debut=datetime.date(2020, 1, 2))
    brsa = BeneficiaireFactory(date_entree=datetime.date(2019, 1, 1))
    EligibiliteFactory(
        beneficiaire=brsa, code=CodePublic.BRSA, date_debut=aujourd_hui - datetime.timedelta(days=30)
    )
    sans_public = BeneficiaireFactory()
    public_brsa = brsa.eligibilites.get().public
    client.force_login(departement)

    assert listees(client.get(url_liste())) == {ancien_brsa.pk, brsa.pk, sans_public.pk}
    assert listees(client.get(url_liste(), {"public": public_brsa.pk})) == {ancien_brsa.pk, brsa.pk}
    response = client.get(url_liste(), {"brsa_en_cours": "on"})
    assert listees(response) == {brsa.pk}
    # Current publics column: the BRSA badge, and not a period that has ended.
    assert (
        '<span class="badge text-bg-primary" title="bénéficiaire du RSA">BRSA</span>'
        in response.content.decode()
    )
    response = client.get(url_liste(), {"recherche": ancien_brsa.nom})
    contenu = response.content.decode()
    assert ">DELD</span>" in contenu
    assert ">BRSA</span>" not in contenu


def test_liste_paginee_et_triable(client, departement):
    BeneficiaireFactory.create_batch(30)
    client.force_login(departement)
    response = client.get(url_liste())
    table = response.context["table"]
    assert table.paginator.num_pages == 2
    assert len(table.page.object_list) == 25
    assert len(client.get(url_liste(), {"page": 2}).context["table"].page.object_list) == 5


@pytest.mark.parametrize("utilisateur", ["departement", "agent_a"])
@pytest.mark.parametrize(
    "colonne", ["nom", "prenom", "date_naissance", "sexe", "commune", "heures_validees", "date_entree"]
)
def test_liste_tri_par_colonne(client, request, utilisateur, colonne, personnes):
    client.force_login(request.getfixturevalue(utilisateur))
    valeur = {"commune": lambda p: p.commune.nom}.get(colonne, lambda p: getattr(p, colonne))
    for sens in ("", "-"):
        response = client.get(url_liste(), {"sort": f"{sens}{colonne}"})
        assert response.status_code == 200
        valeurs = [valeur(ligne.record) for ligne in response.context["table"].rows]
        assert len(valeurs) >= 2
        if colonne in ("nom", "date_naissance", "heures_validees", "date_entree"):
            # Strings other than names depend on the database collation: only these are checked exactly.
            assert valeurs == sorted(valeurs, reverse=sens == "-")


def test_liste_export_xlsx_et_csv_pour_le_departement(client, departement, personnes):
    client.force_login(departement)
    response = client.get(url_liste(), {"_export": "xlsx"})
    assert response.status_code == 200
    assert response["Content-Type"] == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    assert "attachment" in response["Content-Disposition"]
    response = client.get(url_liste(), {"_export": "csv", "recherche": "lefevre"})
    contenu = response.content.decode("utf-8")
    lignes = contenu.splitlines()
    assert lignes[0] == (
        "\ufeffNom;Prénom;Date de naissance;Sexe;Commune;Publics en cours;Heures validées;Date d'entrée"
    )
    assert len(lignes) == 2
    assert lignes[1].startswith("Lefèvre;Éloïse;")
    assert lignes[1].endswith(";42,75;06/01/2020")
    assert "Zidane" not in contenu


def test_liste_export_neutralise_les_formules(client, departement):
    """A name typed as a formula by a clerk must not run in the Département's spreadsheet."""
    BeneficiaireFactory(nom='=HYPERLINK("http://exemple.test","clic")', prenom="+Jean")
    client.force_login(departement)

    csv = client.get(url_liste(), {"_export": "csv"}).content.decode("utf-8")
    nom, prenom = csv.splitlines()[1].split(";")[:2]
    assert nom.lstrip('"').startswith("'=HYPERLINK(")
    assert prenom == "'+Jean"

    classeur = openpyxl.load_workbook(io.BytesIO(client.get(url_liste(), {"_export": "xlsx"}).content))
    cellules = [cellule for ligne in classeur.active.iter_rows(min_row=2) for cellule in ligne[:2]]
    assert cellules, "the export has the person's row"
    # Stored as text, never as a formula.
    assert [cellule.data_type for cellule in cellules] == ["s", "s"]


@pytest.mark.parametrize("format_export", ["xlsx", "csv"])
def test_liste_export_refuse_a_l_agent_epci(client, agent_a, personnes, format_export):
    client.force_login(agent_a)
    assert client.get(url_liste(), {"_export": format_export}).status_code == 404


# --- query counts --------------------------------------------------------------------------------


def _creer_personnes(nombre, *, clause, epci):
    for _ in range(nombre):
        personne = BeneficiaireFactory(cree_par_epci=epci)
        EligibiliteFactory(beneficiaire=personne, code=CodePublic.BRSA)
        EligibiliteFactory(beneficiaire=personne, code=CodePublic.JEUNE)
        HeuresRealiseesFactory(clause=clause, beneficiaire=personne, validees=True)


@pytest.mark.parametrize("utilisateur", ["departement", "agent_a"])
def test_requetes_de_la_liste_independantes_du_nombre_de_personnes(
    client, request, utilisateur, epci_a, clause_a, django_assert_max_num_queries, django_assert_num_queries
):
    client.force_login(request.getfixturevalue(utilisateur))
    parametres = {"per_page": 100}
    _creer_personnes(10, clause=clause_a, epci=epci_a)
    with django_assert_max_num_queries(MAX_REQUETES_LISTE) as requetes:
        response = client.get(url_liste(), parametres)
    assert len(response.context["table"].page.object_list) == 10
    _creer_personnes(90, clause=clause_a, epci=epci_a)
    with django_assert_num_queries(len(requetes.captured_queries)):
        response = client.get(url_liste(), parametres)
    assert len(response.context["table"].page.object_list) == 100


def test_liste_filtre_public_declare_a_verifier(client, departement):
    a_verifier, verifiee, sans_public = BeneficiaireFactory.create_batch(3)
    EligibiliteFactory(beneficiaire=a_verifier)
    EligibiliteFactory(
        beneficiaire=verifiee,
        verification=VerificationEligibilite.VERIFIEE,
        verifiee_le=timezone.now(),
        verifiee_par=departement,
        justificatif="attestation CAF",
    )
    client.force_login(departement)
    assert listees(client.get(url_liste(), {"eligibilite_a_verifier": "on"})) == {a_verifier.pk}
    assert listees(client.get(url_liste())) == {a_verifier.pk, verifiee.pk, sans_public.pk}

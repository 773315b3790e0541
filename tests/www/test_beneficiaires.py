import datetime
import io
import uuid
from decimal import Decimal

import openpyxl
import pytest
from django.contrib.messages import get_messages
from django.urls import reverse
from django.utils import timezone

from beneficiaires.enums import CategorieSortie, CodePublic
from beneficiaires.models import Sortie
from tests.factories import (
    BeneficiaireFactory,
    EligibiliteFactory,
    HeuresRealiseesFactory,
    SortieFactory,
)
from www.beneficiaires.forms import SortieForm

pytestmark = pytest.mark.django_db

# Queries of a page, pinned: session, user, then the page's own reads.
MAX_REQUETES_LISTE = 9
MAX_REQUETES_FICHE = 11


def url_liste():
    return reverse("beneficiaires:liste")


def url_fiche(personne):
    return reverse("beneficiaires:fiche", kwargs={"public_id": personne.public_id})


def url_ajout(personne):
    return reverse("beneficiaires:sortie_ajouter", kwargs={"public_id": personne.public_id})


def url_modif(personne, sortie):
    return reverse(
        "beneficiaires:sortie_modifier", kwargs={"public_id": personne.public_id, "sortie_pk": sortie.pk}
    )


def mois(indice):
    """The indice-th month from January 2018."""
    return datetime.date(2018 + indice // 12, indice % 12 + 1, 1)


@pytest.fixture
def personne_heures_a(epci_b, clause_a, clause_b):
    """Created by EPCI B, has worked on a contract of A (12,5 h validated) and on one of B (30,25 h validated)."""
    personne = BeneficiaireFactory(
        nom="Lefèvre", prenom="Éloïse", cree_par_epci=epci_b, date_entree=datetime.date(2020, 1, 6)
    )
    HeuresRealiseesFactory(
        clause=clause_a, beneficiaire=personne, mois=mois(0), heures=Decimal("12.5"), validees=True
    )
    HeuresRealiseesFactory(
        clause=clause_a, beneficiaire=personne, mois=mois(1), heures=Decimal("7"), rejetees=True
    )
    HeuresRealiseesFactory(
        clause=clause_b, beneficiaire=personne, mois=mois(0), heures=Decimal("30.25"), validees=True
    )
    SortieFactory(beneficiaire=personne, detail="CDI de charpentier", date=datetime.date(2021, 3, 1))
    return personne


@pytest.fixture
def personne_creee_a(epci_a):
    return BeneficiaireFactory(nom="Martin", prenom="Jules", cree_par_epci=epci_a)


@pytest.fixture
def personne_b(epci_b, clause_b):
    personne = BeneficiaireFactory(nom="Zidane", prenom="Yasmina", cree_par_epci=epci_b)
    HeuresRealiseesFactory(clause=clause_b, beneficiaire=personne, mois=mois(3), validees=True)
    return personne


@pytest.fixture
def personnes(personne_heures_a, personne_creee_a, personne_b):
    return personne_heures_a, personne_creee_a, personne_b


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


# --- outcomes ------------------------------------------------------------------------------------


def test_sortie_ajout_par_le_departement(client, departement, personne_creee_a):
    client.force_login(departement)
    url = url_ajout(personne_creee_a)
    assert client.get(url).status_code == 200
    date = personne_creee_a.date_entree
    response = client.post(
        url, {"date": date.strftime("%d/%m/%Y"), "categorie": CategorieSortie.EMPLOI_DURABLE, "detail": "CDI"}
    )
    assert response.status_code == 302
    assert response["Location"] == url_fiche(personne_creee_a)
    sortie = personne_creee_a.sorties.get()
    assert (sortie.date, sortie.categorie, sortie.detail) == (date, CategorieSortie.EMPLOI_DURABLE, "CDI")
    assert [str(m) for m in get_messages(response.wsgi_request)] == [f"Sortie ajoutée : {sortie}."]
    assert sortie.history.get().history_user == departement


def test_sortie_modification_par_le_departement(client, departement, personne_heures_a):
    sortie = personne_heures_a.sorties.get()
    client.force_login(departement)
    url = url_modif(personne_heures_a, sortie)
    response = client.get(url)
    assert response.status_code == 200
    assert "CDI de charpentier" in response.content.decode()
    response = client.post(
        url,
        {
            "date": "2021-04-15",
            "categorie": CategorieSortie.SORTIE_POSITIVE,
            "detail": "Formation de soudeur",
        },
    )
    assert response.status_code == 302
    sortie.refresh_from_db()
    assert sortie.date == datetime.date(2021, 4, 15)
    assert sortie.categorie == CategorieSortie.SORTIE_POSITIVE
    assert Sortie.objects.count() == 1


def test_sortie_d_une_autre_personne_404(client, departement, personne_heures_a, personne_creee_a):
    client.force_login(departement)
    sortie = personne_heures_a.sorties.get()
    assert client.get(url_modif(personne_creee_a, sortie)).status_code == 404


@pytest.mark.parametrize(
    ("donnees", "champ", "message"),
    [
        ({"date": "", "categorie": "emploi_durable"}, "date", "Indiquez la date de sortie."),
        (
            {"date": "31/02/2021", "categorie": "emploi_durable"},
            "date",
            "Saisissez une date valide (jj/mm/aaaa).",
        ),
        ({"date": "01/01/2021", "categorie": ""}, "categorie", "Choisissez la catégorie de sortie."),
        (
            {"date": "01/01/2021", "categorie": "inconnue"},
            "categorie",
            "Choisissez une catégorie de sortie dans la liste.",
        ),
        (
            {"date": "05/01/2020", "categorie": "emploi_durable"},
            "date",
            "La date de sortie ne peut pas précéder l'entrée dans le dispositif (06/01/2020).",
        ),
        (
            {"date": "futur", "categorie": "emploi_durable"},
            "date",
            "La date de sortie ne peut pas être dans le futur.",
        ),
    ],
)
def test_sortie_erreurs_en_francais(client, departement, personne_heures_a, donnees, champ, message):
    if donnees["date"] == "futur":
        donnees["date"] = (timezone.localdate() + datetime.timedelta(days=1)).strftime("%d/%m/%Y")
    client.force_login(departement)
    response = client.post(url_ajout(personne_heures_a), donnees)
    assert response.status_code == 200
    assert response.context["form"].errors[champ] == [message]
    assert message.replace("'", "&#x27;") in response.content.decode()
    assert personne_heures_a.sorties.count() == 1


def test_sortie_en_double_donne_une_erreur_en_francais(client, departement, personne_heures_a):
    existante = personne_heures_a.sorties.get()
    autre = SortieFactory(
        beneficiaire=personne_heures_a, date=datetime.date(2022, 5, 2), categorie=CategorieSortie.AUTRE
    )
    client.force_login(departement)
    doublon = {"date": "01/03/2021", "categorie": existante.categorie, "detail": ""}
    response = client.post(url_ajout(personne_heures_a), doublon)
    assert response.status_code == 200
    message = "Une sortie de cette catégorie est déjà enregistrée à cette date pour cette personne."
    assert response.context["form"].non_field_errors() == [message]
    # Editing another outcome into the same date and category is refused too; saving one unchanged is fine.
    response = client.post(url_modif(personne_heures_a, autre), doublon)
    assert response.context["form"].non_field_errors() == [message]
    inchangee = {"date": "01/03/2021", "categorie": existante.categorie, "detail": "CDI"}
    assert client.post(url_modif(personne_heures_a, existante), inchangee).status_code == 302
    assert personne_heures_a.sorties.count() == 2


@pytest.mark.parametrize("utilisateur", ["agent_a", "lecteur", "lecteur_a"])
def test_sortie_interdite_hors_departement(client, request, utilisateur, personne_heures_a, personne_creee_a):
    client.force_login(request.getfixturevalue(utilisateur))
    sortie = personne_heures_a.sorties.get()
    donnees = {"date": "01/01/2022", "categorie": "autre"}
    for url in [
        url_ajout(personne_creee_a),
        url_ajout(personne_heures_a),
        url_modif(personne_heures_a, sortie),
    ]:
        assert client.get(url).status_code == 404
        assert client.post(url, donnees).status_code == 404
    assert Sortie.objects.count() == 1


def test_sortie_anonyme_renvoye_vers_la_connexion(client, personne_heures_a):
    url = url_ajout(personne_heures_a)
    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"] == f"/connexion/?next={url}"


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


def test_sortie_en_double_concurrente_donne_une_erreur_et_pas_d_erreur_500(
    client, departement, personne_heures_a, monkeypatch
):
    # Another request saved the same outcome between validation and save: the database constraint answers.
    monkeypatch.setattr(SortieForm, "clean", lambda self: self.cleaned_data)
    existante = personne_heures_a.sorties.get()
    client.force_login(departement)
    response = client.post(
        url_ajout(personne_heures_a), {"date": "01/03/2021", "categorie": existante.categorie}
    )
    assert response.status_code == 200
    assert response.context["form"].non_field_errors() == [
        "Une sortie de cette catégorie est déjà enregistrée à cette date pour cette personne."
    ]
    assert personne_heures_a.sorties.count() == 1

"""The "my contracts" list (scope, hours, filters, sort, exports) and the contract page."""

import csv
import datetime
import io
from decimal import Decimal

import openpyxl
import pytest
from django.urls import reverse
from django.utils import timezone

from insertion.enums import Statut
from portail.periodes import mois_courant, premier_jour
from tests.factories import (
    AcheteurFactory,
    BeneficiaireFactory,
    ClauseFactory,
    HeuresRealiseesFactory,
    LotFactory,
    MarcheFactory,
    UserFactory,
)
from tests.requetes import assert_autant_de_requetes, requetes_de_la_page

pytestmark = pytest.mark.django_db

D = datetime.date
NBSP = "\u00a0"
URL_LISTE = reverse("marches:liste")


def url_marche(marche):
    return reverse("marches:detail", args=[marche.pk])


def references(response):
    return [ligne.record.reference for ligne in response.context["table"].paginated_rows]


def cellules(response, reference):
    """Rendered cells of one row, by column name."""
    for ligne in response.context["table"].paginated_rows:
        if ligne.record.reference == reference:
            return {colonne.name: cellule for colonne, cellule in ligne.items()}
    raise AssertionError(f"{reference} absent du tableau")


@pytest.fixture
def jeu(epci_a, epci_b):
    """The cast's two EPCI. Alpha: a finished, a running and an upcoming contract with clauses, one without
    clause.

    Hours (hand-computed):
      A-001: reserved 1 000; validated 120 + 80 = 200; declared 50; rejected 30 (left out) → 20,0 %
      A-002: reserved 400 (lot 1) + uncalibrated lot 2; validated 100 (lot 1); declared 40 (lot 2) → 25,0 %
      A-003: uncalibrated, no hours → "—"
      B-001 (Beta): reserved 600; validated 300 → 50,0 %
    """
    aujourd_hui = timezone.localdate()
    alpha, beta = epci_a, epci_b
    mairie = AcheteurFactory(epci=alpha, nom="Mairie de Pommeraye-Témoin")
    bailleur = AcheteurFactory(epci=alpha, nom="Office Alpha Habitat")
    achat_beta = AcheteurFactory(epci=beta, nom="Ville de Beaufort-Secrète")
    personne = BeneficiaireFactory(nom="Tartempion", prenom="Honorine")

    def heures(clause, mois, nombre, **statut):
        return HeuresRealiseesFactory(
            clause=clause, beneficiaire=personne, mois=mois, heures=Decimal(nombre), **statut
        )

    a1 = ClauseFactory(
        lot__marche__acheteur=mairie,
        lot__marche__reference="A-001",
        lot__marche__objet="Réhabilitation de la salle des fêtes",
        lot__marche__date_debut=D(2023, 3, 1),
        lot__marche__date_fin=D(2024, 6, 30),
        lot__titulaire__raison_sociale="Bâtiments Durand",
        heures_reservees=Decimal(1000),
    )
    heures(a1, D(2023, 5, 1), 120, validees=True)
    heures(a1, D(2023, 6, 1), 80, validees=True)
    heures(a1, D(2024, 1, 1), 50)
    heures(a1, D(2024, 2, 1), 30, rejetees=True)

    m2 = MarcheFactory(
        acheteur=bailleur,
        reference="A-002",
        objet="Entretien des espaces verts",
        date_debut=aujourd_hui - datetime.timedelta(days=100),
        date_fin=aujourd_hui + datetime.timedelta(days=100),
    )
    a2_lot1 = ClauseFactory(lot__marche=m2, lot__numero=1, heures_reservees=Decimal(400))
    a2_lot2 = ClauseFactory(lot__marche=m2, lot__numero=2, non_calibree=True)
    heures(a2_lot1, premier_jour(m2.date_debut), 100, validees=True)
    heures(a2_lot2, mois_courant(), 40)

    a3 = ClauseFactory(
        lot__marche__acheteur=mairie,
        lot__marche__reference="A-003",
        lot__marche__date_debut=aujourd_hui + datetime.timedelta(days=30),
        lot__marche__date_fin=aujourd_hui + datetime.timedelta(days=400),
        non_calibree=True,
    )
    sans_clause = LotFactory(marche__acheteur=mairie, marche__reference="A-SANS-CLAUSE").marche

    b1 = ClauseFactory(
        lot__marche__acheteur=achat_beta,
        lot__marche__reference="B-001",
        lot__marche__date_debut=D(2019, 1, 1),
        lot__marche__date_fin=D(2020, 12, 31),
        heures_reservees=Decimal(600),
    )
    heures(b1, D(2020, 3, 1), 300, validees=True)

    return {
        "alpha": alpha,
        "beta": beta,
        "mairie": mairie,
        "bailleur": bailleur,
        "achat_beta": achat_beta,
        "a1": a1.lot.marche,
        "a2": m2,
        "a3": a3.lot.marche,
        "sans_clause": sans_clause,
        "b1": b1.lot.marche,
        "clause_a1": a1,
        "clause_a2": a2_lot1,
        "clause_a3": a3,
        "personne": personne,
    }


def get(client, user, url, **params):
    client.force_login(user)
    return client.get(url, params)


# --- scope ---------------------------------------------------------------------------------------


def test_agent_voit_les_marches_avec_clause_de_son_epci(client, jeu, agent_a):
    response = get(client, agent_a, URL_LISTE)
    assert response.status_code == 200
    assert sorted(references(response)) == ["A-001", "A-002", "A-003"]
    html = response.content.decode()
    assert "B-001" not in html
    assert "A-SANS-CLAUSE" not in html
    assert 'name="epci"' not in html
    assert ">EPCI<" not in html  # no EPCI column


def test_le_filtre_acheteur_ne_propose_que_les_acheteurs_du_perimetre(client, jeu, agent_a, departement):
    html = get(client, agent_a, URL_LISTE).content.decode()
    assert "Mairie de Pommeraye-Témoin" in html
    assert "Office Alpha Habitat" in html
    assert "Ville de Beaufort-Secrète" not in html
    # Years: only those of Alpha's contracts (B-001 ran in 2019–2020).
    assert '<option value="2023">' in html
    assert '<option value="2019">' not in html

    html_dep = get(client, departement, URL_LISTE).content.decode()
    assert "Ville de Beaufort-Secrète" in html_dep
    assert '<option value="2019">' in html_dep


def test_departement_voit_tout_avec_le_filtre_epci(client, jeu, departement):
    response = get(client, departement, URL_LISTE)
    assert sorted(references(response)) == ["A-001", "A-002", "A-003", "B-001"]
    formulaire = response.context["filtre"].form
    assert list(formulaire.fields["epci"].queryset) == [jeu["alpha"], jeu["beta"]]
    assert cellules(response, "B-001")["epci"] == "CC Beta"

    filtre = get(client, departement, URL_LISTE, epci=jeu["beta"].pk)
    assert references(filtre) == ["B-001"]


def test_lecteur_d_un_epci_est_limite_a_son_epci(client, jeu, lecteur_a):
    response = get(client, lecteur_a, URL_LISTE)
    assert response.status_code == 200
    assert sorted(references(response)) == ["A-001", "A-002", "A-003"]
    assert "Ville de Beaufort-Secrète" not in response.content.decode()
    assert get(client, lecteur_a, url_marche(jeu["b1"])).status_code == 404


def test_lecteur_sans_epci_voit_tout_sans_donnees_personnelles(client, jeu, lecteur):
    response = get(client, lecteur, URL_LISTE)
    assert sorted(references(response)) == ["A-001", "A-002", "A-003", "B-001"]
    html = response.content.decode()
    assert 'name="epci"' in html  # sees every EPCI, so may filter on them
    assert "Tartempion" not in html
    page = get(client, lecteur, url_marche(jeu["a1"])).content.decode()
    assert "Tartempion" not in page
    assert "Honorine" not in page


def test_visiteur_anonyme_renvoye_vers_la_connexion(client, jeu):
    for url in (URL_LISTE, url_marche(jeu["a1"])):
        response = client.get(url)
        assert response.status_code == 302
        assert response["Location"] == f"/connexion/?next={url}"


# --- hours per row -------------------------------------------------------------------------------


def test_heures_et_taux_par_marche(client, jeu, agent_a):
    response = get(client, agent_a, URL_LISTE)
    lignes = {ligne.record.reference: ligne.record for ligne in response.context["table"].paginated_rows}
    attendu = {
        "A-001": (Decimal(1000), Decimal(50), Decimal(200)),
        "A-002": (Decimal(400), Decimal(40), Decimal(100)),
        "A-003": (None, Decimal(0), Decimal(0)),
    }
    for reference, (reservees, declarees, validees) in attendu.items():
        marche = lignes[reference]
        assert (marche.heures_reservees, marche.heures_declarees, marche.heures_validees) == (
            reservees,
            declarees,
            validees,
        ), reference

    a1 = cellules(response, "A-001")
    assert a1["heures_reservees"] == f"1{NBSP}000{NBSP}h"
    assert a1["heures_declarees"] == f"50{NBSP}h"
    assert a1["heures_validees"] == f"200{NBSP}h"
    assert a1["taux"] == f"20,0{NBSP}%"
    assert a1["periode"] == "du 01/03/2023 au 30/06/2024"
    assert cellules(response, "A-002")["taux"] == f"25,0{NBSP}%"
    a3 = cellules(response, "A-003")
    assert a3["heures_reservees"] == "—"
    assert a3["taux"] == "—"
    assert f'href="{url_marche(jeu["a1"])}"' in response.content.decode()


# --- filters and sort ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("params", "attendu"),
    [
        ({"annee": "2023"}, ["A-001"]),
        ({"annee": "2024"}, ["A-001"]),
        ({"statut": "termine"}, ["A-001"]),
        ({"statut": "en_cours"}, ["A-002"]),
        ({"statut": "a_venir"}, ["A-003"]),
        ({"recherche": "espaces VERTS"}, ["A-002"]),
        ({"recherche": "a-003"}, ["A-003"]),
    ],
)
def test_filtres(client, jeu, agent_a, params, attendu):
    assert references(get(client, agent_a, URL_LISTE, **params)) == attendu


def test_filtre_annee_sur_une_annee_a_cheval(client, jeu, agent_a):
    annee = timezone.localdate().year + 1  # A-002 ends and A-003 runs next year
    response = get(client, agent_a, URL_LISTE, annee=str(annee))
    assert sorted(references(response)) == ["A-002", "A-003"]


def test_filtre_acheteur(client, jeu, agent_a):
    response = get(client, agent_a, URL_LISTE, acheteur=jeu["mairie"].pk)
    assert sorted(references(response)) == ["A-001", "A-003"]


def test_filtre_acheteur_d_un_autre_epci_refuse(client, jeu, agent_a):
    response = get(client, agent_a, URL_LISTE, acheteur=jeu["achat_beta"].pk)
    assert response.status_code == 200
    assert references(response) == []
    html = response.content.decode()
    assert "Sélectionnez un choix valide" in html
    assert "Ville de Beaufort-Secrète" not in html
    assert "B-001" not in html


def test_etat_vide(client, jeu, agent_a):
    html = get(client, agent_a, URL_LISTE, recherche="introuvable").content.decode()
    assert "Aucun marché ne correspond à ces critères." in html
    agent_sans_marche = UserFactory(agent_epci=True)
    html = get(client, agent_sans_marche, URL_LISTE).content.decode()
    assert "Aucun marché avec clause d&#x27;insertion dans votre périmètre." in html


@pytest.mark.parametrize(
    ("tri", "attendu"),
    [
        ("heures_validees", ["A-003", "A-002", "A-001"]),
        ("-heures_validees", ["A-001", "A-002", "A-003"]),
        ("heures_declarees", ["A-003", "A-002", "A-001"]),
        # Uncalibrated contracts last, whichever the direction.
        ("heures_reservees", ["A-002", "A-001", "A-003"]),
        ("-heures_reservees", ["A-001", "A-002", "A-003"]),
        ("taux", ["A-001", "A-002", "A-003"]),
        ("-taux", ["A-002", "A-001", "A-003"]),
        ("reference", ["A-001", "A-002", "A-003"]),
    ],
)
def test_tri(client, jeu, agent_a, tri, attendu):
    response = get(client, agent_a, URL_LISTE, sort=tri)
    assert references(response) == attendu
    colonne = tri.lstrip("-")
    assert 'aria-sort="' in response.content.decode()
    assert response.context["table"].columns[colonne].is_ordered


def test_pagination_par_25(client, jeu, agent_a):
    acheteur = jeu["mairie"]
    for _ in range(30):
        ClauseFactory(lot__marche__acheteur=acheteur)
    response = get(client, agent_a, URL_LISTE)
    assert len(references(response)) == 25
    assert response.context["table"].paginator.count == 33
    assert "33 marchés" in response.content.decode()
    assert len(references(get(client, agent_a, URL_LISTE, page=2))) == 8
    assert len(references(get(client, agent_a, URL_LISTE, page=99))) == 8  # last page


# --- exports -------------------------------------------------------------------------------------


def test_export_xlsx(client, jeu, agent_a):
    response = get(client, agent_a, URL_LISTE, _export="xlsx", sort="reference")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    assert response["Content-Disposition"].startswith('attachment; filename="marches-clauses-insertion-')
    feuille = openpyxl.load_workbook(io.BytesIO(response.content)).active
    lignes = list(feuille.iter_rows(values_only=True))
    assert lignes[0] == (
        "Référence",
        "Objet",
        "Acheteur",
        "Début d'exécution",
        "Fin d'exécution",
        "Heures réservées",
        "Heures déclarées (à valider)",
        "Heures validées",
        "Taux de réalisation (%)",
    )
    assert [ligne[0] for ligne in lignes[1:]] == ["A-001", "A-002", "A-003"]
    a1 = lignes[1]
    assert a1[1:3] == ("Réhabilitation de la salle des fêtes", "Mairie de Pommeraye-Témoin")
    assert a1[3:5] == (datetime.datetime(2023, 3, 1), datetime.datetime(2024, 6, 30))
    assert [float(v) for v in a1[5:9]] == [1000, 50, 200, 20]
    assert lignes[3][5] is None and lignes[3][8] is None  # A-003 not calibrated
    assert feuille["D2"].number_format == "DD/MM/YYYY"


def test_export_csv_pour_excel(client, jeu, departement):
    response = get(client, departement, URL_LISTE, _export="csv", sort="reference")
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response.content.startswith(b"\xef\xbb\xbf")
    lignes = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig")), delimiter=";"))
    assert lignes[0][:4] == ["Référence", "Objet", "Acheteur", "EPCI"]
    par_reference = {ligne[0]: ligne for ligne in lignes[1:]}
    assert list(par_reference) == ["A-001", "A-002", "A-003", "B-001"]
    assert par_reference["A-001"][3:] == [
        "CC Alpha",
        "01/03/2023",
        "30/06/2024",
        "1000,00",
        "50,00",
        "200,00",
        "20,0",
    ]
    assert par_reference["A-003"][6] == "" and par_reference["A-003"][9] == ""


def test_export_ne_contient_que_les_lignes_filtrees(client, jeu, agent_a):
    response = get(client, agent_a, URL_LISTE, _export="csv", statut="termine")
    lignes = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig")), delimiter=";"))
    assert [ligne[0] for ligne in lignes[1:]] == ["A-001"]
    # An agent's export is scoped like the screen, and has no EPCI column.
    tout = get(client, agent_a, URL_LISTE, _export="csv")
    contenu = tout.content.decode("utf-8-sig")
    assert "B-001" not in contenu and "Beaufort" not in contenu
    assert "EPCI" not in contenu.splitlines()[0]


def test_export_objet_complet_et_formule_neutralisee(client, jeu, agent_a):
    objet = '=HYPERLINK("x") ' + "travaux de voirie " * 20
    ClauseFactory(
        lot__marche__acheteur=jeu["mairie"], lot__marche__reference="A-LONG", lot__marche__objet=objet
    )
    html = get(client, agent_a, URL_LISTE).content.decode()
    assert "travaux de voirie " * 20 not in html  # shortened on screen
    response = get(client, agent_a, URL_LISTE, _export="csv", recherche="A-LONG")
    lignes = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig")), delimiter=";"))
    assert lignes[1][1] == "'" + objet
    response = get(client, agent_a, URL_LISTE, _export="xlsx", recherche="A-LONG")
    cellule = openpyxl.load_workbook(io.BytesIO(response.content)).active["B2"]
    assert cellule.data_type == "s"
    assert cellule.value == objet[1:]


def test_les_boutons_d_export_gardent_les_filtres(client, jeu, agent_a):
    html = get(client, agent_a, URL_LISTE, statut="termine").content.decode()
    assert "statut=termine&amp;_export=xlsx" in html
    assert "statut=termine&amp;_export=csv" in html


# --- contract page -------------------------------------------------------------------------------


def test_page_marche_pour_l_agent(client, jeu, agent_a):
    response = get(client, agent_a, url_marche(jeu["a1"]))
    assert response.status_code == 200
    html = response.content.decode()
    assert "Mairie de Pommeraye-Témoin" in html
    assert "Réhabilitation de la salle des fêtes" in html
    assert f"1{NBSP}000{NBSP}000,00{NBSP}€" in html
    assert "du 01/03/2023 au 30/06/2024" in html
    assert "CC Alpha" in html
    assert "Clause sociale" in html
    assert "Bâtiments Durand" in html
    assert "condition d&#x27;exécution (L2112-2)" in html
    # 1 000 000 € × 50 % × 5 % ÷ 30 €/h ≈ 833 h, while 1 000 h were retained.
    assert "montant HT × part de main-d'œuvre × taux d'insertion ÷ coût horaire" in html
    assert f"≈ 833{NBSP}h" in html
    assert "diffèrent du calcul" in html
    assert f"20,0{NBSP}%" in html
    # Finished contract: the entry link points at its last month.
    assert reverse("saisie:grille", args=[jeu["clause_a1"].pk, "2024-06"]) in html


def test_page_marche_heures_par_mois(client, jeu, agent_a):
    response = get(client, agent_a, url_marche(jeu["a1"]))
    par_mois = [(m["mois"], m["validees"], m["declarees"]) for m in response.context["par_mois"]]
    assert par_mois == [
        (D(2023, 5, 1), Decimal(120), Decimal(0)),
        (D(2023, 6, 1), Decimal(80), Decimal(0)),
        (D(2024, 1, 1), Decimal(0), Decimal(50)),
    ]  # February 2024 held only rejected hours
    assert response.context["total_mois"] == {"validees": Decimal(200), "declarees": Decimal(50)}
    html = response.content.decode()
    assert "mai 2023" in html
    assert "février 2024" not in html


def test_page_marche_en_cours_lien_vers_le_mois_courant(client, jeu, agent_a):
    response = get(client, agent_a, url_marche(jeu["a2"]))
    html = response.content.decode()
    assert reverse("saisie:grille", args=[jeu["clause_a2"].pk, f"{mois_courant():%Y-%m}"]) in html
    assert "clause non calibrée" in html
    assert "(lots calibrés seulement)" in html
    assert f"25,0{NBSP}%" in html  # 100 validated ÷ 400 reserved on the contract
    assert response.context["totaux"]["declarees"] == Decimal(40)


def test_page_marche_a_venir_sans_lien_de_saisie(client, jeu, agent_a):
    html = get(client, agent_a, url_marche(jeu["a3"])).content.decode()
    assert "/saisie/" not in html.split('id="contenu"')[1]
    assert "La saisie des heures sera possible à partir du" in html
    assert "Aucune heure déclarée sur ce marché pour l'instant." in html


def test_lecteur_n_a_pas_de_lien_de_saisie(client, jeu, lecteur_a):
    response = get(client, lecteur_a, url_marche(jeu["a2"]))
    assert response.status_code == 200
    assert reverse("saisie:grille", args=[jeu["clause_a2"].pk, f"{mois_courant():%Y-%m}"]) not in (
        response.content.decode()
    )


def test_page_marche_d_un_autre_epci_introuvable(client, jeu, agent_a, agent_b, departement):
    assert get(client, agent_b, url_marche(jeu["a1"])).status_code == 404
    assert get(client, agent_a, url_marche(jeu["b1"])).status_code == 404
    assert get(client, agent_a, reverse("marches:detail", args=[999_999])).status_code == 404
    assert get(client, departement, url_marche(jeu["b1"])).status_code == 200


# --- query counts: the same page with n and 10 n rows ----------------------------------------------


def _marches(nombre, *, acheteur, personne):
    for _ in range(nombre):
        clause = ClauseFactory(lot__marche__acheteur=acheteur)
        HeuresRealiseesFactory(clause=clause, beneficiaire=personne, mois=D(2026, 3, 1), validees=True)
        HeuresRealiseesFactory(clause=clause, beneficiaire=personne, mois=D(2026, 4, 1))


@pytest.mark.parametrize("role", ["agent_a", "departement"])
def test_requetes_liste_independantes_du_nombre_de_marches(client, request, epci_a, role):
    acheteur, personne = AcheteurFactory(epci=epci_a), BeneficiaireFactory()
    client.force_login(request.getfixturevalue(role))
    parametres = {"sort": "-taux", "per_page": 100}

    _marches(10, acheteur=acheteur, personne=personne)
    response, avec_n = requetes_de_la_page(client, URL_LISTE, parametres)
    assert response.context["table"].paginator.count == len(response.context["table"].paginated_rows) == 10

    _marches(90, acheteur=acheteur, personne=personne)
    response, avec_10_n = requetes_de_la_page(client, URL_LISTE, parametres)
    assert response.context["table"].paginator.count == len(response.context["table"].paginated_rows) == 100

    assert_autant_de_requetes(avec_n, avec_10_n)


@pytest.mark.parametrize("format_", ["xlsx", "csv"])
def test_requetes_export_independantes_du_nombre_de_marches(client, agent_a, epci_a, format_):
    acheteur, personne = AcheteurFactory(epci=epci_a), BeneficiaireFactory()
    client.force_login(agent_a)

    _marches(10, acheteur=acheteur, personne=personne)
    response, avec_n = requetes_de_la_page(client, URL_LISTE, {"_export": format_})
    assert response.status_code == 200
    taille_n = len(response.content)

    _marches(90, acheteur=acheteur, personne=personne)
    response, avec_10_n = requetes_de_la_page(client, URL_LISTE, {"_export": format_})
    assert response.status_code == 200
    assert len(response.content) > taille_n  # the 90 new contracts are in the file

    assert_autant_de_requetes(avec_n, avec_10_n)


def _heures_du_marche(clause, personnes, debut, fin):
    """Rows `debut` to `fin` - 1, five a month from January 2018, every other one validated."""
    for i in range(debut, fin):
        mois = D(2018 + (i // 5) // 12, (i // 5) % 12 + 1, 1)
        statut = {"validees": True} if i % 2 else {}
        HeuresRealiseesFactory(clause=clause, beneficiaire=personnes[i % 5], mois=mois, **statut)


def test_requetes_detail_independantes_du_nombre_d_heures(client, agent_a, epci_a):
    clause = ClauseFactory(
        lot__marche__acheteur__epci=epci_a,
        lot__marche__date_debut=D(2018, 1, 1),
        lot__marche__date_fin=D(2026, 12, 31),
    )
    personnes = BeneficiaireFactory.create_batch(5)
    ClauseFactory(lot__marche=clause.lot.marche)  # a second lot
    client.force_login(agent_a)

    def page(nombre_de_mois):
        response, requetes = requetes_de_la_page(client, url_marche(clause.lot.marche))
        lignes = response.context["par_mois"]
        assert len(lignes) == nombre_de_mois
        total = sum(ligne["validees"] + ligne["declarees"] for ligne in lignes)
        assert total == sum(h.heures for h in clause.heures.exclude(statut=Statut.REJETEES))
        return requetes

    _heures_du_marche(clause, personnes, 0, 10)
    avec_n = page(2)
    _heures_du_marche(clause, personnes, 10, 100)
    avec_10_n = page(20)

    assert_autant_de_requetes(avec_n, avec_10_n)

"""The Département's validation queue (filters, bulk validation and rejection, export) and a row's history."""

import dataclasses
import datetime
import io
from decimal import Decimal

import openpyxl
import pytest
from django.contrib.messages import get_messages
from django.urls import reverse
from django.utils.html import escape

from insertion.enums import Modalite, Statut, TypeContrat
from insertion.models import HeuresRealisees
from insertion.services import LigneHeures, SaisieInvalide, enregistrer_heures, valider_heures
from tests.factories import (
    BeneficiaireFactory,
    ClauseFactory,
    EntrepriseFactory,
    EpciFactory,
    HeuresRealiseesFactory,
    MarcheFactory,
)
from tests.requetes import assert_autant_de_requetes, requetes_de_la_page
from www.validation.forms import LIMITE_LIGNES_FILTREES

pytestmark = pytest.mark.django_db

URL = reverse("validation:file")
MARS, AVRIL = datetime.date(2026, 3, 1), datetime.date(2026, 4, 1)


def avec_versions(donnees):
    """What the browser posts: each listed row travels with the version the queue displayed."""
    selection = donnees.get("selection", [])
    versions = {
        f"version_{pk}": modifie_le.isoformat()
        for pk, modifie_le in HeuresRealisees.objects.filter(pk__in=selection).values_list("pk", "modifie_le")
    }
    return {**donnees, **versions}


def connecte(client, user):
    client.force_login(user)
    return client


def lignes_affichees(response):
    return {row.record.pk for row in response.context["table"].paginated_rows}


def messages_de(response):
    return [str(m) for m in get_messages(response.wsgi_request)]


# --- access -----------------------------------------------------------------------------------------


def test_le_departement_voit_les_heures_declarees(client, departement, clause_a):
    personne = BeneficiaireFactory(nom="Martin", prenom="Léa")
    declaree = HeuresRealiseesFactory(
        clause=clause_a, beneficiaire=personne, mois=MARS, heures=Decimal("123.45")
    )
    validee = HeuresRealiseesFactory(clause=clause_a, mois=MARS, validees=True)

    response = connecte(client, departement).get(URL)

    assert response.status_code == 200
    assert lignes_affichees(response) == {declaree.pk}
    contenu = response.content.decode()
    assert "MARTIN Léa" in contenu
    assert "mars 2026" in contenu
    assert "123,45\u00a0h" in contenu
    assert reverse("marches:detail", args=[clause_a.lot.marche_id]) in contenu
    assert reverse("validation:historique", args=[declaree.pk]) in contenu
    assert reverse("validation:historique", args=[validee.pk]) not in contenu
    assert "<caption>" in contenu
    assert 'id="tout-selectionner"' in contenu


@pytest.mark.parametrize("qui", ["agent_a", "lecteur"])
def test_les_autres_roles_recoivent_404(client, request, qui, clause_a):
    ligne = HeuresRealiseesFactory(clause=clause_a, mois=MARS)
    client = connecte(client, request.getfixturevalue(qui))

    assert client.get(URL).status_code == 404
    response = client.post(URL, avec_versions({"action": "valider", "selection": [ligne.pk]}))
    assert response.status_code == 404
    ligne.refresh_from_db()
    assert ligne.statut == Statut.DECLAREES


def test_anonyme_redirige_vers_la_connexion(client):
    response = client.get(URL)
    assert response.status_code == 302
    assert response["Location"] == f"/connexion/?next={URL}"


# --- filters ----------------------------------------------------------------------------------------


@pytest.fixture
def file_variee(clause_a, clause_b):
    """Declared rows in two EPCI and two months, plus a validated and a rejected row."""
    return {
        "a_mars": HeuresRealiseesFactory(clause=clause_a, mois=MARS),
        "a_avril": HeuresRealiseesFactory(clause=clause_a, mois=AVRIL),
        "b_mars": HeuresRealiseesFactory(clause=clause_b, mois=MARS),
        "a_validee": HeuresRealiseesFactory(clause=clause_a, mois=MARS, validees=True),
        "b_rejetee": HeuresRealiseesFactory(clause=clause_b, mois=AVRIL, rejetees=True),
    }


@pytest.mark.parametrize(
    "parametres, attendues",
    [
        ({}, {"a_mars", "a_avril", "b_mars"}),
        ({"epci": "A"}, {"a_mars", "a_avril"}),
        ({"mois": "2026-03"}, {"a_mars", "b_mars"}),
        ({"mois": "04/2026"}, {"a_avril"}),
        ({"marche": "B"}, {"b_mars"}),
        ({"statut": "validees"}, {"a_validee"}),
        ({"statut": "rejetees"}, {"b_rejetee"}),
        ({"statut": "tous", "epci": "A"}, {"a_mars", "a_avril", "a_validee"}),
        ({"epci": "A", "mois": "2026-04"}, {"a_avril"}),
    ],
)
def test_les_filtres_restreignent_la_file(
    client, departement, file_variee, epci_a, clause_a, clause_b, parametres, attendues
):
    valeurs = {
        "A": {"epci": epci_a.pk, "marche": clause_a.lot.marche_id},
        "B": {"marche": clause_b.lot.marche_id},
    }
    parametres = {cle: valeurs[v][cle] if v in valeurs else v for cle, v in parametres.items()}

    response = connecte(client, departement).get(URL, parametres)

    assert response.status_code == 200
    assert lignes_affichees(response) == {file_variee[nom].pk for nom in attendues}


def test_un_mois_mal_saisi_est_signale_en_francais(client, departement, file_variee):
    response = connecte(client, departement).get(URL, {"mois": "mars"})

    assert response.status_code == 200
    assert lignes_affichees(response) == set()
    assert "Indiquez un mois au format AAAA-MM" in response.content.decode()


def test_les_options_des_filtres_sont_celles_de_la_file(client, departement, file_variee, epci_a, epci_b):
    # An EPCI and a contract without any row of hours are not offered.
    sans_heures = MarcheFactory(acheteur__epci=EpciFactory(nom="CC Sans heures"))

    response = connecte(client, departement).get(URL)

    champs = response.context["filter"].form.fields
    assert set(champs["epci"].queryset) == {epci_a, epci_b}
    marches = set(champs["marche"].queryset)
    assert marches == {r.clause.lot.marche for r in file_variee.values()}
    assert sans_heures not in marches
    assert "CC Sans heures" not in response.content.decode()


@pytest.mark.parametrize(
    "tri",
    [
        "mois",
        "-epci",
        "marche",
        "lot",
        "-beneficiaire",
        "employeur",
        "modalite",
        "type_contrat",
        "heures",
        "-total_personne_mois",
        "statut",
        "saisi_par",
        "-saisi_le",
    ],
)
def test_chaque_colonne_se_trie(client, departement, file_variee, tri):
    response = connecte(client, departement).get(URL, {"statut": "tous", "sort": tri})

    assert response.status_code == 200
    assert lignes_affichees(response) == {r.pk for r in file_variee.values()}


def test_total_de_la_personne_sur_le_mois(client, departement, clause_a, clause_b):
    personne = BeneficiaireFactory()
    ligne = HeuresRealiseesFactory(clause=clause_a, beneficiaire=personne, mois=MARS, heures=Decimal(100))
    HeuresRealiseesFactory(
        clause=clause_b, beneficiaire=personne, mois=MARS, heures=Decimal(80), validees=True
    )
    HeuresRealiseesFactory(clause=clause_b, beneficiaire=personne, mois=AVRIL, heures=Decimal(50))
    HeuresRealiseesFactory(
        clause=ClauseFactory(), beneficiaire=personne, mois=MARS, heures=Decimal(40), rejetees=True
    )

    response = connecte(client, departement).get(URL, {"mois": "2026-03"})

    (row,) = response.context["table"].paginated_rows
    assert row.record.pk == ligne.pk
    assert row.record.total_personne_mois == Decimal(180)
    assert "180\u00a0h" in response.content.decode()
    assert "plus de 160\u00a0h" in response.content.decode()


# --- actions ----------------------------------------------------------------------------------------


def test_valider_la_selection(client, departement, clause_a):
    choisie, autre = HeuresRealiseesFactory.create_batch(2, clause=clause_a, mois=MARS)
    deja = HeuresRealiseesFactory(clause=clause_a, mois=MARS, validees=True)
    valide_le_avant, valide_par_avant = deja.valide_le, deja.valide_par
    url = f"{URL}?statut=tous&mois=2026-03"

    response = connecte(client, departement).post(
        url, avec_versions({"action": "valider", "selection": [choisie.pk, deja.pk]})
    )

    assert response.status_code == 302
    assert response["Location"] == url
    assert messages_de(response) == [
        "1 ligne validée",
        "1 ligne ignorée : elle n'était plus en attente de validation ou a été modifiée par l'EPCI "
        "depuis l'affichage de la file : vérifiez-la à nouveau.",
    ]
    choisie.refresh_from_db()
    assert choisie.statut == Statut.VALIDEES
    assert choisie.valide_par == departement
    assert choisie.valide_le is not None
    autre.refresh_from_db()
    assert autre.statut == Statut.DECLAREES
    deja.refresh_from_db()
    assert (deja.valide_le, deja.valide_par) == (valide_le_avant, valide_par_avant)


def test_valider_plusieurs_lignes_et_revenir_a_la_file_filtree(client, departement, clause_a):
    lignes = HeuresRealiseesFactory.create_batch(3, clause=clause_a, mois=MARS)
    url = f"{URL}?mois=2026-03&page=1"

    response = connecte(client, departement).post(
        url, avec_versions({"action": "valider", "selection": [r.pk for r in lignes]}), follow=True
    )

    assert response.redirect_chain == [(url, 302)]
    assert "3 lignes validées" in response.content.decode()
    assert lignes_affichees(response) == set()
    assert HeuresRealisees.objects.filter(statut=Statut.VALIDEES).count() == 3


def test_une_ligne_hors_de_la_file_filtree_est_refusee(client, departement, clause_a, clause_b):
    dans_a = HeuresRealiseesFactory(clause=clause_a, mois=MARS)
    dans_b = HeuresRealiseesFactory(clause=clause_b, mois=MARS)

    response = connecte(client, departement).post(
        f"{URL}?marche={clause_a.lot.marche_id}",
        avec_versions({"action": "valider", "selection": [dans_a.pk, dans_b.pk]}),
    )

    assert response.status_code == 200
    assert "plus dans la file" in response.content.decode()
    assert HeuresRealisees.objects.filter(statut=Statut.DECLAREES).count() == 2


def test_valider_sans_selection(client, departement, clause_a):
    ligne = HeuresRealiseesFactory(clause=clause_a, mois=MARS)

    response = connecte(client, departement).post(URL, avec_versions({"action": "valider"}))

    assert response.status_code == 200
    assert "Sélectionnez au moins une ligne." in response.content.decode()
    ligne.refresh_from_db()
    assert ligne.statut == Statut.DECLAREES


def test_valider_toutes_les_lignes_filtrees(client, departement, clause_a, clause_b):
    de_a = HeuresRealiseesFactory.create_batch(3, clause=clause_a, mois=MARS)
    de_b = HeuresRealiseesFactory(clause=clause_b, mois=MARS)

    response = connecte(client, departement).post(
        f"{URL}?marche={clause_a.lot.marche_id}",
        avec_versions({"action": "valider", "toutes_filtrees": "on"}),
    )

    assert response.status_code == 302
    assert messages_de(response) == ["3 lignes validées"]
    assert set(HeuresRealisees.objects.filter(statut=Statut.VALIDEES)) == set(de_a)
    de_b.refresh_from_db()
    assert de_b.statut == Statut.DECLAREES


def test_valider_toutes_les_lignes_filtrees_est_borne(client, departement, clause_a, monkeypatch):
    monkeypatch.setattr("www.validation.forms.LIMITE_LIGNES_FILTREES", 2)
    HeuresRealiseesFactory.create_batch(3, clause=clause_a, mois=MARS)

    response = connecte(client, departement).post(
        URL, avec_versions({"action": "valider", "toutes_filtrees": "on"})
    )

    assert response.status_code == 200
    assert "Plus de 2 lignes déclarées correspondent aux filtres" in response.content.decode()
    assert not HeuresRealisees.objects.filter(statut=Statut.VALIDEES).exists()
    assert LIMITE_LIGNES_FILTREES == 1000


@pytest.mark.parametrize("motif", ["", "   "])
def test_rejeter_exige_un_motif(client, departement, clause_a, motif):
    ligne = HeuresRealiseesFactory(clause=clause_a, mois=MARS)

    response = connecte(client, departement).post(
        URL, avec_versions({"action": "rejeter", "selection": [ligne.pk], "motif": motif})
    )

    assert response.status_code == 200
    contenu = response.content.decode()
    assert escape("Indiquez le motif du rejet : l'EPCI le verra.") in contenu
    # The selection is kept for the second try.
    assert f'value="{ligne.pk}" checked' in contenu
    ligne.refresh_from_db()
    assert (ligne.statut, ligne.motif_rejet, ligne.valide_par) == (Statut.DECLAREES, "", None)


def test_rejeter_avec_un_motif(client, departement, clause_a):
    lignes = HeuresRealiseesFactory.create_batch(2, clause=clause_a, mois=MARS)

    response = connecte(client, departement).post(
        URL,
        avec_versions(
            {
                "action": "rejeter",
                "selection": [r.pk for r in lignes],
                "motif": " Heures en double avec le lot 2. ",
            }
        ),
    )

    assert response.status_code == 302
    assert messages_de(response) == ["2 lignes rejetées"]
    for ligne in lignes:
        ligne.refresh_from_db()
        assert ligne.statut == Statut.REJETEES
        assert ligne.motif_rejet == "Heures en double avec le lot 2."
        assert ligne.valide_par == departement


def test_une_ligne_validee_est_verrouillee_pour_l_agent(client, departement, agent_a, clause_a):
    personne = BeneficiaireFactory()
    ligne = LigneHeures(
        clause=clause_a,
        mois=MARS,
        beneficiaire=personne,
        employeur=clause_a.lot.titulaire,
        heures=Decimal(35),
        modalite=Modalite.EMBAUCHE_DIRECTE,
        type_contrat=TypeContrat.CDD,
    )
    enregistrer_heures(user=agent_a, lignes=[ligne])
    rangee = HeuresRealisees.objects.get()
    connecte(client, departement).post(URL, avec_versions({"action": "valider", "selection": [rangee.pk]}))

    with pytest.raises(SaisieInvalide) as erreur:
        enregistrer_heures(
            user=agent_a,
            lignes=[dataclasses.replace(ligne, heures=Decimal(40))],
        )
    assert "déjà validées" in str(erreur.value)
    rangee.refresh_from_db()
    with pytest.raises(SaisieInvalide):
        enregistrer_heures(user=agent_a, lignes=[], suppressions=[rangee])
    rangee.refresh_from_db()
    assert (rangee.statut, rangee.heures) == (Statut.VALIDEES, Decimal(35))


def test_des_heures_modifiees_depuis_l_affichage_ne_sont_pas_validees(client, departement, agent_a, clause_a):
    ligne = LigneHeures(
        clause=clause_a,
        mois=MARS,
        beneficiaire=BeneficiaireFactory(),
        employeur=clause_a.lot.titulaire,
        heures=Decimal(35),
        modalite=Modalite.EMBAUCHE_DIRECTE,
        type_contrat=TypeContrat.CDD,
    )
    enregistrer_heures(user=agent_a, lignes=[ligne])
    rangee = HeuresRealisees.objects.get()
    # The queue shows 35 h; the clerk then corrects the row to 70 h before the validator clicks.
    contenu = connecte(client, departement).get(URL).content.decode()
    version_affichee = rangee.modifie_le.isoformat()
    assert f'name="version_{rangee.pk}" value="{version_affichee}"' in contenu
    enregistrer_heures(user=agent_a, lignes=[dataclasses.replace(ligne, heures=Decimal(70))])

    response = client.post(
        URL, {"action": "valider", "selection": [rangee.pk], f"version_{rangee.pk}": version_affichee}
    )

    rangee.refresh_from_db()
    assert (rangee.statut, rangee.heures) == (Statut.DECLAREES, Decimal(70))
    assert messages_de(response)[-1].startswith(
        "1 ligne ignorée : elle n'était plus en attente de validation ou a été modifiée"
    )
    # Seen again, at its new version, it validates.
    client.post(URL, avec_versions({"action": "valider", "selection": [rangee.pk]}))
    rangee.refresh_from_db()
    assert rangee.statut == Statut.VALIDEES


# --- export -----------------------------------------------------------------------------------------


def test_export_xlsx_de_la_file_filtree(client, departement, clause_a, clause_b):
    HeuresRealiseesFactory(
        clause=clause_a, mois=MARS, heures=Decimal("12.5"), beneficiaire=BeneficiaireFactory(nom="Alpha")
    )
    HeuresRealiseesFactory(clause=clause_b, mois=MARS, beneficiaire=BeneficiaireFactory(nom="Beta"))

    response = connecte(client, departement).get(URL, {"marche": clause_a.lot.marche_id, "_export": "xlsx"})

    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    assert "attachment" in response["Content-Disposition"]
    feuille = openpyxl.load_workbook(io.BytesIO(response.content)).active
    lignes = list(feuille.iter_rows(values_only=True))
    assert len(lignes) == 2
    entetes, valeurs = lignes
    assert "bénéficiaire" in entetes and "historique" not in entetes
    rangee = dict(zip(entetes, valeurs, strict=True))
    assert rangee["bénéficiaire"].startswith("ALPHA ")
    assert rangee["heures"] == 12.5
    assert rangee["mois"] == "mars 2026"


def test_export_csv_pour_excel_en_francais(client, departement, clause_a):
    HeuresRealiseesFactory(clause=clause_a, mois=MARS, heures=Decimal("12.5"))

    response = connecte(client, departement).get(URL, {"_export": "csv"})

    contenu = response.content.decode("utf-8")
    assert contenu.startswith("\ufeffmois;EPCI;marché;")
    assert ";12,50;" in contenu


def test_l_export_csv_neutralise_les_formules(client, departement, clause_a):
    HeuresRealiseesFactory(
        clause=clause_a, mois=MARS, employeur=EntrepriseFactory(raison_sociale='=HYPERLINK("http://x")')
    )

    response = connecte(client, departement).get(URL, {"_export": "csv"})

    contenu = response.content.decode("utf-8")
    assert "'=HYPERLINK" in contenu
    assert ";=HYPERLINK" not in contenu and ';"=HYPERLINK' not in contenu


def test_un_format_d_export_inconnu_affiche_la_page(client, departement):
    response = connecte(client, departement).get(URL, {"_export": "json"})
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/html")


# --- history ----------------------------------------------------------------------------------------


@pytest.fixture
def ligne_validee(client, departement, agent_a, clause_a):
    """A row declared by the clerk (through the service), then validated by the Département (through the queue)."""
    enregistrer_heures(
        user=agent_a,
        lignes=[
            LigneHeures(
                clause=clause_a,
                mois=MARS,
                beneficiaire=BeneficiaireFactory(nom="Martin", prenom="Léa"),
                employeur=clause_a.lot.titulaire,
                heures=Decimal(35),
                modalite=Modalite.EMBAUCHE_DIRECTE,
                type_contrat=TypeContrat.CDD,
            )
        ],
    )
    rangee = HeuresRealisees.objects.get()
    connecte(client, departement).post(URL, avec_versions({"action": "valider", "selection": [rangee.pk]}))
    client.logout()
    return rangee


@pytest.mark.parametrize("qui", ["departement", "agent_a"])
def test_l_historique_montre_creation_et_validation(client, request, ligne_validee, qui):
    response = connecte(client, request.getfixturevalue(qui)).get(
        reverse("validation:historique", args=[ligne_validee.pk])
    )

    assert response.status_code == 200
    evenements = response.context["evenements"]
    assert [e.type for e in evenements] == ["modification", "création"]
    validation, creation = evenements
    assert validation.auteur == "Claire Validatrice"
    assert creation.auteur == "Paul Saisisseur"
    changements = {c.champ: (c.avant, c.apres) for c in validation.changements}
    assert changements["statut"] == ("déclarées", "validées")
    assert changements["validé par"] == ("—", "Claire Validatrice")
    assert changements["validé ou rejeté le"][0] == "—"
    valeurs_initiales = {c.champ: (c.avant, c.apres) for c in creation.changements}
    assert valeurs_initiales == {
        "mois": ("—", "mars 2026"),
        "employeur": ("—", str(ligne_validee.employeur)),
        "modalité": ("—", "embauche directe"),
        "type de contrat": ("—", "CDD"),
        "heures": ("—", "35\u00a0h"),
        "statut": ("—", "déclarées"),
        "saisi par": ("—", "Paul Saisisseur"),
    }
    contenu = response.content.decode()
    assert "Claire Validatrice" in contenu and "Paul Saisisseur" in contenu
    assert "déclarées" in contenu and "validées" in contenu
    assert "MARTIN Léa" in contenu


def test_l_agent_voit_le_motif_du_rejet(client, departement, agent_a, clause_a):
    ligne = HeuresRealiseesFactory(clause=clause_a, mois=MARS, saisi_par=agent_a)
    connecte(client, departement).post(
        URL, avec_versions({"action": "rejeter", "selection": [ligne.pk], "motif": "Contrat hors période."})
    )

    response = connecte(client, agent_a).get(reverse("validation:historique", args=[ligne.pk]))

    assert response.status_code == 200
    assert "Motif du rejet" in response.content.decode()
    changements = {c.champ: c.apres for c in response.context["evenements"][0].changements}
    assert changements["motif du rejet"] == "Contrat hors période."
    assert changements["statut"] == "rejetées"


@pytest.mark.parametrize("qui", ["agent_b", "lecteur"])
def test_l_historique_est_cache_aux_autres(client, request, ligne_validee, qui):
    response = connecte(client, request.getfixturevalue(qui)).get(
        reverse("validation:historique", args=[ligne_validee.pk])
    )
    assert response.status_code == 404


def test_l_historique_anonyme_redirige(client, ligne_validee):
    url = reverse("validation:historique", args=[ligne_validee.pk])
    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"] == f"/connexion/?next={url}"


# --- query counts: the same page with n and 10 n rows ----------------------------------------------


def test_requetes_de_la_file_independantes_du_nombre_de_lignes(client, departement):
    clauses = ClauseFactory.create_batch(3)

    def declarer(debut, fin):
        for i in range(debut, fin):
            HeuresRealiseesFactory(
                clause=clauses[i % 3], mois=MARS, saisi_par=departement, employeur=EntrepriseFactory()
            )

    connecte(client, departement)
    declarer(0, 10)
    response, avec_n = requetes_de_la_page(client, URL, {"per_page": 100})
    assert len(lignes_affichees(response)) == 10
    declarer(10, 100)
    response, avec_10_n = requetes_de_la_page(client, URL, {"per_page": 100})
    assert len(lignes_affichees(response)) == 100
    assert_autant_de_requetes(avec_n, avec_10_n)
    assert len(lignes_affichees(client.get(URL))) == 50  # pages of 50


def test_requetes_de_l_historique_independantes_du_nombre_de_modifications(
    client, departement, agent_a, clause_a
):
    ligne = HeuresRealiseesFactory(clause=clause_a, mois=MARS, heures=Decimal(10), saisi_par=agent_a)

    def modifier(nombre):
        ligne.refresh_from_db()
        for _ in range(nombre):
            ligne.heures += 1
            ligne._history_user = agent_a
            ligne.save()

    modifier(1)
    valider_heures(user=departement, rangees=[ligne])  # creation, one change, validation: 3 events
    connecte(client, agent_a)
    url = reverse("validation:historique", args=[ligne.pk])
    response, avec_n = requetes_de_la_page(client, url)
    assert len(response.context["evenements"]) == 3

    modifier(27)  # 30 events
    response, avec_10_n = requetes_de_la_page(client, url)
    assert len(response.context["evenements"]) == ligne.history.count() == 30
    assert_autant_de_requetes(avec_n, avec_10_n)

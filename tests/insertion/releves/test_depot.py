"""Importing a monthly statement: the template, who may upload, size limits, confirmation, query counts."""

import codecs
import html
import io
import re
from decimal import Decimal

import openpyxl
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from beneficiaires.models import Beneficiaire
from insertion.enums import Modalite, TypeContrat
from insertion.models import HeuresRealisees, ReleveEnAttente
from insertion.releves import lecture
from insertion.releves.colonnes import ENTETES_FRANCAIS
from insertion.releves.lecture import TAILLE_MAX_OCTETS
from portail.periodes import libelle_mois
from tests.factories import (
    UserFactory,
)
from tests.insertion.releves.aides import URL, deposer, fichier_csv, fichier_xlsx, ligne, nouvelle_personne

pytestmark = pytest.mark.django_db


# --- template downloads --------------------------------------------------------------------------


def test_modele_xlsx_porte_les_entetes_et_les_valeurs_autorisees(client, jeu):
    client.force_login(jeu.agent)
    reponse = client.get(reverse("releves:modele", kwargs={"format": "xlsx"}))
    assert reponse.status_code == 200
    assert reponse["Content-Type"] == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    assert 'filename="modele-releve-heures.xlsx"' in reponse["Content-Disposition"]
    classeur = openpyxl.load_workbook(io.BytesIO(reponse.content))
    assert classeur.sheetnames[:2] == ["relevé", "valeurs autorisées"]
    assert [c.value for c in classeur["relevé"][1]] == list(ENTETES_FRANCAIS)
    valeurs = {(r[0], r[1]) for r in classeur["valeurs autorisées"].iter_rows(min_row=2, values_only=True)}
    assert {("Modalité", code) for code in Modalite.values} <= valeurs
    assert {("Type de contrat", code) for code in TypeContrat.values} <= valeurs
    assert {("Sexe (F ou H)", "F"), ("Sexe (F ou H)", "H")} <= valeurs
    assert {
        ("Bénéficiaire du RSA (oui ou non)", "oui"),
        ("Bénéficiaire du RSA (oui ou non)", "non"),
    } <= valeurs


def test_modele_csv_utf8_avec_bom_et_point_virgule(client, jeu):
    client.force_login(jeu.agent)
    reponse = client.get(reverse("releves:modele", kwargs={"format": "csv"}))
    assert reponse.status_code == 200
    assert reponse["Content-Type"] == "text/csv; charset=utf-8"
    assert reponse.content.startswith(codecs.BOM_UTF8)
    premiere_ligne = reponse.content[len(codecs.BOM_UTF8) :].decode("utf-8").splitlines()[0]
    assert premiere_ligne.split(";") == list(ENTETES_FRANCAIS)


def test_le_modele_sans_donnees_porte_la_ligne_d_exemple_que_l_import_refuse(client, jeu):
    """Without last month's rows, the template holds the example line: read back, its contract is unknown."""
    client.force_login(jeu.agent)
    for format_ in ("xlsx", "csv"):
        modele = client.get(reverse("releves:modele", kwargs={"format": format_})).content
        resultat = deposer(client, modele, nom=f"modele.{format_}").context["resultat"]
        assert resultat.lignes == 1 and not resultat.ecrit
        assert resultat.erreurs[0].message.startswith("Marché inconnu : « 2026-M0001 »")


def test_modele_dans_un_format_inconnu_404(client, jeu):
    client.force_login(jeu.agent)
    assert client.get(reverse("releves:modele", kwargs={"format": "ods"})).status_code == 404


# --- access --------------------------------------------------------------------------------------


def test_agent_epci_voit_le_formulaire_et_la_documentation(client, jeu):
    client.force_login(jeu.agent)
    reponse = client.get(URL)
    assert reponse.status_code == 200
    contenu = reponse.content.decode()
    assert '<label class="form-label" for="id_fichier">Fichier du relevé (XLSX ou CSV)</label>' in contenu
    assert reverse("releves:modele", kwargs={"format": "xlsx"}) in contenu
    assert reverse("releves:modele", kwargs={"format": "csv"}) in contenu
    assert "<caption" in contenu and "Colonnes du relevé" in contenu
    assert "<code>siret_employeur</code>" in contenu


def test_la_page_enonce_chaque_plafond_une_fois(client, jeu):
    """160 h, 250 h, 2 Mo and 5 000 lines: one sentence each, from the constants; no second ceiling (744 h)."""
    client.force_login(jeu.agent)
    texte = " ".join(html.unescape(re.sub(r"<[^>]+>", " ", client.get(URL).content.decode())).split())
    assert (
        texte.count(
            "Au-delà de 160 h dans un mois pour une même personne, tous marchés confondus, une confirmation est "
            "demandée ; au-delà de 250 h, la saisie est refusée."
        )
        == 1
    )
    assert "Au plus 2 Mo et 5 000 lignes." in texte
    for valeur in ("160", "250", "744", "2 Mo", "5 000"):
        assert texte.count(valeur) == (0 if valeur == "744" else 1), valeur


@pytest.mark.parametrize("trait", ["lecteur", "lecteur_epci"])
def test_lecteur_404(client, jeu, trait):
    client.force_login(UserFactory(**{trait: True}))
    assert client.get(URL).status_code == 404
    assert deposer(client, fichier_xlsx([ligne(jeu)])).status_code == 404
    assert client.get(reverse("releves:modele", kwargs={"format": "xlsx"})).status_code == 404
    assert not HeuresRealisees.objects.exists()


def test_anonyme_renvoye_vers_la_connexion(client, jeu):
    for url in (URL, reverse("releves:modele", kwargs={"format": "csv"})):
        reponse = client.get(url)
        assert reponse.status_code == 302
        assert reponse["Location"] == f"/connexion/?next={url}"


def test_limites_de_taille_et_de_lignes(client, jeu, monkeypatch):
    client.force_login(jeu.agent)
    trop_gros = b"x" * (TAILLE_MAX_OCTETS + 1)
    reponse = deposer(client, trop_gros, nom="releve.csv")
    assert reponse.context["formulaire"].errors["fichier"] == [
        "Le fichier pèse plus de 2 Mo : découpez le relevé en plusieurs fichiers."
    ]

    monkeypatch.setattr(lecture, "LIGNES_MAX", 3)
    reponse = deposer(client, fichier_xlsx([ligne(jeu)] * 4))
    assert reponse.context["formulaire"].errors["fichier"] == [
        "Le relevé dépasse 3 lignes : découpez-le en plusieurs fichiers."
    ]

    monkeypatch.setattr(lecture, "LIGNES_LUES_MAX", 10)
    lignes_vides = fichier_csv([ligne(jeu)]) + b";;;\r\n" * 10
    reponse = deposer(client, lignes_vides, nom="releve.csv")
    assert reponse.context["formulaire"].errors["fichier"] == [
        "Le fichier dépasse 10 lignes (lignes vides comprises) : supprimez les lignes vides en fin de feuille "
        "ou découpez le relevé."
    ]
    assert not HeuresRealisees.objects.exists()


# --- confirmation above 160 h --------------------------------------------------------------------


def test_plus_de_160_heures_demande_une_confirmation(client, jeu):
    client.force_login(jeu.agent)
    contenu = fichier_xlsx([ligne(jeu, heures="170")])

    reponse = deposer(client, contenu)

    resultat = reponse.context["resultat"]
    assert resultat.confirmation_requise and not resultat.ecrit
    assert resultat.alertes == [
        f"LEFÈVRE Hélène totalise 170\u00a0h en {libelle_mois(jeu.mois)}, tous marchés confondus "
        "(plus de 160\u00a0h)."
    ]
    assert "Confirmation nécessaire : rien n'est encore enregistré" in reponse.content.decode()
    assert not HeuresRealisees.objects.exists()
    en_attente = {name: reponse.context["confirmation"][name].value() for name in ("jeton", "empreinte")}

    sans_case = client.post(URL, en_attente)
    assert sans_case.context["confirmation"].errors["je_confirme"] == [
        "Cochez la case pour confirmer les totaux avant d'importer le fichier."
    ]
    assert not HeuresRealisees.objects.exists()

    confirme = client.post(URL, en_attente | {"je_confirme": "on"})

    assert confirme.context["resultat"].ecrit
    assert confirme.context["resultat"].alertes == resultat.alertes
    assert HeuresRealisees.objects.get().heures == Decimal("170")
    assert not ReleveEnAttente.objects.exists()
    # The pending file is gone: confirming twice does not import twice.
    encore = client.post(URL, en_attente | {"je_confirme": "on"})
    assert [str(m) for m in encore.context["messages"]] == [
        "Le fichier à confirmer n'est plus disponible : déposez-le de nouveau."
    ]
    assert HeuresRealisees.objects.count() == 1


def test_confirmation_d_un_autre_fichier_refusee(client, jeu):
    client.force_login(jeu.agent)
    reponse = deposer(client, fichier_xlsx([ligne(jeu, heures="170")]))
    jeton = reponse.context["confirmation"]["jeton"].value()
    reponse = client.post(URL, {"jeton": jeton, "empreinte": "0" * 64, "je_confirme": "on"})
    assert "n&#x27;est plus disponible" in reponse.content.decode()
    assert not HeuresRealisees.objects.exists()


# --- query counts --------------------------------------------------------------------------------


def _requetes_d_import(client, contenu) -> list[str]:
    with CaptureQueriesContext(connection) as requetes:
        reponse = deposer(client, contenu)
    assert reponse.context["resultat"].ecrit, reponse.context["resultat"].erreurs
    return [q["sql"] for q in requetes.captured_queries]


def test_nombre_de_requetes_independant_du_nombre_de_lignes(client, jeu, django_assert_max_num_queries):
    """10 or 100 lines, new people included: the same queries, in bulk (SQLite only splits big INSERTs)."""
    client.force_login(jeu.agent)
    petit = fichier_xlsx([nouvelle_personne(jeu, n, heures="20") for n in range(10)])
    grand = fichier_xlsx([nouvelle_personne(jeu, n, heures="20") for n in range(100, 200)])

    # 29: +1 for the access-log entry of the people created, +1 for the DELETE of the pending statements
    # (the user's own and the expired ones) on each deposit, +1 for the closed years of the lines, +1 for the
    # unread notifications badge.
    with django_assert_max_num_queries(30):
        deposer(client, petit)
    HeuresRealisees.objects.all().delete()
    Beneficiaire.objects.filter(nom__startswith="Personne").delete()
    requetes_petit = _requetes_d_import(client, petit)
    requetes_grand = _requetes_d_import(client, grand)

    assert HeuresRealisees.objects.count() == 110
    hors_insertions = [[q for q in r if not q.startswith("INSERT")] for r in (requetes_petit, requetes_grand)]
    assert len(hors_insertions[0]) == len(hors_insertions[1])
    if connection.vendor == "postgresql":
        assert len(requetes_petit) == len(requetes_grand)

    # Importing the same files again writes nothing: exactly the same number of queries on every database.
    assert len(_requetes_d_import(client, petit)) == len(_requetes_d_import(client, grand))

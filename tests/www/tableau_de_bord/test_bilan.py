"""The bilan for élus: the synthesis and its comparison with the previous year, the Département's comment,
every EPCI's synthesis at once, and the year's workbook."""

import datetime
import io
from decimal import Decimal

import openpyxl
import pytest
from django.urls import reverse

from insertion.enums import Statut
from insertion.indicateurs.chiffres import calculer_chiffres
from insertion.indicateurs.requetes import Perimetre
from insertion.models import CommentaireBilan, HeuresRealisees
from insertion.regles import TEXTE_MAX_COMMENTAIRE
from portail.formats import Masque
from territoires.models import Epci
from tests.factories import (
    BeneficiaireFactory,
    ClauseFactory,
    CommentaireBilanFactory,
    EpciFactory,
    UserFactory,
)
from tests.requetes import assert_autant_de_requetes, requetes_de_la_page
from tests.www.tableau_de_bord.aides import NBSP, URL_BILAN, exporter, get, html
from www.tableau_de_bord.bilan import chaine_css, evolution, mois_termines
from www.tableau_de_bord.tables import TABLES, construire_tables

pytestmark = pytest.mark.django_db

D = datetime.date
URL_EPCI = reverse("tableau_de_bord:bilan_epci")
URL_CLASSEUR = reverse("tableau_de_bord:classeur")


# --- the synthesis ---------------------------------------------------------------------------------


def test_evolution():
    assert evolution(Decimal(150), Decimal(100)) == f"+50,0{NBSP}%"
    assert evolution(Decimal(90), Decimal(120)) == f"−25,0{NBSP}%"
    assert evolution(Decimal(0), Decimal(0)) == "—"
    assert evolution(Decimal(10), None) == "—"


def test_mois_termines():
    assert mois_termines(2025, D(2026, 12, 3)) == 12
    assert mois_termines(2026, D(2026, 12, 3)) == 11
    assert mois_termines(2026, D(2026, 1, 15)) == 0
    assert mois_termines(2027, D(2026, 12, 3)) == 0


def test_synthese_comparee_a_l_annee_precedente(client, jeu_annuel):
    # 2026: 70 h (Beta, January); 2025: 210 h over the whole year, 3 people; 2026: 1 person.
    reponse = get(client, jeu_annuel["departement"], URL_BILAN, annee=2025)
    page = html(reponse)
    assert "Comparaison avec 2024, sur l&#x27;année" in page
    assert f'href="{reverse("tableau_de_bord:pied")}?annee=2025"' in page  # the running footer
    assert "Chiffres provisoires" in page
    lignes = reponse.context["bilan"]["comparaison"]["lignes"]
    # 2024: 80 h (p2, Beta, December), 1 person.
    assert [(ligne.annee, ligne.precedente, ligne.evolution) for ligne in lignes] == [
        (Decimal(210), Decimal(80), f"+162,5{NBSP}%"),
        (3, 1, f"+200,0{NBSP}%"),
    ]


def test_synthese_seule_sans_annexe(client, jeu_annuel):
    page = html(get(client, jeu_annuel["departement"], URL_BILAN, annee=2025, annexe="0"))
    assert "Annexe" not in page
    assert page.count('class="page-bilan') == 2
    assert "Heures par EPCI" in page and "Sorties par catégorie" in page


def test_liens_du_classeur_et_des_epci(client, jeu_annuel):
    page = html(get(client, jeu_annuel["departement"], URL_BILAN, annee=2025))
    assert f'href="{URL_CLASSEUR}?annee=2025"' in page
    assert f'href="{URL_EPCI}?annee=2025"' in page
    tableau = html(get(client, jeu_annuel["departement"], reverse("tableau_de_bord:page"), annee=2025))
    assert f'href="{URL_CLASSEUR}?annee=2025"' in tableau
    # An EPCI's clerk: the workbook of their EPCI, no page of every EPCI.
    page = html(get(client, jeu_annuel["agent_alpha"], URL_BILAN, annee=2025))
    assert 'id="lien-par-epci"' not in page and 'id="lien-classeur"' in page


# --- the comment -----------------------------------------------------------------------------------


def _poster(client, user, texte, **params):
    client.force_login(user)
    query = "&".join(f"{cle}={valeur}" for cle, valeur in {"annee": 2025, **params}.items())
    return client.post(f"{URL_BILAN}?{query}", {"texte": texte})


def test_commentaire_ecrit_par_le_departement_lu_par_tous(client, jeu_annuel):
    departement = jeu_annuel["departement"]
    reponse = _poster(client, departement, "  Une belle année pour l'insertion.\r\nMerci aux entreprises.  ")
    assert reponse.status_code == 302
    assert reponse["Location"] == f"{URL_BILAN}?annee=2025"
    commentaire = CommentaireBilan.objects.get()
    assert (commentaire.annee, commentaire.epci, commentaire.auteur) == (2025, None, departement)
    assert commentaire.texte == "Une belle année pour l'insertion.\nMerci aux entreprises."
    page = html(get(client, jeu_annuel["lecteur"], URL_BILAN, annee=2025))
    assert "Une belle année pour l&#x27;insertion.<br>Merci aux entreprises." in page
    assert 'name="texte"' not in page  # the form is the Département's
    # An EPCI's accounts read their EPCI's bilan, and its own comment (none here).
    page = html(get(client, jeu_annuel["lecteur_beta"], URL_BILAN, annee=2025))
    assert "Une belle année" not in page and "Aucun commentaire pour ce bilan." in page
    # Not the comment of another year.
    assert "Une belle année" not in html(get(client, departement, URL_BILAN, annee=2024))


def test_commentaire_historique_modification_et_retrait(client, jeu_annuel):
    departement = jeu_annuel["departement"]
    _poster(client, departement, "Premier jet.")
    _poster(client, departement, "Texte revu.")
    assert _poster(client, departement, "Texte revu.").status_code == 302  # unchanged: no new version
    page = html(get(client, departement, URL_BILAN, annee=2025))
    assert 'id="historique-commentaire"' in page
    assert page.count("<td>modification</td>") == 1 and page.count("<td>création</td>") == 1
    assert "Premier jet." in page  # the former text, in the history
    _poster(client, departement, "")
    assert not CommentaireBilan.objects.exists()
    page = html(get(client, departement, URL_BILAN, annee=2025))
    assert "<td>retrait</td>" in page
    assert "Aucun commentaire pour ce bilan." in page


def test_commentaire_de_l_epci_a_part(client, jeu_annuel):
    departement, alpha = jeu_annuel["departement"], jeu_annuel["alpha"]
    reponse = _poster(client, departement, "Alpha progresse.", epci=alpha.siren)
    assert reponse["Location"] == f"{URL_BILAN}?annee=2025&epci={alpha.siren}"
    _poster(client, departement, "Le Département avance.")
    assert CommentaireBilan.objects.count() == 2
    page = html(get(client, jeu_annuel["agent_alpha"], URL_BILAN, annee=2025))
    assert "Alpha progresse." in page and 'name="texte"' not in page
    assert "Alpha progresse." not in html(get(client, departement, URL_BILAN, annee=2025))


@pytest.mark.parametrize("role", ["lecteur", "agent_alpha", "lecteur_beta"])
def test_commentaire_refuse_hors_departement(client, jeu_annuel, role):
    assert _poster(client, jeu_annuel[role], "Je commente.").status_code == 404
    assert not CommentaireBilan.objects.exists()


def test_commentaire_trop_long_ou_annee_invalide(client, jeu_annuel):
    departement = jeu_annuel["departement"]
    reponse = _poster(client, departement, "x" * (TEXTE_MAX_COMMENTAIRE + 1))
    assert reponse.status_code == 200
    assert f"tient en {TEXTE_MAX_COMMENTAIRE} caractères au plus" in reponse.content.decode()
    reponse = _poster(client, departement, "Pour une année qui n'existe pas.", annee="20x5")
    assert reponse.status_code == 200
    assert "Rien n&#x27;a été enregistré." in reponse.content.decode()
    assert not CommentaireBilan.objects.exists()


# --- every EPCI at once ----------------------------------------------------------------------------


@pytest.mark.parametrize("role", ["departement", "lecteur"])
def test_chaque_epci_comme_son_propre_bilan(client, jeu_annuel, role):
    """Each EPCI's synthesis shows what that EPCI's bilan shows to the same user, masked alike for readers."""
    user = jeu_annuel[role]
    CommentaireBilanFactory(annee=2025, epci=jeu_annuel["alpha"], texte="Le mot pour Alpha.")
    reponse = get(client, user, URL_EPCI, annee=2025)
    page = html(reponse)
    toutes = reponse.context["syntheses"]
    assert len(toutes) == Epci.objects.count()  # the factories' other EPCI too, each with its synthesis
    assert page.count('class="synthese-bilan"') == len(toutes)
    syntheses = [s for s in toutes if s["libelle"] in ("CC Alpha", "CC Beta")]
    assert [s["libelle"] for s in syntheses] == ["CC Alpha", "CC Beta"]
    for synthese, epci in zip(syntheses, ("alpha", "beta"), strict=True):
        seul = get(client, user, URL_BILAN, annee=2025, epci=jeu_annuel[epci].siren).context["bilan"]
        assert synthese["chiffres"] == seul["chiffres"]
        assert synthese["comparaison"] == seul["comparaison"]
    if role == "departement":
        assert syntheses[0]["synthese"].heures_validees == Decimal(150)
    assert page.count("Le mot pour Alpha.") == 1
    if role == "lecteur":  # 2 people on Alpha, 1 on Beta: hidden from readers
        assert isinstance(syntheses[1]["synthese"].nb_beneficiaires, Masque)
        assert "Les effectifs inférieurs à 5 personnes sont masqués" in page


def _clauses(epcis):
    """One contract per EPCI, and six people (made once: their communes bring EPCI of their own)."""
    personnes = BeneficiaireFactory.create_batch(6, date_entree=D(2024, 1, 1))
    return personnes, [
        ClauseFactory(
            lot__marche__acheteur__epci=epci,
            lot__marche__date_debut=D(2024, 1, 1),
            lot__marche__date_fin=D(2026, 12, 31),
        )
        for epci in epcis
    ]


def _volume(n, personnes, clauses, debut=0):
    """n validated rows of 2025 over the contracts and people given (rows `debut` to `debut + n`, distinct)."""
    saisi_par = UserFactory(departement=True)
    HeuresRealisees.objects.bulk_create(
        HeuresRealisees(
            clause=clauses[i % len(clauses)],
            beneficiaire=personnes[i % 6],
            employeur=clauses[i % len(clauses)].lot.titulaire,
            mois=D(2025, 1 + (i // 6) % 12, 1),
            heures=Decimal(7),
            modalite="embauche_directe" if (i // 72) % 2 == 0 else "mise_a_disposition",
            type_contrat="cdd",
            statut=Statut.VALIDEES,
            saisi_par=saisi_par,
            valide_par=saisi_par,
        )
        for i in range(debut, debut + n)
    )


@pytest.mark.parametrize("role", ["departement", "lecteur"])
def test_requetes_de_chaque_epci_selon_les_donnees(client, role):
    """As many queries with n rows as with 10 n, and a fixed number more for each EPCI."""
    user = UserFactory(departement=True) if role == "departement" else UserFactory(lecteur=True)
    client.force_login(user)
    personnes, clauses = _clauses([EpciFactory(), EpciFactory()])
    _volume(12, personnes, clauses)
    _, avec_n = requetes_de_la_page(client, URL_EPCI, {"annee": 2025})
    _volume(108, personnes, clauses, debut=12)
    _, avec_10_n = requetes_de_la_page(client, URL_EPCI, {"annee": 2025})
    assert_autant_de_requetes(avec_n, avec_10_n)

    EpciFactory()
    _, un_de_plus = requetes_de_la_page(client, URL_EPCI, {"annee": 2025})
    EpciFactory()
    _, deux_de_plus = requetes_de_la_page(client, URL_EPCI, {"annee": 2025})
    assert len(deux_de_plus) - len(un_de_plus) == len(un_de_plus) - len(avec_10_n) > 0


# --- the workbook ----------------------------------------------------------------------------------


def _classeur(client, user, **params):
    reponse = get(client, user, URL_CLASSEUR, **params)
    assert reponse.status_code == 200
    assert reponse["Content-Type"] == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    return reponse, openpyxl.load_workbook(io.BytesIO(reponse.content))


@pytest.mark.parametrize("role", ["departement", "lecteur", "agent_alpha", "lecteur_beta"])
def test_classeur_une_feuille_par_tableau_comme_les_exports(client, jeu_annuel, role):
    user = jeu_annuel[role]
    reponse, classeur = _classeur(client, user, annee=2025)
    noms = [classe.feuille for classe, _ in TABLES.values()]
    assert classeur.sheetnames == noms
    assert all(len(nom) <= 31 for nom in noms)
    for nom, feuille in zip(TABLES, classeur.worksheets, strict=True):
        lignes = [list(ligne) for ligne in feuille.iter_rows(values_only=True)]
        assert lignes == exporter(client, user, nom)  # the table's own export, masked alike
    suffixe = {"agent_alpha": f"-{jeu_annuel['alpha'].siren}", "lecteur_beta": f"-{jeu_annuel['beta'].siren}"}
    assert reponse["Content-Disposition"] == f'attachment; filename="bilan-2025{suffixe.get(role, "")}.xlsx"'


def _valeur(valeur):
    """A cell as the page's table and the workbook both give it: numbers as floats, dates as dates."""
    if isinstance(valeur, datetime.datetime):
        return valeur.date()
    if isinstance(valeur, Decimal | int) and not isinstance(valeur, bool):
        return float(valeur)
    return None if valeur == "" else valeur


def test_classeur_valeurs_des_tableaux_de_la_page(client, jeu_annuel):
    """The lecteur's workbook holds the values of the bilan's tables, masked cells included."""
    lecteur = jeu_annuel["lecteur"]
    _, classeur = _classeur(client, lecteur, annee=2025)
    tables = construire_tables(
        calculer_chiffres(user=lecteur, perimetre=Perimetre(annee=2025)), orderable=False
    )
    for (nom, table), feuille in zip(tables.items(), classeur.worksheets, strict=True):
        valeurs = [[_valeur(v) for v in ligne] for ligne in feuille.iter_rows(values_only=True)]
        assert valeurs == [[_valeur(v) for v in ligne] for ligne in table.as_values()], nom
    epci = classeur["Par EPCI"]
    assert ["CC Beta" in str(c.value) for c in epci["A"]].count(True) == 1
    assert {"secret", "< 5"} & {c.value for c in epci["F"]}  # Beta's single person, masked as on the page


@pytest.mark.parametrize("url", [URL_CLASSEUR, URL_BILAN])
def test_requetes_du_classeur_et_du_bilan_selon_les_donnees(client, url):
    client.force_login(UserFactory(lecteur=True))
    personnes, clauses = _clauses([EpciFactory(), EpciFactory()])
    _volume(12, personnes, clauses)
    _, avec_n = requetes_de_la_page(client, url, {"annee": 2025})
    _volume(108, personnes, clauses, debut=12)
    _, avec_10_n = requetes_de_la_page(client, url, {"annee": 2025})
    assert_autant_de_requetes(avec_n, avec_10_n)


def test_classeur_annee_invalide(client, jeu_annuel):
    assert get(client, jeu_annuel["departement"], URL_CLASSEUR, annee="20x5").status_code == 404


# --- the running footer ----------------------------------------------------------------------------

URL_PIED = reverse("tableau_de_bord:pied")


def test_pied_de_page_du_bilan(client, jeu_annuel):
    reponse = get(client, jeu_annuel["departement"], URL_PIED, annee=2025)
    assert reponse["Content-Type"] == "text/css; charset=utf-8"
    css = reponse.content.decode()
    assert "@bottom-left" in css and "— Département de Maine-et-Loire —" in css and "— provisoire" in css
    css = get(client, jeu_annuel["lecteur_beta"], URL_PIED, annee=2025, chaque_epci=1).content.decode()
    assert "Bilan 2025 — CC Beta —" in css and "CC Alpha" not in css and "@page pied-" not in css


def test_pied_de_page_de_chaque_epci(client, jeu_annuel):
    """One named page per EPCI, so that each synthesis prints its EPCI's name at the foot of its pages."""
    alpha = jeu_annuel["alpha"]
    css = get(client, jeu_annuel["lecteur"], URL_PIED, annee=2025, chaque_epci=1).content.decode()
    assert f'@page pied-{alpha.siren} {{ @bottom-left {{ content: "Bilan 2025 — CC Alpha —' in css
    assert f"#bilan-{alpha.siren} {{ page: pied-{alpha.siren}; }}" in css
    page = html(get(client, jeu_annuel["lecteur"], URL_EPCI, annee=2025))
    assert f'id="bilan-{alpha.siren}"' in page
    assert f'href="{URL_PIED}?annee=2025&amp;chaque_epci=1"' in page


def test_chaine_css_echappee():
    assert chaine_css('CC "Alpha" \\ Beta\n') == '"CC \\"Alpha\\" \\\\ Beta "'

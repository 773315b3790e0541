"""/pilotage/: the contracts at risk per role and scope, filters, export, missing declarations, query counts."""

import csv
import io

import openpyxl
import pytest
from django.urls import reverse
from django.utils import timezone

from portail.periodes import code_mois, libelle_mois, mois_courant, mois_precedent
from tests.requetes import assert_autant_de_requetes, requetes_de_la_page
from tests.www.pilotage.conftest import JOURS, clause

pytestmark = pytest.mark.django_db

URL = reverse("pilotage:page")
NBSP = "\u00a0"


def get(client, user, **params):
    client.force_login(user)
    return client.get(URL, params)


def references(reponse) -> list[str]:
    return [ligne.marche.reference for ligne in reponse.context["table"].data]


def test_le_departement_voit_les_marches_a_risque_de_tout_le_departement(client, jeu, departement):
    reponse = get(client, departement)
    assert reponse.status_code == 200
    # By end date: B-FIN ends first.
    assert references(reponse) == ["B-FIN", "A-RETARD", "A-CALIBRER"]
    html = reponse.content.decode()
    assert "Mairie A-RETARD — A-RETARD — Travaux A-RETARD" in html  # always the contract's full name
    assert reverse("marches:detail", args=[jeu["retard"].lot.marche_id]) in html
    assert "A-OK" not in html and "A-CLOS" not in html
    assert "Clause non calibrée : les heures réservées sont à fixer." in html
    assert f"avec 100{NBSP}h encore à réaliser." in html
    assert "En retard : 0" in html
    assert "<th" in html and "EPCI" in html


@pytest.mark.parametrize(
    ("role", "attendues"),
    [
        ("agent_a", ["A-RETARD", "A-CALIBRER"]),
        ("lecteur_a", ["A-RETARD", "A-CALIBRER"]),
        ("agent_b", ["B-FIN"]),
        ("lecteur", ["B-FIN", "A-RETARD", "A-CALIBRER"]),
    ],
)
def test_chacun_dans_son_perimetre(client, jeu, request, role, attendues):
    reponse = get(client, request.getfixturevalue(role))
    assert reponse.status_code == 200
    assert references(reponse) == attendues


def test_un_agent_n_a_ni_colonne_ni_filtre_epci(client, jeu, agent_a, epci_b):
    reponse = get(client, agent_a, epci=epci_b.pk)
    assert "epci" not in reponse.context["filtre"].fields
    assert "CC Beta" not in reponse.content.decode()
    # The EPCI of another territory asked for is ignored: still Alpha's contracts only.
    assert references(reponse) == ["A-RETARD", "A-CALIBRER"]


def test_filtres_par_raison_et_par_epci(client, jeu, departement, epci_a, epci_b):
    assert references(get(client, departement, motif="fin_proche")) == ["B-FIN"]
    assert references(get(client, departement, motif="non_calibree")) == ["A-CALIBRER"]
    assert references(get(client, departement, epci=epci_a.pk)) == ["A-RETARD", "A-CALIBRER"]
    assert references(get(client, departement, epci=epci_b.pk, motif="en_retard")) == []
    # The EPCI options are those of the listed contracts.
    reponse = get(client, departement)
    assert [nom for _, nom in reponse.context["filtre"].fields["epci"].choices] == [
        "Tous les EPCI",
        "CC Alpha",
        "CC Beta",
    ]


@pytest.mark.parametrize("parametres", [{"motif": "inconnu"}, {"epci": "abc"}, {"epci": "999999"}])
def test_filtre_invalide(client, jeu, departement, parametres):
    reponse = get(client, departement, **parametres)
    assert reponse.status_code == 200
    assert references(reponse) == []
    assert "Un filtre n'est pas valide" in reponse.content.decode()


def test_tri_par_avancement(client, jeu, departement):
    # Most behind first, a contract where nothing can be measured (not calibrated) before it: A-RETARD 0 %,
    # B-FIN about 97 %.
    assert references(get(client, departement, sort="avancement")) == ["A-CALIBRER", "A-RETARD", "B-FIN"]
    assert references(get(client, departement, sort="-avancement")) == ["B-FIN", "A-RETARD", "A-CALIBRER"]


def test_export_xlsx(client, jeu, departement):
    reponse = get(client, departement, _export="xlsx")
    assert reponse.status_code == 200
    assert reponse["Content-Disposition"].startswith('attachment; filename="marches-a-risque-')
    lignes = list(openpyxl.load_workbook(io.BytesIO(reponse.content)).active.iter_rows(values_only=True))
    assert lignes[0] == (
        "Référence",
        "Objet",
        "Acheteur",
        "EPCI",
        "Début d'exécution",
        "Fin d'exécution",
        "Heures réservées",
        "Heures dues à cette date",
        "Heures réalisées (validées et déclarées)",
        "Réalisées / dues",
        "Raisons",
    )
    assert [ligne[0] for ligne in lignes[1:]] == ["B-FIN", "A-RETARD", "A-CALIBRER"]
    b_fin = lignes[1]
    assert b_fin[1:4] == ("Travaux B-FIN", "Mairie B-FIN", "CC Beta")
    assert float(b_fin[6]) == 1000 and float(b_fin[8]) == 900
    assert b_fin[10].startswith("Se termine le ")
    a_calibrer = lignes[3]
    assert a_calibrer[6] is None and a_calibrer[9] is None
    assert a_calibrer[10] == "Clause non calibrée : les heures réservées sont à fixer."


def test_export_csv_filtre_et_dans_le_perimetre(client, jeu, agent_a):
    reponse = get(client, agent_a, _export="csv", motif="en_retard")
    lignes = list(csv.reader(io.StringIO(reponse.content.decode("utf-8-sig")), delimiter=";"))
    assert "EPCI" not in lignes[0]
    assert [ligne[0] for ligne in lignes[1:]] == ["A-RETARD"]
    assert "Aucune heure déclarée pour" in lignes[1][-1] and "En retard" in lignes[1][-1]


def test_les_boutons_d_export_gardent_les_filtres(client, jeu, departement):
    html = get(client, departement, motif="en_retard").content.decode()
    assert "motif=en_retard&amp;_export=xlsx" in html


# --- missing declarations ----------------------------------------------------------------------------


def test_declarations_manquantes_avec_liens_vers_la_grille(client, jeu, agent_a):
    mois = mois_precedent(mois_courant())
    reponse = get(client, agent_a)
    html = reponse.content.decode()
    assert f"Déclarations manquantes pour {libelle_mois(mois)}" in html
    groupes = reponse.context["manquantes"]
    assert [(g.epci.nom, [m.marche.reference for m in g.marches]) for g in groupes] == [
        ("CC Alpha", ["A-RETARD"])
    ]
    assert reverse("saisie:grille", args=[jeu["retard"].pk, code_mois(mois)]) in html


def test_un_lecteur_voit_les_declarations_manquantes_sans_lien_de_saisie(client, jeu, lecteur):
    mois = mois_precedent(mois_courant())
    reponse = get(client, lecteur)
    html = reponse.content.decode()
    assert [g.epci.nom for g in reponse.context["manquantes"]] == ["CC Alpha"]
    assert reverse("saisie:grille", args=[jeu["retard"].pk, code_mois(mois)]) not in html
    assert "/saisie/" not in html.split('id="declarations-manquantes"')[1]


def test_rien_a_faire(client, agent_b):
    html = get(client, agent_b).content.decode()
    assert "Aucun marché à risque dans votre périmètre." in html
    assert "Rien ne manque" in html


# --- query counts -------------------------------------------------------------------------------------


def _marches(nombre, *, epci, debut):
    fin = timezone.localdate() + 365 * JOURS
    for i in range(nombre):
        clause(epci=epci, reference=f"N-{debut + i:03d}", debut=timezone.localdate() - 365 * JOURS, fin=fin)


@pytest.mark.parametrize("parametres", [{}, {"_export": "xlsx"}])
def test_requetes_independantes_du_nombre_de_marches(client, departement, epci_a, parametres):
    client.force_login(departement)
    _marches(3, epci=epci_a, debut=0)
    reponse, avec_n = requetes_de_la_page(client, URL, parametres)
    assert reponse.status_code == 200
    _marches(27, epci=epci_a, debut=3)
    reponse, avec_10_n = requetes_de_la_page(client, URL, parametres)
    assert reponse.status_code == 200
    if not parametres:
        assert reponse.context["table"].paginator.count == 30
        assert reponse.context["nombre_manquants"] == 30
    assert_autant_de_requetes(avec_n, avec_10_n)

"""`manage.py import_decp` and the portal page, on the committed copy of the real DECP sample
(marches/data/decp-sample.json, 49 marchés and 1 concession). Expected counts are computed here from the file
with a plain json.load, independently of the importer.

Both are scoped to the Département (DEPARTEMENT=49): only 5 of the sample's marchés are bought in it (none
with a social consideration). The tests of the whole writing use `ECHANTILLON_49`, the same records executed
in Angers (lieuExecution rewritten), so that all 49 are the Département's."""

import io
import json
import re
from collections import Counter
from decimal import Decimal
from pathlib import Path

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.urls import reverse
from django.utils.html import escape

from insertion.decp import LIBELLE_CLAUSES_CREEES
from insertion.enums import BaseJuridique
from insertion.models import Clause
from marches.enums import TypeAcheteur, TypeIdentifiant
from marches.models import Acheteur, Entreprise, Lot, Marche
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

ECHANTILLON = Path(settings.BASE_DIR) / "marches" / "data" / "decp-sample.json"
URL = reverse("marches:import_decp")
MODELES = [Acheteur, Entreprise, Marche, Lot, Clause, Marche.history.model, Lot.history.model]


# --- what the file says, computed independently --------------------------------------------------


@pytest.fixture(scope="module")
def echantillon():
    with ECHANTILLON.open(encoding="utf-8") as fichier:
        return json.load(fichier)


@pytest.fixture(scope="module")
def attendu(echantillon):
    marches = echantillon["marches"]["marche"]
    considerations = Counter(
        valeur for m in marches for valeur in set(m["considerationsSociales"]["considerationSociale"])
    )
    a_calibrer = sum(
        1
        for m in marches
        if {"Clause sociale", "Marché réservé"} & set(m["considerationsSociales"]["considerationSociale"])
    )
    titulaires = {
        (t["titulaire"]["typeIdentifiant"], t["titulaire"]["id"]) for m in marches for t in m["titulaires"]
    }
    return {
        "marches": len(marches),
        "concessions": len(echantillon["marches"]["contrat-concession"]),
        "considerations": considerations,
        "a_calibrer": a_calibrer,
        "acheteurs": len({m["acheteur"]["id"] for m in marches}),
        "entreprises": len(titulaires),
    }


@pytest.fixture(autouse=True)
def territoires():
    call_command("load_territoires", stdout=io.StringIO())


def dans_49(donnees):
    """A copy of the sample whose every marché is executed in Angers (INSEE 49007)."""
    donnees = json.loads(json.dumps(donnees))
    for marche in donnees["marches"]["marche"]:
        marche["lieuExecution"] = {"code": "49007", "typeCode": "Code commune"}
    return donnees


@pytest.fixture
def echantillon_49(tmp_path, echantillon) -> Path:
    return copie(tmp_path, dans_49(echantillon), nom="decp-49.json")


def lancer(*args, **options) -> dict:
    """Runs the command and reads back the counts it printed: {"Marchés créés": 49, …}."""
    sortie = io.StringIO()
    call_command("import_decp", *map(str, args), stdout=sortie, stderr=io.StringIO(), **options)
    texte = sortie.getvalue()
    comptes = {
        cle.strip(): int(valeur.replace("\u202f", ""))
        for cle, valeur in re.findall(r"^(.+?) : ([\d\u202f]+)$", texte, re.M)
    }
    comptes["texte"] = texte
    return comptes


def etat_de_la_base():
    return {modele.__name__: modele.objects.count() for modele in MODELES}


def copie(tmp_path, donnees, nom="decp.json") -> Path:
    chemin = tmp_path / nom
    chemin.write_text(json.dumps(donnees, ensure_ascii=False), encoding="utf-8")
    return chemin


# --- the command on the sample -------------------------------------------------------------------


def test_les_comptes_affiches_sont_ceux_du_fichier(attendu, echantillon_49):
    comptes = lancer(echantillon_49)
    assert comptes["Marchés lus"] == attendu["marches"] == 49
    assert comptes["Concessions lues (non importées)"] == attendu["concessions"] == 1
    assert comptes["Marchés hors du département 49 (non importés)"] == 0
    assert comptes["Marchés créés"] == attendu["marches"]
    assert (comptes["Marchés mis à jour"], comptes["Marchés inchangés"], comptes["Marchés ignorés"]) == (
        0,
        0,
        0,
    )
    for libelle in ["Clause sociale", "Critère social", "Marché réservé", "Pas de considération sociale"]:
        assert comptes[libelle] == attendu["considerations"][libelle], libelle
    assert comptes[LIBELLE_CLAUSES_CREEES] == attendu["a_calibrer"]
    assert comptes["Acheteurs créés"] == attendu["acheteurs"]
    assert comptes["Entreprises créées"] == attendu["entreprises"]
    # and the database holds what was announced
    assert Marche.objects.count() == Lot.objects.count() == attendu["marches"]
    assert Marche.objects.filter(clause_sociale=True).count() == attendu["considerations"]["Clause sociale"]
    assert Marche.objects.filter(critere_social=True).count() == attendu["considerations"]["Critère social"]
    assert Marche.objects.filter(marche_reserve=True).count() == attendu["considerations"]["Marché réservé"]
    assert Clause.objects.filter(heures_reservees__isnull=True).count() == attendu["a_calibrer"]
    assert (Acheteur.objects.count(), Entreprise.objects.count()) == (
        attendu["acheteurs"],
        attendu["entreprises"],
    )


def test_clauses_a_calibrer_et_leur_base_juridique(echantillon, echantillon_49):
    lancer(echantillon_49)
    for m in echantillon["marches"]["marche"]:
        valeurs = set(m["considerationsSociales"]["considerationSociale"])
        marche = Marche.objects.get(decp_uid=m["acheteur"]["id"] + m["id"])
        clause = Clause.objects.filter(lot__marche=marche).first()
        if "Marché réservé" in valeurs:
            assert clause.base_juridique == BaseJuridique.RESERVE_SIAE
        elif "Clause sociale" in valeurs:
            assert clause.base_juridique == BaseJuridique.CONDITION_EXECUTION
        else:  # "Critère social" alone, or nothing: no clause
            assert clause is None
        if clause:
            assert clause.heures_reservees is None


def test_deuxieme_import_ne_cree_rien(attendu, echantillon_49):
    lancer(echantillon_49)
    avant = etat_de_la_base()
    comptes = lancer(echantillon_49)
    assert (comptes["Marchés créés"], comptes["Marchés mis à jour"]) == (0, 0)
    assert comptes["Marchés inchangés"] == attendu["marches"]
    assert (comptes[LIBELLE_CLAUSES_CREEES], comptes["Acheteurs créés"], comptes["Entreprises créées"]) == (
        0,
        0,
        0,
    )
    assert etat_de_la_base() == avant


def test_un_montant_modifie_est_mis_a_jour(tmp_path, echantillon, attendu, echantillon_49):
    lancer(echantillon_49)
    clause = Clause.objects.filter(lot__marche__reference="24MS016").get()
    clause.heures_reservees = Decimal("120")
    clause.save()
    donnees = dans_49(echantillon)
    donnees["marches"]["marche"][1]["montant"] = 110000  # 24MS016, 105 000 € in the sample
    comptes = lancer(copie(tmp_path, donnees))
    assert (comptes["Marchés créés"], comptes["Marchés mis à jour"]) == (0, 1)
    assert comptes["Marchés inchangés"] == attendu["marches"] - 1
    marche = Marche.objects.get(reference="24MS016")
    assert marche.montant_ht == marche.lots.get().montant_ht == Decimal("110000")
    assert marche.history.count() == 2
    clause.refresh_from_db()
    assert clause.heures_reservees == Decimal("120")  # a calibrated clause is never touched


def test_fichier_tronque_sortie_en_erreur_et_base_inchangee(tmp_path, echantillon_49):
    lancer(echantillon_49)
    contenu = echantillon_49.read_bytes()
    tronque = tmp_path / "tronque.json"
    tronque.write_bytes(contenu[: len(contenu) // 2])
    avant = etat_de_la_base()
    with pytest.raises(CommandError, match="n'est pas un JSON valide.*tronqué.*Rien n'a été enregistré"):
        lancer(tronque, taille_lot=5)  # several batches were written before the cut: all rolled back
    assert etat_de_la_base() == avant


def test_fichier_tronque_sur_base_vide(tmp_path, echantillon_49):
    contenu = echantillon_49.read_bytes()
    tronque = tmp_path / "tronque.json"
    tronque.write_bytes(contenu[: len(contenu) * 3 // 4])
    with pytest.raises(CommandError):
        lancer(tronque, taille_lot=5)
    assert set(etat_de_la_base().values()) == {0}


@pytest.mark.parametrize(
    "donnees",
    [
        {"departement": {"code": "49"}, "communes": [], "epcis": []},
        [{"nom": "Angers", "code": "49007"}],
        {"marches": 1},
    ],
)
def test_json_qui_n_est_pas_decp(tmp_path, donnees):
    with pytest.raises(CommandError, match="n'est pas au format DECP"):
        lancer(copie(tmp_path, donnees))
    assert set(etat_de_la_base().values()) == {0}


def test_fichier_absent(tmp_path):
    with pytest.raises(CommandError, match="Impossible de lire"):
        lancer(tmp_path / "absent.json")


@pytest.mark.parametrize("enveloppe", ["liste sous marches", "liste nue"])
def test_autres_enveloppes(tmp_path, echantillon, attendu, enveloppe):
    echantillon = dans_49(echantillon)
    tous = echantillon["marches"]["marche"] + echantillon["marches"]["contrat-concession"]
    donnees = {"marches": tous} if enveloppe == "liste sous marches" else tous
    comptes = lancer(copie(tmp_path, donnees))
    assert comptes["Marchés lus"] == comptes["Marchés créés"] == attendu["marches"]
    assert comptes["Concessions lues (non importées)"] == attendu["concessions"]
    assert Marche.objects.count() == attendu["marches"]


def test_le_fichier_tel_quel_n_a_que_5_marches_du_departement(attendu):
    comptes = lancer(ECHANTILLON)
    assert comptes["Marchés hors du département 49 (non importés)"] == attendu["marches"] - 5 == 44
    assert comptes["Marchés créés"] == 5
    assert comptes[LIBELLE_CLAUSES_CREEES] == 0
    acheteurs = dict(Acheteur.objects.values_list("siret", "nom"))
    assert acheteurs == {
        "20005430200019": "Commune de Montrevault-sur-Èvre",
        "20005433600017": "Commune de Mauges-sur-Loire",
        "24440055200026": "CC du Pays d'Ancenis",
    }
    assert set(Acheteur.objects.values_list("type", flat=True)) == {TypeAcheteur.COMMUNE, TypeAcheteur.EPCI}
    # every contract is attached to its buyer's EPCI, so that EPCI clerks see it
    assert not Marche.objects.filter(epci__isnull=True).exists()
    assert set(Marche.objects.values_list("epci__nom", flat=True)) == {
        "CA Mauges Communauté",
        "CC du Pays d'Ancenis",
    }


def test_tous_les_departements_sans_clause_hors_du_departement(attendu):
    comptes = lancer(ECHANTILLON, tous_departements=True)
    assert comptes["Marchés hors du département 49 (importés sans clause)"] == 44
    assert comptes["Marchés créés"] == Marche.objects.count() == attendu["marches"]
    assert comptes["Clause sociale"] == attendu["considerations"]["Clause sociale"]  # published, counted
    assert attendu["a_calibrer"] > 0 and comptes[LIBELLE_CLAUSES_CREEES] == 0
    assert not Clause.objects.exists()  # so none of them enters the Département's figures


def test_lieu_d_execution_dans_le_departement(tmp_path, echantillon):
    donnees = json.loads(json.dumps(echantillon))
    marches = donnees["marches"]["marche"]
    marches[0]["lieuExecution"] = {
        "code": "49400",
        "typeCode": "Code postal",
    }  # buyer in Oise, works in Saumur
    marches[1]["lieuExecution"] = {"code": "49", "typeCode": "Code département"}
    marches[2]["lieuExecution"] = {"code": "49007", "typeCode": "Code commune"}
    marches[3]["acheteur"]["id"] = "22490001900015"  # the Département itself
    comptes = lancer(copie(tmp_path, donnees))
    assert comptes["Marchés créés"] == 5 + 4
    assert Marche.objects.get(reference=marches[0]["id"]).epci.nom == "CA Saumur Val de Loire"
    departement = Acheteur.objects.get(siret="22490001900015")
    assert (departement.nom, departement.type) == ("Département de Maine-et-Loire", TypeAcheteur.DEPARTEMENT)


def test_identifiants_tva_et_autres(echantillon, echantillon_49):
    lancer(echantillon_49)
    autres = {
        (t["titulaire"]["typeIdentifiant"], t["titulaire"]["id"])
        for m in echantillon["marches"]["marche"]
        for t in m["titulaires"]
        if t["titulaire"]["typeIdentifiant"] != "SIRET"
    }
    assert autres == {("TVA", "FR31810059196"), ("RIDET", "8449726326")}  # what the sample's README says
    assert (
        set(
            Entreprise.objects.exclude(type_identifiant=TypeIdentifiant.SIRET).values_list(
                "type_identifiant", "autre_identifiant"
            )
        )
        == autres
    )
    assert not Entreprise.objects.filter(type_identifiant=TypeIdentifiant.TVA, siret__isnull=False).exists()
    lot = Lot.objects.get(marche__reference="2022-897296-00")
    assert lot.titulaire.autre_identifiant == "FR31810059196"
    assert lot.montant_ht == Decimal("937264")  # the latest of its two modifications


def test_enregistrements_invalides_ignores_et_listes(tmp_path, echantillon, attendu):
    donnees = dans_49(echantillon)
    marches = donnees["marches"]["marche"]
    del marches[0]["id"]
    marches[1]["montant"] = -105000
    del marches[2]["acheteur"]
    comptes = lancer(copie(tmp_path, donnees))
    assert comptes["Marchés ignorés"] == 3
    assert comptes["Marchés créés"] == attendu["marches"] - 3 == Marche.objects.count()
    assert "n° 1 — (sans identifiant) : identifiant (id) absent" in comptes["texte"]
    assert "n° 2 — 24MS016 : montant négatif : -105000" in comptes["texte"]
    assert f"n° 3 — {marches[2]['id']} : acheteur absent" in comptes["texte"]


def test_simulation_n_ecrit_rien(attendu, echantillon_49):
    comptes = lancer(echantillon_49, dry_run=True)
    assert comptes["Marchés créés"] == attendu["marches"]
    assert comptes[LIBELLE_CLAUSES_CREEES] == attendu["a_calibrer"]
    assert "rien n'a été enregistré" in comptes["texte"]
    assert set(etat_de_la_base().values()) == {0}


def test_pas_de_barre_de_progression_hors_terminal():
    erreurs = io.StringIO()
    call_command("import_decp", str(ECHANTILLON), stdout=io.StringIO(), stderr=erreurs)
    assert erreurs.getvalue() == ""
    assert Marche.objects.exists()


class TerminalFactice(io.StringIO):
    def isatty(self):
        return True


def test_barre_de_progression_sur_un_terminal(monkeypatch):
    terminal = TerminalFactice()
    monkeypatch.setattr("sys.stderr", terminal)
    call_command("import_decp", str(ECHANTILLON), "--taille-lot", "10", stdout=io.StringIO())
    barre = terminal.getvalue()
    assert "Import DECP" in barre
    assert "100%" in barre


# --- the portal page -----------------------------------------------------------------------------


def _depot(contenu: bytes, **champs):
    return {"fichier": SimpleUploadedFile("decp.json", contenu, content_type="application/json"), **champs}


def test_page_pour_le_departement(client):
    client.force_login(UserFactory(departement=True))
    reponse = client.get(URL)
    assert reponse.status_code == 200
    assert "Seuls les marchés du département 49 sont importés" in reponse.content.decode()


@pytest.mark.parametrize("trait", ["agent_epci", "lecteur", "lecteur_epci"])
def test_page_introuvable_pour_les_autres(client, trait):
    client.force_login(UserFactory(**{trait: True}))
    assert client.get(URL).status_code == 404
    assert client.post(URL, _depot(ECHANTILLON.read_bytes())).status_code == 404
    assert not Marche.objects.exists()


def test_anonyme_renvoye_a_la_connexion(client):
    reponse = client.get(URL)
    assert reponse.status_code == 302
    assert reponse["Location"] == f"{reverse('comptes:connexion')}?next={URL}"


def test_depot_et_bilan(client, attendu, echantillon_49, django_assert_max_num_queries):
    client.force_login(UserFactory(departement=True))
    # 26: one batch is a fixed number of bulk queries, none per record; the session saved again (+3).
    with django_assert_max_num_queries(28):
        reponse = client.post(URL, _depot(echantillon_49.read_bytes()))
    assert reponse.status_code == 200
    page = reponse.content.decode()
    assert "Fichier importé" in page
    assert re.search(r"<th scope=\"row\">Créés</th><td class=\"text-end\">49</td>", page)
    assert (
        f'<th scope="row">{escape(LIBELLE_CLAUSES_CREEES)}</th><td class="text-end">{attendu["a_calibrer"]}</td>'
        in page
    )
    assert reverse("calibrage:liste") in page
    assert Marche.objects.count() == attendu["marches"]
    assert Clause.objects.count() == attendu["a_calibrer"]
    utilisateur = Marche.history.first().history_user
    assert utilisateur is not None and utilisateur.voit_tout


def test_depot_filtre_49_et_simulation(client):
    client.force_login(UserFactory(departement=True))
    reponse = client.post(URL, _depot(ECHANTILLON.read_bytes(), simulation="on"))
    page = reponse.content.decode()
    assert "Simulation : rien n'a été enregistré" in page
    assert '<th scope="row">Hors du département 49 (non importés)</th><td class="text-end">44</td>' in page
    assert not Marche.objects.exists()


def test_depot_d_un_fichier_tronque(client):
    client.force_login(UserFactory(departement=True))
    contenu = ECHANTILLON.read_bytes()
    reponse = client.post(URL, _depot(contenu[: len(contenu) // 2]))
    assert reponse.status_code == 200
    assert "n&#x27;est pas un JSON valide" in reponse.content.decode()
    assert set(etat_de_la_base().values()) == {0}

import io
import json

import pytest
from django.core.management import CommandError, call_command
from django.db import IntegrityError

from territoires.enums import NatureEpci
from territoires.models import Commune, Epci

pytestmark = pytest.mark.django_db


def _charger(*args, **options):
    sortie = io.StringIO()
    call_command("load_territoires", *args, stdout=sortie, **options)
    return sortie.getvalue()


def test_maine_et_loire_par_defaut():
    sortie = _charger()
    assert Commune.objects.count() == 176
    assert Epci.objects.count() == 10
    assert not Commune.objects.filter(epci__isnull=True).exists()
    assert set(Commune.objects.values_list("departement", flat=True)) == {"49"}
    assert "EPCI : 10 lus, 10 créés, 0 mis à jour." in sortie
    assert "Communes : 176 lues, 176 créées, 0 mise à jour." in sortie


def test_donnees_du_departement():
    _charger()
    angers = Commune.objects.select_related("epci").get(code_insee="49007")
    assert angers.nom == "Angers"
    assert angers.siren == "214900078"
    assert angers.epci.nom == "CU Angers Loire Métropole"
    assert angers.epci.nature == NatureEpci.CU
    assert "49000" in angers.codes_postaux
    # the only commune of Maine-et-Loire in an EPCI of Loire-Atlantique
    ancenis = Epci.objects.get(siren="244400552")
    assert list(ancenis.communes.values_list("code_insee", flat=True)) == ["49160"]


def test_deux_chargements_ne_creent_rien_de_plus():
    _charger()
    sortie = _charger()
    assert Commune.objects.count() == 176
    assert Epci.objects.count() == 10
    assert sortie.strip() == (
        "EPCI : 10 lus, 0 créé, 0 mis à jour. Communes : 176 lues, 0 créée, 0 mise à jour."
    )


def test_rechargement_corrige_les_modifications():
    _charger()
    Epci.objects.filter(siren="244900015").update(nom="Nom modifié à la main")
    Commune.objects.filter(code_insee="49007").update(population=1)
    sortie = _charger()
    assert "EPCI : 10 lus, 0 créé, 1 mis à jour." in sortie
    assert "Communes : 176 lues, 0 créée, 1 mise à jour." in sortie
    assert Epci.objects.get(siren="244900015").nom == "CU Angers Loire Métropole"
    assert Commune.objects.get(code_insee="49007").population > 100_000


@pytest.mark.parametrize(
    ("contenu", "message"),
    [
        ('{"departement": {"code": "49"}, "communes": [', "n'est pas un fichier JSON valide (ligne 1)"),
        ("[]", "n'est pas un extrait départemental (clés departement, communes, epcis attendues)"),
        ('{"communes": [], "epcis": []}', "n'est pas un extrait départemental"),
        (
            json.dumps(
                {
                    "departement": {"code": "49"},
                    "epcis": [{"code": "244900015", "nom": "Inconnu", "type": "SIVOM"}],
                    "communes": [],
                }
            ),
            "EPCI 244900015 : nature « SIVOM » inconnue.",
        ),
    ],
    ids=["json-invalide", "liste", "cle-manquante", "nature-inconnue"],
)
def test_fichier_refuse_sans_rien_ecrire(tmp_path, contenu, message):
    fichier = tmp_path / "territoires.json"
    fichier.write_text(contenu, encoding="utf-8")
    with pytest.raises(CommandError) as erreur:
        _charger(str(fichier))
    assert message in str(erreur.value)
    assert not Epci.objects.exists()
    assert not Commune.objects.exists()


def test_fichier_absent(tmp_path):
    with pytest.raises(CommandError, match="Impossible de lire"):
        _charger(str(tmp_path / "absent.json"))


def test_erreur_en_cours_d_ecriture_annule_tout(tmp_path):
    donnees = {
        "departement": {"code": "49"},
        "epcis": [{"code": "244900015", "nom": "CU Angers Loire Métropole", "type": "CU"}],
        "communes": [
            {"code": "49007", "nom": "Angers", "codeEpci": "244900015"},
            {"code": "4900", "nom": "Code INSEE tronqué", "codeEpci": "244900015"},
        ],
    }
    fichier = tmp_path / "territoires.json"
    fichier.write_text(json.dumps(donnees), encoding="utf-8")
    # The EPCI is written before the communes: the whole load is one transaction.
    with pytest.raises((CommandError, IntegrityError)):
        _charger(str(fichier))
    assert not Epci.objects.exists()
    assert not Commune.objects.exists()


# --- national files of @etalab/decoupage-administratif --------------------------------------------


def _commune(code, nom, departement, *, type_="commune-actuelle", population=1000):
    return {
        "code": code,
        "nom": nom,
        "type": type_,
        "departement": departement,
        "region": "52",
        "siren": f"21{code}00"[:9].ljust(9, "0"),
        "codesPostaux": [f"{code[:2]}000"],
        "population": population,
    }


def _epci(code, nom, type_, membres):
    return {
        "code": code,
        "nom": nom,
        "type": type_,
        "modeFinancement": "FPU",
        "populationTotale": 10_000,
        "membres": [{"code": c["code"], "siren": c["siren"], "nom": c["nom"]} for c in membres],
    }


@pytest.fixture
def dossier_national(tmp_path):
    angers = _commune("49007", "Angers", "49", population=159_022)
    allonnes = _commune("49002", "Allonnes", "49")
    ingrandes = _commune("49160", "Ingrandes-Le Fresne sur Loire", "49")
    ancenis = _commune("44003", "Ancenis-Saint-Géréon", "44")
    nantes = _commune("44109", "Nantes", "44")
    # A commune déléguée shares its territory with its commune nouvelle: it must not be loaded.
    deleguee = _commune("49149", "Le Fresne-sur-Loire", "49", type_="commune-deleguee")
    deleguee.pop("siren")
    communes = [angers, allonnes, ingrandes, ancenis, nantes, deleguee]
    epcis = [
        _epci("244900015", "CU Angers Loire Métropole", "CU", [angers]),
        _epci("200071876", "CA Saumur Val de Loire", "CA", [allonnes]),
        _epci("244400552", "CC du Pays d'Ancenis", "CC", [ancenis, ingrandes]),
        _epci("244400404", "Nantes Métropole", "METRO", [nantes]),
    ]
    (tmp_path / "communes.json").write_text(json.dumps(communes), encoding="utf-8")
    (tmp_path / "epci.json").write_text(json.dumps(epcis), encoding="utf-8")
    return tmp_path


def test_format_national_complet(dossier_national):
    sortie = _charger(str(dossier_national))
    assert set(Commune.objects.values_list("code_insee", flat=True)) == {
        "49007",
        "49002",
        "49160",
        "44003",
        "44109",
    }
    assert set(Epci.objects.values_list("siren", flat=True)) == {
        "244900015",
        "200071876",
        "244400552",
        "244400404",
    }
    assert Commune.objects.get(code_insee="44109").epci.nature == NatureEpci.METRO
    assert Commune.objects.get(code_insee="44109").departement == "44"
    assert Commune.objects.get(code_insee="49160").epci.siren == "244400552"
    assert "Communes : 5 lues, 5 créées" in sortie


def test_format_national_un_departement(dossier_national):
    sortie = _charger(str(dossier_national), departement="49")
    assert set(Commune.objects.values_list("code_insee", flat=True)) == {"49007", "49002", "49160"}
    # the EPCI of Ancenis (44) is kept for its commune in 49; Nantes Métropole is not
    assert set(Epci.objects.values_list("siren", flat=True)) == {"244900015", "200071876", "244400552"}
    assert not Commune.objects.filter(epci__isnull=True).exists()
    assert Commune.objects.get(code_insee="49007").population == 159_022
    assert "EPCI : 3 lus, 3 créés" in sortie


@pytest.mark.parametrize("departement", [None, "49"])
def test_format_national_ignore_les_communes_deleguees(dossier_national, departement):
    _charger(str(dossier_national), departement=departement)
    assert not Commune.objects.filter(code_insee="49149").exists()
    assert not Commune.objects.filter(nom="Le Fresne-sur-Loire").exists()


def test_format_national_json_invalide(dossier_national):
    (dossier_national / "epci.json").write_text("{", encoding="utf-8")
    with pytest.raises(CommandError, match="epci.json n'est pas un fichier JSON valide"):
        _charger(str(dossier_national))
    assert not Commune.objects.exists()

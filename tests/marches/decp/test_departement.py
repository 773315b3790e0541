"""DECP import scoped to the Département of the settings: who is in, what is skipped and counted, the option
that imports everything (without clauses), and the buyers created from the records."""

import io
import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.test import override_settings
from django.urls import reverse

from beneficiaires.selectors import communes_du_departement
from insertion.decp import LIBELLE_CLAUSES_CREEES
from insertion.models import Clause
from marches.decp import importer_decp
from marches.enums import TypeAcheteur
from marches.models import Acheteur, Marche
from tests.factories import (
    AcheteurFactory,
    CommuneFactory,
    EpciFactory,
    UserFactory,
    siren_aleatoire,
    siret_aleatoire,
)
from tests.marches.decp.aides import enregistrement

pytestmark = pytest.mark.django_db

AILLEURS = {"code": "44000", "typeCode": "Code postal"}  # Nantes


@pytest.fixture
def territoire():
    """One EPCI of the Département with one commune; the buyers below are outside unless said otherwise."""
    epci = EpciFactory(nom="CA Saumur Val de Loire")
    commune = CommuneFactory(
        code_insee="49328", siren="214903288", nom="Saumur", epci=epci, codes_postaux=["49400"]
    )
    return epci, commune


def marche(
    identifiant: str, *, acheteur: str | None = None, nom: str | None = None, lieu: dict | None = None
):
    """A record bought by `acheteur` (a SIRET, random by default) and executed at `lieu` (Nantes by default)."""
    acheteur = {"id": acheteur or siret_aleatoire()} | ({"nom": nom} if nom else {})
    return enregistrement(id=identifiant, acheteur=acheteur, lieuExecution=lieu or AILLEURS)


def fichier(marches: list) -> io.BytesIO:
    return io.BytesIO(json.dumps({"marches": {"marche": marches}}, ensure_ascii=False).encode())


def test_dedans_par_l_acheteur_par_le_lieu_et_dehors_compte(territoire):
    epci, _ = territoire
    rattache = AcheteurFactory(siret=siret_aleatoire(), nom="Office public de l'habitat", epci=epci)
    marches = [
        marche("commune", acheteur=siret_aleatoire("214903288")),  # a commune of the Département
        marche("epci", acheteur=siret_aleatoire(epci.siren)),  # one of its EPCIs
        marche("conseil", acheteur="22490001900015"),  # the Département itself
        marche("rattache", acheteur=rattache.siret),  # a buyer staff attached to one of its EPCIs
        marche("postal", lieu={"code": "49400", "typeCode": "Code postal"}),
        marche("insee", lieu={"code": "49328", "typeCode": "Code commune"}),
        marche("code-49", lieu={"code": "49", "typeCode": "Code département"}),
        marche("nantes"),
        marche("loire-atlantique", lieu={"code": "44", "typeCode": "Code département"}),
        marche("region", lieu={"code": "52", "typeCode": "Code région"}),
    ]
    resultat = importer_decp(fichier=fichier(marches), departement="49")
    assert (resultat.marches_lus, resultat.crees, resultat.hors_departement) == (10, 7, 3)
    assert set(Marche.objects.values_list("reference", flat=True)) == {
        "commune",
        "epci",
        "conseil",
        "rattache",
        "postal",
        "insee",
        "code-49",
    }
    assert "Marchés hors du département 49 (non importés) : 3" in resultat.lignes()


def test_un_acheteur_rattache_a_un_epci_d_ailleurs_reste_dehors(territoire):
    ailleurs = AcheteurFactory(siret=siret_aleatoire(), epci=EpciFactory())
    CommuneFactory(departement="44", code_insee="44109", epci=ailleurs.epci, codes_postaux=["44000"])
    resultat = importer_decp(fichier=fichier([marche("nantes", acheteur=ailleurs.siret)]), departement="49")
    assert (resultat.crees, resultat.hors_departement) == (0, 1)
    assert not Marche.objects.exists()


def test_sans_departement_rien_n_est_ecarte():
    resultat = importer_decp(fichier=fichier([marche("nantes")]))
    assert (resultat.crees, resultat.hors_departement) == (1, 0)
    assert not any("hors du département" in ligne for ligne in resultat.lignes())


def _commande(*args) -> str:
    sortie = io.StringIO()
    call_command("import_decp", *args, stdout=sortie, stderr=io.StringIO())
    return sortie.getvalue()


def test_la_commande_ecarte_par_defaut_et_l_option_importe_sans_clause(territoire, tmp_path):
    chemin = tmp_path / "decp.json"
    chemin.write_bytes(
        fichier(
            [marche("dedans", lieu={"code": "49400", "typeCode": "Code postal"}), marche("nantes")]
        ).read()
    )
    texte = _commande(str(chemin))
    assert "Marchés hors du département 49 (non importés) : 1" in texte
    assert "Marchés créés : 1" in texte
    assert list(Marche.objects.values_list("reference", flat=True)) == ["dedans"]

    texte = _commande(str(chemin), "--tous-departements")
    assert "Marchés hors du département 49 (importés sans clause) : 1" in texte
    assert (f"{LIBELLE_CLAUSES_CREEES} : 0" in texte) and ("Marchés créés : 1" in texte)
    nantes = Marche.objects.get(reference="nantes")
    assert nantes.clause_sociale  # published as such, but it is not the Département's: no clause
    assert not Clause.objects.filter(lot__marche=nantes).exists()
    assert Clause.objects.filter(lot__marche__reference="dedans").count() == 1


def test_la_commande_lit_le_reglage(territoire, tmp_path):
    CommuneFactory(departement="44", code_insee="44109", codes_postaux=["44000"])
    chemin = tmp_path / "decp.json"
    chemin.write_bytes(
        fichier(
            [marche("saumur", lieu={"code": "49400", "typeCode": "Code postal"}), marche("nantes")]
        ).read()
    )
    with override_settings(DEPARTEMENT="44"):
        texte = _commande(str(chemin))
    assert "Marchés hors du département 44 (non importés) : 1" in texte
    assert list(Marche.objects.values_list("reference", flat=True)) == ["nantes"]


def test_la_commande_refuse_sans_territoires(tmp_path):
    chemin = tmp_path / "decp.json"
    chemin.write_bytes(fichier([marche("nantes")]).read())
    with pytest.raises(CommandError, match="Aucune commune du département 49 n'est chargée"):
        _commande(str(chemin))


def test_la_page_ecarte_toujours_et_compte(territoire, client):
    client.force_login(UserFactory(departement=True))
    reponse = client.get(reverse("marches:import_decp"))
    assert "Seuls les marchés du département 49 sont importés" in reponse.content.decode()
    contenu = fichier(
        [marche("dedans", lieu={"code": "49400", "typeCode": "Code postal"}), marche("nantes")]
    ).read()
    reponse = client.post(
        reverse("marches:import_decp"),
        {"fichier": SimpleUploadedFile("decp.json", contenu), "departement": "", "tous_departements": "on"},
    )
    page = reponse.content.decode()
    assert '<th scope="row">Hors du département 49 (non importés)</th><td class="text-end">1</td>' in page
    assert list(Marche.objects.values_list("reference", flat=True)) == ["dedans"]


# --- buyers created from the records -------------------------------------------------------------


def test_acheteurs_crees_nommes_d_apres_le_fichier_epci_d_apres_le_siren(territoire):
    epci, _ = territoire
    commune, groupement, inconnu, sans_nom = (
        siret_aleatoire("214903288"),
        siret_aleatoire(epci.siren),
        siret_aleatoire(),
        siret_aleatoire(siren_aleatoire()),
    )
    dedans = {"code": "49400", "typeCode": "Code postal"}
    marches = [
        marche("c", acheteur=commune, nom="Ville de Saumur", lieu=dedans),
        marche("g", acheteur=groupement, nom="Agglo Saumur Val de Loire", lieu=dedans),
        marche("i", acheteur=inconnu, nom="Syndicat des eaux du Saumurois", lieu=dedans),
        marche("s", acheteur=sans_nom, lieu=dedans),
    ]
    importer_decp(fichier=fichier(marches), departement="49")
    acheteurs = {a.siret: (a.nom, a.type, a.epci_id) for a in Acheteur.objects.all()}
    assert acheteurs == {
        commune: ("Ville de Saumur", TypeAcheteur.COMMUNE, epci.pk),  # EPCI of its commune
        groupement: ("Agglo Saumur Val de Loire", TypeAcheteur.EPCI, epci.pk),  # the EPCI itself
        inconnu: ("Syndicat des eaux du Saumurois", TypeAcheteur.AUTRE, None),
        sans_nom: (f"Acheteur {sans_nom}", TypeAcheteur.AUTRE, None),
    }


def test_un_nom_provisoire_est_remplace_par_celui_du_fichier(territoire):
    siret = siret_aleatoire()
    dedans = {"code": "49400", "typeCode": "Code postal"}
    importer_decp(fichier=fichier([marche("1", acheteur=siret, lieu=dedans)]), departement="49")
    assert Acheteur.objects.get().nom == f"Acheteur {siret}"
    resultat = importer_decp(
        fichier=fichier([marche("2", acheteur=siret, nom="SIVU du Saumurois", lieu=dedans)]),
        departement="49",
    )
    assert Acheteur.objects.get().nom == "SIVU du Saumurois"
    assert "Acheteurs nommés d'après le fichier ou les territoires : 1" in resultat.lignes()


# --- the other reader of the setting ---------------------------------------------------------------


def test_communes_du_formulaire_d_une_personne_selon_le_reglage():
    angevine = CommuneFactory(nom="Saumur")
    nantaise = CommuneFactory(departement="44", code_insee="44109", nom="Nantes")
    assert list(communes_du_departement()) == [angevine]
    with override_settings(DEPARTEMENT="44"):
        assert list(communes_du_departement()) == [nantaise]

"""DECP import: reading records and files."""

import datetime
import io
import json
from decimal import Decimal

import ijson
import pytest

from marches import decp
from marches.decp import EnregistrementInvalide, ImportDecpImpossible, lire_marche
from marches.enums import NatureMarche
from tests.marches.decp.aides import SIRET_ACHETEUR, SIRET_TITULAIRE, enregistrement

# --- mapping one record --------------------------------------------------------------------------


def test_lecture_d_un_marche():
    marche = lire_marche(enregistrement())
    assert marche.uid == SIRET_ACHETEUR + "2024-001"
    assert marche.reference == "2024-001"
    assert marche.nature == NatureMarche.SERVICES
    assert marche.montant == Decimal("120000.00")
    assert marche.date_notification == datetime.date(2024, 3, 15)
    assert marche.date_fin == datetime.date(2025, 3, 15)
    assert marche.clause_sociale and not marche.critere_social and not marche.marche_reserve
    assert [(t.type_identifiant, t.identifiant) for t in marche.titulaires] == [("SIRET", SIRET_TITULAIRE)]


@pytest.mark.parametrize(
    ("code_cpv", "nature", "par_defaut"),
    [
        ("45000000", NatureMarche.TRAVAUX, False),
        ("45233140-2", NatureMarche.TRAVAUX, False),
        ("03310000", NatureMarche.FOURNITURES, False),
        ("44316000", NatureMarche.FOURNITURES, False),
        ("48000000", NatureMarche.FOURNITURES, False),
        ("50720000", NatureMarche.SERVICES, False),
        ("98000000", NatureMarche.SERVICES, False),
        ("", NatureMarche.SERVICES, True),
        ("XX", NatureMarche.SERVICES, True),
        ("99000000", NatureMarche.SERVICES, True),
    ],
)
def test_nature_d_apres_la_division_cpv(code_cpv, nature, par_defaut):
    marche = lire_marche(enregistrement(codeCPV=code_cpv))
    assert (marche.nature, marche.nature_par_defaut) == (nature, par_defaut)


def test_la_derniere_modification_donne_le_montant_et_la_duree():
    # listed out of order: the notification date decides, not the position
    modifications = [
        {"modification": {"id": 2, "dateNotificationModification": "2024-09-01", "montant": 150000}},
        {"modification": {"id": 1, "dateNotificationModification": "2024-05-01", "montant": 130000}},
        {"modification": {"id": 3, "dateNotificationModification": "2024-10-01", "dureeMois": 24}},
    ]
    marche = lire_marche(enregistrement(modifications=modifications))
    assert marche.montant == Decimal("150000")
    assert marche.date_fin == datetime.date(2026, 3, 15)


def test_fin_d_execution_au_dernier_jour_du_mois_et_sans_duree():
    assert lire_marche(enregistrement(dateNotification="2024-01-31", dureeMois=1)).date_fin == datetime.date(
        2024, 2, 29
    )
    sans_duree = lire_marche(enregistrement(dureeMois=None))
    assert sans_duree.date_fin == sans_duree.date_notification


def test_considerations_multiples_ou_ecrites_comme_une_chaine():
    multiples = lire_marche(
        enregistrement(considerationsSociales={"considerationSociale": ["Critère social", "Marché réservé"]})
    )
    assert multiples.critere_social and multiples.marche_reserve and not multiples.clause_sociale
    chaine = lire_marche(enregistrement(considerationsSociales={"considerationSociale": "Clause sociale"}))
    assert chaine.considerations == ["Clause sociale"]
    assert lire_marche(enregistrement(considerationsSociales=None)).considerations == []


def test_titulaires_identifiants_autres_que_siret():
    titulaires = [
        {"titulaire": {"typeIdentifiant": "TVA", "id": "FR31810059196"}},
        {"titulaire": {"typeIdentifiant": "RIDET", "id": "8449726326"}},
        {"titulaire": {"typeIdentifiant": "SIRET", "id": "732 829 320 00074"}},  # spaces dropped
        {"titulaire": {"typeIdentifiant": "SIRET", "id": "5680065901088"}},  # leading zero lost
        {"titulaire": {"typeIdentifiant": "SIRET", "id": "73282932000075"}},  # wrong key
        {"titulaire": {"typeIdentifiant": "DUNS", "id": "123456789"}},  # unknown type
        {"titulaire": {"typeIdentifiant": "HORS-UE", "id": "US-12-3456789"}},
    ]
    marche = lire_marche(enregistrement(titulaires=titulaires))
    assert [(t.type_identifiant, t.identifiant) for t in marche.titulaires] == [
        ("TVA", "FR31810059196"),
        ("RIDET", "8449726326"),
        ("SIRET", SIRET_TITULAIRE),
        ("SIRET", "05680065901088"),
        ("HORS-UE", "US-12-3456789"),
    ]
    assert len(marche.avertissements) == 2
    assert "73282932000075" in marche.avertissements[0]
    assert "DUNS" in marche.avertissements[1]


@pytest.mark.parametrize(
    ("valeurs", "motif"),
    [
        ({"id": None}, "identifiant (id) absent"),
        ({"id": "  "}, "identifiant (id) absent"),
        ({"acheteur": None}, "acheteur absent"),
        ({"acheteur": {"id": "2149000780001"}}, "SIRET de l'acheteur invalide : « 2149000780001 »"),
        ({"objet": ""}, "objet absent"),
        ({"montant": None}, "montant absent"),
        ({"montant": -5}, "montant négatif : -5"),
        ({"montant": "beaucoup"}, "montant illisible : « beaucoup »"),
        ({"montant": 1e15}, "montant trop élevé"),
        # Too large to round to the cent within the decimal context: refused, not a server error.
        ({"montant": "1e309"}, "montant trop élevé : 1e309"),
        ({"montant": "999999999999.999"}, "montant trop élevé : 999999999999.999"),
        (
            {
                "modifications": [
                    {"modification": {"dateNotificationModification": "2024-05-01", "montant": -1}}
                ]
            },
            "montant négatif : -1",
        ),
        ({"dateNotification": None}, "date de notification absente"),
        ({"dateNotification": "15/03/2024"}, "date de notification invalide : « 15/03/2024 »"),
        ({"dateNotification": "0204-06-06"}, "date de notification invalide : « 0204-06-06 »"),
        ({"dureeMois": -3}, "durée en mois invalide : -3"),
        ({"dureeMois": 2.5}, "durée en mois illisible : « 2.5 »"),
        ({"id": "x" * 90}, "identifiant trop long"),
    ],
)
def test_enregistrements_invalides(valeurs, motif):
    with pytest.raises(EnregistrementInvalide) as erreur:
        lire_marche(enregistrement(**valeurs))
    assert str(erreur.value).startswith(motif)


def test_reference_d_un_identifiant_long():
    long_a, long_b = "A" * 60 + "-lot-1", "A" * 60 + "-lot-2"
    assert len(decp.reference_pour(long_a)) == 50
    assert decp.reference_pour(long_a) != decp.reference_pour(long_b)
    assert decp.reference_pour("2024-001") == "2024-001"


# --- reading the file ----------------------------------------------------------------------------


def _genres(contenu: bytes):
    return [genre for genre, _ in decp.lire_enregistrements(io.BytesIO(contenu))]


def test_les_trois_enveloppes():
    marche, concession = enregistrement(), {"id": "C1", "autoriteConcedante": {"id": SIRET_ACHETEUR}}
    attendu = [decp.MARCHE, decp.CONCESSION]
    objet = {"marches": {"marche": [marche], "contrat-concession": [concession]}}
    assert _genres(json.dumps(objet).encode()) == attendu
    assert _genres(json.dumps({"marches": [marche, concession]}).encode()) == attendu
    assert _genres(json.dumps([marche, concession]).encode()) == attendu
    assert _genres(b"\xef\xbb\xbf" + json.dumps([marche]).encode()) == [decp.MARCHE]  # UTF-8 BOM
    assert _genres(b'{"marches": {"marche": []}}') == []


@pytest.mark.parametrize(
    "contenu",
    [
        b'{"departement": {"code": "49"}, "communes": []}',
        b'{"marches": 3}',
        b'"marches"',
        b"[1, 2, 3]",
        b'[{"code": "49007", "nom": "Angers"}]',
    ],
)
def test_json_qui_n_est_pas_decp(contenu):
    with pytest.raises(ImportDecpImpossible, match="n'est pas au format DECP"):
        _genres(contenu)


def test_fichier_tronque_ou_pas_json():
    contenu = json.dumps({"marches": {"marche": [enregistrement(), enregistrement(id="2")]}}).encode()
    with pytest.raises(ijson.JSONError):
        _genres(contenu[: len(contenu) // 2])
    with pytest.raises(ijson.JSONError):
        _genres(b"id;acheteur\n1;2\n")


def test_message_d_un_fichier_tronque():
    message = decp.message_json_invalide(ijson.IncompleteJSONError("parse error: premature EOF\n   "), 2048)
    assert message == (
        "Ce fichier n'est pas un JSON valide vers l'octet 2\u202f048 : le fichier s'arrête avant la fin des "
        "données (fichier tronqué ou vide ?). Rien n'a été enregistré."
    )


def test_message_d_une_erreur_de_syntaxe_sans_texte_anglais_du_lecteur():
    """The JSON parser's own message is English: the clerk reads a French reason and the byte offset."""
    exc = ijson.JSONError("lexical error: invalid char in json text.\n  ...")
    message = decp.message_json_invalide(exc, 15)
    assert message == (
        "Ce fichier n'est pas un JSON valide vers l'octet 15 : erreur de syntaxe (caractère ou structure "
        "inattendus). Rien n'a été enregistré."
    )
    assert "lexical" not in message

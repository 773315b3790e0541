"""Bounds of a hostile DECP file: giant numbers, deep nesting, not JSON at all — refused, nothing written."""

import io
import json
import os
import re
import subprocess
import sys
import time

import ijson
import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.urls import reverse

from marches.decp import ImportDecpImpossible, lecture
from marches.models import Marche
from tests.factories import CommuneFactory, UserFactory
from tests.marches.decp.aides import enregistrement

# Stopping the python backend half-way leaves its inner coroutines to the garbage collector, which reports
# the incomplete JSON as an unraisable exception; the C backend (production) does not.
pytestmark = pytest.mark.filterwarnings("ignore::pytest.PytestUnraisableExceptionWarning")


@pytest.fixture(params=["yajl2_c", "python"])
def backend(request, monkeypatch):
    monkeypatch.setattr(lecture, "BACKEND", ijson.get_backend(request.param))
    return request.param


def _lire(contenu: bytes):
    return list(lecture.lire_enregistrements(io.BytesIO(contenu)))


def _liste(*enregistrements) -> bytes:
    return json.dumps({"marches": {"marche": list(enregistrements)}}).encode()


def _imbrique(profondeur: int) -> list:
    valeur: list = []
    for _ in range(profondeur - 1):
        valeur = [valeur]
    return valeur


def test_un_nombre_de_plus_de_30_chiffres_nomme_l_enregistrement(backend):
    contenu = _liste(enregistrement(), enregistrement(id="2024-002", montant=10**40))
    with pytest.raises(ImportDecpImpossible) as erreur:
        _lire(contenu)
    assert erreur.value.message == (
        "L'enregistrement n° 2 (id « 2024-002 ») contient un nombre de plus de 30 chiffres (champ « montant ») : "
        "ce n'est pas une valeur DECP. Rien n'a été enregistré."
    )


@pytest.mark.parametrize("nombre", [b"1e999999", b"0." + b"0" * 40 + b"1", b"-" + b"9" * 31])
def test_un_nombre_court_mais_demesure_est_refuse(backend, nombre):
    contenu = _liste(enregistrement()).replace(b'"montant": 120000', b'"montant": ' + nombre)
    with pytest.raises(ImportDecpImpossible, match="plus de 30 chiffres"):
        _lire(contenu)


def test_30_chiffres_passent(backend):
    contenu = _liste(enregistrement(montant=10**29, dureeMois=12.5))
    [(_, lu)] = _lire(contenu)
    assert lu["montant"] == 10**29


def test_une_suite_de_100_000_chiffres_est_refusee_sans_la_convertir(backend):
    contenu = b'[{"id": "1", "montant": ' + b"9" * 100_000 + b"}]"
    debut = time.perf_counter()
    with pytest.raises(ImportDecpImpossible) as erreur:
        _lire(contenu)
    assert time.perf_counter() - debut < 1
    assert erreur.value.message == (
        "Le fichier contient une suite de plus de 1\u202f000 chiffres (avant l'octet 65\u202f536) : ce n'est pas "
        "un fichier DECP valide. Rien n'a été enregistré."
    )


def test_une_suite_de_chiffres_a_cheval_sur_deux_morceaux_est_vue():
    """ijson reads 64 KiB at a time: 600 digits at the end of one chunk and 600 at the start of the next."""
    contenu = b" " * (65_536 - 600) + b"9" * 1200
    flux = lecture.FluxBorne(io.BytesIO(contenu))
    flux.read(65_536)
    with pytest.raises(ImportDecpImpossible, match="suite de plus de 1\u202f000 chiffres"):
        flux.read(65_536)


def test_le_processus_survit_a_un_entier_geant_avec_le_backend_c():
    """The C backend crashed the worker (segmentation fault) on an int beyond 4 300 digits: run in a child."""
    script = (
        "import io, django; django.setup()\n"
        "from marches.decp import ImportDecpImpossible, lire_enregistrements\n"
        "try:\n"
        "    list(lire_enregistrements(io.BytesIO(b'[{\"id\": \"1\", \"montant\": ' + b'9' * 100000 + b'}]')))\n"
        "except ImportDecpImpossible as exc:\n"
        "    print(exc.message)\n"
    )
    environnement = os.environ | {"DJANGO_SETTINGS_MODULE": "config.settings", "SECRET_KEY": "x"}
    resultat = subprocess.run(
        [sys.executable, "-c", script],
        env=environnement,
        cwd=settings.BASE_DIR,
        capture_output=True,
        text=True,
    )
    assert resultat.returncode == 0, resultat.stderr
    assert "suite de plus de 1\u202f000 chiffres" in resultat.stdout


def test_64_niveaux_passent_65_sont_refuses(backend):
    # The record sits at depth 3 ({ "marches": { "marche": [ ... ), itself one level: 60 more levels fit.
    [(_, lu)] = _lire(_liste(enregistrement(annexe=_imbrique(60))))
    assert "annexe" in lu
    with pytest.raises(ImportDecpImpossible) as erreur:
        _lire(_liste(enregistrement(), enregistrement(id="2024-002", annexe=_imbrique(61))))
    assert erreur.value.message == (
        "L'enregistrement n° 2 (id « 2024-002 ») imbrique plus de 64 niveaux d'objets ou de listes : ce n'est pas "
        "un fichier DECP. Rien n'a été enregistré."
    )


@pytest.mark.parametrize("ou", ["enregistrement", "enveloppe"])
def test_100_000_niveaux_refuses_en_moins_d_une_seconde(backend, ou):
    profond = b"[" * 100_000 + b"]" * 100_000
    if ou == "enregistrement":
        contenu = b'[{"id": "A", "objet": "x", "annexe": ' + profond + b"}]"
        attendu = "L'enregistrement n° 1 (id « A ») imbrique plus de 64 niveaux"
    else:
        contenu = b'{"annexe": ' + profond + b', "marches": []}'
        attendu = "Le fichier imbrique plus de 64 niveaux"
    debut = time.perf_counter()
    with pytest.raises(ImportDecpImpossible, match=re.escape(attendu)):
        _lire(contenu)
    assert time.perf_counter() - debut < 1


# --- the command and the page: nothing written ------------------------------------------------------

HOSTILES = {
    "nombre géant": (b'{"marches": [{"id": "1", "montant": ' + b"9" * 100_000 + b"}]}", "suite de plus de"),
    "trop profond": (
        b'[{"id": "A", "objet": "x", "annexe": ' + b"[" * 1000 + b"]" * 1000 + b"}]",
        "imbrique",
    ),
    "pas du JSON": (
        b"id;acheteur\n1;2\n",
        "n'est pas un fichier JSON : il devrait commencer par « { » ou « [ »",
    ),
    "vide": (b"\xef\xbb\xbf \r\n ", "Le fichier est vide ou ne contient que des blancs."),
}


@pytest.mark.django_db
@pytest.mark.parametrize("cas", list(HOSTILES))
def test_commande_refuse_et_n_ecrit_rien(tmp_path, cas):
    CommuneFactory()  # of the Département: the valid record is in it
    contenu, message = HOSTILES[cas]
    # A valid record first: it is written in the first batch, then rolled back.
    valide = json.dumps(enregistrement(id="2024-VALIDE")).encode()
    if contenu.startswith(b"["):
        contenu = b"[" + valide + b"," + contenu[1:]
    chemin = tmp_path / "hostile.json"
    chemin.write_bytes(contenu)
    with pytest.raises(CommandError, match=re.escape(message)):
        call_command("import_decp", str(chemin), taille_lot=1, stdout=io.StringIO(), stderr=io.StringIO())
    assert not Marche.objects.exists()


@pytest.mark.django_db
@pytest.mark.parametrize("cas", list(HOSTILES))
def test_page_refuse_et_n_ecrit_rien(client, cas):
    CommuneFactory()
    contenu, message = HOSTILES[cas]
    client.force_login(UserFactory(departement=True))
    reponse = client.post(
        reverse("marches:import_decp"),
        {"fichier": SimpleUploadedFile("decp.json", contenu)},
    )
    assert reponse.status_code == 200
    assert message in reponse.context["formulaire"].errors["fichier"][0]
    assert not Marche.objects.exists()


@pytest.mark.django_db
def test_page_refuse_une_autre_extension(client):
    client.force_login(UserFactory(departement=True))
    contenu = _liste(enregistrement())
    reponse = client.post(
        reverse("marches:import_decp"),
        {"fichier": SimpleUploadedFile("decp.csv", contenu)},
    )
    assert reponse.context["formulaire"].errors["fichier"] == [
        "Le fichier DECP doit être un fichier JSON (extension .json), tel que publié sur data.gouv.fr."
    ]
    assert not Marche.objects.exists()

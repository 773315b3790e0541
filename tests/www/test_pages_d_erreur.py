"""What a user sees when something goes wrong: the portal's French pages, never Django's (debug or English)."""

import re
from pathlib import Path

import pytest

pytestmark = [pytest.mark.django_db, pytest.mark.urls("tests.urls_erreurs")]

MAKEFILE = Path(__file__).resolve().parents[2] / "Makefile"


def _titre(reponse) -> str:
    return re.search(r"<title>([^<]*)</title>", reponse.content.decode()).group(1)


@pytest.mark.parametrize(
    "chemin, statut, titre",
    [
        ("/essai/panne/", 500, "Erreur du serveur — Maine-et-Loire"),
        ("/essai/interdit/", 403, "Accès refusé — Maine-et-Loire"),
        ("/marches/999999/", 404, "Page introuvable — Maine-et-Loire"),
        ("/marches/?per_page=-1", 400, "Demande invalide — Maine-et-Loire"),
    ],
)
def test_pages_d_erreur_en_francais(client, departement, chemin, statut, titre):
    client.raise_request_exception = False
    client.force_login(departement)
    reponse = client.get(chemin)
    assert reponse.status_code == statut
    assert '<html lang="fr">' in reponse.content.decode()
    assert _titre(reponse) == titre
    assert "Traceback" not in reponse.content.decode()


def test_la_demo_tourne_sans_mode_debug():
    """`make demo` serves the portal with DEBUG off, so that a demo user meets the same error pages."""
    texte = MAKEFILE.read_text()
    environnement = re.search(r"^DEMO_ENV := (.*?[^\\])$", texte, re.MULTILINE | re.DOTALL).group(1)
    assert "DEBUG=false" in environnement.split()
    [lancement] = [ligne for ligne in texte.splitlines() if "runserver" in ligne]
    assert lancement.strip().startswith("$(DEMO_ENV) ")


def test_une_action_ouverte_par_un_lien_recoit_une_page_en_francais(client, departement):
    client.force_login(departement)
    reponse = client.get("/deconnexion/")
    assert reponse.status_code == 405
    assert "POST" in reponse["Allow"]
    assert _titre(reponse) == "Action non permise — Maine-et-Loire"
    assert "Content-Security-Policy" in reponse

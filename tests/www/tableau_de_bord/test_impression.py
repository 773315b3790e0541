"""The bilan printed by Chromium (headless, through Playwright) on the demo data: the synthesis holds on two A4
pages, each EPCI's on two more, and the running footer and page numbers are on the paper.

Skipped when Chromium is not installed (/usr/bin/chromium).
"""

import os
import re
from io import StringIO
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
from django.contrib.sessions.backends.db import SessionStore
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from comptes.models import User
from insertion.commentaires import enregistrer_commentaire
from insertion.regles import TEXTE_MAX_COMMENTAIRE
from territoires.models import Epci

CHROMIUM = Path("/usr/bin/chromium")
ARGUMENTS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]

pytestmark = [
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
    pytest.mark.skipif(not CHROMIUM.exists(), reason="Chromium (/usr/bin/chromium) n'est pas installé."),
]


def nb_pages(pdf: bytes) -> int:
    """Pages of a PDF printed by Chromium: the root of its page tree counts them all."""
    return max(int(nombre) for nombre in re.findall(rb"/Type\s*/Pages\b[^>]*?/Count\s+(\d+)", pdf, re.S))


@pytest.fixture
def demo(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    call_command("load_territoires", stdout=StringIO())
    call_command("load_demo", stdout=StringIO())


def _session(user) -> str:
    session = SessionStore()
    session[SESSION_KEY] = str(user.pk)
    session[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
    session[HASH_SESSION_KEY] = user.get_session_auth_hash()
    session.save()
    return session.session_key


@pytest.fixture
def imprimer(live_server, monkeypatch):
    """print(user, url) -> the PDF bytes of the page printed on A4 by Chromium, signed in as `user`."""
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    sync_playwright = pytest.importorskip("playwright.sync_api").sync_playwright
    with sync_playwright() as playwright:
        navigateur = playwright.chromium.launch(executable_path=str(CHROMIUM), args=ARGUMENTS)

        def imprimer_page(user, url):
            contexte = navigateur.new_context()
            contexte.add_cookies(
                [{"name": settings.SESSION_COOKIE_NAME, "value": _session(user), "url": live_server.url}]
            )
            page = contexte.new_page()
            reponse = page.goto(live_server.url + url)
            assert reponse.status == 200, reponse.status
            pdf = page.pdf(format="A4", print_background=True, prefer_css_page_size=True)
            contexte.close()
            return pdf

        yield imprimer_page
        navigateur.close()


def test_la_synthese_tient_sur_deux_pages_a4(demo, imprimer):
    assert os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] == "true"
    departement = User.objects.get(username="departement")
    url = reverse("tableau_de_bord:bilan")
    # The longest comment allowed, in paragraphs, still leaves the synthesis on two pages.
    paragraphe = "Les clauses sociales ont permis des parcours vers l'emploi durable sur tout le territoire. "
    texte = "\n\n".join([paragraphe * 3] * 10)[:TEXTE_MAX_COMMENTAIRE]
    enregistrer_commentaire(user=departement, annee=timezone.localdate().year, epci=None, texte=texte)

    assert nb_pages(imprimer(departement, f"{url}?annexe=0")) == 2
    # With the annex: the tables come after the two pages of the synthesis.
    assert nb_pages(imprimer(departement, url)) > 2

    # A reader of the whole Département, and an EPCI's own bilan.
    lecteur = User.objects.get(username="lecteur")
    assert nb_pages(imprimer(lecteur, f"{url}?annexe=0")) == 2
    epci = Epci.objects.filter(marches__isnull=False).distinct().first()
    assert nb_pages(imprimer(departement, f"{url}?annexe=0&epci={epci.siren}")) == 2


def test_chaque_epci_sur_deux_pages(demo, imprimer):
    departement = User.objects.get(username="departement")
    pdf = imprimer(departement, reverse("tableau_de_bord:bilan_epci"))
    assert nb_pages(pdf) == 2 * Epci.objects.count()

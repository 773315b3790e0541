"""Every URL of the resolver, except the few public ones, sends an anonymous visitor to the sign-in page.

The URLs are found by walking the resolver, so a view added later without protection makes this fail.
"""

from urllib.parse import parse_qs, urlsplit

import pytest
from django.conf import settings
from django.urls import resolve

from tests.urls_du_portail import motifs_du_portail

PUBLIQUES = {
    "/connexion/",
    "/sante/",
    "/admin/login/",
    # a forgotten password is reset without signing in
    "/mot-de-passe-oublie/",
    "/mot-de-passe-oublie/envoye/",
    "/mot-de-passe-oublie/1/1/",
    "/mot-de-passe-oublie/termine/",
}
# Django's admin sends its site-wide pages (index, app index, logout, autocomplete…) to its own sign-in URL,
# which the portal redirects to its single sign-in page.
CONNEXIONS_ADMIN = {"/connexion/", "/admin/login/"}

# Anonymous visitors are stopped before any view runs, so no object is needed: any value fits the routes.
URLS = [(motif.url(), motif.motif) for motif in motifs_du_portail()]
URLS_PROTEGEES = [
    (url, motif)
    for url, motif in URLS
    if url not in PUBLIQUES and not url.startswith("/" + settings.STATIC_URL.lstrip("/"))
]


def _id(valeur):
    return valeur if isinstance(valeur, str) else ""


def test_le_parcours_trouve_les_urls():
    urls = {url for url, _ in URLS}
    assert urls >= PUBLIQUES
    assert {
        "/",
        "/deconnexion/",
        "/admin/",
        "/admin/logout/",
        "/admin/marches/marche/",
        "/admin/marches/marche/add/",
        "/admin/beneficiaires/beneficiaire/1/change/",
        "/admin/insertion/heuresrealisees/1/history/",
        "/admin/territoires/",  # an app index: the first app label of its pattern
        "/admin/1",
    } <= urls
    assert len(URLS) > 100


# The portal's redirect of /admin/login/ stands before the admin's own login page, which it shadows on purpose.
URLS_RESOLUES = [
    (url, motif) for url, motif in URLS if not (url == "/admin/login/" and motif.name == "login")
]


@pytest.mark.parametrize(("url", "motif"), URLS_RESOLUES, ids=_id)
def test_chaque_url_construite_mene_a_son_motif(url, motif):
    assert resolve(url).func is motif.callback


@pytest.mark.parametrize(("url", "motif"), URLS_PROTEGEES, ids=_id)
def test_visiteur_anonyme_renvoye_vers_la_connexion(client, db, url, motif):
    reponse = client.get(url)
    assert reponse.status_code == 302, url
    destination = urlsplit(reponse["Location"])
    if url.startswith("/admin/"):
        assert destination.path in CONNEXIONS_ADMIN
    else:
        assert destination.path == "/connexion/"
    assert parse_qs(destination.query) == {"next": [url]}


@pytest.mark.parametrize("url", sorted(PUBLIQUES - {"/admin/login/"}))
def test_pages_publiques(client, db, url):
    assert client.get(url).status_code == 200


def test_connexion_de_l_administration_renvoie_vers_la_page_unique(client, db):
    reponse = client.get("/admin/login/?next=/admin/")
    assert reponse.status_code == 302
    assert reponse["Location"] == "/connexion/?next=/admin/"

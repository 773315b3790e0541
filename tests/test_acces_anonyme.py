"""Every URL of the resolver, except the few public ones, sends an anonymous visitor to the sign-in page.

The URLs are found by walking the resolver, so a view added later without protection makes this fail.
"""

import re
import uuid
from urllib.parse import parse_qs, urlsplit

import pytest
from django.conf import settings
from django.urls import URLPattern, URLResolver, converters, get_resolver, resolve
from django.urls.resolvers import RegexPattern, RoutePattern

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

# A value per converter type. Anonymous visitors are stopped before any view runs, so no object is needed.
VALEURS_CONVERTISSEURS = {
    converters.IntConverter: "1",
    converters.StringConverter: "1",
    converters.PathConverter: "1",
    converters.SlugConverter: "x",
    converters.UUIDConverter: str(uuid.UUID(int=1)),
}

PARAMETRE = re.compile(r"<(?:(?P<convertisseur>[^>:]+):)?(?P<nom>[^>]+)>")


def _route_concrete(motif: RoutePattern) -> str:
    def valeur(correspondance):
        convertisseur = motif.converters[correspondance["nom"]]
        if type(convertisseur) not in VALEURS_CONVERTISSEURS:
            raise AssertionError(f"Ajouter une valeur d'exemple pour le convertisseur {type(convertisseur)}.")
        return VALEURS_CONVERTISSEURS[type(convertisseur)]

    return PARAMETRE.sub(valeur, str(motif))


def _fin_du_groupe(regex: str, debut: int) -> int:
    profondeur, position = 0, debut
    while position < len(regex):
        if regex[position] == "\\":
            position += 2
            continue
        if regex[position] == "(":
            profondeur += 1
        elif regex[position] == ")":
            profondeur -= 1
            if profondeur == 0:
                return position
        position += 1
    raise AssertionError(f"Groupe non fermé dans {regex!r}")


def _regex_concrete(motif: RegexPattern) -> str:
    """An example string for the regexes in use: the admin's `^(?P<app_label>auth|comptes…)/$` and
    `(?P<url>.*)$`, simple_history's `^([^/]+)/history/([^/]+)/$`. Checked by resolving it back."""
    regex, resultat, position = str(motif), "", 0
    while position < len(regex):
        caractere = regex[position]
        if caractere == "\\":
            if regex[position + 1] not in "AZ":
                resultat += regex[position + 1]
            position += 2
        elif caractere == "(":
            fin = _fin_du_groupe(regex, position)
            corps = re.sub(r"^\?(P<[^>]+>|:)", "", regex[position + 1 : fin])
            premiere = corps.split("|")[0]
            resultat += premiere if re.fullmatch(r"[\w-]+", premiere) else "1"
            position = fin + 1
        else:
            if caractere not in "^$":
                resultat += caractere
            position += 1
    return resultat


def _parcourir(motifs, prefixe=""):
    for motif in motifs:
        if isinstance(motif.pattern, RoutePattern):
            morceau = _route_concrete(motif.pattern)
        elif isinstance(motif.pattern, RegexPattern):
            morceau = _regex_concrete(motif.pattern)
        else:
            raise AssertionError(f"Motif d'URL inconnu : {motif.pattern!r}")
        if isinstance(motif, URLResolver):
            yield from _parcourir(motif.url_patterns, prefixe + morceau)
        else:
            assert isinstance(motif, URLPattern)
            yield "/" + prefixe + morceau, motif


URLS = list(_parcourir(get_resolver().url_patterns))
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
        "/admin/auth/",
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

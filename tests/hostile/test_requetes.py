"""Every URL pattern of the resolver, as every role of the cast, with hostile query strings and path segments.

Never a server error; a refused parameter gets the portal's French page. The routes come from the resolver, so a
view added later is requested too; the parameters from the view's own GET form plus those the views read.
"""

from urllib.parse import quote, urlencode

import pytest
from django.db import transaction
from django.test import Client
from django.urls import converters
from hypothesis import given
from hypothesis import strategies as st

from tests.hostile.conftest import budget
from tests.hostile.formulaires import formulaires
from tests.hostile.proprietes import demander, verifier_reponse
from tests.hostile.valeurs import PARAMETRES_CONNUS, parametres_get, segment
from tests.test_acces import MOTIFS, ROLES, _gabarit_tiers_tolere, valeurs_des_routes

pytestmark = pytest.mark.django_db

CONVERTISSEURS = {
    converters.IntConverter: "int",
    converters.UUIDConverter: "uuid",
    converters.SlugConverter: "slug",
    converters.PathConverter: "path",
    converters.StringConverter: "str",
}


def _convertisseur(motif, parametre) -> str | None:
    for morceau in motif.morceaux:
        convertisseur = getattr(morceau, "converters", {}).get(parametre)
        if convertisseur is not None:
            return CONVERTISSEURS.get(type(convertisseur), "str")
    return None


def client_de(utilisateur) -> Client:
    client = Client()
    if utilisateur is not None:
        client.force_login(utilisateur)
    return client


def noms_des_formulaires_get(client, url) -> list[str]:
    """The fields of the page's GET forms (filters, year and EPCI pickers), read from the page itself."""
    reponse, exc = demander(client, "get", url)
    if exc is not None or reponse.status_code != 200 or "text/html" not in reponse.get("Content-Type", ""):
        return []
    return [nom for f in formulaires(reponse.content.decode(), "get") for nom in f.noms()]


PORTAIL = [motif for motif in MOTIFS if not motif.admin]
ADMINISTRATION = [motif for motif in MOTIFS if motif.admin]


def _parcourir(data, utilisateur, objets, motifs, noms_par_route):
    reel = valeurs_des_routes(objets)
    with transaction.atomic():
        client = client_de(utilisateur)
        for motif in motifs:
            if motif.route not in noms_par_route:
                with _gabarit_tiers_tolere(motif):
                    noms_par_route[motif.route] = noms_des_formulaires_get(client, motif.url(reel))

            def valeur(m, parametre, defaut):
                vrai = str(reel(m, parametre, defaut))
                convertisseur = _convertisseur(m, parametre)
                if convertisseur is None:
                    return vrai
                return quote(data.draw(segment(convertisseur, vrai), label=parametre), safe="")

            url = motif.url(valeur)
            requete = data.draw(parametres_get(noms_par_route[motif.route]), label=motif.route)
            if requete:
                url += "?" + urlencode(requete)
            with _gabarit_tiers_tolere(motif):
                reponse, exc = demander(client, "get", url)
            verifier_reponse(reponse, exc, quoi=f"GET {url[:300]} ({motif.route})")
        transaction.set_rollback(True)


@pytest.mark.parametrize("role", ROLES)
def test_pages_du_portail(request, objets, clause_b, role):
    utilisateur = None if role == "anonyme" else request.getfixturevalue(role)
    noms_par_route = {}

    @budget(4)
    @given(st.data())
    def requetes_hostiles(data):
        _parcourir(data, utilisateur, objets, PORTAIL, noms_par_route)

    requetes_hostiles()


@pytest.mark.parametrize("role", ["anonyme", "agent_a", "superuser"])
def test_pages_d_administration(request, objets, role):
    """The admin: anonymous visitors and other accounts are turned away before any parameter is read; the
    superuser's pages read hostile filters, searches and object ids."""
    utilisateur = None if role == "anonyme" else request.getfixturevalue(role)
    noms_par_route = {}

    @budget(1)
    @given(st.data())
    def requetes_hostiles(data):
        _parcourir(data, utilisateur, objets, ADMINISTRATION, noms_par_route)

    requetes_hostiles()


# Values that passed isdigit() and then broke int() (more than 4 300 digits, a superscript), or Decimal
# rounding (1e309), or a month that cannot exist: each named parameter of each page gets one, in turn.
BATTERIE = ["9" * 5000, "²", "1e309", "2026-02-30", "-1", "\x00"]


def test_chaque_parametre_de_chaque_page(departement, objets, clause_b):
    """Deterministic: every parameter the Département's pages read or offer, one nasty value each."""
    reel = valeurs_des_routes(objets)
    client = client_de(departement)
    envoyees = 0
    for position, motif in enumerate(PORTAIL):
        url = motif.url(reel)
        noms = sorted(set(noms_des_formulaires_get(client, url)) | set(PARAMETRES_CONNUS))
        for rang, nom in enumerate(noms):
            valeur = BATTERIE[(position + rang) % len(BATTERIE)]
            with transaction.atomic():
                reponse, exc = demander(client, "get", url + "?" + urlencode({nom: valeur}))
                verifier_reponse(reponse, exc, quoi=f"GET {url}?{nom}={valeur[:20]}… ({motif.route})")
                transaction.set_rollback(True)
            envoyees += 1
    assert envoyees > len(PORTAIL) * len(PARAMETRES_CONNUS) // 2

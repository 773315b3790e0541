"""Every form the portal renders for a role, posted with random and hostile values.

The forms are read from the pages themselves (every route of the resolver, real objects in its parameters), so a
form added later is posted too. After each post: no server error, a French page, and every row the post created
or changed passes its model's full_clean and the entry rules.
"""

import pytest
from django.db import transaction
from hypothesis import given
from hypothesis import strategies as st

from portail.periodes import code_mois, mois_courant, mois_precedent
from tests.hostile.conftest import budget
from tests.hostile.envois import cibles_de_la_page, donnees, envoyer
from tests.hostile.test_requetes import client_de
from tests.test_acces import MOTIFS, ROLES, _gabarit_tiers_tolere, valeurs_des_routes

pytestmark = pytest.mark.django_db

# Admin pages whose forms are posted (the superuser's): adding and changing each model. The others (deleting,
# history, changelist actions) write nothing a user typed.
SUFFIXES_ADMIN = ("_add", "_change")


def _pages(role, objets) -> list[tuple]:
    """(motif, url) of every page to read forms from: each route with real objects; the entry grid of last
    month too, where the cast's person has hours."""
    reel = valeurs_des_routes(objets)
    pages = []
    for motif in MOTIFS:
        if motif.admin and not (role == "superuser" and motif.nom.endswith(SUFFIXES_ADMIN)):
            continue
        pages.append((motif, motif.url(reel)))
        if motif.nom == "saisie:grille":
            mois = code_mois(mois_precedent(mois_courant()))

            def le_mois_dernier(m, parametre, defaut, mois=mois):
                return mois if parametre == "mois" else reel(m, parametre, defaut)

            pages.append((motif, motif.url(le_mois_dernier)))
    return pages


def _cibles(client, role, objets):
    cibles, vues = [], set()
    for motif, url in _pages(role, objets):
        with _gabarit_tiers_tolere(motif):
            trouvees = cibles_de_la_page(client, url)
        for cible, formulaire in trouvees:
            cle = (cible, tuple(formulaire.noms()))
            if cle not in vues:
                vues.add(cle)
                cibles.append((motif, cible, formulaire))
    return cibles


@pytest.mark.parametrize("role", ROLES)
def test_formulaires_du_portail(request, objets, clause_b, role):
    utilisateur = None if role == "anonyme" else request.getfixturevalue(role)
    cibles = []

    @budget(3 if role == "superuser" else 8)
    @given(st.data())
    def envois_hostiles(data):
        with transaction.atomic():
            client = client_de(utilisateur)
            if not cibles:
                cibles.extend(_cibles(client, role, objets))
            for motif, url, formulaire in cibles:
                corps = donnees(data, formulaire, etiquette=url)
                with _gabarit_tiers_tolere(motif):
                    envoyer(client, url, corps, quoi=f"POST {url} ({motif.route}) en {role}")
                if utilisateur is not None and "_auth_user_id" not in client.session:
                    client.force_login(utilisateur)  # signed out by the post (sign-out, password change…)
            transaction.set_rollback(True)

    envois_hostiles()
    assert cibles, f"Aucun formulaire trouvé pour {role}"


BATTERIE = ["9" * 5000, "²", "1e309", "-1", "2026-02-30", "\x00", "x" * 100_000, ""]


@pytest.mark.parametrize("role", ["departement", "agent_a"])
def test_chaque_champ_de_chaque_formulaire(request, objets, clause_b, role):
    """Deterministic: each field of each form, the others as the page filled them, gets one nasty value."""
    utilisateur = request.getfixturevalue(role)
    client = client_de(utilisateur)
    cibles = _cibles(client, role, objets)
    envoyes = 0
    for _motif, url, formulaire in cibles:
        page = {}
        for champ in formulaire.champs:
            if champ.genre != "file" and (champ.genre not in ("checkbox", "radio") or champ.coche):
                page.setdefault(champ.nom, []).append(champ.valeur)
        for rang, nom in enumerate(dict.fromkeys(c.nom for c in formulaire.champs if c.genre != "file")):
            if nom == "csrfmiddlewaretoken":
                continue
            valeur = BATTERIE[(rang + envoyes) % len(BATTERIE)]
            with transaction.atomic():
                corps = page | {nom: [valeur]}
                envoyer(client, url, corps, quoi=f"POST {url} {nom}={valeur[:20]!r}… en {role}")
                transaction.set_rollback(True)
            if "_auth_user_id" not in client.session:
                client.force_login(utilisateur)
            envoyes += 1
    assert envoyes > len(cibles)

"""Posting hostile values into the forms a page renders, and checking what comes back and what was written."""

import datetime
import re
from urllib.parse import urljoin

from django.core.files.uploadedfile import SimpleUploadedFile
from hypothesis import strategies as st

from tests.hostile.formulaires import Formulaire, formulaires
from tests.hostile.proprietes import demander, photo, verifier_lignes, verifier_reponse
from tests.hostile.valeurs import hostile_post

# Values a clerk would type in a field left empty by the page: enough of them pass validation for rows to be
# written, so that "no invalid row" is put to the test.
PLAUSIBLES = [
    "1",
    "35",
    "151.67",
    "151,67",
    "160",
    "250",
    "744",
    "0.01",
    "2026-03",
    "03/2026",
    "1990-05-14",
    "14/05/1990",
    "22490001900015",
    "Dupont",
    "Camille",
    "F",
    "H",
    "49007",
    "agent@example.org",
    "Mot-de-passe-tres-long-49",
]
# ... and by the field's name, what a clerk would type there.
AUJOURD_HUI = datetime.date.today().strftime("%d/%m/%Y")
PLAUSIBLES_PAR_NOM = [
    (re.compile(r"heures|part_|taux|cout"), ["35", "7,5", "151.67", "744", "1"]),
    (re.compile(r"naissance"), ["14/05/1990", "1990-05-14", "01/01/2000"]),
    (re.compile(r"date|debut|fin"), [AUJOURD_HUI, "01/01/2026", "2026-03-01"]),
    (re.compile(r"siret"), ["22490001900015", "35600000000048"]),
    (re.compile(r"email"), ["agent@example.org"]),
    (re.compile(r"password"), ["Mot-de-passe-tres-long-49"]),
    (re.compile(r"nom|prenom|detail|motif"), ["Dupont", "Camille", "Reprise en CDI"]),
]


def plausibles(nom: str) -> list[str]:
    for motif, valeurs in PLAUSIBLES_PAR_NOM:
        if motif.search(nom):
            return valeurs
    return PLAUSIBLES


MODES = ["page"] * 3 + ["option", "plausible", "hostile", "omis"]


def cibles_de_la_page(client, url: str) -> list[tuple[str, Formulaire]]:
    """The POST forms of the page at `url`, with the URL each one posts to."""
    reponse, exc = demander(client, "get", url)
    if exc is not None or reponse.status_code != 200 or "text/html" not in reponse.get("Content-Type", ""):
        return []
    return [
        (urljoin(url, f.action) if f.action else url, f)
        for f in formulaires(reponse.content.decode(), "post")
    ]


def donnees(data, formulaire: Formulaire, *, etiquette: str) -> dict:
    """The body a user could send: no field or one field hostile and the others as a clerk would fill them (so
    the post goes deep into the checks and rows get written, with boundary values such as 744 h), or every field
    drawn at will: kept as the page filled it, another of its options, a plausible or a hostile value, or left
    out; and a submit button."""
    champs = [c for c in formulaire.champs if c.nom != "csrfmiddlewaretoken" and c.genre != "file"]
    genre = data.draw(st.sampled_from(["sans", "un seul", "libre"]), label=f"{etiquette} (champs hostiles)")
    hostile_seul = None
    if genre == "un seul" and champs:
        hostile_seul = data.draw(st.sampled_from(champs), label=f"{etiquette} champ hostile")
    corps: dict[str, list] = {}
    for champ in formulaire.champs:
        if champ.nom == "csrfmiddlewaretoken":
            corps[champ.nom] = [champ.valeur]
            continue
        if champ.genre == "file":
            nom, contenu = data.draw(
                st.tuples(
                    st.sampled_from(["fichier.csv", "fichier.xlsx", "fichier.json", "f"]),
                    st.binary(max_size=300),
                ),
                label=f"{etiquette} {champ.nom}",
            )
            corps[champ.nom] = [SimpleUploadedFile(nom, contenu)]
            continue
        if genre != "libre":
            if champ is hostile_seul:
                mode = "hostile"
            elif champ.valeur or champ.coche:
                mode = "page"
            else:  # an empty field: left empty (a spare row of the grid) or filled in
                mode = data.draw(st.sampled_from(["page", "option"]), label=f"{etiquette} {champ.nom} (mode)")
        else:
            mode = data.draw(st.sampled_from(MODES), label=f"{etiquette} {champ.nom} (mode)")
        if mode == "omis" or (mode == "page" and champ.genre in ("checkbox", "radio") and not champ.coche):
            continue
        if mode == "page":
            valeur = champ.valeur
        elif mode == "option" and champ.genre in ("checkbox", "radio"):
            if genre != "libre" and not data.draw(st.booleans(), label=f"{etiquette} {champ.nom} coché"):
                continue
            valeur = champ.valeur or "on"
        elif mode == "option" and champ.options:
            valeur = data.draw(st.sampled_from(champ.options), label=f"{etiquette} {champ.nom}")
        elif mode in ("option", "plausible"):
            valeur = data.draw(st.sampled_from(plausibles(champ.nom)), label=f"{etiquette} {champ.nom}")
        else:
            valeur = data.draw(hostile_post, label=f"{etiquette} {champ.nom}")
        corps.setdefault(champ.nom, []).append(valeur)
    if formulaire.boutons:
        nom, valeur = data.draw(st.sampled_from(formulaire.boutons), label=f"{etiquette} bouton")
        corps.setdefault(nom, []).append(valeur)
    return {nom: valeurs[0] if len(valeurs) == 1 else valeurs for nom, valeurs in corps.items()}


def envoyer(client, url: str, corps: dict, *, quoi: str):
    """Posts `corps`: no server error, a French page, and every row it wrote is valid."""
    avant = photo()
    reponse, exc = demander(client, "post", url, data=corps)
    verifier_reponse(reponse, exc, quoi=quoi)
    verifier_lignes(avant, quoi=quoi)
    return reponse

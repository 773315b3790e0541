"""Benchmark of the monthly entry grid (run by hand, not by the tests).

    .venv/bin/python benchmarks/grille.py [--lignes 5000] [--profil]

In a child process, a throwaway database (a temporary SQLite file; with DATABASE_URL set, a test database created
and dropped on that server) receives one clause with `--lignes` rows of hours in one month for as many people
(bulk_create, like a statement import of that size), then the grid of that month is opened (GET) and saved (POST
of the form as a browser sends it back, every editable row's hours changed) through django.test.Client with
DEBUG off. It reports time, queries, page size and peak memory (tracemalloc in a second run, since tracing slows
Python down; VmHWM of Linux in the first). With --profil, the cProfile of both requests is printed instead.
"""

import argparse
import cProfile
import datetime
import io
import json
import os
import pstats
import re
import subprocess
import sys
import tempfile
import time
from decimal import Decimal
from html.parser import HTMLParser
from pathlib import Path

RACINE = Path(__file__).resolve().parent.parent


# --- what a browser sends back ---------------------------------------------------------------------


class _Formulaire(HTMLParser):
    """The fields of the page's POST form as a browser would send them (inputs, checked boxes, selects)."""

    def __init__(self):
        super().__init__()
        self.champs: dict[str, str] = {}
        self._dans_form = False
        self._select = None
        self._premiere_option = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form" and attrs.get("method") == "post":
            self._dans_form = True
        if not self._dans_form:
            return
        nom = attrs.get("name")
        if tag == "input" and nom and "disabled" not in attrs:
            if attrs.get("type") in ("checkbox", "radio"):
                if "checked" in attrs:
                    self.champs[nom] = attrs.get("value", "on")
            elif attrs.get("type") not in ("submit", "button"):
                self.champs[nom] = attrs.get("value") or ""
        elif tag == "select" and nom and "disabled" not in attrs:
            self._select, self._premiere_option = nom, None
        elif tag == "option" and self._select:
            if self._premiere_option is None:
                self._premiere_option = attrs.get("value", "")
            if "selected" in attrs:
                self.champs[self._select] = attrs.get("value", "")

    def handle_endtag(self, tag):
        if tag == "select" and self._select:
            self.champs.setdefault(self._select, self._premiere_option or "")
            self._select = None
        elif tag == "form":
            self._dans_form = False


def donnees_du_navigateur(html: str) -> dict[str, str]:
    lecteur = _Formulaire()
    lecteur.feed(html)
    return lecteur.champs


# --- one measure, in a child process ---------------------------------------------------------------


def _memoire_kio(cle: str) -> int | None:
    try:
        for ligne in Path("/proc/self/status").read_text().splitlines():
            if ligne.startswith(cle + ":"):
                return int(ligne.split()[1])
    except OSError:
        return None
    return None


def _reinitialiser_pic() -> bool:
    try:
        Path("/proc/self/clear_refs").write_text("5")
        return True
    except OSError:
        return False


def _preparer_django(dossier: Path) -> bool:
    base_fournie = bool(os.environ.get("DATABASE_URL"))
    os.environ.setdefault("DATABASE_URL", f"sqlite:///{dossier / 'bench.sqlite3'}")
    os.environ.setdefault("SECRET_KEY", "benchmark-only-not-a-secret")
    # A production-like process: DEBUG off (no query log), plain HTTP for the test client.
    os.environ |= {
        "DEBUG": "false",
        "ALLOWED_HOSTS": "testserver",
        "SECURE_SSL_REDIRECT": "false",
        "SECURE_COOKIES": "false",
        "STATIC_MANIFEST": "false",
    }
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    sys.path.insert(0, str(RACINE))
    import django

    django.setup()
    return base_fournie


def _creer_donnees(lignes: int):
    """One EPCI clerk, one clause, `lignes` people with one row each in last month. Returns (user, url)."""
    from beneficiaires.identite import cle_identite
    from beneficiaires.models import Beneficiaire
    from comptes.enums import Role
    from comptes.models import User
    from insertion.enums import Modalite, Statut, TypeContrat
    from insertion.models import Clause, HeuresRealisees
    from marches.models import Acheteur, Entreprise, Lot, Marche
    from portail.periodes import code_mois, mois_courant, mois_precedent
    from territoires.models import Epci

    mois = mois_precedent(mois_courant())
    epci = Epci.objects.create(siren="200000172", nom="Communauté de communes du banc d'essai", nature="CC")
    acheteur = Acheteur.objects.create(siret="49900002400012", nom="Commune du banc d'essai", epci=epci)
    titulaire = Entreprise.objects.create(siret="49900001600018", raison_sociale="Bâtiment du banc d'essai")
    marche = Marche.objects.create(
        acheteur=acheteur,
        epci=epci,
        reference="BANC-GRILLE-01",
        objet="Travaux du banc d'essai de la grille",
        montant_ht=Decimal("5000000"),
        date_notification=mois - datetime.timedelta(days=400),
        date_debut=mois - datetime.timedelta(days=365),
        date_fin=mois + datetime.timedelta(days=365),
    )
    lot = Lot.objects.create(
        marche=marche, numero=1, intitule="Lot unique", montant_ht=Decimal("5000000"), titulaire=titulaire
    )
    clause = Clause.objects.create(lot=lot, heures_reservees=Decimal("100000"))
    user = User.objects.create_user("agent-banc", role=Role.EPCI, epci=epci)

    personnes = []
    for numero in range(lignes):
        nom, prenom, naissance = f"Essai{numero:05d}", "Camille", datetime.date(1980, 1, 1)
        personnes.append(
            Beneficiaire(
                nom=nom,
                prenom=prenom,
                date_naissance=naissance,
                sexe="F",
                niveau_qualification="sans",
                date_entree=datetime.date(2024, 1, 1),
                cree_par_epci=epci,
                cle_identite=cle_identite(nom, prenom, naissance),
            )
        )
    personnes = Beneficiaire.objects.bulk_create(personnes, batch_size=1000)
    if personnes[0].pk is None:  # backends that do not return ids
        personnes = list(Beneficiaire.objects.order_by("pk"))
    HeuresRealisees.objects.bulk_create(
        [
            HeuresRealisees(
                clause=clause,
                beneficiaire=personne,
                employeur=titulaire,
                mois=mois,
                heures=Decimal(35),
                modalite=Modalite.EMBAUCHE_DIRECTE,
                type_contrat=TypeContrat.CDD,
                statut=Statut.DECLAREES,
                saisi_par=user,
            )
            for personne in personnes
        ],
        batch_size=1000,
    )
    return user, f"/saisie/{clause.pk}/{code_mois(mois)}/"


def _donnees_modifiees(html: str) -> tuple[dict, int]:
    """The form as displayed, every existing row's hours set to 36."""
    donnees = donnees_du_navigateur(html)
    modifiees = 0
    for cle, valeur in list(donnees.items()):
        if cle.endswith("-id_rangee") and valeur:
            donnees[cle.removesuffix("id_rangee") + "heures"] = "36"
            modifiees += 1
    return donnees, modifiees


class _Compteur:
    def __init__(self):
        self.nombre = 0

    def __call__(self, execute, sql, params, many, context):
        self.nombre += 1
        return execute(sql, params, many, context)


def mesurer(lignes: int, *, mode: str) -> dict:
    dossier = Path(tempfile.mkdtemp(prefix="bench-grille-"))
    base_fournie = _preparer_django(dossier)
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client

    if base_fournie:
        nom_base = connection.creation.create_test_db(verbosity=0, autoclobber=True, serialize=False)
    else:
        call_command("migrate", verbosity=0)
    try:
        user, url = _creer_donnees(lignes)
        client = Client()
        client.force_login(user)
        client.get("/saisie/")  # warms the process (templates, URL resolver) like a running server
        resultat = {"lignes": lignes, "base": connection.vendor}

        if mode == "memoire":
            import tracemalloc

            tracemalloc.start()
            page = client.get(url)
            resultat["get_pic_tracemalloc"] = tracemalloc.get_traced_memory()[1]
            donnees, _ = _donnees_modifiees(page.content.decode())
            tracemalloc.reset_peak()
            client.post(url, donnees)
            resultat["post_pic_tracemalloc"] = tracemalloc.get_traced_memory()[1]
            tracemalloc.stop()
            return resultat

        profil = cProfile.Profile() if mode == "profil" else None
        profil_post = cProfile.Profile() if mode == "profil" else None
        compteur = _Compteur()
        resultat["rss_avant"] = _memoire_kio("VmRSS")
        pic_reinitialise = _reinitialiser_pic()
        with connection.execute_wrapper(compteur):
            debut = time.perf_counter()
            if profil:
                profil.enable()
            page = client.get(url)
            if profil:
                profil.disable()
            resultat["get_duree"] = time.perf_counter() - debut
            resultat["get_requetes"] = compteur.nombre
            resultat["get_statut"] = page.status_code
            resultat["get_octets"] = len(page.content)
            html = page.content.decode()
            resultat["get_lignes_affichees"] = len(re.findall(r'name="lignes-\d+-heures"', html))
            donnees, modifiees = _donnees_modifiees(html)
            resultat["post_champs"] = len(donnees)
            resultat["post_lignes_modifiees"] = modifiees
            compteur.nombre = 0
            debut = time.perf_counter()
            if profil_post:
                profil_post.enable()
            envoi = client.post(url, donnees)
            if profil_post:
                profil_post.disable()
            resultat["post_duree"] = time.perf_counter() - debut
            resultat["post_requetes"] = compteur.nombre
            resultat["post_statut"] = envoi.status_code
        resultat["pic_rss"] = _memoire_kio("VmHWM") if pic_reinitialise else None
        if profil:
            tri = os.environ.get("TRI_PROFIL", "cumulative")
            for nom, mesure in (("get", profil), ("post", profil_post)):
                sortie = io.StringIO()
                pstats.Stats(mesure, stream=sortie).sort_stats(tri).print_stats(40)
                resultat[f"profil_{nom}"] = sortie.getvalue()
        return resultat
    finally:
        connection.close()
        if base_fournie:
            connection.creation.destroy_test_db(nom_base, verbosity=0)
        for fichier in dossier.iterdir():
            fichier.unlink()
        dossier.rmdir()


# --- the table ---------------------------------------------------------------------------------------


def _enfant(lignes: int, mode: str) -> dict:
    sortie = subprocess.run(
        [sys.executable, __file__, "--enfant", str(lignes), "--mode", mode],
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    return json.loads(sortie.strip().splitlines()[-1])


def _mio(valeur, *, octets=False):
    if valeur is None:
        return "—"
    return f"{valeur / (1024 * 1024 if octets else 1024):.1f} Mio"


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--lignes", type=int, nargs="+", default=[5000])
    parser.add_argument("--profil", action="store_true", help="affiche le profil cProfile du GET et du POST")
    parser.add_argument("--enfant", type=int, help=argparse.SUPPRESS)
    parser.add_argument(
        "--mode", choices=["temps", "memoire", "profil"], default="temps", help=argparse.SUPPRESS
    )
    options = parser.parse_args()

    if options.enfant:
        print(json.dumps(mesurer(options.enfant, mode=options.mode)))
        return

    if options.profil:
        for lignes in options.lignes:
            mesures = _enfant(lignes, "profil")
            print(f"Profil du GET de la grille, {lignes} lignes :\n{mesures['profil_get']}")
            print(f"Profil du POST de la grille, {lignes} lignes :\n{mesures['profil_post']}")
        return

    rangees = []
    for lignes in options.lignes:
        mesures = _enfant(lignes, "temps") | _enfant(lignes, "memoire")
        rangees.append(mesures)
    print(f"Grille de saisie mensuelle — base {rangees[0]['base']}, DEBUG désactivé\n")
    entetes = [
        "lignes du mois",
        "GET",
        "requêtes",
        "page",
        "lignes de la page",
        "pic Python GET",
        "POST",
        "requêtes",
        "champs postés",
        "pic Python POST",
        "pic RSS",
    ]
    tableau = [
        [
            f"{m['lignes']:,}".replace(",", " "),
            f"{m['get_duree']:.2f} s ({m['get_statut']})",
            str(m["get_requetes"]),
            _mio(m["get_octets"], octets=True),
            str(m["get_lignes_affichees"]),
            _mio(m["get_pic_tracemalloc"], octets=True),
            f"{m['post_duree']:.2f} s ({m['post_statut']})",
            str(m["post_requetes"]),
            str(m["post_champs"]),
            _mio(m["post_pic_tracemalloc"], octets=True),
            _mio(m["pic_rss"]),
        ]
        for m in rangees
    ]
    largeurs = [max(len(ligne[i]) for ligne in [entetes, *tableau]) for i in range(len(entetes))]
    print(" | ".join(e.ljust(largeurs[i]) for i, e in enumerate(entetes)))
    print("-|-".join("-" * largeur for largeur in largeurs))
    for rangee in tableau:
        print(" | ".join(v.rjust(largeurs[i]) for i, v in enumerate(rangee)))


if __name__ == "__main__":
    main()

"""Hostile uploads against the portal's readers (run by hand, not by the tests).

    .venv/bin/python benchmarks/entrees_hostiles.py [--cas bombe-zip ...]

For each hostile input, a child process builds the file in memory (tests/hostiles.py), then calls what the
upload pages call — `lire_releve` then `importer_releve` for a statement, `importer_decp` (simulation) for a
DECP file — on a throwaway SQLite database, once untraced (wall time; peak resident memory from
resource.getrusage and, on Linux, VmHWM reset just before the call), once under tracemalloc (peak of Python
allocations). It prints the outcome: refused with the French message, or read.
"""

import argparse
import contextlib
import io
import os
import resource
import subprocess
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path

RACINE = Path(__file__).resolve().parent.parent
CAS = {
    "bombe-zip": "XLSX : feuille de 1 Go de zéros compressée en 1 Mo",
    "xfd-19000": "XLSX : 19 000 lignes, une cellule en colonne XFD (dimension A1:XFD19001)",
    "xfd-sans-dimension": "XLSX : le même, sans la balise <dimension>",
    "xfd-cache": "XLSX : le même, sans <dimension>, le style avant la référence de la cellule",
    "decp-nombre": "DECP : un nombre de 100 000 chiffres",
    "decp-imbrique": "DECP : 100 000 niveaux de listes imbriquées",
    "csv-2-mo": "CSV : 2 Mo, 5 000 lignes (marché inconnu, une colonne de commentaire)",
}


def _environnement(base: Path) -> dict:
    return os.environ | {
        "DATABASE_URL": f"sqlite:///{base}",
        "SECRET_KEY": "benchmark-only-not-a-secret",
        "DEBUG": "false",  # DEBUG would keep every query in memory
        "DJANGO_SETTINGS_MODULE": "config.settings",
    }


def _csv_2_mo() -> bytes:
    from insertion.releves.colonnes import ENTETES

    entetes = [*ENTETES, "commentaire"]
    lignes = [";".join(entetes)]
    for numero in range(5_000):
        valeurs = {
            "reference_marche": "2026-INCONNU-01",
            "numero_lot": "1",
            "mois": "2026-01",
            "nom": f"Personne{numero:04d}",
            "prenom": "Dominique",
            "date_naissance": "03/02/1979",
            "siret_employeur": "73282932000074",
            "modalite": "embauche directe",
            "type_contrat": "CDD",
            "heures": "35,5",
            "commentaire": "x" * 310,
        }
        lignes.append(";".join(valeurs.get(entete, "") for entete in entetes))
    return ("\r\n".join(lignes) + "\r\n").encode("utf-8")


def _preparer(cas: str):
    """(the file, the call the page makes): built before any measurement."""
    from django.db import transaction

    from comptes.enums import Role
    from comptes.models import User
    from insertion.releves.importation import importer_releve
    from insertion.releves.lecture import lire_releve
    from marches.decp import importer_decp
    from tests import hostiles

    def releve(nom, contenu):
        def appel():
            lu = lire_releve(nom=nom, contenu=contenu)
            with transaction.atomic():
                user = User.objects.create(username="bench", role=Role.DEPARTEMENT)
                resultat = importer_releve(user=user, releve=lu)
                transaction.set_rollback(True)
            return f"lu : {len(lu.lignes)} lignes, {len(resultat.erreurs)} erreurs signalées"

        return contenu, appel

    def decp(contenu):
        def appel():
            resultat = importer_decp(fichier=io.BytesIO(contenu), simulation=True)
            return f"lu : {resultat.marches_lus} marchés"

        return contenu, appel

    fabriques = {
        "bombe-zip": lambda: releve("releve.xlsx", hostiles.bombe_zip()),
        "xfd-19000": lambda: releve("releve.xlsx", hostiles.classeur_xfd()),
        "xfd-sans-dimension": lambda: releve("releve.xlsx", hostiles.classeur_xfd(dimension=False)),
        "xfd-cache": lambda: releve(
            "releve.xlsx", hostiles.classeur_xfd(dimension=False, style_d_abord=True)
        ),
        "decp-nombre": lambda: decp(hostiles.decp_nombre_geant()),
        "decp-imbrique": lambda: decp(hostiles.decp_imbrique()),
        "csv-2-mo": lambda: releve("releve.csv", _csv_2_mo()),
    }
    return fabriques[cas]()


def _vmhwm_kio() -> int | None:
    try:
        for ligne in Path("/proc/self/status").read_text().splitlines():
            if ligne.startswith("VmHWM:"):
                return int(ligne.split()[1])
    except OSError:
        pass
    return None


def _executer(appel) -> tuple[str, str]:
    from insertion.releves.exceptions import FichierIllisible
    from marches.decp import ImportDecpImpossible

    try:
        return "accepté", appel()
    except (FichierIllisible, ImportDecpImpossible) as refus:
        return "refusé", refus.message


def mesurer(cas: str) -> None:
    """In the child: prepare, measure, print one tab-separated line."""
    import django

    django.setup()
    contenu, appel = _preparer(cas)
    with contextlib.suppress(OSError):
        Path("/proc/self/clear_refs").write_text("5")  # VmHWM back to the current RSS (Linux)
    debut = time.perf_counter()
    issue, message = _executer(appel)
    duree = time.perf_counter() - debut
    rss_kio = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss  # KiB on Linux
    vmhwm = _vmhwm_kio()
    tracemalloc.start()
    _executer(appel)
    _, pic = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    champs = [
        cas,
        str(len(contenu)),
        issue,
        f"{duree:.3f}",
        str(pic),
        str(rss_kio),
        str(vmhwm or ""),
        message,
    ]
    print("\t".join(champs))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cas", nargs="+", choices=list(CAS), default=list(CAS))
    parser.add_argument("--enfant", help=argparse.SUPPRESS)
    options = parser.parse_args()
    if options.enfant:
        mesurer(options.enfant)
        return

    with tempfile.TemporaryDirectory() as dossier:
        base = Path(dossier) / "hostiles.sqlite3"
        environnement = _environnement(base)
        subprocess.run(
            [sys.executable, "manage.py", "migrate", "-v", "0"], cwd=RACINE, env=environnement, check=True
        )
        print(
            f"{'cas':<20} {'fichier':>10} {'issue':<8} {'durée':>8} {'tracemalloc':>12} {'RSS max':>9} {'VmHWM':>9}"
        )
        for cas in options.cas:
            sortie = subprocess.run(
                [sys.executable, __file__, "--enfant", cas],
                cwd=RACINE,
                env=environnement,
                capture_output=True,
                text=True,
            )
            if sortie.returncode != 0:
                print(
                    f"{cas:<20} le processus s'est arrêté (code {sortie.returncode}) : {sortie.stderr[-500:]}"
                )
                continue
            nom, taille, issue, duree, pic, rss, vmhwm, message = (
                sortie.stdout.strip().splitlines()[-1].split("\t")
            )
            print(
                f"{nom:<20} {int(taille) / 1024:>7.0f} Ko {issue:<8} {float(duree):>6.3f} s "
                f"{int(pic) / 1024 / 1024:>9.1f} Mo {int(rss) / 1024:>6.0f} Mo "
                f"{(int(vmhwm) / 1024 if vmhwm else 0):>6.0f} Mo"
            )
            print(f"{'':<20} {CAS[nom]}\n{'':<20} → {message}")


if __name__ == "__main__":
    sys.path.insert(0, str(RACINE))
    main()

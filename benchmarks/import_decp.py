"""Benchmark of the DECP import (run by hand, not by the tests).

    .venv/bin/python benchmarks/import_decp.py [--tailles 10000 50000 100000] [--taille-lot 1000]

For each size, a child process generates a DECP file in the 2024 format (written as a stream into a temporary
folder), imports it into a throwaway database (a temporary SQLite file; with DATABASE_URL set, a test database
created and dropped on that server), scoped to the Département as the command does (about one record in five is
executed outside it and skipped), then imports it a second time (nothing to create). It reports records/s,
the peak of Python allocations during the import (tracemalloc, in a separate run because tracing slows Python
down) and the peak resident memory of the process during the import (VmHWM, reset just before it, on Linux).
"""

import argparse
import json
import os
import random
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

RACINE = Path(__file__).resolve().parent.parent
TAILLES = [10_000, 50_000, 100_000]

# --- generated file --------------------------------------------------------------------------------


def _cle_luhn(chiffres: str) -> str:
    total = 0
    for position, caractere in enumerate(reversed(chiffres)):
        chiffre = int(caractere)
        if position % 2 == 0:
            chiffre = chiffre * 2 - 9 if chiffre * 2 > 9 else chiffre * 2
        total += chiffre
    return str(-total % 10)


def _siret(alea: random.Random, siren: str | None = None) -> str:
    if siren is None:
        debut = str(alea.randint(1, 9)) + "".join(str(alea.randint(0, 9)) for _ in range(7))
        if debut == "35600000":
            debut = "45600000"
        siren = debut + _cle_luhn(debut)
    nic = "".join(str(alea.randint(0, 9)) for _ in range(4))
    return siren + nic + _cle_luhn(siren + nic)


CPV = [
    "45000000",
    "45233140",
    "77310000",
    "90500000",
    "71315400",
    "03310000",
    "44316000",
    "48000000",
    "79341200",
]
CONSIDERATIONS = [
    ["Pas de considération sociale"] * 6,
    ["Clause sociale"],
    ["Critère social"],
    ["Critère social", "Clause sociale"],
    ["Marché réservé"],
]
PROCEDURES = ["Procédure adaptée", "Appel d'offres ouvert", "Procédure avec négociation"]


def generer(chemin: Path, nombre: int, *, graine: int = 49) -> None:
    """Writes `nombre` marchés (and one concession per 100) one record at a time: never the whole file in memory."""
    alea = random.Random(graine)
    communes_49 = json.loads((RACINE / "territoires" / "data" / "territoires-49.json").read_text("utf-8"))[
        "communes"
    ]
    acheteurs = [_siret(alea, c["siren"]) for c in communes_49[:150]] + [_siret(alea) for _ in range(4850)]
    titulaires = [_siret(alea) for _ in range(40_000)]
    with chemin.open("w", encoding="utf-8") as fichier:
        fichier.write('{"marches": {"marche": [\n')
        for numero in range(nombre):
            considerations = alea.choice(CONSIDERATIONS)
            considerations = considerations[:1] if considerations[0].startswith("Pas") else considerations
            enregistrement = {
                "id": f"2024-{numero:07d}",
                "acheteur": {"id": alea.choice(acheteurs)},
                "nature": "Marché",
                "objet": f"Marché n° {numero} : travaux et prestations d'entretien des bâtiments communaux, lot {numero % 9 + 1}",
                "codeCPV": alea.choice(CPV),
                "procedure": alea.choice(PROCEDURES),
                "lieuExecution": {
                    # about one in five executed in Nantes: outside the Département unless its buyer is in it
                    "code": "44000" if alea.random() < 0.2 else alea.choice(communes_49)["codesPostaux"][0],
                    "typeCode": "Code postal",
                },
                "dureeMois": alea.randint(1, 48),
                "dateNotification": f"2024-{alea.randint(1, 12):02d}-{alea.randint(1, 28):02d}",
                "datePublicationDonnees": "2024-12-31",
                "montant": alea.randint(1_000, 5_000_000),
                "formePrix": "Forfaitaire",
                "titulaires": [
                    {"titulaire": {"typeIdentifiant": "SIRET", "id": alea.choice(titulaires)}}
                    for _ in range(1 if alea.random() < 0.8 else 3)
                ],
                "considerationsSociales": {"considerationSociale": considerations},
                "considerationsEnvironnementales": {
                    "considerationEnvironnementale": ["Pas de considération environnementale"]
                },
            }
            if numero % 50 == 0:
                enregistrement["titulaires"].append(
                    {"titulaire": {"typeIdentifiant": "TVA", "id": f"BE0{alea.randint(0, 10**9):09d}"}}
                )
            if numero % 10 == 0:
                enregistrement["modifications"] = [
                    {
                        "modification": {
                            "id": 1,
                            "dateNotificationModification": "2025-01-15",
                            "montant": enregistrement["montant"] + 1000,
                        }
                    }
                ]
            fichier.write(("" if numero == 0 else ",\n") + json.dumps(enregistrement, ensure_ascii=False))
        fichier.write('\n], "contrat-concession": [\n')
        for numero in range(nombre // 100):
            concession = {
                "id": f"C-{numero}",
                "autoriteConcedante": {"id": alea.choice(acheteurs)},
                "nature": "Délégation de service public",
                "objet": "Concession",
                "valeurGlobale": 1000,
            }
            fichier.write(("" if numero == 0 else ",\n") + json.dumps(concession, ensure_ascii=False))
        fichier.write("\n]}}\n")


# --- one measure, in a child process ---------------------------------------------------------------


def _memoire_kio(cle: str) -> int | None:
    """VmRSS / VmHWM of this process in KiB (Linux), or None."""
    try:
        for ligne in Path("/proc/self/status").read_text().splitlines():
            if ligne.startswith(cle + ":"):
                return int(ligne.split()[1])
    except OSError:
        return None
    return None


def _reinitialiser_pic() -> bool:
    """Resets VmHWM to the current RSS (Linux ≥ 4.0), so that the peak is the import's own."""
    try:
        Path("/proc/self/clear_refs").write_text("5")
        return True
    except OSError:
        return False


def mesurer(nombre: int, *, mode: str, taille_lot: int) -> dict:
    dossier = Path(tempfile.mkdtemp(prefix="bench-decp-"))
    base_fournie = bool(os.environ.get("DATABASE_URL"))
    os.environ.setdefault("DATABASE_URL", f"sqlite:///{dossier / 'bench.sqlite3'}")
    os.environ.setdefault("SECRET_KEY", "benchmark-only-not-a-secret")
    os.environ["DEBUG"] = "false"  # DEBUG would keep every query in memory
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    sys.path.insert(0, str(RACINE))

    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command
    from django.db import connection

    from marches.decp import importer_decp

    if base_fournie:
        nom_base = connection.creation.create_test_db(verbosity=0, autoclobber=True, serialize=False)
    else:
        call_command("migrate", verbosity=0)
    try:
        call_command("load_territoires", stdout=open(os.devnull, "w"))  # noqa: SIM115
        chemin = dossier / "decp.json"
        generer(chemin, nombre)
        resultat = {"marches": nombre, "taille_fichier": chemin.stat().st_size, "base": connection.vendor}

        if mode == "memoire":
            import tracemalloc

            tracemalloc.start()
            with chemin.open("rb") as fichier:
                importer_decp(fichier=fichier, departement=settings.DEPARTEMENT, taille_lot=taille_lot)
            resultat["pic_tracemalloc"] = tracemalloc.get_traced_memory()[1]
            tracemalloc.stop()
            return resultat

        resultat["rss_avant"] = _memoire_kio("VmRSS")
        pic_reinitialise = _reinitialiser_pic()
        for passage in ("premier", "second"):
            debut = time.perf_counter()
            with chemin.open("rb") as fichier:
                bilan = importer_decp(
                    fichier=fichier, departement=settings.DEPARTEMENT, taille_lot=taille_lot
                )
            duree = time.perf_counter() - debut
            resultat[f"{passage}_duree"] = duree
            resultat[f"{passage}_bilan"] = [
                bilan.crees,
                bilan.mis_a_jour,
                bilan.inchanges,
                bilan.nb_ignores,
                bilan.hors_departement,
            ]
            if passage == "premier":
                resultat["pic_rss"] = _memoire_kio("VmHWM") if pic_reinitialise else None
        resultat["ru_maxrss"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss  # KiB on Linux
        return resultat
    finally:
        if base_fournie:
            connection.creation.destroy_test_db(nom_base, verbosity=0)
        for fichier in dossier.iterdir():
            fichier.unlink()
        dossier.rmdir()


# --- the table ---------------------------------------------------------------------------------------


def _mio(kio_ou_octets, *, octets=False):
    if kio_ou_octets is None:
        return "—"
    return f"{kio_ou_octets / (1024 * 1024 if octets else 1024):.0f} Mio"


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tailles", type=int, nargs="+", default=TAILLES)
    parser.add_argument("--taille-lot", type=int, default=1000)
    parser.add_argument("--enfant", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--mode", choices=["temps", "memoire"], default="temps", help=argparse.SUPPRESS)
    options = parser.parse_args()

    if options.enfant:
        print(json.dumps(mesurer(options.enfant, mode=options.mode, taille_lot=options.taille_lot)))
        return

    lignes = []
    for nombre in options.tailles:
        mesures = {}
        for mode in ("temps", "memoire"):
            sortie = subprocess.run(
                [
                    sys.executable,
                    __file__,
                    "--enfant",
                    str(nombre),
                    "--mode",
                    mode,
                    "--taille-lot",
                    str(options.taille_lot),
                ],
                check=True,
                capture_output=True,
                text=True,
            ).stdout
            mesures |= json.loads(sortie.strip().splitlines()[-1])
        lignes.append(mesures)
        print(
            f"{nombre:>7} marchés : {mesures['premier_duree']:.1f} s ({nombre / mesures['premier_duree']:.0f} marchés/s), "
            f"second passage {mesures['second_duree']:.1f} s, bilans [créés, mis à jour, inchangés, ignorés, hors du département] {mesures['premier_bilan']} / {mesures['second_bilan']}",
            file=sys.stderr,
        )

    print(f"Import DECP — base {lignes[0]['base']}, lots de {options.taille_lot} marchés\n")
    entetes = [
        "marchés",
        "fichier",
        "1er import (créés)",
        "marchés/s",
        "2e import (inchangés)",
        "marchés/s",
        "pic tracemalloc",
        "RSS avant",
        "pic RSS pendant l'import",
    ]
    rangees = [
        [
            f"{m['marches']:,}".replace(",", " "),
            _mio(m["taille_fichier"], octets=True),
            f"{m['premier_duree']:.1f} s",
            f"{m['marches'] / m['premier_duree']:,.0f}".replace(",", " "),
            f"{m['second_duree']:.1f} s",
            f"{m['marches'] / m['second_duree']:,.0f}".replace(",", " "),
            _mio(m["pic_tracemalloc"], octets=True),
            _mio(m["rss_avant"]),
            _mio(m["pic_rss"]),
        ]
        for m in lignes
    ]
    largeurs = [max(len(ligne[i]) for ligne in [entetes, *rangees]) for i in range(len(entetes))]
    print(" | ".join(e.ljust(largeurs[i]) for i, e in enumerate(entetes)))
    print("-|-".join("-" * largeur for largeur in largeurs))
    for rangee in rangees:
        print(" | ".join(v.rjust(largeurs[i]) for i, v in enumerate(rangee)))


if __name__ == "__main__":
    main()

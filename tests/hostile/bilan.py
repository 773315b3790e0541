"""The figures of the hostile suite, printed at the end of the run (tests/hostile/conftest.py)."""

from collections import Counter

COMPTES = {"requetes": 0, "lignes_verifiees": 0, "lignes_invalides": 0}
ERREURS_SERVEUR: set[str] = (
    set()
)  # distinct failures: hypothesis replays a failing example while shrinking it
DUREES: list[float] = []


def requete():
    COMPTES["requetes"] += 1


def erreur_serveur(signature: str):
    ERREURS_SERVEUR.add(signature)


LIGNES_PAR_MODELE: Counter = Counter()


def lignes_verifiees(lignes: list):
    COMPTES["lignes_verifiees"] += len(lignes)
    LIGNES_PAR_MODELE.update(type(ligne).__name__ for ligne in lignes)


def lignes_invalides(nombre: int):
    COMPTES["lignes_invalides"] += nombre

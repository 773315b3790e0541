"""The hostile-input suite: its hypothesis budget, the cast's objects in the routes, and its final report.

Budget: the default profile keeps the suite to a few minutes on SQLite and PostgreSQL; `HYPOTHESIS_PROFILE=long`
multiplies the examples by ten for a run by hand.
"""

import os

import pytest
from hypothesis import HealthCheck, Phase, settings

from tests.hostile import bilan
from tests.test_acces import objets  # noqa: F401  (the access matrix's objects, one per model)

FACTEURS = {"hostile": 1, "long": 10}
PROFIL = os.environ.get("HYPOTHESIS_PROFILE", "hostile")
for _nom in FACTEURS:
    settings.register_profile(
        _nom,
        # An example is dozens of requests: shrinking a failure would take minutes. The labelled draws of the
        # failing example are printed as they were; the long run shrinks.
        phases=list(Phase) if _nom == "long" else [Phase.explicit, Phase.generate],
        deadline=None,
        derandomize=True,
        database=None,
        print_blob=False,
        # The cast is built once per test and shared by its examples, each example rolled back.
        suppress_health_check=[
            HealthCheck.function_scoped_fixture,
            HealthCheck.too_slow,
            HealthCheck.data_too_large,
        ],
    )
settings.load_profile(PROFIL if PROFIL in FACTEURS else "hostile")


def budget(exemples: int) -> settings:
    """`exemples` examples by default, ten times more with HYPOTHESIS_PROFILE=long."""
    return settings(max_examples=exemples * FACTEURS.get(PROFIL, 1))


def pytest_runtest_logreport(report):
    if "tests/hostile/" in report.nodeid:
        bilan.DUREES.append(report.duration)


def pytest_terminal_summary(terminalreporter):
    if not bilan.COMPTES["requetes"]:
        return
    comptes = bilan.COMPTES
    terminalreporter.write_line(
        f"Suite hostile : {comptes['requetes']} requêtes, {len(bilan.ERREURS_SERVEUR)} erreurs serveur, "
        f"{comptes['lignes_invalides']} lignes invalides ({comptes['lignes_verifiees']} lignes écrites "
        f"vérifiées) en {sum(bilan.DUREES):.0f} s"
    )
    if bilan.LIGNES_PAR_MODELE:
        detail = ", ".join(f"{nom} {nombre}" for nom, nombre in bilan.LIGNES_PAR_MODELE.most_common())
        terminalreporter.write_line(f"  lignes écrites vérifiées : {detail}")
    for signature in sorted(bilan.ERREURS_SERVEUR):
        terminalreporter.write_line(f"  erreur serveur : {signature[:300]}")


@pytest.fixture
def comptes_du_casting(request):
    """The signed-in user of each role of the access matrix (None: the anonymous visitor)."""
    from tests.test_acces import ROLES

    return {role: None if role == "anonyme" else request.getfixturevalue(role) for role in ROLES}

"""The README documents what the code reads: every environment variable of the settings."""

import re
from pathlib import Path

RACINE = Path(__file__).resolve().parent.parent
LECTURE_ENV = re.compile(r"""env\.\w+\(\s*["']([A-Z][A-Z0-9_]*)["']""")


def _variables_lues() -> set[str]:
    return set(LECTURE_ENV.findall((RACINE / "config" / "settings.py").read_text(encoding="utf-8")))


def test_les_reglages_lisent_des_variables():
    assert {"DATABASE_URL", "SECRET_KEY", "DEBUG"} <= _variables_lues()


def test_chaque_variable_d_environnement_est_dans_le_tableau_du_readme():
    readme = (RACINE / "README.md").read_text(encoding="utf-8")
    section = readme.split("## Configuration", 1)[1].split("\n## ", 1)[0]
    documentees = set(re.findall(r"^\| `([A-Z][A-Z0-9_]*)` \|", section, flags=re.M))
    manquantes = sorted(_variables_lues() - documentees)
    assert not manquantes, (
        f"Variables lues par config/settings.py absentes du README : {', '.join(manquantes)}"
    )
    inconnues = sorted(documentees - _variables_lues())
    assert not inconnues, f"Variables du README que les réglages ne lisent pas : {', '.join(inconnues)}"

"""The shape of the code, read with `ast`: imports point one way, modules stay small, class names are unique,
the web layer reads through selectors.

Dependencies: portail ← territoires ← comptes ← marches ← beneficiaires ← insertion ← notifications ← www; each
package imports only those on its left. `demo` (dev-only data) may import any domain app, never `www`; only `config` (its
urls.py mounts www) and the tests import `www` or `demo`; nobody imports `config` (manage.py, wsgi.py and
asgi.py name it in a string).
"""

import ast
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

import pytest

RACINE = Path(__file__).resolve().parent.parent
EXCLUS = {".venv", ".git", "migrations", "__pycache__", "node_modules", "static", "build", "dist"}

DOMAINE = ["portail", "territoires", "comptes", "marches", "beneficiaires", "insertion", "notifications"]
COUCHES = [*DOMAINE, "www"]
# What each first-party package may import besides itself. Anything missing from this table fails the test.
AUTORISES = {couche: set(COUCHES[:rang]) for rang, couche in enumerate(COUCHES)}
AUTORISES |= {
    "demo": set(DOMAINE),
    "config": set(COUCHES),
    "tests": {*COUCHES, "demo"},
    "benchmarks": {
        *DOMAINE,
        "tests",
    },  # scripts run by hand; they reuse the hostile files of tests/hostiles.py
    "manage": set(),
}


def _modules():
    for chemin in sorted(RACINE.rglob("*.py")):
        relatif = chemin.relative_to(RACINE)
        if any(partie in EXCLUS or partie.endswith(".egg-info") for partie in relatif.parts):
            continue
        yield relatif


MODULES = list(_modules())
PREMIERE_PARTIE = {module.parts[0].removesuffix(".py") for module in MODULES}


def _paquet(module: Path) -> str:
    return module.parts[0].removesuffix(".py")


def _arbre(module: Path) -> ast.Module:
    return ast.parse((RACINE / module).read_text(encoding="utf-8"), filename=str(module))


@dataclass(frozen=True)
class Fleche:
    module: Path
    ligne: int
    source: str
    cible: str

    def __str__(self):
        return f"{self.module}:{self.ligne} : {self.source} importe {self.cible}"


def fleches_d_import(module: Path):
    """The first-party packages a module imports, one arrow per statement and package (itself included:
    a relative import is an import of its own package)."""
    source = _paquet(module)
    for noeud in ast.walk(_arbre(module)):
        if isinstance(noeud, ast.Import):
            cibles = {alias.name.split(".")[0] for alias in noeud.names}
        elif isinstance(noeud, ast.ImportFrom):
            cibles = {source} if noeud.level else {(noeud.module or "").split(".")[0]}
        else:
            continue
        for cible in sorted(cibles & PREMIERE_PARTIE):
            yield Fleche(module, noeud.lineno, source, cible)


def _raison(fleche: Fleche) -> str | None:
    if fleche.cible == fleche.source:
        return None
    if fleche.source not in AUTORISES:
        return f"paquet {fleche.source} absent de AUTORISES dans tests/test_architecture.py : déclarer ce qu'il importe"
    if fleche.cible in AUTORISES[fleche.source]:
        return None
    if fleche.cible == "config":
        return "personne n'importe config (manage.py, wsgi.py et asgi.py le nomment dans une chaîne)"
    if fleche.cible in ("www", "demo"):
        return f"seuls config et les tests importent {fleche.cible}"
    if fleche.source == "portail":
        return "portail n'importe que Django et la bibliothèque standard, aucun paquet du projet"
    return f"{fleche.source} n'importe que {', '.join(sorted(AUTORISES[fleche.source])) or 'lui-même'}"


def test_les_imports_vont_dans_le_bon_sens(compter):
    fleches = [fleche for module in MODULES for fleche in fleches_d_import(module)]
    entre_paquets = [fleche for fleche in fleches if fleche.source != fleche.cible]
    erreurs = [f"{fleche} — {raison}" for fleche in fleches if (raison := _raison(fleche))]
    assert not erreurs, "Import à contresens :\n" + "\n".join(erreurs)
    # The walk found the code: every layer imports the one below it somewhere.
    couples = {(fleche.source, fleche.cible) for fleche in entre_paquets}
    assert {
        ("www", "insertion"),
        ("insertion", "marches"),
        ("marches", "territoires"),
        ("config", "www"),
    } <= couples
    assert len(entre_paquets) > 200
    compter("Architecture : {nombre} flèches d'import entre paquets vérifiées", len(entre_paquets))


def test_la_regle_voit_un_import_a_contresens(tmp_path, monkeypatch):
    # The check itself: a domain app importing the web layer, portail importing a domain app, the tests importing
    # config, a relative import (its own package) beside an import of a package on the right.
    code = {
        "insertion/x.py": "from www.saisie import views",
        "portail/x.py": "def f():\n    import territoires.models",
        "demo/x.py": "from www import urls",
        "tests/x.py": "import config.settings",
        "comptes/x.py": "from .enums import Role\nfrom marches.models import Marche",
    }
    monkeypatch.setattr("tests.test_architecture.RACINE", tmp_path)
    for nom, texte in code.items():
        (tmp_path / nom).parent.mkdir(exist_ok=True)
        (tmp_path / nom).write_text(texte, encoding="utf-8")
    raisons = {nom: [(f.ligne, _raison(f)) for f in fleches_d_import(Path(nom))] for nom in code}
    assert raisons["insertion/x.py"] == [(1, "seuls config et les tests importent www")]
    assert raisons["portail/x.py"] == [
        (2, "portail n'importe que Django et la bibliothèque standard, aucun paquet du projet")
    ]
    assert raisons["demo/x.py"] == [(1, "seuls config et les tests importent www")]
    assert raisons["tests/x.py"] == [
        (1, "personne n'importe config (manage.py, wsgi.py et asgi.py le nomment dans une chaîne)")
    ]
    assert raisons["comptes/x.py"] == [(1, None), (2, "comptes n'importe que portail, territoires")]


# --- size -----------------------------------------------------------------------------------------------------

MAX_LIGNES = 500
# Modules over the limit today, with the size they may not exceed until they are split into a package by
# phase (None: being reworked elsewhere, no ceiling until that lands). Remove a line once its module is back
# under the limit (the test says so).
DEROGATIONS: dict[str, int | None] = {}


def _lignes(module: Path) -> int:
    return len((RACINE / module).read_text(encoding="utf-8").splitlines())


def test_aucun_module_ne_depasse_500_lignes(capsys):
    tailles = {str(module): _lignes(module) for module in MODULES}
    with capsys.disabled():
        plus_gros = sorted(tailles.items(), key=lambda t: -t[1])[:5]
        print("\nModules les plus longs : " + ", ".join(f"{nom} ({n} lignes)" for nom, n in plus_gros))
    erreurs = []
    for nom, lignes in sorted(tailles.items()):
        plafond = DEROGATIONS.get(nom, MAX_LIGNES)
        if plafond is not None and lignes > plafond:
            erreurs.append(
                f"{nom} : {lignes} lignes, plus de {plafond} — en faire un paquet découpé par phase"
                if nom not in DEROGATIONS
                else f"{nom} : {lignes} lignes, il grossit encore (dérogation à {plafond}) — le découper"
            )
    for nom in DEROGATIONS:
        if nom not in tailles:
            erreurs.append(f"{nom} n'existe plus : retirer sa dérogation")
        elif tailles[nom] <= MAX_LIGNES:
            erreurs.append(f"{nom} : {tailles[nom]} lignes, sous la limite : retirer sa dérogation")
    assert not erreurs, "\n".join(erreurs)


# --- class names ----------------------------------------------------------------------------------------------

# Django finds a management command by its module, and requires the class to be called Command.
NOMS_IMPOSES = {"Command"}
# Duplicates today, to be renamed (none).
HOMONYMES_CONNUS: set[str] = set()


def _classes(module: Path):
    """Classes of a module, except those nested in another class (Meta, Params…)."""
    imbriquees = set()
    for noeud in ast.walk(_arbre(module)):
        if isinstance(noeud, ast.ClassDef):
            imbriquees |= {id(enfant) for enfant in ast.walk(noeud) if enfant is not noeud}
            if id(noeud) not in imbriquees:
                yield noeud


def test_deux_classes_du_projet_ne_portent_pas_le_meme_nom():
    classes = defaultdict(list)
    for module in MODULES:
        if _paquet(module) in ("tests", "benchmarks"):
            continue
        for classe in _classes(module):
            classes[classe.name].append(f"{module}:{classe.lineno}")
    homonymes = {nom: lieux for nom, lieux in classes.items() if len(lieux) > 1 and nom not in NOMS_IMPOSES}
    nouveaux = {nom: lieux for nom, lieux in homonymes.items() if nom not in HOMONYMES_CONNUS}
    assert not nouveaux, "Classes homonymes : " + "; ".join(
        f"{nom} ({', '.join(lieux)})" for nom, lieux in sorted(nouveaux.items())
    )
    assert set(homonymes) >= HOMONYMES_CONNUS, (
        f"Plus d'homonyme pour {HOMONYMES_CONNUS - set(homonymes)} : retirer de HOMONYMES_CONNUS"
    )
    assert len(classes) > 50


# --- the web layer reads through selectors --------------------------------------------------------------------


def appels_objects(module: Path):
    """`X.objects.<something>` in a module, except `X.objects.none()` (an empty starting queryset)."""
    for noeud in ast.walk(_arbre(module)):
        if (
            isinstance(noeud, ast.Attribute)
            and isinstance(noeud.value, ast.Attribute)
            and noeud.value.attr == "objects"
            and noeud.attr != "none"
        ):
            yield f"{module}:{noeud.lineno} : {ast.unparse(noeud)}"


def test_www_ne_lit_pas_la_base_sans_selecteur():
    modules_www = [module for module in MODULES if _paquet(module) == "www"]
    assert len(modules_www) > 20
    trouves = [appel for module in modules_www for appel in appels_objects(module)]
    assert not trouves, "Lectures hors des sélecteurs dans www/ :\n" + "\n".join(trouves)


@pytest.mark.parametrize(
    ("code", "attendus"),
    [
        ("Marche.objects.filter(pk=1)", 1),
        ("Marche.objects.for_user(user).count()", 1),
        ("Epci.objects.none()", 0),
        ('"""HeuresRealisees.objects.for_user"""', 0),  # a docstring is no call
    ],
)
def test_la_regle_des_selecteurs(tmp_path, monkeypatch, code, attendus):
    monkeypatch.setattr("tests.test_architecture.RACINE", tmp_path)
    (tmp_path / "vue.py").write_text(code, encoding="utf-8")
    assert len(list(appels_objects(Path("vue.py")))) == attendus

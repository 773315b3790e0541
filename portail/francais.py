"""French phrases built from figures and words: « 0 bénéficiaire », « 2 lignes », « d'octobre », « de l'EPCI »."""

from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from portail.formats import nombre
from portail.recherche import plier

# Words beginning with an aspirated h: no elision before them (« de hauteur », « le hameau »).
H_ASPIRES = frozenset(
    {
        "hache",
        "haie",
        "haine",
        "hall",
        "halte",
        "hamac",
        "hameau",
        "hanche",
        "hangar",
        "harcelement",
        "haricot",
        "hasard",
        "hate",
        "heros",
        "hibou",
        "hollande",
        "homard",
        "honte",
        "hors",
        "housse",
        "hublot",
        "huit",
        "hurlement",
    }
)
# Families of such words: « haut », « hauteur », « hausse », « handicap », « huitième »…
_PREFIXES_H_ASPIRES = ("haut", "hauss", "handi", "hierarch", "huit", "hongr")
_VOYELLES = frozenset("aeiou")


def est_au_singulier(valeur) -> bool:
    """French agreement: 0 and 1 (and 1,5) take the singular, 2 and more the plural."""
    try:
        return abs(valeur) < 2
    except TypeError:
        return False


def accord(valeur, singulier: str, pluriel: str | None = None) -> str:
    """The word agreed with `valeur`, without the figure: « correspond » / « correspondent »."""
    if est_au_singulier(valeur):
        return singulier
    return pluriel if pluriel is not None else f"{singulier}s"


def pluriel(valeur, singulier: str, pluriel: str | None = None, *, decimales: int = 0) -> str:
    """The figure in French format and the words agreed with it as shown: « 0 bénéficiaire »,
    « 12 345 bénéficiaires », « 1,5 heure »."""
    texte = nombre(valeur, decimales)
    try:
        montre = Decimal(str(valeur)).quantize(Decimal(1).scaleb(-decimales), rounding=ROUND_HALF_UP)
    except (InvalidOperation, TypeError, ValueError):
        montre = valeur
    return f"{texte} {accord(montre, singulier, pluriel)}"


def _texte(mot) -> str:
    """A word, or an object shown by its name (a person, an EPCI); nothing for None."""
    return "" if mot is None else str(mot)


def commence_par_voyelle(mot: str) -> bool:
    """True when the article before `mot` is elided: a vowel or a mute h (« octobre », « heures », « EPCI »)."""
    texte = plier(_texte(mot).strip())
    if not texte:
        return False
    premier = texte[0]
    if premier in _VOYELLES:
        return True
    if premier == "y":
        # « d'Yzernay » but « de yaourt »
        return len(texte) > 1 and texte[1] not in _VOYELLES
    if premier == "h":
        premier_mot = texte.split()[0].strip(".,;:!?«»\"'")
        return premier_mot not in H_ASPIRES and not premier_mot.startswith(_PREFIXES_H_ASPIRES)
    return False


def de(mot: str) -> str:
    """« d'octobre 2026 », « d'heures », « de mars », « de hauteur »."""
    mot = _texte(mot)
    return f"d'{mot}" if commence_par_voyelle(mot) else f"de {mot}"


def le(mot: str, *, feminin: bool = False) -> str:
    """« l'EPCI », « le marché », « la commune »."""
    mot = _texte(mot)
    if commence_par_voyelle(mot):
        return f"l'{mot}"
    return f"{'la' if feminin else 'le'} {mot}"


def du(mot: str, *, feminin: bool = False) -> str:
    """« de l'EPCI », « du marché », « de la commune »."""
    mot = _texte(mot)
    if commence_par_voyelle(mot):
        return f"de l'{mot}"
    return f"{'de la' if feminin else 'du'} {mot}"

"""Near-duplicate people: same birth date and a close name, checked before a new person is created.

Names are compared in a compact form (accents, case, hyphens, apostrophes and spaces removed). Two identities
are close when both names are alike, or alike but for one letter in all (one insertion, deletion, substitution
or transposition of two neighbours, on the name or the first name), or when name and first name are swapped.
The birth date is compared by the caller, in the database: a different birth date is never close.
"""

from beneficiaires.identite import normaliser_nom

# Ligatures that Unicode does not decompose.
LIGATURES = str.maketrans({"œ": "oe", "æ": "ae", "ß": "ss"})


def forme_compacte(valeur: str) -> str:
    """`valeur` without accents, case, punctuation or spaces: "Jean-Pierre" → "jeanpierre", "Œ" → "oe"."""
    return normaliser_nom(valeur).translate(LIGATURES).replace(" ", "")


def ecart(a: str, b: str) -> int:
    """0 for equal strings, 1 when one edit apart (insertion, deletion, substitution, transposition), else 2."""
    if a == b:
        return 0
    if abs(len(a) - len(b)) > 1:
        return 2
    debut = 0
    while debut < min(len(a), len(b)) and a[debut] == b[debut]:
        debut += 1
    fin_a, fin_b = len(a), len(b)
    while fin_a > debut and fin_b > debut and a[fin_a - 1] == b[fin_b - 1]:
        fin_a, fin_b = fin_a - 1, fin_b - 1
    reste_a, reste_b = a[debut:fin_a], b[debut:fin_b]
    if len(reste_a) <= 1 and len(reste_b) <= 1:
        return 1  # one letter added, removed or replaced
    if len(reste_a) == len(reste_b) == 2 and reste_a == reste_b[::-1]:
        return 1  # two neighbours swapped
    return 2


def identites_proches(*, nom: str, prenom: str, autre_nom: str, autre_prenom: str) -> bool:
    """Whether two identities (of people born the same day) may be the same person."""
    nom, prenom = forme_compacte(nom), forme_compacte(prenom)
    autre_nom, autre_prenom = forme_compacte(autre_nom), forme_compacte(autre_prenom)
    if not (nom and prenom and autre_nom and autre_prenom):
        return False
    if ecart(nom, autre_nom) + ecart(prenom, autre_prenom) <= 1:
        return True
    return nom == autre_prenom and prenom == autre_nom

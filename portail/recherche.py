"""Accent- and case-insensitive search in the database, alike on SQLite and PostgreSQL.

SQLite has neither `unaccent` nor `translate`, and its `lower()` folds ASCII letters only: there the column is
folded by `plier` itself, registered as an SQL function on each connection (see apps.py). PostgreSQL folds with
`translate()` and `replace()` to the same result; the words typed are folded in Python by `plier`.
"""

from django.db.models import CharField, Func, Value
from django.db.models.functions import Lower, Replace

FONCTION_SQLITE = "portail_plier"

# Accented letters (lower and upper case) and typographic apostrophes, as they are folded.
_PLIS = {
    **dict.fromkeys("àâäá", "a"),
    **dict.fromkeys("éèêë", "e"),
    **dict.fromkeys("îïí", "i"),
    **dict.fromkeys("ôöó", "o"),
    **dict.fromkeys("ùûüú", "u"),
    "ç": "c",
    "ÿ": "y",
    "ñ": "n",
    "œ": "oe",
    "æ": "ae",
}
PLIS = {**_PLIS, **{lettre.upper(): pli for lettre, pli in _PLIS.items()}, "’": "'", "ʼ": "'"}
_UNE_LETTRE = {lettre: pli for lettre, pli in PLIS.items() if len(pli) == 1}
_DEUX_LETTRES = {lettre: pli for lettre, pli in PLIS.items() if len(pli) > 1}


def plier(texte: str | None) -> str | None:
    """`texte` with its accents off, in lower case (None stays None, as NULL in SQL)."""
    if texte is None:
        return None
    return "".join(PLIS.get(lettre, lettre) for lettre in texte).lower()


def mots(texte: str) -> list[str]:
    """The folded words of a search, each to be found (duplicates dropped)."""
    return list(dict.fromkeys(plier(texte or "").split()))


class Plier(Func):
    """A text expression folded as `plier` folds text."""

    function = FONCTION_SQLITE
    arity = 1
    output_field = CharField()

    def as_postgresql(self, compiler, connection, **extra_context):
        (source,) = self.get_source_expressions()
        expression = Func(
            source,
            Value("".join(_UNE_LETTRE)),
            Value("".join(_UNE_LETTRE.values())),
            function="TRANSLATE",
            output_field=CharField(),
        )
        for lettre, pli in _DEUX_LETTRES.items():
            expression = Replace(expression, Value(lettre), Value(pli))
        return compiler.compile(Lower(expression))


def enregistrer_sur_sqlite(sender, connection, **kwargs):
    """connection_created receiver: gives SQLite the folding function."""
    if connection.vendor == "sqlite":
        connection.connection.create_function(FONCTION_SQLITE, 1, plier, deterministic=True)

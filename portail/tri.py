"""French alphabetical order in the database, alike on SQLite and PostgreSQL: « Écouflant » sorts with the E,
case aside, « Élodie » next to « Elodie ».

PostgreSQL compares with its ICU collation `fr-x-icu` (created with every database by initdb). SQLite is given a
collation of its own on each connection (see apps.py) that compares the folded texts of `recherche.plier`, then
the texts themselves to break ties.
"""

from django.db.models import F, Func
from django.db.models.expressions import OrderBy

from portail.recherche import plier

COLLATION_SQLITE = "portail_fr"
COLLATION_POSTGRESQL = "fr-x-icu"


def cle_francaise(texte: str | None) -> tuple[str, str]:
    """The sort key of a text in Python, for lists sorted outside the database (`sorted(…, key=cle_francaise)`)."""
    texte = texte or ""
    return plier(texte), texte


def comparer(premier: str, second: str) -> int:
    """SQLite collation: negative, zero or positive as `premier` sorts before, with or after `second`."""
    a, b = cle_francaise(premier), cle_francaise(second)
    return (a > b) - (a < b)


class EnFrancais(Func):
    """A text expression compared in French order (elsewhere than SQLite and PostgreSQL: unchanged)."""

    template = "%(expressions)s"
    arity = 1

    def as_sqlite(self, compiler, connection, **extra_context):
        return self.as_sql(
            compiler, connection, template=f"%(expressions)s COLLATE {COLLATION_SQLITE}", **extra_context
        )

    def as_postgresql(self, compiler, connection, **extra_context):
        collation = connection.ops.quote_name(COLLATION_POSTGRESQL)
        return self.as_sql(
            compiler, connection, template=f"%(expressions)s COLLATE {collation}", **extra_context
        )


def ordre_francais(champ: str) -> OrderBy:
    """`order_by()` expression of a text field in French order; "-nom" sorts backwards."""
    descendant = champ.startswith("-")
    expression = EnFrancais(F(champ.removeprefix("-")))
    return expression.desc() if descendant else expression.asc()


def enregistrer_sur_sqlite(sender, connection, **kwargs):
    """connection_created receiver: gives SQLite the French collation."""
    if connection.vendor == "sqlite":
        connection.connection.create_collation(COLLATION_SQLITE, comparer)

"""Query parameters checked before use: a wrong value is a French 400, never a 500."""

from django.core.exceptions import BadRequest
from django_tables2 import RequestConfig

PAR_PAGE_MAX = 200
PAGE_MAX = 1_000_000


class ParametreInvalide(BadRequest):
    """A query parameter the portal refuses; its French message is shown on the 400 page."""


def entier_borne(brut: str, *, nom: str, minimum: int, maximum: int, aide: str) -> int:
    """`brut` as an int within [minimum, maximum], or ParametreInvalide naming the parameter."""
    # Checked on the text first: int() refuses strings of more than 4 300 digits (a ValueError, a 500).
    if (
        not (brut.isascii() and brut.isdigit() and len(brut) <= len(str(maximum)))
        or not minimum <= int(brut) <= maximum
    ):
        raise ParametreInvalide(f"Paramètre « {nom} » invalide : {aide}")
    return int(brut)


class PaginationTable(RequestConfig):
    """django-tables2's RequestConfig, with `per_page` and `page` checked first (1 to 200 rows a page)."""

    def configure(self, table):
        if self.paginate:
            if (brut := self.request.GET.get(table.prefixed_per_page_field)) is not None:
                entier_borne(
                    brut,
                    nom=table.prefixed_per_page_field,
                    minimum=1,
                    maximum=PAR_PAGE_MAX,
                    aide=f"indiquez un nombre de lignes par page entre 1 et {PAR_PAGE_MAX}.",
                )
            if (brut := self.request.GET.get(table.prefixed_page_field)) is not None:
                entier_borne(
                    brut,
                    nom=table.prefixed_page_field,
                    minimum=1,
                    maximum=PAGE_MAX,
                    aide="indiquez un numéro de page : 1, 2, 3…",
                )
        return super().configure(table)


class RefusOctetNulMiddleware:
    """A NUL byte in a query or form parameter is refused with a 400 (databases reject it in text)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        parametres = [request.GET, request.POST] if request.method == "POST" else [request.GET]
        for donnees in parametres:
            for cle, valeurs in donnees.lists():
                if "\x00" in cle or any("\x00" in valeur for valeur in valeurs):
                    raise ParametreInvalide(
                        "Un paramètre de la requête contient un caractère nul : il est refusé."
                    )
        return self.get_response(request)

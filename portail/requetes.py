"""Query parameters checked before use: a wrong value is a French 400, never a 500."""

import contextlib
import re

from django.conf import settings
from django.core.exceptions import BadRequest
from django.shortcuts import render
from django.urls import Resolver404, resolve
from django_tables2 import RequestConfig

from portail.formats import nombre

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


NOM_DE_COLONNE = re.compile(r"-?[A-Za-z_][A-Za-z0-9_]{0,99}")


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
        # django-tables2 reads "a.b" as an attribute path (and warns): only names of columns are taken; an
        # unknown name is ignored by the table.
        brut = self.request.GET.get(table.prefixed_order_by_field) or ""
        if brut and not all(NOM_DE_COLONNE.fullmatch(nom.strip()) for nom in brut.split(",")):
            raise ParametreInvalide(
                f"Paramètre « {table.prefixed_order_by_field} » invalide : choisissez une colonne du tableau."
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


class RequeteTropGrosse(ParametreInvalide):
    """A request body above the cap of its page, refused before a byte of it is read."""


def taille_max_requete(octets: int):
    """Raises the body cap of one view (an upload page) above DATA_UPLOAD_MAX_MEMORY_SIZE."""

    def decorateur(vue):
        vue.taille_max_requete = octets
        return vue

    return decorateur


class TailleRequeteMiddleware:
    """Refuses with a French 400 a body bigger than its view allows (by default DATA_UPLOAD_MAX_MEMORY_SIZE).

    Django caps only the non-file fields of a form; an upload would otherwise be read to the end, to memory or
    to a temporary file, whatever its size. Checked on Content-Length, before any middleware reads the body.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        try:
            taille = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            taille = 0
        plafond = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
        if taille > plafond:
            with contextlib.suppress(Resolver404):
                plafond = getattr(resolve(request.path_info).func, "taille_max_requete", plafond)
        if taille > plafond:
            raise RequeteTropGrosse(
                f"La demande envoyée pèse {nombre(taille / 1024 / 1024, 1)} Mo : cette page en accepte au plus "
                f"{nombre(plafond / 1024 / 1024, 1)} Mo. Déposez un fichier plus petit, par exemple en le découpant."
            )
        return self.get_response(request)


class MethodeRefuseeMiddleware:
    """A view that refuses the HTTP method (a GET on a POST-only action) answers an empty 405: the portal's
    French page is shown in its place, with the `Allow` header kept."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        reponse = self.get_response(request)
        if reponse.status_code == 405 and not reponse.content:
            page = render(request, "405.html", status=405)
            page["Allow"] = reponse.get("Allow", "")
            return page
        return reponse

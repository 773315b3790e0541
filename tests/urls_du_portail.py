"""Every URL pattern of the portal, found by walking the resolver, and how to turn one into a concrete URL.

Shared by the anonymous-visitor test (any value will do: the visitor is stopped before the view runs) and the
access matrix (real objects of the cast in the route parameters).
"""

import re
import uuid
from collections.abc import Callable
from dataclasses import dataclass

from django.urls import URLPattern, URLResolver, converters, get_resolver
from django.urls.resolvers import RegexPattern, RoutePattern

PARAMETRE = re.compile(r"<(?:(?P<convertisseur>[^>:]+):)?(?P<nom>[^>]+)>")

# A value per converter type, for tests that need no real object.
VALEURS_CONVERTISSEURS = {
    converters.IntConverter: "1",
    converters.StringConverter: "1",
    converters.PathConverter: "1",
    converters.SlugConverter: "x",
    converters.UUIDConverter: str(uuid.UUID(int=1)),
}

# valeur(motif, parametre, defaut) -> the text put in the URL. `parametre` is the name of a route parameter or a
# named regex group, or the position (0, 1…) of an unnamed regex group within its piece of the pattern.
Valeur = Callable[["Motif", str | int, str], str]


def _fin_du_groupe(regex: str, debut: int) -> int:
    profondeur, position = 0, debut
    while position < len(regex):
        if regex[position] == "\\":
            position += 2
            continue
        if regex[position] == "(":
            profondeur += 1
        elif regex[position] == ")":
            profondeur -= 1
            if profondeur == 0:
                return position
        position += 1
    raise AssertionError(f"Groupe non fermé dans {regex!r}")


@dataclass(frozen=True)
class Motif:
    """One URL pattern: its full route (the key of the declared tables), its name and its pieces."""

    route: str
    nom: str
    motif: URLPattern
    morceaux: tuple

    @property
    def admin(self) -> bool:
        return self.route.startswith("admin/")

    def url(self, valeur: Valeur | None = None) -> str:
        valeur = valeur or valeur_quelconque
        return "/" + "".join(self._morceau(morceau, valeur) for morceau in self.morceaux)

    def _morceau(self, morceau, valeur: Valeur) -> str:
        if isinstance(morceau, RoutePattern):

            def remplacer(correspondance):
                convertisseur = morceau.converters[correspondance["nom"]]
                defaut = VALEURS_CONVERTISSEURS.get(type(convertisseur))
                if defaut is None:
                    raise AssertionError(
                        f"Ajouter une valeur d'exemple pour le convertisseur {type(convertisseur)}."
                    )
                return str(valeur(self, correspondance["nom"], defaut))

            return PARAMETRE.sub(remplacer, str(morceau))
        if isinstance(morceau, RegexPattern):
            return self._regex(str(morceau), valeur)
        raise AssertionError(f"Motif d'URL inconnu : {morceau!r}")

    def _regex(self, regex: str, valeur: Valeur) -> str:
        """An example string for the regexes in use: the admin's `^(?P<app_label>auth|comptes…)/$` and
        `(?P<url>.*)$`, simple_history's `^([^/]+)/history/([^/]+)/$`. Checked by resolving it back."""
        resultat, position, anonymes = "", 0, 0
        while position < len(regex):
            caractere = regex[position]
            if caractere == "\\":
                if regex[position + 1] not in "AZ":
                    resultat += regex[position + 1]
                position += 2
            elif caractere == "(":
                fin = _fin_du_groupe(regex, position)
                interieur = regex[position + 1 : fin]
                nomme = re.match(r"^\?P<(?P<nom>[^>]+)>", interieur)
                corps = re.sub(r"^\?(P<[^>]+>|:)", "", interieur)
                premiere = corps.split("|")[0]
                defaut = premiere if re.fullmatch(r"[\w-]+", premiere) else "1"
                if nomme:
                    parametre = nomme["nom"]
                else:
                    parametre, anonymes = anonymes, anonymes + 1
                resultat += str(valeur(self, parametre, defaut))
                position = fin + 1
            else:
                if caractere not in "^$":
                    resultat += caractere
                position += 1
        return resultat


def valeur_quelconque(motif: Motif, parametre: str | int, defaut: str) -> str:
    return defaut


def _parcourir(motifs, prefixe=(), espaces=()):
    for motif in motifs:
        if isinstance(motif, URLResolver):
            espace = (motif.namespace,) if motif.namespace else ()
            yield from _parcourir(motif.url_patterns, (*prefixe, motif.pattern), espaces + espace)
        else:
            assert isinstance(motif, URLPattern)
            morceaux = (*prefixe, motif.pattern)
            yield Motif(
                route="".join(str(m) for m in morceaux),
                nom=":".join((*espaces, motif.name or "")),
                motif=motif,
                morceaux=morceaux,
            )


def motifs_du_portail() -> list[Motif]:
    return list(_parcourir(get_resolver().url_patterns))

"""Geometry of the dashboard's charts, drawn as inline SVG by templates (no JavaScript, prints as is).

Every figure is computed here in plain Python; the templates only place the shapes. Each chart has a
title and a description for screen readers, and the page puts its data table beside it.
A masked figure (statistical secret) is never drawn: a bar's length or a point's height would tell it.
"""

import math
from dataclasses import dataclass, field
from decimal import Decimal

from portail import formats
from portail.formats import Masque

LARGEUR = 640
GAUCHE_BARRES = 4.0
MOIS_COURTS = [
    "janv.",
    "févr.",
    "mars",
    "avr.",
    "mai",
    "juin",
    "juil.",
    "août",
    "sept.",
    "oct.",
    "nov.",
    "déc.",
]


def pas_lisible(maximum: float, graduations: int = 5) -> float:
    """A round step (1, 2, 2.5 or 5 × 10^n) so that about `graduations` steps cover `maximum`."""
    if maximum <= 0:
        return 1
    brut = maximum / graduations
    puissance = 10 ** math.floor(math.log10(brut))
    for facteur in (1, 2, 2.5, 5, 10):
        if brut <= facteur * puissance:
            return facteur * puissance
    return 10 * puissance  # pragma: no cover - the loop always returns


@dataclass(frozen=True)
class Graduation:
    position: float
    libelle: str


@dataclass(frozen=True)
class Point:
    x: float
    y: float
    libelle: str


@dataclass
class Courbe:
    """Cumulative hours month by month, with the year's target as a horizontal line."""

    largeur: int
    hauteur: int
    gauche: float
    droite: float
    haut: float
    bas: float
    points: list[Point]
    graduations_y: list[Graduation]
    etiquettes_x: list[Graduation]
    objectif_y: float | None
    objectif_libelle: str
    description: str
    masquee: bool = False  # statistical secret: the line is not drawn

    @property
    def trace(self) -> str:
        return " ".join(f"{p.x:.1f},{p.y:.1f}" for p in self.points)

    @property
    def x_graduations(self) -> float:
        return self.gauche - 6

    @property
    def x_libelle_objectif(self) -> float:
        # At the left, where the cumulative line is still low.
        return self.gauche + 8

    @property
    def y_mois(self) -> float:
        return self.bas + 22


def courbe_cumulee(*, cumuls: list, objectif, nb_mois: int = 12, hauteur: int = 320) -> Courbe:
    """`cumuls`: the twelve cumulative values; only the first `nb_mois` are drawn (months not yet over)."""
    gauche, droite, haut, bas = 78.0, LARGEUR - 16.0, 24.0, hauteur - 36.0
    masquee = any(isinstance(v, Masque) for v in cumuls[:nb_mois])
    if masquee:
        nb_mois = 0
    valeurs = [float(v) for v in cumuls[:nb_mois]]
    maximum = max([*valeurs, float(objectif or 0), 0.0]) * 1.05  # room above the highest line
    pas = pas_lisible(maximum)
    sommet = math.ceil(maximum / pas) * pas if maximum else pas * 4

    def y(valeur):
        return bas - (bas - haut) * float(valeur) / sommet

    def x(indice):
        return gauche + (droite - gauche) * indice / 11

    points = [
        Point(
            round(x(i), 1), round(y(v), 1), f"{MOIS_COURTS[i]} : {formats.heures(Decimal(str(v)))} cumulées"
        )
        for i, v in enumerate(valeurs)
    ]
    graduations = [
        Graduation(round(y(pas * n), 1), formats.heures(Decimal(str(pas * n))))
        for n in range(int(sommet // pas) + 1)
    ]
    etiquettes = [Graduation(round(x(i), 1), libelle) for i, libelle in enumerate(MOIS_COURTS)]
    dernier = formats.heures(cumuls[nb_mois - 1]) if nb_mois else formats.heures(0)
    if masquee:
        description = "Heures validées cumulées masquées (secret statistique)."
    elif objectif:
        description = (
            f"Heures validées cumulées : {dernier} ; objectif de l'année : {formats.heures(objectif)}."
        )
    else:
        description = f"Heures validées cumulées : {dernier} ; aucun objectif fixé pour l'année."
    return Courbe(
        largeur=LARGEUR,
        hauteur=hauteur,
        gauche=gauche,
        droite=droite,
        haut=haut,
        bas=bas,
        points=points,
        graduations_y=graduations,
        etiquettes_x=etiquettes,
        objectif_y=round(y(objectif), 1) if objectif else None,
        objectif_libelle=f"Objectif : {formats.heures(objectif)}" if objectif else "",
        description=description,
        masquee=masquee,
    )


@dataclass(frozen=True)
class Barre:
    y: float
    largeur: float
    libelle: str
    valeur: str

    @property
    def y_libelle(self) -> float:
        return self.y + 15

    @property
    def y_barre(self) -> float:
        return self.y + 21

    @property
    def y_valeur(self) -> float:
        return self.y + 34

    @property
    def x_valeur(self) -> float:
        return round(GAUCHE_BARRES + self.largeur + 6, 1)


@dataclass
class Barres:
    """Horizontal bars, the label above each bar so that long labels are never cut."""

    largeur: int
    hauteur: int
    gauche: float
    barres: list[Barre] = field(default_factory=list)
    description: str = ""

    HAUTEUR_LIGNE = 46


def barres(*, elements: list[tuple[str, Decimal]], titre: str) -> Barres | None:
    """`elements`: (label, hours); None when there is nothing to draw. Masked hours are left out (no bar
    at all when every one is masked)."""
    masques = [libelle for libelle, valeur in elements if isinstance(valeur, Masque)]
    elements = [
        (libelle, valeur) for libelle, valeur in elements if valeur and not isinstance(valeur, Masque)
    ]
    if not elements and masques:
        return Barres(largeur=LARGEUR, hauteur=0, gauche=GAUCHE_BARRES, description=f"{titre} : masquées.")
    if not elements:
        return None
    gauche, place_valeur = GAUCHE_BARRES, 104.0
    maximum = max(float(valeur) for _, valeur in elements)
    utile = LARGEUR - gauche - place_valeur
    liste = [
        Barre(
            y=i * Barres.HAUTEUR_LIGNE,
            largeur=round(max(1.0, utile * float(valeur) / maximum), 1),
            libelle=libelle,
            valeur=formats.heures(valeur),
        )
        for i, (libelle, valeur) in enumerate(elements)
    ]
    description = f"{titre} : " + " ; ".join(f"{b.libelle} {b.valeur}" for b in liste)
    if masques:
        description += " ; non représentés (secret statistique) : " + ", ".join(masques)
    description += "."
    return Barres(
        largeur=LARGEUR,
        hauteur=len(liste) * Barres.HAUTEUR_LIGNE + 4,
        gauche=gauche,
        barres=liste,
        description=description,
    )

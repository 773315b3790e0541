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


@dataclass(frozen=True)
class Bande:
    """The projection at 31 December: a fan from the last month drawn to the low and high ends in December,
    the central value as a dashed line."""

    depart: Point
    basse_y: float
    centrale_y: float
    haute_y: float
    x: float

    @property
    def polygone(self) -> str:
        return f"{self.depart.x:.1f},{self.depart.y:.1f} {self.x:.1f},{self.haute_y:.1f} {self.x:.1f},{self.basse_y:.1f}"


@dataclass
class Courbe:
    """Cumulative hours month by month, with the year's target as a horizontal line; optionally the hours
    awaiting validation on top, last year's curve and the projection band."""

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
    points_declarees: list[Point] = field(default_factory=list)
    points_n1: list[Point] = field(default_factory=list)
    bande: Bande | None = None

    @staticmethod
    def _trace(points) -> str:
        return " ".join(f"{p.x:.1f},{p.y:.1f}" for p in points)

    @property
    def trace(self) -> str:
        return self._trace(self.points)

    @property
    def trace_declarees(self) -> str:
        return self._trace(self.points_declarees)

    @property
    def trace_n1(self) -> str:
        return self._trace(self.points_n1)

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


def _montrable(valeurs) -> bool:
    return bool(valeurs) and not any(v is None or isinstance(v, Masque) for v in valeurs)


def courbe_cumulee(
    *,
    cumuls: list,
    objectif,
    nb_mois: int = 12,
    hauteur: int = 320,
    cumuls_avec_declarees: list | None = None,
    cumuls_n1: list | None = None,
    projection=None,
) -> Courbe:
    """`cumuls`: the twelve cumulative values; only the first `nb_mois` are drawn (months begun).

    `cumuls_avec_declarees`: validated plus awaiting validation, drawn over the same months; `cumuls_n1`:
    last year's twelve months; `projection`: its `basse`, `centrale`, `haute` at 31 December, drawn from the
    last month drawn. A masked series is not drawn."""
    gauche, droite, haut, bas = 78.0, LARGEUR - 16.0, 24.0, hauteur - 36.0
    masquee = any(isinstance(v, Masque) for v in cumuls[:nb_mois])
    if masquee:
        nb_mois = 0
    valeurs = [float(v) for v in cumuls[:nb_mois]]
    declarees = cumuls_avec_declarees[:nb_mois] if cumuls_avec_declarees else []
    declarees = [float(v) for v in declarees] if _montrable(declarees) else []
    n1 = [float(v) for v in cumuls_n1] if cumuls_n1 and _montrable(cumuls_n1) else []
    bornes = []
    if projection is not None and not isinstance(projection, Masque) and valeurs:
        bornes = [float(projection.basse), float(projection.centrale), float(projection.haute)]
    # room above the highest line
    maximum = max([*valeurs, *declarees, *n1, *bornes, float(objectif or 0), 0.0]) * 1.05
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
    points_declarees = [
        Point(
            round(x(i), 1),
            round(y(v), 1),
            f"{MOIS_COURTS[i]} : {formats.heures(Decimal(str(v)))} validées ou en attente de validation",
        )
        for i, v in enumerate(declarees)
    ]
    points_n1 = [
        Point(round(x(i), 1), round(y(v), 1), f"{MOIS_COURTS[i]} de l'année précédente")
        for i, v in enumerate(n1)
    ]
    bande = None
    if bornes:
        basse, centrale, haute = (round(y(v), 1) for v in bornes)
        bande = Bande(depart=points[-1], basse_y=basse, centrale_y=centrale, haute_y=haute, x=round(x(11), 1))
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
    if bande is not None:
        description += (
            f" Projection au 31 décembre : de {formats.heures(projection.basse)} à "
            f"{formats.heures(projection.haute)}, {formats.heures(projection.centrale)} au centre."
        )
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
        points_declarees=points_declarees,
        points_n1=points_n1,
        bande=bande,
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

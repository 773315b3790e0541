"""Figures of the dashboard, its JSON and the yearly bilan.

By phase: `requetes` (aggregate queries over a scope), `chiffres` (the typed figures assembled once for all
three outputs), `graphiques` (the geometry of the SVG charts).
"""

from insertion.indicateurs.chiffres import (
    Chiffres,
    LigneAcheteur,
    LigneEpci,
    LigneMarche,
    LigneModalite,
    LigneMois,
    LignePublic,
    LigneRepartition,
    Synthese,
    calculer_chiffres,
    nb_mois_ecoules,
)
from insertion.indicateurs.requetes import Perimetre, annees_disponibles, perimetre_pour

__all__ = [
    "Chiffres",
    "LigneAcheteur",
    "LigneEpci",
    "LigneMarche",
    "LigneModalite",
    "LigneMois",
    "LignePublic",
    "LigneRepartition",
    "Perimetre",
    "Synthese",
    "annees_disponibles",
    "calculer_chiffres",
    "nb_mois_ecoules",
    "perimetre_pour",
]

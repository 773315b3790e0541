"""Figures of the dashboard, its JSON and the yearly bilan.

By phase: `requetes` (aggregate queries over a scope), `chiffres` (the figures assembled once for all three
outputs), `graphiques` (the geometry of the SVG charts).
"""

from insertion.indicateurs.requetes import Perimetre, perimetre_pour

__all__ = ["Perimetre", "perimetre_pour"]

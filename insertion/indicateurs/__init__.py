"""Figures of the dashboard, its JSON and the yearly bilan.

By phase: `requetes` (aggregate queries over a scope), `chiffres` (the typed figures assembled once for all
three outputs); the SVG charts are drawn by `www.tableau_de_bord.graphiques`.
"""

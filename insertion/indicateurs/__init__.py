"""Figures of the dashboard, its JSON and the yearly bilan.

By phase: `requetes` (aggregate queries over a scope), `chiffres` (the typed figures assembled once for all
three outputs), `secret` (the statistical secret applied to them for readers, pure Python); the SVG charts
are drawn by `www.tableau_de_bord.graphiques`.
"""

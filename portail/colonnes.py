"""Table columns shared by every list: French formats on screen, the values themselves in exports.

A withheld figure (`formats.Masque`) shows its label on screen and in exports alike."""

from decimal import Decimal

import django_tables2 as tables

from portail import formats
from portail.formats import Masque

TEMPLATE_TABLEAU = "tableau.html"
A_DROITE = {"th": {"class": "text-end"}, "td": {"class": "text-end text-nowrap"}}


class HeuresColumn(tables.Column):
    """Hours: `1 234,5 h` on screen, the number itself in exports."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("attrs", A_DROITE)
        super().__init__(*args, **kwargs)

    def render(self, value):
        return formats.heures(value)

    def value(self, value):
        if isinstance(value, Masque):  # exports show the label, as the screen does
            return str(value)
        return Decimal(value).quantize(Decimal("0.01"))


class PourcentageColumn(tables.Column):
    """`21,0 %` on screen; the number in exports, with "(%)" added to the header."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("attrs", A_DROITE)
        super().__init__(*args, **kwargs)
        self.entete_export = f"{self.verbose_name} (%)"

    def render(self, value):
        return formats.pourcentage(value)

    def value(self, value):
        if isinstance(value, Masque):
            return str(value)
        return Decimal(value)


class NombreColumn(tables.Column):
    def __init__(self, *args, **kwargs):
        kwargs.setdefault("attrs", A_DROITE)
        super().__init__(*args, **kwargs)

    def render(self, value):
        return formats.nombre(value)

    def value(self, value):
        return str(value) if isinstance(value, Masque) else value


class DateFrancaiseColumn(tables.Column):
    """dd/mm/yyyy on screen, a real date in exports."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("attrs", {"td": {"class": "text-nowrap"}})
        super().__init__(*args, **kwargs)

    def render(self, value):
        return f"{value:%d/%m/%Y}"

    def value(self, value):
        return value

"""Exports of tables to spreadsheets French users open in Excel, shared by every app's lists.

XLSX: real dates and numbers, shown as dd/mm/yyyy and 1 234,50; formulas neutralised.
CSV: UTF-8 with BOM, `;` separator, decimal comma and dd/mm/yyyy, so that Excel opens it as is.
Both neutralise cells that a spreadsheet would run as formulas (CSV injection).
"""

import datetime
from decimal import Decimal
from io import BytesIO

import openpyxl
import tablib
from django.utils import timezone
from django_tables2.export import TableExport

# A cell starting with one of these is read as a formula by spreadsheets (CSV injection).
DEBUTS_DE_FORMULE = ("=", "+", "-", "@", "\t", "\r")


class ExportTableur(TableExport):
    """TableExport for French spreadsheets.

    XLSX: real dates and numbers, shown as dd/mm/yyyy and 1 234,50; formulas neutralised.
    CSV: UTF-8 with BOM, `;` separator, decimal comma and dd/mm/yyyy, so that Excel opens it as is.
    """

    FORMATS_PROPOSES = (TableExport.XLSX, TableExport.CSV)

    def export(self):
        if self.format == self.XLSX:
            return _xlsx(self.dataset)
        if self.format == self.CSV:
            return _csv(self.dataset)
        return super().export()


def _formats_francais(feuille) -> None:
    for ligne in feuille.iter_rows(min_row=2):
        for cellule in ligne:
            if cellule.is_date:
                cellule.number_format = "DD/MM/YYYY"
            elif cellule.data_type == "n" and cellule.value is not None:
                entier = float(cellule.value).is_integer()
                cellule.number_format = "#,##0" if entier else "#,##0.00"


def _xlsx(dataset: tablib.Dataset) -> bytes:
    classeur = openpyxl.load_workbook(BytesIO(dataset.export("xlsx", escape=True)))
    _formats_francais(classeur.active)
    sortie = BytesIO()
    classeur.save(sortie)
    return sortie.getvalue()


def classeur_xlsx(feuilles: list[tablib.Dataset]) -> bytes:
    """One XLSX workbook, a sheet per dataset (named by its title, 31 characters at most), in French formats
    and with formulas neutralised, like a single table's export."""
    livre = tablib.Databook(feuilles)
    classeur = openpyxl.load_workbook(BytesIO(livre.export("xlsx", escape=True, column_width="adaptive")))
    for feuille in classeur.worksheets:
        _formats_francais(feuille)
    sortie = BytesIO()
    classeur.save(sortie)
    return sortie.getvalue()


def _cellule_csv(valeur) -> str:
    if valeur is None:
        return ""
    if isinstance(valeur, bool):
        return "oui" if valeur else "non"
    if isinstance(valeur, int):
        return str(valeur)
    if isinstance(valeur, Decimal | float):
        return f"{valeur:f}".replace(".", ",")
    if isinstance(valeur, datetime.datetime):
        return f"{timezone.localtime(valeur):%d/%m/%Y %H:%M}"
    if isinstance(valeur, datetime.date):
        return f"{valeur:%d/%m/%Y}"
    texte = str(valeur)
    return f"'{texte}" if texte.startswith(DEBUTS_DE_FORMULE) else texte


def _csv(dataset: tablib.Dataset) -> str:
    francais = tablib.Dataset(headers=dataset.headers)
    for ligne in dataset:
        francais.append([_cellule_csv(valeur) for valeur in ligne])
    return "\ufeff" + francais.export("csv", delimiter=";")

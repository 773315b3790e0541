"""The statement template offered for download: XLSX with drop-down lists and a help sheet, or CSV."""

import csv
import io

import openpyxl
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

from insertion.releves.colonnes import COLONNES, ENTETES, valeurs_autorisees
from insertion.releves.lecture import BOM_UTF8, LIGNES_MAX


def modele_csv() -> bytes:
    sortie = io.StringIO()
    csv.writer(sortie, delimiter=";", lineterminator="\r\n").writerow(ENTETES)
    return (BOM_UTF8 + sortie.getvalue()).encode("utf-8")


def modele_xlsx() -> bytes:
    classeur = openpyxl.Workbook()
    gras = Font(bold=True)
    fond = PatternFill("solid", fgColor="DDE7F3")

    releve = classeur.active
    releve.title = "relevé"
    releve.append(ENTETES)
    for position, colonne in enumerate(COLONNES, start=1):
        lettre = get_column_letter(position)
        cellule = releve.cell(row=1, column=position)
        cellule.font, cellule.fill = gras, fond
        releve.column_dimensions[lettre].width = max(14, len(colonne.nom) + 4)
        if colonne.texte:
            releve.column_dimensions[lettre].number_format = "@"
    releve.freeze_panes = "A2"

    valeurs = classeur.create_sheet("valeurs autorisées")
    valeurs.append(("colonne", "valeur (code)", "signification"))
    plages = {}
    for nom, choix in valeurs_autorisees():
        debut = valeurs.max_row + 1
        for code, libelle in choix:
            valeurs.append((nom, code, libelle))
        plages[nom] = f"'valeurs autorisées'!$B${debut}:$B${valeurs.max_row}"
    for cellule in valeurs[1]:
        cellule.font, cellule.fill = gras, fond
    for lettre, largeur in (("A", 16), ("B", 24), ("C", 60)):
        valeurs.column_dimensions[lettre].width = largeur

    # Drop-down lists on the closed columns; a label typed by hand is still accepted (warning only).
    for position, colonne in enumerate(COLONNES, start=1):
        if colonne.nom in plages:
            lettre = get_column_letter(position)
            validation = DataValidation(
                type="list", formula1=plages[colonne.nom], allow_blank=True, errorStyle="warning"
            )
            validation.add(f"{lettre}2:{lettre}{LIGNES_MAX + 1}")
            releve.add_data_validation(validation)

    aide = classeur.create_sheet("mode d'emploi")
    aide.append(("colonne", "obligatoire", "contenu", "exemple"))
    for colonne in COLONNES:
        aide.append((colonne.nom, "oui" if colonne.obligatoire else "non", colonne.aide, colonne.exemple))
    for cellule in aide[1]:
        cellule.font, cellule.fill = gras, fond
    for lettre, largeur in (("A", 20), ("B", 12), ("C", 90), ("D", 18)):
        aide.column_dimensions[lettre].width = largeur
    for ligne in aide.iter_rows(min_row=2, min_col=3, max_col=3):
        ligne[0].alignment = Alignment(wrap_text=True, vertical="top")

    sortie = io.BytesIO()
    classeur.save(sortie)
    return sortie.getvalue()
